"""Every check's measured value over a clip, with its threshold line(s) and its verdict in each frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..exercises import checks_of, thresholds_of
from ..form.check import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN
from ..form.thresholds import FormThresholds
from . import style
from .check_figures import range_text
from .style import INK_COLOUR, REP_COLOUR, STATUS_COLOURS

__all__ = ["plot_feedback_timeline"]


def _status_strip(ax, t: np.ndarray, status: np.ndarray) -> None:
    trans = ax.get_xaxis_transform()
    for s in STATUSES:
        ax.fill_between(
            t,
            0.0,
            0.07,
            where=status == s,
            step="mid",
            color=STATUS_COLOURS[s],
            transform=trans,
            lw=0,
            alpha=0.9 if s != NOT_ASSESSABLE else 0.5,
        )


def plot_feedback_timeline(
    feedback: pd.DataFrame,
    *,
    checks: Sequence[str] | None = None,
    reps=None,
    thresholds: FormThresholds | None = None,
    axes=None,
    time_marker_s: float | None = None,
    width_in: float = 10.0,
    panel_height_in: float = 1.35,
):
    """Every check's measured value over time, with its threshold line(s) and its verdict per frame.

    One panel per check: the measured value (its ``value_column``; faint
    where the check does not judge it), the threshold(s) as dashed red
    lines with the failing side shaded light red, and along the bottom a
    strip of the verdict of each frame (green pass, red fail, amber
    uncertain, grey not assessable). A check judged once per rep (depth, at
    the rep's bottom) has those frames marked with a dot in the verdict's colour.
    The right margin counts the frames of each verdict.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`formlab.evaluate_form`.
    checks : sequence of str, optional
        Default: every check judged in ``feedback``.
    reps : DataFrame or sequence of Rep, optional
        Reps to shade (columns ``start_s``, ``end_s``; or :class:`formlab.reps.Rep` objects).
    thresholds : FormThresholds, optional
        Default: those the feedback was computed with.
    axes : sequence of Axes, optional
        One per check.
    time_marker_s : float, optional
        A vertical line at this time (e.g. the frame shown beside the plot).

    Returns
    -------
    matplotlib.figure.Figure
    """
    judged = {c.name: c for c in checks_of(feedback)}
    th = thresholds if thresholds is not None else thresholds_of(feedback)
    names = list(checks) if checks is not None else list(judged)
    unknown = [n for n in names if n not in judged or n not in feedback]
    if unknown:
        raise InputError(
            f"no check {unknown[0]!r} in the feedback table; it has: {', '.join(judged)}"
        )
    if not names:
        raise InputError("the feedback table has no check columns")
    if axes is None:
        height_in = panel_height_in * len(names) + 0.5
        fig, axes = style.subplots(
            len(names), 1, figsize=(width_in, height_in), sharex=True, squeeze=False
        )
        axes = axes[:, 0]
        # fixed margins in inches (constrained layout would double the drawing time, which matters for widgets)
        fig.subplots_adjust(
            left=0.7 / width_in,
            right=1 - 0.75 / width_in,
            bottom=0.45 / height_in,
            top=1 - 0.25 / height_in,
            hspace=0.32 / panel_height_in * 1.35,
        )
    else:
        axes = list(np.atleast_1d(axes))
        fig = axes[0].figure
    t = feedback["time_s"].to_numpy(dtype=float)
    spans = []
    if reps is not None:
        if isinstance(reps, pd.DataFrame):
            spans = list(zip(reps["start_s"], reps["end_s"]))
        else:
            spans = [(r.start_s, r.end_s) for r in reps]
    for ax, name in zip(axes, names):
        check = judged[name]
        value = feedback[check.value].to_numpy(dtype=float)
        status = feedback[name].astype(str).to_numpy(dtype=object)
        for a, b in spans:
            ax.axvspan(a, b, color=REP_COLOUR, alpha=0.12, lw=0)
        judged_value = np.where(status != NOT_ASSESSABLE, value, np.nan)
        ax.plot(
            t, value, color=INK_COLOUR, lw=1.0, alpha=0.3
        )  # faint where the check does not judge
        ax.plot(t, judged_value, color=INK_COLOUR, lw=1.3)
        lo, hi = check.pass_interval(th.section(name))
        finite = value[np.isfinite(value)]
        bounds = [b for b in (lo, hi) if b is not None]
        span_lo = min([*finite.tolist(), *bounds]) if (finite.size or bounds) else 0.0
        span_hi = max([*finite.tolist(), *bounds]) if (finite.size or bounds) else 1.0
        pad = 0.15 * (span_hi - span_lo or 1.0)
        y0, y1 = span_lo - pad, span_hi + pad
        y0 -= 0.08 * (y1 - y0) / 0.92  # room for the verdict strip
        for bound, failing_below in ((lo, True), (hi, False)):
            if bound is None:
                continue
            ax.axhline(bound, color=STATUS_COLOURS[FAIL], ls="--", lw=1.2)
            ax.axhspan(
                y0 if failing_below else bound,
                bound if failing_below else y1,
                color=STATUS_COLOURS[FAIL],
                alpha=0.1,
                lw=0,
            )
        if check.per_rep == "best":  # judged at one frame per rep: mark those frames
            seen = status != NOT_ASSESSABLE
            for s in (PASS, FAIL, UNCERTAIN):
                m = seen & (status == s)
                ax.plot(t[m], value[m], "o", color=STATUS_COLOURS[s], mec="black", ms=6, zorder=4)
        _status_strip(ax, t, status)
        ax.set_ylim(y0, y1)
        ax.set_ylabel(check.unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.25)
        ax.set_title(
            f"{check.title}  ({check.value}; {range_text(check, th)})", fontsize=8.5, loc="left"
        )
        counts = {s: int(np.sum(status == s)) for s in STATUSES}
        ax.text(
            1.005,
            0.5,
            f"pass {counts[PASS]}\nfail {counts[FAIL]}\nunsure {counts[UNCERTAIN]}\n"
            f"n/a {counts[NOT_ASSESSABLE]}",
            transform=ax.transAxes,
            fontsize=7,
            va="center",
            ha="left",
        )
        if time_marker_s is not None:
            ax.axvline(time_marker_s, color="black", lw=1.0, alpha=0.7)
    axes[-1].set_xlabel("time (s)")
    return fig
