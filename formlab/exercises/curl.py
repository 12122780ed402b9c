"""The biceps curl: the hands raised towards the shoulders by bending the elbows."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS

CURL = Exercise(
    name="curl",
    description="biceps curl with a barbell, dumbbells or a cable",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="top",
    concentric="into",
    requires=(
        RepCondition(
            "elbow_angle_deg",
            max=120.0,
            why=(
                "at the top of a curl the elbow is bent well past a right angle (samples: 60-75 deg)"
            ),
        ),
    ),
    signature=(
        RepCondition(
            "wrist_above_nose_m",
            max=0.0,
            why="the hands stay below the face (a press goes overhead)",
        ),
        RepCondition("trunk_lean_deg", max=45.0, why="standing or sitting upright"),
        RepCondition(
            "hip_height_m",
            min=-0.05,
            max=0.05,
            at="change",
            why=(
                "only the arms move: the hips keep their height (in a squat the hands move relative to the "
                "shoulders too, but the hips drop)"
            ),
        ),
        RepCondition(
            "elbow_angle_deg",
            max=-45.0,
            at="change",
            why=(
                "the elbow bends from nearly straight to well flexed (samples: about -80 deg); holding a load "
                "at the shoulders and shifting it keeps the elbows bent"
            ),
        ),
    ),
    angles=(
        RepAngle(
            "min_elbow_angle_deg",
            "elbow_angle_deg",
            "min",
            "smallest elbow angle (top of the curl)",
        ),
        RepAngle(
            "max_elbow_angle_deg",
            "elbow_angle_deg",
            "max",
            "largest elbow angle (arm extension at the bottom)",
        ),
        RepAngle(
            "max_shoulder_angle_deg",
            "shoulder_angle_deg",
            "max",
            "largest hip-shoulder-elbow angle (elbows drifting forward)",
        ),
    ),
    views="side (best) or front",
    notes="Rep = top of the curl. Wrist height is taken relative to the shoulders, so leaning back does not "
    "make a rep and a body sway is not one.",
    plate_loaded=True,
    auto_order=50,
)
