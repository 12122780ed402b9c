"""Circles voted for by the edges along a rim fit's rays (:mod:`formlab.barbell.rim`).

The arithmetic of the rim fit's RANSAC: the circle through three edges, each circle's support
(the rays with an edge on it), its least-squares refinement on its own edges. It runs for
thousands of circles per frame and for each outline the fit tries, so it works on all circles at
once: the edges are laid out by ray (:func:`ray_table`, at most ``MAX_PEAKS_PER_RAY`` a ray) and
each per-ray step is one array operation instead of a scatter or a sort per circle (the plate
tracker was 2.5 times slower once the fit tried five outlines, issue 16).
"""

from __future__ import annotations

import math

import numpy as np

N_RAYS = 96
"""Rays cast per fit (every 3.75 degrees): enough rays for a robust vote with a quarter hidden."""

MAX_PEAKS_PER_RAY = 4
"""Edges kept per ray, the strongest: the rim, an inner ring or two, and one from the background."""


def circle_through(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Circles through point triples p (m, 3, 2): centres (m, 2) and radii (m,) (NaN if collinear)."""
    a, b, c = p[:, 0], p[:, 1], p[:, 2]
    d = 2 * (
        a[:, 0] * (b[:, 1] - c[:, 1])
        + b[:, 0] * (c[:, 1] - a[:, 1])
        + c[:, 0] * (a[:, 1] - b[:, 1])
    )
    d = np.where(np.abs(d) < 1e-9, np.nan, d)
    sa, sb, sc = (a**2).sum(1), (b**2).sum(1), (c**2).sum(1)
    ux = (sa * (b[:, 1] - c[:, 1]) + sb * (c[:, 1] - a[:, 1]) + sc * (a[:, 1] - b[:, 1])) / d
    uy = (sa * (c[:, 0] - b[:, 0]) + sb * (a[:, 0] - c[:, 0]) + sc * (b[:, 0] - a[:, 0])) / d
    centre = np.column_stack([ux, uy])
    return centre, np.linalg.norm(a - centre, axis=1)


def ray_table(ray: np.ndarray) -> np.ndarray:
    """Edge indices by ray, (N_RAYS, MAX_PEAKS_PER_RAY), -1 where a ray has fewer edges.

    The edges of :func:`_ray_peaks` come sorted by ray; laid out in this table, what is done per
    ray (the strongest edge on a circle, the closest one to it) is one array operation for all
    circles at once instead of a scatter or a sort per circle.
    """
    n = len(ray)
    first = np.searchsorted(ray, ray)
    table = np.full((N_RAYS, MAX_PEAKS_PER_RAY), -1)
    table[ray, np.arange(n) - first] = np.arange(n)
    return table


def score_circles(pts, ray, strength, centres, rads, tolerance, table=None):
    """Strength-weighted fraction of rays with an edge on each circle; distances; on-circle mask."""
    # |distance - radius|, computed in place: the largest arrays of the fit (circles x edges)
    dist = centres[:, :1] - pts[..., 0]  # pts: (edges, 2), or (circles, edges, 2) each its own
    dist *= dist
    dy = centres[:, 1:] - pts[..., 1]
    dy *= dy
    dist += dy
    np.sqrt(dist, out=dist)
    dist -= rads[:, None]
    np.abs(dist, out=dist)
    on = dist <= tolerance * rads[:, None] + 0.5
    if table is None:
        table = ray_table(ray)
    # each ray's strongest edge on the circle (0 where none; a column of zeros pads the table)
    w = np.zeros((len(rads), pts.shape[-2] + 1), np.float64)
    np.multiply(on, strength, out=w[:, :-1])
    support = w[:, table].max(axis=2)
    return support.sum(axis=1) / N_RAYS, dist, on


def refine_circles(pts, dist, on, table, c_work):
    """Least-squares circles through each circle's edges (the closest on each ray): centres, radii.

    The same as :func:`closest_per_ray` then :func:`lsq_circle` for each circle, for all circles
    at once (the normal equations of the Kasa fit, about ``c_work`` for conditioning); NaN where a
    circle has fewer than 6 rays with an edge on it.
    """
    m = len(dist)
    d = np.full((m, pts.shape[-2] + 1), np.inf)
    d[:, :-1] = np.where(on, dist, np.inf)
    per_ray = d[:, table]  # (m, rays, peaks)
    k = per_ray.argmin(axis=2)
    chosen = np.take_along_axis(table[None].repeat(m, axis=0), k[..., None], axis=2)[..., 0]
    used = np.isfinite(np.take_along_axis(per_ray, k[..., None], axis=2)[..., 0])
    sel = np.where(used, chosen, 0)
    if pts.ndim == 3:  # each circle its own edges
        p = np.take_along_axis(pts, sel[..., None], axis=1) - c_work  # (m, rays, 2)
    else:
        p = pts[sel] - c_work
    wgt = used.astype(float)
    x, y = p[..., 0], p[..., 1]
    a = np.stack([2 * x, 2 * y, np.ones_like(x)], axis=-1) * wgt[..., None]
    b = (x * x + y * y) * wgt
    ata = np.einsum("mki,mkj->mij", a, a)
    atb = np.einsum("mki,mk->mi", a, b)
    enough = used.sum(axis=1) >= 6
    sol = np.full((m, 3), np.nan)
    if enough.any():
        sol[enough] = np.linalg.solve(ata[enough], atb[enough][..., None])[..., 0]
    centre = sol[:, :2] + c_work
    r = np.sqrt(np.maximum(sol[:, 2] + sol[:, 0] ** 2 + sol[:, 1] ** 2, 0.0))
    return centre, np.where(enough, r, np.nan)


def closest_per_ray(ray: np.ndarray, dist: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Indices of the candidate closest to the circle on each ray that has one on it."""
    idx = np.flatnonzero(on)
    order = idx[np.lexsort((dist[idx], ray[idx]))]
    _, first = np.unique(ray[order], return_index=True)
    return order[first]


def lsq_circle(p: np.ndarray) -> tuple[np.ndarray, float]:
    """Algebraic least-squares circle (Kasa) through points (n, 2)."""
    a = np.column_stack([2 * p, np.ones(len(p))])
    b = (p**2).sum(axis=1)
    (cx, cy, k), *_ = np.linalg.lstsq(a, b, rcond=None)
    return np.array([cx, cy]), float(math.sqrt(max(k + cx * cx + cy * cy, 0.0)))
