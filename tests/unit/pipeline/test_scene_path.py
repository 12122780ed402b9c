"""A path in scene coordinates keeps each frame's camera transform (pipeline.camera.path_in_scene)."""

from __future__ import annotations

import numpy as np
from support.constructed_posture import STANDING, make_track

from formlab.barbell.camera_motion import CameraMotion, unmeasured
from formlab.barbell.trajectory import bar_path
from formlab.pipeline.camera import path_in_scene

N = 30


def test_a_moving_cameras_transforms_ride_with_the_path_through_the_lowpass():
    track = make_track([STANDING] * N)
    path = bar_path(track, "grip_centre")
    a = np.repeat(np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]), N, axis=0)
    a[:, 0, 2] = np.linspace(0, 50, N)  # the camera pans: the scene is the image shifted
    moved = path_in_scene(path, track, CameraMotion(track.frame.copy(), a, False, 50.0))
    np.testing.assert_allclose(moved.image_to_scene, a)
    np.testing.assert_allclose(moved.x_scene_px, path.x_px + a[:, 0, 2])
    np.testing.assert_allclose(moved.lowpass(4.0).image_to_scene, a)
    still = path_in_scene(path, track, unmeasured(track, "declared static"))
    assert still.image_to_scene is None
