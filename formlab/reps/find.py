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
   ends first: a last rep cut short by the end of the clip counts once its
   turning point has been reached, i.e. the signal has turned back or held
   still at the extreme for ``settle_s``;
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

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.config import Settings, param, settings
from ..core.errors import ConfigError, InputError
from ..signal.filters import butterworth_lowpass, fill_gaps

TurningPoint = Literal["bottom", "top"]


# =============================================================================
# Parameters
# =============================================================================
@settings
class RepDetectorParams(Settings):
    """Settings of the rep detector, in seconds, hertz and fractions of the movement (never frames).

    Each field carries its unit, valid range, meaning and the reason for its
    default (listed below); :meth:`with_overrides` applies a lift's own
    values (:attr:`formlab.exercises.Exercise.detector`).
    """

    name = "rep_detector"
    cutoff_hz: float = param(
        2.0, "Hz", 0, None, lo_open=True,
        meaning="Low-pass cut-off applied to the signal (zero-phase 2nd-order Butterworth). Lowered automatically "
                "to 80 % of the Nyquist frequency on low-frame-rate videos.",
        source="formlab: reps last 0.8 s (jumping jacks) to 5 s (slow squats), i.e. below ~1.2 Hz; 2 Hz keeps their "
               "shape and timing and removes landmark jitter.")
    max_gap_s: float = param(
        0.5, "s", 0, None,
        meaning="Gaps in the signal (frames without a pose) up to this long are interpolated; a longer gap splits "
                "the clip into parts treated like separate clips (a rep must be seen going into its turning point "
                "within one part).",
        source="formlab: half a second is shorter than any rep's descent.")
    min_prominence_frac: float = param(
        0.5, "", 0, 1, lo_open=True,
        meaning="A turning point must be at least this fraction of the movement's range deep on both sides.",
        source="formlab, on the sample clips: real reps are 0.7-1.0 and the largest non-rep (a barbell walk-out) "
               "0.31 of the range; 0.5 sits between and still accepts a set whose shallowest rep is half as deep "
               "as its deepest.")
    min_prominence_m: float = param(
        0.05, "m", 0, None,
        meaning="Absolute floor on that depth, in the signal's units: a clip with no movement does not make reps "
                "out of jitter.",
        source="formlab: smoothed world landmarks of a still person vary by 1-2 cm; the shallowest sample reps "
               "(push-ups with a small range of motion) are ~0.08 m.")
    min_distance_s: float = param(
        0.5, "s", 0, None,
        meaning="Two reps' turning points are at least this far apart; of two closer ones the deeper is kept.",
        source="formlab: faster than two reps per second is not strength training (jumping jacks override this "
               "to 0.4 s).")
    min_width_s: float = param(
        0.2, "s", 0, None,
        meaning="The turning region, measured at half the rep's depth, lasts at least this long: a one-frame "
                "tracking glitch is not a rep.",
        source="formlab: the fastest sample reps (jumping jacks) are ~0.4 s wide.")
    turn_band_frac: float = param(
        0.05, "", 0, 1, hi_open=True,
        meaning="The reported turning point is the middle of the stretch where the signal is within this fraction "
                "of the rep's depth of its extreme (the middle of a pause or a hold; the extreme itself for a quick "
                "turn; the stretch's first frame when it runs to the end of the clip).",
        source="formlab: wider than the jitter left after smoothing, narrower than a real pause.")
    boundary_frac: float = param(
        0.1, "", 0, 1, lo_open=True, hi_open=True,
        meaning="A rep starts at the last frame before its turning point where the signal was within this fraction "
                "of the rep's depth of the resting level before it, and ends at the first frame after where it is "
                "back within this fraction of the resting level after it.",
        source="formlab: a tenth of the movement, above the resting jitter.")
    boundary_cutoff_hz: float = param(
        6.0, "Hz", 0, None, lo_open=True,
        meaning="The start and end are read from the signal low-passed at this cut-off rather than at cutoff_hz: "
                "the heavier smoothing that makes turning points robust also rounds off the moment a lift starts "
                "or stops and would lengthen every phase by ~0.1 s.",
        source="the classic cut-off for human movement (Winter, Biomechanics and Motor Control of Human Movement): "
               "keeps the timing, removes frame-to-frame jitter.")
    settle_s: float = param(
        0.1, "s", 0, None,
        meaning="A turning point the clip ends at counts only if the signal came within turn_band_frac of it at "
                "least this long before the end (the lifter reached it and held, as at a deadlift lockout that "
                "ends the clip).",
        source="formlab: three frames at 30 fps; a clip that ends while the lifter still moves does not count the "
               "unfinished rep.")

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> RepDetectorParams:
        """A copy with some fields changed (a lift's own settings); unknown names raise :class:`ConfigError`."""
        return self.updated(overrides or {})


# =============================================================================
# Results
# =============================================================================
@dataclass(frozen=True)
class Rep:
    """One repetition.

    Attributes
    ----------
    number : int
        1-based rep number.
    start_frame, turn_frame, end_frame : int
        0-based decoded frame indices (those of the source video) where the
        movement into the turning point starts, the turning point, and where
        the movement out of it ends.
    start_s, turn_s, end_s : float
        The same moments in seconds from the start of the video.
    depth : float
        How deep the turning point is, in the signal's units (metres for the
        built-in exercises): the smaller of the movement into it and out of it
        (only into it for a rep cut by the end of the clip).
    complete : bool
        False if the clip ended before the movement out of the turning point
        was finished (``end_*`` is then the last frame seen).
    """

    number: int
    start_frame: int
    turn_frame: int
    end_frame: int
    start_s: float
    turn_s: float
    end_s: float
    depth: float
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


REP_COLUMNS = ("rep", "start_frame", "turn_frame", "end_frame", "start_s", "turn_s", "end_s", "depth_m", "complete")
"""Columns of :meth:`RepDetection.to_frame`."""


REPR_MAX_FRAMES = 6
"""Turning-point frames a :class:`RepDetection`'s repr lists before it cuts the list short."""


@dataclass(frozen=True, eq=False)
class RepDetection:
    """Reps found in a signal, with everything needed to show how.

    Attributes
    ----------
    reps : tuple of Rep
    exercise : str
        The exercise (for ``"auto"``: the one chosen).
    signal_name : str
        Name of the signal (units in the name), e.g. ``"hip_height_m"``.
    turning_point : {"bottom", "top"}
    time_s, frame : ndarray
        Timestamps and frame indices of the signal's samples.
    signal, smoothed : ndarray
        The raw signal and the smoothed one the turning points were taken from
        (NaN in gaps).
    range : float
        The movement's range the relative threshold refers to (signal units).
    threshold : float
        The depth a turning point needed.
    params : RepDetectorParams
    rejected : tuple of dict
        Candidate turning points that were not reps, each with its frame,
        time, depth and the reason (for plots and debugging).
    auto : dict or None
        For ``exercise="auto"``: the reps each candidate exercise found and
        why the chosen one was chosen.
    """

    reps: tuple[Rep, ...]
    exercise: str
    signal_name: str
    turning_point: TurningPoint
    time_s: np.ndarray
    frame: np.ndarray
    signal: np.ndarray
    smoothed: np.ndarray
    range: float
    threshold: float
    params: RepDetectorParams
    rejected: tuple[Mapping[str, Any], ...] = ()
    auto: Mapping[str, Any] | None = None

    @property
    def count(self) -> int:
        """Number of reps."""
        return len(self.reps)

    @property
    def turn_frames(self) -> list[int]:
        """0-based frame index of each rep's turning point."""
        return [r.turn_frame for r in self.reps]

    def to_frame(self) -> pd.DataFrame:
        """One row per rep: :data:`REP_COLUMNS` (``depth_m`` is the rep's depth in the signal's units)."""
        rows = [{"rep": r.number, "start_frame": r.start_frame, "turn_frame": r.turn_frame, "end_frame": r.end_frame,
                 "start_s": r.start_s, "turn_s": r.turn_s, "end_s": r.end_s, "depth_m": r.depth,
                 "complete": r.complete} for r in self.reps]
        return pd.DataFrame(rows, columns=list(REP_COLUMNS))

    def __repr__(self) -> str:
        """One line: the signal arrays inside would flood a notebook cell.

        ``<RepDetection 2 reps of front_squat at bottoms of hip_height_m, 614 samples, turns at frames 212, 431>``;
        past :data:`REPR_MAX_FRAMES` turning points the list ends in ``...``.
        """
        n = self.count
        auto = " (auto)" if self.auto else ""
        frames = ", ".join(str(f) for f in self.turn_frames[:REPR_MAX_FRAMES])
        if n > REPR_MAX_FRAMES:
            frames += ", ..."
        turns = f", turns at frames {frames}" if n else ""
        return (f"<RepDetection {n} rep{'s' if n != 1 else ''} of {self.exercise}{auto} "
                f"at {self.turning_point}s of {self.signal_name}, {len(self.time_s)} samples{turns}>")

    def describe(self) -> str:
        """One line: how many reps of what, found on which signal."""
        how = f"{self.count} rep{'s' if self.count != 1 else ''} of {self.exercise} " \
              f"({self.turning_point}s of {self.signal_name})"
        if self.auto:
            how += f"; auto: {self.auto.get('reason', '')}"
        return how


# =============================================================================
# Array level
# =============================================================================
def _check_inputs(time_s, signal, frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.asarray(time_s, dtype=float)
    x = np.asarray(signal, dtype=float)
    if t.ndim != 1 or x.shape != t.shape:
        raise InputError(f"time_s and signal must be 1-D arrays of the same length, got shapes {t.shape} and {x.shape}")
    if not np.all(np.isfinite(t)):
        raise InputError("time_s has missing (non-finite) timestamps")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise InputError("time_s must be strictly increasing")
    f = np.arange(t.size) if frame is None else np.asarray(frame)
    if f.shape != t.shape:
        raise InputError(f"frame must have the same length as time_s, got {f.shape} vs {t.shape}")
    return t, x, f.astype(np.int64)


def smooth_signal(t: np.ndarray, x: np.ndarray, params: RepDetectorParams, cutoff_hz: float | None = None) -> np.ndarray:
    """Fill short gaps, then low-pass each stretch of finite samples (NaN stays NaN)."""
    if params.max_gap_s > 0:
        x = fill_gaps(x, t, params.max_gap_s)
    if t.size < 4:
        return x
    dt = np.diff(t)
    fs = 1.0 / float(np.median(dt))
    cutoff = min(params.cutoff_hz if cutoff_hz is None else cutoff_hz, 0.4 * fs)
    return butterworth_lowpass(x, cutoff, time_s=t, order=2)


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
        higher_after = np.flatnonzero(seg[i + 1:] > seg[i])
        cut = higher_after.size == 0  # nothing higher until the end: the return may have been cut
        out.append(_Candidate(i=a + int(i), left=float(seg[i] - seg[l_]), right=float(seg[i] - seg[r_]),
                              cut=cut, seg=(a, b)))
    return out


def _band(d: np.ndarray, t: np.ndarray, c: _Candidate, frac: float, depth: float) -> tuple[int, int]:
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


def _turn_index(d: np.ndarray, t: np.ndarray, c: _Candidate, frac: float) -> int:
    """The reported turning point: middle (in time) of the band near the extreme, or its first sample
    if the band runs into the end of the stretch (a hold cut by the end of the clip)."""
    lo, hi = _band(d, t, c, frac, c.eff)
    if hi == c.seg[1] - 1 and c.cut:
        return lo
    mid_t = 0.5 * (t[lo] + t[hi])
    return lo + int(np.argmin(np.abs(t[lo:hi + 1] - mid_t)))


def _half_width_s(d: np.ndarray, t: np.ndarray, c: _Candidate, depth: float) -> tuple[float, float]:
    lo, hi = _band(d, t, c, 0.5, depth)
    return float(t[c.i] - t[lo]), float(t[hi] - t[c.i])


def find_reps(
    time_s: Sequence[float],
    signal: Sequence[float],
    turning_point: TurningPoint = "bottom",
    params: RepDetectorParams | None = None,
    *,
    frame: Sequence[int] | None = None,
    allowed: Sequence[bool] | None = None,
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
        raise InputError(f"allowed must have the same length as time_s, got {ok_mask.shape} vs {t.shape}")
    smoothed = smooth_signal(t, x, params) if t.size else x.copy()
    d = smoothed if turning_point == "top" else -smoothed  # reps are the maxima of d

    finite = np.isfinite(d)
    cands: list[_Candidate] = []
    for a, b in _runs(finite):
        cands += _candidates(d, int(a), int(b), floor=0.2 * params.min_prominence_m)

    rejected: list[dict[str, Any]] = []

    def reject(c: _Candidate, reason: str) -> None:
        rejected.append({"frame": int(f[c.i]), "time_s": float(t[c.i]), "depth": float(c.eff), "reason": reason})

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
            if t[b - 1] - t[lo] < params.settle_s:
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

    fine = smooth_signal(t, x, params, params.boundary_cutoff_hz) if t.size else x.copy()
    reps = _build_reps(d, fine if turning_point == "top" else -fine, t, f, kept, params)
    return RepDetection(
        reps=tuple(reps), exercise=exercise, signal_name=signal_name, turning_point=turning_point,
        time_s=t, frame=f, signal=x, smoothed=smoothed, range=float(rng), threshold=float(threshold),
        params=params, rejected=tuple(sorted(rejected, key=lambda r: r["frame"])),
    )


def _build_reps(d: np.ndarray, fine: np.ndarray, t: np.ndarray, f: np.ndarray, kept: list[_Candidate],
                params: RepDetectorParams) -> list[Rep]:
    """Reps from the kept candidates: turning points from ``d``, start and end from ``fine`` (both maxima-up)."""
    reps = []
    for k, c in enumerate(kept):
        a, b = c.seg
        prev_i = kept[k - 1].i if k > 0 and kept[k - 1].seg == c.seg else a
        next_i = kept[k + 1].i if k + 1 < len(kept) and kept[k + 1].seg == c.seg else b - 1
        turn = c.turn
        # start: last sample before the turn that is near the resting level before it
        peak = fine[c.i]
        base_l = prev_i + int(np.argmin(fine[prev_i:c.i + 1]))
        level_l = fine[base_l] + params.boundary_frac * (peak - fine[base_l])
        start = base_l + int(np.flatnonzero(fine[base_l:c.i + 1] <= level_l)[-1])
        # end: first sample after the turn back near the resting level after it
        base_r = c.i + int(np.argmin(fine[c.i:next_i + 1]))
        level_r = fine[base_r] + params.boundary_frac * (peak - fine[base_r])
        after = np.flatnonzero(fine[c.i:next_i + 1] <= level_r)
        complete = not (c.cut and c.right < (1.0 - params.boundary_frac) * c.left)
        end = c.i + int(after[0]) if (after.size and complete) else b - 1
        reps.append(Rep(
            number=k + 1, start_frame=int(f[start]), turn_frame=int(f[turn]), end_frame=int(f[end]),
            start_s=float(t[start]), turn_s=float(t[turn]), end_s=float(t[end]), depth=float(c.eff),
            complete=bool(complete),
        ))
    return reps


