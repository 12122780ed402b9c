"""A cheap look at the background, to tell whether the camera moved during the clip.

:func:`~formlab.barbell.camera_motion.camera_seems_to_move` reads the pose alone: planted feet
that wander across the picture. A slow pan that keeps the lifter framed (the phone follows
the lifter) moves the feet little, and the whole picture a lot; only the background shows it;
and feet that step or hide fire on a tripod clip. So ``camera="auto"`` asks the background
(:func:`formlab.pipeline.camera.camera_motion_of`).
:func:`background_seems_to_move` looks at the background of :data:`PROBES` frames spread over
the clip (the whole clip, as the bar path covers it; the lifter is masked out, so a walk-out is
no camera motion here), at the size the motion is measured at, and compares each with the first
directly (no chaining, so no drift to mistake for motion):

1. corners outside the lifter (as :func:`~formlab.barbell.camera_motion.estimate_camera_motion`
   picks them) are followed into each later frame by pyramidal Lucas-Kanade flow and a
   similarity is fitted with RANSAC;
2. the similarity must move the picture's centre or corners by more than
   :attr:`~formlab.barbell.camera_motion.CameraMotionOptions.static_shift_frac` of the diagonal
   (the same bar as the full measure's "static"), and
3. realigning the frame with it must make the background more alike than leaving it
   (:attr:`~formlab.barbell.camera_motion.CameraMotionOptions.max_residual_ratio`), so that a
   plain wall whose only corners are on the lifter's load does not pass for a pan.

It decodes the clip but converts and scales only the probes (seeking to each instead was
slower on the sample phone clips, whose keyframes are far apart): a part of the full
measure's cost, which then runs only on the clips this says moved.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..core.track import PoseTrack
from .camera_motion import (
    CameraMotionOptions,
    _corners,
    _follow,
    _lifter_boxes,
    _residuals,
    _to3,
)

PROBES = 5
"""Frames compared: the first, and this many minus one more spread evenly to the last (a pan that
comes back is still caught half-way)."""


def _probe_rows(track: PoseTrack) -> list[int]:
    """Track rows of :data:`PROBES` frames spread evenly over the track from the first."""
    n = track.n_frames
    if n < 2:
        return []
    step = max(1, (n - 1) // (PROBES - 1))  # evenly spaced, so that only these frames are converted
    return list(range(0, n, step))[:PROBES]


def background_seems_to_move(
    video: str | Path,
    track: PoseTrack,
    options: CameraMotionOptions | None = None,
) -> tuple[bool, str]:
    """Whether the background moved between the clip's first frame and any of a few later ones.

    Parameters
    ----------
    video : path
        The video ``track`` was extracted from.
    track : PoseTrack
        Its pose track (the lifter's landmarks mask the lifter out).
    options : CameraMotionOptions, optional
        The work size, corners, RANSAC, ``static_shift_frac`` and ``max_residual_ratio``.

    Returns
    -------
    moves : bool
    why : str
        The background's largest shift in pixels and how much realigning removed, for the summary.
    """
    from ..io.media import iter_video_frames, probe_video

    o = options or CameraMotionOptions()
    rows = _probe_rows(track)
    if len(rows) < 2:
        return False, "too few frames to compare the background on"
    info = probe_video(video)
    w, h = info.width_px, info.height_px
    scale = min(1.0, o.work_long_side_px / max(w, h))
    size = (max(2, round(w * scale)), max(2, round(h * scale)))
    boxes = _lifter_boxes(track.select_frames(np.array(rows)), scale, o.lifter_margin_torso)
    wanted = [int(track.frame[r]) for r in rows]
    stride = math.gcd(*[f - wanted[0] for f in wanted[1:]]) or 1
    grays = {
        fr.index: fr.rgb
        for fr in iter_video_frames(
            video,
            start_frame=wanted[0],
            end_frame=wanted[-1] + 1,
            stride=stride,
            gray_size_px=size,
        )
        if fr.index in wanted
    }
    if len(grays) < len(wanted):
        return False, "the background's frames could not be read"
    first = grays[wanted[0]]
    pts = _corners(first, boxes[0], o)
    if pts is None:
        return False, "no background corners to compare"
    diag = math.hypot(w, h)
    centre_corners = np.array(
        [[0, 0, 1], [size[0], 0, 1], [0, size[1], 1], [size[0], size[1], 1]], float
    )
    centre_corners = np.vstack([centre_corners, [size[0] / 2, size[1] / 2, 1]]).T
    largest, ratio_seen = 0.0, float("nan")
    for k, f in enumerate(wanted[1:], start=1):
        m, _, _ = _follow(first, pts, pts, grays[f], o)
        if m is None:
            continue
        shift_px = float(np.max(np.linalg.norm(m @ centre_corners - centre_corners[:2], axis=0)))
        shift_px /= scale
        still, realigned = _residuals(first, boxes[0], grays[f], boxes[k], np.linalg.inv(_to3(m)))
        ratio = realigned / still if still > 0 else float("nan")
        if shift_px > largest:
            largest, ratio_seen = shift_px, ratio
        if shift_px > o.static_shift_frac * diag and ratio <= o.max_residual_ratio:
            return True, (
                f"background moved {shift_px:.0f} px between frames {wanted[0]} and {f} "
                f"(realigning leaves {ratio:.0%} of the difference)"
            )
    return False, f"background moved at most {largest:.0f} px" + (
        f" (realigning leaves {ratio_seen:.0%})" if ratio_seen == ratio_seen else ""
    )
