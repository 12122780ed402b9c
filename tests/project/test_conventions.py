"""The conventions the tools hold (see CONTRIBUTING.md): ruff's lint and format, mypy, module size.

Each runs the tool the contributor runs, on the whole package and tests, and
fails with the tool's own report, so a red test says what to fix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 500
"""No module longer than this (except documented data, see :data:`DATA_MODULES`)."""
DATA_MODULES: frozenset[str] = frozenset()
"""Modules allowed past the limit because they hold documented data, not logic."""


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.is_file():
        return [str(exe)]
    found = shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[dev]'"
    return [found]


def test_ruff_finds_nothing():
    r = subprocess.run(
        [*_tool("ruff"), "check", "--no-cache", "formlab", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_code_is_formatted():
    r = subprocess.run(
        [*_tool("ruff"), "format", "--check", "--no-cache", "formlab", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, "run `ruff format formlab tests`:\n" + r.stdout + r.stderr


def test_mypy_finds_no_type_error():
    # the venv's mypy with the project's settings ([tool.mypy] in pyproject.toml: checks formlab)
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, "mypy (run `python -m mypy`):\n" + r.stdout + r.stderr


@pytest.mark.parametrize(
    "path", sorted((REPO / "formlab").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO))
)
def test_no_module_is_too_long_to_find_ones_way_in(path):
    if str(path.relative_to(REPO)) in DATA_MODULES:
        return
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.relative_to(REPO)} has {n} lines: split it by concept"
