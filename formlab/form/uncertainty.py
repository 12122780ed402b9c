"""How sure a measured value is: its uncertainty per frame, estimated from the clip itself.

A verdict is only as good as the value it is drawn from. A squat that misses
depth by 0.4 deg has not missed it when the hips' landmarks jitter by 3 deg,
and a depth read off a thigh that MediaPipe stretched to half again its length
(the hips hidden behind a plate) is no reading at all. This module gives each
check's value a standard deviation per frame, from two sources measured on the
clip, never a fixed fudge:

jitter
    The value measured on the raw track minus the same value on the cleaned
    track (:func:`formlab.clean_track`), as a centred moving RMS over
    ``uncertainty.jitter_window_s``. This is the frame-to-frame noise the
    cleaning removed, i.e. how far a single frame could be off; it grows where
    MediaPipe struggles (fast motion, low visibility, a hidden far side).
segment length
    Bones do not change length. For the rigid segments a check is drawn on
    (its :class:`~formlab.form.check.Geometry` with ``rigid=True``: thigh,
    upper arm, trunk, foot), the relative error ``e = |L / median(L) - 1|`` of
    the 3-D length in each frame against its median over the clip says how
    far an end landmark has moved from where the bone puts it. A displacement
    ``e * L`` across a segment turns it by about ``e`` radians, so an angle
    gets ``degrees(e)``; a ratio or a distance gets ``e * |value|``. Beyond
    ``uncertainty.max_segment_error`` the landmarks are misplaced and the
    check is not assessable in that frame (returned as an infinite SD).

segment turn rate
    Bones do not turn faster than a body moves. Where a rigid segment's
    direction on the raw track (what the pose model read; the cleaned track
    smooths a jump into a fast turn) changes between neighbouring frames faster than
    ``uncertainty.max_segment_turn_deg_per_s``, the pose model has jumped
    between two readings of the body (a trunk seen bent over in one frame
    and upright in the next, as in a small handheld clip): no value drawn on
    it there is a measurement, and the check is not assessable in those
    frames (an infinite SD), like a misplaced landmark. Jitter cannot say
    this: the cleaned track blends the two readings into a value that is
    neither, and its distance from the raw frames says only "noisy". Like
    the jitter, it needs the raw track (without it, neither is estimated).

The first two are independent and add in quadrature. A verdict is then
``uncertain`` where the margin lies within ``uncertainty.z`` standard
deviations of the threshold (:func:`formlab.form.judge.verdicts`).
"""

from __future__ import annotations

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from ..signal.moving import moving_mean
from .check import Check

__all__ = ["jitter_sd", "sd_name", "segment_error", "segment_turn_rate", "value_sd"]

_SIDES = ("left", "right")


def sd_name(value: str) -> str:
    """The name of a value's uncertainty column: ``_sd`` before the unit suffix.

    ``hip_below_knee_deg`` -> ``hip_below_knee_sd_deg``,
    ``knee_ankle_width_ratio`` -> ``knee_ankle_width_sd_ratio``; a name with
    no known unit suffix gets ``_sd`` at the end.
    """
    for unit in ("_deg", "_ratio", "_m", "_px", "_s", "_frac"):
        if value.endswith(unit):
            return value[: -len(unit)] + "_sd" + unit
    return value + "_sd"


def _point(world_m: np.ndarray, name: str) -> np.ndarray:
    if name.endswith("_mid"):
        part = name[: -len("_mid")]
        return 0.5 * (
            world_m[:, LANDMARK_INDEX[f"left_{part}"]] + world_m[:, LANDMARK_INDEX[f"right_{part}"]]
        )
    return world_m[:, LANDMARK_INDEX[name]]


def _length(world_m: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(_point(world_m, a) - _point(world_m, b), axis=-1)


def segment_error(
    track: PoseTrack, check: Check, usable: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """Per frame, the largest relative length error of the rigid segments a check is drawn on.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track (its world landmarks, in metres).
    check : Check
        Its ``geometry.segments`` (with ``{side}`` for each side) are measured
        when ``geometry.rigid``; otherwise (widths between the knees) the result is 0.
    usable : dict side -> bool array, optional
        Frames in which each side is measured at all (the far side of a side
        view is not): only those count. Default: both sides everywhere.

    Returns
    -------
    ndarray (n_frames,)
        ``max |L / median(L) - 1|`` over the segments (NaN where none is measured).
    """
    n = len(track.frame)
    g = check.geometry
    if g is None or not g.rigid or not g.segments:
        return np.zeros(n)
    w = track.world_m
    errors = []
    for a, b in g.segments:
        sides = _SIDES if "{side}" in a + b else (None,)
        for s in sides:
            length = _length(w, a.format(side=s), b.format(side=s))
            finite = np.isfinite(length)
            if not finite.any():
                continue
            median = float(np.median(length[finite]))
            if median <= 0:
                continue
            err = np.abs(length / median - 1.0)
            if s is not None and usable is not None:
                err = np.where(usable[s], err, np.nan)
            errors.append(err)
    if not errors:
        return np.zeros(n)
    stack = np.vstack(errors)
    with np.errstate(invalid="ignore"):
        out = np.full(n, np.nan)
        seen = np.isfinite(stack).any(axis=0)
        out[seen] = np.nanmax(stack[:, seen], axis=0)
    return out


def segment_turn_rate(
    track: PoseTrack, check: Check, usable: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """Per frame, how fast the check's rigid segments turn, degrees per second (the fastest).

    Each segment's 3-D direction is compared with the previous frame's and
    the next's; a frame gets the larger of the two turns over their time
    steps. Only the frames in which a side is measured count (``usable``, as
    in :func:`segment_error`: the far side of a side view is guessed). Zeros
    for a check without rigid segments; NaN where unseen.
    """
    n = len(track.frame)
    g = check.geometry
    if g is None or not g.rigid or not g.segments or n < 2:
        return np.zeros(n)
    w = track.world_m
    t = np.asarray(track.time_s, dtype=float)
    dt = np.diff(t)
    rates = []
    for a, b in g.segments:
        for s in _SIDES if "{side}" in a + b else (None,):
            v = _point(w, b.format(side=s)) - _point(w, a.format(side=s))
            with np.errstate(invalid="ignore", divide="ignore"):
                u = v / np.linalg.norm(v, axis=-1, keepdims=True)
                cos = np.clip(np.einsum("ij,ij->i", u[1:], u[:-1]), -1.0, 1.0)
                step = np.degrees(np.arccos(cos)) / np.where(dt > 0, dt, np.nan)
            rate = np.full(n, np.nan)
            rate[1:] = step
            rate[:-1] = np.fmax(rate[:-1], step)
            if s is not None and usable is not None:
                rate = np.where(usable[s], rate, np.nan)
            rates.append(rate)
    stack = np.vstack(rates)
    out = np.full(n, np.nan)
    seen = np.isfinite(stack).any(axis=0)
    out[seen] = np.nanmax(stack[:, seen], axis=0)
    return out


def jitter_sd(raw_value: np.ndarray, clean_value: np.ndarray, window_frames: int) -> np.ndarray:
    """Centred moving RMS of ``raw_value - clean_value`` over ``window_frames`` frames.

    Frames where either value is missing do not count; a window with no
    finite difference gives NaN.
    """
    d = np.asarray(raw_value, float) - np.asarray(clean_value, float)
    ok = np.isfinite(d)
    size = max(1, int(window_frames))
    sq = moving_mean(np.where(ok, d * d, 0.0), size)  # not SciPy's: its import is slow (issue 15)
    cnt = moving_mean(ok.astype(float), size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 1e-9, np.sqrt(sq / cnt), np.nan)


def value_sd(
    check: Check,
    value: np.ndarray,
    *,
    segment_err: np.ndarray,
    jitter: np.ndarray | None,
    max_segment_error: float,
    turn_rate: np.ndarray | None = None,
    max_turn_rate: float = np.inf,
) -> np.ndarray:
    """The standard deviation of a check's value per frame (``inf``: landmarks misplaced).

    Parameters
    ----------
    check : Check
        Its ``unit`` decides how a segment's length error becomes a value error.
    value : ndarray
        The measured value per frame.
    segment_err : ndarray
        :func:`segment_error` of the check.
    jitter : ndarray or None
        :func:`jitter_sd` of the value (None: no raw track to compare with).
    max_segment_error : float
        Beyond this the landmarks are misplaced: ``inf``.
    turn_rate : ndarray, optional
        :func:`segment_turn_rate` of the check (deg/s).
    max_turn_rate : float
        Beyond this the pose has jumped: ``inf``.
    """
    v = np.asarray(value, dtype=float)
    e = np.nan_to_num(np.asarray(segment_err, dtype=float), nan=0.0)
    if check.unit == "deg":
        seg = np.degrees(e)
    else:
        seg = e * np.abs(np.nan_to_num(v, nan=0.0))
    jit = np.zeros_like(v) if jitter is None else np.nan_to_num(jitter, nan=0.0)
    sd = np.hypot(seg, jit)
    jumped = (
        np.zeros(v.shape, bool) if turn_rate is None else np.nan_to_num(turn_rate) > max_turn_rate
    )
    return np.where((e > max_segment_error) | jumped, np.inf, sd)
