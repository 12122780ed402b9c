"""The bar figures draw with the Agg backend, mark every rep, and cope with no reps and gaps."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from formlab.reps import find_reps
from formlab.viz.bar_figures import (
    plot_bar_path,
    plot_bar_position,
    turning_point_label,
)
from formlab.viz.style import save_figure


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
    assert (
        top.get_ylabel() == "X (m, + = image right)"
        and "+ = to the right in the picture" in top.get_title(loc="left")
    )
    assert fig.axes[1].get_ylabel() == "Y (m, + = up)" and "+ = away" in fig.axes[2].get_ylabel()
    out = save_figure(fig, tmp_path / "position.png")
    assert out.read_bytes()[:4] == b"\x89PNG" and not plt.get_fignums()


def test_path_figure_one_line_per_rep_and_into_given_axes():
    t, x, y, det = squats()
    fig, ax = plt.subplots()
    assert plot_bar_path(t, x, y, det.reps, ax=ax) is fig
    assert [ln.get_label() for ln in ax.get_lines() if ln.get_label().startswith("rep")] == [
        "rep 1",
        "rep 2",
        "rep 3",
    ]
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


def test_rep_detection_figure_marks_reps_and_rejected_candidates():
    from formlab.viz.bar_figures import plot_rep_detection

    t, _x, y, _ = squats()
    y = y.copy()
    y[(t > 3.7) & (t < 4.3)] -= 0.08  # a small dip while standing: rejected as too shallow
    det = find_reps(t, y, "bottom")
    assert det.count == 3 and any("shallow" in r["reason"] for r in det.rejected)
    fig = plot_rep_detection(det, time_marker_s=2.0)
    ax = fig.axes[0]
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert sorted(float(ln.get_xdata()[0]) for ln in dots) == [r.turn_s for r in det.reps]
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(crosses) == len(det.rejected)
    assert "too shallow" in [a.get_text() for a in ax.texts]
    assert "3 reps" in ax.get_title()
    plt.close(fig)
    assert (
        len(
            [
                ln
                for ln in plot_rep_detection(det, rejected=False).axes[0].get_lines()
                if ln.get_marker() == "x"
            ]
        )
        == 0
    )
    plt.close("all")


def test_article_figure_is_raw_pixels_against_frames():
    from support.synthetic_pose import exercise_track

    from formlab.core.landmarks import LANDMARK_INDEX
    from formlab.viz.bar_figures import plot_article_bar_position

    track, _ = exercise_track("squat", n_reps=2, view="side")
    fig = plot_article_bar_position(track)
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    assert set(lines) == {"x", "y", "z"}
    wrists = [LANDMARK_INDEX["left_wrist"], LANDMARK_INDEX["right_wrist"]]
    np.testing.assert_allclose(lines["y"].get_ydata(), -track.xy_px[:, wrists, 1].mean(axis=1))
    np.testing.assert_allclose(lines["x"].get_xdata(), track.frame)
    np.testing.assert_allclose(lines["z"].get_ydata(), track.z[:, wrists].mean(axis=1) * 1080)
    plt.close(fig)


def test_x_label_states_the_sign_the_bar_path_has():
    """The bar's X grows when the grip moves to the right in the picture, as the figures' labels say."""
    from support.constructed_posture import STANDING, make_track

    from formlab.barbell.trajectory import bar_path
    from formlab.viz.bar_figures import X_DIRECTION

    track = make_track([STANDING] * 10)
    xy = track.xy_px.copy()
    xy[5:, :, 0] += 40.0  # the whole lifter, bar and all, 40 px to the image right
    path = bar_path(track.replace(xy_px=xy))
    assert path.x_m[9] - path.x_m[0] > 0
    assert X_DIRECTION == "+ = to the right in the picture"


def test_legends_name_the_turning_point_and_the_path_markers():
    t, x, y, _ = squats()
    det = find_reps(t, y, "bottom", signal_name="hip_height_m")
    label = turning_point_label(det)
    assert label == "rep's turning point (lowest hip height)"
    assert turning_point_label(find_reps(t, -y, "top", signal_name="bar_height_m")).endswith(
        "(highest bar height)"
    )
    fig = plot_bar_position(t, x, y, reps=det.reps, turn_label=label)
    assert label in [tx.get_text() for tx in fig.axes[0].get_legend().get_texts()]
    fig = plot_bar_path(t, x, y, det.reps, turn_label=label)
    ax = fig.axes[0]
    legend = {
        tx.get_text(): h
        for tx, h in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles)
    }
    assert legend["bar at the rep's start"].get_marker() == "o"
    assert legend[f"bar at the {label}"].get_marker() == "x"
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    for r, cross in zip(det.reps, crosses):  # each cross is the bar at the rep's turning frame
        i0, it = r.start_frame, r.turn_frame
        np.testing.assert_allclose(
            [cross.get_xdata()[0], cross.get_ydata()[0]],
            [100 * (x[it] - x[i0]), 100 * (y[it] - y[i0])],
        )
    assert "+ = image right" in ax.get_xlabel()
    plt.close("all")


def test_a_long_title_is_wrapped_inside_the_saved_figure(tmp_path):
    # bar_path.png's title with the uncertainty note ran ~180 characters off both sides (issue 14)
    t, x, y, det = squats()
    note = (
        "hand-based, jitter +-1.0 cm; scene coordinates (camera motion removed: up to 60 px, "
        "median 12 px, from the background's features tracked between frames)"
    )
    title = f"tfjs-models__pose_squats: bar path per rep ({note})"
    for fig, get_title in (
        (plot_bar_path(t, x, y, det.reps, title=title), lambda f: f.axes[0].title),
        (plot_bar_position(t, x, y, y, reps=det.reps, title=title), lambda f: f._suptitle),
    ):
        save_figure(fig, tmp_path / "f.png", close=False)
        text = get_title(fig)
        assert "\n" in text.get_text()
        assert text.get_text().replace("\n", " ") == (
            title if text is not fig._suptitle else f"{title}: 3 reps"
        )
        fig.canvas.draw()
        box = text.get_window_extent(fig.canvas.get_renderer())
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height
        plt.close(fig)
