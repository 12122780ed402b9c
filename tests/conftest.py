"""Shared fixtures.

Integration tests need the sample media and the pose models. formlab finds
them through its normal search order: ``$FORMLAB_DATA_DIR`` and
``$FORMLAB_MODEL_DIR`` (the Makefile points them at ``../shared`` when that
folder exists), then the user cache, then a download. When none of these
works (offline, no mirrors), the tests *fail* with formlab's message, which
says what to set; they are never skipped.

Computed pose tracks are cached in ``$FORMLAB_CACHE_DIR`` (a fresh folder per
test session unless you set it), so each sample video is analysed once per
session however many tests use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_SESSION_CACHE = None
if not os.environ.get("FORMLAB_CACHE_DIR"):
    _SESSION_CACHE = tempfile.TemporaryDirectory(prefix="formlab-test-cache-")
    os.environ["FORMLAB_CACHE_DIR"] = _SESSION_CACHE.name

_GROUPS = (
    None  # pytest-xdist's controller chooses it; its workers inherit it (support.xdist_groups)
)
if not os.environ.get("FORMLAB_TEST_GROUPS"):
    _GROUPS = tempfile.TemporaryDirectory(prefix="formlab-test-groups-")
    os.environ["FORMLAB_TEST_GROUPS"] = _GROUPS.name

import formlab  # noqa: E402  (after the cache folder is chosen)
from formlab.io import samples  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def pytest_report_header(config):
    return [
        f"formlab {formlab.__version__} from {Path(formlab.__file__).parent}",
        f"FORMLAB_MODEL_DIR={os.environ.get('FORMLAB_MODEL_DIR', '(not set)')} "
        f"FORMLAB_DATA_DIR={os.environ.get('FORMLAB_DATA_DIR', '(not set)')} "
        f"FORMLAB_CACHE_DIR={os.environ.get('FORMLAB_CACHE_DIR')}",
    ]


def pytest_collection_modifyitems(config, items):
    """On a pytest-xdist worker, say which tests go together (``support.xdist_groups``)."""
    from support.xdist_groups import record

    record(config, items, REPO)


@pytest.hookimpl(optionalhook=True)  # pytest without xdist (one process) must still run
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` with the groups of ``support.xdist_groups``."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from support.xdist_groups import make_scheduler

    return make_scheduler(config, log)


@pytest.fixture(scope="session")
def sample_path():
    """``sample_path(name)``: verified local path of a registered sample (see formlab.samples)."""
    return samples.fetch


@pytest.fixture(scope="session")
def sample_track():
    """``sample_track(name, **options)``: the cached pose track of a sample video or image."""

    def get(name: str, **options):
        return formlab.extract(samples.fetch(name), progress=False, **options)

    return get


@pytest.fixture(scope="session")
def manifest_videos():
    """Registry entries of the sample videos with hand-counted reps (the evaluation set)."""
    return [
        samples.sample_info(n)
        for n in samples.sample_names("video")
        if samples.sample_info(n).get("reps") and samples.sample_info(n).get("sha256")
    ]


def terminal_line(config, tag: str):
    """``show(line)``: print ``  [tag] line`` on the terminal at once, past pytest's output capture.

    For the long steps of a run (a venv build, a notebook): pytest prints nothing until a test
    ends, and a test may wait minutes on one of them. On a pytest-xdist worker, whose terminal
    output goes nowhere, the line goes to its standard error, which is the run's.
    """
    import sys

    capture = config.pluginmanager.getplugin("capturemanager")
    terminal = config.pluginmanager.getplugin("terminalreporter")
    worker = getattr(config, "workerinput", {}).get("workerid")

    def show(line: str) -> None:
        if terminal is None and worker is None:
            return
        with capture.global_and_fixture_disabled():
            if worker is not None:
                print(f"  [{tag}, {worker}] {line}", file=sys.stderr, flush=True)
            else:
                terminal.write_line(f"  [{tag}] {line}")

    return show


@pytest.fixture(scope="session")
def colab_notebooks(request, tmp_path_factory):
    """The tutorial notebooks executed once per test session, in an emulated Colab.

    A ``support.colab_run.ColabRun``: each notebook's executed copy, error and
    time, the fresh venv it installed formlab into, and the figures it saved.
    The figures are then copied into the repository's ``figures/`` (the README
    shows those files, so a test run regenerates them). Read by
    ``test_notebooks.py``, ``test_colab_emulation.py`` and the browser tests.
    """
    import shutil

    from support.colab_run import ColabSetupError, run_notebooks_in_emulated_colab

    show = terminal_line(request.config, "colab")
    try:
        result = run_notebooks_in_emulated_colab(tmp_path_factory.mktemp("colab"), show)
    except ColabSetupError as e:
        pytest.fail(f"the emulated Colab could not be set up: {e}", pytrace=False)
    figures = REPO / "figures"
    figures.mkdir(exist_ok=True)
    for png in sorted(result.figures.glob("*.png")):
        shutil.copyfile(png, figures / png.name)
    return result


@pytest.fixture
def readonly_dir(tmp_path):
    """A folder nobody can write into, even root (chmod for users; the immutable attribute for root)."""
    import shutil
    import subprocess

    d = tmp_path / "read-only"
    d.mkdir()
    d.chmod(0o555)
    immutable = False
    if os.access(d, os.W_OK):  # root: permissions do not apply
        chattr = shutil.which("chattr")
        assert chattr, "chattr is needed to make a read-only folder as root"
        subprocess.run([chattr, "+i", str(d)], check=True)
        immutable = True
    try:
        yield d
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr"), "-i", str(d)], check=False)
        d.chmod(0o755)


@pytest.fixture
def ctrl_c_after(monkeypatch, tmp_path):
    """``ctrl_c_after(n)``: the n-th video frame given to MediaPipe raises KeyboardInterrupt, as a
    user's Ctrl-C would; the cache goes to a fresh folder so no earlier result hides the interruption."""
    from mediapipe.tasks.python.vision import PoseLandmarker

    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "ctrl-c-cache"))
    real = PoseLandmarker.detect_for_video

    def arm(n: int) -> None:
        calls = {"n": 0}

        def interrupt(self, image, timestamp_ms):
            calls["n"] += 1
            if calls["n"] == n:
                raise KeyboardInterrupt
            return real(self, image, timestamp_ms)

        monkeypatch.setattr(PoseLandmarker, "detect_for_video", interrupt)

    return arm
