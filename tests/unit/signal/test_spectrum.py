"""Unit tests of the Welch spectrum and the band-edge helper (formlab.timeseries) on constructed signals."""

from __future__ import annotations

import numpy as np
import pytest

from formlab import ConfigError, InputError
from formlab import signal as T


def movement_plus_noise(
    fps: float, seconds: float = 30.0, freqs=(0.5, 1.0), noise: float = 0.005, seed: int = 0
):
    """A lift-like signal (sines at ``freqs``, 0.2 m) plus white noise (``noise`` m sd)."""
    t = np.arange(round(seconds * fps)) / fps
    x = sum(0.2 / (k + 1) * np.sin(2 * np.pi * f * t) for k, f in enumerate(freqs))
    return t, x + np.random.default_rng(seed).normal(0, noise, t.size)


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_spectrum_peaks_at_the_movement_and_floor_matches_white_noise(fps):
    t, x = movement_plus_noise(fps)
    f, p = T.power_spectrum(x, time_s=t, segment_s=4.0)
    assert f[-1] == pytest.approx(fps / 2) and f[1] == pytest.approx(0.25, rel=0.02)
    assert f[np.argmax(p)] == pytest.approx(0.5)
    edge, floor = T.band_edge_hz(f, p)
    # one-sided density of white noise with sd s sampled at fs: 2 s^2 / fs
    assert floor == pytest.approx(2 * 0.005**2 / fps, rel=0.3)
    assert 1.0 < edge < 2.0  # above the highest movement frequency, far below the noise band


def test_more_noise_moves_the_edge_down_and_rate_or_times_agree():
    t, quiet = movement_plus_noise(30, noise=0.001)
    _, loud = movement_plus_noise(30, noise=0.03)
    e_quiet, _ = T.band_edge_hz(*T.power_spectrum(quiet, time_s=t))
    e_loud, _ = T.band_edge_hz(*T.power_spectrum(loud, time_s=t))
    assert e_loud <= e_quiet
    _f1, p1 = T.power_spectrum(loud, time_s=t)
    _f2, p2 = T.power_spectrum(loud, fs_hz=30)
    np.testing.assert_allclose(p1, p2)


def test_gaps_are_filled_or_the_longest_stretch_is_used():
    t, x = movement_plus_noise(30)
    short = x.copy()
    short[100:105] = np.nan  # 5 frames: filled
    f, p = T.power_spectrum(short, time_s=t)
    assert np.isfinite(p).all() and f[1] == pytest.approx(0.25, rel=0.02)
    long = x.copy()
    long[600:700] = np.nan  # 3.3 s: not filled, the longer stretch (first 20 s) is used
    f, p = T.power_spectrum(long, time_s=t, max_gap_s=0.5)
    assert np.isfinite(p).all()
    with pytest.raises(InputError, match="no finite samples"):
        T.power_spectrum(np.full(50, np.nan), fs_hz=30)
    with pytest.raises(InputError, match="1-D"):
        T.power_spectrum(np.zeros((10, 2)), fs_hz=30)


def test_uneven_timestamps_are_resampled():
    t, _x = movement_plus_noise(30)
    jitter = t + np.random.default_rng(1).uniform(-0.01, 0.01, t.size)
    jitter[0] = 0.0
    jitter = np.maximum.accumulate(jitter + np.arange(t.size) * 1e-6)
    x_j = 0.2 * np.sin(2 * np.pi * 0.5 * jitter)
    f, p = T.power_spectrum(x_j, time_s=jitter)
    assert f[np.argmax(p)] == pytest.approx(0.5, rel=0.01)


def test_band_edge_arguments():
    f = np.linspace(0, 15, 61)
    p = np.where(f < 2, 1.0, 1e-4)
    edge, floor = T.band_edge_hz(f, p)
    assert floor == pytest.approx(1e-4) and edge == pytest.approx(2.0)
    edge, _ = T.band_edge_hz(f, p, snr=1e5)  # 1.0 is within 1e5 x the floor: right after the peak
    assert edge == pytest.approx(f[2])
    with pytest.raises(InputError, match="above the highest"):
        T.band_edge_hz(f, p, noise_above_hz=20)
    with pytest.raises(ConfigError):
        T.band_edge_hz(f, p, snr=0)
    with pytest.raises(InputError):
        T.band_edge_hz(f[:3], p[:3])
