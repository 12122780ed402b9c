"""Matplotlib pictures of a pose: skeletons on images, world landmarks in 3D, confidence per landmark.

These are for notebooks and figures (static PNGs, no interactive backend).
Drawing on video frames for the annotated video is done with Pillow in
:mod:`formlab.viz.overlay`; both use the edges and sides of
:mod:`formlab.core.landmarks` and the colours of :mod:`formlab.viz.style`, so
a reader sees the same convention in both: the person's LEFT side orange, the
RIGHT side blue.

Every function takes a :class:`~formlab.PoseTrack` (or a plain ``(33, 2)`` /
``(33, 3)`` array) and a ``frame`` number of the source (``track.frame``;
0 for a photo), draws on a given Axes or a new one, and returns the Axes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from ..core.errors import InputError
from ..core.landmarks import (
    LANDMARK_NAMES,
    N_LANDMARKS,
    SKELETON_EDGES,
    edge_side,
    landmark_index,
    side_of,
)
from . import style
from .style import SIDE_COLOURS

FAINT_BELOW_VISIBILITY = 0.5
"""Landmarks with a visibility below this are drawn faint (and their edges dashed).

0.5 is MediaPipe's own default for drawing landmarks (``drawing_utils``'
``_VISIBILITY_THRESHOLD``): below it the model thinks the point is more
likely hidden than seen, so its position is a guess from the body's shape.
"""

FAINT_ALPHA = 0.35


# ----------------------------------------------------------------- helpers
def _row(track, frame: int) -> int:
    rows = np.flatnonzero(np.asarray(track.frame) == frame)
    if rows.size == 0:
        raise InputError(
            f"frame {frame} is not in the track of {Path(track.meta.source).name or 'this pose'} "
            f"(frames {int(track.frame[0])}..{int(track.frame[-1])})"
        )
    return int(rows[0])


def _points(points, n_dims: int, what: str) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.shape != (N_LANDMARKS, n_dims):
        raise InputError(f"{what} must have shape ({N_LANDMARKS}, {n_dims}), got {arr.shape}")
    return arr


def _strong(visibility, faint_below: float | None) -> np.ndarray:
    if visibility is None or faint_below is None:
        return np.ones(N_LANDMARKS, dtype=bool)
    vis = np.asarray(visibility, dtype=float)
    return ~(vis < faint_below)  # NaN visibility counts as strong: nothing says it is hidden


def _edge_style(strong: np.ndarray, colours: Mapping[str, str]):
    from matplotlib.colors import to_rgba  # here: the video's overlays need no matplotlib

    cols, styles, keep = [], [], []
    for a, b in SKELETON_EDGES:
        ok = strong[a] and strong[b]
        cols.append(to_rgba(colours[edge_side((a, b))], 1.0 if ok else FAINT_ALPHA))
        styles.append("solid" if ok else (0, (2, 2)))
        keep.append((a, b))
    return keep, cols, styles


# --------------------------------------------------------------- 2-D image
def show_image(image, *, title: str | None = None, ax=None, width_in: float = 6.0):
    """Show an image file (upright, EXIF rotation applied) or an RGB array, without axes.

    Returns the matplotlib Axes.
    """
    if isinstance(image, (str, os.PathLike)):
        from ..io.media import read_image

        rgb, _ = read_image(image)
        title = title if title is not None else Path(image).name
    else:
        rgb = np.asarray(image)
    if ax is None:
        h, w = rgb.shape[:2]
        _, ax = style.subplots(figsize=(width_in, width_in * h / max(w, 1)))
    ax.imshow(rgb)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def draw_skeleton(
    ax,
    xy_px,
    *,
    visibility=None,
    faint_below: float | None = FAINT_BELOW_VISIBILITY,
    colours: Mapping[str, str] = SIDE_COLOURS,
    linewidth: float = 2.0,
    marker_size: float = 16.0,
):
    """Draw one pose's 33 landmarks and skeleton edges on an image Axes.

    Parameters
    ----------
    ax : matplotlib Axes
        Usually one that shows the image (pixel coordinates, y down).
    xy_px : array, shape (33, 2)
        Image x/y in pixels of one frame (``track.xy_px[i]``). NaN points
        (no pose) are not drawn.
    visibility : array, shape (33,), optional
        Landmarks below ``faint_below`` are drawn faint and their edges dashed.
    faint_below : float or None
        See :data:`FAINT_BELOW_VISIBILITY`; None draws everything solid.
    colours : mapping
        Colour per side (``"left"``, ``"right"``, ``"centre"``).

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    xy = _points(xy_px, 2, "xy_px")
    strong = _strong(visibility, faint_below)
    edges, cols, styles = _edge_style(strong, colours)
    segs = [xy[[a, b]] for a, b in edges]
    ok = [np.isfinite(s).all() for s in segs]
    ax.add_collection(
        LineCollection(
            [s for s, k in zip(segs, ok) if k],
            colors=[c for c, k in zip(cols, ok) if k],
            linestyles=[s for s, k in zip(styles, ok) if k],
            linewidths=linewidth,
            zorder=3,
        )
    )
    finite = np.isfinite(xy).all(axis=1)
    face = [
        to_rgba(colours[side_of(i)], 1.0 if strong[i] else FAINT_ALPHA) for i in range(N_LANDMARKS)
    ]
    idx = np.flatnonzero(finite)
    ax.scatter(
        xy[idx, 0],
        xy[idx, 1],
        s=marker_size,
        c=[face[i] for i in idx],
        edgecolors=[to_rgba("black", 1.0 if strong[i] else FAINT_ALPHA) for i in idx],
        linewidths=0.6,
        zorder=4,
    )
    return ax


def side_legend(ax, *, loc: str = "lower right", fontsize: float = 8, faint: bool = True):
    """Legend explaining the colours (and, with ``faint``, the faint/dashed style)."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=SIDE_COLOURS["left"], marker="o", lw=2, label="person's LEFT side"),
        Line2D([], [], color=SIDE_COLOURS["right"], marker="o", lw=2, label="person's RIGHT side"),
    ]
    if faint:
        handles.append(
            Line2D(
                [],
                [],
                color=to_rgba("grey", FAINT_ALPHA),
                ls=(0, (2, 2)),
                lw=2,
                label=f"visibility < {FAINT_BELOW_VISIBILITY:g}",
            )
        )
    return ax.legend(handles=handles, loc=loc, fontsize=fontsize, framealpha=0.85)


def label_landmarks(
    ax, xy_px, landmarks: Iterable[str | int], *, fontsize: float = 8, offset_px: float = 8.0
):
    """Write ``"<index> <name>"`` beside the given landmarks (names or MediaPipe indices)."""
    xy = _points(xy_px, 2, "xy_px")
    for lm in landmarks:
        i = landmark_index(lm)
        if np.isfinite(xy[i]).all():
            ax.annotate(
                f"{i} {LANDMARK_NAMES[i]}",
                xy[i],
                xytext=(offset_px, -offset_px),
                textcoords="offset points",
                fontsize=fontsize,
                color="black",
                bbox=dict(
                    boxstyle="round,pad=0.2", fc=SIDE_COLOURS[side_of(i)], ec="none", alpha=0.9
                ),
                arrowprops=dict(arrowstyle="-", color="black", lw=0.8),
                zorder=5,
            )
    return ax


def plot_pose_image(
    image,
    track,
    frame: int = 0,
    *,
    ax=None,
    title: str | None = None,
    faint_below: float | None = FAINT_BELOW_VISIBILITY,
    legend: bool = True,
    labels: Iterable[str | int] = (),
    fit_landmarks: bool = False,
    width_in: float = 5.0,
):
    """An image with the track's pose of ``frame`` drawn on it (see :func:`draw_skeleton`).

    Parameters
    ----------
    image : path or RGB array
        The photo, or the video frame, the track was computed from.
    track : PoseTrack
    frame : int
        Source frame number (``track.frame``); 0 for a photo.
    labels : iterable of str or int
        Landmarks to label with index and name (e.g. ``["left_shoulder", 12]``).
    fit_landmarks : bool
        Widen the view beyond the image to show landmarks that MediaPipe
        placed outside it (it guesses where out-of-frame body parts are).
    """
    row = _row(track, frame)
    new_figure = ax is None
    ax = show_image(image, title=title, ax=ax, width_in=width_in)
    (x0, x1), (y1, y0) = (
        ax.get_xlim(),
        ax.get_ylim(),
    )  # the image's extent (image axes: y points down)
    draw_skeleton(ax, track.xy_px[row], visibility=track.visibility[row], faint_below=faint_below)
    if labels:
        label_landmarks(ax, track.xy_px[row], labels)
    xy = track.xy_px[row]
    if fit_landmarks and np.isfinite(xy).any():
        margin = 0.03 * max(x1 - x0, y1 - y0)
        x0, x1 = min(x0, np.nanmin(xy[:, 0]) - margin), max(x1, np.nanmax(xy[:, 0]) + margin)
        y0, y1 = min(y0, np.nanmin(xy[:, 1]) - margin), max(y1, np.nanmax(xy[:, 1]) + margin)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)
    if new_figure:  # keep the figure's shape that of what is shown
        ax.figure.set_size_inches(width_in, width_in * (y1 - y0) / max(x1 - x0, 1e-9))
    if legend:
        side_legend(ax)
    return ax


# ------------------------------------------------------------ 3-D world
def world_to_plot_axes(world_m) -> np.ndarray:
    """Camera-aligned world coordinates (x right, y down, z away) -> plot axes (right, away, UP).

    Matplotlib's 3-D Axes draw their third axis vertically, so the vertical
    (-y, up) goes there and depth (z) becomes the second axis.
    """
    w = np.asarray(world_m, dtype=float)
    return np.stack([w[..., 0], w[..., 2], -w[..., 1]], axis=-1)


WORLD_VIEWS: Mapping[str, tuple[float, float]] = {
    "oblique": (15.0, -60.0),
    "camera": (0.0, -90.0),
    "side": (0.0, 0.0),
}
"""Viewpoints of :func:`plot_world_pose` as (elevation, azimuth) in degrees: a 3-D view from
the front left, straight from the camera, and straight from the right of the picture."""


def plot_world_pose(
    track,
    frame: int = 0,
    *,
    ax=None,
    title: str | None = None,
    view: str = "oblique",
    faint_below: float | None = FAINT_BELOW_VISIBILITY,
    labels: Iterable[str | int] = (),
):
    """The world landmarks of one frame as a 3-D skeleton, in metres, equal scale on all axes.

    Axes: x to the right of the picture, depth away from the camera, and up
    (MediaPipe's -y). The origin is the midpoint of the hips, marked with a
    black cross: MediaPipe re-centres every frame there. The projection is
    orthographic, so lengths read the same at every depth.

    Parameters
    ----------
    view : {"oblique", "camera", "side"}
        See :data:`WORLD_VIEWS`. ``"camera"`` and ``"side"`` look straight
        along an axis, whose ticks are then hidden.

    Returns the 3-D Axes (created in a new figure when ``ax`` is None).
    """
    if view not in WORLD_VIEWS:
        raise InputError(f"unknown view {view!r}; use one of {', '.join(WORLD_VIEWS)}")
    from matplotlib.colors import to_rgba
    from matplotlib.ticker import MaxNLocator

    row = _row(track, frame)
    world = _points(track.world_m[row], 3, "world_m")
    p = world_to_plot_axes(world)
    if ax is None:
        fig = style.figure(figsize=(5, 5))
        ax = fig.add_subplot(projection="3d")
    strong = _strong(track.visibility[row], faint_below)
    edges, cols, styles = _edge_style(strong, SIDE_COLOURS)
    for (a, b), c, ls in zip(edges, cols, styles):
        if np.isfinite(p[[a, b]]).all():
            colour = c if edge_side((a, b)) != "centre" else to_rgba("dimgrey", c[3])
            ax.plot(*p[[a, b]].T, color=colour, ls=ls, lw=2)
    finite = np.isfinite(p).all(axis=1)
    face = [
        SIDE_COLOURS[side_of(i)] if side_of(i) != "centre" else "dimgrey"
        for i in range(N_LANDMARKS)
    ]
    idx = np.flatnonzero(finite)
    ax.scatter(
        *p[idx].T,
        c=[face[i] for i in idx],
        s=12,
        edgecolors="black",
        linewidths=0.4,
        depthshade=False,
    )
    ax.scatter([0], [0], [0], marker="x", color="black", s=40)
    for lm in labels:
        i = landmark_index(lm)
        if finite[i]:
            ax.text(*p[i], f" {i}", fontsize=8, color="black")
    if idx.size:
        lo, hi = np.nanmin(p[idx], axis=0), np.nanmax(p[idx], axis=0)
        centre, half = (lo + hi) / 2, max(float(np.max(hi - lo)) / 2, 0.1)
        ax.set_xlim(centre[0] - half, centre[0] + half)
        ax.set_ylim(centre[1] - half, centre[1] + half)
        ax.set_zlim(centre[2] - half, centre[2] + half)
    ax.set_box_aspect((1, 1, 1))
    ax.set_proj_type("ortho")  # no perspective: lengths read the same at every depth
    ax.set_xlabel("x (m, right in picture)", fontsize=8)
    ax.set_ylabel("depth (m, away from camera)", fontsize=8)
    ax.set_zlabel("up (m)", fontsize=8)
    ax.tick_params(labelsize=7)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    elev, azim = WORLD_VIEWS[view]
    ax.view_init(elev=elev, azim=azim)
    if view == "camera":  # looking along depth
        ax.set_yticks([])
        ax.set_ylabel("")
    elif view == "side":  # looking along x
        ax.set_xticks([])
        ax.set_xlabel("")
    if title:
        ax.set_title(title, fontsize=9)
    return ax


# ---------------------------------------------------------- confidence
def plot_landmark_confidence(
    tracks, frame: int = 0, *, which: str = "visibility", ax=None, title: str | None = None
):
    """A landmarks x poses table of MediaPipe's visibility or presence, as a heat map with the values written in.

    Parameters
    ----------
    tracks : PoseTrack or mapping of label -> PoseTrack
        One column per track (e.g. one per photo).
    frame : int
        Source frame number in every track (0 for photos).
    which : {"visibility", "presence"}
    """
    if which not in ("visibility", "presence"):
        raise InputError(f"which must be 'visibility' or 'presence', got {which!r}")
    if not isinstance(tracks, Mapping):
        tracks = {Path(tracks.meta.source).stem or "pose": tracks}
    values = np.column_stack([getattr(t, which)[_row(t, frame)] for t in tracks.values()])
    if ax is None:
        _, ax = style.subplots(figsize=(1.2 + 0.9 * values.shape[1], 8))
    ax.imshow(values, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(
                c,
                r,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=6.5,
                color="black" if v > 0.6 else "white",
            )
    ax.set_yticks(
        np.arange(N_LANDMARKS), [f"{i} {n}" for i, n in enumerate(LANDMARK_NAMES)], fontsize=7
    )
    ax.set_xticks(np.arange(values.shape[1]), list(tracks), rotation=30, ha="right", fontsize=7)
    ax.set_title(title if title is not None else which, fontsize=9)
    return ax
