"""The exact lift under ``auto``: each squat and deadlift variant recognised on constructed poses,
and an ambiguous hold reported as uncertain (the family named, never a guess)."""

import numpy as np
import pytest
from support.synthetic_pose import _legs, _upper, deadlift, exercise_track, squat

from formlab.core.errors import ConfigError
from formlab.exercises import get_exercise
from formlab.exercises.base import VariantCue
from formlab.exercises.variants import UNCERTAIN, recognise_variant, variants_of
from formlab.reps import detect_reps


def _squat_with(arms):
    """A squat whose arms are held by ``arms(side, sx, shoulder) -> (elbow, wrist)``."""

    def pose(p):
        return {**_legs(0.89 - 0.45 * p), **_upper(10 + 25 * p, arms)}

    return pose


def _goblet(side, sx, sh):  # both hands together on a weight against the chest, elbows down
    return sh + np.array([-sx * 0.05, 0.25, 0.1]), sh + np.array([-sx * 0.16, 0.16, 0.16])


def _arms_forward(side, sx, sh):  # straight arms reaching forward, a little below the shoulders
    return sh + np.array([0.0, 0.03, 0.3]), sh + np.array([0.0, 0.06, 0.58])


def _on_the_back(side, sx, sh):  # hands wide on a bar behind the neck, elbows down and back
    return sh + np.array([sx * 0.15, 0.22, -0.12]), sh + np.array([sx * 0.22, 0.0, -0.06])


def _between(
    side, sx, sh
):  # hands at the top of the chest: as high as a low rack, as low as a goblet
    return sh + np.array([0.0, 0.25, 0.1]), sh + np.array([-sx * 0.08, 0.09, 0.12])


def _rdl(p):
    """A Romanian deadlift: hinge to 80 deg with soft knees (about 30 deg), the arms hanging."""

    def arms(side, sx, sh):
        return sh + np.array([0.0, 0.3, 0.0]), sh + np.array([0.0, 0.58, 0.0])

    return {**_legs(0.89 - 0.02 * p), **_upper(5 + 75 * p, arms)}


def _decide(track, family, evidence=None):
    det = detect_reps(track, family)
    assert det.count == 4, det.rejected
    reps = [(r.start_frame, r.turn_frame, r.end_frame) for r in det.reps]
    return recognise_variant(track, family, reps, evidence)


NO_PLATE = {"barbell_seen": 0.0}
BAR_ON_BACK = {"barbell_seen": 1.0, "bar_forward_torso": 0.0, "bar_above_shoulders_torso": -0.1}


@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize(
    "pose,evidence,expected",
    [
        (squat, NO_PLATE, "front_squat"),  # the constructed squat holds a front rack
        (_squat_with(_goblet), NO_PLATE, "goblet_squat"),
        (_squat_with(_arms_forward), NO_PLATE, "bodyweight_squat"),
        (_squat_with(_arms_forward), None, "bodyweight_squat"),  # a front view: no plate looked for
        (_squat_with(_on_the_back), BAR_ON_BACK, "back_squat"),
    ],
)
def test_each_squat_variant_is_recognised(pose, evidence, expected, view):
    track, _ = exercise_track("squat", 4, 30.0, view=view, noise_m=0.005, seed=2, pose=pose)
    decision = _decide(track, "squat", evidence)
    assert (decision.name, decision.variant) == (expected, expected), decision.reason
    assert decision.scores[expected]["fits"] and not decision.scores[expected]["failed"]
    others = [n for n, s in decision.scores.items() if n != expected]
    assert all(not decision.scores[n]["fits"] for n in others), decision.scores


def test_from_the_front_the_grip_tells_a_back_squat_from_a_front_rack():
    """No plate is seen from the front: a wide grip names the back squat, hands at the shoulders the rack."""
    back, _ = exercise_track("squat", 4, 30.0, view="front", pose=_squat_with(_on_the_back))
    decision = _decide(back, "squat")
    assert decision.name == "back_squat", decision.reason
    assert decision.features["hands_apart_shoulders"] > 1.5
    assert any("hands_apart" in f for f in decision.scores["front_squat"]["failed"])
    rack, _ = exercise_track("squat", 4, 30.0, view="front", pose=squat)
    decision = _decide(rack, "squat")
    assert decision.name == "front_squat" and decision.features["hands_apart_shoulders"] < 1.4
    side, _ = exercise_track("squat", 4, 30.0, view="side", pose=squat)
    assert (
        _decide(side, "squat").features["hands_apart_shoulders"] is None
    )  # not read from the side


def test_a_bar_racked_in_front_is_no_back_squat():
    """The same hands with a tracked bar sitting well ahead of the shoulders: not on the back."""
    track, _ = exercise_track("squat", 4, 30.0, pose=squat)
    front = _decide(track, "squat", {"barbell_seen": 1.0, "bar_forward_torso": 0.4})
    assert front.name == "front_squat", front.reason
    back = _decide(track, "squat", BAR_ON_BACK)  # the bar over the shoulders, the hands in a rack
    assert back.scores["front_squat"]["failed"] and back.name == "back_squat", back.reason


def test_a_bar_hanging_in_the_hands_is_no_squat_variant():
    """A tracked bar a torso length below the shoulders (a deadlift taken for a squat): no variant fits."""
    track, _ = exercise_track("squat", 4, 30.0, pose=_squat_with(_on_the_back))
    hanging = {**BAR_ON_BACK, "bar_above_shoulders_torso": -0.85}
    decision = _decide(track, "squat", hanging)
    assert decision.variant == UNCERTAIN and decision.name == "squat", decision.reason
    assert any("bar_above_shoulders_torso" in f for f in decision.scores["back_squat"]["failed"])


def test_an_ambiguous_hold_is_uncertain_not_guessed():
    track, _ = exercise_track("squat", 4, 30.0, pose=_squat_with(_between))
    decision = _decide(track, "squat")
    assert decision.name == "squat" and decision.variant == UNCERTAIN, decision.features
    assert {"front_squat", "goblet_squat"} <= {n for n, s in decision.scores.items() if s["fits"]}
    assert "alike" in decision.reason
    payload = decision.to_dict()
    assert payload["variant"] == UNCERTAIN and payload["chosen"] == "squat"
    assert set(payload["features"]) >= {"load_above_shoulders_torso", "load_forward_torso"}


def test_conventional_and_romanian_deadlifts():
    track, _ = exercise_track("deadlift", 4, 30.0, pose=deadlift)
    conventional = _decide(track, "deadlift")
    assert conventional.name == "deadlift" and conventional.variant == "deadlift"
    assert conventional.features["start_knee_flexion_deg"] > 45

    track, _ = exercise_track("deadlift", 4, 30.0, pose=_rdl, noise_m=0.003)
    det = detect_reps(track, "auto")  # the hinge has its own signature: the hips hardly rise
    assert det.exercise == "romanian_deadlift" and det.count == 4, det.auto
    rdl = _decide(track, "deadlift")
    assert rdl.name == "romanian_deadlift", rdl.reason
    assert rdl.features["start_knee_flexion_deg"] < 35
    assert rdl.features["start_bar_above_ankles_m"] > 0.2


def test_variants_are_declared_in_their_lifts():
    squats = {ex.name for ex in variants_of("squat")}
    assert squats == {"front_squat", "back_squat", "goblet_squat", "bodyweight_squat"}
    assert {ex.name for ex in variants_of("deadlift")} == {"deadlift", "romanian_deadlift"}
    assert variants_of("curl") == []
    lone = recognise_variant(exercise_track("curl", 2)[0], "curl", [])
    assert lone.name == "curl" and lone.variant == "curl"
    for name in ("goblet_squat", "bodyweight_squat", "romanian_deadlift"):
        ex = get_exercise(name)
        assert ex.checks and all(c.why for c in ex.variant_cues)
    for name in ("goblet_squat", "bodyweight_squat"):  # no barbell rack rule on these holds
        assert not {"start_position", "elbows_up"} & set(get_exercise(name).check_names)
    assert "soft_knees" in get_exercise("romanian_deadlift").check_names
    with pytest.raises(ConfigError, match="unknown variant feature"):
        VariantCue("grip_width_cm")
