"""Finding reps in a signal: the turning points of a one-dimensional signal that are reps.

Two layers:

* :func:`find_reps` works on plain arrays (timestamps and a 1-D signal) and
  knows nothing about poses: it smooths the signal, lists its extremes with
  :func:`scipy.signal.find_peaks` and keeps those that are reps by the rules
  below. Every parameter is in seconds or relative to the movement
  (:class:`RepDetectorParams`), never in frames, so the same settings work at
  5 and at 60 fps and on variable-frame-rate phone videos.
* :func:`detect_reps` works on a :class:`~formlab.PoseTrack` and an exercise
  name from :mod:`formlab.exercises` (or ``"auto"``): it computes the
  exercise's signal, applies the exercise's pose conditions and its detector
  settings, and returns a :class:`RepDetection`.

What is a rep
-------------
A rep is a turning point of the signal (a bottom for a squat, a top for a
deadlift lockout; see :class:`formlab.exercises.Exercise`) that

1. is reached by a movement *into* it at least ``min_prominence_frac`` of the
   movement's range deep (and ``min_prominence_m`` in absolute terms), so a
   clip that *starts* at a turning point does not count it (the movement into
   it was not seen), while set-up, walking, racking and idle jitter are too
   small;
2. is left again by a movement as deep, unless the clip (or the pose track)
   ends first: a last rep cut short by the end of the clip (or by a camera
   cut or a lost pose) counts once its turning point has been reached, i.e.
   the signal has turned back or held still at the extreme for ``settle_s``,
   or slowed into it, or the pose shows the lifter in the turning position
   (``reached``: a deadlift lockout seen at the last frame before the break or
   in the first ``reached_window_s`` after it);
3. lasts ``min_width_s`` at half its depth (a glitch is not a rep) and lies at
   least ``min_distance_s`` from a deeper rep (two halves of a paused bottom
   are one rep);
4. passes the exercise's pose conditions at its turning point (getting up off the
   floor after a set of push-ups is not a push-up).

The "movement's range" is the depth of the deepest turning point that passes
the pose conditions, so a one-off bigger movement of another kind (rejected by the
checks) does not raise the bar, and slow drift of the signal does not count.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from ..core.errors import ConfigError, InputError
from ..signal.filters import butterworth_lowpass, fill_gaps
from .detection import Rep, RepDetection, RepDetectorParams, TurningPoint


# =============================================================================
# Array level
# =============================================================================
def _check_inputs(time_s, signal, frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.asarray(time_s, dtype=float)
    x = np.asarray(signal, dtype=float)
    if t.ndim != 1 or x.shape != t.shape:
        raise InputError(
            f"time_s and signal must be 1-D arrays of the same length, got shapes {t.shape} and {x.shape}"
        )
    if not np.all(np.isfinite(t)):
        raise InputError("time_s has missing (non-finite) timestamps")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise InputError("time_s must be strictly increasing")
    f = np.arange(t.size) if frame is None else np.asarray(frame)
    if f.shape != t.shape:
        raise InputError(f"frame must have the same length as time_s, got {f.shape} vs {t.shape}")
    return t, x, f.astype(np.int64)


def smooth_signal(
    t: np.ndarray, x: np.ndarray, params: RepDetectorParams, cutoff_hz: float | None = None
) -> np.ndarray:
    """Fill short gaps, then low-pass each stretch of finite samples (NaN stays NaN)."""
    if params.max_gap_s > 0:
        x = fill_gaps(x, t, params.max_gap_s)
    if t.size < 4:
        return x
    dt = np.diff(t)
    fs = 1.0 / float(np.median(dt))
    cutoff = min(params.cutoff_hz if cutoff_hz is None else cutoff_hz, 0.4 * fs)
    return butterworth_lowpass(x, cutoff, time_s=t, order=2)


def _jumps(t: np.ndarray, x: np.ndarray, max_speed: float) -> np.ndarray:
    """Indices ``i`` where the signal moves from sample ``i - 1`` to ``i`` faster than ``max_speed``.

    No body-relative height changes that fast: such a step is a camera cut, a
    switch to another body or a pose that falls apart, not movement.
    """
    if t.size < 2:
        return np.zeros(0, np.int64)
    with np.errstate(invalid="ignore"):
        speed = np.abs(np.diff(x)) / np.diff(t)
    return np.flatnonzero(speed > max_speed) + 1


def _smooth_pieces(
    t: np.ndarray, x: np.ndarray, params: RepDetectorParams, jumps: np.ndarray, cutoff_hz=None
) -> np.ndarray:
    """:func:`smooth_signal` on each piece between jumps, so that no filter smears across one."""
    if not t.size:
        return x.copy()
    edges = [0, *jumps.tolist(), t.size]
    return np.concatenate(
        [smooth_signal(t[a:b], x[a:b], params, cutoff_hz) for a, b in pairwise(edges)]
    )


def _stretches(finite: np.ndarray, jumps: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of consecutive finite samples, also split at each jump."""
    out = []
    for a, b in _runs(finite):
        edges = [int(a), *(int(j) for j in jumps if a < j < b), int(b)]
        out += list(pairwise(edges))
    return out


def _runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of consecutive True values."""
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


@dataclass
class _Candidate:
    i: int  # index in the whole signal
    left: float  # depth of the movement into it
    right: float  # depth of the movement out of it
    cut: bool  # nothing higher follows before the end of its stretch: its return may be cut by the end
    seg: tuple[int, int]
    eff: float = 0.0
    turn: int = -1  # reported turning point (middle of the band near the extreme)
    reason: str = ""


def _candidates(d: np.ndarray, a: int, b: int, floor: float) -> list[_Candidate]:
    """Extremes (maxima of ``d``) of the stretch ``d[a:b]`` with their depths on each side."""
    from scipy.signal import find_peaks, peak_prominences

    seg = d[a:b]
    n = seg.size
    if n < 3:
        return []
    lo = float(np.min(seg))
    # pad both ends with a low value so that an extreme at the very start or end becomes a candidate;
    # its real depth is measured on the unpadded stretch below
    padded = np.concatenate([[lo - 1.0], seg, [lo - 1.0]])
    idx, _ = find_peaks(padded, prominence=max(floor, 1e-12))
    idx = idx - 1
    if idx.size == 0:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, lb, rb = peak_prominences(seg, idx)
    out = []
    for i, l_, r_ in zip(idx, lb, rb):
        higher_after = np.flatnonzero(seg[i + 1 :] > seg[i])
        cut = higher_after.size == 0  # nothing higher until the end: the return may have been cut
        out.append(
            _Candidate(
                i=a + int(i),
                left=float(seg[i] - seg[l_]),
                right=float(seg[i] - seg[r_]),
                cut=cut,
                seg=(a, b),
            )
        )
    return out


def _band(
    d: np.ndarray, t: np.ndarray, c: _Candidate, frac: float, depth: float
) -> tuple[int, int]:
    """Index range [lo, hi] around the candidate where d stays within ``frac * depth`` of its extreme."""
    a, b = c.seg
    level = d[c.i] - frac * depth
    lo = c.i
    while lo - 1 >= a and d[lo - 1] >= level:
        lo -= 1
    hi = c.i
    while hi + 1 < b and d[hi + 1] >= level:
        hi += 1
    return lo, hi


def _came_to_rest(d: np.ndarray, t: np.ndarray, a: int, b: int, params: RepDetectorParams) -> bool:
    """Whether the signal slowed into the end of the stretch ``[a, b)``.

    Its mean speed over the last ``rest_window_s`` is at most
    ``rest_speed_frac`` of its fastest speed before (see
    :class:`RepDetectorParams`): the lifter decelerated into the turning position.
    """
    if b - a < 3:
        return False
    speed = np.abs(np.gradient(d[a:b], t[a:b]))
    tail = t[a:b] >= t[b - 1] - params.rest_window_s
    if tail.all() or not np.isfinite(speed).all():
        return False
    return float(np.mean(speed[tail])) <= params.rest_speed_frac * float(np.max(speed[~tail]))


def _reached_at_break(
    reached: np.ndarray, finite: np.ndarray, t: np.ndarray, b: int, params: RepDetectorParams
) -> bool:
    """Whether the pose shows the turning position at the end ``b - 1`` of a stretch or just after its break.

    After the break (a gap in the signal: a cut, a hidden lifter), the first
    ``reached_window_s`` of the next stretch are read: the lifter seen at
    lockout when the pose comes back reached it during the gap.
    """
    if reached[b - 1]:
        return True
    after = np.flatnonzero(finite[b:])
    if not after.size:
        return False
    j = b + int(after[0])
    near = finite[j:] & (t[j:] <= t[j] + params.reached_window_s)
    return bool(np.any(reached[j:][near]))


def _turn_index(d: np.ndarray, t: np.ndarray, c: _Candidate, frac: float) -> int:
    """The reported turning point: the middle (in time) of the band near the extreme.

    Its first sample instead if the band runs into the end of the stretch (a
    hold cut by the end of the clip).
    """
    lo, hi = _band(d, t, c, frac, c.eff)
    if hi == c.seg[1] - 1 and c.cut:
        return lo
    mid_t = 0.5 * (t[lo] + t[hi])
    return lo + int(np.argmin(np.abs(t[lo : hi + 1] - mid_t)))


def _half_width_s(d: np.ndarray, t: np.ndarray, c: _Candidate, depth: float) -> tuple[float, float]:
    lo, hi = _band(d, t, c, 0.5, depth)
    return float(t[c.i] - t[lo]), float(t[hi] - t[c.i])


def find_reps(
    time_s: npt.ArrayLike,
    signal: npt.ArrayLike,
    turning_point: TurningPoint = "bottom",
    params: RepDetectorParams | None = None,
    *,
    frame: npt.ArrayLike | None = None,
    allowed: npt.ArrayLike | None = None,
    reached: npt.ArrayLike | None = None,
    exercise: str = "",
    signal_name: str = "signal",
) -> RepDetection:
    """Find the reps in a 1-D signal: its turning points that pass the rules of the module docstring.

    Parameters
    ----------
    time_s : array_like, shape (n,)
        Strictly increasing timestamps in seconds (real presentation times:
        variable frame rates are fine).
    signal : array_like, shape (n,)
        The signal (e.g. a hip height in metres); NaN where unknown.
    turning_point : {"bottom", "top"}
        Whether reps are the signal's minima or its maxima.
    params : RepDetectorParams, optional
    frame : array_like of int, optional
        Frame index of each sample (default ``0..n-1``), used in the result.
    allowed : array_like of bool, optional
        Samples at which a turning point may lie (e.g. where the exercise's
        pose conditions hold); candidates elsewhere are rejected *before* the
        movement's range is measured.
    reached : array_like of bool, optional
        Samples at which the pose shows the turning position reached (a
        deadlift lockout: standing tall with the bar above the knees). A
        turning point broken off by the end of its stretch (the clip's end, a
        camera cut, a lost pose) before the signal settled counts when this
        holds at the stretch's last sample or just after the break. Default:
        nowhere (only the signal decides).
    exercise, signal_name : str
        Labels stored in the result.

    Returns
    -------
    RepDetection
    """
    params = params or RepDetectorParams()
    if turning_point not in ("bottom", "top"):
        raise ConfigError(f"turning_point must be 'bottom' or 'top', got {turning_point!r}")
    t, x, f = _check_inputs(time_s, signal, frame)
    ok_mask = np.ones(t.shape, bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if ok_mask.shape != t.shape:
        raise InputError(
            f"allowed must have the same length as time_s, got {ok_mask.shape} vs {t.shape}"
        )
    at_turn = np.zeros(t.shape, bool) if reached is None else np.asarray(reached, dtype=bool)
    if at_turn.shape != t.shape:
        raise InputError(
            f"reached must have the same length as time_s, got {at_turn.shape} vs {t.shape}"
        )
    jumps = _jumps(t, x, params.max_speed_per_s)
    smoothed = _smooth_pieces(t, x, params, jumps)
    d = smoothed if turning_point == "top" else -smoothed  # reps are the maxima of d

    finite = np.isfinite(d)
    cands: list[_Candidate] = []
    for a, b in _stretches(finite, jumps):
        cands += _candidates(d, int(a), int(b), floor=0.2 * params.min_prominence_m)

    rejected: list[dict[str, Any]] = []

    def reject(c: _Candidate, reason: str) -> None:
        rejected.append(
            {"frame": int(f[c.i]), "time_s": float(t[c.i]), "depth": float(c.eff), "reason": reason}
        )

    # 1. the movement into the turning point must have been seen; at the end of a part, the turning point
    #    must have been reached (turned back, or held still for settle_s)
    valid: list[_Candidate] = []
    for c in cands:
        a, b = c.seg
        c.eff = c.left if c.cut else min(c.left, c.right)
        if c.left <= 0 or c.i == a:
            c.reason = "the clip starts in it (movement into it not seen)"
        elif c.cut and c.right < params.boundary_frac * c.left:
            # hardly any return before the end: count it only if the signal reached the extreme's
            # neighbourhood settle_s before the end (a hold), not if it was still moving when the clip ended
            lo, _ = _band(d, t, c, params.turn_band_frac, c.left)
            if (
                t[b - 1] - t[lo] < params.settle_s
                and not _came_to_rest(d, t, a, b, params)
                and not _reached_at_break(at_turn, finite, t, b, params)
            ):
                c.reason = "the clip ends before the turning point is reached"
        c.turn = _turn_index(d, t, c, params.turn_band_frac)
        if not c.reason and not ok_mask[c.turn]:
            c.reason = "pose check failed at the turning point"
        if c.reason:
            reject(c, c.reason)
        else:
            valid.append(c)

    # 2. relative (and absolute) depth
    rng = max((c.eff for c in valid), default=0.0)
    threshold = max(params.min_prominence_frac * rng, params.min_prominence_m)
    deep = []
    for c in valid:
        if c.eff < threshold:
            reject(c, f"too shallow ({c.eff:.3g} < {threshold:.3g})")
        else:
            deep.append(c)

    # 3. width at half depth, then minimum distance (deeper reps win)
    wide = []
    for c in deep:
        left_w, right_w = _half_width_s(d, t, c, c.eff)
        width = 2 * left_w if c.cut and c.right < c.eff else left_w + right_w
        if width < params.min_width_s:
            reject(c, f"too brief ({width:.3g} s wide at half depth)")
        else:
            wide.append(c)
    kept: list[_Candidate] = []
    for c in sorted(wide, key=lambda c: -c.eff):
        if all(abs(t[c.i] - t[k.i]) >= params.min_distance_s for k in kept):
            kept.append(c)
        else:
            reject(c, f"within {params.min_distance_s:g} s of a deeper rep")
    kept.sort(key=lambda c: c.i)

    fine = _smooth_pieces(t, x, params, jumps, params.boundary_cutoff_hz)
    reps = _build_reps(d, fine if turning_point == "top" else -fine, t, f, kept, params)
    return RepDetection(
        reps=tuple(reps),
        exercise=exercise,
        signal_name=signal_name,
        turning_point=turning_point,
        time_s=t,
        frame=f,
        signal=x,
        smoothed=smoothed,
        range=float(rng),
        threshold=float(threshold),
        params=params,
        rejected=tuple(sorted(rejected, key=lambda r: r["frame"])),
    )


def _build_reps(
    d: np.ndarray,
    fine: np.ndarray,
    t: np.ndarray,
    f: np.ndarray,
    kept: list[_Candidate],
    params: RepDetectorParams,
) -> list[Rep]:
    """Reps from the kept candidates: turning points from ``d``, start and end from ``fine`` (both maxima-up)."""
    reps = []
    for k, c in enumerate(kept):
        a, b = c.seg
        prev_i = kept[k - 1].i if k > 0 and kept[k - 1].seg == c.seg else a
        next_i = kept[k + 1].i if k + 1 < len(kept) and kept[k + 1].seg == c.seg else b - 1
        turn = c.turn
        # start: last sample before the turn that is near the resting level before it
        peak = fine[c.i]
        base_l = prev_i + int(np.argmin(fine[prev_i : c.i + 1]))
        level_l = fine[base_l] + params.boundary_frac * (peak - fine[base_l])
        start = base_l + int(np.flatnonzero(fine[base_l : c.i + 1] <= level_l)[-1])
        # end: first sample after the turn back near the resting level after it
        base_r = c.i + int(np.argmin(fine[c.i : next_i + 1]))
        level_r = fine[base_r] + params.boundary_frac * (peak - fine[base_r])
        after = np.flatnonzero(fine[c.i : next_i + 1] <= level_r)
        complete = not (c.cut and c.right < (1.0 - params.boundary_frac) * c.left)
        end = c.i + int(after[0]) if (after.size and complete) else b - 1
        reps.append(
            Rep(
                number=k + 1,
                start_frame=int(f[start]),
                turn_frame=int(f[turn]),
                end_frame=int(f[end]),
                start_s=float(t[start]),
                turn_s=float(t[turn]),
                end_s=float(t[end]),
                depth=float(c.eff),
                complete=bool(complete),
            )
        )
    return reps
