"""Optional checks asked for by name (``extra_checks=``): run like the default ones, refused in one line.

Constructed tracks (no media): a squat set, and a bench press for a lift without ``heels_down``.
"""

import dataclasses
import json
import sys
import warnings

import pandas as pd
import pytest
from support.synthetic_pose import exercise_track

from formlab.core.errors import ConfigError, FormlabWarning
from formlab.exercises import get_exercise
from formlab.outputs import write_feedback, write_reps_table, write_summary
from formlab.pipeline import analyze
from formlab.pipeline.batch import batch
from formlab.pipeline.batch.inputs import VideoJob
from formlab.pipeline.batch.work import STATE_DIR, BatchSettings, analyse_video, record_key
from formlab.pipeline.checks import check_extra_checks, lift_with_checks

analyze_module = sys.modules["formlab.pipeline.analyze"]


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
        assert "heels_down (back_squat, " in str(e.value) and "lunge" in str(e.value)


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


def test_batch_refuses_a_bad_request_before_anything_is_written(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    for exercise, names, message in [
        ("squat", ["heel_down"], "its optional checks: heels_down"),
        ("auto", ["bogus"], "no lift has a check 'bogus'"),
    ]:
        with pytest.raises(ConfigError, match=message):
            batch(tmp_path / "a.mp4", tmp_path / "out", exercise=exercise, extra_checks=names)
    assert not (tmp_path / "out").exists()


def test_batch_passes_the_request_to_each_video_and_keys_its_records_by_it(
    squat_track, tmp_path, monkeypatch
):
    plain = BatchSettings(extract_options={}, figures=False, video=False)
    asked = dataclasses.replace(plain, extra_checks=("heels_down",))
    assert record_key("abc", "squat", plain.fingerprint()) != record_key(
        "abc", "squat", asked.fingerprint()
    )  # a finished record without the check is not reused for a run asking for it
    given = {}

    def on_the_constructed_track(path, exercise, **options):
        given.update(options)
        meta = dataclasses.replace(squat_track.meta, source=str(path))
        return analyze(dataclasses.replace(squat_track, meta=meta), exercise, **options)

    monkeypatch.setattr(analyze_module, "analyze", on_the_constructed_track)
    monkeypatch.setattr(  # no worst frames: they are cut from the video, which is a stand-in here
        BatchSettings, "writers", lambda self: [write_reps_table, write_feedback, write_summary]
    )
    job = VideoJob(video_id="set", path=tmp_path / "set.mp4", exercise="squat")
    job.path.write_bytes(b"the track stands for it")
    (tmp_path / STATE_DIR).mkdir()  # made by batch() before the workers start
    out = analyse_video(job, asked, str(tmp_path), "key", "sha")
    assert out["row"]["status"] == "ok", out["row"]["error"]
    assert given["extra_checks"] == ("heels_down",)
    assert "heels_down" in pd.read_csv(tmp_path / "set" / "reps.csv").columns
