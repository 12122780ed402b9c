"""The checks of the push-up, the curl and the jumping jack on the sample clips of those lifts.

Only the push-up clip is labelled (``rese__bad_pushups``: "small range of motion, chest stays
high"): its depth check must flag it. The curl and jumping-jack clips carry no form label: there the
test asks only that the checks their camera view can show give a verdict on every rep.
"""

from __future__ import annotations

import pytest

import formlab
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS
from formlab.io import samples

pytestmark = pytest.mark.media


def analysed(name: str, exercise: str):
    return formlab.analyze(samples.fetch(name), exercise)


def test_the_bad_push_ups_fail_depth_on_every_rep():
    result = analysed("rese__bad_pushups", "push_up")
    assert len(result.reps) == 3
    assert set(result.reps["depth"].astype(str)) == {FAIL}
    # the chest stays high: the elbows never bend to 90 deg, by more than their uncertainty
    worst = (
        result.reps["depth_worst_elbow_angle_deg"] - result.reps["depth_worst_elbow_angle_sd_deg"]
    )
    assert (worst > formlab.thresholds_for("push_up").depth.max_elbow_angle_deg).all()


@pytest.mark.parametrize(
    ("name", "exercise", "checks"),
    [
        ("formfit-jrplatin__curl", "curl", ["elbows_pinned", "no_swing"]),
        ("sports2d__demo", "jumping_jack", ["arms_overhead"]),
    ],
)
def test_checks_give_a_verdict_on_every_rep(name, exercise, checks):
    result = analysed(name, exercise)
    assert len(result.reps) >= 2
    for check in checks:
        verdicts = set(result.reps[check].astype(str))
        assert NOT_ASSESSABLE not in verdicts, (check, verdicts)
    # the rep-level range needs the extension before the rep: the curl clip starts mid-rep
    if exercise == "curl":
        full_range = result.reps["full_range"].astype(str).tolist()
        assert full_range[0] == NOT_ASSESSABLE and PASS in full_range[1:]
