"""The Makefile and the CI script: lean system packages, and a demo that says what to open."""

import re
import subprocess
from pathlib import Path

from formlab import outputs

REPO = Path(__file__).resolve().parents[2]


def test_system_packages_are_installed_without_recommended_extras():
    for script in (REPO / "Makefile", REPO / ".ci" / "run"):
        installs = re.findall(r"apt-get install[^;\n&|]*", script.read_text())
        assert installs, f"{script.name}: no apt-get install found"
        for line in installs:
            assert "--no-install-recommends" in line, f"{script.name}: {line.strip()}"


def test_make_demo_ends_by_naming_the_files_to_open():
    commands = subprocess.run(
        ["make", "-n", "-s", "demo", "BIN=.venv/bin", "DEMO_OUT=out/demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    last = commands.splitlines()[-1]
    named = re.findall(r"out/demo/([\w.]+)", last)
    assert last.startswith("echo") and len(named) >= 3, last
    written = {
        outputs.SUMMARY_FILE,
        outputs.REPS_FILE,
        outputs.ANNOTATED_VIDEO,
        *outputs.FIGURES.values(),
    }
    assert set(named) <= written and outputs.ANNOTATED_VIDEO in named
