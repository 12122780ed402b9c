"""The bench press: the bar lowered to the chest and pressed up, lying on a bench."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS

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
    plate_loaded=True,
    auto_order=60,
)
