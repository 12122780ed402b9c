"""formlab.notebook: Colab detection, the set-up cell, figure files."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from formlab.core.errors import ConfigError, OutputError
from formlab.interactive import notebook


@pytest.fixture
def fake_colab(monkeypatch):
    """Pretend to be inside Colab, whose kernel imports google.colab before any cell runs."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))


def test_in_colab_follows_the_google_colab_module(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert notebook.in_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert notebook.in_colab() is True


def test_install_target_defaults_to_the_repository_and_can_be_overridden(monkeypatch):
    monkeypatch.delenv(notebook.INSTALL_TARGET_ENV, raising=False)
    assert notebook.install_target() == "git+" + notebook.REPOSITORY_URL
    monkeypatch.setenv(notebook.INSTALL_TARGET_ENV, "/some/checkout")
    assert notebook.install_target() == "/some/checkout"


def test_colab_url_and_badge_are_built_from_the_repository_constant(monkeypatch):
    monkeypatch.setattr(notebook, "REPOSITORY_URL", "https://github.com/someone/fork")
    url = notebook.colab_url("03_video.ipynb")
    assert (
        url
        == "https://colab.research.google.com/github/someone/fork/blob/main/notebooks/03_video.ipynb"
    )
    assert f"]({url})" in notebook.colab_badge("03_video.ipynb")
    with pytest.raises(ConfigError, match="NN_words"):
        notebook.colab_url("Video Analysis.ipynb")


def _run_cell(source: str, monkeypatch) -> tuple[list, list]:
    """Execute a set-up cell with pip and formlab.interactive.notebook.setup replaced by recorders."""
    pip_calls, setup_calls = [], []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: pip_calls.append((cmd, check)))
    monkeypatch.setattr(notebook, "setup", lambda samples: setup_calls.append(samples))
    exec(compile(source, "<setup cell>", "exec"), {})
    return pip_calls, setup_calls


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    pip_calls, setup_calls = _run_cell(
        notebook.setup_cell_source(["tfjs-models__pose"]), monkeypatch
    )
    assert pip_calls == [] and setup_calls == []


def test_setup_cell_installs_then_sets_up_inside_colab(monkeypatch, fake_colab):
    monkeypatch.delenv(notebook.INSTALL_TARGET_ENV, raising=False)
    source = notebook.setup_cell_source(["tfjs-models__pose", "ai-trainer__500_perfect"])
    pip_calls, setup_calls = _run_cell(source, monkeypatch)
    assert pip_calls == [
        (
            [sys.executable, "-m", "pip", "install", "--quiet", "git+" + notebook.REPOSITORY_URL],
            True,
        )
    ]
    assert setup_calls == [["tfjs-models__pose", "ai-trainer__500_perfect"]]

    monkeypatch.setenv(notebook.INSTALL_TARGET_ENV, "/path/to/checkout")
    pip_calls, _ = _run_cell(source, monkeypatch)
    assert pip_calls[0][0][-1] == "/path/to/checkout"


def test_setup_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert notebook.setup(["no-such-sample"]) is None  # would raise SampleError if it looked


@pytest.mark.media
def test_setup_resolves_model_and_samples_in_colab(fake_colab, capsys):
    ready = notebook.setup(["tfjs-models__pose"])
    assert ready["model"].path.name == "pose_landmarker_full.task"
    assert ready["samples"]["tfjs-models__pose"].is_file()
    assert "1 sample(s) ready" in capsys.readouterr().out


def test_setup_reports_an_unknown_sample(fake_colab):
    from formlab.core.errors import SampleError

    with pytest.raises(SampleError, match="no-such-sample"):
        notebook.setup(["no-such-sample"])


# ------------------------------------------------------------------ figures
def _fake_checkout(root: Path) -> Path:
    (root / "formlab").mkdir(parents=True)
    (root / "formlab" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text("[project]\nname = 'formlab'\n")
    (root / "notebooks").mkdir()
    return root


def test_figures_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv(notebook.FIGURES_DIR_ENV, raising=False)
    checkout = _fake_checkout(tmp_path / "checkout")
    monkeypatch.chdir(checkout / "notebooks")
    assert notebook.figures_dir() == checkout / "figures"

    elsewhere = tmp_path / "content"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert notebook.figures_dir() == elsewhere / "figures"

    monkeypatch.setenv(notebook.FIGURES_DIR_ENV, str(tmp_path / "chosen"))
    assert notebook.figures_dir() == tmp_path / "chosen"
    assert (tmp_path / "chosen").is_dir()


def test_save_figure_writes_identical_png_bytes_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv(notebook.FIGURES_DIR_ENV, str(tmp_path))
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    path = notebook.save_figure(fig, "01_line")
    assert path == tmp_path / "01_line.png"
    first = path.read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Matplotlib version" not in first
    notebook.save_figure(fig, "01_line.png")
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["01_line.png"]  # no temporary file left
    plt.close(fig)


@pytest.mark.parametrize("name", ["", "../01_x.png", "sub/01_x.png", "01_x.jpg"])
def test_save_figure_refuses_bad_names(tmp_path, monkeypatch, name):
    monkeypatch.setenv(notebook.FIGURES_DIR_ENV, str(tmp_path))
    fig = plt.figure()
    with pytest.raises(OutputError):
        notebook.save_figure(fig, name)
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []
