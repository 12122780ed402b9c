"""Verdicts: every check judged in every frame, then once per rep.

:func:`judge_frames` returns one row per frame: ``frame``, ``time_s``, the
estimated camera view (:mod:`formlab.form.view`), the posture measures
(:mod:`formlab.form.measures`; angles in degrees, distances as ratios, the
unit in each name), each check's measured value, and one column per check
holding its verdict (:data:`formlab.form.check.STATUSES`). :func:`judge_reps`
turns that into one verdict per rep, :func:`worst_frames` finds where each
failed check failed worst, and :func:`status_counts` counts verdicts.

This module knows checks, not lifts: the checks to run are given. Which
checks a lift runs, and with which defaults, is said in the lift's module
(:mod:`formlab.exercises`); :func:`formlab.evaluate_form` puts the two together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, InputError
from .check import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN, Check
from .measures import FrameData, usable_sides
from .thresholds import FormThresholds
from .uncertainty import jitter_sd, sd_name, segment_error, segment_turn_rate, value_sd

VIEW_COLUMNS = ("view", "yaw_deg", "side_facing_camera")
"""The camera-view columns of a feedback table (after ``frame`` and ``time_s``)."""


def _categorical(status: np.ndarray) -> pd.Categorical:
    return pd.Categorical(status, categories=list(STATUSES))


def verdicts(margin: np.ndarray, sd: np.ndarray | float = 0.0, z: float = 1.0) -> np.ndarray:
    """Verdicts from margins and their uncertainty (same unit): pass, fail, uncertain or not_assessable.

    ``pass`` where ``margin >= z * sd``; ``fail`` where ``margin < -z * sd``
    (and below 0); ``uncertain`` in between; ``not_assessable`` where the
    margin is NaN. With ``sd == 0`` a margin of 0 passes (the threshold
    itself is inside the passing interval).
    """
    m = np.asarray(margin, dtype=float)
    s = np.broadcast_to(np.nan_to_num(np.asarray(sd, dtype=float), nan=0.0), m.shape) * z
    out = np.full(m.shape, NOT_ASSESSABLE, dtype=object)
    with np.errstate(invalid="ignore"):
        out[m >= s] = PASS
        out[(m < 0) & (m < -s)] = FAIL
        out[np.isfinite(m) & (m < s) & ~((m < 0) & (m < -s))] = UNCERTAIN
    return out


def validate_reps(reps: pd.DataFrame) -> pd.DataFrame:
    """``reps`` if it has the columns a verdict per rep needs; an InputError naming the missing ones otherwise."""
    need = ["rep", "start_frame", "end_frame"]
    missing = [c for c in need if c not in reps.columns]
    if missing:
        raise InputError(
            f"reps table lacks the columns {missing}; expected at least "
            f"['rep', 'start_frame', 'turn_frame', 'end_frame']"
        )
    return reps


# --------------------------------------------------------------------------- per frame
def judge_frames(data: FrameData, checks: Sequence[Check], *, exercise: str = "") -> pd.DataFrame:
    """Judge every frame of a track with ``checks``.

    Parameters
    ----------
    data : FrameData
        The track measured once (:meth:`FrameData.of`), with the lift's
        thresholds and, for a video, its reps (checks judged once per rep use them).
    checks : sequence of Check
        The checks to run, in report order; each reads its own section of ``data.thresholds``.
    exercise : str
        Recorded in ``attrs``.

    Returns
    -------
    DataFrame
        One row per frame: ``frame``, ``time_s``, ``view``, ``yaw_deg``,
        ``side_facing_camera``, the posture measures, each check's measured
        value (its ``value`` column) and columns it exports, then one verdict
        column per check. ``attrs`` holds the exercise, the check names, the
        thresholds (as a dict) and the track's source.
    """
    th = data.thresholds
    if not isinstance(th, FormThresholds):
        raise ConfigError(f"thresholds must be a formlab.FormThresholds, got {type(th).__name__}")
    missing = [c.name for c in checks if c.name not in th]
    if missing:
        raise ConfigError(f"the thresholds have no section for the check(s) {', '.join(missing)}")
    if data.reps is not None:
        validate_reps(data.reps)
    views = data.views
    unc = th.uncertainty
    dt = frame_interval_s(data.view)
    window = max(1, round(unc.jitter_window_s / dt)) if dt > 0 else 1
    usable = usable_sides(views, data.view["side_facing_camera"].to_numpy(dtype=object))
    measured: dict[str, np.ndarray] = {}
    status: dict[str, pd.Categorical] = {}
    for check in checks:
        section = th.section(check.name)
        m = check.evaluate(data, section)
        data.extra.setdefault(check.value, m.value)
        for column, values in m.extra.items():
            data.extra.setdefault(column, values)
            measured.setdefault(column, values)
        measured.setdefault(check.value, m.value)
        sd = _value_sd(data, check, section, m.value, usable, window)
        measured.setdefault(sd_name(check.value), sd)
        judged = np.isin(views, list(check.views)) & m.applies & ~np.isinf(sd)
        if check.unmeasurable:
            judged[:] = False
        status[check.name] = _categorical(
            verdicts(np.where(judged, m.margin, np.nan), sd, float(unc.z))
        )
    table = pd.DataFrame(
        {
            "frame": data.track.frame,
            "time_s": data.track.time_s,
            **{c: data.view[c].to_numpy() for c in VIEW_COLUMNS},
        }
    )
    posture = data.posture.drop(columns=["frame", "time_s"])
    extra = pd.DataFrame(
        {k: v for k, v in measured.items() if k not in posture.columns}, index=posture.index
    )
    table = pd.concat([table, posture, extra, pd.DataFrame(status, index=posture.index)], axis=1)
    table["view"] = pd.Categorical(
        table["view"].astype(str), categories=data.view["view"].cat.categories
    )
    table.attrs.update(
        {
            "exercise": exercise,
            "checks": [c.name for c in checks],
            "thresholds": th.to_dict(),
            "source": data.track.meta.source,
        }
    )
    return table


def _value_sd(
    data: FrameData,
    check: Check,
    section,
    value: np.ndarray,
    usable: dict[str, np.ndarray],
    window: int,
) -> np.ndarray:
    """A check's uncertainty per frame (:mod:`formlab.form.uncertainty`); zeros without a track."""
    if data.track is None:
        return np.zeros(len(value))
    jitter = None
    if data.raw is not None:
        raw_value = check.evaluate(data.raw, section, masked=False).value
        jitter = jitter_sd(raw_value, value, window)
    return value_sd(
        check,
        value,
        segment_err=segment_error(data.track, check, usable),
        jitter=jitter,
        max_segment_error=float(data.thresholds.uncertainty.max_segment_error),
        turn_rate=None if data.raw is None else segment_turn_rate(data.raw.track, check, usable),
        max_turn_rate=float(data.thresholds.uncertainty.max_segment_turn_deg_per_s),
    )


def sd_column(check: Check) -> str:
    """The per-frame uncertainty column of a check's value in a feedback table (``inf``: misplaced)."""
    return sd_name(check.value)


def frame_sd(feedback: pd.DataFrame, check: Check) -> np.ndarray:
    """A check's per-frame uncertainty from a feedback table (zeros when the table has none)."""
    column = sd_column(check)
    if column in feedback.columns:
        return feedback[column].to_numpy(dtype=float)
    return np.zeros(len(feedback))


def check_columns(feedback: pd.DataFrame) -> list[str]:
    """The verdict columns of a feedback table, in report order.

    From ``attrs["checks"]`` when the table carries it; otherwise (a table
    read back from CSV) every column whose values are all verdicts.
    """
    named = feedback.attrs.get("checks")
    if named is not None:
        return [c for c in named if c in feedback.columns]
    statuses = set(STATUSES)
    return [
        c
        for c in feedback.columns
        if feedback[c].dtype == object or isinstance(feedback[c].dtype, pd.CategoricalDtype)
        if len(feedback) and set(feedback[c].astype(str)) <= statuses
    ]


def margins_of(feedback: pd.DataFrame, check: Check, th: FormThresholds) -> np.ndarray:
    """A check's margin in every row of a feedback table, NaN where it was not assessable.

    Computed again from the measured columns the table holds, so a table
    read back from ``feedback.csv`` gives the same margins.
    """
    data = FrameData.from_table(feedback, th)
    m = check.evaluate(data, th.section(check.name))
    return np.where(feedback[check.name].astype(str).to_numpy() == NOT_ASSESSABLE, np.nan, m.margin)


def frame_messages(feedback: pd.DataFrame, index: int, checks: Sequence[Check]) -> list[str]:
    """Cues of the checks failing in row ``index`` of a feedback table."""
    row = feedback.iloc[index]
    return [c.cue for c in checks if c.name in feedback.columns and row[c.name] == FAIL]


# --------------------------------------------------------------------------- per rep
def worst_value_column(check: Check) -> str:
    """Name of the per-rep worst-value column of a check in :func:`judge_reps`'s table.

    The name repeats the per-frame column the value comes from (the check's
    ``value``, which carries the unit), so a reader of ``reps.csv`` knows
    what was measured without looking the check up:
    ``elbows_up_worst_upper_arm_elevation_deg``.
    """
    return f"{check.name}_worst_{check.value}"


def worst_sd_column(check: Check) -> str:
    """Name of the uncertainty of :func:`worst_value_column` (``depth_worst_hip_below_knee_sd_deg``)."""
    return f"{check.name}_worst_{sd_name(check.value)}"


def _sustained_verdict(
    margin: np.ndarray, status: np.ndarray, inside: np.ndarray, k_needed: int
) -> tuple[str, int]:
    """A must-hold-through check's verdict in one rep, and the frame whose value it reports.

    ``fail`` when its failing frames add up to ``k_needed`` or more;
    ``uncertain`` when failing and uncertain frames together do (the rep may
    have failed: the data cannot tell); ``pass`` otherwise. The frame
    reported is the ``k_needed``-th worst, the worst value the rep held for
    that long, so that a one-frame glitch is not shown as the rep's worst.
    """
    n_fail = int(np.sum(inside & (status == FAIL)))
    n_unsure = int(np.sum(inside & (status == UNCERTAIN)))
    finite = np.flatnonzero(np.isfinite(margin))
    order = finite[np.argsort(margin[finite], kind="stable")]
    pick = int(order[min(k_needed, len(order)) - 1])
    if n_fail >= k_needed:
        return FAIL, pick
    if n_fail + n_unsure >= k_needed:
        return UNCERTAIN, pick
    return PASS, pick


def _judged_reason(check: Check, verdict: str, value: float, sd: float) -> str:
    if verdict == FAIL:
        return check.cue
    if verdict == UNCERTAIN:
        return (
            f"{check.value} = {value:.3g} +- {sd:.2g} lies within its uncertainty of the threshold"
        )
    return ""


def unjudged_reason(
    feedback: pd.DataFrame, check: Check, rows: np.ndarray, th: FormThresholds
) -> str:
    """Why a check judged none of the given rows of a feedback table: the most common reason among them."""
    idx = np.flatnonzero(rows)
    if not idx.size:
        return "no frames"
    views = feedback["view"].astype(str).to_numpy()[idx]
    values = feedback[check.value].to_numpy(dtype=float)[idx] if check.value in feedback else None
    sd = frame_sd(feedback, check)[idx]
    reasons = [
        frame_reason(check, views[j], np.nan if values is None else values[j], sd[j], th)
        for j in range(len(idx))
    ]
    kinds, counts = np.unique(reasons, return_counts=True)
    return str(kinds[int(np.argmax(counts))])


def frame_reason(check: Check, view: str, value: float, sd: float, th: FormThresholds) -> str:
    """Why a check is not assessable in a frame: the view, unseen or misplaced landmarks, or it does not apply."""
    if check.unmeasurable:
        return check.unmeasurable
    if view not in check.views:
        if view == "unknown":
            return "no pose"
        valid = ", ".join(v for v in ("front", "oblique", "side", "back") if v in check.views)
        return f"{with_article(view)} view cannot show it (judged in {valid} views)"
    if np.isinf(sd):
        return (
            "its landmarks are misplaced (a body segment's length is off its median over the clip by "
            f"more than uncertainty.max_segment_error = {th.uncertainty.max_segment_error:g}, or it "
            "turns between frames faster than uncertainty.max_segment_turn_deg_per_s = "
            f"{th.uncertainty.max_segment_turn_deg_per_s:g})"
        )
    if not np.isfinite(value):
        return (
            f"its landmarks are not seen (visibility below {th.landmarks.min_visibility:g}), face away "
            "from the camera, or are misplaced in the frames it is read from (a set-up before a rep)"
        )
    return check.not_applicable


def with_article(word: str) -> str:
    """``word`` with ``a`` or ``an`` before it."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def frame_interval_s(feedback: pd.DataFrame) -> float:
    """The median time between two rows of a feedback table, in seconds (0 with fewer than two)."""
    t = feedback["time_s"].to_numpy(dtype=float)
    dt = np.diff(t)
    dt = dt[np.isfinite(dt) & (dt > 0)]
    return float(np.median(dt)) if dt.size else 0.0


def sustained_count(frame_s: float, min_duration_s: float) -> int:
    """How many frames a fault must last to count: the fewest whose total time reaches ``min_duration_s``."""
    if frame_s <= 0 or min_duration_s <= 0:
        return 1
    n = 1
    while n * frame_s < min_duration_s:
        n += 1
    return n


def judge_reps(
    feedback: pd.DataFrame, reps: pd.DataFrame, checks: Sequence[Check], th: FormThresholds
) -> pd.DataFrame:
    """Each check's verdict in each rep, with its worst value and that value's frame.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`judge_frames`.
    reps : DataFrame
        At least ``rep``, ``start_frame``, ``end_frame`` (and usually
        ``turn_frame``), in decoded-frame numbers; other columns are kept.
    checks : sequence of Check
        The checks that were judged.
    th : FormThresholds
        The thresholds they were judged with.

    Returns
    -------
    DataFrame
        The reps table plus, for every check, ``{check}`` (its verdict in the
        rep), the value that decided it ``{check}_worst_{value}`` (see
        :func:`worst_value_column`), that value's uncertainty (one standard
        deviation, :func:`worst_sd_column`), ``{check}_worst_frame`` and
        ``{check}_why`` (the cue of a fail, the value and its uncertainty for
        ``uncertain``, the reason for ``not_assessable``); then
        ``failed_checks`` and ``messages`` (the cues, ``"; "``-separated).

    Notes
    -----
    A check that must hold through the rep (``per_rep="worst"``) fails when its failing frames
    inside the rep add up to ``rep_summary.min_fail_duration_s`` or more, so a one-frame glitch
    does not flag a rep, and is ``uncertain`` when its failing and uncertain frames together do;
    its reported value is the worst the rep held for that long. A check judged once per rep
    (``per_rep="best"``: depth, lockout) is judged at the rep's best frame among those whose view
    allows it and whose landmarks are not misplaced, with that frame's uncertainty.
    """
    validate_reps(reps)
    feedback = feedback.copy(deep=False)  # the same columns without attrs, which pandas would
    feedback.attrs = {}  # deep-copy on every column read below
    present = [c for c in checks if c.name in feedback.columns]
    frames = feedback["frame"].to_numpy()
    k_needed = sustained_count(frame_interval_s(feedback), th.rep_summary.min_fail_duration_s)
    z = float(th.uncertainty.z)
    views = feedback["view"].astype(str).to_numpy()
    out = reps.copy().reset_index(drop=True)
    failed_lists: list[list[str]] = [[] for _ in range(len(out))]
    for check in present:
        status_all = feedback[check.name].astype(str).to_numpy()
        value_all = feedback[check.value].to_numpy(dtype=float)
        sd_all = frame_sd(feedback, check)
        views_ok = np.isin(views, list(check.views)) & ~np.isinf(sd_all)
        data = FrameData.from_table(feedback, th)
        if check.per_rep == "best":
            raw = check.evaluate(data, th.section(check.name), masked=False)
            margin_all = np.where(views_ok, raw.margin, np.nan)
        else:
            margin_all = margins_of(feedback, check, th)
            applied = check.evaluate(data, th.section(check.name)).applies
        columns: dict[str, list] = {"verdict": [], "value": [], "sd": [], "frame": [], "why": []}
        for k, (_, rep) in enumerate(out.iterrows()):  # row k (the index was reset above)
            inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
            m = np.where(inside, margin_all, np.nan)
            if not np.isfinite(m).any():
                verdict, pick = NOT_ASSESSABLE, None
                why = unjudged_reason(feedback, check, inside, th)
            elif check.per_rep == "best":
                pick = int(np.nanargmax(m))
                verdict = verdicts(np.array([m[pick]]), np.array([sd_all[pick]]), z)[0]
                if verdict != PASS and np.any(inside & np.isinf(sd_all)):
                    # the frames that could have shown it reached are unreadable: no verdict
                    verdict = NOT_ASSESSABLE
            else:
                verdict, pick = _sustained_verdict(m, status_all, inside, k_needed)
                unread = int(np.sum(inside & applied & np.isfinite(value_all) & np.isinf(sd_all)))
                if verdict == PASS and unread >= max(k_needed, np.isfinite(m).sum()):
                    # a pass says the rep held: not when most of it, and enough to fail, is unreadable
                    verdict = NOT_ASSESSABLE
            if verdict == NOT_ASSESSABLE and pick is not None:  # judged, but on misplaced landmarks
                why = unjudged_reason(feedback, check, inside & np.isinf(sd_all), th)
                pick = None
            elif pick is not None:
                why = _judged_reason(check, verdict, value_all[pick], sd_all[pick])
            columns["verdict"].append(verdict)
            columns["value"].append(np.nan if pick is None else float(value_all[pick]))
            columns["sd"].append(np.nan if pick is None else float(sd_all[pick]))
            columns["frame"].append(pd.NA if pick is None else int(frames[pick]))
            columns["why"].append(why)
            if verdict == FAIL:
                failed_lists[k].append(check.name)
        out[check.name] = columns["verdict"]
        out[worst_value_column(check)] = columns["value"]
        out[worst_sd_column(check)] = columns["sd"]
        out[f"{check.name}_worst_frame"] = pd.array(columns["frame"], dtype="Int64")
        out[f"{check.name}_why"] = columns["why"]
    cues = {c.name: c.cue for c in present}
    out["failed_checks"] = ["; ".join(f) for f in failed_lists]
    out["messages"] = ["; ".join(cues[n] for n in f) for f in failed_lists]
    return out


def worst_frames(
    feedback: pd.DataFrame,
    checks: Sequence[Check],
    th: FormThresholds,
    *,
    reps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The worst failing frame of each failed check.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`judge_frames`.
    checks : sequence of Check
        The checks that were judged.
    th : FormThresholds
        The thresholds they were judged with.
    reps : DataFrame, optional
        A reps table (``start_frame``, ``end_frame``; with the per-rep
        verdicts of :func:`judge_reps` if available). Then only frames
        inside reps count, and only checks that failed in a rep: a lifter
        walking out of the rack is not a picture of their squat.

    Returns
    -------
    DataFrame
        One row per check: ``check``, ``message``, ``frame``, ``time_s``,
        ``value`` and ``unit`` (the measured value at the frame with the most
        negative margin), sorted by check order.
    """
    frames = feedback["frame"].to_numpy()
    in_reps = np.ones(len(feedback), dtype=bool)
    if reps is not None:
        validate_reps(reps)
        in_reps[:] = False
        for _, rep in reps.iterrows():
            in_reps |= (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
    rows = []
    for check in checks:
        name = check.name
        if name not in feedback.columns:
            continue
        if reps is not None and name in reps.columns and not (reps[name].astype(str) == FAIL).any():
            continue  # judged per rep, and no rep failed it
        fails = (feedback[name].astype(str).to_numpy() == FAIL) & in_reps
        if not fails.any():
            continue
        margin = np.where(fails, margins_of(feedback, check, th), np.nan)
        pick = (
            int(np.nanargmin(margin))
            if np.isfinite(margin).any()
            else int(np.flatnonzero(fails)[0])
        )
        rows.append(
            {
                "check": name,
                "message": check.cue,
                "frame": int(feedback["frame"].iloc[pick]),
                "time_s": float(feedback["time_s"].iloc[pick]),
                "value": float(feedback[check.value].iloc[pick]),
                "unit": check.unit,
            }
        )
    return pd.DataFrame(rows, columns=["check", "message", "frame", "time_s", "value", "unit"])
