"""The back squat: a squat with the bar on the upper back.

It counts and judges its reps as every squat does (:mod:`formlab.exercises.squat`),
with one default of its own, the torso may lean further forward, and one check of its own: the
bar stays over mid-foot (side view).
"""

from __future__ import annotations

from .bar_checks import BAR_OVER_MIDFOOT
from .base import VariantCue
from .checks import TORSO_UPRIGHT
from .squat import BAR_AT_THE_SHOULDERS, SQUAT_CHECKS, squat_variant

_TORSO = TORSO_UPRIGHT.with_defaults(
    max_torso_lean_deg=(
        60.0,
        (
            "formlab's coaching heuristic: the bar sits on the upper back, so the torso leans "
            "further forward than in a front squat (45 deg) while the bar stays over mid-foot. "
            "Not from a study: tune it."
        ),
    )
)

BAR_ON_THE_BACK = (
    BAR_AT_THE_SHOULDERS,
    VariantCue(
        "barbell_seen",
        min=0.5,
        why="a back squat is done with a barbell: a plate was tracked (gymassist__side_squat, "
        "barpath-lukestynes__small-squat)",
    ),
    VariantCue(
        "bar_forward_torso",
        min=-0.5,
        max=0.3,
        why=(
            "the bar sits on the upper back, over or behind the shoulder joints: gymassist__side_squat (side "
            "view) 0.0 torso lengths; barpath-lukestynes__small-squat 0.24, filmed slightly from the front, "
            "where the plate at the bar's end projects ahead of the shoulder. A front-racked bar lies ahead "
            "of the shoulders (front_squat asks 0.12 or more): between 0.12 and 0.3 both fit and the variant "
            "is uncertain"
        ),
    ),
)
"""How ``auto`` tells a back squat: where the tracked bar sits. The hands on a back-squat bar are
often hidden behind the head or the plate, and the pose model then places them anywhere
(gymassist__side_squat: 0.3-0.9 torso lengths in front of the shoulders), so they are not used."""

BACK_SQUAT = squat_variant(
    "back_squat",
    "barbell back squat (bar on the upper back)",
    checks=(*(_TORSO if c is TORSO_UPRIGHT else c for c in SQUAT_CHECKS), BAR_OVER_MIDFOOT),
    variant_cues=BAR_ON_THE_BACK,
    load="barbell",
)
