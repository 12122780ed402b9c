"""Angle and height geometry on landmark coordinates (plain arrays, pure functions).

Every function takes points as arrays whose last axis holds the coordinates
(``(..., 3)`` for world landmarks in metres, ``(..., 2)`` for image pixels)
and broadcasts over the leading axes, so the same call gives one angle or a
whole time series. NaN in, NaN out: a missing landmark never becomes a number.

Conventions (those of :class:`formlab.PoseTrack`): world and image axes are the
camera's, x to the right of the picture and y *down*, so "up" is ``-y``.
Angles are in degrees.

* :func:`joint_angle_deg`: the inside angle at a joint (180 = straight limb).
* :func:`angle_from_vertical_deg`: how far a segment leans from straight up
  (0 = upright, 90 = horizontal).
* :func:`height_above`: how far one point is above another along "up".
* :func:`lateral_distance`: the distance between two points measured along a
  body axis (e.g. ankle spread along the hip line).
"""

from __future__ import annotations

import numpy as np

UP = np.array([0.0, -1.0, 0.0])
"""Unit vector pointing up in camera axes (y grows downwards)."""


def _vec(a) -> np.ndarray:
    return np.asarray(a, dtype=float)


def _norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.sum(v * v, axis=-1))


def angle_between_deg(u, v) -> np.ndarray:
    """Angle in degrees (0-180) between vectors ``u`` and ``v`` (last axis), NaN for a zero vector."""
    u, v = _vec(u), _vec(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (_norm(u) * _norm(v))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle_deg(a, b, c) -> np.ndarray:
    """Inside angle at ``b`` of the chain ``a - b - c``, in degrees.

    Parameters
    ----------
    a, b, c : array_like, shape (..., 2) or (..., 3)
        Points, e.g. hip, knee and ankle for the knee angle.

    Returns
    -------
    ndarray, shape (...)
        180 for a straight limb, smaller as the joint bends (a knee at the
        bottom of a deep squat is about 60-80); NaN where a point is missing.

    Notes
    -----
    Use world landmarks (3D, metres) for joint angles: image coordinates
    shrink any angle that is not in the picture plane, so a knee bending
    towards the camera would look straighter than it is.
    """
    b = _vec(b)
    return angle_between_deg(_vec(a) - b, _vec(c) - b)


def angle_from_vertical_deg(lower, upper) -> np.ndarray:
    """Lean of the segment from ``lower`` to ``upper`` away from straight up, in degrees.

    0 is upright (``upper`` directly above ``lower``), 90 horizontal, 180
    upside down. For the trunk (hip midpoint to shoulder midpoint) this is
    the forward/sideways lean of the torso. 3D points only.
    """
    return angle_between_deg(_vec(upper) - _vec(lower), UP)


def height_above(point, reference) -> np.ndarray:
    """How far ``point`` is above ``reference`` (same units), negative if below.

    Works for 3D world points and 2D image points alike: both have y
    pointing down, so the height is ``reference_y - point_y``.
    """
    return _vec(reference)[..., 1] - _vec(point)[..., 1]


def lateral_distance(p, q, axis_from, axis_to) -> np.ndarray:
    """Distance between ``p`` and ``q`` measured along the direction ``axis_from -> axis_to``.

    For example the ankle spread along the hip line
    (``lateral_distance(l_ankle, r_ankle, r_hip, l_hip)``): a jumping jack
    opens it, a step forward (as in a lunge or a run-up) hardly does.
    Absolute value, same units as the points.
    """
    axis = _vec(axis_to) - _vec(axis_from)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = axis / _norm(axis)[..., None]
    return np.abs(np.sum((_vec(p) - _vec(q)) * unit, axis=-1))


def midpoint(*points) -> np.ndarray:
    """Mean of several points (e.g. the left and right hip), NaN if any is missing."""
    return np.mean(np.stack([_vec(p) for p in points]), axis=0)
