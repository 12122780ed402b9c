"""The bench press: the bar lowered to the chest and pressed up, lying on a bench.

Coaches ask for the bar to touch the chest (the IPF's rules: the bar
lowered to the chest, then pressed to straight arms with the elbows locked),
and for the wrists stacked over the elbows, the forearms vertical under the
bar from the side and from the head end (e.g. Rippetoe, "Starting Strength",
3rd ed., ch. 4).

=================  ===================================================  ==========================
check              measured value                                       valid views
=================  ===================================================  ==========================
lockout            lockout_elbow_angle_deg, once per rep (the top       all
                   after its bottom)
bar_touches_chest  wrist_above_shoulder_arm_ratio, once per rep         all
                   (smallest)
wrists_stacked     forearm_from_vertical_deg                            all
touch_point        bar_along_torso_ratio at the bottom, once per rep    side
lockout_over_      bar_from_shoulders_ratio at lockout, once per rep    side
shoulders
=================  ===================================================  ==========================

The bar's path from the side: coaches teach a J-curve, the bar lowered to the
lower chest (the touch point) and pressed up and back until it locks out over
the shoulder joints. ``touch_point`` and ``lockout_over_shoulders`` judge its
two ends; their values in ``reps.csv`` describe the path (the J-curve's
travel toward the head is the touch point minus the lockout position), and a
touch point that wanders from rep to rep shows there too.

Why every view: the three are 3D angles and vertical distances of a lifter
lying face up, which a camera level with the bench sees from the side, and
from the head or the feet as well (the vertical stays in the picture).
Where the arms are not seen, the checks are not assessable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..form.check import ALL_VIEWS, SIDE, Check, Geometry, Threshold
from ..form.joints import (
    elbow_angle_deg,
    forearm_from_vertical_deg,
    wrist_above_shoulder_arm_ratio,
)
from ..form.measures import FrameData
from .arm_checks import ARM, BEST_WINDOW, STRAIGHT_ARM_SOURCE, elbow_lockout
from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS
from .rep_frames import best_frames, reached_around_reps

LOCKOUT = elbow_lockout(
    "lockout",
    ALL_VIEWS,
    min_elbow_angle_deg=(155.0, STRAIGHT_ARM_SOURCE),
    lift="the bench press",
    reached="after",
)


# --------------------------------------------------------------------------- bar touches chest
def _bottom_frames(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, wrist_above_shoulder_arm_ratio(data), "min", th.best_window_s)


BAR_TOUCHES_CHEST = Check(
    name="bar_touches_chest",
    title="Bar to the chest",
    cue="Touch the bar to your chest",
    value="wrist_above_shoulder_arm_ratio",
    unit="ratio",
    views=ALL_VIEWS,
    measure=lambda data, th: wrist_above_shoulder_arm_ratio(data),
    upper="max_wrist_above_shoulder_arm_ratio",
    applies=_bottom_frames,
    applies_column="bar_touches_chest_frame",
    not_applicable="not the bottom of a rep (judged once per rep, with the bar lowest; a photo "
    "alone is no rep)",
    per_rep="best",
    side_values="{side}_wrist_above_shoulder_arm_ratio",
    geometry=ARM,
    thresholds=(
        Threshold(
            "max_wrist_above_shoulder_arm_ratio",
            0.4,
            "arm lengths",
            -1,
            1,
            "Largest height of the wrists above the shoulder joints at the bottom of a rep, in "
            "lengths of the lifter's own arm (upper arm + forearm).",
            "formlab, from body proportions: the chest is 0.20-0.25 m deep and the shoulder joint "
            "sits about halfway, so a bar on the chest holds the wrists 0.10-0.20 m above the "
            "shoulder joints, 0.17-0.35 of a 0.58 m arm; stopping with the elbows at 90 deg "
            "leaves them a forearm above (0.45-0.5). Not from a study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Bar to the chest: at the bottom of each rep the wrists (which hold the bar) come "
    "down to within a chest's half-depth of the shoulder joints. Measured as the wrists' height "
    "above the shoulders (world vertical) over the arm's length, mean of the seen arms, judged "
    "once per rep at its lowest. A rep stopped short is still counted and flagged here.",
)


# --------------------------------------------------------------------------- wrists stacked
WRISTS_STACKED = Check(
    name="wrists_stacked",
    title="Wrists over elbows",
    cue="Stack your wrists over elbows",
    value="forearm_from_vertical_deg",
    unit="deg",
    views=ALL_VIEWS,
    measure=lambda data, th: forearm_from_vertical_deg(data),
    upper="max_forearm_from_vertical_deg",
    side_values="{side}_forearm_from_vertical_deg",
    geometry=Geometry((("{side}_elbow", "{side}_wrist"),), "vertical", "sagittal"),
    thresholds=(
        Threshold(
            "max_forearm_from_vertical_deg",
            20.0,
            "deg",
            0,
            90,
            "Largest angle of the forearm (elbow->wrist) from vertical during a rep.",
            "coaching guides (Rippetoe, Starting Strength: forearms vertical from the side and "
            "from the front, the bar over the elbows); 20 deg is formlab's tolerance for grip "
            "width and landmark error. Not from a study: tune it.",
        ),
    ),
    description="Wrists stacked over the elbows: the forearm's angle from vertical (elbow->wrist "
    "in 3D world landmarks, either way up; mean of the seen arms), through the rep. A forearm "
    "slanted forward or out pushes the bar with a lever the elbow must hold.",
)


# --------------------------------------------------------------------------- the bar's path (side)
def bar_along_torso(data: FrameData, th: Any = None) -> np.ndarray:
    """Where the bar is along the lifter's torso, in torso lengths: 0 over the shoulder joints, + towards the hips.

    The bar is the wrists' midpoint (the hands hold it; a lying lifter's wrists are
    in view where plates may not be), projected on the line from the shoulder
    midpoint to the hip midpoint in the 3-D world landmarks, over the clip's median
    torso length. Lying on the bench that line is fixed, so this is the bar's
    horizontal position seen from the side, in the lifter's own size.
    """

    def compute():
        w = data.track.world_m

        def mid(part: str) -> np.ndarray:
            return 0.5 * (
                w[:, LANDMARK_INDEX[f"left_{part}"]] + w[:, LANDMARK_INDEX[f"right_{part}"]]
            )

        shoulder, hip, wrist = mid("shoulder"), mid("hip"), mid("wrist")
        with np.errstate(invalid="ignore", divide="ignore"):
            torso = np.linalg.norm(hip - shoulder, axis=-1)
            along = np.einsum("ij,ij->i", wrist - shoulder, hip - shoulder) / torso
            return along / np.nanmedian(torso)

    return data.cached("bar_along_torso_ratio", compute)


def _at_marked_frame(
    data: FrameData, value: np.ndarray, marked: np.ndarray, from_turn: bool
) -> np.ndarray:
    """Every frame of a rep given ``value`` at the rep's marked frame.

    The marked frame is the rep's first inside its frames, or with ``from_turn``
    its first from the turning point on (a lockout lies after the rep's end).

    The bar's position at one moment of the rep (the touch, the lockout) is then
    what the rep is judged on, as :func:`formlab.exercises.rep_frames.reached_around_reps`
    does for the lockout's elbow angle. Outside reps, or in a rep without a marked
    frame, a frame keeps its own value (NaN in the rep: not assessable).
    """
    out = np.asarray(value, dtype=float).copy()
    if data.reps is None:
        return out
    frames = data.frame_numbers
    marks = np.flatnonzero(marked)
    for _, rep in data.reps.iterrows():
        inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
        first = rep.get("turn_frame", rep["start_frame"]) if from_turn else rep["start_frame"]
        after = marks[frames[marks] >= first]
        if not from_turn:
            after = after[frames[after] <= rep["end_frame"]]
        out[inside] = value[after[0]] if after.size else np.nan
    return out


def _touch_point(data: FrameData, th: Any) -> np.ndarray:
    """The bar's place along the torso at the bottom of each rep (the wrists lowest)."""
    bottom = best_frames(data, wrist_above_shoulder_arm_ratio(data), "min", th.best_window_s)
    return _at_marked_frame(data, bar_along_torso(data), bottom, from_turn=False)


def _lockout_from_shoulders(data: FrameData, th: Any) -> np.ndarray:
    """The bar's distance from over the shoulders at each rep's lockout (the elbows straightest after the bottom)."""
    _, top = reached_around_reps(data, elbow_angle_deg(data), "max", "after", th.best_window_s)
    return np.abs(_at_marked_frame(data, bar_along_torso(data), top, from_turn=True))


BAR_PATH = Geometry((("shoulder_mid", "hip_mid"), ("shoulder_mid", "wrist_mid")), None, rigid=False)
"""The torso line and the bar (wrist midpoint) seen from it, drawn for both bar-path checks."""

TOUCH_POINT = Check(
    name="touch_point",
    title="Bar touches the lower chest",
    cue="Touch the bar to your lower chest",
    value="bar_along_torso_ratio",
    unit="torso lengths",
    views=SIDE,
    measure=_touch_point,
    lower="min_touch_torso_ratio",
    upper="max_touch_torso_ratio",
    applies=_bottom_frames,
    applies_column="touch_point_frame",
    not_applicable="not the bottom of a rep (judged once per rep, with the bar lowest)",
    per_rep="best",
    geometry=BAR_PATH,
    thresholds=(
        Threshold(
            "min_touch_torso_ratio",
            0.10,
            "torso lengths",
            -1,
            1,
            "Least distance of the bar from the shoulder joints towards the hips at the bottom of a rep.",
            "coaching guides (Rippetoe, Starting Strength, ch. 4; powerlifting coaches): the bar "
            "touches at or just below the nipple line, not on the neck or the collarbones, where "
            "the shoulders take the load with the elbows flared. With the shoulder joints about "
            "0.5 m above the hip joints, the nipple line lies 0.12-0.18 m (0.25-0.35) and the "
            "bottom of the sternum 0.2-0.25 m (0.4-0.5) below the shoulder joints; 0.10 leaves "
            "room for landmark error. Not from a study: tune it.",
        ),
        Threshold(
            "max_touch_torso_ratio",
            0.5,
            "torso lengths",
            -1,
            1.5,
            "Largest distance of the bar from the shoulder joints towards the hips at the bottom of a rep.",
            "as above: below the sternum (0.4-0.5) the bar sits on the belly, a long path back up "
            "to the shoulders; 0.5 is the bottom of the sternum. Not from a study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Touch point: at the bottom of each rep the bar (the wrists' midpoint) comes down "
    "on the lower chest, between the nipple line and the bottom of the sternum, measured along the "
    "torso from the shoulder joints in torso lengths (3-D world landmarks, side view).",
)

LOCKOUT_OVER_SHOULDERS = Check(
    name="lockout_over_shoulders",
    title="Lockout over the shoulders",
    cue="Press back over your shoulders",
    value="bar_from_shoulders_ratio",
    unit="torso lengths",
    views=SIDE,
    measure=_lockout_from_shoulders,
    upper="max_lockout_from_shoulders_torso_ratio",
    applies=LOCKOUT.applies,
    applies_column="lockout_over_shoulders_frame",
    not_applicable="not the top of a rep (judged once per rep, at its lockout)",
    per_rep="best",
    geometry=BAR_PATH,
    thresholds=(
        Threshold(
            "max_lockout_from_shoulders_torso_ratio",
            0.15,
            "torso lengths",
            0,
            1,
            "Largest distance of the bar from over the shoulder joints at lockout, along the torso.",
            "coaching guides (the J-curve: the bar ends over the shoulder joints, where the arms "
            "hold it with the least moment at the shoulder); 0.15 (about 7 cm) allows for the "
            "wrists' estimate of the bar and landmark error. Not from a study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Lockout over the shoulders: at the top of each rep the bar (the wrists' midpoint) "
    "stands over the shoulder joints, the end of the J-curve, measured along the torso in torso "
    "lengths (3-D world landmarks, side view). Together with the touch point it describes the "
    "bar's path: the touch point minus this position is how far the bar travelled towards the head.",
)


BENCH_PRESS = Exercise(
    name="bench_press",
    description="bench press with a barbell or dumbbells, lying on a bench",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="bottom",
    concentric="out_of",
    requires=(
        RepCondition(
            "trunk_lean_deg",
            min=30.0,
            why=(
                "lying on a flat (90 deg) or incline (45-60 deg) bench; sitting up or standing is set-up"
            ),
        ),
    ),
    signature=(
        RepCondition(
            "wrist_above_shoulder_m", min=0.0, why="the bar is above the chest, over the shoulders"
        ),
    ),
    angles=(
        RepAngle(
            "min_elbow_angle_deg",
            "elbow_angle_deg",
            "min",
            "smallest elbow angle (bar at the chest)",
        ),
        RepAngle("max_elbow_angle_deg", "elbow_angle_deg", "max", "largest elbow angle (lockout)"),
    ),
    views="side (camera at bench height) or from the head/feet end; the arms must be visible",
    notes="Rep = bottom (bar at the chest). The signal is the wrist height above the shoulders, which lying "
    "on the bench keeps fixed; un-racking moves the bar forward at arm's length (no bottom), racking "
    "likewise. Designed from the movement: no sample clip shows a bench press.",
    checks=(LOCKOUT, BAR_TOUCHES_CHEST, WRISTS_STACKED, TOUCH_POINT, LOCKOUT_OVER_SHOULDERS),
    plate_loaded=True,
    auto_order=60,
)
