"""Cleaning and smoothing pose tracks and other signals over time.

Two layers, both pure (inputs are never modified, new objects are returned):

* **Signal functions** on plain arrays whose first axis is time, usable on
  any signal (a bar height, a knee angle, a whole landmark array):
  :func:`one_euro`, :func:`butterworth_lowpass`, :func:`savgol_smooth`,
  :func:`fill_gaps`, :func:`hampel_outliers`. They take the sampling either
  as real timestamps (``time_s``) or as a rate (``fs_hz``), and every
  parameter is in seconds or hertz, never in frames, so the same call means
  the same thing at 5 fps and at 60 fps. NaN marks a missing sample; the
  filters work on each stretch of finite samples separately and never
  invent values across a gap (only :func:`fill_gaps` does, within a limit).

* **Track functions** on a :class:`~formlab.PoseTrack`, each recording its
  step and parameters in the track's provenance:
  :func:`filter_by_confidence`, :func:`interpolate_gaps`,
  :func:`reject_outliers`, :func:`reject_implausible_bones`,
  :func:`fix_left_right_swaps`, :func:`one_euro_filter`,
  :func:`butterworth_filter`, :func:`savgol_filter`, and the two default
  chains :func:`smooth_track` (MediaPipe's own smoothing) and
  :func:`clean_track` (what ``formlab analyze`` runs).

Visibility and presence are never changed by these functions (except that
they follow their landmark when left and right are swapped): they keep
saying how sure MediaPipe was about the original detection. A position that
was removed is NaN; a filled one has a finite position and the original
(possibly NaN) visibility.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np

from .errors import ConfigError, InputError
from .landmarks import LANDMARK_INDEX
from .persons import torso_centre_and_scale
from .track import PoseTrack

__all__ = [
    "OneEuroParams",
    "MEDIAPIPE_IMAGE_ONE_EURO",
    "MEDIAPIPE_WORLD_ONE_EURO",
    "CleanOptions",
    "sample_rate_hz",
    "one_euro",
    "butterworth_lowpass",
    "savgol_smooth",
    "fill_gaps",
    "hampel_outliers",
    "object_scale_px",
    "filter_by_confidence",
    "reject_outliers",
    "reject_implausible_bones",
    "fix_left_right_swaps",
    "interpolate_gaps",
    "one_euro_filter",
    "butterworth_filter",
    "savgol_filter",
    "smooth_track",
    "clean_track",
]


# =============================================================================
# Small helpers
# =============================================================================
def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and math.isfinite(float(v))


def _check_positive(name: str, v, *, allow_zero: bool = False) -> float:
    if not _is_number(v) or (v < 0 if allow_zero else v <= 0):
        raise ConfigError(f"{name} must be a number {'>=' if allow_zero else '>'} 0, got {v!r}")
    return float(v)


def _as_time(time_s, n: int) -> np.ndarray:
    t = np.asarray(time_s, dtype=float)
    if t.ndim != 1 or t.shape[0] != n:
        raise InputError(f"time_s must be one-dimensional with one time per sample ({n}), got shape {t.shape}")
    if not np.isfinite(t).all():
        raise InputError("time_s contains NaN or infinite times")
    if n > 1 and not (np.diff(t) > 0).all():
        raise InputError("time_s must be strictly increasing")
    return t


def sample_rate_hz(time_s: np.ndarray | None = None, fs_hz: float | None = None) -> float:
    """The sampling rate from timestamps (``1 / median interval``) or as given.

    Exactly one of ``time_s`` and ``fs_hz`` must be given.

    Raises
    ------
    ConfigError
        If both or neither are given, or the rate is not a positive number.
    """
    if (time_s is None) == (fs_hz is None):
        raise ConfigError("give the sampling either as time_s (timestamps) or as fs_hz (a rate), not both or neither")
    if fs_hz is not None:
        return _check_positive("fs_hz", fs_hz)
    t = np.asarray(time_s, dtype=float)
    dt = np.diff(t[np.isfinite(t)])
    dt = dt[dt > 0]
    if dt.size == 0:
        raise InputError("time_s needs at least two increasing timestamps to give a sampling rate")
    return float(1.0 / np.median(dt))


def _as_2d(values) -> tuple[np.ndarray, tuple[int, ...]]:
    """Values as float (T, C) plus the original shape."""
    v = np.asarray(values, dtype=float)
    if v.ndim == 0:
        raise InputError("expected an array with time along its first axis, got a scalar")
    return v.reshape(v.shape[0], -1), v.shape


def _finite_runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, stop) index ranges of the True runs of a 1-D boolean array."""
    if ok.size == 0:
        return []
    d = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), stops.tolist()))


def _by_nan_pattern(v2: np.ndarray):
    """Group the columns of (T, C) values by their pattern of finite samples.

    Yields ``(columns, runs)``: columns sharing the same finite mask are
    filtered together (usually all of them: whole frames are missing).
    """
    ok = np.isfinite(v2)
    groups: dict[bytes, list[int]] = {}
    for c in range(v2.shape[1]):
        groups.setdefault(np.packbits(ok[:, c]).tobytes() + bytes([ok.shape[0] % 8]), []).append(c)
    for cols in groups.values():
        yield np.asarray(cols), _finite_runs(ok[:, cols[0]])


def _is_uniform(t: np.ndarray, tolerance: float = 0.05) -> bool:
    if t.size < 3:
        return True
    dt = np.diff(t)
    med = np.median(dt)
    return bool(np.max(np.abs(dt - med)) <= tolerance * med)


def _linear_trend(block: np.ndarray) -> np.ndarray:
    """Least-squares straight line through each column of a (n, c) block."""
    n = block.shape[0]
    u = np.arange(n, dtype=float) - (n - 1) / 2.0
    slope = (u @ block) / max(float(u @ u), 1e-12)
    return block.mean(axis=0) + u[:, None] * slope


def _apply_on_runs(
    values,
    fn: Callable[[np.ndarray, float], np.ndarray],
    *,
    time_s=None,
    fs_hz=None,
    min_run: int = 1,
) -> np.ndarray:
    """Apply a uniform-rate filter ``fn(block (n, c), fs_hz)`` to every finite run.

    With timestamps that are not evenly spaced (variable frame rate), each run
    is resampled onto an even grid at the median rate, filtered there and
    interpolated back to the original times. Runs shorter than ``min_run``
    samples are returned unchanged.
    """
    v2, shape = _as_2d(values)
    n = v2.shape[0]
    fs = sample_rate_hz(time_s, fs_hz) if n > 1 or fs_hz is not None else 1.0
    t = _as_time(time_s, n) if time_s is not None else None
    out = np.full_like(v2, np.nan)
    for cols, runs in _by_nan_pattern(v2):
        for a, b in runs:
            block = v2[a:b][:, cols]
            if b - a < min_run:
                out[a:b, cols] = block
                continue
            if t is not None and not _is_uniform(t[a:b]):
                tr = t[a:b]
                grid = np.arange(tr[0], tr[-1] + 0.5 / fs, 1.0 / fs)
                res = np.column_stack([np.interp(grid, tr, block[:, j]) for j in range(block.shape[1])])
                if res.shape[0] < min_run:
                    filtered = block
                else:
                    fres = fn(res, fs)
                    filtered = np.column_stack([np.interp(tr, grid, fres[:, j]) for j in range(block.shape[1])])
            else:
                filtered = fn(block, fs)
            out[a:b, cols] = filtered
    return out.reshape(shape)


# =============================================================================
# Parameters
# =============================================================================
@dataclass(frozen=True)
class OneEuroParams:
    """Parameters of a One-Euro filter (Casiez, Roussel & Vogel, CHI 2012).

    The One-Euro filter is an exponential smoother whose cut-off rises with
    the signal's speed: still landmarks are smoothed hard (no jitter), fast
    ones hardly at all (little lag).

    Attributes
    ----------
    min_cutoff_hz : float > 0
        Cut-off frequency when the landmark is still. Lower = less jitter.
    beta : float >= 0
        How fast the cut-off rises with speed: ``cutoff = min_cutoff_hz +
        beta * |speed|``, speed in *scaled units per second* (see
        ``scale_by_object``). Higher = less lag when moving.
    derivate_cutoff_hz : float > 0
        Cut-off of the low-pass filter applied to the speed estimate itself.
    scale_by_object : bool
        Divide speeds by the person's size in the image (the "object scale",
        see :func:`object_scale_px`), so that the same movement is smoothed
        the same way whether the lifter fills the frame or stands far away.
        MediaPipe does this for image landmarks and not for world landmarks,
        which are already in metres.

    Notes
    -----
    The two presets :data:`MEDIAPIPE_IMAGE_ONE_EURO` and
    :data:`MEDIAPIPE_WORLD_ONE_EURO` are the values of MediaPipe's legacy
    pose graph (``mediapipe/modules/pose_landmark/pose_landmark_filtering.pbtxt``),
    whose smoothed output is what MediaPipe's own video conformance test
    expects.
    """

    min_cutoff_hz: float
    beta: float
    derivate_cutoff_hz: float = 1.0
    scale_by_object: bool = True

    def __post_init__(self) -> None:
        for name in ("min_cutoff_hz", "derivate_cutoff_hz"):
            v = getattr(self, name)
            if not _is_number(v) or not v > 0:
                raise ConfigError(f"OneEuroParams.{name} must be a number > 0, got {v!r}")
        if not _is_number(self.beta) or self.beta < 0:
            raise ConfigError(f"OneEuroParams.beta must be a number >= 0, got {self.beta!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


MEDIAPIPE_IMAGE_ONE_EURO = OneEuroParams(min_cutoff_hz=0.05, beta=80.0, derivate_cutoff_hz=1.0, scale_by_object=True)
"""MediaPipe's legacy smoothing of image landmarks: min cut-off 0.05 Hz (an EMA weight of
about 0.01 per frame at 30 fps on a still landmark), beta 80 (weight about 0.94 when moving
fast), derivative cut-off 1 Hz, speeds divided by the person's size in pixels."""

MEDIAPIPE_WORLD_ONE_EURO = OneEuroParams(min_cutoff_hz=0.1, beta=40.0, derivate_cutoff_hz=1.0, scale_by_object=False)
"""MediaPipe's legacy smoothing of world landmarks: 0.1 Hz, beta 40, 1 Hz, on metres
(no object scaling: world landmarks are already in real units)."""


# =============================================================================
# Signal functions (plain arrays, time along axis 0)
# =============================================================================
def one_euro(
    values,
    time_s,
    *,
    min_cutoff_hz: float,
    beta: float,
    derivate_cutoff_hz: float = 1.0,
    value_scale=1.0,
) -> np.ndarray:
    """One-Euro filter along time, with real timestamps.

    A causal (real-time) exponential smoother whose cut-off frequency rises
    with the signal's speed. Every column is filtered separately; a NaN sample
    resets that column's filter (output NaN), and the next finite sample
    starts it afresh, as MediaPipe does when it loses the pose.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Signal(s), time along the first axis.
    time_s : array_like, shape (n_samples,)
        Strictly increasing timestamps in seconds. The interval to the
        previous sample sets each step's smoothing weight, so a 5 fps video is
        smoothed in the same real-time terms as a 60 fps one.
    min_cutoff_hz, beta, derivate_cutoff_hz : float
        See :class:`OneEuroParams`.
    value_scale : float or array_like of shape (n_samples,)
        Factor applied to the speed before it raises the cut-off (MediaPipe
        uses ``1 / object scale`` for image landmarks, see :func:`object_scale_px`).

    Returns
    -------
    ndarray, same shape as ``values``

    Notes
    -----
    Per step, with ``dt`` the interval to the previous sample and
    ``alpha(f) = 1 / (1 + 1 / (2 pi f dt))``::

        speed   = (x - x_prev_raw) * value_scale / dt
        speed_f = speed_f_prev + alpha(derivate_cutoff_hz) * (speed - speed_f_prev)
        cutoff  = min_cutoff_hz + beta * |speed_f|
        x_f     = x_f_prev + alpha(cutoff) * (x - x_f_prev)

    This is MediaPipe's ``OneEuroFilter`` (``mediapipe/util/filtering/
    one_euro_filter.cc``) with one difference at the start: MediaPipe passes
    a sample stamped exactly 0 through unfiltered and only starts the filter
    on the next one; here the first sample starts it (its output equals its
    input in both cases).
    """
    for name, v in (("min_cutoff_hz", min_cutoff_hz), ("derivate_cutoff_hz", derivate_cutoff_hz)):
        _check_positive(name, v)
    _check_positive("beta", beta, allow_zero=True)
    v2, shape = _as_2d(values)
    n = v2.shape[0]
    t = _as_time(time_s, n)
    scale = np.broadcast_to(np.asarray(value_scale, dtype=float), (n,)) if np.ndim(value_scale) <= 1 else None
    if scale is None:
        raise InputError(f"value_scale must be a number or one value per sample, got shape {np.shape(value_scale)}")
    out = np.full_like(v2, np.nan)
    x_f = np.full(v2.shape[1], np.nan)  # filtered value
    x_raw = np.full(v2.shape[1], np.nan)  # previous raw value
    dx_f = np.zeros(v2.shape[1])  # filtered speed
    live = np.zeros(v2.shape[1], dtype=bool)
    two_pi = 2.0 * math.pi
    for i in range(n):
        x = v2[i]
        ok = np.isfinite(x)
        if i > 0:
            dt = t[i] - t[i - 1]
            cont = ok & live
            if cont.any():
                s = scale[i] if np.isfinite(scale[i]) else 1.0
                speed = (x[cont] - x_raw[cont]) * s / dt
                a_d = 1.0 / (1.0 + 1.0 / (two_pi * derivate_cutoff_hz * dt))
                dx_f[cont] += a_d * (speed - dx_f[cont])
                cutoff = min_cutoff_hz + beta * np.abs(dx_f[cont])
                a = 1.0 / (1.0 + 1.0 / (two_pi * cutoff * dt))
                x_f[cont] += a * (x[cont] - x_f[cont])
        start = ok & ~live
        x_f[start] = x[start]
        dx_f[start] = 0.0
        x_raw = np.where(ok, x, np.nan)
        x_f[~ok] = np.nan
        dx_f[~ok] = 0.0
        live = ok
        out[i] = x_f
    return out.reshape(shape)


def butterworth_lowpass(
    values,
    cutoff_hz: float = 6.0,
    *,
    time_s=None,
    fs_hz: float | None = None,
    order: int = 4,
) -> np.ndarray:
    """Zero-phase low-pass Butterworth filter along time, NaN-aware.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Signal(s), time along the first axis; NaN marks missing samples.
    cutoff_hz : float
        Cut-off frequency in Hz (-3 dB of the forward-backward filter is a
        little lower, as usual for ``filtfilt``). Must be below half the
        sampling rate.
    time_s, fs_hz
        The sampling: timestamps in seconds or a rate in Hz (exactly one).
        Uneven timestamps (variable frame rate) are handled by resampling
        each run onto an even grid at the median rate and back.
    order : int
        Filter order. The forward-backward pass doubles it (4 -> 8th order
        magnitude response) and cancels the phase shift.

    Returns
    -------
    ndarray, same shape as ``values``
        NaN stays NaN; each stretch of finite samples is filtered on its own
        (edges padded by odd reflection over three periods of the cut-off;
        stretches shorter than that are padded by their own length; stretches of 3 samples or fewer are
        returned unchanged). Each stretch's least-squares straight line is
        taken out before filtering and added back after, so that the edge
        transients of a short stretch do not bend a steadily moving signal
        (a low-pass passes a straight line unchanged anyway).

    Raises
    ------
    ConfigError
        If the cut-off is not between 0 and the Nyquist frequency.

    Notes
    -----
    The default, a 4th-order 6 Hz low-pass, is the classic choice for human
    movement (Winter, *Biomechanics and Motor Control of Human Movement*:
    almost all the power of voluntary movement lies below 6 Hz) and what
    Sports2D uses. Zero phase matters for lifting: a causal filter would
    delay turning points and velocity peaks by tens of milliseconds. For rep
    detection on a bar or hip height, a lower cut-off (1-2 Hz) is better.
    """
    from scipy.signal import butter, sosfiltfilt

    cutoff_hz = _check_positive("cutoff_hz", cutoff_hz)
    if not isinstance(order, (int, np.integer)) or not 1 <= order <= 10:
        raise ConfigError(f"order must be an integer from 1 to 10, got {order!r}")
    n = np.shape(values)[0] if np.ndim(values) else 0
    fs = sample_rate_hz(time_s, fs_hz) if (n > 1 or fs_hz is not None) else None
    if fs is not None and cutoff_hz >= fs / 2.0:
        raise ConfigError(
            f"cutoff_hz ({cutoff_hz:g} Hz) must be below half the sampling rate ({fs:g} Hz -> Nyquist {fs / 2:g} Hz)"
        )

    def run(block: np.ndarray, fs_run: float) -> np.ndarray:
        sos = butter(int(order), cutoff_hz, btype="low", fs=fs_run, output="sos")
        # pad by three periods of the cut-off (SciPy's default, 3 x filter length, is far too short
        # for a 1 Hz cut-off at 60 fps and leaves large transients at the ends)
        pad = max(3 * (2 * len(sos) + 1), int(round(3.0 * fs_run / cutoff_hz)))
        trend = _linear_trend(block)
        filtered = sosfiltfilt(sos, block - trend, axis=0, padtype="odd", padlen=min(pad, block.shape[0] - 1))
        return filtered + trend

    return _apply_on_runs(values, run, time_s=time_s, fs_hz=fs_hz, min_run=4)


def savgol_smooth(
    values,
    window_s: float,
    *,
    time_s=None,
    fs_hz: float | None = None,
    polyorder: int = 2,
    deriv: int = 0,
) -> np.ndarray:
    """Savitzky-Golay smoothing (or derivative) with the window in seconds, NaN-aware.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Signal(s), time along the first axis; NaN marks missing samples.
    window_s : float
        Window length in seconds, turned into the nearest odd number of
        samples (at least ``polyorder + 2``, rounded up to odd).
    time_s, fs_hz
        The sampling (exactly one); uneven timestamps are resampled as in
        :func:`butterworth_lowpass`.
    polyorder : int
        Degree of the local polynomial. 2 (default) keeps turning points
        (parabolic near a squat's bottom) while removing jitter.
    deriv : int
        0 for the smoothed signal, 1 for its derivative per second (e.g. a
        velocity in m/s from metres), 2 for the second derivative.

    Returns
    -------
    ndarray, same shape as ``values``
        Stretches of finite samples shorter than the window use the longest
        odd window that fits; stretches too short for the polynomial are
        returned unchanged (``deriv=0``) or NaN (``deriv>0``).

    Notes
    -----
    Unlike a low-pass filter, Savitzky-Golay preserves the height and width
    of peaks, which matters when the extreme position (the bottom of a squat)
    is the quantity measured. A window of about a quarter of the shortest
    movement phase is a good compromise.
    """
    from scipy.signal import savgol_filter as _sg

    window_s = _check_positive("window_s", window_s)
    if not isinstance(polyorder, (int, np.integer)) or not 0 <= polyorder <= 6:
        raise ConfigError(f"polyorder must be an integer from 0 to 6, got {polyorder!r}")
    if not isinstance(deriv, (int, np.integer)) or not 0 <= deriv <= polyorder:
        raise ConfigError(f"deriv must be an integer from 0 to polyorder ({polyorder}), got {deriv!r}")

    def run(block: np.ndarray, fs_run: float) -> np.ndarray:
        m = block.shape[0]
        w = max(int(round(window_s * fs_run)), polyorder + 2)
        w = w + 1 if w % 2 == 0 else w
        if w > m:
            w = m if m % 2 else m - 1
        if w <= polyorder:
            return block if deriv == 0 else np.full_like(block, np.nan)
        return _sg(block, w, polyorder, deriv=deriv, delta=1.0 / fs_run, axis=0, mode="interp")

    return _apply_on_runs(values, run, time_s=time_s, fs_hz=fs_hz, min_run=1)


def fill_gaps(
    values,
    time_s,
    max_gap_s: float,
    *,
    method: Literal["linear", "pchip"] = "linear",
) -> np.ndarray:
    """Interpolate over short runs of NaN, never over long ones or at the ends.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Signal(s), time along the first axis; NaN marks missing samples.
    time_s : array_like, shape (n_samples,)
        Strictly increasing timestamps in seconds.
    max_gap_s : float
        Longest gap to fill, in seconds. A gap of ``k`` missing samples lasts
        ``t_after - t_before - dt`` where ``dt`` is the median sampling
        interval: ``k / fps`` on an evenly sampled video.
    method : {"linear", "pchip"}
        Straight lines (default: never overshoots), or shape-preserving
        cubic (PCHIP) through the finite samples, smoother at the joins.

    Returns
    -------
    ndarray, same shape as ``values``
        NaN before the first and after the last finite sample of each column
        stays NaN (no extrapolation), and so do gaps longer than ``max_gap_s``.
    """
    max_gap_s = _check_positive("max_gap_s", max_gap_s, allow_zero=True)
    if method not in ("linear", "pchip"):
        raise ConfigError(f"method must be 'linear' or 'pchip', got {method!r}")
    v2, shape = _as_2d(values)
    n = v2.shape[0]
    t = _as_time(time_s, n)
    out = v2.copy()
    if n < 3:
        return out.reshape(shape)
    dt = float(np.median(np.diff(t)))
    for cols, runs in _by_nan_pattern(v2):
        if len(runs) < 2:
            continue
        fill_idx = []
        for (_, stop), (start, _) in zip(runs[:-1], runs[1:]):
            before, after = stop - 1, start
            if t[after] - t[before] - dt <= max_gap_s + 1e-9:
                fill_idx.append(np.arange(stop, start))
        if not fill_idx:
            continue
        idx = np.concatenate(fill_idx)
        known = np.isfinite(v2[:, cols[0]])
        tk = t[known]
        for c in cols:
            if method == "linear":
                out[idx, c] = np.interp(t[idx], tk, v2[known, c])
            else:
                from scipy.interpolate import PchipInterpolator

                out[idx, c] = PchipInterpolator(tk, v2[known, c])(t[idx])
    return out.reshape(shape)


def hampel_outliers(
    values,
    window_s: float,
    *,
    time_s=None,
    fs_hz: float | None = None,
    n_sigma: float = 3.0,
    min_deviation: float = 0.0,
) -> np.ndarray:
    """Samples that stray too far from their neighbours' median (Hampel identifier).

    A sample is an outlier when ``|x - m| > max(n_sigma * 1.4826 * s,
    min_deviation)``, where ``m`` is a robust local model of the signal (the
    moving median over the centred window, smoothed by a quadratic
    Savitzky-Golay fit over the same window) and ``s`` the moving median of
    ``|x - m|``; NaN samples are ignored.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
    window_s : float
        Full window length in seconds (made an odd number of samples, at
        least 3).
    time_s, fs_hz
        The sampling (exactly one).
    n_sigma : float
        Threshold in standard deviations (1.4826 x MAD estimates the standard
        deviation of normal noise). 3 is Hampel's usual choice.
    min_deviation : float
        Smallest deviation, in the units of ``values``, ever called an
        outlier: on a still stretch the MAD is almost zero and plain jitter
        would otherwise be flagged.

    Returns
    -------
    ndarray of bool, same shape as ``values``
        True for outliers; NaN samples are never outliers.

    Notes
    -----
    The classic Hampel filter compares each sample with the window's median
    and measures the spread as the MAD of the raw values in the window,
    which a moving landmark inflates: a wrist rising at 1 m/s spreads over
    50 cm in a 0.5 s window and a 20 cm glitch goes unnoticed. Here the
    spread is measured on the residuals from a model that follows steady
    movement, so it stays at the level of the jitter, and ``min_deviation``
    keeps plain jitter and the rounding of turning points from being
    flagged. Up to half the window can be outliers before the median model
    is pulled.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    window_s = _check_positive("window_s", window_s)
    n_sigma = _check_positive("n_sigma", n_sigma)
    min_deviation = _check_positive("min_deviation", min_deviation, allow_zero=True)
    v2, shape = _as_2d(values)
    n = v2.shape[0]
    if n < 3:
        return np.zeros(shape, dtype=bool)
    fs = sample_rate_hz(time_s, fs_hz)
    w = max(3, int(round(window_s * fs)))
    w = w + 1 if w % 2 == 0 else w
    h = w // 2
    import warnings

    def moving_median(a: np.ndarray) -> np.ndarray:
        padded = np.pad(a, ((h, h), (0, 0)), constant_values=np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
            return np.nanmedian(sliding_window_view(padded, w, axis=0), axis=-1)

    # robust local model: the moving median (unmoved by fewer than w/2 outliers), smoothed by a
    # quadratic Savitzky-Golay fit over the same window (follows steady movement and turning points)
    model = savgol_smooth(moving_median(v2), w / fs, fs_hz=fs, polyorder=2)
    dev = np.abs(v2 - model)
    spread = 1.4826 * moving_median(dev)
    threshold = np.maximum(n_sigma * spread, min_deviation)
    out = np.isfinite(dev) & (dev > threshold)
    return out.reshape(shape)


# =============================================================================
# Track functions
# =============================================================================
Part = Literal["image", "world"]
_PARTS = ("image", "world")


def _check_parts(parts) -> tuple[str, ...]:
    parts = (parts,) if isinstance(parts, str) else tuple(parts)
    bad = [p for p in parts if p not in _PARTS]
    if bad or not parts:
        raise ConfigError(f"parts must be a selection of {list(_PARTS)}, got {list(parts)!r}")
    return parts


def _check_track(track) -> PoseTrack:
    if not isinstance(track, PoseTrack):
        raise InputError(f"expected a formlab PoseTrack, got {type(track).__name__}")
    return track


def _image_stack(track: PoseTrack) -> np.ndarray:
    """Image landmarks as (T, 33, 3) pixels: x, y and z scaled by the width like x (as MediaPipe does)."""
    w = float(track.meta.width_px or 1)
    return np.concatenate([track.xy_px, (track.z * w)[..., None]], axis=-1)


def _from_image_stack(track: PoseTrack, stack: np.ndarray) -> dict:
    w = float(track.meta.width_px or 1)
    return {"xy_px": stack[..., :2], "z": stack[..., 2] / w}


def _filter_parts(track: PoseTrack, parts, fn_image, fn_world) -> dict:
    changes: dict = {}
    if "image" in parts:
        changes.update(_from_image_stack(track, fn_image(_image_stack(track))))
    if "world" in parts:
        changes["world_m"] = fn_world(track.world_m)
    return changes


def _nan_landmarks(track: PoseTrack, mask: np.ndarray) -> dict:
    """Arrays with the positions (image, depth, world) of masked (frame, landmark) cells set to NaN."""
    xy = track.xy_px.copy()
    z = track.z.copy()
    world = track.world_m.copy()
    xy[mask] = np.nan
    z[mask] = np.nan
    world[mask] = np.nan
    return {"xy_px": xy, "z": z, "world_m": world}


def object_scale_px(track: PoseTrack) -> np.ndarray:
    """The person's size in the image per frame, as MediaPipe's smoothing measures it.

    ``(width + height) / 2`` of the axis-aligned bounding box of the frame's
    landmarks, in pixels (NaN landmarks ignored; NaN for frames without a pose).

    Notes
    -----
    This is ``GetObjectScale`` of MediaPipe's ``LandmarksSmoothingCalculator``
    (``mediapipe/calculators/util/landmarks_smoothing_calculator.cc``),
    computed on landmarks already converted to pixels (x times the image
    width, y times the height). Dividing speeds by it makes the One-Euro
    filter's behaviour independent of how large the lifter appears. (The
    legacy pose graph could instead pass a region of interest derived from
    its two auxiliary landmarks, which formlab does not receive from the
    Tasks API; the bounding box is the calculator's own fallback.)
    """
    import warnings

    xy = _check_track(track).xy_px
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        span = np.nanmax(xy, axis=1) - np.nanmin(xy, axis=1)  # (T, 2)
    return span.mean(axis=1)


Timing = Literal["real", "legacy_30fps"]
LEGACY_FRAME_INTERVAL_S = 1.0 / 30.0
"""Frame interval MediaPipe's legacy Python Solutions API stamps on every frame it is
given (``SolutionBase.process`` adds 33 333 us per call), whatever the video's real rate."""


def _filter_time(track: PoseTrack, timing: str) -> np.ndarray:
    if timing == "real":
        return track.time_s
    if timing == "legacy_30fps":
        return np.arange(track.n_frames) * LEGACY_FRAME_INTERVAL_S
    raise ConfigError(f"timing must be 'real' or 'legacy_30fps', got {timing!r}")


def one_euro_filter(
    track: PoseTrack,
    image: OneEuroParams | None = MEDIAPIPE_IMAGE_ONE_EURO,
    world: OneEuroParams | None = MEDIAPIPE_WORLD_ONE_EURO,
    *,
    timing: Timing = "real",
) -> PoseTrack:
    """Smooth a track with One-Euro filters, as MediaPipe's legacy pose pipeline did.

    Parameters
    ----------
    track : PoseTrack
    image : OneEuroParams or None
        Filter for the image landmarks (x, y in pixels and the relative depth
        ``z`` scaled by the image width, the way MediaPipe does). ``None``
        leaves them unchanged. Default: :data:`MEDIAPIPE_IMAGE_ONE_EURO`.
    world : OneEuroParams or None
        Filter for the world landmarks (metres). ``None`` leaves them
        unchanged. Default: :data:`MEDIAPIPE_WORLD_ONE_EURO`.
    timing : {"real", "legacy_30fps"}
        ``"real"`` (default) filters on the track's real timestamps, so the
        cut-offs mean the same in seconds at any frame rate.
        ``"legacy_30fps"`` reproduces MediaPipe's legacy Python Solutions API,
        which stamps consecutive frames 1/30 s apart whatever the video's rate
        (:data:`LEGACY_FRAME_INTERVAL_S`): use it only to compare with outputs
        of that API, such as MediaPipe's expected landmarks for its
        ``pose_squats`` test video (a 5 fps clip, so that API smoothed it as if
        it were played six times slower).

    Returns
    -------
    PoseTrack
        With step ``"one_euro_filter"`` in the provenance.

    Notes
    -----
    The filter runs on the track's real timestamps (``track.time_s``), so a
    video re-encoded at 5 fps is smoothed in the same real-time terms as the
    original at 30 fps. It is causal (each output depends only on the past):
    it lags slightly on fast movements, which is why :func:`butterworth_filter`
    (zero phase) is offered for offline analysis of timing.
    A missing pose (NaN) resets the filter, as MediaPipe does.
    """
    track = _check_track(track)
    time_s = _filter_time(track, timing)
    if image is None and world is None:
        raise ConfigError("one_euro_filter needs parameters for the image or the world landmarks (both are None)")
    changes: dict = {}
    if image is not None:
        scale = 1.0 / object_scale_px(track) if image.scale_by_object else 1.0
        stack = one_euro(_image_stack(track), time_s, min_cutoff_hz=image.min_cutoff_hz, beta=image.beta,
                         derivate_cutoff_hz=image.derivate_cutoff_hz, value_scale=scale)
        changes.update(_from_image_stack(track, stack))
    if world is not None:
        if world.scale_by_object:
            raise ConfigError("world landmarks are in metres: use OneEuroParams(scale_by_object=False) for them")
        changes["world_m"] = one_euro(track.world_m, time_s, min_cutoff_hz=world.min_cutoff_hz,
                                      beta=world.beta, derivate_cutoff_hz=world.derivate_cutoff_hz)
    params = {"image": image.to_dict() if image else None, "world": world.to_dict() if world else None,
              "timing": timing}
    return track.replace(step="one_euro_filter", params=params, **changes)


def butterworth_filter(
    track: PoseTrack,
    cutoff_hz: float = 6.0,
    *,
    order: int = 4,
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Zero-phase low-pass Butterworth filter on a track's landmark positions.

    Parameters
    ----------
    track : PoseTrack
    cutoff_hz : float
        Cut-off in Hz; default 6 Hz (see :func:`butterworth_lowpass` for why).
        Must be below half the frame rate: a 5 fps video allows at most 2.5 Hz.
    order : int
        Order of the filter before the forward-backward pass.
    parts : tuple of {"image", "world"}
        Which positions to filter (image x, y and z; world x, y, z).

    Returns
    -------
    PoseTrack
        With step ``"butterworth_filter"`` in the provenance. Gaps (NaN) are
        kept; each stretch between gaps is filtered separately.
    """
    track = _check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return butterworth_lowpass(a, cutoff_hz, time_s=track.time_s, order=order)

    changes = _filter_parts(track, parts, f, f)
    return track.replace(step="butterworth_filter", params={"cutoff_hz": float(cutoff_hz), "order": int(order),
                                                            "parts": list(parts)}, **changes)


def savgol_filter(
    track: PoseTrack,
    window_s: float = 0.25,
    *,
    polyorder: int = 2,
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Savitzky-Golay smoothing of a track's landmark positions, window in seconds.

    Parameters
    ----------
    track : PoseTrack
    window_s : float
        Window length in seconds. The default, 0.25 s, is about a quarter of
        the fastest phase of a lift (a concentric of about 1 s), short enough
        not to flatten the bottom of a squat.
    polyorder : int
        Degree of the local polynomial (2 keeps turning points).
    parts : tuple of {"image", "world"}

    Returns
    -------
    PoseTrack
        With step ``"savgol_filter"`` in the provenance.
    """
    track = _check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return savgol_smooth(a, window_s, time_s=track.time_s, polyorder=polyorder)

    changes = _filter_parts(track, parts, f, f)
    return track.replace(step="savgol_filter", params={"window_s": float(window_s), "polyorder": int(polyorder),
                                                       "parts": list(parts)}, **changes)


def filter_by_confidence(
    track: PoseTrack,
    min_visibility: float | None = None,
    min_presence: float | None = 0.5,
) -> PoseTrack:
    """Remove (set to NaN) the positions MediaPipe is unsure about.

    Parameters
    ----------
    track : PoseTrack
    min_visibility : float in [0, 1] or None
        Landmarks whose visibility (probability of not being occluded) is
        below this lose their positions. ``None`` (default) keeps them.
    min_presence : float in [0, 1] or None
        Landmarks whose presence (probability of being inside the frame) is
        below this lose their positions. Default 0.5.

    Returns
    -------
    PoseTrack
        With step ``"filter_by_confidence"``; image, depth and world
        positions of the removed landmarks are NaN, visibility and presence
        are unchanged.

    Notes
    -----
    Visibility is not used by default because in the side views lifters are
    filmed from, the far arm and leg are occluded (visibility often below
    0.3) but their positions, inferred from the body, are still usable and
    needed for left/right averages. Presence below 0.5 means MediaPipe thinks
    the landmark is outside the picture (e.g. feet cut off by the frame
    edge), where its position is a guess; 0.5 is MediaPipe's own default
    presence threshold.
    """
    track = _check_track(track)
    mask = np.zeros(track.visibility.shape, dtype=bool)
    for name, thr, arr in (("min_visibility", min_visibility, track.visibility),
                           ("min_presence", min_presence, track.presence)):
        if thr is None:
            continue
        if not _is_number(thr) or not 0.0 <= thr <= 1.0:
            raise ConfigError(f"{name} must be between 0 and 1 or None, got {thr!r}")
        mask |= np.isfinite(arr) & (arr < thr)
    return track.replace(step="filter_by_confidence",
                         params={"min_visibility": min_visibility, "min_presence": min_presence,
                                 "n_removed": int(mask.sum())},
                         **_nan_landmarks(track, mask))


def interpolate_gaps(
    track: PoseTrack,
    max_gap_s: float = 0.3,
    *,
    method: Literal["linear", "pchip"] = "linear",
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Fill short gaps in landmark positions by interpolation over time.

    Parameters
    ----------
    track : PoseTrack
    max_gap_s : float
        Longest gap (missing time) to fill, in seconds. Default 0.3 s: about
        10 frames at 30 fps, the limit Sports2D uses. Over 0.3 s a squatting
        bar moves at most a few centimetres away from a straight line, so
        the interpolation error stays below MediaPipe's own noise; longer
        gaps stay NaN and are reported as missing.
    method : {"linear", "pchip"}
        See :func:`fill_gaps`.
    parts : tuple of {"image", "world"}

    Returns
    -------
    PoseTrack
        With step ``"interpolate_gaps"``. Frames before the first and after
        the last detection are never filled.
    """
    track = _check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return fill_gaps(a, track.time_s, max_gap_s, method=method)

    changes = _filter_parts(track, parts, f, f)
    before = int(np.isnan(track.xy_px[..., 0]).sum())
    after = int(np.isnan(changes.get("xy_px", track.xy_px)[..., 0]).sum())
    return track.replace(step="interpolate_gaps", params={"max_gap_s": float(max_gap_s), "method": method,
                                                          "parts": list(parts), "n_filled": before - after},
                         **changes)


def smooth_track(track: PoseTrack, *, timing: Timing = "real") -> PoseTrack:
    """formlab's default smoothing: MediaPipe's legacy One-Euro filters on real timestamps.

    Image landmarks: min cut-off 0.05 Hz, beta 80, derivative cut-off 1 Hz,
    speeds scaled by the person's size; world landmarks: 0.1 Hz, 40, 1 Hz.
    (:data:`MEDIAPIPE_IMAGE_ONE_EURO`, :data:`MEDIAPIPE_WORLD_ONE_EURO`.)

    Notes
    -----
    These are the filters of the MediaPipe pipeline whose output MediaPipe's
    own video conformance test expects. formlab runs them on the track's real
    timestamps (``timing="real"``), so that a cut-off in hertz means the same
    at 5, 30 or 60 fps; on a 30 fps video this is exactly MediaPipe's legacy
    behaviour. ``timing="legacy_30fps"`` reproduces the legacy Python API,
    which assumes 30 fps for every video (see :func:`one_euro_filter`).
    """
    return one_euro_filter(track, MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO, timing=timing)


# =============================================================================
# Outliers and left/right swaps
# =============================================================================
def _torso_px(track: PoseTrack) -> float:
    """Median torso length (shoulder midpoint to hip midpoint) in pixels over the track."""
    _, scale = torso_centre_and_scale(track.xy_px)
    scale = scale[np.isfinite(scale) & (scale > 0)]
    if scale.size == 0:
        return float("nan")
    return float(np.median(scale))


def reject_outliers(
    track: PoseTrack,
    window_s: float = 0.5,
    *,
    n_sigma: float = 3.0,
    min_deviation_torso: float = 0.15,
) -> PoseTrack:
    """Remove landmark positions that jump away from their neighbours in time (Hampel).

    Each image coordinate of each landmark goes through
    :func:`hampel_outliers`; a landmark flagged in x or y loses its image,
    depth and world positions in that frame (NaN), to be filled by
    :func:`interpolate_gaps` when the gap is short.

    Parameters
    ----------
    track : PoseTrack
    window_s : float
        Window of the Hampel identifier in seconds. 0.5 s holds about half a
        squat phase: long enough for a robust median, short enough for the
        median model to follow the movement.
    n_sigma : float
        Threshold in robust standard deviations of the local jitter (3: Hampel's
        usual choice).
    min_deviation_torso : float
        Smallest deviation ever flagged, as a fraction of the median torso
        length (shoulders to hips, about 50 cm on an adult): 0.15, about
        7 cm, is several times MediaPipe's frame-to-frame jitter, so only real
        glitches (a wrist jumping onto a plate, a foot onto the other foot)
        are removed.

    Returns
    -------
    PoseTrack
        With step ``"reject_outliers"`` and the number of positions removed.
    """
    track = _check_track(track)
    torso = _torso_px(track)
    if not math.isfinite(torso) or track.n_frames < 3:
        return track.replace(step="reject_outliers", params={"window_s": window_s, "n_removed": 0})
    mask_xy = hampel_outliers(track.xy_px, window_s, time_s=track.time_s, n_sigma=n_sigma,
                              min_deviation=min_deviation_torso * torso)
    mask = mask_xy.any(axis=-1)
    return track.replace(step="reject_outliers",
                         params={"window_s": float(window_s), "n_sigma": float(n_sigma),
                                 "min_deviation_torso": float(min_deviation_torso),
                                 "min_deviation_px": round(min_deviation_torso * torso, 2),
                                 "n_removed": int(mask.sum())},
                         **_nan_landmarks(track, mask))


_L, _R = "left_", "right_"
BONES: tuple[tuple[int, int], ...] = tuple(
    (LANDMARK_INDEX[side + a], LANDMARK_INDEX[side + b])
    for side in (_L, _R)
    for a, b in (("shoulder", "elbow"), ("elbow", "wrist"), ("hip", "knee"), ("knee", "ankle"))
)
"""Limb bones checked by :func:`reject_implausible_bones`, as (proximal, distal) landmark indices:
upper arms, forearms, thighs and shanks."""

_EXTREMITIES: dict[int, tuple[int, ...]] = {
    LANDMARK_INDEX[side + joint]: tuple(LANDMARK_INDEX[side + p] for p in parts)
    for side in (_L, _R)
    for joint, parts in (("wrist", ("pinky", "index", "thumb")), ("ankle", ("heel", "foot_index")))
}
"""Hand and foot landmarks, removed together with their wrist or ankle."""


def reject_implausible_bones(track: PoseTrack, tolerance: float = 0.6, *, reference_percentile: float = 90.0) -> PoseTrack:
    """Remove landmarks that make a limb bone impossibly long in the picture.

    For every limb bone (upper arm, forearm, thigh, shank; see :data:`BONES`)
    the image length is divided by the frame's torso length. The bone's
    reference is the ``reference_percentile`` of that ratio over the track
    (the bone seen at its full length); a frame where the ratio exceeds
    ``(1 + tolerance)`` times the reference is implausible. The landmark to
    blame is the elbow (knee) when both its bones are implausible, else the
    wrist (ankle) when the forearm (shank) is; shoulders and hips, anchored
    by the torso, are never blamed. A blamed wrist or ankle takes its hand or
    foot landmarks with it. Blamed landmarks lose their positions (NaN).

    Parameters
    ----------
    track : PoseTrack
    tolerance : float
        Allowed excess over the reference length. 0.6 leaves room for
        perspective (a limb swinging towards the camera looks longer than the
        torso leaning away) and for the reference being a percentile, while
        catching landmarks thrown far from their body.
    reference_percentile : float
        Percentile of the bone-to-torso ratio taken as the bone's full length.

    Returns
    -------
    PoseTrack
        With step ``"reject_implausible_bones"``.

    Notes
    -----
    Only *too long* bones are caught: a bone that looks too short may just
    point at the camera. World landmarks are not used because MediaPipe's
    world bone lengths vary by a factor of two or more over a lift when the
    limb is occluded (measured on the sample back squats), which would flag
    correct frames.
    """
    track = _check_track(track)
    if not _is_number(tolerance) or tolerance <= 0:
        raise ConfigError(f"tolerance must be a number > 0, got {tolerance!r}")
    if not _is_number(reference_percentile) or not 50 <= reference_percentile <= 100:
        raise ConfigError(f"reference_percentile must be between 50 and 100, got {reference_percentile!r}")
    import warnings

    _, torso = torso_centre_and_scale(track.xy_px)
    bad_bone = np.zeros((track.n_frames, len(BONES)), dtype=bool)
    for k, (a, b) in enumerate(BONES):
        ratio = np.linalg.norm(track.xy_px[:, a] - track.xy_px[:, b], axis=-1) / torso
        ok = np.isfinite(ratio)
        if ok.sum() < 10:
            continue
        ref = np.percentile(ratio[ok], reference_percentile)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            bad_bone[:, k] = ok & (ratio > (1.0 + tolerance) * ref)
    # blame (shoulders and hips, anchored by the torso, never): an elbow or knee when both its
    # bones are implausible, a wrist or ankle when its bone is and its elbow or knee is not
    mask = np.zeros(track.visibility.shape, dtype=bool)
    for k, (root, mid) in enumerate(BONES[::2]):
        upper, lower = 2 * k, 2 * k + 1
        end = BONES[lower][1]
        mask[:, mid] = bad_bone[:, upper] & bad_bone[:, lower]
        mask[:, end] = bad_bone[:, lower] & ~mask[:, mid]
        for part in _EXTREMITIES[end]:
            mask[:, part] = mask[:, end]
    return track.replace(step="reject_implausible_bones",
                         params={"tolerance": float(tolerance), "reference_percentile": float(reference_percentile),
                                 "n_removed": int(mask.sum())},
                         **_nan_landmarks(track, mask))


SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "face": ("eye_inner", "eye", "eye_outer", "ear"),
    "trunk": ("shoulder", "hip"),
    "arm": ("elbow", "wrist", "pinky", "index", "thumb"),
    "leg": ("knee", "ankle", "heel", "foot_index"),
}
"""Groups of bilateral landmarks whose left/right labels are checked together by
:func:`fix_left_right_swaps` (the mouth corners follow the face group)."""


def _group_indices(group: str) -> tuple[list[int], list[int]]:
    names = SWAP_GROUPS[group]
    left = [LANDMARK_INDEX[_L + n] for n in names]
    right = [LANDMARK_INDEX[_R + n] for n in names]
    if group == "face":
        left.append(LANDMARK_INDEX["mouth_left"])
        right.append(LANDMARK_INDEX["mouth_right"])
    return left, right


def _viterbi_swaps(pos_l: np.ndarray, pos_r: np.ndarray, dt: np.ndarray, penalty_per_s: float) -> np.ndarray:
    """Most economical labelling of a run of frames: True where left and right should be exchanged.

    ``pos_l``/``pos_r``: (n, k, 2) positions in torso lengths. Cost of a
    labelling = sum over consecutive frames of the mean distance moved by
    the group's landmarks + ``penalty_per_s`` x time spent swapped.
    """
    n = pos_l.shape[0]
    # positions under each state: state 0 = as given, 1 = swapped
    states = np.stack([np.stack([pos_l, pos_r], 1), np.stack([pos_r, pos_l], 1)], 0)  # (2, n, 2, k, 2)
    cost = np.array([0.0, penalty_per_s * dt[0]])
    back = np.zeros((n, 2), dtype=np.int8)
    for i in range(1, n):
        # move[s_prev, s_now]
        move = np.empty((2, 2))
        for sp in range(2):
            for sn in range(2):
                move[sp, sn] = np.linalg.norm(states[sn, i] - states[sp, i - 1], axis=-1).mean()
        total = cost[:, None] + move
        back[i] = np.argmin(total, axis=0)
        cost = total[back[i], [0, 1]] + np.array([0.0, penalty_per_s * dt[i]])
    path = np.zeros(n, dtype=bool)
    s = int(np.argmin(cost))
    for i in range(n - 1, -1, -1):
        path[i] = bool(s)
        s = int(back[i, s])
    return path


def fix_left_right_swaps(track: PoseTrack, penalty_per_s: float = 2.0) -> PoseTrack:
    """Detect and undo frames where MediaPipe exchanged a left and a right limb.

    For each group of bilateral landmarks (:data:`SWAP_GROUPS`: face, trunk,
    arms, legs) formlab chooses, over every stretch of frames in which the
    group is seen, the labelling (as given or exchanged, frame by frame) that
    makes the landmarks move least, with a penalty for overruling MediaPipe.
    Exchanged frames get their image, depth, world, visibility and presence
    values swapped between left and right.

    Parameters
    ----------
    track : PoseTrack
    penalty_per_s : float
        Cost of keeping a group relabelled, in torso lengths (of mean landmark
        movement saved) per second. A momentary swap costs two jumps of the
        distance between the two sides; it is undone when that is more than
        ``penalty_per_s`` x its duration. With the default 2.0, hands half a
        torso length apart are corrected if swapped for up to 0.5 s; longer
        consistent labellings are left to MediaPipe, which is usually right
        when it is consistent.

    Returns
    -------
    PoseTrack
        With step ``"fix_left_right_swaps"`` and the swapped frames per group.
    """
    track = _check_track(track)
    penalty_per_s = _check_positive("penalty_per_s", penalty_per_s)
    torso = _torso_px(track)
    arrays = {"xy_px": track.xy_px.copy(), "z": track.z.copy(), "world_m": track.world_m.copy(),
              "visibility": track.visibility.copy(), "presence": track.presence.copy()}
    swapped: dict[str, list[int]] = {}
    if math.isfinite(torso) and track.n_frames >= 3:
        # time each frame stands for (its interval to the previous one; the first gets the median)
        dt_all = np.diff(track.time_s, prepend=track.time_s[0] - np.median(np.diff(track.time_s)))
        for group in SWAP_GROUPS:
            left, right = _group_indices(group)
            xy = track.xy_px / torso
            seen = np.isfinite(xy[:, left + right]).all(axis=(1, 2))
            frames: list[int] = []
            for a, b in _finite_runs(seen):
                if b - a < 3:
                    continue
                path = _viterbi_swaps(xy[a:b, left], xy[a:b, right], dt_all[a:b], penalty_per_s)
                idx = np.flatnonzero(path) + a
                if idx.size == 0:
                    continue
                for arr in arrays.values():
                    tmp = arr[idx][:, left].copy()
                    arr[idx[:, None], left] = arr[idx][:, right]
                    arr[idx[:, None], right] = tmp
                frames.extend(track.frame[idx].tolist())
            if frames:
                swapped[group] = frames
    return track.replace(step="fix_left_right_swaps",
                         params={"penalty_per_s": float(penalty_per_s), "swapped_frames": swapped}, **arrays)


@dataclass(frozen=True)
class CleanOptions:
    """Settings of :func:`clean_track`, formlab's default cleaning chain.

    Attributes
    ----------
    fix_swaps : bool
        Undo momentary left/right label swaps (:func:`fix_left_right_swaps`).
    swap_penalty_per_s : float
        Its ``penalty_per_s`` (2.0 torso lengths per second).
    outlier_window_s : float or None
        Window of the Hampel outlier test (:func:`reject_outliers`), 0.5 s;
        None skips the test.
    outlier_n_sigma : float
        Its threshold in robust standard deviations (3).
    outlier_min_deviation_torso : float
        Its smallest flagged deviation, in torso lengths (0.15, about 7 cm).
    bone_tolerance : float or None
        Allowed excess of a limb's image length over its full length
        (:func:`reject_implausible_bones`), 0.6; None skips the test.
    min_presence : float in [0, 1] or None
        Positions of landmarks MediaPipe believes are outside the frame are
        removed (see :func:`filter_by_confidence`). Default 0.5.
    min_visibility : float in [0, 1] or None
        Optional visibility threshold; default None (occluded landmarks are
        kept, see :func:`filter_by_confidence` for why).
    max_gap_s : float
        Gaps up to this long, including those left by the removals above,
        are interpolated (see :func:`interpolate_gaps`), 0.3 s.
    smoothing : {"one_euro", "butterworth", "savgol", "none"}
        The final smoothing. ``"one_euro"`` (default) is MediaPipe's legacy
        filter on real timestamps (:func:`smooth_track`); ``"butterworth"``
        uses ``cutoff_hz`` (lowered to 40 % of the frame rate on slow videos);
        ``"savgol"`` uses ``window_s``.
    cutoff_hz : float
        Cut-off of the Butterworth option (6 Hz, see :func:`butterworth_lowpass`).
    window_s : float
        Window of the Savitzky-Golay option (0.25 s, see :func:`savgol_filter`).
    """

    fix_swaps: bool = True
    swap_penalty_per_s: float = 2.0
    outlier_window_s: float | None = 0.5
    outlier_n_sigma: float = 3.0
    outlier_min_deviation_torso: float = 0.15
    bone_tolerance: float | None = 0.6
    min_presence: float | None = 0.5
    min_visibility: float | None = None
    max_gap_s: float = 0.3
    smoothing: Literal["one_euro", "butterworth", "savgol", "none"] = "one_euro"
    cutoff_hz: float = 6.0
    window_s: float = 0.25

    def __post_init__(self) -> None:
        if self.smoothing not in ("one_euro", "butterworth", "savgol", "none"):
            raise ConfigError(f"smoothing must be one of one_euro, butterworth, savgol, none; got {self.smoothing!r}")
        _check_positive("swap_penalty_per_s", self.swap_penalty_per_s)
        if self.outlier_window_s is not None:
            _check_positive("outlier_window_s", self.outlier_window_s)
        _check_positive("outlier_n_sigma", self.outlier_n_sigma)
        _check_positive("outlier_min_deviation_torso", self.outlier_min_deviation_torso, allow_zero=True)
        if self.bone_tolerance is not None:
            _check_positive("bone_tolerance", self.bone_tolerance)
        _check_positive("max_gap_s", self.max_gap_s, allow_zero=True)
        _check_positive("cutoff_hz", self.cutoff_hz)
        _check_positive("window_s", self.window_s)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def clean_track(track: PoseTrack, options: CleanOptions | None = None) -> PoseTrack:
    """formlab's default cleaning chain, the one ``formlab analyze`` runs.

    In order, each step recorded in the provenance:

    1. :func:`fix_left_right_swaps` - undo momentary left/right label swaps
       (first, because a swap looks like two outliers);
    2. :func:`reject_outliers` - remove positions that jump away from their
       neighbours in time (Hampel);
    3. :func:`reject_implausible_bones` - remove landmarks thrown far from
       their limb;
    4. :func:`filter_by_confidence` - remove landmarks MediaPipe places
       outside the frame;
    5. :func:`interpolate_gaps` - fill gaps up to ``max_gap_s`` (0.3 s),
       including those left by steps 2-4;
    6. smoothing, :func:`smooth_track` (MediaPipe's One-Euro filters on real
       timestamps) by default.

    Parameters
    ----------
    track : PoseTrack
    options : CleanOptions, optional
        Defaults to ``CleanOptions()``.

    Returns
    -------
    PoseTrack

    Notes
    -----
    Removal comes before smoothing because a smoother spreads a glitch over
    its neighbours, and gap filling comes before smoothing so that the
    smoother sees continuous stretches. On the MediaPipe conformance clip,
    where nothing is removed, the result equals :func:`smooth_track`.
    """
    track = _check_track(track)
    o = options if options is not None else CleanOptions()
    if not isinstance(o, CleanOptions):
        raise ConfigError(f"options must be a CleanOptions, got {type(o).__name__}")
    out = track
    if o.fix_swaps:
        out = fix_left_right_swaps(out, o.swap_penalty_per_s)
    if o.outlier_window_s is not None:
        out = reject_outliers(out, o.outlier_window_s, n_sigma=o.outlier_n_sigma,
                              min_deviation_torso=o.outlier_min_deviation_torso)
    if o.bone_tolerance is not None:
        out = reject_implausible_bones(out, o.bone_tolerance)
    if o.min_presence is not None or o.min_visibility is not None:
        out = filter_by_confidence(out, min_visibility=o.min_visibility, min_presence=o.min_presence)
    if o.max_gap_s > 0:
        out = interpolate_gaps(out, o.max_gap_s)
    if o.smoothing == "one_euro":
        out = smooth_track(out)
    elif o.smoothing == "butterworth":
        out = butterworth_filter(out, _safe_cutoff(out, o.cutoff_hz))
    elif o.smoothing == "savgol":
        out = savgol_filter(out, o.window_s)
    return out


def _safe_cutoff(track: PoseTrack, cutoff_hz: float) -> float:
    """The cut-off, lowered to 40 % of the frame rate (80 % of Nyquist) for low-frame-rate videos."""
    fs = track.fps
    return min(cutoff_hz, 0.4 * fs) if math.isfinite(fs) else cutoff_hz
