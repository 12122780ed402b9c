"""Angle and height geometry on constructed points."""

import numpy as np
import pytest

from formlab.core.geometry import (
    angle_between_deg,
    angle_from_vertical_deg,
    height_above,
    joint_angle_deg,
    lateral_distance,
    midpoint,
)


def test_joint_angle_right_straight_and_folded():
    hip, knee = np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.45, 0.0])
    assert joint_angle_deg(hip, knee, [0.0, 0.9, 0.0]) == pytest.approx(180.0)
    assert joint_angle_deg(hip, knee, [0.45, 0.45, 0.0]) == pytest.approx(90.0)
    assert joint_angle_deg(hip, knee, [0.0, 0.0, 0.1]) == pytest.approx(
        np.degrees(np.arctan2(0.1, 0.45))
    )


def test_joint_angle_is_3d_and_broadcasts_over_time():
    t = np.linspace(0, np.pi, 7)
    a = np.zeros((7, 3)) + [1.0, 0, 0]
    c = np.stack(
        [np.cos(t), np.zeros(7), np.sin(t)], axis=1
    )  # rotating in the x-z plane (towards the camera)
    np.testing.assert_allclose(joint_angle_deg(a, np.zeros(3), c), np.degrees(t), atol=1e-9)


def test_missing_points_give_nan_not_numbers():
    nan = np.full(3, np.nan)
    assert np.isnan(joint_angle_deg(nan, np.zeros(3), [1.0, 0, 0]))
    assert np.isnan(joint_angle_deg([1.0, 0, 0], np.zeros(3), np.zeros(3)))  # zero-length segment
    assert np.isnan(height_above(nan, np.zeros(3)))
    assert np.isnan(midpoint(nan, np.zeros(3))).all()


def test_vertical_lean_and_height_use_y_down():
    hip = np.zeros(3)
    assert angle_from_vertical_deg(hip, [0.0, -0.5, 0.0]) == pytest.approx(
        0.0
    )  # shoulder straight above
    assert angle_from_vertical_deg(hip, [0.5, 0.0, 0.0]) == pytest.approx(90.0)  # lying
    assert angle_from_vertical_deg(hip, [0.0, -0.5, 0.5]) == pytest.approx(45.0)
    assert height_above([0.0, -0.3, 0.0], [0.0, 0.6, 0.0]) == pytest.approx(0.9)
    assert height_above([10.0, 100.0], [10.0, 400.0]) == pytest.approx(300.0)  # image pixels too
    assert angle_between_deg([1.0, 0.0], [0.0, 2.0]) == pytest.approx(90.0)


def test_lateral_distance_ignores_spread_across_the_axis():
    r_hip, l_hip = np.array([-0.1, 0.0, 0.0]), np.array([0.1, 0.0, 0.0])
    assert lateral_distance([0.3, 0.9, 0.0], [-0.3, 0.9, 0.0], r_hip, l_hip) == pytest.approx(
        0.6
    )  # feet apart
    assert lateral_distance([0.1, 0.9, 0.4], [-0.1, 0.9, -0.4], r_hip, l_hip) == pytest.approx(
        0.2
    )  # a stride
