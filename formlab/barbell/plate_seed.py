"""Where the plate tracker starts: the clearest rim among the circles near the hands.

The hands are a prior here, not a veto: each candidate's score loses :data:`SEED_HAND_PRIOR` per
plate radius between its rim and the hands (MediaPipe misplaces hands a plate hides).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .rim import fit_rim, outer_rim

if TYPE_CHECKING:
    from .plate import PlateTrackerOptions

SEED_CANDIDATES = 4
"""Hough circles nearest the hands whose rims are fitted while seeding."""

SEED_HAND_PRIOR = 0.1
"""Seed score lost per plate radius between a rim's centre and the hands: the hands are a prior
(a plate's hub is next to them in a side view), not a veto (MediaPipe misplaces hidden hands)."""


def best_seed(rgb, cands: np.ndarray, hands: np.ndarray, o: PlateTrackerOptions, r_hi: float):
    """The seed among Hough circles: the clearest rim, the hands' distance as a prior; and its confidence.

    Each of the circles nearest the hands is refined to its outermost concentric rim (the Hough
    circle may be an inner ring or the hub); the score is the rim's support minus
    :data:`SEED_HAND_PRIOR` per plate radius from the hands. Without any rim, the Hough circle
    nearest the hands. A rim is then widened to the outermost clear ring no larger than ``r_hi``
    (:func:`~formlab.barbell.rim.outer_rim`: a low-contrast outer rim loses to a bright inner ring).
    """
    d = np.linalg.norm(cands[:, :2] - hands, axis=1)
    order = np.argsort(d)[:SEED_CANDIDATES]
    best_score: float | np.floating = -np.inf
    best, best_conf = cands[order[0]], 0.0
    for k in order:
        rim = fit_rim(rgb, cands[k, :2], cands[k, 2], band=(0.6, 1.6))
        if rim is None or rim.support < o.min_rim_support:
            continue
        rim = outer_rim(rgb, rim, r_hi)
        score = (
            rim.support - SEED_HAND_PRIOR * np.linalg.norm(rim.centre_xy_px - hands) / rim.radius_px
        )
        if score > best_score:
            best = np.array([*rim.centre_xy_px, rim.radius_px])
            best_score, best_conf = score, rim.support
    return best, best_conf
