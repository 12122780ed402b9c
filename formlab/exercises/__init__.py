"""The lifts formlab knows: one module per lift, each holding everything about it.

A lift's module (``squat.py``, ``front_squat.py``, ``deadlift.py``, ...)
declares one :class:`Exercise`: the signal whose turning points are its reps
and what a rep must look like (:mod:`~formlab.exercises.features`,
:class:`RepCondition`), the per-rep angles worth reporting, whether it is
plate-loaded, how ``auto`` recognises it, and the form checks a coach would
use on it, each with this lift's defaults (:class:`formlab.form.check.Check`).
Checks that several lifts share are declared once in
:mod:`~formlab.exercises.checks` (the pressing lifts' elbow lockout in
:mod:`~formlab.exercises.arm_checks`); :mod:`~formlab.exercises.rep_frames`
finds the frames at which a check reached once per rep is judged.
:mod:`~formlab.exercises.variants` names the variant of a family a clip shows
(front, back, goblet or bodyweight squat; a deadlift from the floor or a
Romanian one) from the :class:`VariantCue` s each variant declares.

Lifts are found through the ``formlab.exercises`` entry-point group, formlab's
own included (:mod:`~formlab.exercises.registry`), so a package can add one;
``formlab exercises`` lists them with their checks.
"""

from .base import Exercise, RepAngle, RepCondition, TurningPoint, VariantCue
from .features import POSE_FEATURES, VARIANT_FEATURES, RepSignal, SignalTerm, pose_feature
from .registry import (
    AUTO,
    ENTRY_POINT_GROUP,
    NO_LIFT,
    NONE,
    auto_candidates,
    check_exercise_name,
    check_thresholds_file,
    checks_of,
    exercise_names,
    exercises,
    get_exercise,
    load_thresholds,
    normalise_name,
    reload_exercises,
    save_thresholds,
    thresholds_for,
    thresholds_of,
)

__all__ = [
    "AUTO",
    "ENTRY_POINT_GROUP",
    "NONE",
    "NO_LIFT",
    "POSE_FEATURES",
    "VARIANT_FEATURES",
    "Exercise",
    "RepAngle",
    "RepCondition",
    "RepSignal",
    "SignalTerm",
    "TurningPoint",
    "VariantCue",
    "auto_candidates",
    "check_exercise_name",
    "check_thresholds_file",
    "checks_of",
    "exercise_names",
    "exercises",
    "get_exercise",
    "load_thresholds",
    "normalise_name",
    "pose_feature",
    "reload_exercises",
    "save_thresholds",
    "thresholds_for",
    "thresholds_of",
]
