"""The exercise registry, and rep detection on constructed pose tracks of every exercise, side and front view
(bench press, overhead press and lunge included: no sample video shows them)."""

import numpy as np
import pytest
from support.synthetic_pose import EXERCISE_POSES, exercise_track

from formlab.core.errors import ConfigError, InputError
from formlab.exercises import (
    POSE_FEATURES,
    RepCondition,
    auto_candidates,
    check_exercise_name,
    exercise_names,
    exercises,
    get_exercise,
    pose_feature,
)
from formlab.reps import RepDetectorParams, detect_reps

REQUIRED = (
    "front_squat",
    "back_squat",
    "goblet_squat",
    "bodyweight_squat",
    "squat",
    "deadlift",
    "romanian_deadlift",
    "curl",
    "push_up",
    "jumping_jack",
    "bench_press",
    "overhead_press",
    "lunge",
    "auto",
)


EXERCISES = exercises()


def test_registry_has_every_required_exercise():
    assert sorted(exercise_names()) == sorted(REQUIRED)
    for name, ex in EXERCISES.items():
        assert (
            ex.name == name
            and ex.turning_point in ("bottom", "top")
            and ex.concentric in ("into", "out_of")
        )
        RepDetectorParams().with_overrides(ex.detector)  # overrides name real settings
        for check in ex.requires + ex.signature:
            assert check.feature in POSE_FEATURES and check.why
        assert ex.signal.name.endswith("_m") and ex.description
    assert set(auto_candidates()) <= set(EXERCISES)


def test_turning_points_follow_the_movement():
    bottoms = {n for n, e in EXERCISES.items() if e.turning_point == "bottom"}
    assert bottoms == {
        "squat",
        "front_squat",
        "back_squat",
        "goblet_squat",
        "bodyweight_squat",
        "lunge",
        "push_up",
        "bench_press",
    }
    assert (
        get_exercise("deadlift").concentric == "into"
        and get_exercise("squat").concentric == "out_of"
    )


def test_unknown_exercise_is_a_clear_error_listing_the_accepted_ones():
    with pytest.raises(ConfigError) as e:
        get_exercise("snatch")
    msg = str(e.value)
    assert "'snatch'" in msg and all(n in msg for n in REQUIRED) and "\n" not in msg
    assert (
        check_exercise_name("Front-Squat") == "front_squat"
        and check_exercise_name("auto") == "auto"
    )
    with pytest.raises(ConfigError, match="auto"):
        get_exercise("auto")
    with pytest.raises(ConfigError, match="unknown pose feature"):
        RepCondition("elbow_flare_deg")


def test_pose_feature_units_on_a_standing_figure():
    track, _ = exercise_track("curl", 1, 10.0)
    assert pose_feature(track, "trunk_lean_deg")[0] == pytest.approx(3.0, abs=0.5)
    assert pose_feature(track, "hip_height_m")[0] == pytest.approx(0.89, abs=0.01)
    assert pose_feature(track, "knee_flexion_deg")[0] < 30
    with pytest.raises(ConfigError):
        pose_feature(track, "nope")


@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize("exercise", sorted(EXERCISE_POSES))
def test_named_exercise_counts_and_times_its_reps(exercise, view):
    track, far_ends = exercise_track(exercise, 5, 30.0, view=view, noise_m=0.01, seed=3)
    det = detect_reps(track, exercise)
    assert det.count == 5, det.rejected
    turns = np.array([r.turn_s for r in det.reps])
    if (
        exercise == "deadlift"
    ):  # lockout = standing after each pull, not the bottom the pull starts from
        assert np.all(turns > far_ends + 0.5) and np.all(turns[:-1] < far_ends[1:])
    else:
        np.testing.assert_allclose(turns, far_ends, atol=0.12)


@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize("exercise", sorted(EXERCISE_POSES))
def test_auto_recognises_the_exercise(exercise, view):
    track, _ = exercise_track(exercise, 4, 30.0, view=view, noise_m=0.01, seed=4)
    det = detect_reps(track, "auto")
    assert (det.exercise, det.count) == (exercise, 4), det.auto
    assert det.auto["chosen"] == exercise and exercise in det.auto["reason"]


def test_auto_names_no_lift_when_none_fits():
    """A movement no lift's signature fits gets no reps and the name ``none``, with the evidence."""
    from formlab.exercises import NONE

    track, _ = exercise_track("squat", 4, 30.0, view="side")
    # standing still, the landmarks jittering by a centimetre: no lift's reps
    rng = np.random.default_rng(0)
    still = np.broadcast_to(track.world_m[:1], track.world_m.shape)
    odd = track.replace(world_m=still + rng.normal(0, 0.01, still.shape))
    det = detect_reps(odd, "auto")
    assert det.exercise == NONE and det.count == 0, det.auto
    assert det.auto["chosen"] == NONE and "none of the known lifts" in det.auto["reason"]
    assert set(det.auto["candidates"]) >= {"squat", "deadlift"}
    with pytest.raises(ConfigError, match="what auto reports"):
        detect_reps(track, "none")


def test_squat_variants_share_the_squat_definition():
    track, _ = exercise_track("squat", 3, 30.0)
    counts = {n: detect_reps(track, n).count for n in ("squat", "front_squat", "back_squat")}
    assert counts == {"squat": 3, "front_squat": 3, "back_squat": 3}


def test_another_exercise_is_not_counted_as_this_one():
    # the arms of a curl never go overhead: no press lockout; a standing curl never folds into a squat
    track, _ = exercise_track("curl", 5, 30.0, view="side")
    assert detect_reps(track, "overhead_press").count == 0
    assert detect_reps(track, "squat").count == 0
    # getting up and walking about after push-ups is not a push-up (trunk upright, hips folded)
    track, _ = exercise_track("squat", 3, 30.0, view="side")
    assert detect_reps(track, "push_up").count == 0


def test_detect_reps_rejects_wrong_inputs():
    with pytest.raises(InputError, match="PoseTrack"):
        detect_reps(np.zeros((10, 33, 3)), "squat")
    track, _ = exercise_track("squat", 1, 10.0)
    with pytest.raises(ConfigError, match="accepted"):
        detect_reps(track, "sqaut")
