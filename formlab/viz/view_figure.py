"""How the camera view is decided, drawn: the shoulder and hip lines seen from above, with the body's yaw."""

from __future__ import annotations

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from . import style
from .check_figures import _row
from .style import SIDE_COLOURS


# --------------------------------------------------------------------------- camera view
def plot_view_from_above(
    track, frame: int = 0, *, ax=None, thresholds=None, title: str | None = None
):
    """The lifter's shoulder and hip lines seen from above, with the body's yaw and the view it gives.

    The camera is at the bottom of the plot, looking up (its x axis to the
    right, depth upwards); the lifter faces along the arrow. The sectors of
    the view limits (:class:`formlab.form.check.ViewThresholds`) are shaded.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Wedge

    from ..form.view import estimate_view

    row = _row(None, track, frame)
    view = estimate_view(track.select_frames(np.array([row])), thresholds)
    yaw, name = float(view["yaw_deg"].iloc[0]), str(view["view"].iloc[0])
    w = np.asarray(track.world_m[row], dtype=float)
    if ax is None:
        _, ax = style.subplots(figsize=(3.4, 3.4))
    th = thresholds
    if th is None:
        from ..form.settings import ViewThresholds

        th = ViewThresholds()
    # facing direction sectors: yaw 0 = facing the camera (down in this plot)
    r = 0.55
    sectors = [
        (0, th.front_max_yaw_deg, "#2a9d8f", "front"),
        (th.front_max_yaw_deg, th.side_min_yaw_deg, "#e9c46a", "oblique"),
        (th.side_min_yaw_deg, 180 - th.side_min_yaw_deg, "#f4a261", "side"),
        (180 - th.side_min_yaw_deg, 180 - th.front_max_yaw_deg, "#e9c46a", None),
        (180 - th.front_max_yaw_deg, 180, "#adb5bd", "back"),
    ]
    for lo, hi, colour, label in sectors:
        for sign in (1, -1):
            a, b = sorted((-90 + sign * lo, -90 + sign * hi))
            ax.add_patch(
                Wedge(
                    (0, 0),
                    r,
                    a,
                    b,
                    color=colour,
                    alpha=0.25,
                    lw=0,
                    label=label if (sign == 1 and label) else None,
                )
            )
    i = LANDMARK_INDEX
    for part, line_style in (("shoulder", "-"), ("hip", "--")):
        lp, rp = w[i[f"left_{part}"]], w[i[f"right_{part}"]]
        ax.plot(
            [rp[0], lp[0]],
            [rp[2], lp[2]],
            line_style,
            color="0.2",
            lw=2,
            label=f"{part}s (right -> left)",
        )
        ax.plot(lp[0], lp[2], "o", color=SIDE_COLOURS["left"], mec="black", ms=7)
        ax.plot(rp[0], rp[2], "o", color=SIDE_COLOURS["right"], mec="black", ms=7)
    if np.isfinite(yaw):
        facing = np.radians(-90 + yaw)
        ax.annotate(
            "",
            xy=(0.45 * np.cos(facing), 0.45 * np.sin(facing)),
            xytext=(0, 0),
            arrowprops=dict(arrowstyle="-|>", lw=2.2, color="#d62828"),
        )
    ax.annotate("camera", (0, -r * 1.05), ha="center", va="top", fontsize=8)
    ax.set_xlim(-r * 1.1, r * 1.1)
    ax.set_ylim(-r * 1.25, r * 1.1)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m, right in picture)", fontsize=8)
    ax.set_ylabel("depth (m, away from camera)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6.5, loc="upper right", framealpha=0.8)
    ax.set_title(
        title
        if title is not None
        else f"seen from above: yaw {yaw:+.0f}\N{DEGREE SIGN} -> {name} view",
        fontsize=9,
    )
    return ax
