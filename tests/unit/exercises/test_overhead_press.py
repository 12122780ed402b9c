"""The overhead press's checks (full_lockout, bar_over_midfoot, no_lean_back) on constructed sets: a
good set passes, each fault fails its own check, and views that cannot show them leave them not
assessable."""

from __future__ import annotations

import numpy as np
import pytest
from support import synthetic_pose as sp
from support.lift_poses import judged, overhead_press, rep_verdicts

import formlab
from formlab import thresholds_for
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS

TH = thresholds_for("overhead_press")
CHECKS = ("full_lockout", "bar_over_midfoot", "no_lean_back")


def test_a_good_set_passes_every_check():
    _, per_rep = judged("overhead_press", overhead_press(lean_back_deg=2.0))
    for check in CHECKS:
        assert rep_verdicts(per_rep, check) == {PASS}, check


def test_the_values_are_the_constructed_ones():
    _, per_rep = judged("overhead_press", overhead_press(top_deg=170.0, bar_ahead_foot=0.2))
    assert per_rep["full_lockout_worst_elbow_angle_deg"].to_numpy() == pytest.approx(170.0, abs=1)
    worst = per_rep["bar_over_midfoot_worst_wrists_ahead_of_midfoot_foot_ratio"].to_numpy()
    assert worst == pytest.approx(0.2, abs=0.02)


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_full_lockout_just_inside_and_outside(step):
    limit = TH.full_lockout.min_elbow_angle_deg
    _, per_rep = judged("overhead_press", overhead_press(top_deg=limit + step))
    assert rep_verdicts(per_rep, "full_lockout") == {PASS if step > 0 else FAIL}


@pytest.mark.parametrize("ahead", [-0.6, 0.6])
def test_bar_ahead_of_or_behind_the_mid_foot_fails(ahead):
    _, per_rep = judged("overhead_press", overhead_press(bar_ahead_foot=ahead))
    assert rep_verdicts(per_rep, "bar_over_midfoot") == {FAIL}
    assert rep_verdicts(per_rep, "full_lockout") == {PASS}


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_leaning_back(step):
    limit = TH.no_lean_back.max_lean_back_deg
    _, per_rep = judged("overhead_press", overhead_press(lean_back_deg=limit + step))
    assert rep_verdicts(per_rep, "no_lean_back") == {FAIL if step > 0 else PASS}


def test_leaning_forward_is_not_leaning_back():
    _, per_rep = judged("overhead_press", overhead_press(lean_back_deg=-25.0))
    assert rep_verdicts(per_rep, "no_lean_back") == {PASS}


def test_from_the_front_only_the_lockout_is_judged():
    _, per_rep = judged(
        "overhead_press", overhead_press(bar_ahead_foot=0.6, lean_back_deg=30.0), view="front"
    )
    assert rep_verdicts(per_rep, "full_lockout") == {PASS}
    assert rep_verdicts(per_rep, "bar_over_midfoot") == {NOT_ASSESSABLE}
    assert rep_verdicts(per_rep, "no_lean_back") == {NOT_ASSESSABLE}


def test_no_pose_no_lockout_verdict():
    sp.EXERCISE_POSES["_press"] = overhead_press()
    try:
        track, _ = sp.exercise_track("_press", 2)
    finally:
        del sp.EXERCISE_POSES["_press"]
    track = track.replace(
        xy_px=np.full_like(track.xy_px, np.nan), world_m=np.full_like(track.world_m, np.nan)
    )
    feedback = formlab.evaluate_form(track, "overhead_press")
    for check in CHECKS:
        assert (feedback[check].astype(str) == NOT_ASSESSABLE).all(), check
