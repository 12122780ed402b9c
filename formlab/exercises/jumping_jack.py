"""The jumping jack: arms and legs open and close together."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .features import JACK_OPENING

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
    auto_order=10,
)
