"""The front squat's checks by name (the article's lift): what most form tests are written against."""

from __future__ import annotations

import numpy as np
import pandas as pd

import formlab
from formlab.form.judge import verdicts
from formlab.form.measures import FrameData

FRONT_SQUAT = formlab.get_exercise("front_squat")
CHECKS = {c.name: c for c in FRONT_SQUAT.all_checks}
"""Every check the front squat runs or can run (heels_down on demand), in report order."""
TH = formlab.thresholds_for("front_squat")


def pass_interval(name: str, th=TH):
    return CHECKS[name].pass_interval(th.section(name))


def measure_table(name: str, table: pd.DataFrame, th=TH):
    """A check's Measurement on a table of measured columns (as a feedback table holds them)."""
    return CHECKS[name].evaluate(FrameData.from_table(table, th), th.section(name))


def statuses_of_table(name: str, table: pd.DataFrame, th=TH, view: str = "front"):
    """Per-row verdicts of a check on a table of measured columns seen from ``view``."""
    m = measure_table(name, table, th)
    judged = np.isin(np.full(len(table), view, dtype=object), list(CHECKS[name].views)) & m.applies
    return verdicts(np.where(judged, m.margin, np.nan)), m.value
