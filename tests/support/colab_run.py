"""The notebooks' one execution per test run: in an emulated Colab (not a test module).

Colab cannot be reached from CI, so this builds the closest thing:

1. a fresh virtual environment on Colab's Python (3.12 when this machine has
   it, else the running Python; ``$FORMLAB_COLAB_PYTHON`` chooses) with only
   ``ipykernel`` in it, as a bare runtime;
2. a kernel started the way Colab starts its own: a launcher that imports
   ``google.colab`` (here a stand-in module) before the first cell runs, so the
   set-up cell's Colab test is really true and its install branch really runs;
3. every notebook copied into an empty working folder (Colab's ``/content``),
   not inside a checkout, and executed there with nbclient on that kernel.

The set-up cell installs formlab with ``pip install "$FORMLAB_INSTALL_TARGET"``,
which points at a wheel built from the checkout under test (``pip wheel``, as
pip builds the git URL in Colab) instead of the git URL: what the cell does in
Colab, from a local source built once. Model and sample "downloads" come
from the shared mirrors (``$FORMLAB_MODEL_DIR``, ``$FORMLAB_DATA_DIR``), since
this machine has no internet; pose tracks come from the session's cache.

Why one run serves every notebook test: executing the five notebooks is the
longest part of ``make test`` (minutes on two cores), and an execution in
Colab's conditions checks everything an execution in the development venv did
(every cell runs, no error output, each figure written) plus the install. So
``tests/conftest.py`` runs this once per session (the ``colab_notebooks``
fixture) and ``test_notebooks.py``, ``test_colab_emulation.py`` and the
browser tests that only look at outputs all read the same executed notebooks.
Each step prints a line when it starts and ends (pytest shows nothing until a
test ends).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from support.notebook_helpers import NotebookRun, execute_notebook, notebook_paths

REPO = Path(__file__).resolve().parents[2]
COLAB_PYTHON = "3.12"

STUB = '''"""Stand-in for Colab's google.colab package (formlab's Colab-emulation test).

Only its presence matters: Colab's kernel imports google.colab before the
first cell runs, and the notebooks' set-up cell checks for it in sys.modules.
"""
'''

LAUNCHER = '''"""Starts an IPython kernel the way Colab does: google.colab is imported first."""
import google.colab  # noqa: F401

from ipykernel import kernelapp

kernelapp.launch_new_instance()
'''


class ColabSetupError(RuntimeError):
    """A step before the notebooks (venv, pip, an import check) failed; the message has its output."""


def colab_like_python() -> str:
    """An interpreter of Colab's Python version if this machine has one, else the running one."""
    chosen = os.environ.get("FORMLAB_COLAB_PYTHON")
    if chosen:
        return chosen
    candidates = [shutil.which(f"python{COLAB_PYTHON}")]
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(
        glob.glob(f"{pyenv_root}/versions/{COLAB_PYTHON}.*/bin/python{COLAB_PYTHON}"), reverse=True
    )
    for c in filter(None, candidates):
        if subprocess.run([c, "-c", "import venv, ssl"], capture_output=True).returncode == 0:
            return c
    return sys.executable


def run(cmd, cwd) -> str:
    """Run a command outside the checkout (so it is not importable from the working folder)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, env=env)
    if p.returncode != 0:
        raise ColabSetupError(
            f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
        )
    return p.stdout


def setup_cell_seconds(nb) -> float:
    """Seconds the first code cell (the set-up cell: the pip install in Colab) took, from nbclient's timing."""
    cell = next(c for c in nb.cells if c.cell_type == "code")
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (_parse_time(end) - _parse_time(start)).total_seconds()


def _parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


@dataclass
class ColabRun:
    """What the emulated Colab run did: the venv, its folders, each notebook's run, step times."""

    base_python: str
    version: str
    venv: Path
    python: Path
    content: Path
    executed: Path
    started: float
    """``time.time()`` when the first notebook started (figures written after it are this run's)."""
    formlab_spec_before_install: str
    runs: dict[str, NotebookRun] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def figures(self) -> Path:
        """Where the notebooks saved their figures (``figures/`` beside them, as in Colab)."""
        return self.content / "figures"


def run_notebooks_in_emulated_colab(
    work: Path, progress: Callable[[str], None] = print
) -> ColabRun:
    """Build the emulated Colab in ``work`` and execute every notebook there, in order.

    ``progress`` is called with a line when each step (the venv, each notebook) starts and ends.
    """
    t = time.perf_counter()
    base_python = colab_like_python()
    venv = work / "venv"
    progress(f"fresh venv on {base_python} + ipykernel + formlab wheel: started")
    run([base_python, "-m", "venv", venv], work)
    py = venv / "bin" / "python"
    run([py, "-m", "pip", "install", "--quiet", "ipykernel"], work)
    # formlab built from this checkout once, as pip builds the git URL in Colab (build isolation);
    # each set-up cell then installs that wheel: the first into the bare venv with every
    # dependency, the later ones find it there (instead of rebuilding it four more times).
    wheels = work / "wheelhouse"
    run([py, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, REPO], work)
    (wheel,) = wheels.glob("formlab-*.whl")
    seconds = {"fresh venv + ipykernel + formlab wheel": time.perf_counter() - t}
    progress(f"fresh venv + ipykernel + formlab wheel: done in {time.perf_counter() - t:.0f} s")
    version = run([py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], work).strip()
    spec = run([py, "-c", "import importlib.util as u; print(u.find_spec('formlab'))"], work)

    # Colab's kernel: the stand-in google.colab, imported by the launcher before any cell.
    runtime = work / "colab_runtime"
    (runtime / "google" / "colab").mkdir(parents=True)
    (runtime / "google" / "colab" / "__init__.py").write_text(STUB)
    (runtime / "colab_kernel_launcher.py").write_text(LAUNCHER)
    kernels = work / "kernels"
    (kernels / "colab").mkdir(parents=True)
    argv = [str(py), str(runtime / "colab_kernel_launcher.py"), "-f", "{connection_file}"]
    (kernels / "colab" / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "emulated Colab", "language": "python"})
    )

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MPLBACKEND", "FORMLAB_FIGURES_DIR")
    }
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["PYTHONPATH"] = str(runtime)
    env["FORMLAB_INSTALL_TARGET"] = str(wheel)

    content = work / "content"  # Colab's working folder: no checkout around it
    content.mkdir()
    result = ColabRun(
        base_python=base_python,
        version=version,
        venv=venv,
        python=py,
        content=content,
        executed=work / "executed",
        started=time.time(),
        formlab_spec_before_install=spec.strip(),
        seconds=seconds,
    )
    for path in notebook_paths():
        copy = content / path.name
        shutil.copyfile(path, copy)
        km = KernelManager(
            kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
        )
        progress(f"{path.name}: started")
        nb_run = execute_notebook(copy, result.executed, cwd=content, env=env, km=km)
        result.runs[path.name] = nb_run
        seconds[path.name] = nb_run.seconds
        progress(
            f"{path.name}: {'done' if nb_run.error is None else 'FAILED'} in {nb_run.seconds:.0f} s"
        )
    seconds["total"] = time.perf_counter() - t
    return result
