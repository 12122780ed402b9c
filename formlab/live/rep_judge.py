"""One rep judged as ``formlab analyze`` judges it, on the frames offline would use for it.

When the live coach confirms a rep it has every frame up to that moment. A
rep's frames are judged by :func:`formlab.pipeline.steps.judge` after
:func:`formlab.clean_track` (the chain ``analyze`` runs), with a reps table
of that one rep: the same checks, thresholds, uncertainty and verdict rules
(``rep_summary.min_fail_duration_s``, ``uncertain`` within ``uncertainty.z``
standard deviations) as offline. Two things make the verdicts those of
offline, not merely similar (measured on the sample clips, see the README):

* **the frames after the rep**: several steps read a frame's neighbours on
  both sides (the camera view's moving average, the jitter's moving RMS, the
  outlier test, gap filling). A rep's last frames judged at the window's
  edge see only their past, where offline sees both sides; so the coach
  waits, after the rep's end, for :func:`judging_lookahead_s` of frames
  (0.5 s with the defaults), the furthest any of those steps looks ahead;
* **the frames before it**: the cleaning and the uncertainty take
  references over the whole clip (a bone's median length, the torso's
  length); the judged window starts :data:`HISTORY_S` before the rep (or at
  the session's start), so that those references are taken over the same
  past offline has.

Only the past is used: the cleaning's smoothers are two-sided, but their
"future" ends a lookahead after the rep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.track import PoseTrack
from ..exercises import Exercise
from ..form.check import Check
from ..form.thresholds import FormThresholds
from ..pipeline import steps
from ..pipeline.variant import resolve_load, with_load
from ..signal.cleaning import CleanOptions

__all__ = ["CONTEXT_S", "HISTORY_S", "RepJudgement", "judge_rep", "judging_lookahead_s"]

CONTEXT_S = 1.0
"""Least seconds of frames before the rep's start handed to the cleaning and the judge with the rep.

The cleaning's outlier filter and gap filling look about 0.3 s either side of
a frame (:class:`formlab.signal.cleaning.CleanOptions`), the camera view's
average 0.5 s, and the One-Euro smoother needs a moment to settle; a second
before the rep starts covers them, so the rep's own frames are cleaned as
they are in a whole clip (the first rep of a session may have less)."""

HISTORY_S = 10.0
"""Seconds of past frames before a rep's start judged with it, when the session has them.

Offline, a bone's reference length (:func:`formlab.form.uncertainty.segment_error`:
its median over the clip) and the cleaning's torso and bone references are
taken over the whole clip. Taken over a few seconds around the rep they
differ, and a value near its threshold changes verdict with them:
squatAnalysis-rohanx01__squat's rep 1 ``start_position`` (0.178 against 0.25)
is ``uncertain`` with 1 s of past (SD 0.071) and ``fail`` with the 9 s since
the clip's start (SD 0.074, offline 0.075). Ten seconds hold the lifter
standing before the set and a few reps; judging them costs about 0.2 s
more per rep than a 1 s context (the swap fix's pass over the frames), done
in the judging thread."""


def judging_lookahead_s(
    thresholds: FormThresholds, clean_options: CleanOptions, checks: Sequence[Check] = ()
) -> float:
    """Seconds of frames after a rep's end that its verdicts depend on, offline.

    The furthest any two-sided step of the cleaning or the judge reads past a
    frame: half the camera view's moving average
    (``view.smoothing_window_s``), half the jitter's moving RMS
    (``uncertainty.jitter_window_s``), half the outlier test's window, and a
    gap to fill (``max_gap_s``: a gap at the rep's end is filled from the
    frame after it). The live coach waits this long after a rep's end before
    judging it, so that the rep's last frames are judged on the frames
    offline judges them on (0.5 s with the defaults: the view's average).
    Among ``checks``, one read on frames after the rep (``read_after_rep``: a
    push-up's lockout, looked for up to ``best_window_s`` = 1 s past its end)
    adds that much: those frames must have come, and settled.
    """
    o = CleanOptions.coerce(clean_options)
    reach = [
        0.5 * float(thresholds.view.smoothing_window_s),
        0.5 * float(thresholds.uncertainty.jitter_window_s),
        float(o.max_gap_s),
    ]
    if o.outlier_window_s is not None:
        reach.append(0.5 * float(o.outlier_window_s))
    after = [
        float(getattr(thresholds.section(c.name), c.read_after_rep))
        for c in checks
        if c.read_after_rep is not None and c.name in thresholds
    ]
    return max(reach) + max(after, default=0.0)


@dataclass(frozen=True)
class RepJudgement:
    """A rep's verdicts: ``verdicts`` (check -> status) and the checks it failed, in report order.

    ``row`` is the rep's row of the per-rep table, ``feedback`` the per-frame table of the frames
    judged (what :func:`formlab.live.decided.decided_failures` reads).
    """

    verdicts: dict[str, str]
    failed: tuple[str, ...]
    row: pd.Series
    feedback: pd.DataFrame


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
        Uncleaned frames from before the rep's start (ideally :data:`HISTORY_S`,
        at least :data:`CONTEXT_S` earlier) to :func:`judging_lookahead_s` after its end.
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
    return RepJudgement(verdicts=verdicts, failed=failed, row=row, feedback=judged.feedback)
