"""Pictures of the form checks: their geometry on a photo and on the 3-D pose, and the camera view.

Each form check (:mod:`formlab.checks`) compares one measure with a
threshold. These figures show what is measured and where the line is:

* :func:`plot_check_geometry` draws a check's vectors on the photo (or video
  frame): the segments it measures, the horizontal or vertical it measures
  them against, and the measured value with its passing range and verdict;
* :func:`plot_check_body` draws the same on MediaPipe's 3-D world landmarks
  seen from the lifter's side (angles: elbows, head, depth, torso) or from
  the lifter's front (widths: knees, feet), in the lifter's own axes, which
  is where formlab measures them;
* :func:`plot_view_from_above` shows how the camera view is estimated: the
  shoulder and hip lines seen from above, and the body's yaw;
* :func:`formlab.viz.timeline.plot_feedback_timeline` draws every check's
  measured value over a clip (in its own module).

Colours are formlab's one style (:mod:`formlab.viz.style`): the lifter's left
side orange and right side blue; verdicts green, red, amber and grey, as in
the annotated video.

Checks are given as :class:`~formlab.form.check.Check` objects or by name: a
name is looked up among the checks of the feedback table's lift, or of
``exercise`` when there is no table.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..core.frames import row_of
from ..core.landmarks import LANDMARK_INDEX
from ..exercises import get_exercise, thresholds_of
from ..form import report
from ..form.check import (
    Check,
    Geometry,
)
from ..form.thresholds import FormThresholds
from . import style
from .skeleton import draw_skeleton, show_image
from .style import SIDE_COLOURS, STATUS_COLOURS

__all__ = [
    "body_axes",
    "plot_check_body",
    "plot_check_geometry",
    "plot_check_on_photos",
]

_WIDTH_COLOURS = ("#e63946", "#457b9d")  # the measured width, and the width it is compared with
_UNIT_SYMBOL = {"deg": "\N{DEGREE SIGN}", "ratio": ""}


# --------------------------------------------------------------------------- helpers
def _point(points: np.ndarray, name: str) -> np.ndarray:
    if name.endswith("_mid"):
        part = name[:-4]
        return (
            points[LANDMARK_INDEX[f"left_{part}"]] + points[LANDMARK_INDEX[f"right_{part}"]]
        ) / 2
    return points[LANDMARK_INDEX[name]]


def _segments(geometry: Geometry) -> list[tuple[str, str, str]]:
    """(start, end, side) with ``{side}`` expanded; side is "left", "right" or "centre"."""
    out = []
    for a, b in geometry.segments:
        if "{side}" in a:
            out += [(a.format(side=s), b.format(side=s), s) for s in ("left", "right")]
        else:
            out.append((a, b, "centre"))
    return out


def _row(feedback: pd.DataFrame | None, track, frame: int) -> int:
    row = row_of(np.asarray(track.frame), frame)
    if feedback is not None and len(feedback) != track.n_frames:
        raise InputError(
            f"the feedback table has {len(feedback)} rows but the track {track.n_frames} frames"
        )
    return row


def _resolve(check: str | Check, feedback: pd.DataFrame | None, exercise: str | None) -> Check:
    """The Check object of ``check``: itself, or the named check of the feedback's lift (or of ``exercise``)."""
    if isinstance(check, Check):
        return check
    if feedback is not None and feedback.attrs.get("exercise"):
        for c in get_exercise(feedback.attrs["exercise"]).all_checks:
            if c.name == check:
                return c
    lift = get_exercise(
        exercise
        or (feedback.attrs.get("exercise") if feedback is not None else None)
        or "front_squat"
    )
    try:
        return lift.check(str(check))
    except Exception:
        raise InputError(
            f"unknown check {check!r}; {lift.name} has: "
            f"{', '.join(c.name for c in lift.all_checks)}"
        ) from None


def _fmt(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.1f}{_UNIT_SYMBOL.get(unit, '')}" if unit == "deg" else f"{value:.2f}"


def range_text(check: Check, th: FormThresholds) -> str:
    lo, hi = check.pass_interval(th.section(check.name))
    unit = check.unit
    if lo is not None and hi is not None:
        return f"passes from {_fmt(lo, unit)} to {_fmt(hi, unit)}"
    sign = "\N{GREATER-THAN OR EQUAL TO}" if lo is not None else "\N{LESS-THAN OR EQUAL TO}"
    bound = lo if lo is not None else hi
    assert bound is not None  # a check passes on one side of a bound at least
    return f"passes at {sign} {_fmt(bound, unit)}"


def _thresholds(
    feedback: pd.DataFrame | None, thresholds: FormThresholds | None, check: Check
) -> FormThresholds:
    if thresholds is not None:
        return thresholds
    if feedback is not None and feedback.attrs.get("exercise"):
        return thresholds_of(feedback)
    return FormThresholds.for_checks([check])


def _verdict_title(
    check: Check, feedback: pd.DataFrame | None, row: int, th: FormThresholds
) -> tuple[str, str]:
    """Title text and colour: '<title>: <value> -> <verdict>' and the range or the reason."""
    if feedback is None or check.name not in feedback:
        return f"{check.title}\n{range_text(check, th)}", "black"
    # a row, not a frame: the table has one row per check, named by the check
    e = cast(pd.Series, report.explain_frame(feedback, row, [check], th).loc[check.name])
    status = str(e["status"])
    head = f"{check.title}: {_fmt(float(e['value']), check.unit)} -> {status.replace('_', ' ').upper()}"
    detail = range_text(check, th) + (f"; {e['why']}" if e["why"] else "")
    return f"{head}\n{detail}", STATUS_COLOURS.get(status, "black")


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))


def _draw_geometry(
    ax,
    points: np.ndarray,
    check: Check,
    *,
    side_values: dict[str, float] | None,
    y_down: bool,
    used: dict[str, bool],
    scale: float,
) -> None:
    """Arrows for the measured segments, the dashed reference, an arc for the angle and per-side labels."""
    from matplotlib.patches import Arc

    geometry = _geometry(check)
    unit = check.unit
    up = -1.0 if y_down else 1.0
    first_pairs = {geometry.segments[0][0].format(side=s) for s in ("left", "right")} | {
        geometry.segments[0][0]
    }
    label_start = geometry.segments[geometry.label_segment][0]
    label_pairs = {label_start.format(side=s) for s in ("left", "right")} | {label_start}
    is_angle = check.unit == "deg"
    for k, (a, b, side) in enumerate(_segments(geometry)):
        p, q = _point(points, a), _point(points, b)
        if not (np.isfinite(p).all() and np.isfinite(q).all()):
            continue
        colour = SIDE_COLOURS[side] if side != "centre" else _WIDTH_COLOURS[min(k, 1)]
        ok = used.get(side, True)
        alpha = 1.0 if ok else 0.35
        ax.annotate(
            "",
            xy=q,
            xytext=p,
            arrowprops=dict(
                arrowstyle="-|>" if geometry.plane == "sagittal" else "<|-|>",
                lw=2.8,
                color=colour,
                alpha=alpha,
                shrinkA=0,
                shrinkB=0,
                ls="-" if ok else "--",
            ),
            zorder=6,
        )
        if a in first_pairs and geometry.reference is not None:
            length = float(np.hypot(*(q - p)))
            if geometry.reference == "horizontal":
                direction = np.array([np.sign(q[0] - p[0]) or 1.0, 0.0])
            else:
                direction = np.array([0.0, up])
            ref_end = p + direction * length
            ax.plot(
                [p[0], ref_end[0]],
                [p[1], ref_end[1]],
                ls="--",
                color="white" if y_down else "0.3",
                lw=1.6,
                alpha=alpha,
                zorder=5,
            )
            if is_angle:  # (a height has only the level it is measured from)
                a1 = np.degrees(np.arctan2(direction[1], direction[0]))
                a2 = np.degrees(np.arctan2(q[1] - p[1], q[0] - p[0]))
                lo_a, hi_a = sorted((a1, a2))
                if hi_a - lo_a > 180:
                    lo_a, hi_a = hi_a, lo_a + 360
                r = 0.45 * length
                ax.add_patch(
                    Arc(
                        (float(p[0]), float(p[1])),
                        2 * r,
                        2 * r,
                        theta1=lo_a,
                        theta2=hi_a,
                        color="white" if y_down else "0.3",
                        lw=1.4,
                        alpha=alpha,
                        zorder=5,
                    )
                )
        if side_values is not None and side in side_values and a in label_pairs:
            v = side_values[side]
            text = f"{side}: {_fmt(v, unit)}" if np.isfinite(v) else f"{side}: not used"
            dx = (
                8 if side == "left" else -8
            )  # the two sides' labels on opposite sides of their points
            ax.annotate(
                text,
                q,
                xytext=(dx, 10 if side == "left" else -10),
                textcoords="offset points",
                fontsize=8,
                color="black",
                ha="left" if side == "left" else "right",
                va="center",
                bbox=dict(boxstyle="round,pad=0.2", fc=colour, ec="none", alpha=0.85),
                zorder=7,
            )
        elif geometry.plane == "frontal" and side == "centre":
            length = float(np.hypot(*(q - p)))
            label = a.split("_")[1] + "s"
            ax.annotate(
                f"{label}: {length * scale:.2f} m" if scale else label,
                (p + q) / 2,
                xytext=(0, 8 * -up),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="black",
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=colour, alpha=0.85),
                zorder=7,
            )


def _side_values(
    check: Check, feedback: pd.DataFrame | None, row: int
) -> tuple[dict[str, float] | None, dict[str, bool]]:
    if feedback is None or check.side_values is None:
        return None, {}
    values = {
        s: float(feedback[check.side_values.format(side=s)].iloc[row])
        for s in ("left", "right")
        if check.side_values.format(side=s) in feedback
    }
    return values, {s: bool(np.isfinite(v)) for s, v in values.items()}


def _geometry(check: Check) -> Geometry:
    if check.geometry is None:
        raise InputError(f"check {check.name!r} declares no geometry to draw")
    return check.geometry


# --------------------------------------------------------------------------- on the photo
def plot_check_geometry(
    image,
    track,
    check: str | Check,
    feedback: pd.DataFrame | None = None,
    frame: int = 0,
    *,
    ax=None,
    thresholds: FormThresholds | None = None,
    width_in: float = 4.0,
    exercise: str | None = None,
):
    """A check's geometry drawn on the photo (or video frame) its track was computed from.

    The skeleton is drawn thin; the check's segments as thick arrows (the
    lifter's left side orange, right side blue), the horizontal or vertical
    they are measured from dashed, with an arc for the angle. Each side is
    labelled with its own value from ``feedback`` ("not used" for a side the
    check ignores: unseen, or facing away from the camera in a side view). The
    title gives the check's combined value, its passing range and the
    verdict, or why it could not judge.

    Notes
    -----
    Angles are measured in 3-D on the world landmarks, not on the picture: a
    front camera sees an upper arm pointing forward foreshortened, so the
    arrow on the photo may look steeper or flatter than the value says.
    :func:`plot_check_body` shows the 3-D pose from the side.

    Parameters
    ----------
    image : path or RGB array
    track : PoseTrack
    check : str or Check
        The check, or its name among the lift's checks.
    feedback : DataFrame, optional
        From :func:`formlab.evaluate_form` on ``track``.
    frame : int
        Source frame number (0 for a photo).
    thresholds : FormThresholds, optional
        Default: those of ``feedback``.
    exercise : str, optional
        The lift whose check a name means, without ``feedback`` (default: the front squat).

    Returns
    -------
    matplotlib Axes
    """
    chk = _resolve(check, feedback, exercise)
    row = _row(feedback, track, frame)
    th = _thresholds(feedback, thresholds, chk)
    ax = show_image(image, ax=ax, width_in=width_in, title="")
    xy = track.xy_px[row]
    draw_skeleton(ax, xy, visibility=track.visibility[row], linewidth=1.0, marker_size=5)
    side_values, used = _side_values(chk, feedback, row)
    _draw_geometry(ax, xy, chk, side_values=side_values, y_down=True, used=used, scale=0.0)
    text, colour = _verdict_title(chk, feedback, row, th)
    ax.set_title(_wrap(text, 55), fontsize=8.5, color=colour)
    return ax


# --------------------------------------------------------------------------- on the 3-D pose
def body_axes(world_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lifter's own axes in camera coordinates from one frame's world landmarks (33, 3).

    Returns unit vectors ``(left, up, forward)``: ``left`` along the right->left
    shoulder and hip lines, made horizontal; ``up`` straight up (-y, the camera
    is assumed level); ``forward`` horizontal, perpendicular to both, the way
    the lifter faces.
    """
    w = np.asarray(world_m, dtype=float)
    i = LANDMARK_INDEX
    lr = (w[i["left_shoulder"]] - w[i["right_shoulder"]]) + (w[i["left_hip"]] - w[i["right_hip"]])
    lr = np.array([lr[0], 0.0, lr[2]])
    norm = np.linalg.norm(lr)
    if not np.isfinite(norm) or norm == 0:
        raise InputError("no shoulders and hips in this frame: cannot find the lifter's axes")
    left = lr / norm
    up = np.array([0.0, -1.0, 0.0])
    forward = np.cross(left, up)  # camera axes: x right, y down, z away
    return left, up, forward


def plot_check_body(
    track,
    check: str | Check,
    feedback: pd.DataFrame | None = None,
    frame: int = 0,
    *,
    ax=None,
    thresholds: FormThresholds | None = None,
    exercise: str | None = None,
):
    """A check's geometry on the 3-D world landmarks, seen from the lifter's side or front.

    The world landmarks of the frame are projected onto the lifter's own
    sagittal plane (forward and up: where the angles of elbows up, head
    neutral, depth and torso upright lie) or frontal plane (left and up:
    where the widths of knees out and feet width lie), whatever the camera
    angle. Orthographic and in metres, equal scales.

    Parameters and returns as :func:`plot_check_geometry` (no image).

    Notes
    -----
    A segment that also points sideways looks a little steeper in the
    sagittal projection than its 3-D angle; the labels give the measured
    3-D values.
    """
    chk = _resolve(check, feedback, exercise)
    row = _row(feedback, track, frame)
    th = _thresholds(feedback, thresholds, chk)
    world = np.asarray(track.world_m[row], dtype=float)
    left, up, forward = body_axes(world)
    plane = _geometry(chk).plane
    horizontal = (
        forward if plane == "sagittal" else left
    )  # from the front, the lifter's left is on the right
    pts = np.column_stack([world @ horizontal, world @ up])
    if ax is None:
        _, ax = style.subplots(figsize=(3.6, 4.4))
    draw_skeleton(ax, pts, visibility=track.visibility[row], linewidth=1.2, marker_size=7)
    side_values, used = _side_values(chk, feedback, row)
    _draw_geometry(ax, pts, chk, side_values=side_values, y_down=False, used=used, scale=1.0)
    finite = np.isfinite(pts).all(axis=1)
    if finite.any():
        lo, hi = pts[finite].min(axis=0), pts[finite].max(axis=0)
        pad = 0.12 * float(np.max(hi - lo))
        pad_x = 2 * pad  # room for the side labels
        ax.set_xlim(lo[0] - pad_x, hi[0] + pad_x)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    ax.grid(True, alpha=0.3)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("forward (m)" if plane == "sagittal" else "lifter's left (m)", fontsize=8)
    ax.set_ylabel("up (m)", fontsize=8)
    text, colour = _verdict_title(chk, feedback, row, th)
    ax.set_title(
        _wrap(
            (
                "3-D, from the lifter's side\n"
                if plane == "sagittal"
                else "3-D, from the lifter's front\n"
            )
            + text,
            45,
        ),
        fontsize=8,
        color=colour,
    )
    return ax


def plot_check_on_photos(
    check: str | Check,
    photos,
    *,
    body: bool = True,
    height_in: float = 5.0,
    thresholds: FormThresholds | None = None,
):
    """One check on several photos side by side: each photo with the geometry, then (``body``) its 3-D view.

    Parameters
    ----------
    check : str or Check
        The check, or its name among the photos' lift's checks.
    photos : mapping of label -> (image, track, feedback)
        The photo (path or RGB array), its one-frame track and its feedback
        table (:func:`formlab.evaluate_form`).
    body : bool
        Add :func:`plot_check_body` beside each photo.
    height_in : float
        Height of the figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    first_feedback = next(iter(photos.values()))[2]
    name = _resolve(check, first_feedback, None)
    ratios = []
    for _image, track, _ in photos.values():
        w, h = float(track.meta.width_px or 1), float(track.meta.height_px or 1)
        ratios.append(w / h)
        if body:
            ratios.append(0.62)
    fig, axes = style.subplots(
        1,
        len(ratios),
        figsize=(height_in * sum(ratios) * 1.08 + 0.3, height_in),
        width_ratios=ratios,
        squeeze=False,
    )
    axes = list(axes[0])
    for label, (image, track, fb) in photos.items():
        ax = axes.pop(0)
        plot_check_geometry(
            image, track, name, fb, frame=int(track.frame[0]), ax=ax, thresholds=thresholds
        )
        ax.set_title(f"{label}\n" + ax.get_title(), fontsize=8.5, color=ax.title.get_color())
        if body:
            plot_check_body(
                track, name, fb, frame=int(track.frame[0]), ax=axes.pop(0), thresholds=thresholds
            )
    fig.subplots_adjust(left=0.02, right=0.99, top=0.84, bottom=0.08, wspace=0.25)
    return fig
