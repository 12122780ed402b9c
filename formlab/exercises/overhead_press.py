"""The overhead press: the bar pressed from the shoulders to lockout overhead."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS

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
    plate_loaded=True,
    auto_order=40,
)
