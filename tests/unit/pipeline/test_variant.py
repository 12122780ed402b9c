"""Where ``auto`` names the exact lift and the load is resolved: constructed tracks, no media."""

import dataclasses

import numpy as np
import pytest
from support.synthetic_pose import _legs, _upper, exercise_track

from formlab.core.errors import ConfigError
from formlab.core.landmarks import LANDMARK_INDEX
from formlab.exercises import thresholds_for
from formlab.pipeline import analyze
from formlab.pipeline.steps import judge
from formlab.pipeline.variant import check_load, resolve_load, with_load


def _rdl(p):
    def arms(side, sx, sh):
        return sh + np.array([0.0, 0.3, 0.0]), sh + np.array([0.0, 0.58, 0.0])

    return {**_legs(0.89 - 0.02 * p), **_upper(5 + 75 * p, arms)}


def test_auto_names_the_romanian_deadlift_with_its_evidence():
    track, _ = exercise_track("deadlift", 4, 30.0, pose=_rdl, noise_m=0.003)
    result = analyze(track, "auto")
    assert result.exercise == "romanian_deadlift" and result.detection.count == 4
    summary = result.summary()
    variant = summary["auto"]["variant"]
    assert variant["family"] == "deadlift" and variant["variant"] == "romanian_deadlift"
    assert variant["scores"]["romanian_deadlift"]["score"] == 1.0
    assert variant["scores"]["deadlift"]["failed"]
    assert "soft_knees" in summary["form"]["checks"]


def test_a_hinge_whose_knees_are_unseen_is_no_lift():
    """Its knees unseen: neither the bar below them at the start (a pull's evidence, which must be
    seen) nor the soft knees are measured: named 'none', no reps."""
    track, _ = exercise_track("deadlift", 4, 30.0, pose=_rdl, noise_m=0.003)
    world = track.world_m.copy()
    world[:, [LANDMARK_INDEX["left_knee"], LANDMARK_INDEX["right_knee"]], :] = np.nan
    result = analyze(track.replace(world_m=world), "auto")
    assert result.exercise == "none" and result.detection.count == 0, result.detection.auto
    assert "no reps are guessed" in result.detection.auto["reason"]
    assert result.detection.auto["candidates"]["romanian_deadlift"] == 0


def test_the_load_is_declared_tracked_the_lifts_or_inferred():
    track, _ = exercise_track("squat", 3, 30.0)
    path = analyze(track, "front_squat").path
    assert path.info["load"] == "unknown"  # no video: no plate looked for; the barbell rule holds
    grip = dataclasses.replace(path, info={**path.info, "plate_search": "not_found"})
    assert resolve_load("auto", "front_squat", grip)["load"] == "dumbbell"
    assert resolve_load("auto", "squat", grip)["load"] == "unknown"  # the variant is not known
    assert resolve_load("auto", "back_squat", grip)["load"] == "barbell"  # the lift's own
    assert resolve_load("auto", "goblet_squat", path)["load"] == "dumbbell"
    assert resolve_load("barbell", "front_squat", grip) == {"load": "barbell", "why": "declared"}
    plate = dataclasses.replace(path, method="plate")
    assert resolve_load("auto", "front_squat", plate)["load"] == "barbell"
    with pytest.raises(ConfigError, match="unknown load 'kettle'"):
        check_load("kettle")
    with pytest.raises(ConfigError, match="unknown load"):
        analyze(track, "squat", load="kettle")


def _low_elbows(side, sx, sh):  # a rack with the upper arms 70 deg below the horizontal
    a = np.radians(70)
    elbow = sh + 0.3 * np.array([0.0, np.sin(a), np.cos(a)])
    return elbow, sh + np.array([-sx * 0.02, 0.0, 0.1])


def test_elbows_up_is_judged_for_a_barbell_not_for_dumbbells():
    def pose(p):
        return {**_legs(0.89 - 0.45 * p), **_upper(10 + 25 * p, _low_elbows)}

    track, _ = exercise_track("squat", 3, 30.0, pose=pose)
    path = analyze(track, "front_squat").path
    th = thresholds_for("front_squat")
    barbell = judge(track, "front_squat", th, bar=with_load(path, {"load": "barbell", "why": ""}))
    dumbbell = judge(track, "front_squat", th, bar=with_load(path, {"load": "dumbbell", "why": ""}))
    assert (barbell.feedback["elbows_up"] == "fail").mean() > 0.5
    assert (dumbbell.feedback["elbows_up"] == "not_assessable").all()
    assert (dumbbell.feedback["start_position"] == barbell.feedback["start_position"]).all()
