"""A third party's lift, installed as a package, is a lift like formlab's own.

The test builds a small package whose ``pyproject.toml`` registers a
``box_squat`` in the ``formlab.exercises`` entry-point group, installs it with
pip into a folder of its own (``--target``), and runs ``formlab`` with that
folder on the path: the lift is listed, its thresholds file is written, and a
sample clip is analysed as a box squat with the plugin's own default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
"""A box squat: a squat to a box set just above parallel, so depth passes a little higher."""
from formlab.exercises.squat import DEPTH, squat_variant

BOX_SQUAT = squat_variant(
    "box_squat", "squat to a box just above parallel",
    checks=(DEPTH.with_defaults(min_hip_below_knee_deg=(-10.0, "the box: thighs 10 deg above parallel")),),
)
'''

BROKEN = """
NOT_A_LIFT = "a string, not a formlab Exercise"
"""


def _install(tmp_path: Path, name: str, module: str, entry: str) -> Path:
    pkg = tmp_path / f"src-{name}"
    pkg.mkdir()
    (pkg / f"{name}.py").write_text(textwrap.dedent(module))
    (pkg / "pyproject.toml").write_text(
        textwrap.dedent(f'''
        [build-system]
        requires = ["setuptools>=61", "wheel"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{name.replace("_", "-")}"
        version = "0.1"
        [project.entry-points."formlab.exercises"]
        {entry}
        [tool.setuptools]
        py-modules = ["{name}"]
    ''')
    )
    site = tmp_path / "site"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(pkg),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    return site


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plugin")
    site = _install(tmp, "formlab_boxsquat", PLUGIN, 'box_squat = "formlab_boxsquat:BOX_SQUAT"')
    _install(tmp, "formlab_broken", BROKEN, 'not_a_lift = "formlab_broken:NOT_A_LIFT"')
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }


def formlab(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "formlab", *args], capture_output=True, text=True, env=env
    )


def test_an_installed_lift_is_listed_and_a_broken_one_is_skipped_with_a_warning(plugin_env):
    r = formlab(plugin_env, "exercises")
    assert r.returncode == 0, r.stderr
    assert "box_squat" in r.stdout and "front_squat" in r.stdout
    assert "not_a_lift" in r.stderr and "not a formlab Exercise; it is skipped" in r.stderr
    r = formlab(plugin_env, "exercises", "box_squat", "--checks")
    assert "depth" in r.stdout and "hip_below_knee_deg" in r.stdout and "Squat deeper" in r.stdout


def test_its_thresholds_are_written_with_its_own_default(plugin_env, tmp_path):
    out = tmp_path / "box.toml"
    r = formlab(plugin_env, "thresholds", "box_squat", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "# Thresholds of: box_squat" in text and "min_hip_below_knee_deg = -10.0" in text
    assert "the box: thighs 10 deg above parallel" in text
    assert "[elbows_up]" not in text  # only the checks this lift runs


@pytest.mark.media
def test_a_clip_is_analysed_as_the_plugin_lift(plugin_env, tmp_path):
    out = tmp_path / "out"
    r = formlab(
        plugin_env,
        "analyze",
        "sample:squatAnalysis-rohanx01__squat",
        "-e",
        "box_squat",
        "-o",
        str(out),
        "--no-video",
        "--no-figures",
        "--no-progress",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exercise"] == "box_squat" and summary["reps"] == 2
    assert list(summary["form"]["checks"]) == ["depth"]
    assert summary["form"]["thresholds"]["depth"]["min_hip_below_knee_deg"] == -10.0
