"""The push-up's checks (body_line, depth, full_lockout) on constructed sets: a good set passes, each
fault fails its own check, and a view that cannot show them leaves them not assessable."""

from __future__ import annotations

import pytest
from support.lift_poses import judged, push_up, rep_verdicts

from formlab import thresholds_for
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS, UNCERTAIN

TH = thresholds_for("push_up")
LOCK = TH.full_lockout.min_elbow_angle_deg
DEPTH = TH.depth.max_elbow_angle_deg


def test_a_good_set_passes_every_check():
    _, per_rep = judged("push_up", push_up(bottom_deg=DEPTH - 20, top_deg=LOCK + 10))
    for check in ("body_line", "depth", "full_lockout"):
        assert rep_verdicts(per_rep, check) == {PASS}, check


def test_the_values_are_the_constructed_ones():
    _, per_rep = judged("push_up", push_up(bottom_deg=75.0, top_deg=170.0, pike_deg=8.0))
    assert per_rep["depth_worst_elbow_angle_deg"].to_numpy() == pytest.approx(75.0, abs=1.5)
    assert per_rep["full_lockout_worst_lockout_elbow_angle_deg"].to_numpy() == pytest.approx(
        170.0, abs=1.5
    )
    assert per_rep["body_line_worst_hip_pike_deg"].to_numpy() == pytest.approx(8.0, abs=0.5)


def test_a_half_push_up_is_counted_and_fails_depth_only():
    _, per_rep = judged("push_up", push_up(bottom_deg=DEPTH + 15, top_deg=LOCK + 10))
    assert rep_verdicts(per_rep, "depth") == {FAIL}
    assert rep_verdicts(per_rep, "full_lockout") == {PASS}


def test_arms_never_straight_fail_full_lockout():
    _, per_rep = judged("push_up", push_up(bottom_deg=DEPTH - 20, top_deg=LOCK - 12))
    assert rep_verdicts(per_rep, "full_lockout") == {FAIL}
    assert rep_verdicts(per_rep, "depth") == {PASS}


@pytest.mark.parametrize(
    ("pike_deg", "verdict"),
    [
        (-(TH.body_line.max_sag_deg + 5), FAIL),
        (-(TH.body_line.max_sag_deg - 5), PASS),
        (TH.body_line.max_pike_deg + 5, FAIL),
        (TH.body_line.max_pike_deg - 5, PASS),
    ],
)
def test_sagging_and_piking_hips(pike_deg, verdict):
    _, per_rep = judged("push_up", push_up(pike_deg=pike_deg), checks=["body_line"])
    assert rep_verdicts(per_rep, "body_line") == {verdict}


def test_from_the_front_none_is_assessable():
    """Facing the camera (head towards it), the hips' sag and the elbows' bend lie in the depth axis."""
    feedback, per_rep = judged("push_up", push_up(pike_deg=-30.0), view="front")
    assert (feedback["view"] == "front").all()
    for check in ("body_line", "depth", "full_lockout"):
        assert rep_verdicts(per_rep, check) == {NOT_ASSESSABLE}, check
        assert (feedback[check].astype(str) == NOT_ASSESSABLE).all()


def test_per_frame_depth_and_lockout_are_judged_once_per_rep():
    feedback, _ = judged("push_up", push_up())
    for check in ("depth", "full_lockout"):
        judged_frames = (feedback[check].astype(str) != NOT_ASSESSABLE).sum()
        assert judged_frames == 3, check


def test_with_landmark_noise_clear_cases_keep_their_verdicts():
    """1 cm of landmark noise makes the bones' lengths vary (the values' uncertainty), but a rep
    20 deg past a threshold on either side is still judged as such, never the other way."""
    good, bad = push_up(bottom_deg=DEPTH - 20), push_up(bottom_deg=DEPTH + 20)
    _, per_rep = judged("push_up", good, noise_m=0.01, checks=["depth"])
    assert rep_verdicts(per_rep, "depth") <= {PASS, UNCERTAIN} and PASS in rep_verdicts(
        per_rep, "depth"
    )
    _, per_rep = judged("push_up", bad, noise_m=0.01, checks=["depth"])
    assert rep_verdicts(per_rep, "depth") <= {FAIL, UNCERTAIN} and FAIL in rep_verdicts(
        per_rep, "depth"
    )
