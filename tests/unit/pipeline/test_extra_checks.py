"""Optional checks asked for by name (``extra_checks=``): run like the default ones, refused in one line.

Constructed tracks (no media): a squat set, and a bench press for a lift without ``heels_down``.
"""

import json
import warnings

import pandas as pd
import pytest
from support.synthetic_pose import exercise_track

from formlab.core.errors import ConfigError, FormlabWarning
from formlab.exercises import get_exercise
from formlab.outputs import write_feedback, write_reps_table, write_summary
from formlab.pipeline import analyze
from formlab.pipeline.checks import check_extra_checks, lift_with_checks


@pytest.fixture(scope="module")
def squat_track():
    track, _ = exercise_track("squat", 3, 30.0)
    return track


def test_a_requested_check_reaches_the_tables_and_the_summary(squat_track, tmp_path):
    plain = analyze(squat_track, "squat")
    assert "heels_down" not in plain.reps.columns  # optional: not run unless asked for
    result = analyze(squat_track, "squat", extra_checks=("heels_down",))
    assert result.detection.count == plain.detection.count == 3
    assert set(result.reps["heels_down"]) <= {"pass", "fail", "uncertain", "not_assessable"}
    assert "heels_down" in result.feedback.columns
    for check in get_exercise("squat").check_names:  # the default checks still run, unchanged
        assert list(result.reps[check]) == list(plain.reps[check])
    result.save(tmp_path, [write_reps_table, write_feedback, write_summary])
    assert "heels_down" in pd.read_csv(tmp_path / "reps.csv").columns
    assert "heels_down" in pd.read_csv(tmp_path / "feedback.csv").columns
    assert "heels_down" in json.dumps(json.loads((tmp_path / "summary.json").read_text()))


@pytest.mark.parametrize(
    "lift,names,message",
    [
        (
            "squat",
            ("heel_down",),
            "squat has no check 'heel_down'; its optional checks: heels_down",
        ),
        ("bench_press", ("heels_down",), "its optional checks: none"),
        ("auto", ("bogus",), "no lift has a check 'bogus'; the optional checks: "),
    ],
)
def test_a_check_the_lift_lacks_is_one_line_naming_its_optional_checks(lift, names, message):
    with pytest.raises(ConfigError, match="^[^\n]*$") as e:
        check_extra_checks(names, lift)
    assert message in str(e.value)
    if lift == "auto":
        assert "squat: heels_down" in str(e.value)


def test_a_bad_request_fails_before_the_slow_part(squat_track):
    with pytest.raises(ConfigError, match="its optional checks: heels_down"):
        analyze("no-such-video.mp4", "squat", extra_checks=["nope"])  # not "no such file"
    with pytest.raises(ConfigError, match="extra_checks must be check names"):
        analyze(squat_track, "squat", extra_checks=[3])


def test_under_auto_a_check_the_recognised_lift_lacks_is_a_warning():
    track, _ = exercise_track("bench_press", 3, 30.0)
    with pytest.warns(FormlabWarning, match="bench_press, has no check 'heels_down'"):
        result = analyze(track, "auto", extra_checks=("heels_down",))
    assert result.exercise == "bench_press" and result.detection.count == 3
    assert "heels_down" not in result.reps.columns


def test_a_default_check_named_again_runs_once():
    squat = get_exercise("squat")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lift = lift_with_checks("squat", [squat.check_names[0], "heels_down"])
    assert lift.check_names == (*squat.check_names, "heels_down")
    assert lift_with_checks("squat", []) is squat
