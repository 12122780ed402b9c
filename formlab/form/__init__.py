"""The vocabulary of form checks: camera views, measures, checks, verdicts and thresholds.

This layer knows what a check is, not which lift runs it (that is said in
each lift's module, :mod:`formlab.exercises`).

* :mod:`~formlab.form.view` - the camera view of every frame, from the pose;
* :mod:`~formlab.form.measures` - posture measures, and :class:`~formlab.form.measures.FrameData`;
* :mod:`~formlab.form.joints` - joint angles and signed leans some checks measure (elbow, lean back);
* :mod:`~formlab.form.check` - :class:`~formlab.form.check.Check`, its thresholds and verdicts;
* :mod:`~formlab.form.thresholds` - a lift's thresholds, and their TOML/JSON files;
* :mod:`~formlab.form.judge` - verdicts per frame and per rep, worst frames, explanations.
"""

from .check import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN, Check, Geometry, Threshold
from .thresholds import FormThresholds, threshold_table

__all__ = [
    "FAIL",
    "NOT_ASSESSABLE",
    "PASS",
    "STATUSES",
    "UNCERTAIN",
    "Check",
    "FormThresholds",
    "Geometry",
    "Threshold",
    "threshold_table",
]
