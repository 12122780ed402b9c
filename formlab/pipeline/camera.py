"""Step 4's camera: whether the camera moved, and how, so that the load's path is the lifter's.

See :mod:`formlab.barbell.camera_motion` for the method; this step decides when it is worth
reading the video again and keeps the answer beside the cached pose tracks.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..barbell.camera_motion import (
    CameraMotion,
    CameraMotionOptions,
    check_camera_mode,
    estimate_camera_motion,
    unmeasured,
)
from ..barbell.camera_probe import background_seems_to_move
from ..barbell.trajectory import BarPath, path_origin
from ..core.errors import ConfigError, InputError
from ..core.track import PoseTrack
from ..reps.detection import RepDetection
from .plate_cache import load_camera, plate_key, store_camera


def camera_motion_of(
    track: PoseTrack,
    exercise: str,
    camera: str,
    video,
    detection: RepDetection | None,
    *,
    progress: bool = False,
    cache: bool = True,
) -> CameraMotion:
    """The camera's motion through the clip (:mod:`formlab.barbell.camera_motion`), when worth measuring.

    ``camera="moving"`` measures it; ``"static"`` takes the image for the scene; ``"auto"``
    measures it when a few frames' background says the picture moved
    (:func:`~formlab.barbell.camera_probe.background_seems_to_move`, about a third of the full
    measure's cost; its answer is cached beside the pose track like the measure's). The lifter's
    feet are no trigger: on the 31 sample videos (``tests/benchmarks/eval_camera.py``) feet that
    wander (a walk-out, a step, a hidden foot) fired on 18 tripod clips and missed two pans, the
    background on none. Without a video it cannot be measured (and ``"moving"`` says so).
    ``exercise`` and ``detection`` are accepted for the callers; the background decides.
    """
    check_camera_mode(camera)
    if camera == "static":
        return unmeasured(track, "the camera was declared static")
    if video is None:
        if camera == "moving":
            raise ConfigError("camera='moving' needs the video to measure the camera's motion in")
        return unmeasured(track, "no video")
    options = dataclasses.asdict(CameraMotionOptions())
    key = plate_key(track, video, "camera", options)
    found = load_camera(key) if cache else None
    if found is not None:
        return found
    if camera == "auto":
        probe_key = plate_key(track, video, "camera-probe", options)
        still = load_camera(probe_key) if cache else None
        if still is not None:
            return still
        moves, why = background_seems_to_move(video, track)
        if not moves:
            still = unmeasured(track, f"taken as static, {why}")
            if cache:
                store_camera(probe_key, still)
            return still
    motion = estimate_camera_motion(video, track, progress=progress)
    if cache:
        store_camera(key, motion)
    return motion


def path_in_scene(path: BarPath, track: PoseTrack, motion: CameraMotion) -> BarPath:
    """``path`` with its scene coordinates, and metres made from them, when the camera moved.

    Parameters
    ----------
    path : BarPath
        A path in image pixels (before any low-pass).
    track : PoseTrack
        The track the path was made from (its feet give the floor's origin, in scene pixels).
    motion : CameraMotion
        The camera's motion through the same frames.

    Returns
    -------
    BarPath
        ``info["camera"]`` says which coordinates ``x_m``/``y_m`` are in. For a static camera
        (or an unmeasured motion) only that changes; otherwise ``x_scene_px``/``y_scene_px`` are
        the path in the first frame's pixels (``image_to_scene`` each frame's transform) and
        ``x_m``/``y_m``/``origin_px`` are made from them
        (the scale, measured on the body or the plate, is the first frame's up to the camera's zoom).
    """
    if not np.array_equal(path.frame, motion.frame) or not np.array_equal(path.frame, track.frame):
        raise InputError("the camera motion's frames do not match the path's")
    info = {**path.info, "camera": motion.to_dict()}
    if motion.static:
        return dataclasses.replace(path, info=info)
    scene = motion.to_scene(path.xy_px)
    flat = track.xy_px.reshape(track.n_frames, -1, 2)
    a = motion.image_to_scene
    scene_pose = np.einsum("nij,nkj->nki", a[:, :, :2], flat) + a[:, None, :, 2]
    origin, text = path_origin(track.replace(xy_px=scene_pose.reshape(track.xy_px.shape)), scene)
    info["origin"] = text + ", in scene pixels"
    m = path.scale.m_per_px
    return dataclasses.replace(
        path,
        x_m=(scene[:, 0] - origin[0]) * m,
        y_m=(origin[1] - scene[:, 1]) * m,
        origin_px=(float(origin[0]), float(origin[1])),
        info=info,
        x_scene_px=scene[:, 0].copy(),
        y_scene_px=scene[:, 1].copy(),
        image_to_scene=motion.image_to_scene.copy(),
    )
