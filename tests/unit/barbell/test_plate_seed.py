"""Seeding looks past clutter near the hands (formlab.barbell.plate_seed)."""

from __future__ import annotations

import numpy as np

from formlab.barbell.plate import PlateTrackerOptions
from formlab.barbell.plate_seed import SEED_CANDIDATES, best_seed, seed_order

CENTRE = np.array([210.3, 300.6])
RIM_PX = 80.0
HANDS = CENTRE - [0.0, RIM_PX]  # MediaPipe's hands a plate radius above the hub (a hidden grip)


def ringed_plate(seed: int = 0) -> np.ndarray:
    """A red plate with a white ring and a dark hub on a grey background, light noise."""
    import cv2

    rng = np.random.default_rng(seed)
    img = np.full((480, 420, 3), 90, np.uint8)
    s = 16
    c = (round(CENTRE[0] * s), round(CENTRE[1] * s))
    cv2.circle(img, c, round(RIM_PX * s), (200, 30, 30), -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(0.75 * RIM_PX * s), (235, 235, 235), -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(0.6 * RIM_PX * s), (30, 40, 160), -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(0.12 * RIM_PX * s), (20, 20, 20), -1, cv2.LINE_AA, 4)
    return np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)


def candidates() -> np.ndarray:
    """Hough-like circles: clutter nearest the hands, then the plate's three concentric rings."""
    clutter = [
        [HANDS[0] + dx, HANDS[1] + dy, 30.0]
        for dx, dy in ((-25, -10), (20, -30), (-40, 25), (35, 15), (0, -45), (-10, 40))
    ]
    plate = [[*(CENTRE + off), r] for off, r in (((2, -1), 45.0), ((-1, 2), 60.0), ((1, 1), 79.0))]
    return np.array(clutter + plate)


def test_concentric_circles_count_as_one_centre_and_come_first():
    got = seed_order(candidates(), HANDS)
    assert len(got) == 7  # six clutter circles, and the plate's three rings as one
    assert got[0] >= 6  # the plate's group, though all the clutter is nearer the hands
    clutter_by_distance = np.argsort(np.linalg.norm(candidates()[:6, :2] - HANDS, axis=1))
    assert list(got[1:]) == list(
        clutter_by_distance
    )  # then single circles, nearest the hands first


def test_the_plate_is_fitted_behind_more_clutter_than_candidates_fitted():
    cands = candidates()
    assert SEED_CANDIDATES < 6  # more clutter near the hands than rims fitted
    o = PlateTrackerOptions()
    for seed in (0, 1):
        best, conf = best_seed(ringed_plate(seed), cands, HANDS, o, r_hi=1.4 * RIM_PX)
        assert np.linalg.norm(best[:2] - CENTRE) < 1.5
        assert conf >= 0.6
