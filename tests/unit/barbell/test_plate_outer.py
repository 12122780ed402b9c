"""The plate's size when its centre is followed on a bright inner ring (formlab.barbell.plate_outer)."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.barbell.plate_outer import CHECKS, OuterRimChecks
from formlab.barbell.rim import RimFit, outer_rim

CENTRE = np.array([203.4, 196.2])
RIM_PX = 100.0
INNER = 0.77  # a white painted ring inside a red rim, as on bad009's plates


def painted_plate(rim_contrast: float, seed: int) -> np.ndarray:
    """A reddish rim a little off a textured grey background, a bright white ring inside it."""
    import cv2

    rng = np.random.default_rng(seed)
    tex = cv2.GaussianBlur(rng.normal(0, 30, (420, 420)).astype(np.float32), (0, 0), 1.5)
    img = np.full((420, 420, 3), 90, np.float32) + tex[..., None]
    s = 16
    c = (round(CENTRE[0] * s), round(CENTRE[1] * s))
    mask = np.zeros((420, 420), np.uint8)
    cv2.circle(mask, c, round(RIM_PX * s), 255, -1, cv2.LINE_AA, 4)
    a = (mask.astype(np.float32) / 255)[..., None]
    red = np.array([90 + rim_contrast, 90 - rim_contrast, 90 - rim_contrast], np.float32)
    img = np.clip(img * (1 - a) + a * (red + 0.2 * tex[..., None]), 0, 255).astype(np.uint8)
    cv2.circle(img, c, round(INNER * RIM_PX * s), (240, 240, 240), -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, round(0.6 * RIM_PX * s), (40, 40, 160), -1, cv2.LINE_AA, 4)
    return img


def checked(rim_contrast: float) -> tuple[float, dict]:
    checks = OuterRimChecks(duration_s=4.0, max_radius_px=1.5 * RIM_PX)
    for k in range(2 * CHECKS):
        t = 0.25 * k
        if checks.due(t):
            checks.check(painted_plate(rim_contrast, seed=k), t, CENTRE, INNER * RIM_PX)
    return checks.ratio()


def test_a_faint_rim_outside_the_followed_ring_gives_the_plate_its_size():
    tracked = RimFit(CENTRE, 2 * INNER * RIM_PX, 2 * INNER * RIM_PX, 1.0, 0.0)
    # the seed's rule (3 times the neighbourhood's edges) keeps the white ring on this plate
    assert outer_rim(painted_plate(8, 0), tracked, 1.5 * RIM_PX, 0.1) is tracked
    ratio, info = checked(rim_contrast=8)
    assert info["checks"] == CHECKS
    assert ratio == pytest.approx(1 / INNER, rel=0.02)


def test_texture_alone_leaves_the_radius_as_tracked():
    ratio, info = checked(rim_contrast=0)
    assert ratio == 1.0
    assert info["outer_found"] < CHECKS / 2
