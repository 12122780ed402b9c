"""Thresholds: documented data, validated ranges, each lift's defaults, TOML/JSON files."""

from __future__ import annotations

import dataclasses
import json

import pytest
from support.front_squat import CHECKS

from formlab import (
    ConfigError,
    FormlabWarning,
    load_thresholds,
    save_thresholds,
    thresholds_for,
)
from formlab.exercises import exercises
from formlab.form.settings import ViewThresholds
from formlab.form.thresholds import threshold_table

FRONT = thresholds_for("front_squat")
ElbowsUpThresholds = type(FRONT.elbows_up)
FeetWidthThresholds = type(FRONT.feet_width)
LIFTS = sorted(exercises())


def all_fields(th=FRONT):
    for section in th.sections:
        obj = th.section(section)
        for f in dataclasses.fields(obj):
            yield section, obj, f


def every_lifts_fields():
    for lift in LIFTS:
        for section, obj, f in all_fields(thresholds_for(lift)):
            yield lift, section, obj, f


def test_every_field_documents_unit_range_meaning_and_source():
    for _, section, obj, f in every_lifts_fields():
        md = f.metadata
        assert md["meaning"] and md["source"], f"{section}.{f.name}"
        assert md.get("choices") or (md["range"][0] is not None and md["range"][1] is not None)
        assert f.name in type(obj).__doc__, f"{section}.{f.name} missing from the docstring"
        assert md["source"] in type(obj).__doc__
        if not md.get("choices"):
            lo, hi = md["range"]
            assert lo <= f.default <= hi


def test_every_check_has_a_threshold_section():
    assert set(CHECKS) <= set(FRONT.to_dict())
    for lift, ex in exercises().items():
        assert {c.name for c in ex.all_checks} | {
            "view",
            "landmarks",
            "rep_summary",
            "uncertainty",
        } == set(thresholds_for(lift).sections)


def test_defaults_are_the_articles_numbers():
    th = FRONT
    assert th.elbows_up.max_upper_arm_drop_deg == 45
    assert th.knees_out.min_knee_flexion_deg == 50
    assert th.knees_out.max_knee_narrowing_ratio == 0.15
    assert th.head_neutral.max_head_drop_deg == 40


@pytest.mark.parametrize(
    "section,name", [(s, f.name) for s, _, f in all_fields() if not f.metadata.get("choices")]
)
def test_out_of_range_is_a_clear_config_error(section, name):
    th = FRONT
    lo, hi = type(getattr(th, section)).__dataclass_fields__[name].metadata["range"]
    for bad in (lo - 1, hi + 1):
        with pytest.raises(ConfigError) as e:
            th.updated({f"{section}.{name}": bad})
        msg = str(e.value)
        assert (
            f"{section}.{name}" in msg
            and repr(float(bad)) in msg
            and str(lo) in msg
            and str(hi) in msg
        )


def test_bad_types_and_choices():
    with pytest.raises(
        ConfigError, match="elbows_up.max_upper_arm_drop_deg = 'lots' is not a number"
    ):
        ElbowsUpThresholds(max_upper_arm_drop_deg="lots")
    with pytest.raises(ConfigError, match="not a number"):
        ElbowsUpThresholds(max_upper_arm_drop_deg=True)
    with pytest.raises(ConfigError, match="out of range"):
        ElbowsUpThresholds(max_upper_arm_drop_deg=float("nan"))
    with pytest.raises(
        ConfigError, match=r"arm_rule = 'some' is not one of \['mean', 'both', 'either'\]"
    ):
        ElbowsUpThresholds(arm_rule="some")
    assert (
        ElbowsUpThresholds(max_upper_arm_drop_deg="40").max_upper_arm_drop_deg == 40.0
    )  # widget strings


def test_cross_field_rules():
    with pytest.raises(ConfigError, match="min_ankle_shoulder_ratio = 2.0 must be below"):
        FeetWidthThresholds(min_ankle_shoulder_ratio=2.0)
    with pytest.raises(ConfigError, match="front_max_yaw_deg"):
        ViewThresholds(front_max_yaw_deg=70)


def test_unknown_names_are_rejected():
    th = FRONT
    with pytest.raises(ConfigError, match="unknown threshold section 'elbow_up'"):
        th.updated({"elbow_up": {"max_upper_arm_drop_deg": 40}})
    with pytest.raises(ConfigError, match="unknown setting elbows_up.max_drop"):
        th.updated({"elbows_up.max_drop": 40})
    with pytest.raises(ConfigError, match="unknown exercise 'pilates'"):
        thresholds_for("pilates")  # not the front squat's thresholds in silence


def test_each_lift_states_its_own_defaults():
    back = thresholds_for("back_squat")
    assert back.torso_upright.max_torso_lean_deg > FRONT.torso_upright.max_torso_lean_deg
    assert "elbows_up" not in back and "elbows_up" in FRONT  # the rack checks are the front squat's
    assert thresholds_for("lunge").torso_upright.max_torso_lean_deg == 30.0
    assert thresholds_for("auto") == thresholds_for("squat")  # before the lift is recognised
    for lift in LIFTS:
        assert thresholds_for(lift).exercise == lift


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_round_trip(tmp_path, suffix):
    th = thresholds_for("back_squat").updated(
        {"depth.min_hip_below_knee_deg": 2, "knees_out.max_knee_narrowing_ratio": 0.2}
    )
    path = save_thresholds(th, tmp_path / f"t{suffix}")
    assert load_thresholds(path, "back_squat") == th
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_toml_is_commented_and_partial_files_use_the_lifts_defaults(tmp_path):
    text = save_thresholds(FRONT, tmp_path / "t.toml").read_text()
    assert "# unit: deg; valid range: 0 to 90; default: 45.0; source: the article (45 deg)." in text
    partial = tmp_path / "p.toml"
    partial.write_text("[depth]\nmin_hip_below_knee_deg = 5\n")
    th = load_thresholds(partial, exercise="back_squat")
    assert th.depth.min_hip_below_knee_deg == 5.0
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
    back = thresholds_for("back_squat")
    text = save_thresholds(back, tmp_path / "t.toml").read_text()
    comments = toml_comments(text)
    assert len(comments) == sum(1 for _ in all_fields(back))
    for section, _obj, f in all_fields(back):
        above, md = comments[section, f.name], f.metadata
        assert len(above) == 2 and above[0] == f"# {md['meaning']}", f.name
        detail = above[1]
        if md.get("choices"):
            assert detail.startswith(
                '# valid values: one of "mean", "both", "either"; default: "mean"; '
            )
        else:
            lo, hi = md["range"]
            assert detail.startswith(
                f"# unit: {md['unit'] or 'none (a plain number)'}; "
                f"valid range: {lo:g} to {hi:g}; default: {float(f.default)!r}"
            ), detail
        assert detail.endswith(f"; source: {md['source']}"), detail
    for line in text.splitlines():
        if line.startswith("#"):  # no reference to the docstrings' sections or Sphinx markup
            for word in ("Notes", "see ", "See ", "``", ":mod:", ":data:", ":func:", ":class:"):
                assert word not in line, line
    torso = comments["torso_upright", "max_torso_lean_deg"][1]
    assert (
        "default: 60.0 (other lifts: bodyweight_squat 55.0, front_squat 45.0, goblet_squat 45.0, "
        "lunge 30.0, squat 55.0)"
    ) in torso
    assert "# Thresholds of: back_squat" in text
    assert "the article': \"Less Pain, More Gain" in text  # who "the article" is


@pytest.mark.parametrize("exercise", LIFTS)
def test_saved_toml_loads_back_identically(tmp_path, exercise):
    """Every value is written, exactly: the file alone decides."""
    import tomllib

    changes = {
        "view.image_cue_weight": 0.1 + 0.2,
        "depth.min_hip_below_knee_deg": -45,
        "feet_width.max_ankle_shoulder_ratio": 1 / 3 + 1.5,
        "elbows_up.arm_rule": "either",
    }
    base = thresholds_for(exercise)
    th = base.updated(
        {
            k: v
            for k, v in changes.items()
            # a check's section belongs to its lift: the push-up's depth has fields of its own
            if k.split(".")[0] in base
            and k.split(".")[1] in base.section(k.split(".")[0]).field_names()
        }
    )
    path = save_thresholds(th, tmp_path / "t.toml")
    assert tomllib.loads(path.read_text()) == th.to_dict()
    assert load_thresholds(path, exercise=exercise) == th


def test_a_file_for_another_lift_warns_about_checks_this_lift_does_not_run(tmp_path):
    path = save_thresholds(
        FRONT.updated({"knees_out.max_knee_narrowing_ratio": 0.3}), tmp_path / "front.toml"
    )
    with pytest.warns(
        FormlabWarning, match="back_squat does not run the check.s. start_position, elbows_up"
    ):
        back = load_thresholds(path, exercise="back_squat")
    assert (
        back.knees_out.max_knee_narrowing_ratio == 0.3
    )  # the checks both run take the file's values
    (tmp_path / "typo.toml").write_text("[knees_in]\nmax_knee_narrowing_ratio = 0.2\n")
    with pytest.raises(ConfigError, match="typo.toml: unknown threshold section 'knees_in'"):
        load_thresholds(tmp_path / "typo.toml", exercise="back_squat")


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[elbows_up]\nmax_upper_arm_drop_deg = 95\n")
    with pytest.raises(
        ConfigError, match=r"bad.toml: elbows_up.max_upper_arm_drop_deg = 95.0 is out of range"
    ):
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
        save_thresholds(FRONT, tmp_path / "t.yaml")


def test_binary_and_latin1_files_are_one_line_errors(tmp_path):
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    with pytest.raises(ConfigError, match="binary.toml: not a text file in UTF-8"):
        load_thresholds(tmp_path / "binary.toml")
    (tmp_path / "latin1.toml").write_bytes(
        "# caf\xe9\n[depth]\nmin_hip_below_knee_deg = 1\n".encode("latin-1")
    )
    with pytest.raises(ConfigError, match="latin1.toml: not a text file in UTF-8"):
        load_thresholds(tmp_path / "latin1.toml")


def test_table_lists_every_threshold_with_its_range():
    table = threshold_table(FRONT)
    assert len(table) == sum(1 for _ in all_fields())
    row = table[(table.section == "elbows_up") & (table.name == "max_upper_arm_drop_deg")].iloc[0]
    assert (row["value"], row["unit"], row["min"], row["max"]) == (45.0, "deg", 0, 90)
