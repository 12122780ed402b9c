"""``formlab exercises`` lists the lifts and their checks; ``formlab thresholds`` writes a template."""

from __future__ import annotations

import tomllib

from formlab import exercise_names, load_thresholds, thresholds_for
from formlab.cli import main


def test_exercises_lists_every_lift_with_its_checks(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    for name in exercise_names()[:-1]:
        assert name in out
    line = next(x for x in out.splitlines() if x.startswith("front_squat "))
    assert "start_position, elbows_up" in line and "heels_down" in line  # on request


def test_exercises_with_checks_says_what_each_measures(capsys):
    assert main(["exercises", "front_squat", "--checks"]) == 0
    out = capsys.readouterr().out
    assert "elbows_up" in out and "upper_arm_elevation_deg" in out and "Raise your elbows" in out
    assert "front, back" in out  # knees_out's valid views
    assert "heels_down (on request)" in out
    depth = next(x for x in out.splitlines() if x.strip().startswith("depth "))
    assert "(once per rep: videos only)" in depth  # not on a photo, whatever its view
    knees = next(x for x in out.splitlines() if x.strip().startswith("knees_out "))
    assert "once per rep" not in knees


def test_thresholds_writes_a_template_that_loads_back(tmp_path, capsys):
    out = tmp_path / "mine.toml"
    assert main(["thresholds", "back_squat", "-o", str(out)]) == 0
    assert "--thresholds" in capsys.readouterr().out
    assert tomllib.loads(out.read_text())["torso_upright"]["max_torso_lean_deg"] == 60.0
    assert load_thresholds(out, "back_squat") == thresholds_for("back_squat")
    assert main(["thresholds", "back_squat", "-o", str(out)]) == 2  # never overwritten by accident
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["thresholds", "back_squat", "-o", str(out), "--force"]) == 0
    assert main(["thresholds", "pilates", "-o", str(tmp_path / "p.toml")]) == 2
    assert "unknown exercise 'pilates'" in capsys.readouterr().err


def test_exercises_with_checks_shows_each_threshold_and_where_its_source_is(capsys):
    assert main(["exercises", "back_squat", "--checks"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("torso_upright:"))
    assert "max_torso_lean_deg = 60 deg" in line
    assert "formlab thresholds back_squat -o" in out


def test_thresholds_json_does_not_promise_comments(tmp_path, capsys):
    assert main(["thresholds", "push_up", "-o", str(tmp_path / "pu.json")]) == 0
    out = capsys.readouterr().out
    assert "one comment per value" not in out and "TOML" in out
    assert main(["thresholds", "push_up", "-o", str(tmp_path / "pu.toml")]) == 0
    assert "one comment per value" in capsys.readouterr().out


def test_a_misspelt_lift_gets_a_suggestion(tmp_path, capsys):
    assert main(["thresholds", "pushup", "-o", str(tmp_path / "p.toml")]) == 2
    assert "did you mean push_up?" in capsys.readouterr().err
    assert main(["exercises", "pushup"]) == 2
    assert "did you mean push_up?" in capsys.readouterr().err
    assert not (tmp_path / "p.toml").exists()
