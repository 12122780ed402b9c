"""Colab, emulated: a fresh virtual environment, formlab installed by the notebooks' own set-up cell.

The run itself is ``support.colab_run`` (executed once per test session by the
``colab_notebooks`` fixture, which the notebook tests read as well): a fresh
venv on Colab's Python with only ``ipykernel``, a kernel that imports a
stand-in ``google.colab`` before the first cell, every notebook in an empty
working folder. This test checks what is Colab's own: formlab was not there
before, each notebook's set-up cell installed it into that venv and fetched
its samples, the figures were saved beside the notebooks, and the installed
formlab runs on numpy 2 as Colab's does.

Runtime: dominated by the notebooks and pip (about a minute for pip with a
warm pip cache, a few minutes on a cold one). The times of each step are
printed and written to ``tests/output/colab_emulation_times.json``.
"""

from __future__ import annotations

import json

import pytest
from support.colab_run import run
from support.notebook_helpers import (
    REPO,
    check_png,
    error_outputs,
    expected_figures,
    notebook_paths,
    stream_text,
)

pytestmark = [pytest.mark.notebooks, pytest.mark.media]


def test_notebooks_run_in_an_emulated_colab(colab_notebooks, tmp_path, capsys):
    colab = colab_notebooks
    assert colab.formlab_spec_before_install == "None", "formlab was in the fresh venv already"
    for path in notebook_paths():
        result = colab.runs[path.name]
        assert result.error is None, f"{path.name} failed in the emulated Colab:\n{result.error}"
        assert error_outputs(result.nb) == []
        setup_cell = next(i for i, c in enumerate(result.nb.cells) if c.cell_type == "code")
        said = stream_text(result.nb, setup_cell)
        assert "sample(s) ready" in said and str(colab.venv) in said, (
            f"{path.name}: the set-up cell did not install formlab into the venv and set up: {said!r}"
        )
        for name in expected_figures(path):
            check_png(colab.content / "figures" / name)

    installed = run(
        [
            colab.python,
            "-c",
            "import formlab, numpy; print(formlab.__file__); print(numpy.__version__)",
        ],
        tmp_path,
    ).split()
    assert installed[0].startswith(str(colab.venv)), (
        f"formlab imported from {installed[0]}, not from the venv"
    )
    assert int(installed[1].split(".")[0]) >= 2, f"numpy {installed[1]}: Colab has numpy 2"
    report = {
        "python": f"{colab.version} ({colab.base_python})",
        "numpy": installed[1],
        "seconds": {k: round(v, 1) for k, v in colab.seconds.items()},
    }
    out = REPO / "tests" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "colab_emulation_times.json").write_text(json.dumps(report, indent=1))
    with capsys.disabled():
        print("\ncolab emulation:", json.dumps(report))
