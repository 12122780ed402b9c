"""Generic geometry on landmark coordinates: joint angles.

Functions take plain arrays whose last axis holds the coordinates (2 for
image pixels, 3 for world metres) and broadcast over any leading axes
(frames, landmarks). NaN in, NaN out: a frame without a pose gives NaN, never
an exception or a made-up number.
"""

from __future__ import annotations

import numpy as np


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC at vertex ``b`` between the segments b->a and b->c, in degrees.

    Parameters
    ----------
    a, b, c : array_like, shape (..., D)
        Points (e.g. hip, knee, ankle), D = 2 or 3.

    Returns
    -------
    ndarray, shape (...)
        The angle in [0, 180] degrees: 180 for a straight limb, smaller when
        bent. NaN where any point is NaN or a segment has zero length.

    Notes
    -----
    Computed with ``arctan2(|u x v|, u . v)``, which stays accurate near 0 and
    180 degrees where ``arccos`` of the normalised dot product loses precision.
    """
    a, b, c = (np.asarray(p, dtype=float) for p in (a, b, c))
    u = a - b
    v = c - b
    dot = np.sum(u * v, axis=-1)
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    with np.errstate(invalid="ignore"):
        angle = np.degrees(np.arctan2(cross, dot))
        degenerate = (np.linalg.norm(u, axis=-1) == 0) | (np.linalg.norm(v, axis=-1) == 0)
    return np.where(degenerate, np.nan, angle)
