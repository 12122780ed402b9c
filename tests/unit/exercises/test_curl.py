"""The curl's checks (elbows_pinned, no_swing, full_range) on constructed sets: a strict set passes,
each fault fails its own check, and a front view leaves them not assessable."""

from __future__ import annotations

import pytest
from support.lift_poses import curl, judged, rep_verdicts

from formlab import thresholds_for
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS

TH = thresholds_for("curl")
CHECKS = ("elbows_pinned", "no_swing", "full_range")


def test_a_strict_set_passes_every_check():
    _, per_rep = judged("curl", curl(drift_deg=10.0, swing_deg=3.0))
    for check in CHECKS:
        assert rep_verdicts(per_rep, check) == {PASS}, check


def test_the_values_are_the_constructed_ones():
    _, per_rep = judged("curl", curl(bottom_deg=160.0, top_deg=50.0, drift_deg=12.0))
    assert per_rep["full_range_worst_elbow_range_deg"].to_numpy() == pytest.approx(110.0, abs=1.0)
    assert per_rep["elbows_pinned_worst_upper_arm_from_trunk_deg"].to_numpy() == pytest.approx(
        12.0, abs=1.0
    )


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_elbows_swinging_forward(step):
    limit = TH.elbows_pinned.max_upper_arm_from_trunk_deg
    _, per_rep = judged("curl", curl(drift_deg=limit + step), checks=["elbows_pinned"])
    assert rep_verdicts(per_rep, "elbows_pinned") == {FAIL if step > 0 else PASS}


@pytest.mark.parametrize("step", [-4.0, 4.0])
def test_swinging_the_trunk(step):
    limit = TH.no_swing.max_trunk_swing_deg
    _, per_rep = judged("curl", curl(swing_deg=limit + step), checks=["no_swing"])
    assert rep_verdicts(per_rep, "no_swing") == {FAIL if step > 0 else PASS}


def test_a_half_curl_is_counted_and_fails_full_range_only():
    limit = TH.full_range.min_elbow_range_deg
    _, per_rep = judged("curl", curl(bottom_deg=160.0, top_deg=160.0 - limit + 25.0))
    assert rep_verdicts(per_rep, "full_range") == {FAIL}
    assert rep_verdicts(per_rep, "elbows_pinned") == rep_verdicts(per_rep, "no_swing") == {PASS}


def test_from_the_front_none_is_assessable():
    feedback, per_rep = judged("curl", curl(drift_deg=60.0, swing_deg=30.0), view="front")
    assert (feedback["view"] == "front").all()
    for check in CHECKS:
        assert rep_verdicts(per_rep, check) == {NOT_ASSESSABLE}, check


def test_without_reps_full_range_is_not_judged():
    from support import synthetic_pose as sp

    import formlab

    sp.EXERCISE_POSES["_curl"] = curl()
    try:
        track, _ = sp.exercise_track("_curl", 2)
    finally:
        del sp.EXERCISE_POSES["_curl"]
    feedback = formlab.evaluate_form(track, "curl", checks=["full_range"])
    assert (feedback["full_range"].astype(str) == NOT_ASSESSABLE).all()
