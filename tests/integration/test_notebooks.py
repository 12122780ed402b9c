"""Every tutorial notebook runs top to bottom and writes its figures into ``figures/``.

Each notebook is executed with nbclient in ``notebooks/`` (where Jupyter runs
it) with this checkout first on the kernel's ``sys.path``, on the shared media
and models (``$FORMLAB_DATA_DIR``, ``$FORMLAB_MODEL_DIR``). Figures go to the
repository's ``figures/`` folder, as for a reader: the README shows those
files, so a CI run regenerates them (unchanged notebooks rewrite identical
bytes). Executed copies go to a temporary folder; the committed notebooks stay
without outputs.

Time budget: all notebooks together must run in ``$FORMLAB_NOTEBOOK_BUDGET_S``
seconds (default 600, the project's target on a 2-core machine with the pose
cache warm). Per-notebook times are printed and written to
``tests/output/notebook_times.json``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from support.notebook_helpers import (
    NOTEBOOK_DIR,
    REPO,
    check_png,
    error_outputs,
    execute_notebook,
    expected_figures,
    notebook_paths,
    print_progress,
)

pytestmark = [pytest.mark.notebooks, pytest.mark.media]

NOTEBOOKS = notebook_paths()
BUDGET_S = float(os.environ.get("FORMLAB_NOTEBOOK_BUDGET_S", "600"))
FIGURES = REPO / "figures"


@pytest.fixture(scope="module")
def run_notebook(tmp_path_factory):
    """``run_notebook(path)``: execute a notebook once per test session and return its NotebookRun."""
    out_dir = tmp_path_factory.mktemp("executed-notebooks")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["FORMLAB_FIGURES_DIR"] = str(FIGURES)
    env.pop("MPLBACKEND", None)  # the kernel's inline backend, as for a reader
    runs = {}

    def run(path: Path):
        if path not in runs:
            started = time.time()
            result = execute_notebook(
                path, out_dir, cwd=NOTEBOOK_DIR, env=env, progress=print_progress
            )
            runs[path] = (result, started)
        return runs[path]

    return run


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_writes_its_figures(path, run_notebook):
    result, started = run_notebook(path)
    assert result.error is None, (
        f"{path.name} failed (executed copy: {result.executed_path}):\n{result.error}"
    )
    assert error_outputs(result.nb) == []
    for name in expected_figures(path):
        figure = FIGURES / name
        check_png(figure)
        assert figure.stat().st_mtime >= started - 1, f"{figure} was not rewritten by this run"


def test_all_notebooks_within_the_time_budget(run_notebook, capsys):
    times = {}
    for path in NOTEBOOKS:
        result, _ = run_notebook(path)
        times[path.name] = round(result.seconds, 1)
    total = sum(times.values())
    lines = [f"{name}: {s:.1f} s" for name, s in times.items()] + [
        f"total: {total:.1f} s (budget {BUDGET_S:.0f} s)"
    ]
    with capsys.disabled():  # shown in every run, not only on failure
        print("\nnotebook execution times: " + "; ".join(lines))
    out = REPO / "tests" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notebook_times.json").write_text(
        json.dumps({"seconds": times, "total_s": total, "budget_s": BUDGET_S}, indent=1)
    )
    assert total <= BUDGET_S, "notebooks over their time budget: " + "; ".join(lines)
