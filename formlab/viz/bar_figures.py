"""Figures of the bar (or load) path and of the rep detection.

Bar path: position over time with the reps marked, and the sagittal path per rep.

The article's "Barbell position in time" plots the wrist midpoint as X, -Y and
Z in raw pixels, unsmoothed, with no reps marked. :func:`plot_bar_position`
draws the same three coordinates the way a coach can read them: in metres,
smoothed (the raw trace faint behind), each rep shaded from start to end with
its turning point marked, and Z labelled for what it is (relative to the hips,
less reliable). :func:`plot_bar_path` draws the bar path in the sagittal
plane (horizontal against vertical, equal scales) one rep at a time.
:func:`plot_article_bar_position` redraws the article's figure as it was made
(raw pixels, frame numbers), for comparison. :func:`plot_rep_detection`
shows how :func:`formlab.reps.find_reps` read the reps off its signal: the
raw and smoothed signal, each rep from start to end, and every candidate
turning point it rejected, with the reason.

All functions work with any Matplotlib backend (Agg included), draw into
given axes when passed, and return the figure; nothing is shown or saved
here (:func:`formlab.viz.style.save_figure` writes a figure atomically).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..reps.detection import Rep
from . import style
from .style import REP_COLOUR, TURN_COLOUR

X_DIRECTION = "+ = to the right in the picture"
"""Sign of the bar's X (:class:`formlab.barbell.BarPath` ``x_m``): image right, whichever way the
lifter faces, so + is the lifter's front only when the lifter faces the picture's right."""

TURN_LABEL = "rep's turning point"
"""Default legend name of a rep's turning point (see :func:`turning_point_label` for a precise one)."""


def turning_point_label(detection) -> str:
    """What a rep's turning point is, in words, for figure legends.

    The turning point is the extreme of the signal the reps were counted on
    (for squats the hip height, not the bar), so the legend says which one:
    e.g. "rep's turning point (lowest hip height)".

    Parameters
    ----------
    detection : RepDetection
        From :func:`formlab.reps.detect_reps` or :func:`formlab.reps.find_reps`.
    """
    extreme = "lowest" if detection.turning_point == "bottom" else "highest"
    name = str(detection.signal_name)
    name = name[:-2] if name.endswith("_m") else name
    return f"{TURN_LABEL} ({extreme} {name.replace('_', ' ')})"


def _reps_spans(ax, reps: Sequence[Rep], label: bool = True, turn_label: str = TURN_LABEL) -> None:
    for k, r in enumerate(reps):
        ax.axvspan(
            r.start_s,
            r.end_s,
            color=REP_COLOUR,
            alpha=0.18,
            lw=0,
            label="rep (start to end)" if (label and k == 0) else None,
        )
        ax.axvline(
            r.turn_s,
            color=TURN_COLOUR,
            lw=1.0,
            ls="--",
            label=turn_label if (label and k == 0) else None,
        )


def plot_bar_position(
    time_s: npt.ArrayLike,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    z_m: npt.ArrayLike | None = None,
    *,
    reps: Sequence[Rep] = (),
    raw: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike | None] | None = None,
    title: str = "Barbell position in time",
    turn_label: str = TURN_LABEL,
    axes=None,
):
    """Bar X, Y (and Z) over time, in metres, with the reps marked.

    Parameters
    ----------
    time_s : array_like, shape (n,)
    x_m, y_m : array_like, shape (n,)
        Smoothed horizontal (+ = to the right in the picture) and vertical
        (up positive) bar position in metres, as in :class:`formlab.barbell.BarPath`.
    z_m : array_like, shape (n,), optional
        Depth relative to the hips (metres, from world landmarks, + = farther
        from the camera); drawn in its own panel, labelled as relative.
    reps : sequence of Rep
        Shaded from start to end, turning point dashed.
    raw : (x, y, z) arrays, optional
        The unsmoothed coordinates, drawn faint behind the smoothed ones.
    title : str
    turn_label : str
        Legend name of the dashed lines; :func:`turning_point_label` says
        which signal's extreme they are (for squats the hips', not the bar's).
    axes : sequence of Axes, optional
        One per panel (2, or 3 with ``z_m``); created if not given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = np.asarray(time_s, dtype=float)
    # (panel title, values, y-axis label): the labels carry the unit and the sign
    series = [
        (f"X (horizontal, {X_DIRECTION})", x_m, "X (m, + = image right)"),
        ("Y (vertical, + = up)", y_m, "Y (m, + = up)"),
    ]
    if z_m is not None:
        series.append(
            (
                "Z (depth relative to the hips, + = away from the camera; less reliable)",
                z_m,
                "Z (m, + = away)",
            )
        )
    if axes is None:
        fig, axes = style.subplots(
            len(series),
            1,
            figsize=(10, 2.3 * len(series) + 0.6),
            sharex=True,
            constrained_layout=True,
        )
    else:
        fig = axes[0].figure
    axes = list(np.atleast_1d(axes))
    colours = ("#1d3557", "#2a9d8f", "#7b2cbf")
    for k, (ax, (name, values, ylabel)) in enumerate(zip(axes, series)):
        if raw is not None and k < len(raw) and raw[k] is not None:
            ax.plot(
                t,
                np.asarray(raw[k], dtype=float),
                color=colours[k],
                alpha=0.25,
                lw=0.8,
                label="raw",
            )
        ax.plot(
            t,
            np.asarray(values, dtype=float),
            color=colours[k],
            lw=1.6,
            label="smoothed",
            ls="--" if "relative" in name else "-",
        )
        _reps_spans(ax, reps, label=(k == 0), turn_label=turn_label)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.set_title(name, fontsize=9, loc="left")
        ax.grid(True, alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8, ncol=4)
    axes[-1].set_xlabel("time (s)")
    fig.suptitle(f"{title}: {len(reps)} rep{'s' if len(reps) != 1 else ''}")
    return fig


def plot_bar_path(
    time_s: npt.ArrayLike,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    reps: Sequence[Rep],
    *,
    frame: npt.ArrayLike | None = None,
    title: str = "Bar path per rep (sagittal plane)",
    turn_label: str = TURN_LABEL,
    ax=None,
):
    """The bar path of each rep in the picture plane, relative to where the rep started, in centimetres.

    Each rep is one coloured line from its start to its end; a circle marks
    the bar at the rep's start and a cross the bar at the rep's turning point
    (the frame where the rep signal turns: for squats the lowest hip, which
    need not be the bar's lowest point). Both axes are in centimetres with
    equal scales, so a vertical bar path looks vertical and a drift of 5 cm
    looks like 5 cm; + is to the right in the picture.

    Parameters
    ----------
    time_s, x_m, y_m : array_like, shape (n,)
        Bar position (metres, y up) at each sample.
    reps : sequence of Rep
    frame : array_like of int, optional
        Frame index of each sample (default ``0..n-1``), to locate the reps.
    title : str
    turn_label : str
        What the turning point is, named in the legend (:func:`turning_point_label`).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    f = np.arange(x.size) if frame is None else np.asarray(frame)
    if ax is None:
        fig, ax = style.subplots(figsize=(6, 6.5), constrained_layout=True)
    else:
        fig = ax.figure
    cmap = matplotlib.colormaps["viridis"]
    half_width_cm, y_lo, y_hi = 10.0, -5.0, 5.0
    for k, r in enumerate(reps):
        i0, it, i1 = (
            int(np.searchsorted(f, v)) for v in (r.start_frame, r.turn_frame, r.end_frame)
        )
        seg = slice(i0, i1 + 1)
        x0 = x[i0] if np.isfinite(x[i0]) else np.nanmean(x[seg])
        y0 = y[i0] if np.isfinite(y[i0]) else np.nanmean(y[seg])
        dx, dy = 100 * (x[seg] - x0), 100 * (y[seg] - y0)
        if np.isfinite(dx).any() and np.isfinite(dy).any():
            half_width_cm = max(half_width_cm, float(np.nanmax(np.abs(dx))) * 1.15)
            y_lo, y_hi = min(y_lo, float(np.nanmin(dy))), max(y_hi, float(np.nanmax(dy)))
        colour = cmap(0.85 * k / max(1, len(reps) - 1)) if len(reps) > 1 else cmap(0.3)
        ax.plot(dx, dy, color=colour, lw=1.6, label=f"rep {r.number}")
        ax.plot(0.0, 0.0, "o", color=colour, ms=5)
        ax.plot(100 * (x[it] - x0), 100 * (y[it] - y0), "x", color=colour, ms=9, mew=2)
    ax.set_xlabel("horizontal, from the rep's start (cm, + = image right)")
    ax.set_ylabel("vertical, from the rep's start (cm, + = up)")
    pad = 0.08 * (y_hi - y_lo)
    ax.set_xlim(-half_width_cm, half_width_cm)
    ax.set_ylim(y_lo - pad, y_hi + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.grid(True, alpha=0.3)
    if reps:
        from matplotlib.lines import Line2D

        handles, _ = ax.get_legend_handles_labels()
        handles += [
            Line2D(
                [], [], ls="none", marker="o", color="0.3", ms=5, label="bar at the rep's start"
            ),
            Line2D(
                [],
                [],
                ls="none",
                marker="x",
                color="0.3",
                ms=8,
                mew=2,
                label=f"bar at the {turn_label}",
            ),
        ]
        # below the plot: a narrow path leaves no room for long marker names inside
        ax.legend(
            handles=handles,
            fontsize=8,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09),
            ncol=1,
            frameon=False,
        )
    else:
        ax.text(0.5, 0.5, "no reps found", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title, fontsize=10)
    return fig


def plot_article_bar_position(track, *, ax=None, title: str = "Barbell position in time"):
    """The article's figure: the wrist midpoint's x, -y and z in raw pixels against the frame number.

    As the article draws it: no smoothing, no units beyond pixels, the image
    y flipped so that up is up, and MediaPipe's relative depth z scaled by
    the picture's width (its normalised units) to pixels. Frames without a
    pose are gaps.

    Parameters
    ----------
    track : PoseTrack
        The raw (uncleaned) track, as the article used it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..core.landmarks import LANDMARK_INDEX

    wrists = [LANDMARK_INDEX["left_wrist"], LANDMARK_INDEX["right_wrist"]]
    x_px = np.mean(track.xy_px[:, wrists, 0], axis=1)
    y_px = np.mean(track.xy_px[:, wrists, 1], axis=1)
    z_px = np.mean(track.z[:, wrists], axis=1) * float(track.meta.width_px or 1)
    if ax is None:
        fig, ax = style.subplots(figsize=(6.4, 4.8))
    else:
        fig = ax.figure
    f = np.asarray(track.frame)
    ax.plot(f, z_px, label="z", color="#1f77b4")
    ax.plot(f, -y_px, label="y", color="#ff7f0e")
    ax.plot(f, x_px, label="x", color="#2ca02c")
    ax.legend()
    ax.set_title(title)
    return fig


_SHORT_REASONS = (
    ("the clip starts", "clip starts in it"),
    ("the clip ends", "clip ends first"),
    ("pose check", "pose check"),
    ("too shallow", "too shallow"),
    ("too brief", "too brief"),
    ("within", "near a deeper rep"),
    ("does not look", "wrong movement"),
)


def _short_reason(reason: str) -> str:
    return next((short for start, short in _SHORT_REASONS if reason.startswith(start)), reason[:20])


def plot_rep_detection(
    detection,
    *,
    ax=None,
    title: str | None = None,
    rejected: bool = True,
    time_marker_s: float | None = None,
):
    """The rep signal with the reps found on it and the candidates that were not reps.

    Parameters
    ----------
    detection : RepDetection
        From :func:`formlab.reps.detect_reps` or :func:`formlab.reps.find_reps`.
    ax : Axes, optional
    title : str, optional
        Default: the detection's one-line description.
    rejected : bool
        Mark the rejected candidate turning points (grey crosses, with a short reason).
    time_marker_s : float, optional
        Draw a vertical line at this time (e.g. the frame shown beside the plot).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The depth a turning point needed (``detection.threshold``: the larger of
    ``min_prominence_frac`` times the movement's range and
    ``min_prominence_m``) is drawn as a bar beside each rep's turning point,
    so a rep that barely passes shows it.
    """
    if ax is None:
        fig, ax = style.subplots(figsize=(10, 3.2))
        fig.subplots_adjust(
            left=0.08, right=0.98, bottom=0.16, top=0.9
        )  # fixed: quicker than a layout engine
    else:
        fig = ax.figure
    d = detection
    t = np.asarray(d.time_s, dtype=float)
    ax.plot(t, d.signal, color="#1d3557", alpha=0.3, lw=0.8, label="signal")
    ax.plot(
        t,
        d.smoothed,
        color="#1d3557",
        lw=1.6,
        label=f"smoothed ({d.params.cutoff_hz:g} Hz low-pass)",
    )
    _reps_spans(ax, d.reps)
    sign = -1.0 if d.turning_point == "bottom" else 1.0
    beside = (
        0.012 * (t[-1] - t[0]) if t.size > 1 else 0.0
    )  # the depth bar just left of the turning point
    for k, r in enumerate(d.reps):
        i = int(np.searchsorted(d.frame, r.turn_frame))
        y = d.smoothed[i]
        ax.plot(t[i], y, "o", color=TURN_COLOUR, ms=6, zorder=4)
        ax.annotate(
            f"rep {r.number}",
            (t[i], y),
            xytext=(5, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8,
            color=TURN_COLOUR,
            fontweight="bold",
        )
        ax.plot(
            [t[i] - beside] * 2,
            [y, y - sign * d.threshold],
            color=TURN_COLOUR,
            lw=3,
            alpha=0.45,
            solid_capstyle="butt",
            label="depth needed" if k == 0 else None,
        )
    if rejected and d.rejected:
        for k, rej in enumerate(d.rejected):
            i = int(np.searchsorted(d.frame, rej["frame"]))
            i = min(i, len(t) - 1)
            y = d.smoothed[i] if np.isfinite(d.smoothed[i]) else np.nanmean(d.smoothed)
            ax.plot(
                t[i],
                y,
                "x",
                color="0.45",
                ms=7,
                mew=1.5,
                label="rejected candidate" if k == 0 else None,
            )
            near_end = t[i] > t[0] + 0.85 * (t[-1] - t[0])
            ax.annotate(
                _short_reason(str(rej["reason"])),
                (t[i], y),
                xytext=(-4 if near_end else 4, 4 * -sign),
                textcoords="offset points",
                fontsize=7,
                color="0.35",
                ha="right" if near_end else "left",
                va="bottom" if sign < 0 else "top",
            )
    if time_marker_s is not None:
        ax.axvline(time_marker_s, color="black", lw=1.0, alpha=0.7)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(d.signal_name)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left" if d.turning_point == "bottom" else "upper left", fontsize=7, ncol=2)
    ax.set_title(
        title
        if title is not None
        else f"{d.describe()}; needed depth {d.threshold:.3g} (range {d.range:.3g}, "
        f"prominence {d.params.min_prominence_frac:g})",
        fontsize=9,
    )
    return fig
