"""The lunge: one leg forward, the rear knee towards the floor; each leg's bottom is one rep."""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition
from .checks import HEAD_NEUTRAL, HEELS_DOWN, TORSO_UPRIGHT
from .features import HIP_HEIGHT_LOWEST_FOOT, HIPS
from .squat import KNEE_BENT

LUNGE = Exercise(
    name="lunge",
    description="lunge (forward, reverse, walking, split squat), each leg's bottom is one rep",
    signal=HIP_HEIGHT_LOWEST_FOOT,
    turning_point="bottom",
    concentric="out_of",
    requires=(KNEE_BENT,),
    signature=(
        RepCondition(
            "knee_height_difference_m",
            min=0.15,
            why="the rear knee drops towards the floor, the front knee stays high",
        ),
        RepCondition("trunk_lean_deg", max=45.0, why="the trunk stays upright"),
    ),
    angles=(
        RepAngle(
            "max_knee_flexion_deg",
            "knee_flexion_deg",
            "max",
            "largest knee flexion (mean of both legs; 0 = straight)",
        ),
        RepAngle(
            "max_left_knee_flexion_deg", "left_knee_flexion_deg", "max", "largest left knee flexion"
        ),
        RepAngle(
            "max_right_knee_flexion_deg",
            "right_knee_flexion_deg",
            "max",
            "largest right knee flexion",
        ),
        RepAngle(
            "max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"
        ),
    ),
    load_point=HIPS,
    views="side (best) or front",
    notes="Rep = bottom of the hips. The hip height is taken above the LOWER ankle (the front foot, which "
    "stays flat) so stepping and alternating legs do not move the reference; walking lunges travel, "
    "which a body-relative signal ignores. Designed from the movement: no sample clip shows a lunge.",
    checks=(
        HEAD_NEUTRAL,
        TORSO_UPRIGHT.with_defaults(
            max_torso_lean_deg=(
                30.0,
                "formlab's coaching heuristic: a lunge is done upright. Not from a study: tune it.",
            )
        ),
    ),
    optional_checks=(HEELS_DOWN,),
    auto_order=20,
)
