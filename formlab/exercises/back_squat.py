"""The back squat: a squat with the bar on the upper back.

It counts and judges its reps as every squat does (:mod:`formlab.exercises.squat`),
with one default of its own, the torso may lean further forward, and one check of its own: the
bar stays over mid-foot (side view).
"""

from __future__ import annotations

from .bar_checks import BAR_OVER_MIDFOOT
from .checks import TORSO_UPRIGHT
from .squat import SQUAT_CHECKS, squat_variant

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

BACK_SQUAT = squat_variant(
    "back_squat",
    "barbell back squat (bar on the upper back)",
    checks=(*(_TORSO if c is TORSO_UPRIGHT else c for c in SQUAT_CHECKS), BAR_OVER_MIDFOOT),
)
