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
=================  ===================================================  ==========================

Why every view: the three are 3D angles and vertical distances of a lifter
lying face up, which a camera level with the bench sees from the side, and
from the head or the feet as well (the vertical stays in the picture).
Where the arms are not seen, the checks are not assessable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import ALL_VIEWS, Check, Geometry, Threshold
from ..form.joints import forearm_from_vertical_deg, wrist_above_shoulder_arm_ratio
from ..form.measures import FrameData
from .arm_checks import ARM, BEST_WINDOW, STRAIGHT_ARM_SOURCE, elbow_lockout
from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS
from .rep_frames import best_frames

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
    checks=(LOCKOUT, BAR_TOUCHES_CHEST, WRISTS_STACKED),
    plate_loaded=True,
    auto_order=60,
)
