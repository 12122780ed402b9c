"""The bench press's checks (lockout, bar_touches_chest, wrists_stacked) on constructed sets: a good
set passes, each fault fails its own check, and unseen arms leave them not assessable."""

from __future__ import annotations

import numpy as np
import pytest
from support import synthetic_pose as sp
from support.lift_poses import FOREARM_M, UPPER_ARM_M, bench_press, judged, rep_verdicts

import formlab
from formlab import thresholds_for
from formlab.core.landmarks import LANDMARK_INDEX
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS

TH = thresholds_for("bench_press")
CHECKS = ("lockout", "bar_touches_chest", "wrists_stacked")
ARM_M = UPPER_ARM_M + FOREARM_M


def arm_for_height(ratio):
    """The upper arm's elevation (deg) that puts a vertical forearm's wrist ``ratio`` arm lengths above the shoulder."""
    return float(np.degrees(np.arcsin((ratio * ARM_M - FOREARM_M) / UPPER_ARM_M)))


@pytest.mark.parametrize("view", ["side", "front"])
def test_a_good_set_passes_every_check(view):
    _, per_rep = judged("bench_press", bench_press(), view=view)
    for check in CHECKS:
        assert rep_verdicts(per_rep, check) == {PASS}, (check, view)


def test_the_values_are_the_constructed_ones():
    _, per_rep = judged("bench_press", bench_press(top_deg=170.0, forearm_tilt_deg=8.0))
    assert per_rep["lockout_worst_lockout_elbow_angle_deg"].to_numpy() == pytest.approx(
        170.0, abs=1
    )
    assert per_rep["wrists_stacked_worst_forearm_from_vertical_deg"].to_numpy() == pytest.approx(
        8.0, abs=0.5
    )
    bottom = np.sin(np.radians(-15.0)) * UPPER_ARM_M + np.cos(np.radians(8.0)) * FOREARM_M
    worst = per_rep["bar_touches_chest_worst_wrist_above_shoulder_arm_ratio"].to_numpy()
    assert worst == pytest.approx(bottom / ARM_M, abs=0.01)


@pytest.mark.parametrize("step", [-0.05, 0.05])
def test_bar_touches_chest_just_inside_and_outside(step):
    limit = TH.bar_touches_chest.max_wrist_above_shoulder_arm_ratio
    pose = bench_press(bottom_arm_deg=arm_for_height(limit + step))
    _, per_rep = judged("bench_press", pose)
    assert rep_verdicts(per_rep, "bar_touches_chest") == {FAIL if step > 0 else PASS}
    assert rep_verdicts(per_rep, "lockout") == {PASS}


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_lockout_just_inside_and_outside(step):
    limit = TH.lockout.min_elbow_angle_deg
    _, per_rep = judged("bench_press", bench_press(top_deg=limit + step))
    assert rep_verdicts(per_rep, "lockout") == {PASS if step > 0 else FAIL}
    assert rep_verdicts(per_rep, "bar_touches_chest") == {PASS}


@pytest.mark.parametrize("step", [-5.0, 5.0])
def test_wrists_stacked_just_inside_and_outside(step):
    limit = TH.wrists_stacked.max_forearm_from_vertical_deg
    _, per_rep = judged("bench_press", bench_press(forearm_tilt_deg=limit + step))
    assert rep_verdicts(per_rep, "wrists_stacked") == {FAIL if step > 0 else PASS}


def test_unseen_arms_are_not_assessable():
    sp.EXERCISE_POSES["_bench"] = bench_press(forearm_tilt_deg=40.0)
    try:
        track, _ = sp.exercise_track("_bench", 3)
    finally:
        del sp.EXERCISE_POSES["_bench"]
    reps = formlab.detect_reps(track, "bench_press").to_frame()
    visibility = track.visibility.copy()
    for side in ("left", "right"):
        visibility[:, LANDMARK_INDEX[f"{side}_elbow"]] = 0.1
    feedback = formlab.evaluate_form(track.replace(visibility=visibility), "bench_press", reps=reps)
    per_rep = formlab.form_per_rep(feedback, reps)
    for check in CHECKS:
        assert rep_verdicts(per_rep, check) == {NOT_ASSESSABLE}, check


# --------------------------------------------------------------------------- the bar's path (side view)
def test_the_bar_path_values_are_the_constructed_ones():
    """The touch point and the lockout position read back as built (torso lengths along the torso)."""
    _, per_rep = judged("bench_press", bench_press(touch_torso=0.35, lockout_torso=0.05))
    touch = per_rep["touch_point_worst_bar_along_torso_ratio"].to_numpy()
    lockout = per_rep["lockout_over_shoulders_worst_bar_from_shoulders_ratio"].to_numpy()
    assert touch == pytest.approx(0.35, abs=0.02)
    assert lockout == pytest.approx(0.05, abs=0.02)
    assert rep_verdicts(per_rep, "touch_point") == {PASS}
    assert rep_verdicts(per_rep, "lockout_over_shoulders") == {PASS}


@pytest.mark.parametrize(
    ("touch", "verdict"),
    [
        (TH.touch_point.min_touch_torso_ratio - 0.04, FAIL),  # on the collarbones
        (TH.touch_point.min_touch_torso_ratio + 0.04, PASS),
        (TH.touch_point.max_touch_torso_ratio - 0.04, PASS),
        (TH.touch_point.max_touch_torso_ratio + 0.04, FAIL),  # on the belly
    ],
)
def test_touch_point_just_inside_and_outside(touch, verdict):
    _, per_rep = judged("bench_press", bench_press(touch_torso=touch))
    assert rep_verdicts(per_rep, "touch_point") == {verdict}
    assert rep_verdicts(per_rep, "lockout_over_shoulders") == {PASS}


@pytest.mark.parametrize("step", [-0.05, 0.05])
def test_lockout_over_shoulders_just_inside_and_outside(step):
    limit = TH.lockout_over_shoulders.max_lockout_from_shoulders_torso_ratio
    pose = bench_press(lockout_torso=-(limit + step), touch_torso=0.3)  # locked out over the face
    _, per_rep = judged("bench_press", pose)
    assert rep_verdicts(per_rep, "lockout_over_shoulders") == {FAIL if step > 0 else PASS}


def test_the_bar_path_is_judged_from_the_side_only():
    """From the head or feet end the bar's travel along the torso is depth: not assessable, with the reason."""
    _, per_rep = judged("bench_press", bench_press(touch_torso=0.0), view="front")
    for check in ("touch_point", "lockout_over_shoulders"):
        assert rep_verdicts(per_rep, check) == {NOT_ASSESSABLE}
        assert "view" in " ".join(per_rep[f"{check}_why"].astype(str))
