"""The rim fit: the outermost concentric ring of a drawn plate, its centre and size; nothing on noise."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.barbell import trajectory
from formlab.barbell.plate import PlateTrackerOptions
from formlab.barbell.rim import fit_rim


def drawn_plate(centre=(211.3, 187.6), axes=(70, 64), inner=0.72, seed=0):
    """A blue plate (an ellipse) with a lighter inner ring and a hub, on a cluttered grey background."""
    import cv2

    rng = np.random.default_rng(seed)
    img = np.full((400, 420, 3), 120, np.uint8)
    for _ in range(12):  # clutter: bars and boxes around the plate
        x, y = rng.integers(0, 400, 2)
        cv2.rectangle(
            img, (int(x), int(y)), (int(x) + 40, int(y) + 8), rng.integers(40, 220, 3).tolist(), -1
        )
    s = 16  # sub-pixel centre drawn with cv2's shift
    c = (round(centre[0] * s), round(centre[1] * s))
    cv2.ellipse(img, c, (axes[0] * s, axes[1] * s), 0, 0, 360, (30, 60, 200), -1, cv2.LINE_AA, 4)
    cv2.ellipse(
        img,
        c,
        (int(axes[0] * inner * s), int(axes[1] * inner * s)),
        0,
        0,
        360,
        (90, 130, 230),
        3,
        cv2.LINE_AA,
        4,
    )
    cv2.circle(img, c, 10 * s, (200, 200, 200), -1, cv2.LINE_AA, 4)
    return np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("guess_radius", [50.0, 66.0, 80.0])
def test_rim_fit_takes_the_outermost_ring_not_the_inner_one(guess_radius):
    img = drawn_plate()
    fit = fit_rim(img, np.array([200.0, 195.0]), guess_radius)
    assert fit is not None
    assert np.linalg.norm(fit.centre_xy_px - [211.3, 187.6]) < 1.0
    assert fit.major_px == pytest.approx(140, abs=3)  # the outer rim, not the 0.72 inner ring
    assert fit.minor_px == pytest.approx(128, abs=3)
    # support is counted against the fitted circle, so a 9 % ellipse loses some rays
    assert fit.support > 0.5


def test_rim_fit_finds_nothing_in_noise():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (300, 300, 3)).astype(np.uint8)
    fit = fit_rim(img, np.array([150.0, 150.0]), 60.0)
    # pure noise may give a weak ring, never one the tracker trusts without the hands
    assert fit is None or fit.support < PlateTrackerOptions().min_rim_confidence


def test_jitter_of_a_hand_path_is_its_high_frequency_noise():
    t = np.arange(300) / 30.0
    smooth = np.column_stack([100 + 5 * np.sin(t), 300 + 80 * np.sin(0.8 * t)])
    noise = np.random.default_rng(2).normal(0, 2.0, smooth.shape)
    j = trajectory.jitter_px(smooth + noise, t)
    # white noise of 2 px per axis: about 2.8 px in 2-D, most of it above 3 Hz at 30 fps
    assert 2.0 < j < 3.0
    assert trajectory.jitter_px(smooth, t) < 0.2


def test_runs_without_a_clear_rim_are_dropped_when_another_run_has_one():
    from formlab.barbell.plate_refill import drop_unconfirmed_runs
    from formlab.barbell.rim import RIM_CONFIDENT

    n = 12
    centre = np.tile([100.0, 200.0], (n, 1))
    centre[4:6] = np.nan  # two runs: 0-3 (a wrong lock, never clear) and 6-11 (the plate)
    radius = np.full(n, 30.0)
    how = np.array(["circle"] * 4 + [""] * 2 + ["rim"] * 6, dtype=object)
    conf = np.array([0.3] * 4 + [0.0] * 2 + [0.5, RIM_CONFIDENT + 0.1, 0.5, 0.4, 0.5, 0.5])
    assert drop_unconfirmed_runs(centre, radius, how, conf, RIM_CONFIDENT) == 4
    assert np.isnan(centre[:6]).all() and np.isfinite(centre[6:]).all()
    assert (how[:4] == "").all() and (conf[:4] == 0).all()
    # no run with a clear rim anywhere: nothing to prefer, nothing dropped here (the held check decides)
    conf2 = np.full(n, 0.4)
    centre2 = np.tile([1.0, 2.0], (n, 1))
    assert drop_unconfirmed_runs(centre2, radius.copy(), how.copy(), conf2, RIM_CONFIDENT) == 0
