"""A low-contrast outer rim is found outside a bright inner ring (formlab.barbell.rim.outer_rim)."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.barbell.rim import fit_rim, outer_rim

CENTRE = (203.4, 196.2)
RIM_PX = 110.0  # the plate's outer radius
INNER = 0.6  # a bright painted ring, as on bumper plates


def dark_plate(outer_contrast: int = 14, seed: int = 0, rim: bool = True) -> np.ndarray:
    """A dark plate on a dark floor (a faint outer rim) with a bright inner ring and hub."""
    import cv2

    rng = np.random.default_rng(seed)
    img = np.full((420, 420, 3), 40, np.uint8)
    s = 16
    c = (round(CENTRE[0] * s), round(CENTRE[1] * s))
    if rim:
        grey = 40 + outer_contrast
        cv2.circle(img, c, round(RIM_PX * s), (grey, grey, grey), -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(INNER * RIM_PX * s), (235, 235, 235), 6, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(0.15 * RIM_PX * s), (180, 180, 180), -1, cv2.LINE_AA, 4)
    return np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_faint_outer_rim_wins_over_the_bright_inner_ring(seed):
    img = dark_plate(seed=seed)
    inner = fit_rim(img, np.array(CENTRE) + 4, INNER * RIM_PX, band=(0.6, 1.6))
    # the plain fit stops at the bright ring: the faint rim's edges are weak beside it
    assert inner is not None and inner.radius_px == pytest.approx(INNER * RIM_PX, rel=0.06)
    found = outer_rim(img, inner, max_radius_px=1.5 * RIM_PX)
    assert found.radius_px == pytest.approx(RIM_PX, rel=0.03)
    assert np.linalg.norm(found.centre_xy_px - CENTRE) < 1.5
    assert found.support >= 0.5


def test_no_ring_outside_keeps_the_rim():
    img = dark_plate(rim=False)
    inner = fit_rim(img, np.array(CENTRE), INNER * RIM_PX, band=(0.6, 1.6))
    assert inner is not None
    assert outer_rim(img, inner, max_radius_px=1.5 * RIM_PX) is inner


def test_a_rim_larger_than_the_body_allows_is_not_taken():
    img = dark_plate()
    inner = fit_rim(img, np.array(CENTRE), INNER * RIM_PX, band=(0.6, 1.6))
    assert outer_rim(img, inner, max_radius_px=0.9 * RIM_PX) is inner
