"""A lift's checks on a track, and reading the feedback tables they give.

:func:`evaluate_form` judges every frame with a lift's checks,
:func:`form_per_rep` turns that into a verdict per rep; :func:`worst_frames`,
:func:`explain_frame`, :func:`status_counts` and :func:`frame_messages` read a
feedback table. Each finds the lift's checks and thresholds from the table
itself (its ``attrs``), so a notebook passes the table and nothing else; the
work is done by :mod:`formlab.form.judge`, which knows checks, not lifts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..core.errors import ConfigError
from ..core.track import PoseTrack
from ..exercises import Exercise, checks_of, get_exercise, thresholds_of
from ..form import judge as judging
from ..form import report
from ..form.measures import FrameData
from ..form.thresholds import FormThresholds

__all__ = [
    "evaluate_form",
    "explain_frame",
    "form_per_rep",
    "frame_messages",
    "status_counts",
    "worst_frames",
]


def evaluate_form(
    track: PoseTrack,
    exercise: str | Exercise = "front_squat",
    thresholds: FormThresholds | None = None,
    *,
    reps: pd.DataFrame | None = None,
    checks: Sequence[str] | None = None,
    raw_track: PoseTrack | None = None,
    bar: object = None,
) -> pd.DataFrame:
    """Judge every frame of a track with a lift's checks.

    Parameters
    ----------
    track : PoseTrack
        A video's track, or a single photo's (one frame).
    exercise : str or Exercise
        The lift; decides the checks and, when ``thresholds`` is None, their defaults.
    thresholds : FormThresholds, optional
        Defaults to :func:`formlab.thresholds_for` ``(exercise)``.
    reps : DataFrame, optional
        The reps table (columns ``rep``, ``start_frame``, ``end_frame``, ...,
        in decoded-frame numbers). Checks judged once per rep (squat depth)
        are then judged at each rep's best frame; without it, at local
        extremes seen on both sides (never in a single photo).
    checks : sequence of str, optional
        Run these of the lift's checks instead of its default ones (e.g. to
        add an optional check such as ``heels_down``).
    raw_track : PoseTrack, optional
        The track before cleaning (:func:`formlab.clean_track`), same frames:
        the landmark jitter between the two is part of each value's
        uncertainty (:mod:`formlab.form.uncertainty`). Without it only the
        bones' length errors count.
    bar : BarPath, optional
        The load's path, for checks that measure the bar (bar over mid-foot).

    Returns
    -------
    DataFrame
        See :func:`formlab.form.judge.judge_frames`.
    """
    ex = get_exercise(exercise)
    th = thresholds if thresholds is not None else ex.default_thresholds()
    if not isinstance(th, FormThresholds):
        raise ConfigError(f"thresholds must be a formlab.FormThresholds, got {type(th).__name__}")
    chosen = ex.select_checks(checks)
    data = FrameData.of(
        track,
        th,
        reps=judging.validate_reps(reps) if reps is not None else None,
        raw_track=raw_track,
        bar=bar,
    )
    return judging.judge_frames(data, chosen, exercise=ex.name)


def form_per_rep(
    feedback: pd.DataFrame, reps: pd.DataFrame, thresholds: FormThresholds | None = None
) -> pd.DataFrame:
    """Each check's verdict in each rep, from a feedback table of :func:`evaluate_form`.

    See :func:`formlab.form.judge.judge_reps`; ``thresholds`` default to
    those the feedback was judged with.
    """
    return judging.judge_reps(
        feedback, reps, checks_of(feedback), thresholds_of(feedback, thresholds)
    )


def worst_frames(
    feedback: pd.DataFrame,
    *,
    reps: pd.DataFrame | None = None,
    thresholds: FormThresholds | None = None,
) -> pd.DataFrame:
    """Where each failed check failed worst (see :func:`formlab.form.judge.worst_frames`)."""
    return judging.worst_frames(
        feedback, checks_of(feedback), thresholds_of(feedback, thresholds), reps=reps
    )


def explain_frame(
    feedback: pd.DataFrame, index: int, thresholds: FormThresholds | None = None
) -> pd.DataFrame:
    """Every check's verdict in row ``index``, with value, passing range and reason.

    See :func:`formlab.form.report.explain_frame`.
    """
    return report.explain_frame(
        feedback, index, checks_of(feedback), thresholds_of(feedback, thresholds)
    )


def status_counts(feedback: pd.DataFrame, per_rep: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each check gave each verdict, in frames, seconds and reps.

    See :func:`formlab.form.report.status_counts`.
    """
    return report.status_counts(feedback, checks_of(feedback), per_rep)


def frame_messages(feedback: pd.DataFrame, index: int) -> list[str]:
    """The cues of the checks failing in row ``index`` of a feedback table."""
    return judging.frame_messages(feedback, index, checks_of(feedback))
