"""The push-up: the body lowered and pushed up on the hands."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .features import SHOULDER_ABOVE_HANDS, SHOULDERS

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
    views="side (best) or three-quarter",
    notes="Rep = bottom (chest nearest the floor). A clip that starts at the bottom does not count that "
    "bottom; getting up at the end is rejected by the hip-angle check.",
    auto_order=70,
)
