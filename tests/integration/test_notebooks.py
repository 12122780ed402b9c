"""Every tutorial notebook runs top to bottom and writes its figures.

The notebooks are executed once per test run, in the emulated Colab of
``support.colab_run`` (the ``colab_notebooks`` fixture of ``tests/conftest.py``):
a fresh venv where the set-up cell installs this checkout, each notebook in an
empty working folder, on the shared media and models (``$FORMLAB_DATA_DIR``,
``$FORMLAB_MODEL_DIR``). These tests read that run: no cell failed, no output
is an error, every figure the notebook saves was written by this run. The
fixture copies the figures into the repository's ``figures/`` folder, as for a
reader: the README shows those files, so a CI run regenerates them (unchanged
notebooks give identical bytes). Executed copies go to a temporary folder; the
committed notebooks stay without outputs.

Time budget: the notebooks' own cells (all but the set-up cell, which in Colab
is a pip install) must run in ``$FORMLAB_NOTEBOOK_BUDGET_S`` seconds together
(default 600, the project's target on a 2-core machine with the pose cache
warm). Per-notebook times are printed and written to
``tests/output/notebook_times.json``.
"""

from __future__ import annotations

import json
import os

import pytest
from support.colab_run import setup_cell_seconds
from support.notebook_helpers import (
    REPO,
    check_png,
    error_outputs,
    expected_figures,
    notebook_paths,
)

pytestmark = [pytest.mark.notebooks, pytest.mark.media]

NOTEBOOKS = notebook_paths()
BUDGET_S = float(os.environ.get("FORMLAB_NOTEBOOK_BUDGET_S", "600"))
FIGURES = REPO / "figures"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_writes_its_figures(path, colab_notebooks):
    result = colab_notebooks.runs[path.name]
    assert result.error is None, (
        f"{path.name} failed (executed copy: {result.executed_path}):\n{result.error}"
    )
    assert error_outputs(result.nb) == []
    for name in expected_figures(path):
        written = colab_notebooks.figures / name
        check_png(written)
        assert written.stat().st_mtime >= colab_notebooks.started - 1, (
            f"{written} was not written by this run"
        )
        assert (FIGURES / name).read_bytes() == written.read_bytes(), f"{name} not in figures/"


def test_all_notebooks_within_the_time_budget(colab_notebooks, capsys):
    times = {}
    for path in NOTEBOOKS:
        result = colab_notebooks.runs[path.name]
        times[path.name] = round(result.seconds - setup_cell_seconds(result.nb), 1)
    total = sum(times.values())
    lines = [f"{name}: {s:.1f} s" for name, s in times.items()] + [
        f"total: {total:.1f} s (budget {BUDGET_S:.0f} s, set-up cells not counted)"
    ]
    with capsys.disabled():  # shown in every run, not only on failure
        print("\nnotebook execution times: " + "; ".join(lines))
    out = REPO / "tests" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notebook_times.json").write_text(
        json.dumps({"seconds": times, "total_s": total, "budget_s": BUDGET_S}, indent=1)
    )
    assert total <= BUDGET_S, "notebooks over their time budget: " + "; ".join(lines)
