"""Where a movement's spectrum sinks into the noise: the evidence behind a low-pass cut-off.

* :func:`power_spectrum` - Welch's power spectral density of a signal over time (NaN-aware,
  on real timestamps);
* :func:`band_edge_hz` - the frequency above which the spectrum is the landmark noise floor.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import InputError
from .filters import (
    as_time,
    check_positive,
    fill_gaps,
    finite_runs,
    is_uniform,
    sample_rate_hz,
)

__all__ = ["band_edge_hz", "power_spectrum"]


def power_spectrum(
    values,
    *,
    time_s=None,
    fs_hz: float | None = None,
    segment_s: float = 4.0,
    max_gap_s: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectral density of a 1-D signal with gaps, for choosing a low-pass cut-off.

    Parameters
    ----------
    values : array_like, shape (n_samples,)
        The signal (e.g. a bar height in metres); NaN marks missing samples.
    time_s, fs_hz
        The sampling (exactly one). Uneven timestamps are resampled onto an
        even grid at the median rate.
    segment_s : float
        Length of Welch's segments in seconds (shortened to the signal's
        length): the frequency resolution is ``1 / segment_s`` Hz. 4 s
        resolves 0.25 Hz, fine enough to separate a lift (0.2-2 Hz) from
        landmark jitter, and averages several segments on a 20 s clip.
    max_gap_s : float
        Gaps up to this long are interpolated first (:func:`fill_gaps`);
        the spectrum is then taken on the longest stretch without NaN.

    Returns
    -------
    freq_hz, psd : ndarray
        Frequencies (0 to Nyquist) and the density in (units of ``values``)^2 / Hz.

    Notes
    -----
    Each segment's straight-line trend is removed (a drifting camera or a
    lifter stepping back would otherwise pile power into the lowest bins)
    and a Hann window is applied (SciPy's defaults, half-overlapping
    segments).
    """
    from scipy.signal import welch

    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise InputError(f"power_spectrum needs a 1-D signal, got shape {x.shape}")
    segment_s = check_positive("segment_s", segment_s)
    fs = sample_rate_hz(time_s, fs_hz)
    t = as_time(time_s, x.size) if time_s is not None else np.arange(x.size) / fs
    x = fill_gaps(x, t, max_gap_s)
    runs = finite_runs(np.isfinite(x))
    if not runs:
        raise InputError("power_spectrum: the signal has no finite samples")
    a, b = max(runs, key=lambda r: r[1] - r[0])
    if b - a < 8:
        raise InputError(
            f"power_spectrum: the longest stretch without gaps has {b - a} samples; need at least 8"
        )
    t_run, x_run = t[a:b], x[a:b]
    if not is_uniform(t_run):
        grid = t_run[0] + np.arange(int(np.floor((t_run[-1] - t_run[0]) * fs)) + 1) / fs
        x_run = np.interp(grid, t_run, x_run)
    nperseg = int(min(x_run.size, max(8, round(segment_s * fs))))
    freq, psd = welch(x_run, fs=fs, nperseg=nperseg, detrend="linear")
    return freq, psd


def band_edge_hz(
    freq_hz, psd, *, noise_above_hz: float | None = None, snr: float = 10.0
) -> tuple[float, float]:
    """Where a movement's spectrum sinks into the noise: a lower bound for a low-pass cut-off.

    Parameters
    ----------
    freq_hz, psd : array_like
        A power spectrum (:func:`power_spectrum`).
    noise_above_hz : float, optional
        The noise floor is the median density above this frequency; default
        half the Nyquist frequency (a quarter of the sampling rate: 7.5 Hz at
        30 fps), where human movement has almost no power (Winter) and what
        is left is landmark jitter.
    snr : float
        How far above the floor still counts as movement (10: 10 dB).

    Returns
    -------
    edge_hz : float
        The first frequency above the spectrum's peak (0 Hz excluded) whose
        density is at most ``snr`` times the noise floor; the highest
        frequency if it never gets there.
    floor : float
        The noise floor (same units as ``psd``).

    Notes
    -----
    A low-pass filter should keep everything below the band edge and remove
    what lies above it; how far above the edge to put the cut-off depends on
    what the signal is for (turning points need less than velocities).
    """
    f = np.asarray(freq_hz, dtype=float)
    p = np.asarray(psd, dtype=float)
    if f.ndim != 1 or f.shape != p.shape or f.size < 4:
        raise InputError(
            f"freq_hz and psd must be 1-D arrays of the same length (>= 4), got {f.shape} and {p.shape}"
        )
    snr = check_positive("snr", snr)
    above = (
        f[-1] / 2 if noise_above_hz is None else check_positive("noise_above_hz", noise_above_hz)
    )
    noise = p[f >= above]
    if noise.size == 0:
        raise InputError(
            f"noise_above_hz = {above:g} Hz is above the highest frequency ({f[-1]:g} Hz)"
        )
    floor = float(np.median(noise))
    start = 1 + int(np.argmax(p[1:]))
    quiet = np.flatnonzero(p[start + 1 :] <= snr * floor)
    edge = float(f[start + 1 + quiet[0]]) if quiet.size else float(f[-1])
    return edge, floor
