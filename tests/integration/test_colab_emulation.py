"""Colab, emulated: a fresh virtual environment, formlab installed by the notebooks' own set-up cell.

Colab cannot be reached from CI, so this test builds the closest thing:

1. a fresh virtual environment on Colab's Python (3.12 when this machine has
   it, else the running Python; ``$FORMLAB_COLAB_PYTHON`` chooses) with only
   ``ipykernel`` in it, as a bare runtime;
2. a kernel started the way Colab starts its own: a launcher that imports
   ``google.colab`` (here a stand-in module) before the first cell runs, so the
   set-up cell's Colab test is really true and its install branch really runs;
3. every notebook copied into an empty working folder (Colab's ``/content``),
   not inside a checkout, and executed there with nbclient on that kernel.

The set-up cell installs formlab with ``pip install "$FORMLAB_INSTALL_TARGET"``,
which this test points at the checkout under test instead of the git URL:
exactly what the cell does in Colab, from a local source. Model and sample
"downloads" come from the shared mirrors (``$FORMLAB_MODEL_DIR``,
``$FORMLAB_DATA_DIR``), since this machine has no internet; pose tracks come
from the session's cache so videos are not analysed twice.

Runtime: dominated by pip (about a minute with a warm pip cache, a few
minutes on a cold one). The times of each step are printed and written to
``tests/output/colab_emulation_times.json``.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from support.notebook_helpers import (
    REPO,
    check_png,
    error_outputs,
    execute_notebook,
    expected_figures,
    notebook_paths,
    stream_text,
)

pytestmark = [pytest.mark.notebooks, pytest.mark.media]

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


def run(cmd, cwd):
    """Run a command outside the checkout (so it is not importable from the working folder)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, env=env)
    if p.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
        )
    return p.stdout


def test_notebooks_run_in_an_emulated_colab(tmp_path, capsys):
    times = {}
    t = time.perf_counter()
    base_python = colab_like_python()
    venv = tmp_path / "venv"
    run([base_python, "-m", "venv", venv], tmp_path)
    py = venv / "bin" / "python"
    run([py, "-m", "pip", "install", "--quiet", "ipykernel"], tmp_path)
    times["fresh venv + ipykernel"] = time.perf_counter() - t
    version = run([py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], tmp_path).strip()
    assert (
        run(
            [py, "-c", "import importlib.util as u; print(u.find_spec('formlab'))"], tmp_path
        ).strip()
        == "None"
    )

    # Colab's kernel: the stand-in google.colab, imported by the launcher before any cell.
    runtime = tmp_path / "colab_runtime"
    (runtime / "google" / "colab").mkdir(parents=True)
    (runtime / "google" / "colab" / "__init__.py").write_text(STUB)
    (runtime / "colab_kernel_launcher.py").write_text(LAUNCHER)
    kernels = tmp_path / "kernels"
    (kernels / "colab").mkdir(parents=True)
    (kernels / "colab" / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(py),
                    str(runtime / "colab_kernel_launcher.py"),
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "emulated Colab",
                "language": "python",
            }
        )
    )

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MPLBACKEND", "FORMLAB_FIGURES_DIR")
    }
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["PYTHONPATH"] = str(runtime)
    env["FORMLAB_INSTALL_TARGET"] = str(REPO)

    content = tmp_path / "content"  # Colab's working folder: no checkout around it
    content.mkdir()
    executed = tmp_path / "executed"
    for path in notebook_paths():
        copy = content / path.name
        shutil.copyfile(path, copy)
        km = KernelManager(
            kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
        )
        result = execute_notebook(copy, executed, cwd=content, env=env, km=km)
        times[path.name] = result.seconds
        assert result.error is None, f"{path.name} failed in the emulated Colab:\n{result.error}"
        assert error_outputs(result.nb) == []
        setup_cell = next(i for i, c in enumerate(result.nb.cells) if c.cell_type == "code")
        said = stream_text(result.nb, setup_cell)
        assert "sample(s) ready" in said and str(venv) in said, (
            f"{path.name}: the set-up cell did not install formlab into the venv and set up: {said!r}"
        )
        for name in expected_figures(path):
            check_png(content / "figures" / name)

    installed = run(
        [py, "-c", "import formlab, numpy; print(formlab.__file__); print(numpy.__version__)"],
        tmp_path,
    ).split()
    assert installed[0].startswith(str(venv)), (
        f"formlab imported from {installed[0]}, not from the venv"
    )
    assert int(installed[1].split(".")[0]) >= 2, f"numpy {installed[1]}: Colab has numpy 2"
    times["total"] = time.perf_counter() - t
    report = {
        "python": f"{version} ({base_python})",
        "numpy": installed[1],
        "seconds": {k: round(v, 1) for k, v in times.items()},
    }
    out = REPO / "tests" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "colab_emulation_times.json").write_text(json.dumps(report, indent=1))
    with capsys.disabled():
        print("\ncolab emulation:", json.dumps(report))
