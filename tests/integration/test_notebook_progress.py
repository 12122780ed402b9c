"""A notebook run reports its progress cell by cell (make test runs them for minutes)."""

import nbformat
import pytest
from support.notebook_helpers import execute_notebook

pytestmark = pytest.mark.notebooks


def test_each_code_cell_reports_progress(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# two cells"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("print(x + 1)"),
    ]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    lines = []
    run = execute_notebook(path, tmp_path / "out", cwd=tmp_path, progress=lines.append)
    assert run.error is None
    assert [line.split(",")[0] for line in lines] == [
        "tiny.ipynb: cell 1/2",
        "tiny.ipynb: cell 2/2",
    ]
    assert all(line.endswith(" s") for line in lines)
