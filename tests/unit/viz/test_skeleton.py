"""formlab.viz on small constructed poses (and one real photo)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from formlab.core.errors import InputError
from formlab.core.landmarks import LANDMARK_INDEX, N_LANDMARKS, SKELETON_EDGES, edge_side
from formlab.core.track import PoseTrack, TrackMeta
from formlab.viz import skeleton


def _pose(seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(10, 190, size=(N_LANDMARKS, 2))
    world = rng.uniform(-0.5, 0.5, size=(N_LANDMARKS, 3))
    return xy, world


def _track(xy, world, visibility=None, frames=(0,)):
    n = len(frames)
    vis = (
        np.ones((n, N_LANDMARKS))
        if visibility is None
        else np.broadcast_to(visibility, (n, N_LANDMARKS))
    )
    return PoseTrack(
        xy_px=np.broadcast_to(xy, (n, N_LANDMARKS, 2)),
        z=np.zeros((n, N_LANDMARKS)),
        visibility=vis,
        presence=np.full((n, N_LANDMARKS), 0.9),
        world_m=np.broadcast_to(world, (n, N_LANDMARKS, 3)),
        time_s=np.arange(n) / 30.0,
        frame=np.asarray(frames),
        meta=TrackMeta(source="pose.jpg", width_px=200, height_px=200),
    )


def _segments(ax):
    (lc,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return lc


def test_draw_skeleton_colours_edges_by_the_persons_side():
    xy, _ = _pose()
    fig, ax = plt.subplots()
    skeleton.draw_skeleton(ax, xy)
    lc = _segments(ax)
    assert len(lc.get_segments()) == len(SKELETON_EDGES)
    colours = lc.get_colors()
    for (a, b), colour in zip(SKELETON_EDGES, colours):
        assert tuple(colour) == to_rgba(skeleton.SIDE_COLOURS[edge_side((a, b))])
    i = SKELETON_EDGES.index((11, 13))  # left shoulder -> left elbow
    assert tuple(colours[i]) == to_rgba(skeleton.SIDE_COLOURS["left"])
    plt.close(fig)


def test_draw_skeleton_skips_missing_points_and_fades_hidden_ones():
    xy, _ = _pose()
    xy[LANDMARK_INDEX["left_ankle"]] = np.nan
    vis = np.ones(N_LANDMARKS)
    vis[LANDMARK_INDEX["right_wrist"]] = skeleton.FAINT_BELOW_VISIBILITY - 0.01
    fig, ax = plt.subplots()
    skeleton.draw_skeleton(ax, xy, visibility=vis)
    lc = _segments(ax)
    touching_ankle = [e for e in SKELETON_EDGES if LANDMARK_INDEX["left_ankle"] in e]
    assert len(lc.get_segments()) == len(SKELETON_EDGES) - len(touching_ankle)
    kept = [e for e in SKELETON_EDGES if e not in touching_ankle]
    alphas = {e: c[3] for e, c in zip(kept, lc.get_colors())}
    assert alphas[(14, 16)] == pytest.approx(skeleton.FAINT_ALPHA)  # right elbow -> right wrist
    assert alphas[(12, 14)] == 1.0
    (points,) = ax.collections[1:]
    assert len(points.get_offsets()) == N_LANDMARKS - 1
    plt.close(fig)


def test_draw_skeleton_refuses_a_wrong_shape():
    fig, ax = plt.subplots()
    with pytest.raises(InputError, match=r"\(33, 2\)"):
        skeleton.draw_skeleton(ax, np.zeros((17, 2)))
    plt.close(fig)


def test_world_axes_put_up_on_the_vertical_plot_axis():
    # MediaPipe world: x right, y DOWN, z away from the camera.
    p = skeleton.world_to_plot_axes(np.array([[0.1, -0.5, 0.2]]))
    np.testing.assert_allclose(p, [[0.1, 0.2, 0.5]])


def test_plot_world_pose_draws_every_edge_at_equal_scale():
    xy, world = _pose()
    ax = skeleton.plot_world_pose(_track(xy, world))
    assert len(ax.lines) == len(SKELETON_EDGES)
    spans = [np.diff(lim)[0] for lim in (ax.get_xlim(), ax.get_ylim(), ax.get_zlim())]
    assert spans[0] == pytest.approx(spans[1]) == pytest.approx(spans[2])
    plt.close(ax.figure)
    ax = skeleton.plot_world_pose(_track(xy, world), view="camera")
    assert (ax.elev, ax.azim) == skeleton.WORLD_VIEWS["camera"] and list(ax.get_yticks()) == []
    plt.close(ax.figure)
    with pytest.raises(InputError, match="unknown view"):
        skeleton.plot_world_pose(_track(xy, world), view="top")


def test_plot_pose_image_finds_the_frame_by_source_number():
    xy, world = _pose()
    track = _track(xy, world, frames=(10, 11, 12))
    image = np.zeros((200, 200, 3), np.uint8)
    ax = skeleton.plot_pose_image(image, track, frame=12, labels=["left_shoulder"])
    assert any("11 left_shoulder" in t.get_text() for t in ax.texts)
    plt.close(ax.figure)
    with pytest.raises(InputError, match="frame 3 is not in the track"):
        skeleton.plot_pose_image(image, track, frame=3)


def test_fit_landmarks_widens_the_view_to_points_outside_the_image():
    xy, world = _pose()
    xy[LANDMARK_INDEX["left_ankle"]] = (100, 350)  # below a 200 px tall picture
    image = np.zeros((200, 200, 3), np.uint8)
    ax = skeleton.plot_pose_image(image, _track(xy, world), fit_landmarks=True)
    bottom, top = ax.get_ylim()
    assert bottom > 350 and top <= 0
    plt.close(ax.figure)
    ax = skeleton.plot_pose_image(image, _track(xy, world))
    assert ax.get_ylim()[0] == pytest.approx(199.5)
    plt.close(ax.figure)


def test_confidence_table_has_one_column_per_track():
    xy, world = _pose()
    vis = np.linspace(0, 1, N_LANDMARKS)
    ax = skeleton.plot_landmark_confidence(
        {"a": _track(xy, world, vis), "b": _track(xy, world)}, which="visibility"
    )
    shown = ax.images[0].get_array()
    assert shown.shape == (N_LANDMARKS, 2)
    np.testing.assert_allclose(shown[:, 0], vis)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    plt.close(ax.figure)
    with pytest.raises(InputError, match="which"):
        skeleton.plot_landmark_confidence(_track(xy, world), which="score")


@pytest.mark.media
def test_left_side_of_a_front_facing_lifter_is_on_the_right_of_the_picture(
    sample_path, sample_track
):
    """The convention the notebooks explain, on the article's photo (MediaPipe 11 = LEFT shoulder)."""
    track = sample_track("ai-trainer__500_perfect")
    assert (
        track.landmark_xy_px("left_shoulder")[0, 0] > track.landmark_xy_px("right_shoulder")[0, 0]
    )
    ax = skeleton.plot_pose_image(sample_path("ai-trainer__500_perfect"), track)
    assert ax.images[0].get_array().shape[:2] == (track.meta.height_px, track.meta.width_px)
    plt.close(ax.figure)
