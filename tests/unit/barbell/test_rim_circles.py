"""The rim fit's vote for all circles at once equals the per-circle computation it replaced."""

import numpy as np

from formlab.barbell.rim_circles import (
    MAX_PEAKS_PER_RAY,
    N_RAYS,
    closest_per_ray,
    lsq_circle,
    ray_table,
    refine_circles,
    score_circles,
)


def _edges(seed: int = 0):
    """Ray edges as :func:`formlab.barbell.rim._ray_peaks` gives them: sorted by ray, a few each."""
    rng = np.random.default_rng(seed)
    ray = np.sort(rng.choice(N_RAYS, size=250))
    ray = np.concatenate([ray[ray == k][:MAX_PEAKS_PER_RAY] for k in range(N_RAYS)])
    theta = 2 * np.pi * ray / N_RAYS
    r = np.where(rng.random(len(ray)) < 0.5, 40.0, rng.uniform(20, 70, len(ray)))
    pts = np.array([60.0, 55.0]) + np.column_stack([np.cos(theta), np.sin(theta)]) * r[:, None]
    return pts + rng.normal(0, 0.3, pts.shape), ray, rng.uniform(0.3, 1.0, len(ray))


def test_score_is_the_strongest_edge_on_the_circle_per_ray():
    pts, ray, s = _edges()
    centres = np.array([[60.0, 55.0], [61.0, 54.0], [30.0, 30.0]])
    rads = np.array([40.0, 39.0, 25.0])
    score, dist, _ = score_circles(pts, ray, s, centres, rads, 0.02)
    for h in range(len(rads)):
        d = np.abs(np.hypot(*(pts - centres[h]).T) - rads[h])
        per_ray = np.zeros(N_RAYS)
        for j in np.flatnonzero(d <= 0.02 * rads[h] + 0.5):
            per_ray[ray[j]] = max(per_ray[ray[j]], s[j])
        assert np.isclose(score[h], per_ray.sum() / N_RAYS)
        np.testing.assert_allclose(dist[h], d)
    assert score[0] > 0.4 > score[2]


def test_refined_circles_are_the_least_squares_circles_of_their_closest_edges():
    pts, ray, s = _edges(1)
    centres = np.array([[60.5, 55.0], [59.0, 56.0], [20.0, 20.0]])
    rads = np.array([40.5, 39.0, 5.0])
    _, dist, on = score_circles(pts, ray, s, centres, rads, 0.02)
    got_c, got_r = refine_circles(pts, dist, on, ray_table(ray), np.array([60.0, 55.0]))
    for h in range(2):
        c, r = lsq_circle(pts[closest_per_ray(ray, dist[h], on[h])])
        np.testing.assert_allclose(got_c[h], c, atol=1e-9)
        assert abs(got_r[h] - r) < 1e-9
    assert np.isnan(got_r[2])  # fewer than 6 rays with an edge on it: no refinement
