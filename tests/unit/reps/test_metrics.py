"""Per-rep numbers on constructed bar paths with known durations, speeds and drift."""

import numpy as np
import pandas as pd
import pytest
from support.synthetic_pose import exercise_track

from formlab.core.errors import InputError
from formlab.reps import detect_reps, find_reps
from formlab.reps.metrics import BASE_COLUMNS, rep_metrics, summarize_reps


def linear_squats(fps=60.0, n=3, down_s=2.0, up_s=1.0, depth_m=0.5, rest_s=1.5, drift_m=0.04):
    """A bar that goes down at constant speed and up at constant speed, drifting forward on the way down."""
    t = np.arange(0, 1.0 + n * (down_s + up_s + rest_s) + 1.0, 1 / fps)
    y = np.full(t.size, 1.5)
    x = np.zeros(t.size)
    for k in range(n):
        t0 = 1.0 + k * (down_s + up_s + rest_s)
        d = (t >= t0) & (t < t0 + down_s)
        y[d] = 1.5 - depth_m * (t[d] - t0) / down_s
        x[d] = drift_m * (t[d] - t0) / down_s
        u = (t >= t0 + down_s) & (t < t0 + down_s + up_s)
        y[u] = 1.5 - depth_m + depth_m * (t[u] - t0 - down_s) / up_s
        x[u] = drift_m * (1 - (t[u] - t0 - down_s) / up_s)
    return t, x, y


def test_phases_velocities_and_drift_of_a_known_movement():
    t, x, y = linear_squats()
    det = find_reps(t, y, "bottom")
    table = rep_metrics(det, "squat", x_m=x, y_m=y)
    assert list(table.columns[: len(BASE_COLUMNS)]) == list(BASE_COLUMNS) and len(table) == 3
    # the rep starts and ends where the (smoothed) bar is 10 % of the depth from the top: ~90 % of each phase
    np.testing.assert_allclose(table["eccentric_s"], 0.9 * 2.0, atol=0.05)
    np.testing.assert_allclose(table["concentric_s"], 0.9 * 1.0, atol=0.05)
    np.testing.assert_allclose(
        table["mean_concentric_velocity_mps"], 0.5, atol=0.03
    )  # 0.5 m in 1 s
    np.testing.assert_allclose(table["peak_concentric_velocity_mps"], 0.5, atol=0.05)
    np.testing.assert_allclose(
        table["rom_m"], 0.5 * 0.9, atol=0.03
    )  # from the rep's start to its end
    np.testing.assert_allclose(
        table["horizontal_drift_cm"], 0.9 * 4.0, atol=0.2
    )  # 4 cm forward, from 10 % in
    assert table["complete"].all()
    # angles need a track: without one they are NaN, not invented
    assert table["max_knee_flexion_deg"].isna().all()


def test_top_exercises_lift_into_the_turning_point():
    t, x, y = linear_squats(down_s=1.0, up_s=2.0)
    det = find_reps(
        t, -y, "top"
    )  # treat the same path as a lift to the top and lowering (e.g. a curl)
    table = rep_metrics(det, "curl", x_m=x, y_m=-y)
    np.testing.assert_allclose(table["concentric_s"], 0.9 * 1.0, atol=0.05)
    np.testing.assert_allclose(table["eccentric_s"], 0.9 * 2.0, atol=0.05)
    np.testing.assert_allclose(table["mean_concentric_velocity_mps"], 0.5, atol=0.03)


def test_a_rep_cut_by_the_end_has_no_concentric_numbers():
    t, x, y = linear_squats(n=2)
    end = np.searchsorted(t, 1.0 + (2.0 + 1.0 + 1.5) + 2.0 + 0.3)  # 0.3 s into rep 2's ascent
    det = find_reps(t[:end], y[:end], "bottom")
    table = rep_metrics(det, "squat", x_m=x[:end], y_m=y[:end])
    assert table["complete"].tolist() == [True, False]
    last = table.iloc[-1]
    assert np.isnan(last["concentric_s"]) and np.isnan(last["mean_concentric_velocity_mps"])
    assert np.isfinite(last["eccentric_s"])


def test_angles_come_from_the_track():
    track, _ = exercise_track("squat", 3, 30.0)
    det = detect_reps(track, "squat")
    y = -track.world_m[:, 0, 1]
    table = rep_metrics(det, "squat", x_m=np.zeros(track.n_frames), y_m=y, track=track)
    np.testing.assert_allclose(
        table["max_knee_flexion_deg"], 180.0 - 58.6, atol=2.0
    )  # the figure's deepest knee bend: a 58.6 deg hip-knee-ankle angle
    np.testing.assert_allclose(table["max_trunk_lean_deg"], 35.0, atol=1.0)


def test_summary_and_bad_inputs():
    t, x, y = linear_squats()
    det = find_reps(t, y, "bottom")
    table = rep_metrics(det, "squat", x_m=x, y_m=y)
    s = summarize_reps(table)
    assert s["reps"] == 3 and s["mean_over_reps"]["rom_m"] == pytest.approx(0.45, abs=0.03)
    assert s["velocity_loss_pct"] == pytest.approx(0.0, abs=5.0)
    empty = summarize_reps(table.iloc[:0])
    assert empty["reps"] == 0 and empty["velocity_loss_pct"] is None
    assert set(empty["mean_over_reps"]) == set(s["mean_over_reps"]) and not any(
        empty["mean_over_reps"].values()
    )
    with pytest.raises(InputError, match="one value per frame"):
        rep_metrics(det, "squat", x_m=x[:-1], y_m=y)
    assert isinstance(table, pd.DataFrame)
