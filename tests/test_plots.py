"""The bar figures draw with the Agg backend, mark every rep, and cope with no reps and gaps."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from formlab.plots import plot_bar_path, plot_bar_position, save_figure  # noqa: E402
from formlab.reps import find_reps  # noqa: E402


def squats():
    t = np.arange(0, 12, 1 / 30)
    y = 1.2 - 0.4 * np.clip(np.sin(2 * np.pi * (t - 1) / 4), 0, None) ** 2
    x = 0.02 * np.sin(t)
    return t, x, y, find_reps(t, y, "bottom")


def test_position_figure_marks_each_rep(tmp_path):
    t, x, y, det = squats()
    assert det.count == 3
    fig = plot_bar_position(t, x, y, 0.1 * x, reps=det.reps, raw=(x, y, None))
    assert len(fig.axes) == 3
    top = fig.axes[0]
    turn_lines = [ln for ln in top.get_lines() if ln.get_linestyle() == "--"]
    assert sorted(ln.get_xdata()[0] for ln in turn_lines) == [r.turn_s for r in det.reps]
    assert "3 reps" in fig._suptitle.get_text()
    assert top.get_ylabel() == "X (m)"
    out = save_figure(fig, tmp_path / "position.png")
    assert out.read_bytes()[:4] == b"\x89PNG" and not plt.get_fignums()


def test_path_figure_one_line_per_rep_and_into_given_axes():
    t, x, y, det = squats()
    fig, ax = plt.subplots()
    assert plot_bar_path(t, x, y, det.reps, ax=ax) is fig
    assert [ln.get_label() for ln in ax.get_lines() if ln.get_label().startswith("rep")] == ["rep 1", "rep 2", "rep 3"]
    plt.close(fig)


def test_no_reps_and_missing_samples():
    t, x, y, _ = squats()
    y = y.copy()
    y[50:80] = np.nan
    fig = plot_bar_path(t, x, y, [])
    assert "no reps" in fig.axes[0].texts[0].get_text()
    fig2 = plot_bar_position(t, x, y)
    assert len(fig2.axes) == 2 and "0 reps" in fig2._suptitle.get_text()
    plt.close("all")
