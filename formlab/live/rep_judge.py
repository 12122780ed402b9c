"""One rep judged as ``formlab analyze`` judges it, on the frames received so far.

When the live coach confirms a rep it has every frame up to that moment. The
frames from a little before the rep's start to now are made into a
:class:`~formlab.PoseTrack`, cleaned by :func:`formlab.clean_track` (the chain
``analyze`` runs), and judged by :func:`formlab.pipeline.steps.judge` with a
reps table of that one rep: the same checks, thresholds, uncertainty and
verdict rules (``rep_summary.min_fail_duration_s``, ``uncertain`` within
``uncertainty.z`` standard deviations) as offline. Only the past is used:
the cleaning's smoothers are two-sided, but their "future" ends at the
moment the rep was confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.track import PoseTrack
from ..exercises import Exercise
from ..form.thresholds import FormThresholds
from ..pipeline import steps
from ..pipeline.variant import resolve_load, with_load
from ..signal.cleaning import CleanOptions

__all__ = ["CONTEXT_S", "RepJudgement", "judge_rep"]

CONTEXT_S = 1.0
"""Seconds of frames before the rep's start handed to the cleaning and the judge with the rep.

The cleaning's outlier filter and gap filling look about 0.3 s either side of
a frame (:class:`formlab.signal.cleaning.CleanOptions`), and the One-Euro
smoother needs a moment to settle; a second before the rep starts covers
both, so the rep's own frames are cleaned as they are in a whole clip."""


@dataclass(frozen=True)
class RepJudgement:
    """A rep's verdicts: ``verdicts`` (check -> status) and the checks it failed, in report order."""

    verdicts: dict[str, str]
    failed: tuple[str, ...]
    row: pd.Series


def judge_rep(
    raw: PoseTrack,
    exercise: Exercise,
    thresholds: FormThresholds,
    *,
    rep: int,
    start_frame: int,
    turn_frame: int,
    end_frame: int,
    clean_options: CleanOptions | None = None,
    load: str = "auto",
) -> RepJudgement:
    """Judge one rep on ``raw``, the frames received around it (frame numbers as in ``raw.frame``).

    Parameters
    ----------
    raw : PoseTrack
        Uncleaned frames from before the rep's start (ideally :data:`CONTEXT_S`
        earlier) to the moment the rep was confirmed.
    exercise, thresholds
        The lift and its thresholds (as :func:`formlab.analyze` resolves them); the
        lift's checks are those judged (optional ones asked for included:
        :meth:`~formlab.exercises.Exercise.with_checks`).
    rep, start_frame, turn_frame, end_frame : int
        The rep's number and frames.
    clean_options : CleanOptions, optional
        As for ``analyze``.
    load : str
        What the lift is done with (``load`` of :func:`formlab.analyze`; no plate is looked for).
    """
    track = steps.clean(raw, clean_options)
    t = raw.time_s
    frames = raw.frame

    def time_of(frame: int) -> float:
        return float(t[int(np.searchsorted(frames, frame))])

    table = pd.DataFrame(
        {
            "rep": [int(rep)],
            "start_frame": [int(start_frame)],
            "turn_frame": [int(turn_frame)],
            "end_frame": [int(end_frame)],
            "start_s": [time_of(start_frame)],
            "turn_s": [time_of(turn_frame)],
            "end_s": [time_of(end_frame)],
            "complete": [True],
        }
    )
    followed = steps.load_path_of(track, raw, exercise.name, video=None, cache=False)
    path = with_load(followed.path, resolve_load(load, exercise.name, followed.path))
    judged = steps.judge(track, exercise, thresholds, reps=table, raw=raw, bar=path)
    assert judged.reps is not None
    row = judged.reps.iloc[0]
    names = [c.name for c in exercise.checks if c.name in judged.reps.columns]
    verdicts = {n: str(row[n]) for n in names}
    failed = tuple(n for n in names if verdicts[n] == "fail")
    return RepJudgement(verdicts=verdicts, failed=failed, row=row)
