"""Helpers for formlab's tutorial notebooks: Colab set-up, figure files, image display.

The notebooks in ``notebooks/`` hold explanation and calls into formlab, not
logic; what they need more than once lives here.

Colab
-----
Every notebook starts with a markdown cell holding an "Open in Colab" badge
(:func:`colab_badge`) and a set-up cell (:func:`setup_cell_source`). Both are
built from one constant, :data:`REPOSITORY_URL`. The set-up cell runs only
inside Colab (detected as in :func:`in_colab`): it installs formlab with
``pip install "git+<REPOSITORY_URL>"`` and calls :func:`setup`, which resolves
the pose model and the notebook's sample media (downloading them there).
Anywhere else it does nothing: formlab is expected to be installed
(``pip install -e .`` in a checkout) and models and media are found through
the usual search order (``$FORMLAB_MODEL_DIR``, ``$FORMLAB_DATA_DIR``, cache,
download).

Environment variables
---------------------
``FORMLAB_INSTALL_TARGET``
    What the Colab set-up cell installs instead of ``git+<REPOSITORY_URL>``:
    a fork, a branch (``git+https://...@branch``), or a local checkout. The
    Colab-emulation test sets it to the checkout under test.
``FORMLAB_FIGURES_DIR``
    Where :func:`save_figure` writes; see :func:`figures_dir`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import ConfigError, OutputError
from ..core.files import ensure_dir
from ..viz import style
from ..viz.skeleton import show_image  # noqa: F401  (re-exported: notebooks call formlab.notebook.show_image)

REPOSITORY_URL = "https://github.com/formlab-dev/formlab"
"""The formlab repository: the ONE place its address is written.

The Colab badges, the Colab set-up cell's install target and the README are
built from or checked against it (``tests/test_notebook_format.py``). It is a
placeholder until the project is published: change it here, then re-run the
format test to find the cells to update.
"""

REPOSITORY_BRANCH = "main"
"""Branch that the Colab badges open."""

NOTEBOOKS_FOLDER = "notebooks"
"""Folder of the tutorial notebooks inside the repository."""

INSTALL_TARGET_ENV = "FORMLAB_INSTALL_TARGET"
FIGURES_DIR_ENV = "FORMLAB_FIGURES_DIR"

COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"

_NOTEBOOK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


# ------------------------------------------------------------------ Colab
def in_colab() -> bool:
    """True inside a Google Colab runtime.

    Notes
    -----
    Colab's kernel imports ``google.colab`` before the first cell runs, so
    the module being loaded is the signal (the same test the set-up cell
    makes, before formlab is installed). Checking only ``sys.modules`` never
    imports anything, and the Colab-emulation test can fake it by importing a
    stand-in module at kernel start.
    """
    return "google.colab" in sys.modules


def install_target() -> str:
    """What the Colab set-up cell passes to ``pip install``.

    ``$FORMLAB_INSTALL_TARGET`` if set, else ``git+<REPOSITORY_URL>``.
    """
    return os.environ.get(INSTALL_TARGET_ENV) or f"git+{REPOSITORY_URL}"


def colab_url(notebook: str) -> str:
    """Address that opens ``notebooks/<notebook>`` of :data:`REPOSITORY_URL` in Colab."""
    name = _check_notebook_name(notebook)
    repo = REPOSITORY_URL.removeprefix("https://github.com/").rstrip("/")
    return f"https://colab.research.google.com/github/{repo}/blob/{REPOSITORY_BRANCH}/{NOTEBOOKS_FOLDER}/{name}"


def colab_badge(notebook: str) -> str:
    """Markdown of the "Open in Colab" badge for a notebook file name such as ``01_pose_on_images.ipynb``."""
    return f"[![Open In Colab]({COLAB_BADGE_IMAGE})]({colab_url(notebook)})"


def setup_cell_source(samples: Sequence[str] = ()) -> str:
    """Source of a notebook's first code cell (the Colab set-up cell).

    Parameters
    ----------
    samples : sequence of str
        Registry names of the sample media the notebook uses; the cell
        fetches them in Colab so that a missing download fails early, with
        formlab's message, rather than halfway through the notebook.

    Notes
    -----
    The cell cannot import formlab to find out whether it must install it, so
    it repeats :func:`in_colab`'s test and :func:`install_target`'s rule in
    plain Python. ``tests/test_notebook_format.py`` checks that every
    notebook's cell is exactly what this function returns.
    """
    names = ", ".join(f'"{s}"' for s in samples)
    if len(names) > 70:  # one name per line keeps the cell readable
        names = "\n" + "".join(f'        "{s}",\n' for s in samples) + "    "
    return (
        "# Set-up: only inside Google Colab, install formlab and fetch the pose model and this\n"
        "# notebook's sample media. Anywhere else this cell does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import importlib, os, subprocess\n"
        "\n"
        f'    target = os.environ.get("{INSTALL_TARGET_ENV}") or "git+{REPOSITORY_URL}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", target], check=True)\n'
        "    importlib.invalidate_caches()\n"
        "    import formlab.interactive.notebook\n"
        "\n"
        f"    formlab.interactive.notebook.setup(samples=[{names}])"
    )


def setup(samples: Iterable[str] = (), *, model: str = "full") -> dict[str, Any] | None:
    """Resolve the pose model and sample media in Colab; do nothing elsewhere.

    Parameters
    ----------
    samples : iterable of str
        Registry names of the samples the notebook uses.
    model : str
        Model variant to resolve (``"full"`` is formlab's default).

    Returns
    -------
    dict or None
        Outside Colab, None. In Colab, ``{"model": ModelFile, "samples":
        {name: Path}}``, after printing one line on where they are.

    Raises
    ------
    ModelError, SampleError
        When a file cannot be downloaded; the message says from where and
        what to do.
    """
    if not in_colab():
        return None
    from .. import _version
    from ..io.models import resolve_model
    from ..io.samples import fetch

    model_file = resolve_model(model)
    paths = {name: fetch(name) for name in samples}
    print(
        f"formlab {_version.__version__} from {Path(__file__).parents[1]}; "
        f"model {model_file.variant} at {model_file.path}; {len(paths)} sample(s) ready"
    )
    return {"model": model_file, "samples": paths}


# ---------------------------------------------------------------- figures
def _checkout_root(start: Path) -> Path | None:
    """The formlab checkout that ``start`` is in (a folder with pyproject.toml, formlab/ and notebooks/)."""
    for folder in (start, *start.parents):
        if (
            (folder / "pyproject.toml").is_file()
            and (folder / "formlab" / "__init__.py").is_file()
            and (folder / NOTEBOOKS_FOLDER).is_dir()
        ):
            return folder
    return None


def figures_dir() -> Path:
    """Folder that :func:`save_figure` writes to (created if needed).

    In this order: ``$FORMLAB_FIGURES_DIR``; the ``figures/`` folder of the
    formlab checkout that the working directory is in (a notebook opened from
    ``notebooks/`` runs there); else ``./figures`` (e.g. ``/content/figures``
    in Colab).
    """
    env = os.environ.get(FIGURES_DIR_ENV)
    if env:
        return ensure_dir(Path(env).expanduser())
    root = _checkout_root(Path.cwd().resolve())
    return ensure_dir((root or Path.cwd()) / "figures")


def save_figure(fig, name: str, *, dpi: int = 110) -> Path:
    """Write a matplotlib figure as PNG into :func:`figures_dir` and return its path.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File name, conventionally ``NN_what.png`` with the notebook's number
        (``.png`` is added when there is no suffix).
    dpi : int
        Resolution. 110 keeps a two-panel figure around 100-300 kB.

    Notes
    -----
    The file is written to a temporary name and moved into place, so a
    reader never sees half a PNG; the PNG carries no software-version
    metadata, so re-running an unchanged notebook rewrites identical bytes
    and ``git status`` stays clean.
    """
    if not name or Path(name).name != name:
        raise OutputError(
            f"{name!r}: figure name must be a plain file name such as '01_landmarks.png'"
        )
    if not Path(name).suffix:
        name += ".png"
    if Path(name).suffix.lower() != ".png":
        raise OutputError(f"{name}: figures are written as PNG; use a .png name")
    return style.save_figure(fig, figures_dir() / name, dpi=dpi, tight=True, close=False)


def _check_notebook_name(notebook: str) -> str:
    name = Path(notebook).name
    if not _NOTEBOOK_NAME.match(name):
        raise ConfigError(
            f"{notebook!r}: notebook names are 'NN_words.ipynb' (two digits, lower case, underscores)"
        )
    return name
