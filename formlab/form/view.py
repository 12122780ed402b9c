"""Camera view (front, oblique, side, back) estimated from the pose itself.

What a camera can show depends on where it stands: knees caving in need a
view from the front, heels lifting need a view from the side. The form checks
(:mod:`formlab.checks`) therefore ask, frame by frame, where the camera was.
Nothing but the pose is needed to answer.

The answer is the body's **yaw**: the angle, seen from above, between the
lifter's left-right axis and the camera's x axis. 0 deg when the lifter faces
the camera, +90 deg when the lifter's right side faces it, -90 deg for the
left side, +-180 deg from behind. Two independent cues are combined:

world cue (signed)
    The direction, in the horizontal (x, z) plane of MediaPipe's world
    landmarks, of the vector from the right to the left shoulder plus the one
    from the right to the left hip. World landmarks use the camera's axes
    (x right, y down, z away from the camera), so ``atan2(z, x)`` of that
    vector is the yaw. It tells front from back and which side faces the
    camera, but it relies on MediaPipe's depth estimate.
image cue (magnitude only)
    The width of the shoulders and hips in the picture relative to the
    torso's length in the picture, divided by the same ratio in world
    landmarks (the body's true proportions): the cosine of the yaw, since a
    width across the body shrinks by ``cos(yaw)`` in the picture while the
    upright torso does not. It needs no depth at all, but cannot tell front
    from back. A torso leaning towards the camera looks shorter, which can
    only make the view look more frontal than it is.

Their magnitudes are averaged (weight ``image_cue_weight``), the sign and
front/back come from the world cue, and the result is averaged over a
centred window of ``smoothing_window_s`` seconds (as unit vectors, so
+179 and -179 deg average to 180, not 0). The view is then read off
:class:`~formlab.thresholds.ViewThresholds`' limits.

Assumptions: the camera is roughly level (its x axis horizontal). BlazePose
is trained mostly on people facing the camera; from behind it may return a
mirrored frontal pose, which this module cannot detect, and no sample shows
a back view.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from .settings import ViewThresholds

VIEWS: tuple[str, ...] = ("front", "oblique", "side", "back", "unknown")
"""The camera views formlab tells apart; ``"unknown"`` where there is no pose."""

_LS, _RS = LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]
_LH, _RH = LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]


def world_yaw_deg(world_m: np.ndarray) -> np.ndarray:
    """Signed body yaw from world landmarks, degrees in (-180, 180].

    Parameters
    ----------
    world_m : ndarray, shape (n_frames, 33, 3)
        World landmarks (camera axes).
    """
    w = np.asarray(world_m, dtype=float)
    axis = (w[:, _LS] - w[:, _RS]) + (w[:, _LH] - w[:, _RH])
    return np.degrees(np.arctan2(axis[:, 2], axis[:, 0]))


def image_yaw_abs_deg(xy_px: np.ndarray, world_m: np.ndarray) -> np.ndarray:
    """Unsigned body yaw folded into [0, 90] deg (0: front or back, 90: side) from the picture.

    ``arccos`` of (shoulder + hip width over torso length in pixels) divided
    by (the same in world metres), clipped to [0, 1].
    """
    p = np.asarray(xy_px, dtype=float)
    w = np.asarray(world_m, dtype=float)

    def widths_over_torso(a: np.ndarray) -> np.ndarray:
        width = np.linalg.norm(a[:, _LS] - a[:, _RS], axis=-1) + np.linalg.norm(
            a[:, _LH] - a[:, _RH], axis=-1
        )
        torso = np.linalg.norm((a[:, _LS] + a[:, _RS]) / 2 - (a[:, _LH] + a[:, _RH]) / 2, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return width / torso

    with np.errstate(invalid="ignore", divide="ignore"):
        cos_yaw = widths_over_torso(p) / widths_over_torso(w)
    return np.degrees(np.arccos(np.clip(cos_yaw, 0.0, 1.0)))


def _fold(yaw_deg: np.ndarray) -> np.ndarray:
    """|yaw| folded to [0, 90]: 0 for front or back, 90 for side."""
    a = np.abs(yaw_deg)
    return np.where(a > 90, 180 - a, a)


def fuse_yaw_deg(world_yaw: np.ndarray, image_abs: np.ndarray, image_weight: float) -> np.ndarray:
    """Combine the signed world yaw with the unsigned image yaw (see module notes)."""
    world_yaw = np.asarray(world_yaw, dtype=float)
    image_abs = np.asarray(image_abs, dtype=float)
    folded_world = _fold(world_yaw)
    folded = np.where(
        np.isfinite(image_abs),
        image_weight * image_abs + (1 - image_weight) * folded_world,
        folded_world,
    )
    magnitude = np.where(np.abs(world_yaw) > 90, 180 - folded, folded)
    sign = np.where(world_yaw < 0, -1.0, 1.0)
    return np.where(np.isfinite(world_yaw), sign * magnitude, np.nan)


def smooth_angle_deg(angle_deg: np.ndarray, time_s: np.ndarray, window_s: float) -> np.ndarray:
    """Centred moving circular mean of an angle over ``window_s`` seconds, NaN-aware.

    Frames whose own angle is NaN stay NaN. Uses the real timestamps, so a
    variable frame rate is handled.
    """
    angle = np.asarray(angle_deg, dtype=float)
    t = np.asarray(time_s, dtype=float)
    if window_s <= 0 or angle.size <= 1:
        return angle.copy()
    ok = np.isfinite(angle)
    rad = np.radians(np.where(ok, angle, 0.0))
    c = np.concatenate([[0.0], np.cumsum(np.where(ok, np.cos(rad), 0.0))])
    s = np.concatenate([[0.0], np.cumsum(np.where(ok, np.sin(rad), 0.0))])
    order_ok = np.all(np.diff(t) >= 0)
    if not order_ok:  # timestamps should be sorted; fall back to frame order
        t = np.arange(angle.size, dtype=float)
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    mean = np.degrees(np.arctan2(s[hi] - s[lo], c[hi] - c[lo]))
    return np.where(ok, mean, np.nan)


def classify_view(yaw_deg: np.ndarray, thresholds: ViewThresholds | None = None) -> np.ndarray:
    """Map yaw angles to view names (:data:`VIEWS`); NaN gives ``"unknown"``."""
    th = thresholds or ViewThresholds()
    yaw = np.asarray(yaw_deg, dtype=float)
    a = np.abs(yaw)
    view = np.full(yaw.shape, "oblique", dtype=object)
    view[a <= th.front_max_yaw_deg] = "front"
    view[a >= 180 - th.front_max_yaw_deg] = "back"
    view[(a >= th.side_min_yaw_deg) & (a <= 180 - th.side_min_yaw_deg)] = "side"
    view[~np.isfinite(yaw)] = "unknown"
    return view


def estimate_view(track: PoseTrack, thresholds: ViewThresholds | None = None) -> pd.DataFrame:
    """Estimate the camera view in every frame of a track.

    Parameters
    ----------
    track : PoseTrack
        Any track, including a single image's (one frame: no smoothing).
    thresholds : ViewThresholds, optional
        View limits, cue weight and smoothing window (defaults documented there).

    Returns
    -------
    DataFrame
        One row per frame: ``frame``, ``time_s``, ``yaw_world_deg`` (signed,
        raw), ``yaw_image_abs_deg`` (unsigned, folded to [0, 90], raw),
        ``yaw_deg`` (fused and smoothed, signed: positive when the lifter's
        right side faces the camera), ``view`` (one of :data:`VIEWS`) and
        ``side_facing_camera`` (``"left"``, ``"right"`` or ``""`` in a front
        or back view or without a pose).
    """
    th = thresholds or ViewThresholds()
    world = world_yaw_deg(track.world_m)
    image = image_yaw_abs_deg(track.xy_px, track.world_m)
    fused = fuse_yaw_deg(world, image, th.image_cue_weight)
    yaw = smooth_angle_deg(fused, track.time_s, th.smoothing_window_s)
    view = classify_view(yaw, th)
    facing = np.where(np.isin(view, ["side", "oblique"]), np.where(yaw > 0, "right", "left"), "")
    return pd.DataFrame(
        {
            "frame": track.frame,
            "time_s": track.time_s,
            "yaw_world_deg": world,
            "yaw_image_abs_deg": image,
            "yaw_deg": yaw,
            "view": pd.Categorical(view, categories=VIEWS),
            "side_facing_camera": facing,
        }
    )
