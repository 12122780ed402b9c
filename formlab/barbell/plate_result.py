"""What the plate tracker returns: the plate and the bar end in every frame, with a confidence."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CIRCLE_CONFIDENCE = 0.3
"""Confidence given to a frame where only a Hough circle (no rim fit) placed the plate."""

TEMPLATE_CONFIDENCE = 0.2
"""Confidence given to a frame where only the template of the plate's face placed it."""


@dataclass(frozen=True)
class PlateTrack:
    """Where the plate and the bar end are in every frame of a video.

    Attributes
    ----------
    frame, time_s : ndarray (n,)
        The pose track's frames and times.
    centre_xy_px : ndarray (n, 2)
        Plate centre in image pixels (NaN where not found).
    radius_px : ndarray (n,)
        Plate radius in pixels.
    bar_end_xy_px : ndarray (n, 2)
        The end of the bar (sleeve end when found, else the plate centre).
    how : ndarray of str (n,)
        ``"rim"`` (an ellipse fitted to the rim), ``"circle"`` (a Hough circle only),
        ``"template"`` or ``""`` (not found) for the plate.
    bar_end_how : ndarray of str (n,)
        ``"sleeve"`` (a sleeve-end circle), ``"model"`` (the offset model),
        ``"centre"`` (plate centre) or ``""``.
    info : dict
        Options, the offset model and counts.
    confidence : ndarray (n,)
        Per-frame confidence of the plate position, 0-1: the rim fit's support (fraction of rays
        on the rim) for ``"rim"``, 0.3 for a Hough circle, 0.2 for the template, 0 when not found.
    """

    frame: np.ndarray
    time_s: np.ndarray
    centre_xy_px: np.ndarray
    radius_px: np.ndarray
    bar_end_xy_px: np.ndarray
    how: np.ndarray
    bar_end_how: np.ndarray
    info: dict = field(default_factory=dict)
    confidence: np.ndarray | None = None

    @property
    def found(self) -> np.ndarray:
        """Frames in which the plate was found."""
        return np.isfinite(self.centre_xy_px).all(axis=1)

    def median_radius_px(self) -> float:
        """Median radius of the plate over the frames where it was found, in pixels."""
        r = self.radius_px[np.isfinite(self.radius_px)]
        return float(np.median(r)) if r.size else float("nan")
