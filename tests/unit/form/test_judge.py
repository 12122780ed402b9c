"""Verdicts per frame and per rep: exercise awareness, rep bottoms, the per-rep summary, worst frames, explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.constructed_posture import SQUAT_BOTTOM, make_track, squat_reps, with_changes
from support.csv_helpers import assert_written_compactly
from support.front_squat import CHECKS

from formlab import (
    ConfigError,
    InputError,
    OutputError,
    evaluate_form,
    exercise_names,
    form_per_rep,
    get_exercise,
    thresholds_for,
)
from formlab.exercises import exercises
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS, STATUSES
from formlab.form.judge import worst_sd_column, worst_value_column
from formlab.form.report import save_feedback
from formlab.pipeline.feedback import explain_frame, frame_messages, status_counts, worst_frames


def checks_for(name):
    return get_exercise(name).check_names


ARTICLE_COLUMNS = [
    "elbows_up",
    "knees_out",
    "feet_width",
    "start_position",
    "head_neutral",
    "depth",
]


def test_table_layout():
    track, reps = squat_reps()
    fb = evaluate_form(track, "front_squat", reps=reps)
    assert list(fb.columns[:3]) == ["frame", "time_s", "view"]
    assert len(fb) == track.n_frames and np.array_equal(fb["frame"], track.frame)
    for c in [*ARTICLE_COLUMNS, "torso_upright"]:
        assert set(fb[c].astype(str)) <= set(STATUSES), c
    measured = [
        c
        for c in fb.columns
        if c not in CHECKS
        and c not in ("frame", "view", "side_facing_camera")
        and c not in {k.applies_column for k in CHECKS.values()}  # where a check applies: booleans
    ]
    for c in measured:
        assert c.endswith(("_deg", "_ratio", "_s")), c
        assert fb[c].dtype.kind == "f", c
    for check in fb.attrs["checks"]:
        assert CHECKS[check].value in fb.columns
    assert (
        fb.attrs["exercise"] == "front_squat"
        and fb.attrs["thresholds"] == thresholds_for("front_squat").to_dict()
    )
    assert "heels_down" not in fb.columns  # optional check, not run by default


def test_exercise_awareness():
    assert set(exercises()) | {"auto"} == set(exercise_names())
    for squat in ("squat", "front_squat", "back_squat"):
        assert "depth" in checks_for(squat) and "knees_out" in checks_for(squat)
    assert {"start_position", "elbows_up"} <= set(checks_for("front_squat"))
    assert not {"start_position", "elbows_up"} & set(checks_for("back_squat"))
    assert checks_for("curl") == ("elbows_pinned", "no_swing", "full_range")
    assert checks_for("Front-Squat") == checks_for("front_squat")
    for lift in exercises().values():  # an optional check is never also run by default
        assert not {c.name for c in lift.optional_checks} & set(lift.check_names), lift.name
    track, _ = squat_reps(1)
    curl = evaluate_form(track, "curl")
    assert not set(CHECKS) & set(curl.columns) and "upper_arm_elevation_deg" not in curl.columns
    back = evaluate_form(track, "back_squat")
    assert "depth" in back.columns and "elbows_up" not in back.columns
    with pytest.raises(ConfigError, match="unknown exercise 'snatch'; accepted: .*front_squat"):
        evaluate_form(track, "snatch")
    with pytest.raises(ConfigError, match="squat has no check 'elbow'"):
        evaluate_form(track, "squat", checks=["elbow"])


def test_rep_bottoms_with_and_without_reps_table():
    track, reps = squat_reps(bottoms=(5.0, -20.0))
    no_reps = evaluate_form(track, "front_squat")
    with_reps = evaluate_form(track, "front_squat", reps=reps)
    for fb in (no_reps, with_reps):
        bottoms = fb.loc[fb["rep_bottom"], "frame"].tolist()
        assert len(bottoms) == 2
        assert all(abs(b - t) <= 1 for b, t in zip(bottoms, reps["turn_frame"])), bottoms
        assert fb.loc[fb["rep_bottom"], "depth"].tolist() == [PASS, FAIL]
        assert (fb.loc[~fb["rep_bottom"], "depth"] == NOT_ASSESSABLE).all()


def test_summary_per_rep():
    track, reps = squat_reps(bottoms=(5.0, -20.0), elbows=(-10.0, -60.0))
    fb = evaluate_form(track, "front_squat", reps=reps)
    s = form_per_rep(fb, reps)
    assert list(s["rep"]) == [1, 2] and list(s.columns[:4]) == [
        "rep",
        "start_frame",
        "turn_frame",
        "end_frame",
    ]
    assert list(s["depth"]) == [PASS, FAIL]
    assert list(s["elbows_up"]) == [PASS, FAIL]
    assert list(s["knees_out"]) == [NOT_ASSESSABLE] * 2  # side view
    assert s.loc[1, "failed_checks"] == "elbows_up; depth"
    assert s.loc[1, "messages"] == "Raise your elbows; Squat deeper"
    assert s.loc[0, "failed_checks"] == "" and s.loc[0, "messages"] == ""
    assert s.loc[1, "elbows_up_worst_upper_arm_elevation_deg"] == pytest.approx(-60.0)
    assert s.loc[1, "depth_worst_hip_below_knee_deg"] == pytest.approx(-20.0, abs=0.5)
    assert abs(s.loc[1, "depth_worst_frame"] - reps.loc[1, "turn_frame"]) <= 1
    assert s.loc[0, "torso_upright_worst_torso_lean_deg"] == pytest.approx(30.0, abs=0.5)


def test_worst_value_columns_named_after_the_measured_value():
    """Each worst-value column is ``{check}_worst_{value_column}`` and holds that column's value at the worst frame."""
    track, reps = squat_reps(bottoms=(5.0, -20.0), elbows=(-10.0, -60.0))
    fb = evaluate_form(track, "front_squat", reps=reps)
    s = form_per_rep(fb, reps)
    worst = [
        c
        for c in s.columns
        if "_worst_" in c and not c.endswith("_worst_frame") and "_sd_" not in c
    ]
    checks = fb.attrs["checks"]
    assert worst == [f"{name}_worst_{CHECKS[name].value}" for name in checks]
    sds = [c for c in s.columns if "_worst_" in c and "_sd_" in c]
    assert sds == [worst_sd_column(CHECKS[name]) for name in checks]
    assert worst_sd_column(CHECKS["depth"]) == "depth_worst_hip_below_knee_sd_deg"
    assert [worst_value_column(CHECKS[name]) for name in checks] == worst
    assert worst_value_column(CHECKS["elbows_up"]) == "elbows_up_worst_upper_arm_elevation_deg"
    assert not any(
        c.endswith(("_worst_deg", "_worst_ratio")) for c in s.columns
    )  # the old generic names
    by_frame = fb.set_index("frame")
    for name in checks:
        for _, rep in s.dropna(subset=[f"{name}_worst_frame"]).iterrows():
            measured = by_frame.loc[rep[f"{name}_worst_frame"], CHECKS[name].value]
            assert rep[worst_value_column(CHECKS[name])] == pytest.approx(measured, nan_ok=True)


def test_summary_ignores_a_one_frame_glitch():
    track, reps = squat_reps(1)
    fb = evaluate_form(track, "front_squat", reps=reps)
    k = int(reps.loc[0, "turn_frame"]) + 5
    fb.loc[k, "upper_arm_elevation_deg"] = -80.0  # one bad frame inside the rep
    fb.loc[k, "right_upper_arm_elevation_deg"] = -80.0
    fb["elbows_up"] = fb["elbows_up"].astype(object)
    fb.loc[k, "elbows_up"] = FAIL
    s = form_per_rep(fb, reps)
    # the glitch neither fails the rep nor is reported as its worst value: the worst the rep held
    assert s.loc[0, "elbows_up"] == PASS and s.loc[0, "elbows_up_worst_frame"] != k
    assert s.loc[0, "elbows_up_worst_upper_arm_elevation_deg"] > -80.0
    strict = thresholds_for("front_squat").updated({"rep_summary.min_fail_duration_s": 0.0})
    s_strict = form_per_rep(fb, reps, thresholds=strict)
    assert s_strict.loc[0, "elbows_up"] == FAIL and s_strict.loc[0, "elbows_up_worst_frame"] == k


def test_summary_needs_rep_columns():
    track, reps = squat_reps(1)
    fb = evaluate_form(track, "front_squat")
    with pytest.raises(InputError, match="reps table lacks the columns"):
        form_per_rep(fb, reps.drop(columns=["end_frame"]))


def test_worst_frames_and_messages():
    track, reps = squat_reps(bottoms=(5.0, -20.0), elbows=(-10.0, -60.0))
    fb = evaluate_form(track, "front_squat", reps=reps)
    w = worst_frames(fb)
    assert list(w["check"]) == ["elbows_up", "depth"]
    assert w.loc[0, "value"] == pytest.approx(-60.0) and w.loc[0, "message"] == "Raise your elbows"
    bottom = int(fb.index[fb["rep_bottom"]][1])
    assert frame_messages(fb, bottom) == ["Raise your elbows", "Squat deeper"]


def test_one_frame_track_and_frames_without_pose():
    photo = make_track(with_changes(SQUAT_BOTTOM, upper_arm_elevation_deg=-60.0), 0.0)
    fb = evaluate_form(photo, "front_squat")
    assert len(fb) == 1 and fb.loc[0, "elbows_up"] == FAIL and fb.loc[0, "depth"] == NOT_ASSESSABLE
    as_rep = pd.DataFrame({"rep": [1], "start_frame": [0], "turn_frame": [0], "end_frame": [0]})
    assert evaluate_form(photo, "front_squat", reps=as_rep).loc[0, "depth"] == PASS
    track, _ = squat_reps(1)
    xy = track.xy_px.copy()
    w = track.world_m.copy()
    xy[10:20] = np.nan
    w[10:20] = np.nan
    fb = evaluate_form(track.replace(xy_px=xy, world_m=w), "front_squat")
    assert (fb.loc[10:19, "view"] == "unknown").all()
    for c in fb.attrs["checks"]:
        assert (fb.loc[10:19, c] == NOT_ASSESSABLE).all()


def test_save_feedback_csv(tmp_path):
    track, reps = squat_reps()
    fb = evaluate_form(track, "front_squat", reps=reps)
    path = save_feedback(fb, tmp_path / "feedback.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == list(fb.columns) and len(back) == len(fb)
    assert set(back["elbows_up"]) <= set(STATUSES) and back["view"].iloc[0] == "side"
    assert np.allclose(
        back["upper_arm_elevation_deg"], fb["upper_arm_elevation_deg"], equal_nan=True
    )
    assert_written_compactly(path, fb)  # 6 significant digits, frames as integers
    per_rep = form_per_rep(fb, reps)
    assert_written_compactly(save_feedback(per_rep, tmp_path / "reps_form.csv"), per_rep)
    with pytest.raises(OutputError, match="written as .csv"):
        save_feedback(fb, tmp_path / "feedback.xlsx")


def test_status_counts_frames_seconds_and_reps():
    track, reps = squat_reps(bottoms=(5.0, -20.0), elbows=(-10.0, -60.0))
    fb = evaluate_form(track, "front_squat", reps=reps)
    counts = status_counts(fb, form_per_rep(fb, reps))
    assert list(counts.index) == fb.attrs["checks"]
    for name, row in counts.iterrows():
        assert row["pass_frames"] + row["fail_frames"] + row["uncertain_frames"] + row[
            "not_assessable_frames"
        ] == len(fb)
        assert row["fail_frames"] == int((fb[name] == FAIL).sum())
        assert row["fail_s"] == pytest.approx(row["fail_frames"] / 30.0)
    assert counts.loc["elbows_up", "fail_frames"] > 0
    assert (
        counts.loc["elbows_up", "failed_rep_numbers"] == "2"
        and counts.loc["elbows_up", "failed_reps"] == 1
    )
    assert counts.loc["depth", "failed_rep_numbers"] == "2"
    assert counts.loc["knees_out", "not_assessable_frames"] == len(fb)  # side view
    assert (
        counts.loc["torso_upright", "failed_reps"] == 0
        and counts.loc["torso_upright", "failed_rep_numbers"] == ""
    )
    assert "failed_reps" not in status_counts(fb).columns


def test_explain_frame_gives_value_range_and_reason():
    track, reps = squat_reps(bottoms=(5.0, -20.0), elbows=(-10.0, -60.0))  # side view
    fb = evaluate_form(track, "front_squat", reps=reps)
    bottom2 = int(np.flatnonzero(fb["depth"].to_numpy(dtype=object) == FAIL)[0])
    table = explain_frame(fb, bottom2)
    assert list(table.index) == fb.attrs["checks"]
    assert table.loc["depth", "status"] == FAIL and table.loc["depth", "why"] == "Squat deeper"
    assert table.loc["depth", "value"] == pytest.approx(fb.loc[bottom2, "hip_below_knee_deg"])
    assert table.loc["elbows_up", "passes_from"] == -45.0 and np.isnan(
        table.loc["elbows_up", "passes_to"]
    )
    assert (
        "side view cannot show it" in table.loc["knees_out", "why"]
        and "front, back" in table.loc["knees_out", "why"]
    )
    assert table.loc["torso_upright", "status"] == PASS and table.loc["torso_upright", "why"] == ""
    standing = explain_frame(fb, 0)
    assert (
        standing.loc["depth", "status"] == NOT_ASSESSABLE
        and "bottom of a rep" in standing.loc["depth", "why"]
    )
    # stricter thresholds passed explicitly change the range shown
    assert (
        explain_frame(
            fb, 0, thresholds_for("front_squat").updated({"elbows_up.max_upper_arm_drop_deg": 30})
        )["passes_from"]["elbows_up"]
        == -30.0
    )
