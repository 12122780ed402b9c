"""The jumping jack's checks (arms_overhead, feet_apart) on constructed sets: a full jack passes, a
half jack fails the check of what it leaves out, and a side view cannot show the feet's spread."""

from __future__ import annotations

import numpy as np
import pytest
from support.lift_poses import judged, jumping_jack, rep_verdicts

from formlab import thresholds_for
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS

TH = thresholds_for("jumping_jack")
SHOULDERS_M = 0.36  # support.synthetic_pose: shoulder landmarks 0.18 m either side


def elevation_as_arm_angle(elevation_deg):
    """The arm's angle from straight down (frontal plane) whose shoulder->wrist elevation is given."""
    return 90.0 + elevation_deg


def test_from_the_side_a_full_jack_raises_the_arms_overhead():
    _, per_rep = judged("jumping_jack", jumping_jack())
    assert rep_verdicts(per_rep, "arms_overhead") == {PASS}


def test_from_the_front_both_are_judged_at_the_top():
    feedback, per_rep = judged("jumping_jack", jumping_jack(), view="front")
    assert rep_verdicts(per_rep, "arms_overhead") == rep_verdicts(per_rep, "feet_apart") == {PASS}
    assert per_rep["feet_apart_worst_ankle_shoulder_width_ratio"].to_numpy() == pytest.approx(
        0.7 / SHOULDERS_M, rel=0.02
    )
    for check in ("arms_overhead", "feet_apart"):
        assert (feedback[check].astype(str) != NOT_ASSESSABLE).sum() == 3


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_arms_overhead_just_inside_and_outside(step):
    limit = TH.arms_overhead.min_arm_elevation_deg
    top = elevation_as_arm_angle(limit + step)
    _, per_rep = judged("jumping_jack", jumping_jack(top_arm_deg=top), view="front")
    assert per_rep["arms_overhead_worst_arm_elevation_deg"].to_numpy() == pytest.approx(
        limit + step, abs=0.5
    )
    assert rep_verdicts(per_rep, "arms_overhead") == {PASS if step > 0 else FAIL}


@pytest.mark.parametrize("step", [-0.1, 0.1])
def test_feet_apart_just_inside_and_outside(step):
    limit = TH.feet_apart.min_ankle_shoulder_ratio
    apart = (limit + step) * SHOULDERS_M
    _, per_rep = judged("jumping_jack", jumping_jack(top_feet_apart_m=apart), view="front")
    assert rep_verdicts(per_rep, "feet_apart") == {PASS if step > 0 else FAIL}
    assert rep_verdicts(per_rep, "arms_overhead") == {PASS}


def test_from_the_side_the_feet_spread_is_not_assessable():
    feedback, per_rep = judged("jumping_jack", jumping_jack(top_feet_apart_m=0.4))
    assert (feedback["view"] == "side").all()
    assert rep_verdicts(per_rep, "feet_apart") == {NOT_ASSESSABLE}
    assert rep_verdicts(per_rep, "arms_overhead") == {PASS}


def test_no_pose_no_verdict():
    """arms_overhead claims every view: only a track without a pose leaves it not assessable."""
    from support import synthetic_pose as sp

    import formlab

    sp.EXERCISE_POSES["_jack"] = jumping_jack()
    try:
        track, _ = sp.exercise_track("_jack", 2, view="front")
    finally:
        del sp.EXERCISE_POSES["_jack"]
    track = track.replace(
        xy_px=np.full_like(track.xy_px, np.nan), world_m=np.full_like(track.world_m, np.nan)
    )
    feedback = formlab.evaluate_form(track, "jumping_jack")
    assert (feedback["arms_overhead"].astype(str) == NOT_ASSESSABLE).all()
