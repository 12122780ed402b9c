"""Figures of the form checks on constructed poses: geometry on the picture and on the 3-D pose, the view
from above, the feedback over time. Agg backend, no media."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from support.constructed_posture import SQUAT_BOTTOM, STANDING, make_track, with_changes
from support.front_squat import CHECKS, TH, pass_interval

from formlab import InputError, evaluate_form
from formlab.viz.check_figures import (
    body_axes,
    plot_check_body,
    plot_check_geometry,
)
from formlab.viz.style import STATUS_COLOURS
from formlab.viz.timeline import plot_feedback_timeline
from formlab.viz.view_figure import plot_view_from_above

LOW_ELBOWS = with_changes(STANDING, upper_arm_elevation_deg=-60.0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_check_has_a_geometry():
    assert all(c.geometry is not None for c in CHECKS.values())


def arrows(ax):
    return [
        a for a in ax.texts if getattr(a, "arrow_patch", None) is not None and a.get_text() == ""
    ]


@pytest.mark.parametrize("check", list(CHECKS))
def test_geometry_on_the_picture_draws_each_segment_and_the_verdict(check):
    track = make_track(LOW_ELBOWS, 0.0)
    fb = evaluate_form(
        track, "front_squat", checks=[check] if check != "heels_down" else ["heels_down"]
    )
    canvas = np.zeros((1000, 1000, 3), np.uint8)
    ax = plot_check_geometry(canvas, track, check, fb)
    geometry = CHECKS[check].geometry
    n_segments = sum(2 if "{side}" in a else 1 for a, _ in geometry.segments)
    assert len(arrows(ax)) == n_segments
    title = ax.get_title()
    assert CHECKS[check].title in title and "passes" in title
    status = fb[check].iloc[0]
    assert status.replace("_", " ").upper() in title
    assert matplotlib.colors.to_hex(ax.title.get_color()) == STATUS_COLOURS[status]


def test_elbows_geometry_labels_each_arm_and_the_failing_verdict():
    track = make_track(LOW_ELBOWS, 0.0)
    fb = evaluate_form(track, "front_squat")
    ax = plot_check_geometry(np.zeros((1000, 1000, 3), np.uint8), track, "elbows_up", fb)
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    assert "left: -60.0\N{DEGREE SIGN}" in labels and "right: -60.0\N{DEGREE SIGN}" in labels
    assert "FAIL" in ax.get_title() and "Raise your elbows" in ax.get_title()
    assert len(ax.patches) >= 2  # the angle arcs


def test_not_assessable_says_why():
    track = make_track(SQUAT_BOTTOM, 90.0)  # side view: widths cannot be judged
    fb = evaluate_form(track, "front_squat")
    ax = plot_check_geometry(np.zeros((1000, 1000, 3), np.uint8), track, "knees_out", fb)
    assert (
        "NOT ASSESSABLE" in ax.get_title()
        and "side view cannot show it" in ax.get_title().replace("\n", " ")
    )


def test_body_axes_follow_the_lifter():
    for yaw in (0.0, 90.0, -45.0):
        world = make_track(STANDING, yaw).world_m[0]
        left, up, forward = body_axes(world)
        np.testing.assert_allclose([left @ up, left @ forward, up @ forward], 0, atol=1e-9)
        y = np.radians(yaw)
        # the lifter faces the camera (-z) at yaw 0; at +90 their right side faces it: they face the +x side
        np.testing.assert_allclose(forward, [np.sin(y), 0, -np.cos(y)], atol=1e-9)
    with pytest.raises(InputError):
        body_axes(np.full((33, 3), np.nan))


def test_body_view_shows_the_angle_in_the_lifters_side_plane_whatever_the_camera():
    for yaw in (0.0, 90.0):
        track = make_track(LOW_ELBOWS, yaw)
        fb = evaluate_form(track, "front_squat")
        ax = plot_check_body(track, "elbows_up", fb)
        (arrow,) = [a for a in arrows(ax) if a.arrow_patch.get_edgecolor()[3] > 0.9][:1]
        (x0, y0), (x1, y1) = arrow.xyann, arrow.xy
        assert np.degrees(np.arctan2(y1 - y0, x1 - x0)) == pytest.approx(
            -60.0, abs=0.5
        )  # forward and 60 deg down
        assert ax.get_xlabel() == "forward (m)"
    ax = plot_check_body(make_track(STANDING, 0.0), "knees_out")
    assert ax.get_xlabel() == "lifter's left (m)" and any(
        "knees: 0.36 m" in t.get_text() for t in ax.texts
    )


def test_view_from_above_names_the_view():
    for yaw, name in ((0.0, "front"), (45.0, "oblique"), (90.0, "side")):
        ax = plot_view_from_above(make_track(STANDING, yaw))
        assert f"-> {name} view" in ax.get_title()


def test_timeline_panels_thresholds_and_verdict_counts():
    postures = [STANDING] * 10 + [LOW_ELBOWS] * 5 + [STANDING] * 10
    track = make_track(postures, 0.0)
    fb = evaluate_form(track, "front_squat")
    fig = plot_feedback_timeline(fb, time_marker_s=0.3)
    names = fb.attrs["checks"]
    assert len(fig.axes) == len(names)
    for ax, name in zip(fig.axes, names):
        lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        bounds = sorted(b for b in pass_interval(name, TH) if b is not None)
        assert sorted(float(ln.get_ydata()[0]) for ln in lines) == pytest.approx(bounds)
        counts = ax.texts[-1].get_text()
        assert f"fail {int((fb[name] == 'fail').sum())}" in counts
    elbows = fig.axes[names.index("elbows_up")]
    assert "fail 5" in elbows.texts[-1].get_text()
    one = plot_feedback_timeline(fb, checks=["elbows_up"])
    assert len(one.axes) == 1
    with pytest.raises(InputError, match="no check 'heels_down'"):
        plot_feedback_timeline(fb, checks=["heels_down"])
