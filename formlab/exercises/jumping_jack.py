"""The jumping jack: arms and legs open and close together.

A full jack brings the hands overhead, nearly touching, while the feet land
wider than the shoulders (e.g. ACE's exercise library: "raise your arms
overhead ... jump your feet out wider than shoulder-width"). Both are
reached once per rep, at its top.

=================  =============================================  ==========================
check              measured value                                 valid views
=================  =============================================  ==========================
arms_overhead      arm_elevation_deg, once per rep (largest)      front, oblique, side, back
feet_apart         ankle_shoulder_width_ratio, once per rep       front, back
=================  =============================================  ==========================

Why these views: the arm's elevation above the horizontal is a 3D angle whose
vertical part every view sees; the feet's spread lies across the body, in the
depth axis of a side view.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..form.check import ALL_VIEWS, FRONTAL, Check, Geometry, Threshold
from ..form.joints import arm_elevation_deg
from ..form.measures import FrameData
from .arm_checks import BEST_WINDOW
from .base import Exercise, RepAngle, RepCondition
from .features import JACK_OPENING
from .rep_frames import best_frames

JACK_WINDOW = dataclasses.replace(
    BEST_WINDOW,
    default=0.5,
    source="formlab: shorter than one jack (about 1 s), longer than the landmark jitter at the top.",
)


# --------------------------------------------------------------------------- arms overhead
def _arms_top(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, arm_elevation_deg(data), "max", th.best_window_s)


ARMS_OVERHEAD = Check(
    name="arms_overhead",
    title="Arms overhead",
    cue="Bring your hands overhead",
    value="arm_elevation_deg",
    unit="deg",
    views=ALL_VIEWS,
    measure=lambda data, th: arm_elevation_deg(data),
    lower="min_arm_elevation_deg",
    applies=_arms_top,
    applies_column="arms_overhead_frame",
    not_applicable="not the top of a rep (judged once per rep, with the arms highest; a photo "
    "alone is no rep)",
    per_rep="best",
    side_values="{side}_arm_elevation_deg",
    geometry=Geometry((("{side}_shoulder", "{side}_wrist"),), "horizontal", "frontal", rigid=False),
    thresholds=(
        Threshold(
            "min_arm_elevation_deg",
            60.0,
            "deg",
            -90,
            90,
            "Smallest angle of the shoulder->wrist line above the horizontal at the top of a rep.",
            "ACE's exercise library (arms overhead, hands nearly touching): with the hands "
            "together above the head an arm of 0.58 m from shoulders 0.36 m apart rises about "
            "72 deg; 60 deg leaves room for landmark error, and arms at shoulder height (0 deg, a "
            "'half jack') fail. formlab's reading, not a study: tune it.",
        ),
        JACK_WINDOW,
    ),
    description="Arms overhead: the shoulder->wrist line's elevation above the horizontal (3D "
    "world landmarks, mean of the seen arms; the near arm in a side view), judged once per rep "
    "at its highest. A rep with the arms at shoulder height is still counted and flagged here.",
)


# --------------------------------------------------------------------------- feet apart
def _feet_top(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, data.column("ankle_shoulder_width_ratio"), "max", th.best_window_s)


FEET_APART = Check(
    name="feet_apart",
    title="Feet apart",
    cue="Jump your feet wider",
    value="ankle_shoulder_width_ratio",
    unit="ratio",
    views=FRONTAL,
    lower="min_ankle_shoulder_ratio",
    applies=_feet_top,
    applies_column="feet_apart_frame",
    not_applicable="not the top of a rep (judged once per rep, with the feet widest; a photo "
    "alone is no rep)",
    per_rep="best",
    geometry=Geometry(
        (("left_ankle", "right_ankle"), ("left_shoulder", "right_shoulder")),
        None,
        "frontal",
        rigid=False,
    ),
    thresholds=(
        Threshold(
            "min_ankle_shoulder_ratio",
            1.4,
            "ratio",
            0,
            5,
            "Smallest distance between the ankles, over the distance between the shoulder "
            "landmarks, at the top of a rep.",
            "ACE's exercise library (feet wider than shoulder-width) in BlazePose's units: its "
            "shoulder landmarks are the joints, and a coach's 'shoulder-width' stance measures "
            "1.38-1.52 of them on the article's photos (feet_width's source); 1.4 asks for at "
            "least that. Not from a study: tune it.",
        ),
        JACK_WINDOW,
    ),
    description="Feet apart: at the top of each rep the ankles land wider than the shoulders. "
    "Both distances are measured along the lifter's left-right axis in world landmarks, so the "
    "ratio does not depend on the lifter's size or distance from the camera.",
)

JUMPING_JACK = Exercise(
    name="jumping_jack",
    description="jumping jack (arms and legs open and close together)",
    signal=JACK_OPENING,
    turning_point="top",
    concentric="into",
    requires=(
        RepCondition(
            "ankle_spread_lateral_m",
            min=0.35,
            why=(
                "the feet land apart sideways when the arms are overhead (samples: 0.6-0.75 m; 0.1-0.3 m closed); "
                "an arm swing with the feet together or in a stride is not a jack"
            ),
        ),
    ),
    signature=(
        RepCondition("wrist_above_shoulder_m", min=0.0, why="the hands go above the shoulders"),
        RepCondition(
            "ankle_spread_lateral_m",
            min=0.15,
            at="change",
            why=("the feet jump apart as the arms go up (samples: +0.4-0.5 m)"),
        ),
        RepCondition(
            "wrist_above_shoulder_m",
            min=0.3,
            at="change",
            why=("the arms swing from the sides to overhead (samples: +0.8-0.9 m)"),
        ),
        RepCondition(
            "shoulder_angle_deg",
            min=120.0,
            why="the arms are raised overhead, not holding something at the "
            "shoulders with the elbows down",
        ),
    ),
    detector={"min_distance_s": 0.4},
    angles=(
        RepAngle("max_shoulder_angle_deg", "shoulder_angle_deg", "max", "largest arm elevation"),
    ),
    views="front (best); from the side the sideways spread is judged from the 3D landmarks",
    notes="Rep = arms overhead with the feet apart. The signal adds twice the sideways ankle spread to the "
    "wrist height so that an arm swing alone (before a jump, a stretch) makes a weaker signal.",
    checks=(ARMS_OVERHEAD, FEET_APART),
    auto_order=10,
)
