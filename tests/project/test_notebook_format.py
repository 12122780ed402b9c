"""The committed notebooks follow the conventions (fast: nothing is executed).

* ``notebooks/NN_words.ipynb``, numbered 01, 02, ... without gaps;
* committed without outputs or execution counts, so diffs stay readable and
  nothing stale is shown;
* first cell: a title ``# N. ...``, the "Open in Colab" badge built from
  ``formlab.interactive.notebook.REPOSITORY_URL`` and what the notebook teaches;
* first code cell: exactly the Colab set-up cell of
  ``formlab.interactive.notebook.setup_cell_source`` (with registered sample names);
* no ``%cd``/``os.chdir``, no absolute paths, no ipympl.
"""

from __future__ import annotations

import re
import tomllib

import nbformat
import pytest
from support.notebook_helpers import (
    REPO,
    code_sources,
    expected_figures,
    notebook_paths,
    setup_samples,
)

from formlab.interactive import notebook
from formlab.io import samples

NOTEBOOKS = notebook_paths()
IDS = [p.name for p in NOTEBOOKS]


def test_there_are_numbered_notebooks_without_gaps():
    assert NOTEBOOKS, "no notebooks in notebooks/"
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)), f"notebook numbers {numbers} should be 1..N"
    for p in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name), p.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], (
                f"{path.name} cell {i} has outputs: clear them before committing"
            )
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
        assert "outputs" not in cell or cell.cell_type == "code"
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state in its metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_opens_with_title_badge_and_what_it_teaches(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    number = int(path.name[:2])
    assert first.source.startswith(f"# {number}. "), (
        f"{path.name}: first line should be '# {number}. Title'"
    )
    assert notebook.colab_badge(path.name) in first.source, (
        f"{path.name}: missing or wrong Colab badge"
    )
    assert "What this notebook teaches" in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_the_colab_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first_code = code_sources(nb)[0]
    names = setup_samples(first_code)
    assert names is not None, (
        f"{path.name}: the first code cell does not call formlab.interactive.notebook.setup(samples=[...])"
    )
    for name in names:
        samples.sample_info(name)  # raises SampleError for an unregistered name
    assert first_code == notebook.setup_cell_source(names), (
        f"{path.name}: the set-up cell differs from formlab.interactive.notebook.setup_cell_source({names!r})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cells_stay_portable(path):
    nb = nbformat.read(path, as_version=4)
    for i, src in enumerate(code_sources(nb)):
        assert not re.search(r"^\s*%cd\b|os\.chdir\(", src, re.M), (
            f"{path.name} code cell {i} changes directory"
        )
        assert not re.search(r"[\"'](/(work|home|root|tmp|Users|content)/|[A-Za-z]:\\\\)", src), (
            f"{path.name} code cell {i} has an absolute path"
        )
        assert "ipympl" not in src and "%matplotlib widget" not in src, (
            f"{path.name} code cell {i} uses ipympl"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_named_after_the_notebook(path):
    figures = expected_figures(path)
    assert figures, f"{path.name} saves no figure into figures/"
    assert all(f.startswith(path.name[:3]) for f in figures), figures
    assert len(set(figures)) == len(figures), f"{path.name} saves a figure name twice: {figures}"


def test_repository_url_is_defined_once():
    """pyproject's Repository URL is the package constant (the badges are built from the constant)."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["project"]["urls"]["Repository"] == notebook.REPOSITORY_URL
    for p in NOTEBOOKS:
        text = p.read_text()
        urls = set(re.findall(r"github\.com/[\w.-]+/[\w.-]+", text))
        assert urls == {notebook.REPOSITORY_URL.removeprefix("https://")}, (p.name, urls)
