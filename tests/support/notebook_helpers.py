"""Finding and executing the tutorial notebooks (shared by the notebook tests; not a test module).

``execute_notebook`` runs one notebook top to bottom with nbclient in a given
working directory and kernel environment, writes the executed copy to an
output folder, and returns what a test needs: the run time, the first error
(cell number, source and traceback) and the executed notebook.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
CELL_TIMEOUT_S = 900
"""Per-cell limit: generous, since a cell may extract a whole video on a cold cache."""

_SAVE_FIGURE = re.compile(r"save_figure\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*([\"'])([^\"']+)\1")
_SETUP_SAMPLES = re.compile(r"formlab\.interactive\.notebook\.setup\(samples=(\[[^\]]*\])\)")


def notebook_paths() -> list[Path]:
    """The committed tutorial notebooks, in order (``notebooks/NN_*.ipynb``)."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def code_sources(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def expected_figures(path: Path) -> list[str]:
    """File names passed to ``notebook.save_figure(fig, "NAME")`` in the notebook's code cells."""
    nb = nbformat.read(path, as_version=4)
    names = [m.group(2) for src in code_sources(nb) for m in _SAVE_FIGURE.finditer(src)]
    return [n if Path(n).suffix else n + ".png" for n in names]


def setup_samples(source: str) -> list[str] | None:
    """The sample list passed to ``formlab.interactive.notebook.setup`` in a set-up cell's source, or None."""
    m = _SETUP_SAMPLES.search(source)
    return None if m is None else list(ast.literal_eval(m.group(1)))


@dataclass
class NotebookRun:
    path: Path
    executed_path: Path
    seconds: float
    error: str | None
    nb: object


def execute_notebook(
    path: Path,
    out_dir: Path,
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    km=None,
    kernel_name: str = "python3",
    timeout_s: int = CELL_TIMEOUT_S,
    progress: Callable[[str], None] | None = None,
) -> NotebookRun:
    """Run ``path`` top to bottom in ``cwd``; save the executed copy in ``out_dir``.

    ``env`` is the kernel's whole environment; ``km`` an optional
    ``jupyter_client.KernelManager`` (e.g. one whose kernelspec points at
    another Python). Errors are caught and returned as text, so the caller
    can report the time and the executed copy as well. ``progress`` is called
    with a line after each code cell (``"02_x.ipynb: cell 3/12, 41 s"``): a run
    takes minutes, and pytest shows nothing until it ends.
    """
    nb = nbformat.read(path, as_version=4)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    done = {"cells": 0}
    t_start = time.perf_counter()

    def cell_done(cell, cell_index, execute_reply=None, **_):
        if progress is None or cell.cell_type != "code":
            return
        done["cells"] += 1
        progress(
            f"{path.name}: cell {done['cells']}/{n_code}, {time.perf_counter() - t_start:.0f} s"
        )

    client = NotebookClient(
        nb,
        timeout=timeout_s,
        kernel_name=kernel_name,
        km=km,
        resources={"metadata": {"path": str(cwd)}},
        allow_errors=False,
        record_timing=True,
        on_cell_executed=cell_done,
    )
    error = None
    t0 = time.perf_counter()
    try:
        kwargs = {"env": env} if env is not None else {}
        client.execute(**kwargs)
    except CellExecutionError as e:
        error = str(e)
    except (CellTimeoutError, DeadKernelError, RuntimeError) as e:
        error = f"{type(e).__name__}: {e}"
    finally:
        if km is not None and km.has_kernel:  # nbclient only stops kernels it created itself
            km.shutdown_kernel(now=True)
    seconds = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / path.name
    nbformat.write(nb, executed)
    return NotebookRun(path, executed, seconds, error, nb)


def error_outputs(nb) -> list[str]:
    """Text of every error output in an executed notebook."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def stream_text(nb, cell_index: int) -> str:
    """All stdout/stderr text of one cell of an executed notebook."""
    cell = nb.cells[cell_index]
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def check_png(path: Path) -> None:
    """Assert that ``path`` is a non-trivial PNG file."""
    assert path.is_file(), f"{path} was not written"
    head = path.read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert path.stat().st_size > 5_000, (
        f"{path} is suspiciously small ({path.stat().st_size} bytes)"
    )
