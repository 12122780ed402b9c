"""The goblet squat: one dumbbell or kettlebell held in both hands at the chest.

It counts and judges its reps as every squat does (:mod:`formlab.exercises.squat`).
The barbell front rack's checks (``start_position``, ``elbows_up``) do not fit
this hold: the weight hangs from the hands against the sternum, elbows down,
so they are not run. The load in front keeps the torso as upright as in a
front squat, and that is what ``torso_upright`` judges here.
"""

from __future__ import annotations

from .base import VariantCue
from .checks import TORSO_UPRIGHT
from .squat import NO_BARBELL, SQUAT_CHECKS, squat_variant

_TORSO = TORSO_UPRIGHT.with_defaults(
    max_torso_lean_deg=(
        45.0,
        (
            "formlab's coaching heuristic: the load held in front of the chest keeps the torso as upright "
            "as a front rack does (the front squat's 45 deg). Not from a study: tune it."
        ),
    )
)

AT_THE_CHEST = (
    VariantCue(
        "load_above_shoulders_torso",
        min=-0.6,
        max=-0.1,
        why=(
            "the weight is held against the chest, below the shoulders and above the lower ribs: 0.1-0.6 "
            "torso lengths down (a front rack sits at the shoulders, about 0; free arms hang lower)"
        ),
    ),
    VariantCue(
        "load_forward_torso",
        min=-0.05,
        max=0.45,
        why=(
            "against the chest, a forearm's depth in front of it at most; arms reaching forward put the "
            "hands 0.45-0.7 ahead (tfjs-models__pose_squats, testvideo-yuyoujiang__squat)"
        ),
    ),
    VariantCue(
        "load_spread_torso",
        max=0.45,
        why="a held weight moves with the chest, as the front rack's does (the front squat's bound)",
    ),
    VariantCue(
        "hands_apart_shoulders",
        max=0.8,
        why=(
            "both hands on one weight, seen from the front or the back: closer together than the shoulders "
            "(a front rack holds them at the shoulders, about 1)"
        ),
    ),
    NO_BARBELL,
)
"""How ``auto`` tells a goblet squat. Hands clasped at the chest without a weight look the same to the
pose model; a clip that shows that is named ``squat`` with the variant uncertain only if it also
fits another variant's cues, so read the evidence in ``summary.json``."""

GOBLET_SQUAT = squat_variant(
    "goblet_squat",
    "goblet squat: one dumbbell or kettlebell held in both hands at the chest",
    checks=tuple(_TORSO if c is TORSO_UPRIGHT else c for c in SQUAT_CHECKS),
    notes=__doc__.split("\n\n")[1].replace("\n", " "),
    variant_cues=AT_THE_CHEST,
    load="dumbbell",
)
