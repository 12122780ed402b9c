"""The camera's motion measured on the background (formlab.barbell.camera_motion)."""

from __future__ import annotations

import numpy as np
import pytest
from support.edited_clips import about_centre, film_handheld, handheld_motion
from support.synthetic import write_clip

from formlab.barbell.camera_motion import (
    CameraMotionOptions,
    camera_seems_to_move,
    estimate_camera_motion,
    unmeasured,
)
from formlab.core.errors import ConfigError, InputError
from formlab.core.track import PoseTrack, TrackMeta

W, H, N, FPS = 320, 240, 40, 20.0


def _texture(seed: int = 0) -> np.ndarray:
    """A wall with texture: smoothed noise, grey levels spread over 0-255."""
    import cv2

    rng = np.random.default_rng(seed)
    a = cv2.GaussianBlur(rng.uniform(0, 255, (H, W)).astype(np.float32), (0, 0), 2.0)
    a = (a - a.min()) / (a.max() - a.min()) * 255
    return np.repeat(a.astype(np.uint8)[..., None], 3, axis=2)


def _empty_track(n: int = N, feet_xy=None, box_x=None) -> PoseTrack:
    """A track of ``n`` frames without a person (no mask), or with only feet and torso points,
    or a "lifter" whose shoulders and hips span the box x..x+60, y 90..150 of each frame."""
    xy = np.full((n, 33, 2), np.nan)
    if box_x is not None:
        x = np.asarray(box_x, float)[:, None]
        xy[:, [11, 23], 0] = x
        xy[:, [12, 24], 0] = x + 60
        xy[:, [11, 12], 1] = 90
        xy[:, [23, 24], 1] = 150
    if feet_xy is not None:
        xy[:, [11, 12], :] = [[100, 50], [100, 50]]
        xy[:, [23, 24], :] = [[100, 150], [100, 150]]
        xy[:, [27, 28, 29, 30, 31, 32], :] = feet_xy[:, None, :]
    return PoseTrack(
        xy_px=xy,
        z=np.zeros((n, 33)),
        visibility=np.ones((n, 33)),
        presence=np.ones((n, 33)),
        world_m=np.zeros((n, 33, 3)),
        time_s=np.arange(n) / FPS,
        frame=np.arange(n),
        meta=TrackMeta(source="synthetic", width_px=W, height_px=H),
    )


@pytest.fixture(scope="module")
def swaying(tmp_path_factory):
    """A textured wall filmed by a swaying phone, with the sway that was applied."""
    folder = tmp_path_factory.mktemp("camera")
    motion = handheld_motion(N, FPS, 15.0, seed=3)
    wall = _texture()
    path = write_clip(folder / "sway.mp4", film_handheld([wall] * N, motion), fps=FPS)
    still = write_clip(folder / "still.mp4", [wall] * N, fps=FPS)
    return path, still, about_centre(motion, (W, H))


def test_a_swaying_camera_is_measured_to_within_a_pixel(swaying):
    path, _, applied = swaying
    cm = estimate_camera_motion(path, _empty_track())
    assert not cm.static
    assert cm.info["background_residual_ratio"] < 0.7
    # truth: a point seen at p in frame i was at A0 A_i^-1 p in frame 0's picture
    centre = np.array([W / 2, H / 2])
    to3 = lambda a: np.vstack([a, [0, 0, 1]])  # noqa: E731
    truth = np.array(
        [(to3(applied[0]) @ np.linalg.inv(to3(a)) @ [*centre, 1])[:2] for a in applied]
    )
    got = cm.to_scene(np.repeat(centre[None], N, axis=0))
    assert np.abs(got - truth).max() < 1.0
    assert "scene coordinates" in cm.describe()


def test_a_still_camera_is_static_and_its_scene_is_its_image(swaying):
    _, still, _ = swaying
    cm = estimate_camera_motion(still, _empty_track())
    assert cm.static
    xy = np.full((N, 2), 50.0)
    np.testing.assert_allclose(cm.to_scene(xy), xy)
    assert "camera static" in cm.describe()


def test_a_plain_background_cannot_vouch_for_a_motion(tmp_path):
    """A textured load moving on a plain wall: whatever the flow follows outside the lifter, the
    background check cannot confirm it, and the camera is not said to move."""
    patch = _texture(5)[:60, :60]
    frames = []
    for i in range(N):
        a = np.full((H, W, 3), 128, np.uint8)
        x = 40 + 4 * i
        a[90:150, x : x + 60] = patch
        frames.append(a)
    path = write_clip(tmp_path / "plain.mp4", frames, fps=FPS)
    cm = estimate_camera_motion(path, _empty_track(box_x=40 + 4 * np.arange(N)))
    assert cm.static
    if np.isfinite(cm.max_shift_px) and cm.max_shift_px > 0.01 * np.hypot(W, H):
        assert "rejected" in cm.info
        assert "camera motion unclear" in cm.describe()


def test_planted_feet_that_wander_across_the_picture_mean_a_moving_camera():
    still = np.tile([[100.0, 200.0]], (N, 1))
    moves, why = camera_seems_to_move(_empty_track(feet_xy=still))
    assert not moves and "0.00 torso lengths" in why
    drift = still + np.linspace(0, 40, N)[:, None] * [1, 0]  # 0.4 torso lengths
    moves, why = camera_seems_to_move(_empty_track(feet_xy=drift))
    assert moves and "0.3" in why
    # outside the reps the feet may walk: only the rep span counts
    assert not camera_seems_to_move(_empty_track(feet_xy=drift), rep_frames=(0, 3))[0]


def test_unmeasured_motion_says_why_and_changes_nothing():
    cm = unmeasured(_empty_track(), "no video")
    assert cm.static and "no video" in cm.describe()
    xy = np.random.default_rng(0).uniform(0, 100, (N, 2))
    np.testing.assert_allclose(cm.to_scene(xy), xy)
    with pytest.raises(InputError, match="one position per frame"):
        cm.to_scene(xy[:5])


@pytest.mark.parametrize(
    "field, value",
    [
        ("work_long_side_px", 10),
        ("min_inliers", 2),
        ("max_residual_ratio", 1.5),
        ("feet_shift_torso", 0),
    ],
)
def test_options_out_of_range_are_refused_by_name(field, value):
    with pytest.raises(ConfigError, match=field):
        CameraMotionOptions(**{field: value})
