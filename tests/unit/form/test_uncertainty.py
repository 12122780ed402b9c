"""Each value's uncertainty, estimated from the clip: landmark jitter and bone-length errors."""

from __future__ import annotations

import numpy as np
import pytest
from support.constructed_posture import squat_reps

from formlab import evaluate_form, form_per_rep, thresholds_for
from formlab.core.landmarks import LANDMARK_INDEX
from formlab.exercises import get_exercise
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS, UNCERTAIN
from formlab.form.judge import verdicts
from formlab.form.uncertainty import jitter_sd, sd_name, segment_error, segment_turn_rate, value_sd
from formlab.pipeline.feedback import explain_frame

DEPTH = next(c for c in get_exercise("front_squat").checks if c.name == "depth")


def _with_world(track, world):
    return track.replace(world_m=world)


def test_sd_column_names_keep_the_unit_last():
    assert sd_name("hip_below_knee_deg") == "hip_below_knee_sd_deg"
    assert sd_name("knee_ankle_width_ratio") == "knee_ankle_width_sd_ratio"
    assert sd_name("bar_offset_m") == "bar_offset_sd_m"
    assert sd_name("score") == "score_sd"


def test_jitter_is_the_moving_rms_of_raw_minus_clean():
    rng = np.random.default_rng(1)
    clean = np.linspace(0, 10, 600)
    raw = clean + rng.normal(0, 2.0, clean.size)
    sd = jitter_sd(raw, clean, 15)
    assert np.median(sd) == pytest.approx(2.0, rel=0.2)
    assert np.all(jitter_sd(clean, clean, 15) == 0)
    raw[100:140] = np.nan  # unmeasured frames do not count; a window with none is NaN
    sd = jitter_sd(raw, clean, 15)
    assert np.isnan(sd[120]) and np.isfinite(sd[95])


def test_a_stretched_thigh_raises_the_uncertainty_and_beyond_the_limit_is_misplaced():
    track, _ = squat_reps(1)
    world = track.world_m.copy()
    k = 40
    hip, knee = LANDMARK_INDEX["right_hip"], LANDMARK_INDEX["right_knee"]
    world[k, hip] = world[k, knee] + 1.2 * (world[k, hip] - world[k, knee])  # 20 % longer thigh
    world[k + 1, hip] = world[k + 1, knee] + 1.6 * (world[k + 1, hip] - world[k + 1, knee])
    t = _with_world(track, world)
    err = segment_error(t, DEPTH)
    thigh = np.linalg.norm(world[:, hip] - world[:, knee], axis=-1)
    median = np.median(
        thigh
    )  # the bone's length over the clip (the two long frames barely move it)
    assert err[k] == pytest.approx(thigh[k] / median - 1, abs=1e-6) and err[k] > 0.15
    assert err[k + 1] == pytest.approx(thigh[k + 1] / median - 1, abs=1e-6) and err[k + 1] > 0.5
    assert np.median(err) < 0.02
    value = np.full(len(err), 10.0)
    sd = value_sd(DEPTH, value, segment_err=err, jitter=None, max_segment_error=0.4)
    assert sd[k] == pytest.approx(np.degrees(err[k]))  # an angle: e radians
    assert np.isinf(sd[k + 1])
    assert sd[0] == pytest.approx(np.degrees(err[0]))


def test_widths_are_not_bones():
    track, _ = squat_reps(1)
    knees_out = next(c for c in get_exercise("back_squat").checks if c.name == "knees_out")
    assert np.all(segment_error(track, knees_out) == 0)


def test_verdicts_within_the_uncertainty_are_uncertain():
    margin = np.array([3.0, 0.5, -0.5, -3.0, np.nan])
    assert list(verdicts(margin, 1.0)) == [PASS, UNCERTAIN, UNCERTAIN, FAIL, NOT_ASSESSABLE]
    assert list(verdicts(margin, 1.0, z=0.0)) == [PASS, PASS, FAIL, FAIL, NOT_ASSESSABLE]


def _noisy(track, sd_m, seed=0):
    rng = np.random.default_rng(seed)
    return track.replace(world_m=track.world_m + rng.normal(0, sd_m, track.world_m.shape))


def test_a_depth_missed_by_less_than_the_jitter_is_uncertain_not_fail():
    """A rep 0.5 deg short of parallel, judged on a track whose raw landmarks jitter by ~1 cm."""
    track, reps = squat_reps(2, bottoms=(-0.5, -25.0))
    raw = _noisy(track, 0.01)
    fb = evaluate_form(track, "front_squat", reps=reps, raw_track=raw)
    per_rep = form_per_rep(fb, reps)
    assert per_rep.loc[0, "depth"] == UNCERTAIN
    assert per_rep.loc[0, "depth_worst_hip_below_knee_sd_deg"] > 0.5
    assert "uncertainty" in per_rep.loc[0, "depth_why"]
    assert per_rep.loc[1, "depth"] == FAIL  # 25 deg short is a fail whatever the jitter
    # without the raw track there is no jitter to speak of: the same rep fails
    sharp = form_per_rep(evaluate_form(track, "front_squat", reps=reps), reps)
    assert sharp.loc[0, "depth"] == FAIL
    # z = 0 turns the uncertainty off
    th = thresholds_for("front_squat").updated({"uncertainty.z": 0.0})
    fb0 = evaluate_form(track, "front_squat", th, reps=reps, raw_track=raw)
    assert form_per_rep(fb0, reps).loc[0, "depth"] == FAIL


def test_misplaced_landmarks_make_the_check_not_assessable_with_the_reason():
    track, reps = squat_reps(1, bottoms=(-20.0,))
    world = track.world_m.copy()
    turn = int(reps.loc[0, "turn_frame"])
    bottom = slice(turn - 15, turn + 16)  # the hips hidden through the bottom of the rep
    for side in ("left", "right"):
        hip, knee = LANDMARK_INDEX[f"{side}_hip"], LANDMARK_INDEX[f"{side}_knee"]
        world[bottom, hip] = world[bottom, knee] + 1.8 * (world[bottom, hip] - world[bottom, knee])
    bad = _with_world(track, world)
    fb = evaluate_form(bad, "front_squat", reps=reps)
    per_rep = form_per_rep(fb, reps)
    assert per_rep.loc[0, "depth"] == NOT_ASSESSABLE
    assert "misplaced" in per_rep.loc[0, "depth_why"]
    assert np.isinf(fb.loc[turn, "hip_below_knee_sd_deg"])
    assert (
        form_per_rep(evaluate_form(track, "front_squat", reps=reps), reps).loc[0, "depth"] == FAIL
    )
    why = explain_frame(fb, turn).loc["depth", "why"]
    assert "misplaced" in why


TORSO_UPRIGHT = next(c for c in get_exercise("front_squat").checks if c.name == "torso_upright")


def _flip_trunk(track, frames):
    """The trunk read leaning 90 deg forward in ``frames`` (the pose model's other reading of it)."""
    world = track.world_m.copy()
    hip_mid = 0.5 * (world[:, LANDMARK_INDEX["left_hip"]] + world[:, LANDMARK_INDEX["right_hip"]])
    for j in range(23):  # head, shoulders and arms turned about the hips, +x forward, y down
        v = world[frames, j] - hip_mid[frames]
        world[frames, j] = hip_mid[frames] + np.stack([-v[:, 1], v[:, 0], v[:, 2]], -1)
    return track.replace(world_m=world)


def test_a_trunk_that_jumps_between_readings_is_not_assessable_there():
    """Bones do not turn 90 deg in a frame: the raw pose jumping makes the frames unreadable."""
    track, reps = squat_reps(1, bottoms=(-20.0,))
    turn = int(reps.loc[0, "turn_frame"])
    jumps = np.arange(turn - 6, turn + 7, 2)  # every other frame around the bottom
    raw = _flip_trunk(track, jumps)
    rate = segment_turn_rate(raw, TORSO_UPRIGHT)
    limit = thresholds_for("front_squat").uncertainty.max_segment_turn_deg_per_s
    assert rate[turn] > limit and np.nanmax(segment_turn_rate(track, TORSO_UPRIGHT)) < limit
    fb = evaluate_form(track, "front_squat", reps=reps, raw_track=raw)
    assert np.isinf(fb.loc[turn, sd_name(TORSO_UPRIGHT.value)])
    assert fb.loc[turn, "torso_upright"] == NOT_ASSESSABLE
    assert "faster than" in explain_frame(fb, turn).loc["torso_upright", "why"]
    assert form_per_rep(fb, reps).loc[0, "torso_upright"] != PASS
    # the rep's must-hold verdict: most of the rep unreadable, and as many frames as a fail needs
    # (the readable ones passing, the jumps in the cleaned track too): no pass is claimed
    start, end = int(reps.loc[0, "start_frame"]), int(reps.loc[0, "end_frame"])
    jumps = np.arange(start, end + 1, 4)  # 3 frames of 4 unreadable
    jumped = _flip_trunk(track, jumps)
    per_rep = form_per_rep(evaluate_form(jumped, "front_squat", reps=reps, raw_track=jumped), reps)
    assert per_rep.loc[0, "torso_upright"] == NOT_ASSESSABLE
    assert "misplaced" in per_rep.loc[0, "torso_upright_why"]
    one = _flip_trunk(
        track, np.array([turn])
    )  # one jump: 3 frames unreadable, < the 4 a fail needs
    per_rep = form_per_rep(evaluate_form(one, "front_squat", reps=reps, raw_track=one), reps)
    assert per_rep.loc[0, "torso_upright"] == PASS
    # the same noise-free track read without jumps passes
    smooth = form_per_rep(evaluate_form(track, "front_squat", reps=reps, raw_track=track), reps)
    assert smooth.loc[0, "torso_upright"] == PASS
    # with the limit off, the frames are judged again
    off = thresholds_for("front_squat").updated({"uncertainty.max_segment_turn_deg_per_s": 100000})
    fb_off = evaluate_form(track, "front_squat", off, reps=reps, raw_track=raw)
    assert np.isfinite(fb_off.loc[turn, sd_name(TORSO_UPRIGHT.value)])


def test_a_fast_but_real_turn_stays_assessable():
    """A trunk turning 90 deg in 0.3 s (300 deg/s, a fast pull) is a body moving, not a jump."""
    track, _ = squat_reps(1, bottoms=(-20.0,))
    world = track.world_m.copy()
    hip_mid = 0.5 * (world[:, LANDMARK_INDEX["left_hip"]] + world[:, LANDMARK_INDEX["right_hip"]])
    dt = float(np.median(np.diff(track.time_s)))
    angles = np.radians(np.clip(np.arange(len(world)) * dt * 300.0 - 30.0, 0.0, 90.0))
    for j in range(23):
        v = world[:, j] - hip_mid
        c, s = np.cos(angles), np.sin(angles)
        world[:, j] = hip_mid + np.stack(
            [c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1], v[:, 2]], -1
        )
    rate = segment_turn_rate(track.replace(world_m=world), TORSO_UPRIGHT)
    limit = thresholds_for("front_squat").uncertainty.max_segment_turn_deg_per_s
    assert 250 < np.nanmax(rate) < limit


def test_unreadable_frames_outside_where_a_check_is_judged_do_not_void_its_pass():
    """A deadlift's lean is judged at lockout: pose jumps in the pull below do not touch that verdict."""
    import pandas as pd
    from support.synthetic_pose import exercise_track

    track, peaks = exercise_track("deadlift", n_reps=1, view="side")
    world = track.world_m.copy()
    for ankle, heel, toe in ((27, 29, 31), (28, 30, 32)):  # feet pointing forward (+x)
        world[:, heel] = world[:, ankle] + [-0.05, 0.03, 0.0]
        world[:, toe] = world[:, ankle] + [0.15, 0.05, 0.0]
    track = track.replace(world_m=world)
    start = round(peaks[0] * 30)
    reps = pd.DataFrame(
        {"rep": [1], "start_frame": [start], "turn_frame": [start + 27], "end_frame": [start + 51]}
    )
    jumped = _flip_trunk(track, np.arange(start, start + 16, 4))  # the first half of the pull
    fb = evaluate_form(jumped, "deadlift", reps=reps, raw_track=jumped)
    assert np.isinf(fb.loc[start + 1, "lean_back_sd_deg"])
    assert form_per_rep(fb, reps).loc[0, "no_hyperextension"] == PASS
