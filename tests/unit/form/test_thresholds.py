"""Thresholds: documented data, validated ranges, presets, TOML/JSON files."""

from __future__ import annotations

import dataclasses
import json

import pytest

from formlab import ConfigError
from formlab.form.checks import CHECKS
from formlab.form.thresholds import (PRESETS, ElbowsUpThresholds, FeetWidthThresholds, FormThresholds, ViewThresholds,
                                load_thresholds, save_thresholds, threshold_table, thresholds_for)


def all_fields():
    th = FormThresholds()
    for section in th.to_dict():
        obj = getattr(th, section)
        for f in dataclasses.fields(obj):
            yield section, obj, f


def test_every_field_documents_unit_range_meaning_and_source():
    for section, obj, f in all_fields():
        md = f.metadata
        assert md["meaning"] and md["source"], f"{section}.{f.name}"
        assert md.get("choices") or (md["range"][0] is not None and md["range"][1] is not None)
        assert f.name in type(obj).__doc__, f"{section}.{f.name} missing from the docstring"
        assert md["source"] in type(obj).__doc__
        if not md.get("choices"):
            lo, hi = md["range"]
            assert lo <= f.default <= hi


def test_every_check_has_a_threshold_section():
    assert set(CHECKS) <= set(FormThresholds().to_dict())


def test_defaults_are_the_articles_numbers():
    th = FormThresholds()
    assert th.elbows_up.max_upper_arm_drop_deg == 45
    assert th.knees_out.min_knee_flexion_deg == 50
    assert th.knees_out.max_knee_narrowing_ratio == 0.15
    assert th.head_neutral.max_head_drop_deg == 40


@pytest.mark.parametrize("section,name", [(s, f.name) for s, _, f in all_fields() if not f.metadata.get("choices")])
def test_out_of_range_is_a_clear_config_error(section, name):
    th = FormThresholds()
    lo, hi = getattr(type(getattr(th, section)), "__dataclass_fields__")[name].metadata["range"]
    for bad in (lo - 1, hi + 1):
        with pytest.raises(ConfigError) as e:
            th.updated({f"{section}.{name}": bad})
        msg = str(e.value)
        assert f"{section}.{name}" in msg and repr(float(bad)) in msg and str(lo) in msg and str(hi) in msg


def test_bad_types_and_choices():
    with pytest.raises(ConfigError, match="elbows_up.max_upper_arm_drop_deg = 'lots' is not a number"):
        ElbowsUpThresholds(max_upper_arm_drop_deg="lots")
    with pytest.raises(ConfigError, match="not a number"):
        ElbowsUpThresholds(max_upper_arm_drop_deg=True)
    with pytest.raises(ConfigError, match="out of range"):
        ElbowsUpThresholds(max_upper_arm_drop_deg=float("nan"))
    with pytest.raises(ConfigError, match=r"arm_rule = 'some' is not one of \['mean', 'both', 'either'\]"):
        ElbowsUpThresholds(arm_rule="some")
    assert ElbowsUpThresholds(max_upper_arm_drop_deg="40").max_upper_arm_drop_deg == 40.0  # widget strings


def test_cross_field_rules():
    with pytest.raises(ConfigError, match="min_ankle_shoulder_ratio = 2.0 must be below"):
        FeetWidthThresholds(min_ankle_shoulder_ratio=2.0)
    with pytest.raises(ConfigError, match="front_max_yaw_deg"):
        ViewThresholds(front_max_yaw_deg=70)


def test_unknown_names_are_rejected():
    th = FormThresholds()
    with pytest.raises(ConfigError, match="unknown threshold section 'elbow_up'"):
        th.updated({"elbow_up": {"max_upper_arm_drop_deg": 40}})
    with pytest.raises(ConfigError, match="unknown threshold elbows_up.max_drop"):
        th.updated({"elbows_up.max_drop": 40})


def test_presets():
    assert thresholds_for("front_squat") == FormThresholds()
    back = thresholds_for("back_squat")
    assert back.torso_upright.max_torso_lean_deg > FormThresholds().torso_upright.max_torso_lean_deg
    for exercise, changes in PRESETS.items():
        thresholds_for(exercise)  # valid
        assert thresholds_for(exercise).to_dict() != FormThresholds().to_dict() or not changes


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_round_trip(tmp_path, suffix):
    th = thresholds_for("back_squat").updated({"elbows_up.arm_rule": "both", "knees_out.max_knee_narrowing_ratio": 0.2})
    path = save_thresholds(th, tmp_path / f"t{suffix}")
    assert load_thresholds(path) == th
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_toml_is_commented_and_partial_files_use_the_preset(tmp_path):
    text = save_thresholds(FormThresholds(), tmp_path / "t.toml").read_text()
    assert "# unit: deg; valid range: 0 to 90; default: 45.0; source: the article (45 deg)." in text
    partial = tmp_path / "p.toml"
    partial.write_text("[elbows_up]\nmax_upper_arm_drop_deg = 35\n")
    th = load_thresholds(partial, exercise="back_squat")
    assert th.elbows_up.max_upper_arm_drop_deg == 35.0
    assert th.torso_upright == thresholds_for("back_squat").torso_upright
    (tmp_path / "p.json").write_text(json.dumps({"depth": {"min_hip_below_knee_deg": -5}}))
    assert load_thresholds(tmp_path / "p.json").depth.min_hip_below_knee_deg == -5.0


def toml_comments(text):
    """``{(section, name): [comment lines just above it]}`` for every value of a saved TOML file."""
    lines, out, section = text.splitlines(), {}, None
    for k, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip("[]")
        elif line and not line.startswith("#"):
            above = []
            for prev in reversed(lines[:k]):
                if not prev.startswith("#"):
                    break
                above.insert(0, prev)
            out[section, line.split(" = ", 1)[0]] = above
    return out


def test_toml_comments_stand_on_their_own(tmp_path):
    """Each value's comment gives unit, valid range, default and source, and points to nothing a TOML reader lacks."""
    text = save_thresholds(thresholds_for("back_squat"), tmp_path / "t.toml").read_text()
    comments = toml_comments(text)
    assert len(comments) == sum(1 for _ in all_fields())
    for section, obj, f in all_fields():
        above, md = comments[section, f.name], f.metadata
        assert len(above) == 2 and above[0] == f"# {md['meaning']}", f.name
        detail = above[1]
        if md.get("choices"):
            assert detail.startswith('# valid values: one of "mean", "both", "either"; default: "mean"; ')
        else:
            lo, hi = md["range"]
            assert detail.startswith(f"# unit: {md['unit'] or 'none (a plain number)'}; "
                                     f"valid range: {lo:g} to {hi:g}; default: {float(f.default)!r}"), detail
        assert detail.endswith(f"; source: {md['source']}"), detail
    for line in text.splitlines():
        if line.startswith("#"):  # no reference to the docstrings' sections or Sphinx markup
            for word in ("Notes", "see ", "See ", "``", ":mod:", ":data:", ":func:", ":class:"):
                assert word not in line, line
    torso = comments["torso_upright", "max_torso_lean_deg"][1]
    assert "default: 45.0 (presets: back_squat 60.0, squat 55.0, lunge 30.0)" in torso
    assert "the article': \"Less Pain, More Gain" in text  # who "the article" is


@pytest.mark.parametrize("exercise", sorted(PRESETS))
def test_saved_toml_loads_back_identically(tmp_path, exercise):
    """Every value is written, exactly: the file alone decides, whatever preset it is read with."""
    import tomllib

    th = thresholds_for(exercise).updated({"view.image_cue_weight": 0.1 + 0.2, "depth.min_hip_below_knee_deg": -45,
                                           "feet_width.max_ankle_shoulder_ratio": 1 / 3 + 1.5,
                                           "elbows_up.arm_rule": "either"})
    path = save_thresholds(th, tmp_path / "t.toml")
    assert tomllib.loads(path.read_text()) == th.to_dict()
    for base in ("front_squat", "lunge"):
        assert load_thresholds(path, exercise=base) == th


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[elbows_up]\nmax_upper_arm_drop_deg = 95\n")
    with pytest.raises(ConfigError, match=r"bad.toml: elbows_up.max_upper_arm_drop_deg = 95.0 is out of range"):
        load_thresholds(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[elbows_up\n")
    with pytest.raises(ConfigError, match="broken.toml: not valid TOML"):
        load_thresholds(broken)
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ConfigError, match="broken.json: not valid JSON"):
        load_thresholds(tmp_path / "broken.json")
    with pytest.raises(ConfigError, match="no such thresholds file"):
        load_thresholds(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="unsupported thresholds format '.yaml'"):
        save_thresholds(FormThresholds(), tmp_path / "t.yaml")


def test_table_lists_every_threshold_with_its_range():
    table = threshold_table()
    assert len(table) == sum(1 for _ in all_fields())
    row = table[(table.section == "elbows_up") & (table.name == "max_upper_arm_drop_deg")].iloc[0]
    assert (row["value"], row["unit"], row["min"], row["max"]) == (45.0, "deg", 0, 90)
