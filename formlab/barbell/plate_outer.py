"""The plate's true size while its centre is followed on an inner ring.

A bumper plate's face has a bright painted ring inside its rim (the red, white and blue plates of
``deadliftAI-bichraix__good015`` and ``bad009``: white at 0.77 of the rim's radius). The plate
tracker follows the clearest concentric ring (:mod:`formlab.barbell.rim`): its centre is the
plate's, so the bar path is right, but its radius is not the plate's, and a scale made from it
(:func:`formlab.barbell.scale_from_plate`) is as far off (30 % on both clips, before issue 16's
fourth round). Tracking the faint outer rim itself was tried and dropped: its fits are pulled
towards the bright ring (up to 6 px off the reference in ``bad009`` against 2 px on the ring) and
the tracker checked nearly every frame from the inside, 2.5 times the work.

So the size is measured apart from the path. A few times over the clip (:data:`CHECKS`, spread
evenly, in frames whose rim fit is clear) the outermost clear ring around the tracked one is
searched (:func:`formlab.barbell.rim.outer_rim`, with the contrast rule of
:func:`outer_min_contrast`); when most checks find one, at one ratio, every
radius is scaled by that ratio. Otherwise the radii are left as tracked, and ``info`` says so.
"""

from __future__ import annotations

import math

import numpy as np

from .rim import OUTER_MIN_CONTRAST, RimFit, outer_rim

STRONG_SUPPORT, STRONG_MIN_CONTRAST = 0.75, 2.0
"""An outer ring that three quarters of the rays meet needs only 2.0 times the contrast of
:data:`~formlab.barbell.rim.OUTER_MIN_CONTRAST` (3.0): texture gives half the rays at about 1.5
times, not three quarters at 2. Measured (issue 16, round 4): the red outer ring of ``bad009``'s
plates against the floor, the legs and the rack is met by 0.78-0.94 of the rays at 2.7-3.3 times,
so with 3.0 alone the white ring was taken for the rim in most frames."""


def outer_min_contrast(support: float) -> float:
    """The edge contrast an outer ring met by ``support`` of the rays needs (see above)."""
    return STRONG_MIN_CONTRAST if support >= STRONG_SUPPORT else OUTER_MIN_CONTRAST


CHECKS = 8
"""Outer-ring checks over a clip (each about two rim fits): enough for a median that one odd frame
does not move, cheap beside the tracking itself (one fit or more in every frame)."""

MIN_AGREEING = 0.5
"""Fraction of the checks that must find an outer ring for the radii to be scaled: a ring seen
once or twice may be the lifter's leg or the far plate's edge behind the near one."""

RATIO_SPREAD = 0.03
"""Largest robust spread (MAD-based SD over the median) of the outer ring's ratio to the tracked
one: the same ring on the same plate keeps its ratio to within a few percent (perspective is
common to both)."""


class OuterRimChecks:
    """Collects outer-ring checks during tracking; :meth:`ratio` decides at the end.

    Parameters
    ----------
    duration_s : float
        The clip's length (the checks are spread over it).
    max_radius_px : float
        The largest plate radius the body allows (the seed's upper bound).
    """

    def __init__(self, duration_s: float, max_radius_px: float) -> None:
        self.every_s = max(duration_s, 0.0) / CHECKS
        self.max_radius_px = float(max_radius_px)
        self.next_t = -math.inf
        self.ratios: list[float] = []

    def due(self, t: float) -> bool:
        """Whether a check is due at time ``t`` (at most :data:`CHECKS` of them)."""
        return t >= self.next_t and len(self.ratios) < CHECKS

    def check(self, rgb: np.ndarray, t: float, centre_xy: np.ndarray, radius_px: float) -> None:
        """Look for a clear ring outside the tracked one (ratio 1.0 when there is none)."""
        self.next_t = t + self.every_s
        c = np.asarray(centre_xy, float)
        tracked = RimFit(c, 2.0 * radius_px, 2.0 * radius_px, 1.0, 0.0)
        ring = outer_rim(rgb, tracked, self.max_radius_px, 0.1, outer_min_contrast)
        self.ratios.append(ring.radius_px / radius_px if ring is not tracked else 1.0)

    def ratio(self) -> tuple[float, dict]:
        """The factor from the tracked ring to the plate's rim (1.0 if not found), and a summary."""
        r = np.asarray(self.ratios, float)
        wider = r[r > 1.0]
        info: dict = {"checks": int(r.size), "outer_found": int(wider.size), "ratio": 1.0}
        if r.size == 0 or wider.size < MIN_AGREEING * r.size:
            return 1.0, info
        med = float(np.median(wider))
        spread = 1.4826 * float(np.median(np.abs(wider - med))) / med
        info["spread"] = spread
        if spread > RATIO_SPREAD:
            return 1.0, info
        info["ratio"] = med
        return med, info
