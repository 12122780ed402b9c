"""The push-up: the body lowered and pushed up on the hands, held in one line.

Coaches ask three things of a push-up (e.g. the ACSM's push-up test, the US
Army's standard): the body straight from shoulders to heels, the chest lowered
until the upper arms are at least parallel to the floor (elbows at 90 deg or
less), and the arms straight at the top. All three are seen from the side.

=================  =======================================  ==========================
check              measured value                           valid views
=================  =======================================  ==========================
body_line          hip_pike_deg (+ piked, - sagging)        oblique, side
depth              elbow_angle_deg, once per rep (smallest) oblique, side
full_lockout       lockout_elbow_angle_deg, once per rep    oblique, side
                   (the top after the bottom)
=================  =======================================  ==========================

Why these views: the hips sag and pike in the sagittal plane, and a prone
body seen from the head or the feet hides its elbows' bend in the depth
MediaPipe estimates worst.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import SAGITTAL, Check, Geometry, Threshold
from ..form.joints import elbow_angle_deg, hip_pike_deg
from ..form.measures import FrameData
from .arm_checks import ARM, BEST_WINDOW, STRAIGHT_ARM_SOURCE, elbow_lockout
from .base import Exercise, RepAngle, RepCondition
from .features import SHOULDER_ABOVE_HANDS, SHOULDERS
from .rep_frames import best_frames

# --------------------------------------------------------------------------- body line
BODY_LINE = Check(
    name="body_line",
    title="Body in one line",
    cue="Keep your body straight",
    value="hip_pike_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lambda data, th: hip_pike_deg(data),
    lower=lambda t: -t.max_sag_deg,
    upper="max_pike_deg",
    geometry=Geometry((("shoulder_mid", "hip_mid"), ("hip_mid", "ankle_mid")), None, "sagittal"),
    thresholds=(
        Threshold(
            "max_sag_deg",
            15.0,
            "deg",
            0,
            90,
            "Largest bend of the shoulder-hip-ankle line with the hips below it (sagging).",
            "coaching standards (ACSM push-up test, US Army): the body stays straight from the "
            "shoulders to the heels; 15 deg is formlab's tolerance for BlazePose's joint centres "
            "(a hip 5 cm off the line of a 1.4 m body bends it by about 8 deg). Not a study: tune it.",
        ),
        Threshold(
            "max_pike_deg",
            20.0,
            "deg",
            0,
            90,
            "Largest bend of the shoulder-hip-ankle line with the hips above it (piking).",
            "coaching standards as for max_sag_deg; a little more room than for sagging because the "
            "glutes put the hip landmark's surface above the joint line and a slight pike loads the "
            "lower back less than a sag. formlab's tolerance, not a study: tune it.",
        ),
    ),
    description="Body in one line: how far the hip bends the line from the shoulder to the ankle "
    "(180 - the angle at the hip midpoint between the shoulder and ankle midpoints, in 3D world "
    "landmarks; midpoints because the shoulders are wider than the hips), positive when the hips "
    "are above the line (piked), negative below it (sagging). It must hold through the rep.",
)


# --------------------------------------------------------------------------- depth
def _bottom_frames(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, elbow_angle_deg(data), "min", th.best_window_s)


DEPTH = Check(
    name="depth",
    title="Depth",
    cue="Lower your chest further",
    value="elbow_angle_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lambda data, th: elbow_angle_deg(data),
    upper="max_elbow_angle_deg",
    applies=_bottom_frames,
    applies_column="depth_frame",
    not_applicable="not the bottom of a rep (depth is judged once per rep, at its most bent "
    "elbow; a photo alone is no rep)",
    per_rep="best",
    side_values="{side}_elbow_angle_deg",
    geometry=ARM,
    thresholds=(
        Threshold(
            "max_elbow_angle_deg",
            90.0,
            "deg",
            0,
            180,
            "Largest elbow angle (shoulder-elbow-wrist) the most bent frame of a rep may have.",
            "coaching standards: the US Army's push-up lowers the body until the upper arms are at "
            "least parallel to the ground, the ACSM's test until the elbows reach 90 deg.",
        ),
        BEST_WINDOW,
    ),
    description="Push-up depth: the elbows bent to 90 deg or less at the bottom of each rep "
    "(shoulder-elbow-wrist angle in 3D world landmarks, the near arm in a side view), judged once "
    "per rep at its most bent frame. A rep whose chest stays high is still counted and flagged here.",
)


FULL_LOCKOUT = elbow_lockout(
    "full_lockout",
    SAGITTAL,
    min_elbow_angle_deg=(155.0, STRAIGHT_ARM_SOURCE),
    lift="the push-up",
    reached="after",
)

PUSH_UP = Exercise(
    name="push_up",
    description="push-up (also on the knees)",
    signal=SHOULDER_ABOVE_HANDS,
    turning_point="bottom",
    concentric="out_of",
    requires=(
        RepCondition(
            "trunk_lean_deg", min=45.0, why="the trunk is roughly horizontal (samples: 80-90 deg)"
        ),
        RepCondition(
            "hip_angle_deg",
            min=120.0,
            why=(
                "the body is held in a line (samples: 155-170 deg); kneeling back or getting up folds the hips"
            ),
        ),
    ),
    signature=(
        RepCondition(
            "wrist_above_shoulder_m",
            max=-0.1,
            why="the hands are on the floor, below the shoulders",
        ),
    ),
    angles=(
        RepAngle("min_elbow_angle_deg", "elbow_angle_deg", "min", "smallest elbow angle (depth)"),
        RepAngle(
            "min_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle (sagging or piking)"
        ),
    ),
    load_point=SHOULDERS,
    checks=(BODY_LINE, DEPTH, FULL_LOCKOUT),
    views="side (best) or three-quarter",
    notes="Rep = bottom (chest nearest the floor). A clip that starts at the bottom does not count that "
    "bottom; getting up at the end is rejected by the hip-angle check.",
    auto_order=70,
)
