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
"""Candidate centres (:func:`seed_order`) whose rims are fitted while seeding (a rim fit costs
about 0.1 s on a 1280x720 frame)."""

SAME_CENTRE = 0.25
"""Circles whose centres are closer than this many (smaller) radii are one candidate: a plate's
rings and hub give several concentric Hough circles, and one rim fit refines them all to the
same rim."""


def seed_order(cands: np.ndarray, hands: np.ndarray) -> np.ndarray:
    """Indices of ``cands`` (x, y, r), one per centre: concentric groups first, then the rest.

    Of concentric circles (centres within :data:`SAME_CENTRE` radii), the one nearest the hands
    stands for all (the rim fit finds the ring it belongs to). Groups of two or more come first,
    nearest the hands first, then single circles by their distance to the hands: a plate's face
    (its rim, painted rings, lettering band, hub, the sleeve) gives several circles about one
    centre, clutter rarely does. By the hands' distance alone (before issue 16's fourth round)
    ``deadliftAI-bichraix__bad009`` never seeded on its plate: MediaPipe put the hands a plate
    radius above the hub, the four circles nearest them were clutter on the thighs, and the plate
    (three concentric circles, 100 px away) was not fitted; the tracker followed a 40 px circle by
    the knee and the 0.5 s probe found nothing.
    """
    order = np.argsort(np.linalg.norm(cands[:, :2] - hands, axis=1), kind="stable")
    groups: list[list[int]] = []
    for k in order:
        for g in groups:
            j = g[0]
            if np.linalg.norm(cands[k, :2] - cands[j, :2]) < SAME_CENTRE * min(
                cands[k, 2], cands[j, 2]
            ):
                g.append(int(k))
                break
        else:
            groups.append([int(k)])
    ranked = [g for g in groups if len(g) > 1] + [g for g in groups if len(g) == 1]
    return np.asarray([g[0] for g in ranked], dtype=int)


SEED_HAND_PRIOR = 0.1
"""Seed score lost per plate radius between a rim's centre and the hands: the hands are a prior
(a plate's hub is next to them in a side view), not a veto (MediaPipe misplaces hidden hands)."""


def best_seed(rgb, cands: np.ndarray, hands: np.ndarray, o: PlateTrackerOptions, r_hi: float):
    """The seed among Hough circles: the clearest rim, the hands' distance as a prior; and its confidence.

    Each of the first candidate centres (:func:`seed_order`) is refined to its outermost concentric rim (the Hough
    circle may be an inner ring or the hub); the score is the rim's support minus
    :data:`SEED_HAND_PRIOR` per plate radius from the hands. Without any rim, the Hough circle
    nearest the hands. A rim is then widened to the outermost clear ring no larger than ``r_hi``
    (:func:`~formlab.barbell.rim.outer_rim`: a low-contrast outer rim loses to a bright inner ring).
    """
    order = seed_order(cands, hands)[:SEED_CANDIDATES]
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
