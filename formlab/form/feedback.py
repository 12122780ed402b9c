"""Form feedback: per-frame verdicts, per-rep summaries, worst frames.

>>> track = formlab.extract(formlab.fetch_sample("ai-trainer__715_low_elbows"))   # doctest: +SKIP
>>> fb = evaluate_form(track, "front_squat")                                      # doctest: +SKIP
>>> fb.loc[0, ["view", "upper_arm_elevation_deg", "elbows_up"]]                   # doctest: +SKIP
view                         front
upper_arm_elevation_deg     -54.2
elbows_up                    fail

:func:`evaluate_form` returns one row per frame: ``frame``, ``time_s``, the
estimated camera view (:mod:`formlab.view`), every posture measure
(:mod:`formlab.posture`; angles in degrees, distances as ratios, the unit in
each name) and one column per check of the exercise (:mod:`formlab.checks`)
holding ``"pass"``, ``"fail"`` or ``"not_assessable"``. :func:`form_per_rep`
turns that into one row per rep, :func:`explain_frame` says why each check
of one frame got its verdict, and :func:`status_counts` counts them. Which
checks run depends on the exercise (:data:`CHECKS_BY_EXERCISE`); the
thresholds on its preset (:func:`formlab.thresholds.thresholds_for`) unless
you pass your own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, InputError, OutputError
from ..core.files import CSV_FLOAT_FORMAT, atomic_write
from ..core.track import PoseTrack
from .checks import CHECKS, FAIL, MESSAGES, NOT_ASSESSABLE, PASS, get_check
from .posture import measure_posture
from .thresholds import FormThresholds, thresholds_for
from .view import estimate_view

_SQUAT_CHECKS = ("knees_out", "feet_width", "head_neutral", "depth", "torso_upright")

CHECKS_BY_EXERCISE: dict[str, tuple[str, ...]] = {
    "front_squat": ("start_position", "elbows_up") + _SQUAT_CHECKS,
    "back_squat": _SQUAT_CHECKS,
    "squat": _SQUAT_CHECKS,
    "lunge": ("head_neutral", "torso_upright"),
    "deadlift": ("knees_out",),
    "curl": (),
    "push_up": (),
    "jumping_jack": (),
    "bench_press": (),
    "overhead_press": (),
    "auto": (),
}
"""Checks run for each exercise.

Every squat variant gets depth, knees out, feet width, head neutral and
torso upright; only the front squat gets the rack checks (start position,
elbows up). A lunge is judged on the torso and head only (depth and knee
tracking of a split stance need other measures). A deadlift keeps the knees
out (judged only while the knees are bent); a neutral head and an upright
torso do not apply to a hip hinge. The other exercises (and ``"auto"``,
whose exercise is unknown) get the measures and the view but no check.

``heels_down`` is implemented and measured but runs only when asked for
(``checks=checks_for(exercise) + ("heels_down",)``): BlazePose's foot
landmarks rotate with the shin as the ankle bends, so the heel "rises" while
it stays flat on the floor. On ``testvideo-yuyoujiang__squat`` (heels flat,
side view) the heel-to-toe line tilts by up to 40 deg at the bottom of each
rep, more than a real heel lift (about 15-25 deg); no threshold separates
the two.
"""

OPTIONAL_CHECKS: tuple[str, ...] = ("heels_down",)
"""Checks that exist but are not run by default (see :data:`CHECKS_BY_EXERCISE`)."""

EXERCISES: tuple[str, ...] = tuple(CHECKS_BY_EXERCISE)
"""Accepted exercise names: those of :func:`formlab.exercises.exercise_names` (a test keeps them equal)."""


def _exercise_key(exercise: str) -> str:
    """Normalise an exercise name the way :func:`formlab.exercises.get_exercise` does."""
    key = str(exercise).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in CHECKS_BY_EXERCISE:
        raise ConfigError(f"unknown exercise {exercise!r}; expected one of: {', '.join(EXERCISES)}")
    return key


def checks_for(exercise: str) -> tuple[str, ...]:
    """Names of the checks run for ``exercise``; :class:`ConfigError` listing the accepted names otherwise."""
    return CHECKS_BY_EXERCISE[_exercise_key(exercise)]


# --------------------------------------------------------------------------- rep bottoms
def _frame_positions(track_frames: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Row positions of decoded-frame numbers in a track (-1 where absent)."""
    pos = np.searchsorted(track_frames, frames)
    pos = np.clip(pos, 0, max(len(track_frames) - 1, 0))
    return np.where((len(track_frames) > 0) & (track_frames[pos] == frames), pos, -1)


def _validate_reps(reps: pd.DataFrame) -> pd.DataFrame:
    need = ["rep", "start_frame", "end_frame"]
    missing = [c for c in need if c not in reps.columns]
    if missing:
        raise InputError(f"reps table lacks the columns {missing}; expected at least "
                         f"['rep', 'start_frame', 'turn_frame', 'end_frame']")
    return reps


def rep_bottoms(measures: pd.DataFrame, thresholds: FormThresholds,
                reps: pd.DataFrame | None = None) -> np.ndarray:
    """Boolean mask of the frames at which squat depth is judged.

    With a reps table: in each rep, the frame between ``start_frame`` and
    ``end_frame`` where the hip is lowest relative to the knee. Without one:
    frames whose knee flexion exceeds ``depth.min_knee_flexion_deg`` and is
    the largest within a centred window of ``depth.bottom_window_s`` that also
    holds frames before and after it (the movement into and out of the bottom
    was seen). A single photo therefore has no bottom: it may show the lifter
    on the way down (the article's ``ai-trainer__500_perfect`` is such a
    frame). To judge a photo as a bottom, pass ``reps`` with one rep whose
    frames are all 0.
    """
    n = len(measures)
    bottom = np.zeros(n, bool)
    frames = measures["frame"].to_numpy()
    depth = measures["hip_below_knee_deg"].to_numpy(dtype=float)
    if reps is not None:
        _validate_reps(reps)
        for _, rep in reps.iterrows():
            inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"]) & np.isfinite(depth)
            if inside.any():
                idx = np.flatnonzero(inside)
                bottom[idx[np.argmax(depth[idx])]] = True
        return bottom
    th = thresholds.depth
    flex = measures["knee_flexion_deg"].to_numpy(dtype=float)
    t = measures["time_s"].to_numpy(dtype=float)
    ok = np.isfinite(flex)
    if not ok.any():
        return bottom
    if not np.all(np.diff(t) >= 0) or not np.all(np.isfinite(t)):
        t = np.arange(n, dtype=float)
    lo = np.searchsorted(t, t - th.bottom_window_s / 2, side="left")
    hi = np.searchsorted(t, t + th.bottom_window_s / 2, side="right")
    filled = np.where(ok, flex, -np.inf)
    for k in np.flatnonzero(ok & (flex > th.min_knee_flexion_deg)):
        window = filled[lo[k]:hi[k]]
        seen_around = ok[lo[k]:k].any() and ok[k + 1:hi[k]].any()
        if seen_around and k == lo[k] + int(np.argmax(window)):
            bottom[k] = True
    return bottom


# --------------------------------------------------------------------------- per frame
def evaluate_form(track: PoseTrack, exercise: str = "front_squat", thresholds: FormThresholds | None = None,
                  *, reps: pd.DataFrame | None = None, checks: Sequence[str] | None = None) -> pd.DataFrame:
    """Judge every frame of a track.

    Parameters
    ----------
    track : PoseTrack
        A video's track, or a single photo's (one frame).
    exercise : str
        One of :data:`EXERCISES`; decides the checks (:data:`CHECKS_BY_EXERCISE`)
        and, when ``thresholds`` is None, the threshold preset.
    thresholds : FormThresholds, optional
        Defaults to :func:`formlab.thresholds.thresholds_for` ``(exercise)``.
    reps : DataFrame, optional
        The reps table (columns ``rep``, ``start_frame``, ``end_frame``, ...,
        in decoded-frame numbers). Squat depth is then judged at the lowest
        frame of each rep; without it, at local maxima of knee flexion
        (see :func:`rep_bottoms`; never in a single photo unless ``reps`` says
        the photo is a rep).
    checks : sequence of str, optional
        Run these checks instead of the exercise's (any names of
        :data:`formlab.checks.CHECKS`, e.g. to add :data:`OPTIONAL_CHECKS`).

    Returns
    -------
    DataFrame
        One row per frame: ``frame``, ``time_s``, ``view``, ``yaw_deg``,
        ``side_facing_camera``, ``rep_bottom``, the posture measures, each
        check's combined measured value (e.g. ``upper_arm_elevation_deg``),
        and one column per check holding ``"pass"``, ``"fail"`` or
        ``"not_assessable"``. ``attrs`` holds the exercise, the checks, the
        thresholds (as a dict) and the track's source.
    """
    exercise = _exercise_key(exercise)
    names = checks_for(exercise)
    if checks is not None:
        unknown = [c for c in checks if c not in CHECKS]
        if unknown:
            raise ConfigError(f"unknown check {unknown[0]!r}; expected some of: {', '.join(CHECKS)}")
        names = tuple(c for c in CHECKS if c in set(checks))
    th = thresholds if thresholds is not None else thresholds_for(exercise)
    if not isinstance(th, FormThresholds):
        raise ConfigError(f"thresholds must be a formlab.FormThresholds, got {type(th).__name__}")
    if reps is not None:
        _validate_reps(reps)
    view = estimate_view(track, th.view)
    measures = measure_posture(track, th, view=view)
    measures["rep_bottom"] = rep_bottoms(measures, th, reps)

    table = pd.DataFrame({
        "frame": track.frame,
        "time_s": track.time_s,
        "view": view["view"],
        "yaw_deg": view["yaw_deg"],
        "side_facing_camera": view["side_facing_camera"],
    })
    verdicts = {}
    for name in names:
        check = CHECKS[name]
        status, value, _ = check.status(measures, th, view["view"].to_numpy(dtype=object))
        if check.value_column not in measures:
            measures[check.value_column] = value
        verdicts[name] = pd.Categorical(status, categories=[PASS, FAIL, NOT_ASSESSABLE])
    measured = measures.drop(columns=["frame", "time_s"])
    table = pd.concat([table, measured, pd.DataFrame(verdicts, index=measured.index)], axis=1)
    table.attrs.update({"exercise": exercise, "checks": list(names), "thresholds": th.to_dict(),
                        "source": track.meta.source})
    return table


def check_columns(feedback: pd.DataFrame) -> list[str]:
    """The check columns present in a feedback table, in report order."""
    return [name for name in CHECKS if name in feedback.columns]


def frame_messages(feedback: pd.DataFrame, index: int) -> list[str]:
    """Messages of the checks failing in row ``index`` of a feedback table."""
    row = feedback.iloc[index]
    return [MESSAGES[c] for c in check_columns(feedback) if row[c] == FAIL]


def _thresholds_of(feedback: pd.DataFrame, thresholds: FormThresholds | None) -> FormThresholds:
    if thresholds is not None:
        return thresholds
    if "thresholds" in feedback.attrs:
        return FormThresholds.from_dict(feedback.attrs["thresholds"])
    return thresholds_for(feedback.attrs.get("exercise", "front_squat"))


def _margins(feedback: pd.DataFrame, name: str, th: FormThresholds) -> np.ndarray:
    """A check's margin per frame, from the measures stored in the feedback table."""
    check = CHECKS[name]
    _, margin = check.evaluate(feedback, th)
    return np.where(feedback[name].to_numpy(dtype=object) == NOT_ASSESSABLE, np.nan, margin)


# --------------------------------------------------------------------------- per rep
def worst_value_column(check: str) -> str:
    """Name of the per-rep worst-value column of a check in :func:`form_per_rep`'s table.

    The name repeats the per-frame column the value comes from (the check's
    ``value_column``, which carries the unit), so a reader of ``reps.csv``
    knows what was measured without looking the check up:
    ``worst_value_column("elbows_up") == "elbows_up_worst_upper_arm_elevation_deg"``.

    Raises
    ------
    KeyError
        For an unknown check name.
    """
    return f"{check}_worst_{get_check(check).value_column}"


def form_per_rep(feedback: pd.DataFrame, reps: pd.DataFrame,
                 thresholds: FormThresholds | None = None) -> pd.DataFrame:
    """Which checks failed in which rep, and the worst value of each.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`evaluate_form`.
    reps : DataFrame
        At least ``rep``, ``start_frame``, ``end_frame`` (and usually
        ``turn_frame``), in decoded-frame numbers; other columns are kept.
    thresholds : FormThresholds, optional
        Defaults to the ones the feedback was computed with (``feedback.attrs``).

    Returns
    -------
    DataFrame
        The reps table plus, for every check, ``{check}`` (``"pass"``,
        ``"fail"`` or ``"not_assessable"`` for the rep), the worst value
        ``{check}_worst_{value_column}`` (see :func:`worst_value_column`,
        e.g. ``elbows_up_worst_upper_arm_elevation_deg``: the measured value
        at the rep's worst frame; for depth, its lowest point) and
        ``{check}_worst_frame``; then ``failed_checks`` and ``messages``
        (``"; "``-separated).

    Notes
    -----
    A check fails in a rep when its failing frames inside the rep add up to
    ``rep_summary.min_fail_duration_s`` or more, so a one-frame glitch does not
    flag a rep. Depth is judged once per rep, at the frame where the hip is
    lowest relative to the knee (among frames whose view allows the check).
    """
    _validate_reps(reps)
    th = _thresholds_of(feedback, thresholds)
    names = check_columns(feedback)
    frames = feedback["frame"].to_numpy()
    t = feedback["time_s"].to_numpy(dtype=float)
    dt = np.diff(t)
    dt = dt[np.isfinite(dt) & (dt > 0)]
    frame_s = float(np.median(dt)) if dt.size else 0.0
    out = reps.copy().reset_index(drop=True)
    failed_lists: list[list[str]] = [[] for _ in range(len(out))]
    for name in names:
        check = CHECKS[name]
        status_all = feedback[name].to_numpy(dtype=object)
        value_all = feedback[check.value_column].to_numpy(dtype=float)
        views_ok = np.isin(feedback["view"].to_numpy(dtype=object), list(check.views))
        if name == "depth":
            margin_all = np.where(views_ok, value_all - th.depth.min_hip_below_knee_deg, np.nan)
        else:
            margin_all = _margins(feedback, name, th)
        statuses, worst_values, worst_frames = [], [], []
        for k, rep in out.iterrows():
            inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
            m = np.where(inside, margin_all, np.nan)
            if not np.isfinite(m).any():
                statuses.append(NOT_ASSESSABLE)
                worst_values.append(np.nan)
                worst_frames.append(pd.NA)
                continue
            if name == "depth":
                pick = int(np.nanargmax(np.where(inside & views_ok, value_all, np.nan)))
                failed = margin_all[pick] < 0
            else:
                pick = int(np.nanargmin(m))
                n_fail = int(np.sum(inside & (status_all == FAIL)))
                failed = n_fail > 0 and (n_fail * frame_s >= th.rep_summary.min_fail_duration_s or frame_s == 0)
            statuses.append(FAIL if failed else PASS)
            worst_values.append(float(value_all[pick]))
            worst_frames.append(int(frames[pick]))
            if failed:
                failed_lists[k].append(name)
        out[name] = statuses
        out[worst_value_column(name)] = worst_values
        out[f"{name}_worst_frame"] = pd.array(worst_frames, dtype="Int64")
    out["failed_checks"] = ["; ".join(f) for f in failed_lists]
    out["messages"] = ["; ".join(MESSAGES[n] for n in f) for f in failed_lists]
    return out


def worst_frames(feedback: pd.DataFrame, thresholds: FormThresholds | None = None, *,
                 reps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The worst failing frame of each failed check.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`evaluate_form`.
    thresholds : FormThresholds, optional
        Defaults to the ones the feedback was computed with.
    reps : DataFrame, optional
        A reps table (``start_frame``, ``end_frame``; with the per-rep
        verdicts of :func:`form_per_rep` if available). Then only frames
        inside reps count, and only checks that failed in a rep: a lifter
        walking out of the rack is not a picture of their squat.

    Returns
    -------
    DataFrame
        One row per check: ``check``, ``message``, ``frame``, ``time_s``,
        ``value`` and ``unit`` (the measured value at the frame with the most
        negative margin), sorted by check order.
    """
    th = _thresholds_of(feedback, thresholds)
    frames = feedback["frame"].to_numpy()
    in_reps = np.ones(len(feedback), dtype=bool)
    if reps is not None:
        _validate_reps(reps)
        in_reps[:] = False
        for _, rep in reps.iterrows():
            in_reps |= (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
    rows = []
    for name in check_columns(feedback):
        if reps is not None and name in reps.columns and not (reps[name].astype(str) == FAIL).any():
            continue  # judged per rep, and no rep failed it
        fails = (feedback[name].to_numpy(dtype=object) == FAIL) & in_reps
        if not fails.any():
            continue
        margin = np.where(fails, _margins(feedback, name, th), np.nan)
        pick = int(np.nanargmin(margin)) if np.isfinite(margin).any() else int(np.flatnonzero(fails)[0])
        check = CHECKS[name]
        rows.append({"check": name, "message": check.message, "frame": int(feedback["frame"].iloc[pick]),
                     "time_s": float(feedback["time_s"].iloc[pick]),
                     "value": float(feedback[check.value_column].iloc[pick]), "unit": check.unit})
    return pd.DataFrame(rows, columns=["check", "message", "frame", "time_s", "value", "unit"])


def save_feedback(feedback: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a feedback table (per frame or per rep) to CSV atomically.

    Floats are written with :data:`formlab._files.CSV_FLOAT_FORMAT` (6
    significant digits: the measures are not more precise than that, and 17
    digits of noise make the file hard to read); integer columns, nullable
    ones included (``{check}_worst_frame``), stay integers. Statuses are
    written as the strings ``pass``, ``fail``, ``not_assessable``.
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise OutputError(f"{path}: feedback tables are written as .csv, got {path.suffix!r}")
    table = feedback.copy()
    for c in table.columns:
        if isinstance(table[c].dtype, pd.CategoricalDtype):
            table[c] = table[c].astype(str)
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, float_format=CSV_FLOAT_FORMAT))


def status_counts(feedback: pd.DataFrame, per_rep: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each check passed, failed or could not judge: frames, seconds and reps.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`evaluate_form`.
    per_rep : DataFrame, optional
        From :func:`form_per_rep`; adds the reps in which each check failed.

    Returns
    -------
    DataFrame
        One row per check (index: the check name) with ``title``,
        ``pass_frames``, ``fail_frames``, ``not_assessable_frames``,
        ``fail_s`` (failing frames times the median frame interval) and,
        with ``per_rep``, ``failed_reps`` (how many) and ``failed_rep_numbers``
        (e.g. ``"1, 3"``).
    """
    t = feedback["time_s"].to_numpy(dtype=float)
    dt = np.diff(t)
    dt = dt[np.isfinite(dt) & (dt > 0)]
    frame_s = float(np.median(dt)) if dt.size else float("nan")
    rows = []
    for name in check_columns(feedback):
        status = feedback[name].to_numpy(dtype=object)
        row = {"check": name, "title": CHECKS[name].title, "pass_frames": int(np.sum(status == PASS)),
               "fail_frames": int(np.sum(status == FAIL)), "not_assessable_frames": int(np.sum(status == NOT_ASSESSABLE))}
        row["fail_s"] = row["fail_frames"] * frame_s
        if per_rep is not None:
            failed = per_rep.loc[per_rep[name] == FAIL, "rep"].tolist() if name in per_rep else []
            row["failed_reps"] = len(failed)
            row["failed_rep_numbers"] = ", ".join(str(int(r)) for r in failed)
        rows.append(row)
    columns = ["check", "title", "pass_frames", "fail_frames", "not_assessable_frames", "fail_s"]
    if per_rep is not None:
        columns += ["failed_reps", "failed_rep_numbers"]
    return pd.DataFrame(rows, columns=columns).set_index("check")


_NOT_APPLICABLE = {
    "start_position": "the wrists or elbows are not seen",
    "elbows_up": "the bar is not in the front rack in this frame (the start-position check fails)",
    "knees_out": "the knees are not bent beyond knees_out.min_knee_flexion_deg",
    "depth": "not the bottom of a rep (depth is judged once per rep, at its lowest frame; a photo alone is no rep)",
    "heels_down": "no standing baseline seen from the side",
}


def explain_frame(feedback: pd.DataFrame, index: int, thresholds: FormThresholds | None = None) -> pd.DataFrame:
    """Every check's verdict in one frame, with the measured value, the passing range and the reason.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`evaluate_form`.
    index : int
        Row position in ``feedback`` (0 for a photo).
    thresholds : FormThresholds, optional
        Defaults to the ones the feedback was computed with.

    Returns
    -------
    DataFrame
        One row per check (index: the check name): ``title``, ``status``,
        ``value`` (the check's measure), ``unit``, ``passes_from``,
        ``passes_to`` (the passing range of :func:`formlab.checks.pass_interval`,
        NaN for an open end) and ``why``: the message when it fails, and what
        it could not judge when it is not assessable (the camera view, unseen
        landmarks, or the check not applying to this frame).
    """
    from .checks import pass_interval

    th = _thresholds_of(feedback, thresholds)
    row = feedback.iloc[int(index)]
    view = str(row["view"])
    rows = []
    for name in check_columns(feedback):
        check = CHECKS[name]
        status = str(row[name])
        value = float(row[check.value_column]) if check.value_column in row else float("nan")
        lo, hi = pass_interval(name, th)
        if status == FAIL:
            why = check.message
        elif status == PASS:
            why = ""
        elif view not in check.views:
            valid = ", ".join(v for v in ("front", "oblique", "side", "back") if v in check.views)
            why = f"{'an' if view[0] in 'aeiou' else 'a'} {view} view cannot show it (judged in {valid} views)" if view != "unknown" else "no pose"
        elif not np.isfinite(value):
            why = (f"its landmarks are not seen (visibility below {th.landmarks.min_visibility:g}) or are on the "
                   f"side facing away from the camera")
        else:
            why = _NOT_APPLICABLE.get(name, "does not apply to this frame")
        rows.append({"check": name, "title": check.title, "status": status, "value": value, "unit": check.unit,
                     "passes_from": np.nan if lo is None else lo, "passes_to": np.nan if hi is None else hi,
                     "why": why})
    return pd.DataFrame(rows).set_index("check")


def form_summary(feedback: pd.DataFrame, reps: pd.DataFrame | None, thresholds: FormThresholds) -> dict[str, Any]:
    """The ``form`` section of ``summary.json``: per check, frame counts, failed reps and the message.

    A check counts as failed for the set when it failed in any rep (videos)
    or in the frame (photos).
    """
    checks: dict[str, Any] = {}
    failed: list[str] = []
    for name in check_columns(feedback):
        status = feedback[name].astype(str)
        entry: dict[str, Any] = {"frames": {v: int((status == v).sum()) for v in (PASS, FAIL, NOT_ASSESSABLE)},
                                 "message": MESSAGES[name]}
        if reps is not None and name in reps.columns:
            entry["failed_reps"] = [int(r) for r, v in zip(reps["rep"], reps[name]) if v == FAIL]
            is_failed = bool(entry["failed_reps"])
        else:
            is_failed = entry["frames"][FAIL] > 0
        if is_failed:
            failed.append(name)
        checks[name] = entry
    return {"exercise": feedback.attrs.get("exercise"), "checks": checks, "failed_checks": failed,
            "messages": [MESSAGES[n] for n in failed], "thresholds": thresholds.to_dict()}
