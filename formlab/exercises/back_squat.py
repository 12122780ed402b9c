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
        "hands_apart_shoulders",
        min=1.5,
        why=(
            "seen from the front or the back, the hands grip the bar wide, outside the shoulders (1.5-2 "
            "shoulder widths: coaching grip widths for the back squat); a front rack holds them at the "
            "shoulders (front_squat asks 1.4 or less). From the front no plate is seen, so this is the "
            "cue that tells a back squat there"
        ),
    ),
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
"""How ``auto`` tells a back squat: where the tracked bar sits (side views), or a wide grip (front
and back views). The hands' height and depth are not used: on a back-squat bar they are often
hidden behind the head or the plate, and the pose model then places them anywhere
(gymassist__side_squat: 0.3-0.9 torso lengths in front of the shoulders)."""

BACK_SQUAT = squat_variant(
    "back_squat",
    "barbell back squat (bar on the upper back)",
    checks=(*(_TORSO if c is TORSO_UPRIGHT else c for c in SQUAT_CHECKS), BAR_OVER_MIDFOOT),
    variant_cues=BAR_ON_THE_BACK,
    load="barbell",
)
