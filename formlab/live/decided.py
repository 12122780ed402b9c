"""Which of a rep's faults the frames still to come cannot undo: the cues a coach may give at once.

A rep judged the moment it is confirmed (:func:`formlab.live.rep_judge.judge_rep`
on the frames so far) is judged as offline judges it except near the
window's end: offline's two-sided steps (the camera view's moving average,
the jitter's moving RMS, the outlier test, gap filling) read up to
:func:`~formlab.live.rep_judge.judging_lookahead_s` past a frame, and the
rep's last frames are missing that much. A frame at least that long before
the last frame received is **settled**: every frame those steps read around
it has come. A fault is **decided** when the rep's verdict stays ``fail``
whatever the frames not yet settled turn out to be, read with the verdict
rules of :func:`formlab.form.judge.judge_reps`:

* a check that must hold through the rep (``per_rep="worst"``) fails when its
  failing frames add up to ``rep_summary.min_fail_duration_s``: decided once
  the *settled* failing frames do (the frames still to settle can only add
  failing frames, or leave them);
* a check that must be reached once (``per_rep="best"``: depth, lockout) fails
  when the rep's best frame fails: decided when that frame is settled and
  every frame of the rep not yet settled measures strictly worse, view or no
  view (it cannot become the rep's best by a change of the camera view). A
  check whose value is read outside the rep (a lockout after a push-up's
  bottom, a curl's extension before its start) gives every frame of the rep
  the same value, so it is never decided before the whole rep has settled.

What the rule does not cover: a frame not yet settled could still change
value when the outlier test or gap filling, which see only one side at the
window's edge, treat it differently once the frames after it come. That is
why the rep is judged again once it has settled, for its verdicts and for the
faults not decided early; a fault cued early that this later judgement does
not fail would be a cue offline does not give (the benchmark counts them:
``tests/benchmarks/bench_live.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..exercises import Exercise
from ..form.check import FAIL
from ..form.judge import frame_interval_s, sustained_count
from ..form.measures import FrameData
from ..form.thresholds import FormThresholds
from .rep_judge import RepJudgement

__all__ = ["decided_failures", "judged_early"]


def judged_early(
    judge: Callable[[], RepJudgement],
    exercise: Exercise,
    thresholds: FormThresholds,
    settled_s: float,
) -> RepJudgement:
    """``judge()`` (the rep on the frames so far), its ``failed`` keeping the decided faults only."""
    judged = judge()
    decided = decided_failures(judged.feedback, judged.row, exercise, thresholds, settled_s)
    return dataclasses.replace(judged, failed=decided)


def decided_failures(
    feedback: pd.DataFrame,
    row: pd.Series,
    exercise: Exercise,
    thresholds: FormThresholds,
    settled_s: float,
) -> tuple[str, ...]:
    """The checks the rep of ``row`` fails whatever the frames after ``settled_s`` turn out to be.

    Parameters
    ----------
    feedback : DataFrame
        The per-frame table of the rep's judgement (:func:`formlab.form.judge.judge_frames`).
    row : Series
        The rep's row of that judgement (:func:`formlab.form.judge.judge_reps`): its frames,
        verdicts and each check's worst frame.
    exercise, thresholds
        The lift and the thresholds it was judged with.
    settled_s : float
        Frames up to this time are settled (see the module docstring): the time of the last
        frame received minus :func:`~formlab.live.rep_judge.judging_lookahead_s`.

    Returns
    -------
    tuple of str
        The decided failures, in report order (a subset of the rep's failed checks).
    """
    frames = feedback["frame"].to_numpy()
    time_s = feedback["time_s"].to_numpy(dtype=float)
    inside = (frames >= row["start_frame"]) & (frames <= row["end_frame"])
    settled = time_s <= settled_s
    k_needed = sustained_count(
        frame_interval_s(feedback), thresholds.rep_summary.min_fail_duration_s
    )
    data = FrameData.from_table(feedback, thresholds)
    out = []
    for check in exercise.checks:
        if check.name not in feedback.columns or row.get(check.name) != FAIL:
            continue
        if check.per_rep == "worst":
            status = feedback[check.name].astype(str).to_numpy()
            if int(np.sum(inside & settled & (status == FAIL))) >= k_needed:
                out.append(check.name)
            continue
        worst = row.get(f"{check.name}_worst_frame")
        if worst is None or pd.isna(worst):
            continue
        pick = int(np.flatnonzero(frames == int(worst))[0])
        margin = check.evaluate(data, thresholds.section(check.name), masked=False).margin
        unsettled = np.flatnonzero(inside & ~settled)  # the best frame among them: undecided
        with np.errstate(invalid="ignore"):  # NaN (not measured yet) is not "worse": undecided
            if np.all(margin[unsettled] < margin[pick]):
                out.append(check.name)
    return tuple(out)
