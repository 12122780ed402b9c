"""The frames at which a check that must be reached once per rep is judged (lockout, depth, range).

A ``per_rep="best"`` check (:class:`formlab.form.check.Check`) is judged per
rep at the rep's best frame; per frame it is judged only there, and is
``not_assessable`` elsewhere ("not the lockout of a rep"). This module finds
those frames for any measured value, the way squat depth finds its bottoms
(:func:`formlab.exercises.squat.rep_bottoms`): with a reps table, the frame of
each rep where the value is largest (``"max"``) or smallest (``"min"``);
without one, frames that are the extreme of a centred window of ``window_s``
seconds holding seen frames on both sides (the movement into and out of it
was seen), so that a single photo has no lockout and no bottom.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..form.measures import FrameData

__all__ = ["best_frames", "in_reps", "reached_around_reps", "value_at_rep_best"]


def in_reps(data: FrameData) -> np.ndarray:
    """Frames inside some rep of ``data.reps`` (all False without a reps table)."""
    out = np.zeros(len(data), bool)
    if data.reps is None:
        return out
    frames = data.frame_numbers
    for _, rep in data.reps.iterrows():
        out |= (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
    return out


def best_frames(
    data: FrameData, value: np.ndarray, mode: Literal["max", "min"], window_s: float
) -> np.ndarray:
    """Boolean mask of the frames at which a once-per-rep check is judged.

    Parameters
    ----------
    data : FrameData
        Its ``reps`` (if any) and ``time_s`` column are used.
    value : ndarray (n_frames,)
        The measured value (NaN: not seen).
    mode : {"max", "min"}
        Whether the rep's best is its largest value (lockout: the straightest
        elbow) or its smallest (depth: the most bent elbow).
    window_s : float
        Without reps: a frame counts when it is the extreme of the centred
        window of this width, and the window holds seen frames before and after it.
    """
    n = len(data)
    best = np.zeros(n, bool)
    signed = np.asarray(value, dtype=float) * (1.0 if mode == "max" else -1.0)
    ok = np.isfinite(signed)
    if not ok.any():
        return best
    if data.reps is not None:
        frames = data.frame_numbers
        for _, rep in data.reps.iterrows():
            idx = np.flatnonzero((frames >= rep["start_frame"]) & (frames <= rep["end_frame"]) & ok)
            if idx.size:
                best[idx[np.argmax(signed[idx])]] = True
        return best
    t = data.column("time_s") if data.has("time_s") else np.arange(n, dtype=float)
    if not np.all(np.isfinite(t)) or not np.all(np.diff(t) >= 0):
        t = np.arange(n, dtype=float)
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    filled = np.where(ok, signed, -np.inf)
    for k in np.flatnonzero(ok):
        seen_around = ok[lo[k] : k].any() and ok[k + 1 : hi[k]].any()
        if seen_around and k == lo[k] + int(np.argmax(filled[lo[k] : hi[k]])):
            best[k] = True
    return best


def reached_around_reps(
    data: FrameData,
    value: np.ndarray,
    mode: Literal["max", "min"],
    where: Literal["after", "before"],
    window_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """A value reached just outside each rep's frames (the lockout after a push-up's bottom), and where.

    A rep's ``start_frame`` and ``end_frame`` lie where the rep signal has
    come within ``reps.boundary_frac`` of its resting level, so the rest
    itself (a push-up's or a bench press's lockout, the arm extended before a
    curl) falls between reps. This searches the frames from the rep's
    turning point to at most ``window_s`` after its end, and before the next
    rep's turning point (``"after"``), or from at most ``window_s`` before its
    start, and after the previous rep's turning point, to its turning point
    (``"before"``), for the value's best, and gives that best to every frame
    of the rep, so that the rep's verdict (judged within its frames) is that
    of its lockout. The limit keeps what the lifter does after the set
    (standing up after push-ups, arms hanging straight) out of the last rep. A best
    found on the clip's first or last frame is not one (the clip may have
    started or ended before the rest was reached): the rep is then not assessable.

    Returns
    -------
    value : ndarray (n_frames,)
        The frame's own value outside reps; inside a rep, the best reached in its segment.
    best : ndarray of bool (n_frames,)
        The frame of each segment where that best was reached (per-frame
        verdicts are judged there). Without reps: :func:`best_frames`.
    """
    value = np.asarray(value, dtype=float)
    if data.reps is None:
        return value, best_frames(data, value, mode, window_s)
    out = value.copy()
    best = np.zeros(len(data), bool)
    signed = value * (1.0 if mode == "max" else -1.0)
    ok = np.isfinite(signed)
    frames = data.frame_numbers
    reps = data.reps.copy()
    if "turn_frame" not in reps:  # a table without turning points: the middle of each rep
        reps["turn_frame"] = (reps["start_frame"] + reps["end_frame"]) // 2
    reps = reps.sort_values("turn_frame").reset_index(drop=True)
    turns = reps["turn_frame"].to_numpy()
    starts, ends = reps["start_frame"].to_numpy(), reps["end_frame"].to_numpy()
    t = data.column("time_s") if data.has("time_s") else np.arange(len(data), dtype=float)

    def t_of(frame: int) -> float:
        at = np.flatnonzero(frames == frame)
        return float(t[at[0]]) if at.size else np.nan

    for k in range(len(reps)):
        if where == "after":
            stop = turns[k + 1] if k + 1 < len(turns) else np.inf
            segment = (frames >= turns[k]) & (frames < stop) & (t <= t_of(ends[k]) + window_s)
        else:
            begin = turns[k - 1] if k > 0 else -np.inf
            segment = (frames > begin) & (frames <= turns[k]) & (t >= t_of(starts[k]) - window_s)
        idx = np.flatnonzero(segment & ok)
        reached = np.nan
        if idx.size:
            # the best nearest the rep (the end of a rest before it, the start of one after it)
            hits = idx[signed[idx] == np.max(signed[idx])]
            j = int(hits[-1] if where == "before" else hits[0])
            if 0 < j < len(data) - 1:  # at the clip's edge the rest may lie outside the clip
                best[j] = True
                reached = value[j]
        out[(frames >= starts[k]) & (frames <= ends[k])] = reached
    return out, best


def value_at_rep_best(
    data: FrameData,
    value: np.ndarray,
    key: np.ndarray,
    mode: Literal["max", "min"],
    window_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``value`` read at the frame where ``key`` is best in each rep (the bar's place at lockout).

    Returns
    -------
    value : ndarray (n_frames,)
        The frame's own value outside reps; inside a rep, the value at the
        rep's best frame of ``key`` (so that a once-per-rep verdict is that frame's).
    best : ndarray of bool (n_frames,)
        Those frames (:func:`best_frames` of ``key``).
    """
    value = np.asarray(value, dtype=float)
    best = best_frames(data, key, mode, window_s)
    if data.reps is None:
        return value, best
    out = value.copy()
    frames = data.frame_numbers
    for _, rep in data.reps.iterrows():
        inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
        at = np.flatnonzero(inside & best)
        out[inside] = value[at[0]] if at.size else np.nan
    return out, best
