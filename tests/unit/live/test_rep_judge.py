"""How long the live coach waits after a rep's end: as far as offline's two-sided steps read."""

from __future__ import annotations

import pytest

from formlab.form.settings import UncertaintyThresholds, ViewThresholds
from formlab.form.thresholds import FormThresholds
from formlab.live.rep_judge import judging_lookahead_s
from formlab.signal.cleaning import CleanOptions


@pytest.mark.parametrize(
    ("view_s", "jitter_s", "clean", "expected_s"),
    [
        (1.0, 0.5, {}, 0.5),  # the defaults: the view's average over a second
        (3.0, 0.5, {}, 1.5),  # a longer view average looks further ahead
        (0.2, 1.6, {}, 0.8),  # the jitter's RMS window
        (
            0.2,
            0.2,
            {"max_gap_s": 0.6},
            0.6,
        ),  # a gap at the rep's end is filled from the frame after
        (0.2, 0.2, {"outlier_window_s": 1.4, "max_gap_s": 0.0}, 0.7),  # the outlier test's window
        (0.2, 0.2, {"outlier_window_s": None, "max_gap_s": 0.0}, 0.1),  # no outlier test
    ],
)
def test_the_wait_is_the_furthest_reach_of_the_judge_and_the_cleaning(
    view_s, jitter_s, clean, expected_s
):
    th = FormThresholds(
        {
            "view": ViewThresholds(smoothing_window_s=view_s),
            "uncertainty": UncertaintyThresholds(jitter_window_s=jitter_s),
        }
    )
    assert judging_lookahead_s(th, CleanOptions.coerce(clean)) == pytest.approx(expected_s)


def test_a_check_read_after_the_rep_adds_how_far_it_looks():
    """A push-up's lockout is looked for up to best_window_s past the rep's end: those frames, and
    the two-sided steps' reach after them; a squat has no such check."""
    from formlab.exercises import get_exercise
    from formlab.pipeline.steps import resolve_thresholds

    th = resolve_thresholds(None, "push_up")
    checks = get_exercise("push_up").checks
    window = float(th.section("full_lockout").best_window_s)
    reach = judging_lookahead_s(th, CleanOptions())
    assert judging_lookahead_s(th, CleanOptions(), checks) == pytest.approx(reach + window)
    squat = resolve_thresholds(None, "squat")
    assert judging_lookahead_s(squat, CleanOptions(), get_exercise("squat").checks) == reach
