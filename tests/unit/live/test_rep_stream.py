"""The online rep detector on constructed signals: what it counts, when, and that it never looks ahead."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.core.errors import ConfigError
from formlab.live.rep_stream import RepStream
from formlab.reps import RepDetectorParams, find_reps

AMPLITUDE_M = 0.4
STAND_M = 0.9


def squat_signal(
    n_reps, fps, *, down_s=1.2, up_s=0.9, rest_s=1.0, lead_s=1.5, tail_s=1.5, depths=None
):
    """Hip height of ``n_reps`` squats (cosine down and up), rests between; returns (t, x, bottoms)."""
    period = down_s + up_s + rest_s
    t = np.arange(0.0, lead_s + n_reps * period - rest_s + tail_s, 1.0 / fps)
    x = np.full_like(t, STAND_M)
    bottoms = []
    for k in range(n_reps):
        depth = AMPLITUDE_M if depths is None else depths[k]
        ph = t - (lead_s + k * period)
        bottoms.append(lead_s + k * period + down_s)
        m = (ph >= 0) & (ph < down_s)
        x[m] -= depth * 0.5 * (1 - np.cos(np.pi * ph[m] / down_s))
        m = (ph >= down_s) & (ph < down_s + up_s)
        x[m] -= depth * 0.5 * (1 + np.cos(np.pi * (ph[m] - down_s) / up_s))
    return t, x, np.array(bottoms)


def run(t, x, turning_point="bottom", params=None, conditions=None):
    """Push every sample; return the stream and, per rep, the index of the sample that confirmed it."""
    rs = RepStream(turning_point, params, conditions)
    confirmed_at = []
    for i, (ti, xi) in enumerate(zip(t, x)):
        rep = rs.push(ti, xi)
        if rep is not None:
            confirmed_at.append(i)
    return rs, confirmed_at


@pytest.mark.parametrize("fps", [5.0, 15.0, 30.0, 60.0])
def test_counts_reps_at_their_turning_points_at_any_frame_rate(fps):
    t, x, bottoms = squat_signal(4, fps)
    rs, _ = run(t, x)
    assert len(rs.reps) == 4
    turns = np.array([r.turn_s for r in rs.reps])
    assert np.all(np.abs(turns - bottoms) <= max(0.12, 1.0 / fps))  # within a frame or 0.12 s


def test_same_count_and_turns_as_the_offline_detector_under_noise():
    rng = np.random.default_rng(1)
    t, x, _ = squat_signal(5, 30.0)
    x = x + rng.normal(0, 0.01, x.shape)
    rs, _ = run(t, x)
    offline = find_reps(t, x, "bottom")
    assert len(rs.reps) == offline.count == 5
    assert np.allclose([r.turn_s for r in rs.reps], [r.turn_s for r in offline.reps], atol=0.1)
    assert np.allclose([r.start_s for r in rs.reps], [r.start_s for r in offline.reps], atol=0.15)
    assert np.allclose([r.end_s for r in rs.reps], [r.end_s for r in offline.reps], atol=0.15)


def test_a_rep_is_confirmed_once_the_lifter_is_back_not_before():
    t, x, _ = squat_signal(2, 30.0)
    rs, confirmed_at = run(t, x)
    for rep, i in zip(rs.reps, confirmed_at):
        assert t[i] > rep.turn_s
        back = STAND_M - x[i]  # how far below standing at confirmation
        assert back <= 0.25 * AMPLITUDE_M  # back near the start (the low-pass lags a little)
        assert rep.confirmed_s == t[i]
        assert t[i] - rep.end_s < 0.35  # confirmed soon after it ended


def test_no_look_ahead_the_past_alone_decides():
    """Cutting the stream anywhere gives the reps confirmed up to there, unchanged."""
    t, x, _ = squat_signal(3, 30.0)
    full, confirmed_at = run(t, x)
    for i in confirmed_at:
        part, _ = run(t[: i + 1], x[: i + 1])
        assert part.reps == full.reps[: len(part.reps)]
        assert part.reps[-1] == full.reps[len(part.reps) - 1]
        before, _ = run(t[:i], x[:i])
        assert len(before.reps) == len(part.reps) - 1


def test_jitter_and_small_movements_are_not_reps():
    rng = np.random.default_rng(2)
    t = np.arange(0, 20, 1 / 30)
    x = STAND_M + rng.normal(0, 0.01, t.size) + 0.02 * np.sin(2 * np.pi * 0.3 * t)
    rs, _ = run(t, x)
    assert rs.reps == []


def test_depth_is_relative_to_the_movement_seen_so_far():
    """After deep reps, a dip of a fifth of their depth is not a rep (min_prominence_frac 0.5)."""
    t, x, _ = squat_signal(3, 30.0, depths=[0.4, 0.4, 0.08])
    rs, _ = run(t, x)
    assert len(rs.reps) == 2
    assert any("too shallow" in r["reason"] for r in rs.rejected)


def test_a_brief_glitch_is_not_a_rep():
    t = np.arange(0, 6, 1 / 30)
    x = np.full_like(t, STAND_M)
    x[(t > 3.0) & (t < 3.07)] -= 0.5  # two frames
    rs, _ = run(t, x)
    assert rs.reps == []


def test_min_distance_keeps_the_first_of_two_close_turns():
    params = RepDetectorParams(min_distance_s=3.0)
    t, x, _ = squat_signal(2, 30.0, rest_s=0.2)
    rs, _ = run(t, x, params=params)
    assert len(rs.reps) == 1
    assert any("within" in r["reason"] for r in rs.rejected)


def test_a_lifter_standing_lower_than_at_the_start_still_completes_reps():
    t, x, _ = squat_signal(3, 30.0)
    x = np.where(t < 1.0, x + 0.12, x)  # stood taller before the set (e.g. unracking on tiptoe)
    rs, _ = run(t, x)
    assert len(rs.reps) == 3


def test_short_gaps_are_bridged():
    t, x, _ = squat_signal(3, 30.0)
    x = x.copy()
    x[::7] = np.nan
    rs, _ = run(t, x)
    assert len(rs.reps) == 3


def test_pose_conditions_reject_a_rep_and_say_why():
    t, x, _ = squat_signal(2, 30.0)
    rs, _ = run(
        t, x, conditions=lambda start, turn: "pose check failed: nope" if turn < 120 else ""
    )
    assert len(rs.reps) == 1
    assert rs.rejected[-1]["reason"] == "pose check failed: nope"


def test_finish_counts_a_last_top_held_when_the_stream_ends():
    """A deadlift lockout the clip ends on counts at the end, as offline; not before."""
    fps = 30.0
    t = np.arange(0, 4.0, 1 / fps)
    x = np.where(t < 1.0, 0.2, np.minimum(0.2 + 0.5 * (t - 1.0), 0.8))  # pull, then hold at the top
    rs, confirmed = run(t, x, turning_point="top")
    assert confirmed == []
    rep = rs.finish()
    assert rep is not None and rep.number == 1
    assert find_reps(t, x, "top").count == 1


def test_finish_does_not_count_a_movement_cut_mid_way():
    t = np.arange(0, 2.0, 1 / 30)
    x = 0.2 + 0.5 * t  # still rising when the stream ends
    rs, _ = run(t, x, turning_point="top")
    assert rs.finish() is None


def test_unknown_turning_point_is_refused():
    with pytest.raises(ConfigError, match="turning_point"):
        RepStream("middle")
