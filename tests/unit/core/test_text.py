"""Message wording helpers: a misspelt name gets the one name meant."""

from __future__ import annotations

import pytest

from formlab.core.errors import ConfigError
from formlab.core.text import did_you_mean
from formlab.exercises import check_exercise_name


def test_the_closest_name_is_suggested_and_a_far_one_is_not():
    names = ["push_up", "squat", "bench_press"]
    assert did_you_mean("pushup", names) == " (did you mean push_up?)"
    assert did_you_mean("pilates", names) == ""


def test_analyze_s_exercise_name_check_suggests_the_lift():
    with pytest.raises(ConfigError, match=r"unknown exercise 'pushup' \(did you mean push_up\?\)"):
        check_exercise_name("pushup")
