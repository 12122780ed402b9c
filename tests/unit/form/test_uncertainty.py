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
from formlab.form.uncertainty import jitter_sd, sd_name, segment_error, value_sd
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
