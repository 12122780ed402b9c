"""Joint angles and signed leans that the checks of several lifts measure, per frame.

:func:`formlab.form.measures.measure_posture` gives the columns every lift's
table holds; the measures here are computed only by the checks that use them
(through :meth:`FrameData.cached`, once per track), so a squat's table does not
grow columns about elbows. Conventions are those of
:mod:`formlab.form.measures`: world landmarks (metres, hip-centred, y down),
angles in 3D, one-sided measures NaN on a side that is not seen or is the far
side of a side or oblique view, combined columns the mean of the sides used.

================================  =====================================================
column                            what it is
================================  =====================================================
``elbow_angle_deg``               shoulder-elbow-wrist angle (180: straight arm)
``forearm_from_vertical_deg``     elbow->wrist line from vertical (0: wrist over elbow)
``wrist_above_shoulder_arm_ratio``  wrist height above the shoulder, in arm lengths
``upper_arm_from_trunk_deg``      shoulder->elbow from the trunk's axis (0: arm by the side)
``arm_elevation_deg``             shoulder->wrist line above the horizontal
``lean_back_deg``                 trunk from vertical in the lifter's sagittal plane,
                                  positive when the shoulders are behind the hips
``wrists_ahead_of_midfoot_foot_ratio``  hands ahead of the mid-foot (heels and toes),
                                  along the forward axis, in foot lengths
``hip_pike_deg``                  hips off the shoulder-ankle line (midpoints),
                                  positive: piked (hips up), negative: sagging
================================  =====================================================
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core.geometry import angle_between_deg, joint_angle_deg, midpoint
from ..core.landmarks import LANDMARK_INDEX
from .measures import SIDES, FrameData, elevation_deg, usable_sides

__all__ = [
    "arm_elevation_deg",
    "elbow_angle_deg",
    "forearm_from_vertical_deg",
    "forward_axis",
    "hip_pike_deg",
    "lean_back_deg",
    "side_mean",
    "upper_arm_from_trunk_deg",
    "wrist_above_shoulder_arm_ratio",
    "wrists_ahead_of_midfoot_foot_ratio",
]


def _points(data: FrameData, side: str, *joints: str) -> tuple[np.ndarray, ...]:
    w = data.track.world_m
    return tuple(w[:, LANDMARK_INDEX[f"{side}_{j}"]] for j in joints)


def _seen_side(data: FrameData, side: str, *joints: str, far_side_ok: bool = False) -> np.ndarray:
    """Frames in which every joint of one side is seen (and, unless allowed, is not the far side)."""
    vis = data.track.visibility[:, [LANDMARK_INDEX[f"{side}_{j}"] for j in joints]]
    with np.errstate(invalid="ignore"):
        seen = np.all(vis >= data.min_visibility, axis=-1)
    if far_side_ok:
        return seen
    usable = usable_sides(data.views, data.view["side_facing_camera"].to_numpy(dtype=object))
    return seen & usable[side]


def side_mean(columns: list[np.ndarray]) -> np.ndarray:
    """The mean of the finite per-side values of each frame (NaN where no side is seen)."""
    stack = np.vstack(columns)
    n = np.sum(np.isfinite(stack), axis=0)
    with np.errstate(invalid="ignore"):
        return np.where(n > 0, np.nansum(stack, axis=0) / np.maximum(n, 1), np.nan)


def _per_side(data: FrameData, name: str, joints: tuple[str, ...], fn, **kw) -> np.ndarray:
    """``fn(*points)`` per side where seen, cached as ``{side}_{name}``; returns the mean of the sides."""

    def one(side: str) -> np.ndarray:
        seen = _seen_side(data, side, *joints, **kw)
        return np.where(seen, fn(*_points(data, side, *joints)), np.nan)

    sides = [data.cached(f"{s}_{name}", lambda s=s: one(s)) for s in SIDES]
    return data.cached(name, lambda: side_mean(sides))


def elbow_angle_deg(data: FrameData) -> np.ndarray:
    """Shoulder-elbow-wrist angle, degrees (180: the arm straight), mean of the seen arms."""
    return _per_side(data, "elbow_angle_deg", ("shoulder", "elbow", "wrist"), joint_angle_deg)


def forearm_from_vertical_deg(data: FrameData) -> np.ndarray:
    """The elbow->wrist line from the vertical, degrees, either way up (0: wrist straight above or below)."""

    def fn(elbow, wrist):
        return 90.0 - np.abs(elevation_deg(elbow, wrist))

    return _per_side(data, "forearm_from_vertical_deg", ("elbow", "wrist"), fn)


def wrist_above_shoulder_arm_ratio(data: FrameData) -> np.ndarray:
    """Height of the wrist above the shoulder joint over the arm's length (upper arm + forearm).

    1 with the arm straight up, 0 with the wrist level with the shoulder;
    dividing by the lifter's own arm (two bones) makes it independent of size.
    """

    def fn(shoulder, elbow, wrist):
        arm = np.linalg.norm(elbow - shoulder, axis=-1) + np.linalg.norm(wrist - elbow, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arm > 0, (shoulder[:, 1] - wrist[:, 1]) / arm, np.nan)

    return _per_side(data, "wrist_above_shoulder_arm_ratio", ("shoulder", "elbow", "wrist"), fn)


def upper_arm_from_trunk_deg(data: FrameData) -> np.ndarray:
    """Angle between each seen upper arm (shoulder->elbow) and the trunk's axis, degrees.

    The trunk's axis runs from the shoulder midpoint to the hip midpoint (one
    side's shoulder->hip line is tilted inwards, the shoulders being wider
    than the hips). 0 with the upper arm hanging along the trunk; it grows as
    the elbow drifts forward (or back, or out) from the body, whatever the
    trunk's lean.
    """
    w = data.track.world_m
    i = LANDMARK_INDEX
    axis = midpoint(w[:, i["left_hip"]], w[:, i["right_hip"]]) - midpoint(
        w[:, i["left_shoulder"]], w[:, i["right_shoulder"]]
    )

    def fn(shoulder, elbow):
        return angle_between_deg(elbow - shoulder, axis)

    return _per_side(data, "upper_arm_from_trunk_deg", ("shoulder", "elbow"), fn)


def arm_elevation_deg(data: FrameData) -> np.ndarray:
    """The shoulder->wrist line above the horizontal, degrees (90: straight up), mean of the seen arms."""
    return _per_side(data, "arm_elevation_deg", ("shoulder", "wrist"), elevation_deg)


def forward_axis(w: np.ndarray) -> np.ndarray:
    """The lifter's forward direction per frame, a horizontal unit vector in world coordinates.

    Perpendicular to the lifter's left-right axis (right->left shoulder plus
    right->left hip) and to the vertical: with y down, ``down x left`` points
    the way the lifter faces.
    """
    i = LANDMARK_INDEX
    left = (w[:, i["left_shoulder"]] - w[:, i["right_shoulder"]]) + (
        w[:, i["left_hip"]] - w[:, i["right_hip"]]
    )
    forward = np.cross(np.array([0.0, 1.0, 0.0]), left)
    norm = np.linalg.norm(forward, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, forward / norm, np.nan)


def lean_back_deg(data: FrameData) -> np.ndarray:
    """The trunk's angle from vertical in the lifter's sagittal plane, degrees; positive: leaning back.

    The hip-midpoint->shoulder-midpoint line is split into its upward
    component and its component along the lifter's forward axis
    (:func:`forward_axis`); the angle is ``atan2(-forward, up)``. Unlike
    ``torso_lean_deg`` (any direction, unsigned) it tells leaning back from
    leaning forward and ignores a sideways tilt.
    """

    def compute() -> np.ndarray:
        w = data.track.world_m
        i = LANDMARK_INDEX
        trunk = midpoint(w[:, i["left_shoulder"]], w[:, i["right_shoulder"]]) - midpoint(
            w[:, i["left_hip"]], w[:, i["right_hip"]]
        )
        ahead = np.sum(trunk * forward_axis(w), axis=-1)
        return np.degrees(np.arctan2(-ahead, -trunk[:, 1]))

    return data.cached("lean_back_deg", compute)


def hip_pike_deg(data: FrameData) -> np.ndarray:
    """How far the hips bend the shoulder-hip-ankle line, degrees: positive piked (hips up), negative sagging.

    ``180 - angle(shoulder, hip, ankle)`` of the midpoints of each pair
    (the shoulders are wider than the hips, so one side's points are not in
    line even with the body straight), signed by whether the hip midpoint
    lies above (smaller world y) or below the straight shoulder->ankle line.
    NaN where a pair has neither side seen.
    """

    def compute() -> np.ndarray:
        w = data.track.world_m
        vis = data.track.visibility
        i = LANDMARK_INDEX
        points, seen = [], np.ones(len(w), bool)
        for part in ("shoulder", "hip", "ankle"):
            left, right = i[f"left_{part}"], i[f"right_{part}"]
            points.append(midpoint(w[:, left], w[:, right]))
            with np.errstate(invalid="ignore"):
                seen &= np.fmax(vis[:, left], vis[:, right]) >= data.min_visibility
        shoulder, hip, ankle = points
        bend = 180.0 - joint_angle_deg(shoulder, hip, ankle)
        line = ankle - shoulder
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.sum((hip - shoulder) * line, axis=-1) / np.sum(line * line, axis=-1)
        on_line = shoulder + t[:, None] * line
        above = on_line[:, 1] - hip[:, 1]  # y down: positive when the hip is higher than the line
        return np.where(seen, np.where(above >= 0, bend, -bend), np.nan)

    return data.cached("hip_pike_deg", compute)


def wrists_ahead_of_midfoot_foot_ratio(data: FrameData) -> np.ndarray:
    """How far the wrists' midpoint lies ahead of the mid-foot along the lifter's forward axis, in foot lengths.

    The mid-foot is the mean of the seen heels and toes (``foot_index``); the
    foot length is the median heel-to-toe distance over the clip (the
    lifter's own foot, so the ratio does not depend on size). Negative when
    the hands are behind the mid-foot; NaN where the hands or the feet are not
    seen or the feet have no length. Meaningful where the foot lies in the
    picture (a side view).
    """

    def compute() -> np.ndarray:
        w = data.track.world_m
        vis = data.track.visibility
        i = LANDMARK_INDEX
        feet = [i[f"{s}_{p}"] for s in SIDES for p in ("heel", "foot_index")]
        with np.errstate(invalid="ignore"):
            seen = vis[:, feet] >= data.min_visibility
        pts = np.where(seen[..., None], w[:, feet], np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            midfoot = np.nanmean(pts, axis=1)
            lengths = np.linalg.norm(pts[:, 1::2] - pts[:, 0::2], axis=-1)  # toe - heel, per foot
            foot = np.nanmedian(lengths) if np.isfinite(lengths).any() else np.nan
            hands = (
                np.fmax(vis[:, i["left_wrist"]], vis[:, i["right_wrist"]]) >= data.min_visibility
            )
        wrists = midpoint(w[:, i["left_wrist"]], w[:, i["right_wrist"]])
        ahead = np.sum((wrists - midfoot) * forward_axis(w), axis=-1)
        if not foot > 0:
            return np.full(len(w), np.nan)
        return np.where(hands, ahead / foot, np.nan)

    return data.cached("wrists_ahead_of_midfoot_foot_ratio", compute)
