"""The rep detector on constructed signals: counts and turning points under noise, gaps, pauses, drift,
idle stretches, set-up movements, clips cut at either end, 3-30 reps and 5-60 fps."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.core.errors import ConfigError, InputError
from formlab.reps import RepDetectorParams, find_reps

AMPLITUDE_M = 0.4


def squat_signal(
    n_reps: int,
    fps: float,
    *,
    down_s=1.2,
    up_s=0.8,
    rest_s=1.0,
    pause_s=0.0,
    lead_s=2.0,
    tail_s=2.0,
    amplitude=AMPLITUDE_M,
    standing=0.9,
    jitter_s=0.0,
    seed=0,
):
    """Hip height of ``n_reps`` squats (cosine descent and ascent, optional pause at the bottom), with the
    true bottom times (middle of the pause). Timestamps are jittered for a variable frame rate."""
    rng = np.random.default_rng(seed)
    period = down_s + pause_s + up_s + rest_s
    duration = lead_s + n_reps * period - rest_s + tail_s
    n = round(duration * fps) + 1
    t = np.arange(n) / fps
    if jitter_s:
        t = t + rng.uniform(-jitter_s, jitter_s, n)
        t[0] = 0.0
        t = np.sort(t)
    depth = np.zeros(n)
    bottoms = []
    for k in range(n_reps):
        t0 = lead_s + k * period
        bottoms.append(t0 + down_s + pause_s / 2)
        ph = t - t0
        down = (ph >= 0) & (ph < down_s)
        depth[down] = 0.5 * (1 - np.cos(np.pi * ph[down] / down_s))
        hold = (ph >= down_s) & (ph < down_s + pause_s)
        depth[hold] = 1.0
        up = (ph >= down_s + pause_s) & (ph < down_s + pause_s + up_s)
        depth[up] = 0.5 * (1 + np.cos(np.pi * (ph[up] - down_s - pause_s) / up_s))
    return t, standing - amplitude * depth, np.array(bottoms)


def assert_turns(det, true_times, tol_s):
    got = np.array([r.turn_s for r in det.reps])
    assert got.shape == true_times.shape, (
        f"{det.count} reps found, {len(true_times)} expected; rejected: "
        f"{[r for r in det.rejected if r['depth'] > 0.05]}"
    )
    assert np.max(np.abs(got - true_times)) <= tol_s, got - true_times


@pytest.mark.parametrize("fps", [5, 12, 30, 60])
@pytest.mark.parametrize("n_reps", [3, 7, 15, 30])
def test_counts_clean_reps_at_any_frame_rate(n_reps, fps):
    t, y, bottoms = squat_signal(n_reps, fps)
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=max(1.0 / fps, 0.05))
    assert all(r.start_s < r.turn_s < r.end_s and r.complete for r in det.reps)


@pytest.mark.parametrize("fps", [5, 30, 60])
def test_top_turning_points(fps):
    t, y, bottoms = squat_signal(5, fps)
    det = find_reps(t, -y, "top")  # the same movement upside down: the turning points are its tops
    assert_turns(det, bottoms, tol_s=max(1.0 / fps, 0.05))


@pytest.mark.parametrize("fps", [10, 30, 60])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noise(fps, seed):
    t, y, bottoms = squat_signal(10, fps, seed=seed)
    y = y + np.random.default_rng(seed).normal(0, 0.02, y.size)  # 2 cm jitter on a 40 cm movement
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.15)


def test_variable_frame_rate():
    t, y, bottoms = squat_signal(8, 30, jitter_s=0.012, seed=4)
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.06)


def test_short_gaps_are_bridged_and_long_gaps_split():
    t, y, bottoms = squat_signal(6, 30)
    y = y.copy()
    # short gaps (0.3 s) on a descent and on a bottom: bridged, every rep still counted
    for centre in (bottoms[1] - 0.6, bottoms[3]):
        y[np.abs(t - centre) < 0.15] = np.nan
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.12)
    # a 3 s gap over rep 5: it is not counted (its turning point was not seen); the others are
    y[np.abs(t - bottoms[4]) < 1.5] = np.nan
    det = find_reps(t, y, "bottom")
    assert_turns(det, np.delete(bottoms, 4), tol_s=0.12)


@pytest.mark.parametrize("pause_s", [1.0, 3.0])
def test_pause_at_the_bottom_is_one_rep_turning_in_its_middle(pause_s):
    t, y, bottoms = squat_signal(4, 30, pause_s=pause_s)
    y = y + np.random.default_rng(5).normal(0, 0.01, y.size)
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.25 * pause_s + 0.1)


@pytest.mark.parametrize("drift_m", [-0.4, 0.2, 0.6])
def test_drift(drift_m):
    t, y, bottoms = squat_signal(12, 30)
    y = (
        y + drift_m * t / t[-1]
    )  # slow drift (camera tilt, person walking away): up to 1.5 x the movement
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.1)


def test_idle_stretches_and_setup_movements_are_not_reps():
    fps = 30
    t, y, bottoms = squat_signal(3, fps, lead_s=8.0, tail_s=8.0)
    rng = np.random.default_rng(6)
    y = y + rng.normal(0, 0.005, y.size)
    # walking in (steps: 3 cm bobs at 2 Hz) and a bar walk-out (a 10 cm dip) before the set, racking after
    walk = (t > 0.5) & (t < 4.0)
    y[walk] += 0.03 * np.sin(2 * np.pi * 2.0 * t[walk])
    walkout = (t > 5.0) & (t < 6.5)
    y[walkout] -= 0.10 * np.sin(np.pi * (t[walkout] - 5.0) / 1.5)
    rack = t > t[-1] - 5.0
    y[rack] -= 0.08 * np.sin(np.pi * (t[rack] - t[rack][0]) / 5.0) ** 2
    det = find_reps(t, y, "bottom")
    assert_turns(det, bottoms, tol_s=0.1)


def test_no_movement_gives_no_reps():
    t = np.arange(0, 20, 1 / 30)
    y = 0.9 + np.random.default_rng(7).normal(0, 0.01, t.size)
    det = find_reps(t, y, "bottom")
    assert det.count == 0
    det = find_reps(t, np.full(t.size, np.nan), "bottom")
    assert det.count == 0


def test_clip_starting_at_a_turning_point_does_not_count_it():
    t, y, bottoms = squat_signal(4, 30, lead_s=0.5)
    start = np.searchsorted(t, bottoms[0])  # the clip starts exactly at the first bottom
    det = find_reps(t[start:] - t[start], y[start:], "bottom")
    assert_turns(det, bottoms[1:] - t[start], tol_s=0.05)


def test_last_rep_cut_by_the_end_counts_once_its_turning_point_is_reached():
    t, y, bottoms = squat_signal(3, 30)
    # cut mid-ascent of rep 3: counted, marked incomplete
    end = np.searchsorted(t, bottoms[2] + 0.3)
    det = find_reps(t[:end], y[:end], "bottom")
    assert_turns(det, bottoms, tol_s=0.05)
    assert [r.complete for r in det.reps] == [True, True, False]
    # cut mid-descent of rep 3: the bottom was never reached, not counted
    end = np.searchsorted(t, bottoms[2] - 0.5)
    det = find_reps(t[:end], y[:end], "bottom")
    assert_turns(det, bottoms[:2], tol_s=0.05)


def test_clip_ending_in_a_hold_at_the_turning_point_counts_it():
    # a deadlift whose clip ends at lockout: the bar rises and stays up until the end
    fps = 30
    t = np.arange(0, 6, 1 / fps)
    bar = np.where(
        t < 3.0, 0.2, np.where(t < 4.0, 0.2 + 0.5 * (1 - np.cos(np.pi * (t - 3.0))) / 2, 0.7)
    )
    det = find_reps(t, bar, "top")
    assert det.count == 1 and abs(det.reps[0].turn_s - 4.0) < 0.15 and not det.reps[0].complete
    # the same clip ending while the bar is still rising: no rep
    end = np.searchsorted(t, 3.7)
    assert find_reps(t[:end], bar[:end], "top").count == 0


def test_a_one_frame_glitch_is_not_a_rep():
    t, y, bottoms = squat_signal(3, 30)
    y = y.copy()
    y[np.searchsorted(t, 1.0)] -= 1.0  # a tracking glitch: one frame 1 m down
    det = find_reps(t, y, "bottom", RepDetectorParams(cutoff_hz=10.0))
    assert_turns(det, bottoms, tol_s=0.05)


def test_two_dips_closer_than_min_distance_are_one_rep():
    t = np.arange(0, 6, 1 / 60)
    y = 0.9 - 0.3 * (np.exp(-(((t - 2.8) / 0.25) ** 2)) + np.exp(-(((t - 3.2) / 0.25) ** 2)))
    det = find_reps(t, y, "bottom", RepDetectorParams(min_prominence_frac=0.05))
    assert det.count == 1


def test_allowed_mask_rejects_a_bigger_one_off_before_the_range_is_measured():
    t, y, bottoms = squat_signal(3, 30, tail_s=6.0)
    y = y.copy()
    other = t > t[-1] - 4.0
    y[other] -= 1.2 * np.sin(
        np.pi * (t[other] - t[other][0]) / 4.0
    )  # a 3 x larger movement of another kind
    assert find_reps(t, y, "bottom").count == 1  # without the mask it dwarfs the squats
    det = find_reps(t, y, "bottom", allowed=~other)
    assert_turns(det, bottoms, tol_s=0.05)


def test_rep_boundaries_and_table():
    t, y, bottoms = squat_signal(2, 60, down_s=1.5, up_s=0.75, rest_s=2.0)
    det = find_reps(t, y, "bottom")
    r = det.reps[0]
    # start/end: the cosine is 10 % of the way down after acos(0.8)/pi of its phase; the turning point is the
    # middle of the stretch within 5 % of the bottom, which reaches further into the slower descent
    at10, at5 = np.arccos(0.8) / np.pi, np.arccos(0.9) / np.pi
    start, end = bottoms[0] - 1.5 * (1 - at10), bottoms[0] + 0.75 * (1 - at10)
    turn = bottoms[0] - (1.5 - 0.75) * at5 / 2
    assert (r.start_s, r.turn_s, r.end_s) == pytest.approx((start, turn, end), abs=0.04)
    assert r.depth == pytest.approx(AMPLITUDE_M, rel=0.05)
    table = det.to_frame()
    assert list(table["rep"]) == [1, 2] and table["turn_frame"].tolist() == det.turn_frames
    assert det.turn_frames == [round(r.turn_s * 60) for r in det.reps]


def test_frame_numbers_are_passed_through():
    t, y, bottoms = squat_signal(3, 10)
    frames = np.arange(t.size) * 3 + 100  # e.g. stride 3 from frame 100
    det = find_reps(t, y, "bottom", frame=frames)
    assert det.turn_frames == [100 + 3 * round(b * 10) for b in bottoms]


def test_bad_inputs_and_parameters():
    t = np.arange(10.0)
    with pytest.raises(InputError, match="same length"):
        find_reps(t, np.zeros(9))
    with pytest.raises(InputError, match="strictly increasing"):
        find_reps(t[::-1], np.zeros(10))
    with pytest.raises(ConfigError, match="turning_point"):
        find_reps(t, np.zeros(10), "middle")
    with pytest.raises(ConfigError, match="min_prominence_frac"):
        RepDetectorParams(min_prominence_frac=1.5)
    with pytest.raises(ConfigError, match="cutoff_hz"):
        RepDetectorParams(cutoff_hz=0)
    with pytest.raises(ConfigError, match="unknown setting rep_detector.distance_frames"):
        RepDetectorParams().with_overrides({"distance_frames": 3})


# ----------------------------------------------------------------------------- the article's baseline
def test_article_peaks_counts_every_wiggle():
    """Noise-free, the raw wrist height has one minimum per squat; with 1 cm of landmark noise, dozens."""
    from support.synthetic_pose import exercise_track

    from formlab.reps import article_peaks

    clean, bottoms_s = exercise_track("squat", n_reps=4, view="side")
    frames = article_peaks(clean, "bottom")
    assert len(frames) == 4
    np.testing.assert_allclose(clean.time_s[frames], bottoms_s, atol=0.05)
    noisy, _ = exercise_track("squat", n_reps=4, view="side", noise_m=0.01)
    assert len(article_peaks(noisy, "bottom")) > 10 * 4
    assert len(article_peaks(noisy, "top")) > 10 * 4
    with pytest.raises(ConfigError):
        article_peaks(clean, "middle")


def test_repr_is_one_short_line_naming_count_signal_and_turning_frames():
    t, y, _ = squat_signal(3, 30.0)
    det = find_reps(t, y, "bottom", exercise="back_squat", signal_name="hip_height_m")
    text = repr(det)
    frames = ", ".join(str(f) for f in det.turn_frames)
    assert text == (
        f"<RepDetection 3 reps of back_squat at bottoms of hip_height_m, {t.size} samples, "
        f"turns at frames {frames}>"
    )
    many = find_reps(
        *squat_signal(30, 30.0)[:2], "bottom", exercise="squat", signal_name="hip_height_m"
    )
    text = repr(many)
    # 30 turning points would make a long line: the first few, then "..."
    assert "\n" not in text and len(text) < 160 and text.endswith(", ...>") and "30 reps" in text
    none = find_reps(
        t, np.full_like(y, 0.9), "bottom", exercise="squat", signal_name="hip_height_m"
    )
    assert repr(none).startswith("<RepDetection 0 reps of squat") and "turns" not in repr(none)


def _pull(t, start_s=1.0, pull_s=1.0, low=0.2, high=0.7):
    """Bar height of one pull: on the floor until start_s, cosine rise over pull_s, then held."""
    ph = np.clip((t - start_s) / pull_s, 0, 1)
    return low + (high - low) * 0.5 * (1 - np.cos(np.pi * ph))


def test_pull_broken_off_by_the_end_counts_when_the_pose_shows_the_turn_reached():
    # the clip (or the shot before a cut) ends at 1.9 s, the bar still rising: the signal alone
    # cannot tell a lockout from a cut mid-pull, the pose (standing tall) can
    fps = 30
    t = np.arange(0, 1.9, 1 / fps)
    bar = _pull(t)
    assert find_reps(t, bar, "top").count == 0
    standing = t >= 1.8  # the lifter upright in the last frames
    assert find_reps(t, bar, "top", reached=standing).count == 1
    # standing only earlier in the clip (before the pull) is no evidence of the lockout
    assert find_reps(t, bar, "top", reached=t < 0.5).count == 0


def test_pull_broken_off_by_a_gap_counts_when_the_lockout_is_seen_after_it():
    # the pose is lost from 1.7 s to 3.2 s (the plate hides the hips at lockout), then the lowering
    fps = 30
    t = np.arange(0, 5, 1 / fps)
    bar = np.where(t < 3.3, _pull(t), 0.7 - 0.5 * np.clip((t - 3.3) / 1.0, 0, 1))
    bar[(t > 1.7) & (t < 3.2)] = np.nan
    assert find_reps(t, bar, "top").count == 0
    seen_after = (t >= 3.2) & (t < 3.3)
    det = find_reps(t, bar, "top", reached=seen_after)
    assert det.count == 1 and det.reps[0].turn_s < 1.75
    # the lockout pose seen only long after the gap (another moment of the lift) does not count
    assert find_reps(t, bar, "top", reached=t > 4.5).count == 0


def test_reached_mask_must_match_the_signal():
    t = np.arange(0, 2, 1 / 30)
    with pytest.raises(InputError, match="reached"):
        find_reps(t, _pull(t), "top", reached=np.ones(3, bool))


def test_an_impossible_jump_splits_the_signal_like_a_gap():
    # a pull to lockout, the pose lost, then found again on garbage for two frames that jump
    # from below the floor level to the top (9-14 m/s): no second rep from the jump (the deadlift's 8 m/s)
    fps = 30
    t = np.arange(0, 5, 1 / fps)
    bar = np.where(t < 3.0, _pull(t), 0.7 - 0.5 * np.clip((t - 3.0) / 1.0, 0, 1))
    lost = (t > 2.2) & (t < 2.9)
    bar[lost] = np.nan
    k = np.flatnonzero(t >= 2.9)[0]
    assert find_reps(t, bar, "top").count == 1
    bar[k], bar[k + 1] = 0.0, 0.35  # re-acquired: 0.0 -> 0.35 -> 0.7 within two frames
    assert find_reps(t, bar, "top", RepDetectorParams(max_speed_per_s=100.0)).count == 2
    det = find_reps(t, bar, "top", RepDetectorParams(max_speed_per_s=8.0))
    assert det.count == 1 and det.reps[0].turn_s < 2.3


def test_a_fast_real_movement_is_not_a_jump():
    # 3 m/s, as fast as a bar is lowered: smoothed and counted as usual
    t, y, bottoms = squat_signal(3, 60, down_s=0.25, up_s=0.25, amplitude=0.4)
    assert np.max(np.abs(np.diff(y)) * 60) < 8.0
    assert_turns(
        find_reps(t, y, "bottom", RepDetectorParams(max_speed_per_s=8.0)), bottoms, tol_s=0.1
    )
