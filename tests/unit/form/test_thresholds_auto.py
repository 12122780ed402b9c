"""A thresholds file under ``auto``: checked as far as it can be before the lift is known, then for it."""

from __future__ import annotations

import re

import pytest

from formlab import FormlabWarning, load_thresholds, save_thresholds, thresholds_for
from formlab.core.errors import ConfigError
from formlab.exercises import exercises
from formlab.pipeline.steps import resolve_thresholds


@pytest.mark.parametrize("lift", list(exercises()))
def test_every_lifts_unedited_template_is_accepted_by_auto(tmp_path, lift):
    # lifts share check names with different settings (a squat's depth, a push-up's depth)
    path = save_thresholds(thresholds_for(lift), tmp_path / f"{lift}.toml")
    assert resolve_thresholds(path, "auto") == thresholds_for("squat")  # until the lift is known
    assert resolve_thresholds(path, lift) == thresholds_for(lift)  # then the lift's own


def test_auto_refuses_what_no_lift_accepts(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text("[depth]\nmin_hip_below_knee_degs = 5.0\n")
    with pytest.raises(
        ConfigError, match=r"typo.toml: unknown setting depth.min_hip_below_knee_degs"
    ):
        resolve_thresholds(typo, "auto")
    far = tmp_path / "far.toml"
    far.write_text("[depth]\nmin_hip_below_knee_deg = 500.0\n")
    with pytest.raises(ConfigError, match=r"far.toml: .*min_hip_below_knee_deg"):
        resolve_thresholds(far, "auto")
    mixed = tmp_path / "mixed.toml"  # a squat's setting and a push-up's in one depth section
    squat = thresholds_for("squat").depth.to_dict()
    push_up = thresholds_for("push_up").depth.to_dict()
    mine, theirs = next(iter(squat)), next(k for k in push_up if k not in squat)
    mixed.write_text(f"[depth]\n{mine} = {squat[mine]}\n{theirs} = {push_up[theirs]}\n")
    with pytest.raises(ConfigError, match=r"mixed.toml: no lift has all of depth's settings"):
        resolve_thresholds(mixed, "auto")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[knees_in]\nmax_knee_narrowing_ratio = 0.2\n")
    with pytest.raises(ConfigError, match="unknown threshold section 'knees_in'"):
        resolve_thresholds(unknown, "auto")


def test_once_the_lift_is_known_the_file_is_held_to_it(tmp_path):
    path = save_thresholds(thresholds_for("back_squat"), tmp_path / "squat.toml")
    resolve_thresholds(path, "auto")
    with pytest.raises(
        ConfigError, match="squat.toml: unknown setting depth.min_hip_below_knee_deg"
    ):
        resolve_thresholds(path, "push_up")  # the errors of a named lift, as before
    assert resolve_thresholds(path, "none") == thresholds_for("none")  # no lift: no check runs


def test_the_warning_lists_what_the_lift_runs_not_its_optional_checks(tmp_path):
    path = tmp_path / "elbows.toml"
    path.write_text("[elbows_up]\nmax_upper_arm_drop_deg = 40.0\n")
    optional = [c.name for c in exercises()["back_squat"].optional_checks]
    assert optional  # heels_down: run only when asked for
    with pytest.warns(FormlabWarning) as caught:
        load_thresholds(path, "back_squat")
    (message,) = [str(w.message) for w in caught]
    runs = re.search(r"back_squat runs: ([^;)]*)", message).group(1).split(", ")
    assert runs == [c.name for c in exercises()["back_squat"].checks]
    assert not set(optional) & set(runs)
    assert f"optional, when asked for: {', '.join(optional)}" in message
