"""The lunge's checks (front_knee_depth, knees_out, torso_upright) on constructed sets: a good set
passes, each fault fails its own check, and a view that cannot show it leaves it not assessable."""

from __future__ import annotations

import pytest
from support.lift_poses import judged, lunge, rep_verdicts

from formlab import thresholds_for
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS

TH = thresholds_for("lunge")
STANCE_M = 0.2  # the constructed ankles are a hip width apart


def test_a_good_lunge_passes_from_the_side_and_the_front():
    _, side = judged("lunge", lunge())
    assert rep_verdicts(side, "front_knee_depth") == rep_verdicts(side, "torso_upright") == {PASS}
    assert rep_verdicts(side, "knees_out") == {NOT_ASSESSABLE}
    _, front = judged("lunge", lunge(), view="front")
    assert rep_verdicts(front, "knees_out") == {PASS}
    assert (
        rep_verdicts(front, "front_knee_depth")
        == rep_verdicts(front, "torso_upright")
        == {NOT_ASSESSABLE}
    )


def test_the_front_knee_angle_is_the_constructed_one():
    _, per_rep = judged("lunge", lunge(front_knee_deg=95.0))
    worst = per_rep["front_knee_depth_worst_front_knee_angle_deg"].to_numpy()
    assert worst == pytest.approx(95.0, abs=1.0)


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_front_knee_depth_just_inside_and_outside(step):
    limit = TH.front_knee_depth.max_front_knee_angle_deg
    _, per_rep = judged("lunge", lunge(front_knee_deg=limit + step), checks=["front_knee_depth"])
    assert rep_verdicts(per_rep, "front_knee_depth") == {FAIL if step > 0 else PASS}


@pytest.mark.parametrize("step", [-0.03, 0.03])
def test_front_knee_caving_in(step):
    limit = TH.knees_out.max_knee_narrowing_ratio
    _, per_rep = judged(
        "lunge", lunge(knee_in_m=(limit + step) * STANCE_M), view="front", checks=["knees_out"]
    )
    assert rep_verdicts(per_rep, "knees_out") == {FAIL if step > 0 else PASS}


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_torso_upright(step):
    limit = TH.torso_upright.max_torso_lean_deg
    _, per_rep = judged("lunge", lunge(lean_deg=limit + step), checks=["torso_upright"])
    assert rep_verdicts(per_rep, "torso_upright") == {FAIL if step > 0 else PASS}
