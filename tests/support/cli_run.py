"""Running the ``formlab`` command as a user would, and the one-line error every bad input gets."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    """``python -m formlab ARGS`` in a child process, its output captured as text."""
    return subprocess.run([sys.executable, "-m", "formlab", *args], capture_output=True, text=True)


def one_line_error(r: subprocess.CompletedProcess, message: str) -> None:
    """Exit status 2 and one line on stderr, ``formlab: error: ...``, holding ``message``."""
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2, r.stderr
    assert len(lines) == 1 and lines[0].startswith("formlab: error: ") and message in lines[0], (
        r.stderr
    )
