"""``formlab thresholds`` and ``--thresholds`` from the command line, with ``--exercise auto`` (issue 14)."""

import json

import pandas as pd
import pytest
from support.cli_run import run
from support.exact_lifts import exact_lift

import formlab
from formlab.exercises import exercises

CLIP = "tfjs-models__pose_squats"  # the shortest example clip with a known rep count
FAST = ["--no-video", "--no-figures", "--no-progress"]


def warnings_of(r):
    return [line for line in r.stderr.splitlines() if line.startswith("formlab: warning: ")]


@pytest.mark.parametrize("name", ["auto", "none"])
def test_thresholds_auto_names_a_lift_instead_of_writing_the_squats(tmp_path, name):
    out = tmp_path / "auto.toml"
    r = run("thresholds", name, "-o", str(out))
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert (
        lines[0].startswith(f"formlab: error: '{name}' is not a lift") and "back_squat" in lines[0]
    )
    assert not out.exists()


@pytest.mark.media
def test_a_template_works_with_auto_and_warns_once_about_unused_sections(tmp_path):
    lift = exact_lift(CLIP)
    runs = {c.name for c in exercises()[lift].all_checks}
    other = next(  # a check of another lift that this one does not run
        (name, c) for name, ex in exercises().items() for c in ex.checks if c.name not in runs
    )
    template = tmp_path / "mine.toml"
    assert run("thresholds", lift, "-o", str(template)).returncode == 0
    section = formlab.thresholds_for(other[0]).section(other[1].name).to_dict()
    key, value = next(iter(section.items()))
    with template.open("a") as f:
        f.write(f"\n[{other[1].name}]\n{key} = {json.dumps(value)}\n")
    r = run(
        "analyze",
        f"sample:{CLIP}",
        "-e",
        "auto",
        "-o",
        str(tmp_path / "auto"),
        "--thresholds",
        str(template),
        *FAST,
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "auto" / "summary.json").read_text())
    assert summary["exercise"] == lift
    assert summary["form"]["thresholds_source"].startswith(f"file {template.resolve()}")
    (warning,) = [w for w in warnings_of(r) if "mine.toml" in w]
    assert f"{lift} does not run the check(s) {other[1].name}" in warning
    # a named lift: the same warning, once (it was printed three times)
    r = run(
        "analyze",
        f"sample:{CLIP}",
        "-e",
        lift,
        "-o",
        str(tmp_path / "named"),
        "--thresholds",
        str(template),
        *FAST,
    )
    assert r.returncode == 0, r.stderr
    assert len([w for w in warnings_of(r) if "mine.toml" in w]) == 1, r.stderr


@pytest.mark.media
def test_no_lift_recognised_says_no_check_ran(tmp_path):
    r = run(
        "analyze",
        "sample:deadliftAI-bichraix__good010",
        "-e",
        "auto",
        "-o",
        str(tmp_path / "o"),
        *FAST,
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["exercise"] == "none"  # the clip auto does not recognise (issue 14)
    assert "no lift was recognised, so no check ran" in r.stdout
    assert "no check failed" not in r.stdout


@pytest.mark.media
def test_a_photos_once_per_rep_checks_say_why_they_are_not_judged(tmp_path):
    from formlab.form.report import NO_REP_IN_A_PHOTO

    out = tmp_path / "photo"
    r = run("analyze", "sample:ai-trainer__715_low_elbows", "-e", "front_squat", "-o", str(out))
    assert r.returncode == 0, r.stderr
    once = [c.name for c in exercises()["front_squat"].checks if c.per_rep == "best"]
    assert "depth" in once
    summary = json.loads((out / "summary.json").read_text())
    feedback = pd.read_csv(out / "feedback.csv", keep_default_na=False)
    for name in once:
        assert feedback.loc[0, name] == "not_assessable"
        assert feedback.loc[0, f"{name}_why"] == NO_REP_IN_A_PHOTO
        assert summary["form"]["checks"][name]["why_not_assessable"] == NO_REP_IN_A_PHOTO
    judged = [n for n, c in summary["form"]["checks"].items() if c["frames"]["not_assessable"] == 0]
    assert judged and all(feedback.loc[0, f"{n}_why"] == "" for n in judged)
    assert all("why_not_assessable" not in summary["form"]["checks"][n] for n in judged)
