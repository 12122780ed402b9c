"""Unit tests of formlab.timeseries, formlab.filtering and formlab.cleaning on small constructed signals and tracks."""

from __future__ import annotations

import numpy as np
import pytest

from formlab import ConfigError, InputError, PoseTrack, TrackMeta
from formlab import signal as T
from formlab.signal import cleaning as C
from formlab.signal import smoothing as F
from formlab.signal import swaps


def sine(
    fps: float, seconds: float = 10.0, freq_hz: float = 0.5, noise: float = 0.0, seed: int = 0
):
    t = np.arange(round(seconds * fps)) / fps
    clean = np.sin(2 * np.pi * freq_hz * t)
    rng = np.random.default_rng(seed)
    return t, clean, clean + noise * rng.normal(size=t.size)


def rms(a):
    return float(np.sqrt(np.nanmean(np.square(a))))


# ----------------------------------------------------------------------------- sampling
def test_sample_rate_from_timestamps_or_rate():
    assert T.sample_rate_hz(np.arange(10) / 25.0) == pytest.approx(25.0)
    assert T.sample_rate_hz(fs_hz=60) == 60.0
    with pytest.raises(ConfigError):
        T.sample_rate_hz()
    with pytest.raises(ConfigError):
        T.sample_rate_hz(np.arange(3.0), fs_hz=30)


# ----------------------------------------------------------------------------- Butterworth
@pytest.mark.parametrize("fps", [5, 30, 60])
def test_butterworth_removes_noise_without_lag(fps):
    t, clean, noisy = sine(fps, noise=0.1)
    cutoff_hz = 1.0
    out = T.butterworth_lowpass(noisy, cutoff_hz=cutoff_hz, time_s=t)
    # an ideal low-pass keeps the fraction 2 * cutoff / fs of white noise's variance
    kept = np.sqrt(2 * cutoff_hz / fps)
    assert rms(out - clean) < 1.3 * kept * rms(noisy - clean)
    # zero phase: the peaks stay where they are
    peak_true = t[np.argmax(clean[: int(2 * fps)])]
    peak_out = t[np.argmax(out[: int(2 * fps)])]
    assert abs(peak_out - peak_true) <= 1.0 / fps + 1e-9


def test_butterworth_same_result_from_rate_or_timestamps():
    t, _, noisy = sine(30, noise=0.1)
    np.testing.assert_allclose(
        T.butterworth_lowpass(noisy, 3.0, time_s=t), T.butterworth_lowpass(noisy, 3.0, fs_hz=30)
    )


def test_butterworth_keeps_gaps_and_filters_each_run():
    t, clean, noisy = sine(30, noise=0.05)
    noisy[100:120] = np.nan
    out = T.butterworth_lowpass(noisy, 3.0, time_s=t)
    assert np.isnan(out[100:120]).all()
    assert np.isfinite(out[:100]).all() and np.isfinite(out[120:]).all()
    assert rms(out - clean) < rms(noisy - clean)


def test_butterworth_short_runs_and_columns():
    x = np.column_stack([np.arange(10.0), np.arange(10.0) * 2])
    x[3, 0] = np.nan  # different NaN pattern per column
    out = T.butterworth_lowpass(x, 2.0, fs_hz=30)
    assert out.shape == x.shape
    np.testing.assert_array_equal(out[:3, 0], x[:3, 0])  # 3-sample run: unchanged
    assert np.isnan(out[3, 0]) and np.isfinite(out[:, 1]).all()
    np.testing.assert_allclose(out[:, 1], x[:, 1], atol=1e-6)  # a straight line survives a low-pass


def test_butterworth_uneven_timestamps():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.02, 0.045, size=400))  # variable frame rate around 30 fps
    clean = np.sin(2 * np.pi * 0.5 * t)
    noisy = clean + 0.1 * rng.normal(size=t.size)
    out = T.butterworth_lowpass(noisy, 2.0, time_s=t)
    assert rms(out - clean) < 0.5 * rms(noisy - clean)
    assert np.isfinite(out).all()


def test_butterworth_rejects_cutoff_above_nyquist():
    with pytest.raises(ConfigError, match="Nyquist"):
        T.butterworth_lowpass(np.zeros(50), 6.0, fs_hz=5.0)
    with pytest.raises(ConfigError):
        T.butterworth_lowpass(np.zeros(50), -1.0, fs_hz=30)
    with pytest.raises(InputError):
        T.butterworth_lowpass(np.zeros(50), 1.0, time_s=np.zeros(50))


# ----------------------------------------------------------------------------- Savitzky-Golay
def test_savgol_window_in_seconds_means_the_same_at_any_rate():
    errs = []
    for fps in (15, 30, 60):
        t, clean, noisy = sine(fps, noise=0.05, seed=fps)
        out = T.savgol_smooth(noisy, 0.4, time_s=t)
        errs.append(rms(out - clean))
        assert rms(out - clean) < rms(noisy - clean)
    assert max(errs) < 0.05


def test_savgol_derivative_is_per_second():
    t = np.arange(100) / 50.0
    v = T.savgol_smooth(3.0 * t + 1.0, 0.2, time_s=t, deriv=1)
    np.testing.assert_allclose(v, 3.0, atol=1e-9)


def test_savgol_short_runs():
    x = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0, 8.0])
    out = T.savgol_smooth(x, 1.0, fs_hz=30, polyorder=2)
    np.testing.assert_array_equal(out[:2], x[:2])  # too short for a parabola
    np.testing.assert_allclose(out[3:], x[3:])  # a line is kept exactly
    assert np.isnan(out[2])


# ----------------------------------------------------------------------------- gaps
def test_fill_gaps_respects_max_gap_in_seconds():
    t = np.arange(60) / 30.0
    x = t.copy()
    x[10:13] = np.nan  # 3 frames = 0.1 s
    x[30:40] = np.nan  # 10 frames = 0.333 s
    x[:2] = np.nan  # leading: never filled
    out = T.fill_gaps(x, t, max_gap_s=0.2)
    np.testing.assert_allclose(out[10:13], t[10:13])
    assert np.isnan(out[30:40]).all() and np.isnan(out[:2]).all()
    out = T.fill_gaps(x, t, max_gap_s=0.34)
    np.testing.assert_allclose(out[30:40], t[30:40])


def test_fill_gaps_same_duration_at_different_rates():
    for fps in (10, 60):
        t = np.arange(int(fps * 2)) / fps
        x = np.sin(t)
        n_missing = round(0.3 * fps)  # a 0.3 s gap
        x[5 : 5 + n_missing] = np.nan
        assert np.isfinite(T.fill_gaps(x, t, 0.35)).all()
        assert np.isnan(T.fill_gaps(x, t, 0.25)).sum() == n_missing


def test_fill_gaps_pchip_is_smooth():
    t = np.arange(100) / 30.0
    x = np.sin(2 * t)
    x[40:45] = np.nan
    out = T.fill_gaps(x, t, 0.3, method="pchip")
    lin = T.fill_gaps(x, t, 0.3, method="linear")
    truth = np.sin(2 * t[40:45])
    np.testing.assert_allclose(out[40:45], truth, atol=5e-3)
    assert rms(out[40:45] - truth) < rms(lin[40:45] - truth)


# ----------------------------------------------------------------------------- Hampel
def test_hampel_finds_spikes_not_movement():
    t, _clean, noisy = sine(30, noise=0.01)
    noisy[[40, 150, 151]] += [1.0, -1.0, -1.0]  # 150 is where the sine moves fastest
    mask = T.hampel_outliers(noisy, 0.5, time_s=t, min_deviation=0.1)
    assert set(np.flatnonzero(mask)) == {40, 150, 151}


@pytest.mark.parametrize("fps", [10, 30, 60])
def test_hampel_no_false_alarms_on_smooth_movement(fps):
    t, _clean, noisy = sine(fps, freq_hz=0.7, noise=0.02, seed=fps)
    assert not T.hampel_outliers(noisy, 0.5, time_s=t, min_deviation=0.1).any()


def test_hampel_ignores_nan_and_min_deviation():
    x = np.zeros(50)
    x[20] = 0.05
    x[30] = np.nan
    assert T.hampel_outliers(x, 0.3, fs_hz=30).sum() == 1  # MAD 0: any deviation
    assert T.hampel_outliers(x, 0.3, fs_hz=30, min_deviation=0.1).sum() == 0


# ----------------------------------------------------------------------------- One-Euro
def test_one_euro_constant_signal_is_unchanged_and_nan_resets():
    t = np.arange(20) / 30.0
    x = np.full(20, 3.0)
    x[10] = np.nan
    out = T.one_euro(x, t, min_cutoff_hz=1.0, beta=0.0)
    assert np.isnan(out[10])
    np.testing.assert_allclose(out[np.arange(20) != 10], 3.0)


def test_one_euro_matches_hand_computed_steps():
    t = np.array([0.0, 0.1, 0.3])
    x = np.array([0.0, 1.0, 1.0])
    out = T.one_euro(x, t, min_cutoff_hz=1.0, beta=0.5, derivate_cutoff_hz=2.0)

    def alpha(f, dt):
        return 1.0 / (1.0 + 1.0 / (2 * np.pi * f * dt))

    d1 = alpha(2.0, 0.1) * (1.0 / 0.1)
    x1 = alpha(1.0 + 0.5 * d1, 0.1) * 1.0
    d2 = d1 + alpha(2.0, 0.2) * (0.0 - d1)
    x2 = x1 + alpha(1.0 + 0.5 * abs(d2), 0.2) * (1.0 - x1)
    np.testing.assert_allclose(out, [0.0, x1, x2])


def test_one_euro_uses_real_time():
    # the same movement sampled at 10 and 60 fps ends up about as smoothed at the same instants
    res = {}
    for fps in (10, 60):
        t = np.arange(int(4 * fps)) / fps
        x = np.where(t >= 1.0, 1.0, 0.0)
        res[fps] = T.one_euro(x, t, min_cutoff_hz=0.5, beta=0.0)
    at = lambda fps, s: res[fps][round(s * fps)]  # noqa: E731
    for s in (1.5, 2.0, 3.0):
        assert at(10, s) == pytest.approx(at(60, s), abs=0.08)


def test_one_euro_beta_reduces_lag():
    t, clean, _noisy = sine(30, noise=0.0)
    slow = T.one_euro(clean, t, min_cutoff_hz=0.2, beta=0.0)
    fast = T.one_euro(clean, t, min_cutoff_hz=0.2, beta=5.0)
    assert rms(fast - clean) < 0.5 * rms(slow - clean)


def test_one_euro_validates():
    with pytest.raises(ConfigError):
        T.one_euro(np.zeros(5), np.arange(5.0), min_cutoff_hz=0.0, beta=1.0)
    with pytest.raises(InputError):
        T.one_euro(np.zeros(5), np.zeros(5), min_cutoff_hz=1.0, beta=1.0)
    with pytest.raises(ConfigError):
        T.OneEuroParams(min_cutoff_hz=1.0, beta=-1.0)


# ----------------------------------------------------------------------------- tracks
def make_track(n: int = 90, fps: float = 30.0, noise_px: float = 2.0, seed: int = 0) -> PoseTrack:
    """A standing 'person' (33 points on a 200 x 600 px box) moving down and up once."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    base = np.column_stack([np.linspace(400, 600, 33), np.linspace(200, 800, 33)])
    dy = 100 * np.sin(np.pi * t / t[-1])
    clean = base[None] + np.stack([np.zeros(n), dy], axis=1)[:, None, :]
    xy = clean + noise_px * rng.normal(size=clean.shape)
    world = (clean - clean.mean(axis=1, keepdims=True)) / 600.0
    world = np.concatenate([world, np.zeros((n, 33, 1))], axis=-1)
    return PoseTrack(
        xy_px=xy,
        z=np.zeros((n, 33)),
        visibility=np.full((n, 33), 0.9),
        presence=np.full((n, 33), 0.99),
        world_m=world + 0.01 * rng.normal(size=world.shape),
        time_s=t,
        frame=np.arange(n),
        meta=TrackMeta(source="synthetic", fps=fps, width_px=1000, height_px=1000),
    ), clean


def test_object_scale_is_bounding_box_mean():
    tr, _ = make_track(noise_px=0.0)
    np.testing.assert_allclose(F.object_scale_px(tr), (200 + 600) / 2)


def test_a_frame_with_one_landmark_seen_has_no_size_and_is_smoothed_unscaled():
    import warnings

    tr, _ = make_track(noise_px=0.0)
    xy = tr.xy_px.copy()
    xy[5, 1:] = np.nan  # only the nose seen in frame 5: no extent to measure
    tr = tr.replace(xy_px=xy)
    scale = F.object_scale_px(tr)
    assert np.isnan(scale[5]) and np.isfinite(np.delete(scale, 5)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no division by a zero size
        out = F.smooth_track(tr)
    assert np.isfinite(out.xy_px[5, 0]).all() and np.isnan(out.xy_px[5, 1:]).all()


def test_smooth_track_reduces_jitter_and_records_provenance():
    tr, clean = make_track()
    out = F.smooth_track(tr)
    assert rms(out.xy_px - clean) < rms(tr.xy_px - clean)
    assert out.meta.provenance[-1]["step"] == "one_euro_filter"
    assert out.meta.provenance[-1]["params"]["timing"] == "real"
    assert tr.meta.provenance == ()  # input untouched
    np.testing.assert_array_equal(out.visibility, tr.visibility)


def test_legacy_timing_filters_per_frame():
    tr, _ = make_track(fps=5.0)
    legacy = F.smooth_track(tr, timing="legacy_30fps")
    real = F.smooth_track(tr)
    assert not np.allclose(legacy.xy_px, real.xy_px)
    fast, _ = make_track(fps=30.0)
    np.testing.assert_allclose(
        F.smooth_track(fast, timing="legacy_30fps").xy_px, F.smooth_track(fast).xy_px
    )
    with pytest.raises(ConfigError):
        F.smooth_track(tr, timing="wall clock")


def test_track_filters_keep_nan_frames():
    tr, _clean = make_track()
    xy = tr.xy_px.copy()
    xy[40:43] = np.nan
    tr = tr.replace(xy_px=xy)
    for out in (F.butterworth_filter(tr, 4.0), F.savgol_filter(tr), F.smooth_track(tr)):
        assert np.isnan(out.xy_px[40:43]).all()
        assert np.isfinite(out.xy_px[:40]).all()
    filled = F.interpolate_gaps(tr, 0.2)
    assert np.isfinite(filled.xy_px).all()
    assert filled.meta.provenance[-1]["params"]["n_filled"] == 3 * 33


def test_filter_by_confidence():
    tr, _ = make_track()
    pres = tr.presence.copy()
    pres[5, 31] = 0.1
    vis = tr.visibility.copy()
    vis[6, 13] = 0.2
    tr = tr.replace(presence=pres, visibility=vis)
    out = F.filter_by_confidence(tr)
    assert np.isnan(out.xy_px[5, 31]).all() and np.isnan(out.world_m[5, 31]).all()
    assert np.isfinite(out.xy_px[6, 13]).all()
    out = F.filter_by_confidence(tr, min_visibility=0.5)
    assert np.isnan(out.xy_px[6, 13]).all()
    with pytest.raises(ConfigError):
        F.filter_by_confidence(tr, min_presence=2.0)


def test_clean_track_default_chain():
    tr, clean = make_track()
    out = C.clean_track(tr)
    steps = [p["step"] for p in out.meta.provenance]
    assert steps == [
        "fix_left_right_swaps",
        "reject_outliers",
        "reject_implausible_bones",
        "filter_by_confidence",
        "interpolate_gaps",
        "one_euro_filter",
    ]
    assert rms(out.xy_px - clean) < rms(tr.xy_px - clean)
    bw = C.clean_track(tr, C.CleanOptions(smoothing="butterworth"))
    assert bw.meta.provenance[-1]["step"] == "butterworth_filter"
    with pytest.raises(ConfigError):
        C.CleanOptions(smoothing="kalman")
    with pytest.raises(InputError):
        C.clean_track(np.zeros((3, 33, 2)))


# ----------------------------------------------------------------------------- outliers and swaps
def walking_track(n: int = 120, fps: float = 30.0, seed: int = 0) -> PoseTrack:
    """A side-view-like track: torso fixed, arms and legs swinging, the two sides 80 px apart in x."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    xy = np.zeros((n, 33, 2))
    xy[:, :11] = [500, 150]  # face
    xy[:, 11] = [480, 250]
    xy[:, 12] = [520, 250]
    xy[:, 23] = [480, 450]
    xy[:, 24] = [520, 450]
    swing = 40 * np.sin(2 * np.pi * 0.8 * t)
    for lm, y in (
        (13, 330),
        (15, 410),
        (17, 430),
        (19, 435),
        (21, 425),
        (25, 560),
        (27, 670),
        (29, 680),
        (31, 690),
    ):
        xy[:, lm] = np.column_stack([440 + swing, np.full(n, y)])  # left side, further left
        xy[:, lm + 1] = np.column_stack([560 - swing, np.full(n, y)])  # right side
    xy += 0.5 * rng.normal(size=xy.shape)
    world = np.concatenate([(xy - [500, 450]) / 500.0, np.zeros((n, 33, 1))], axis=-1)
    vis = np.tile(np.linspace(0.5, 1.0, 33), (n, 1))
    return PoseTrack(
        xy_px=xy,
        z=np.zeros((n, 33)),
        visibility=vis,
        presence=np.full((n, 33), 0.99),
        world_m=world,
        time_s=t,
        frame=np.arange(n),
        meta=TrackMeta(source="synthetic", fps=fps, width_px=1000, height_px=800),
    )


def swap(track: PoseTrack, frames, group_lr):
    arrays = {
        k: getattr(track, k).copy() for k in ("xy_px", "z", "world_m", "visibility", "presence")
    }
    left, right = group_lr
    for a in arrays.values():
        for f in frames:
            a[f, left], a[f, right] = a[f, right].copy(), a[f, left].copy()
    return track.replace(**arrays)


def test_fix_left_right_swaps_undoes_a_momentary_swap():
    tr = walking_track()
    legs = swaps.group_indices("leg")
    bad = swap(tr, [50, 51, 52], legs)
    fixed = C.fix_left_right_swaps(bad)
    np.testing.assert_allclose(fixed.xy_px, tr.xy_px)
    np.testing.assert_allclose(fixed.visibility, tr.visibility)  # confidences follow their landmark
    np.testing.assert_allclose(fixed.world_m, tr.world_m)
    assert fixed.meta.provenance[-1]["params"]["swapped_frames"] == {"leg": [50, 51, 52]}


def test_fix_left_right_swaps_leaves_clean_and_long_labellings_alone():
    tr = walking_track()
    out = C.fix_left_right_swaps(tr)
    np.testing.assert_array_equal(out.xy_px, tr.xy_px)
    # swapped for 2 s: consistently labelled, so MediaPipe is trusted
    arms = swaps.group_indices("arm")
    long = swap(tr, range(30, 90), arms)
    np.testing.assert_array_equal(C.fix_left_right_swaps(long).xy_px, long.xy_px)


def test_fix_left_right_swaps_duration_is_in_seconds():
    # the same 0.1 s swap is undone at 10 and at 60 fps
    for fps in (10, 60):
        tr = walking_track(n=int(4 * fps), fps=fps)
        frames = range(int(2 * fps), int(2.1 * fps))
        bad = swap(tr, frames, swaps.group_indices("arm"))
        np.testing.assert_allclose(C.fix_left_right_swaps(bad).xy_px, tr.xy_px)


def test_reject_outliers_removes_a_glitch_only():
    tr = walking_track()
    xy = tr.xy_px.copy()
    xy[60, 15] += [0, 150]  # the left wrist jumps 150 px for one frame
    bad = tr.replace(xy_px=xy)
    out = C.reject_outliers(bad)
    removed = np.argwhere(np.isnan(out.xy_px[..., 0]))
    assert removed.tolist() == [[60, 15]]
    assert np.isnan(out.world_m[60, 15]).all()
    assert not np.isnan(C.reject_outliers(tr).xy_px).any()  # nothing removed from a clean swing


def test_reject_implausible_bones_blames_the_right_landmark():
    tr = walking_track()
    xy = tr.xy_px.copy()
    xy[40, [27, 29, 31]] += [0, 400]  # left foot thrown far: the shank is too long
    xy[70, 13] += [300, 0]  # left elbow thrown: upper arm and forearm too long
    out = C.reject_implausible_bones(tr.replace(xy_px=xy))
    removed = {tuple(x) for x in np.argwhere(np.isnan(out.xy_px[..., 0])).tolist()}
    assert removed == {(40, 27), (40, 29), (40, 31), (70, 13)}
    assert out.meta.provenance[-1]["params"]["n_removed"] == len(removed)


def test_clean_track_fills_what_it_removes():
    tr = walking_track()
    xy = tr.xy_px.copy()
    xy[60, 15] += [0, 150]
    out = C.clean_track(tr.replace(xy_px=xy))
    assert np.isfinite(out.xy_px).all()
    assert abs(out.xy_px[60, 15, 1] - tr.xy_px[60, 15, 1]) < 15
