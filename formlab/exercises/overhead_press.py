"""The overhead press: the bar pressed from the shoulders to lockout overhead.

Coaches ask for the elbows locked out overhead, the bar finishing over the
mid-foot (the lifter's balance point: "get under the bar"), and no layback:
the slight lean back that lets the bar pass the face is not an arched lower
back (e.g. Rippetoe, "Starting Strength", 3rd ed., ch. 3; the NSCA's exercise
technique manual: torso erect, no hyperextension).

=================  ===============================================  ==========================
check              measured value                                   valid views
=================  ===============================================  ==========================
full_lockout       elbow_angle_deg, once per rep (largest)          front, oblique, side, back
bar_over_midfoot   wrists_ahead_of_midfoot_foot_ratio, at lockout   side
no_lean_back       lean_back_deg                                    oblique, side
=================  ===============================================  ==========================

Why these views: the elbow angle is a 3D angle every view sees; the bar's
place over the foot needs the foot in the picture (a side view); the lean
back lies in the sagittal plane.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import ALL_VIEWS, SAGITTAL, SIDE, Check, Geometry, Threshold
from ..form.joints import elbow_angle_deg, lean_back_deg, wrists_ahead_of_midfoot_foot_ratio
from ..form.measures import FrameData
from .arm_checks import BEST_WINDOW, STRAIGHT_ARM_SOURCE, elbow_lockout
from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS
from .rep_frames import value_at_rep_best

FULL_LOCKOUT = elbow_lockout(
    "full_lockout",
    ALL_VIEWS,
    min_elbow_angle_deg=(155.0, STRAIGHT_ARM_SOURCE),
    lift="the overhead press",
)


# --------------------------------------------------------------------------- bar over mid-foot
def _bar_over_midfoot(data: FrameData, th: Any) -> np.ndarray:
    ahead = wrists_ahead_of_midfoot_foot_ratio(data)
    return value_at_rep_best(data, ahead, elbow_angle_deg(data), "max", th.best_window_s)[0]


def _lockout(data: FrameData, th: Any) -> np.ndarray:
    ahead = wrists_ahead_of_midfoot_foot_ratio(data)
    return value_at_rep_best(data, ahead, elbow_angle_deg(data), "max", th.best_window_s)[1]


BAR_OVER_MIDFOOT = Check(
    name="bar_over_midfoot",
    title="Bar over mid-foot",
    cue="Finish with the bar over mid-foot",
    value="wrists_ahead_of_midfoot_foot_ratio",
    unit="ratio",
    views=SIDE,
    measure=_bar_over_midfoot,
    lower=lambda t: -t.max_midfoot_offset_foot_ratio,
    upper="max_midfoot_offset_foot_ratio",
    applies=_lockout,
    applies_column="bar_over_midfoot_frame",
    not_applicable="not the lockout of a rep (judged once per rep, at its straightest elbow)",
    per_rep="best",
    geometry=Geometry((("{side}_wrist", "{side}_heel"),), "vertical", "sagittal", rigid=False),
    thresholds=(
        Threshold(
            "max_midfoot_offset_foot_ratio",
            0.35,
            "foot lengths",
            0,
            2,
            "Largest distance, ahead or behind, between the hands (the bar) and the mid-foot at "
            "lockout, in heel-to-toe lengths of the lifter's own foot.",
            "Rippetoe (Starting Strength): at lockout the bar is over the mid-foot, the balance "
            "point. 0.35 foot lengths (about 9 cm) is formlab's tolerance for BlazePose's hand and "
            "foot landmarks (3-5 cm each). Not from a study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Bar over mid-foot at lockout: the midpoint of the wrists (where the hands hold "
    "the bar) against the mean of the heels and toes, along the lifter's forward axis, in world "
    "landmarks, divided by the lifter's foot length (its median over the clip), judged once per "
    "rep at its straightest elbow, in a side view.",
)


# --------------------------------------------------------------------------- no lean back
NO_LEAN_BACK = Check(
    name="no_lean_back",
    title="No lean back",
    cue="Squeeze your glutes, stay upright",
    value="lean_back_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lambda data, th: lean_back_deg(data),
    upper="max_lean_back_deg",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "vertical", "sagittal"),
    thresholds=(
        Threshold(
            "max_lean_back_deg",
            15.0,
            "deg",
            0,
            90,
            "Largest backward lean of the trunk (hip midpoint -> shoulder midpoint) from vertical "
            "during a rep.",
            "Rippetoe (Starting Strength): the lean back that lets the bar pass the face is slight "
            "(about 5-10 deg), and the lifter is upright under the bar at lockout; beyond 15 deg "
            "the press becomes a layback that loads the lower back. formlab's tolerance, not a "
            "study: tune it.",
        ),
    ),
    description="No lean back: the trunk's angle from vertical in the lifter's sagittal plane, "
    "positive when the shoulders are behind the hips (in 3D world landmarks; the forward axis is "
    "perpendicular to the shoulder and hip lines). It must hold through the rep.",
)

OVERHEAD_PRESS = Exercise(
    name="overhead_press",
    description="standing or seated overhead press (barbell or dumbbells), push press",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="top",
    concentric="into",
    requires=(
        RepCondition("wrist_above_nose_m", min=0.0, why="at lockout the hands are above the head"),
    ),
    signature=(
        RepCondition("elbow_angle_deg", min=130.0, why="arms nearly straight at lockout"),
        RepCondition("shoulder_angle_deg", min=120.0, why="the arms point up at lockout"),
        RepCondition("trunk_lean_deg", max=45.0, why="standing or sitting upright"),
        RepCondition(
            "hip_height_m",
            min=-0.1,
            max=0.1,
            at="change",
            why=("the legs do not squat (a push-press dip is ~0.1 m and over before lockout)"),
        ),
        RepCondition(
            "ankle_spread_lateral_m",
            max=0.15,
            at="change",
            why="the feet stay where they are (a jumping jack opens them)",
        ),
    ),
    angles=(
        RepAngle("max_elbow_angle_deg", "elbow_angle_deg", "max", "largest elbow angle (lockout)"),
        RepAngle(
            "max_shoulder_angle_deg",
            "shoulder_angle_deg",
            "max",
            "largest arm elevation at lockout",
        ),
        RepAngle(
            "max_trunk_lean_deg",
            "trunk_lean_deg",
            "max",
            "largest lean of the trunk (leaning back)",
        ),
    ),
    views="side (bar path, lean-back) or front",
    notes="Rep = lockout overhead. The wrist height above the shoulders ignores a dip-and-drive of the legs. "
    "Designed from the movement: no sample clip shows an overhead press.",
    checks=(FULL_LOCKOUT, BAR_OVER_MIDFOOT, NO_LEAN_BACK),
    plate_loaded=True,
    auto_order=40,
)
