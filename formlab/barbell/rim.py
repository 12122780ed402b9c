"""The plate's rim in one frame: an ellipse fitted to edges, the outermost concentric ring chosen.

A circle detector (``cv2.HoughCircles``) gives a rough plate position but happily locks onto an
inner ring, the hub, the lettering or an oversized circle through the plate's surroundings, and
its centre jitters by a tenth of the radius. The rim fit refines such a guess:

1. rays are cast from the guessed centre; on each, the colour edge strength *along the ray*
   (the radial component of the Sobel gradient of each RGB channel, combined) is sampled from
   ``band[0]`` to ``band[1]`` guessed radii, and its local maxima are the ray's edge candidates
   (sub-pixel by a parabola through the peak);
2. circles through three candidates of different rays are drawn at random (RANSAC) and each is
   scored by the fraction of rays with a candidate on it (within ``tolerance`` of its radius);
   this is done for the circle and for a few flattened outlines (:data:`FLATTENINGS`: the
   candidates are un-flattened first), as a plate seen off its axis is an ellipse;
3. of the rings that most rays support (at least ``min_support`` of the rays and ``keep`` of the
   best ring's support) and are concentric with the best one, the **largest** is the rim: a plate's face has
   concentric rings inside (the raised lip, the hub, printed circles), never outside;
4. an ellipse (``cv2.fitEllipse``, a plate seen a little obliquely) is fitted to the candidates
   on that circle, and fitted again after dropping those off it by more than 3 robust SDs.

The fit's ``support`` (fraction of rays agreeing) is its confidence: a sharp plate in front of a
plain wall has 0.8-1.0, a plate half hidden by an arm or blurred 0.4-0.6, a head or a shadow
rarely above 0.4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .rim_circles import (
    MAX_PEAKS_PER_RAY,
    N_RAYS,
    circle_through,
    closest_per_ray,
    lsq_circle,
    ray_table,
    refine_circles,
    score_circles,
)

WORK_RADIUS_PX = 48.0
"""The image is scaled so that the guessed radius is about this many pixels before the rays are
cast (larger plates are shrunk; smaller ones kept): enough for sub-pixel centres, cheap to sample."""


RIM_CONFIDENT = 0.6
"""Rim fits at least this well supported are clear: they update the plate tracker's running radius
estimate, and a tracked run needs one to be kept (:mod:`formlab.barbell.plate_refill`)."""

RIM_RADIUS_CHANGE = 0.06
"""Largest relative change of the rim's radius from the running estimate: perspective changes it by
a few percent over a lift (49-53 px in ``gymassist__side_squat``); a bigger ring is the far plate's
edge joined to the near one's, or a circle through the clutter."""

REFINED = 12
"""Best hypotheses refined by a least-squares circle on their own edges before the choice."""

FLAT_PENALTY = 0.1
"""Support (fraction of rays) a flattened outline needs above a circle's to be preferred to it."""

SAME_RING = 0.04
"""Outlines whose major radii are within this fraction of each other are one ring (a circle and a
flattened ellipse through most of the same edges); the best supported of them is kept."""

FLATTENINGS = ((1.0, 0.0), (0.9, 0.5 * math.pi), (0.8, 0.5 * math.pi), (0.9, 0.0), (0.8, 0.0))
"""Plate outlines tried besides the circle: (minor / major axis, direction of the minor axis in
radians; 0 = along x, pi/2 = along y). A plate seen 25-37 degrees off its axis is 0.9-0.8 as wide
across the tilt; in a side view the tilt is vertical when the camera is above or below the plate
(a deadlift's bar on the floor seen from hip height: 171 x 192 px in ``good015``) and horizontal
when the lifter is turned. Each edge point is un-flattened, circles are found there, and the
outermost concentric ring over all outlines is the rim: with circles only, a 10 % flattening
spreads the rim's edges over +-5 % of its radius, more than a ring's tolerance, and an inner ring
(smaller, so less spread) wins."""

CONCENTRIC = 0.06
"""Rings whose centres are within this many radii of the best-supported ring's are concentric with
it (the plate's lip, groove, hub and face rings); a big circle through the clutter around the plate
is not, and is never taken for the rim however many edges it happens to cross."""


@dataclass(frozen=True)
class RimFit:
    """An ellipse fitted to a plate's rim, in original image pixels.

    Attributes
    ----------
    centre_xy_px : ndarray (2,)
        Centre of the ellipse.
    major_px, minor_px : float
        Full lengths of its axes (the major axis is the plate's true diameter seen at its
        distance: a tilted disc is foreshortened across, not along, the tilt axis).
    support : float
        Fraction of the rays with an edge on the rim (0-1): the fit's confidence.
    residual_px : float
        RMS distance of the supporting edges from the circle of the rim, in pixels.
    """

    centre_xy_px: np.ndarray
    major_px: float
    minor_px: float
    support: float
    residual_px: float

    @property
    def radius_px(self) -> float:
        """Half the major axis: the plate's radius at its distance from the camera."""
        return 0.5 * self.major_px


def _radial_gradient(rgb: np.ndarray, centre: np.ndarray, radius: float, band: tuple[float, float]):
    """Sampled radial colour-gradient profiles: (rays, samples) strengths, the radii sampled, scale."""
    import cv2

    h, w = rgb.shape[:2]
    half = band[1] * radius + 3
    x0, y0 = int(max(0, centre[0] - half)), int(max(0, centre[1] - half))
    x1, y1 = int(min(w, centre[0] + half + 1)), int(min(h, centre[1] + half + 1))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    scale = min(1.0, WORK_RADIUS_PX / radius)
    roi = rgb[y0:y1, x0:x1]
    if scale < 1:
        roi = cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    roi = cv2.GaussianBlur(roi.astype(np.float32), (5, 5), 1.0)
    gx = cv2.Sobel(roi, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(roi, cv2.CV_32F, 0, 1, ksize=3)
    c = (np.asarray(centre, float) - [x0, y0]) * scale
    r_work = radius * scale
    radii = np.arange(band[0] * r_work, band[1] * r_work, 0.5)
    theta = np.linspace(0, 2 * np.pi, N_RAYS, endpoint=False)
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    mx = (c[0] + cos * radii).astype(np.float32)
    my = (c[1] + sin * radii).astype(np.float32)
    strength = np.zeros(mx.shape, np.float32)
    for ch in range(gx.shape[2]):
        sx = cv2.remap(gx[..., ch], mx, my, cv2.INTER_LINEAR, borderValue=np.nan)
        sy = cv2.remap(gy[..., ch], mx, my, cv2.INTER_LINEAR, borderValue=np.nan)
        strength += (sx * cos + sy * sin) ** 2
    strength = np.sqrt(strength)
    return strength, radii, scale, np.array([x0, y0], float), theta


def _ray_peaks(
    strength: np.ndarray, radii: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local maxima of each ray's profile above a noise floor: (ray index, radius, strength)."""
    s = np.nan_to_num(strength, nan=0.0)
    floor = 0.25 * float(np.percentile(s.max(axis=1), 75))
    mid = s[:, 1:-1]
    peak = (mid >= s[:, :-2]) & (mid > s[:, 2:]) & (mid >= floor)
    ray, k = np.nonzero(peak)
    k = k + 1
    # the ray's strongest few edges only: texture and lettering add many weak ones
    order = np.lexsort((-s[ray, k], ray))
    ray, k = ray[order], k[order]
    rank = np.arange(len(ray)) - np.searchsorted(ray, ray)
    ray, k = ray[rank < MAX_PEAKS_PER_RAY], k[rank < MAX_PEAKS_PER_RAY]
    a, b, cc = s[ray, k - 1], s[ray, k], s[ray, k + 1]
    denom = a - 2 * b + cc
    off = np.where(np.abs(denom) > 1e-9, 0.5 * (a - cc) / np.where(denom == 0, 1, denom), 0.0)
    off = np.clip(off, -0.5, 0.5)
    step = radii[1] - radii[0]
    return ray, radii[k] + off * step, b / np.maximum(s.max(axis=1)[ray], 1e-9)


def fit_rim(
    rgb: np.ndarray,
    centre_xy: np.ndarray,
    radius_px: float,
    *,
    band: tuple[float, float] = (0.6, 1.6),
    radius_range: tuple[float, float] | None = None,
    max_shift: float = 0.5,
    tolerance: float = 0.02,
    min_support: float = 0.35,
    keep: float = 0.75,
    hypotheses: int = 1500,
    seed: int = 0,
) -> RimFit | None:
    """Fit the plate's rim near a guess (see the module docstring); None if no ring is supported.

    Parameters
    ----------
    rgb : ndarray (H, W, 3)
        The frame.
    centre_xy, radius_px
        The guess, in original pixels.
    band : (float, float)
        Radii searched along each ray, in guessed radii.
    radius_range : (float, float), optional
        Radii accepted for the rim, in original pixels (default: the band).
    max_shift : float
        Largest distance of the rim's centre from the guess, in guessed radii.
    tolerance : float
        Distance from a circle that still counts as on it, in its radius (0.02, plus half a
        pixel: 1.5 px at the working size).
    min_support, keep : float
        A ring is a candidate rim if at least ``min_support`` of the rays and ``keep`` times the
        best ring's support agree with it; the largest candidate wins.
    """
    if not (math.isfinite(radius_px) and radius_px > 2 and np.isfinite(centre_xy).all()):
        return None
    got = _radial_gradient(rgb, np.asarray(centre_xy, float), float(radius_px), band)
    if got is None:
        return None
    strength, radii, scale, origin, theta = got
    ray, r, s = _ray_peaks(strength, radii)
    if len(np.unique(ray)) < 0.3 * N_RAYS:
        return None
    c_work = (np.asarray(centre_xy, float) - origin) * scale
    pts = c_work + np.column_stack([np.cos(theta[ray]) * r, np.sin(theta[ray]) * r])
    lo, hi = (
        radius_range if radius_range is not None else (band[0] * radius_px, band[1] * radius_px)
    )
    lo, hi = lo * scale, hi * scale
    rng = np.random.default_rng(seed)
    shift_max = max_shift * radius_px * scale
    rings = []  # per flattening: transform, centres (work px), major radii, scores, dist, on
    to_circle = []
    for q, axis in FLATTENINGS:
        u = np.array([math.cos(axis), math.sin(axis)])
        to_circle.append(np.eye(2) + (1.0 / q - 1.0) * np.outer(u, u))
    pts_k = [c_work + (pts - c_work) @ t.T for t in to_circle]
    got = _rings(pts_k, ray, s, c_work, (lo, hi), shift_max, tolerance, hypotheses, rng)
    for (q, _), t, got_rings in zip(FLATTENINGS, to_circle, got):
        if got_rings is not None:
            c_ring, r_ring, score, dist, on = got_rings
            back = c_work + (c_ring - c_work) @ np.linalg.inv(t).T
            # a flattened outline needs FLAT_PENALTY more of the rays than a circle: the inner and
            # outer edges of a thick painted ring, joined, also make a (wrong) flattened ring
            rings.append((t, back, r_ring, score - FLAT_PENALTY * (q < 1), dist, on))
    return _chosen(rings, pts, ray, c_work, (lo, hi), scale, origin, min_support, keep)


def _chosen(
    rings, pts, ray, c_work, radius_range, scale, origin, min_support, keep
) -> RimFit | None:
    """The rim among the rings of the outlines tried (steps 3 and 4 of the module docstring)."""
    import cv2

    lo, hi = radius_range
    if not rings:
        return None
    which = np.concatenate([np.full(len(g[2]), k) for k, g in enumerate(rings)])
    centres = np.vstack([g[1] for g in rings])
    rads = np.concatenate([g[2] for g in rings])
    score = np.concatenate([g[3] for g in rings])
    strongest = int(np.argmax(score))
    good = (
        (score >= min_support)
        & (score >= keep * score[strongest])
        & (np.linalg.norm(centres - centres[strongest], axis=1) <= CONCENTRIC * rads[strongest])
    )
    if not good.any():
        return None
    # the outermost ring; of its outlines (within SAME_RING of its size), the best supported
    same = good & (rads >= (1 - SAME_RING) * rads[good].max())
    best = int(np.flatnonzero(same)[np.argmax(score[same])])
    to_circle, _, _, _, dist, on = rings[which[best]]
    k_best = best - int(np.flatnonzero(which == which[best])[0])
    # one edge per ray, the closest to the chosen ring, then a least-squares circle (in the ring's
    # un-flattened frame) and an ellipse (in the image's)
    sel = closest_per_ray(ray, dist[k_best], on[k_best])
    fit_pts = pts[sel]
    for _ in range(2):
        cc, rr = lsq_circle(c_work + (fit_pts - c_work) @ to_circle.T)
        res = np.abs(np.linalg.norm(c_work + (fit_pts - c_work) @ to_circle.T - cc, axis=1) - rr)
        mad = 1.4826 * float(np.median(res)) + 0.2
        keep_pts = res <= 3 * mad
        if keep_pts.sum() < 6:
            break
        fit_pts = fit_pts[keep_pts]
    if len(fit_pts) < 6:
        return None
    cc = c_work + (cc - c_work) @ np.linalg.inv(to_circle).T
    (ex, ey), (a1, a2), _ = cv2.fitEllipse(fit_pts.astype(np.float32))
    major, minor = max(a1, a2), min(a1, a2)
    if not (minor > 0.6 * major and lo <= 0.5 * major <= hi * 1.1):
        # a degenerate ellipse (edges along one side only): keep the circle
        ex, ey, major, minor = cc[0], cc[1], 2 * rr, 2 * rr
    centre = np.array([ex, ey]) / scale + origin
    rays_on = len(np.unique(ray[sel]))
    return RimFit(
        centre_xy_px=centre,
        major_px=float(major / scale),
        minor_px=float(minor / scale),
        support=float(min(len(fit_pts), rays_on) / N_RAYS),
        residual_px=float(np.sqrt(np.mean(res[res <= 3 * mad] ** 2)) / scale) if len(res) else 0.0,
    )


def _rings(pts_k, ray, s, c_work, radius_range, shift_max, tolerance, hypotheses, rng):
    """RANSAC circles, refined, per outline: (centres, radii, scores, dist, on) or None.

    ``pts_k`` holds the ray edges un-flattened by each outline. The outlines are voted on
    together where that is cheaper (the refinements and final scores: one array operation for all
    of them, the per-outline arithmetic unchanged): with five outlines of 300 circles, a fit's
    time went to the calls.
    """
    lo, hi = radius_range
    table = ray_table(ray)
    # triples from rays at least 45 degrees apart, strong edges drawn more often
    prob = s / s.sum()
    draws = []
    for _ in pts_k:
        idx = rng.choice(len(ray), size=(hypotheses * 3, 3), p=prob)
        r3 = ray[idx]

        def apart_(a, b, r3=r3):
            dr = np.abs(r3[:, a] - r3[:, b]) % N_RAYS
            return np.minimum(dr, N_RAYS - dr) >= N_RAYS // 8

        draws.append(idx[apart_(0, 1) & apart_(0, 2) & apart_(1, 2)][:hypotheses])
    label = np.concatenate([np.full(len(d), k) for k, d in enumerate(draws)]).astype(int)
    if not len(label):
        return [None] * len(pts_k)
    stacked = np.stack(pts_k)  # (outlines, edges, 2)
    centres, rads = circle_through(np.concatenate([p[d] for p, d in zip(pts_k, draws)]))

    def plausible(c, r):
        return (
            np.isfinite(r)
            & (r >= lo)
            & (r <= hi)
            & (np.linalg.norm(c - c_work, axis=-1) <= shift_max)
        )

    ok = plausible(centres, rads)
    centres, rads, label = centres[ok], rads[ok], label[ok]
    score = np.zeros(len(rads))
    for k, p in enumerate(pts_k):  # the most circles: each outline on its own edges, no copies
        score[label == k] = score_circles(
            p, ray, s, centres[label == k], rads[label == k], tolerance, table
        )[0]
    # the best few hypotheses of each outline refined on their own edges (a least-squares
    # circle), then scored again
    top = np.concatenate(
        [
            np.flatnonzero(label == k)[np.argsort(-score[label == k])[:REFINED]]
            for k in range(len(pts_k))
        ]
    ).astype(int)
    on_pts = stacked[label[top]]
    _, dist, on = score_circles(on_pts, ray, s, centres[top], rads[top], tolerance, table)
    refined_c, refined_r = refine_circles(on_pts, dist, on, table, c_work)
    good = plausible(refined_c, refined_r)
    out = []
    for k in range(len(pts_k)):
        mine = label[top] == k
        if not mine.any():
            out.append(None)
            continue
        c_k = np.vstack([centres[top][mine], refined_c[mine & good]])
        r_k = np.concatenate([rads[top][mine], refined_r[mine & good]])
        out.append((c_k, r_k))
    # all outlines' final circles scored together, then split
    label_f = np.concatenate([np.full(len(g[1]), k) for k, g in enumerate(out) if g is not None])
    if not len(label_f):
        return out
    c_all = np.vstack([g[0] for g in out if g is not None])
    r_all = np.concatenate([g[1] for g in out if g is not None])
    score, dist, on = score_circles(stacked[label_f], ray, s, c_all, r_all, tolerance, table)
    for k, g in enumerate(out):
        if g is not None:
            m = label_f == k
            out[k] = (g[0], g[1], score[m], dist[m], on[m])
    return out


OUTER_MIN_SUPPORT = 0.5
"""Support a ring *outside* a fitted rim needs to replace it (:func:`outer_rim`): stricter than a
first fit's, as the band outside a plate holds the lifter, the rack and other plates."""

OUTER_STEP = 1.12
"""A ring outside a fitted rim is at least this many of its radii out: a plate's lip or a
bumper's bevel (within 5-8 %) is the same rim, not another."""


def outer_rim(
    rgb: np.ndarray, rim: RimFit, max_radius_px: float, max_shift: float = 0.3, min_contrast=None
) -> RimFit:
    """``rim``, or the outermost clear ring around it no larger than ``max_radius_px``.

    Parameters
    ----------
    rgb : ndarray (H, W, 3)
        The frame.
    rim : RimFit
        A fitted rim, possibly an inner ring or the hub.
    max_radius_px : float
        The largest plate radius plausible here (from the body's size, e.g. 0.7 torso lengths).
    max_shift : float
        Largest distance of the outer ring's centre from ``rim``'s, in ``rim``'s radii.
    min_contrast : callable, optional
        The edge contrast a ring needs, given its support (default :data:`OUTER_MIN_CONTRAST`).

    Returns
    -------
    RimFit
        The outer ring when one is supported by :data:`OUTER_MIN_SUPPORT` of the rays, else ``rim``.

    Notes
    -----
    :func:`fit_rim` scores each ring by its edges' strength relative to the strongest edge of
    the same ray, so a low-contrast outer rim (a black plate on a dark floor, a worn bumper)
    next to a bright inner ring or lettered hub falls below the ``keep`` share of the best
    ring and the inner one wins. Searched alone, outside the fitted rim, its edges are the
    strongest of their rays again. A plate's face has rings inside its rim, never outside, and
    its size is bounded by the body's, so the outermost clear ring below that bound is the rim.
    """
    for _ in range(3):  # the hub, an inner ring, the rim
        r = rim.radius_px
        if OUTER_STEP * r >= max_radius_px:
            break
        ring = fit_rim(
            rgb,
            rim.centre_xy_px,
            r,
            band=(OUTER_STEP - 0.04, max_radius_px / r + 0.05),
            radius_range=(OUTER_STEP * r, max_radius_px),
            max_shift=max_shift,
            min_support=OUTER_MIN_SUPPORT,
            hypotheses=600,
        )
        if (
            ring is None
            or ring.support < OUTER_MIN_SUPPORT
            or _edge_contrast(rgb, ring)
            < (OUTER_MIN_CONTRAST if min_contrast is None else min_contrast(ring.support))
        ):
            break
        rim = ring
    return rim


OFF_PREDICTION = 0.1
"""A rim fit that is not clear and lies more than this many radii from the motion model's
prediction is suspect: the plate tracker then looks for the rim from the inside
(:func:`fit_rim_outward`). A bar moves smoothly, a constant-velocity prediction is within a few
pixels; a fit pulled off a faint rim by a painted ring was 20-25 px (0.2-0.25 radii) off."""


def suspect(rim: RimFit | None, prediction_xy: np.ndarray, radius_px: float) -> bool:
    """Whether a tracking fit should be checked from the inside (see :data:`OFF_PREDICTION`)."""
    if rim is None:
        return True
    off = float(np.linalg.norm(rim.centre_xy_px - prediction_xy))
    return rim.support < RIM_CONFIDENT and off > OFF_PREDICTION * radius_px


def fit_rim_outward(
    rgb: np.ndarray, centre_xy: np.ndarray, radius_px: float, radius_range: tuple[float, float]
) -> RimFit | None:
    """The rim within ``radius_range`` found from the inside: the clearest ring, then widened.

    Where a plate's rim is faint beside a bright painted ring (a red rim over skin at a deadlift's
    lockout), a fit searched at the rim's radius is pulled off it by the ring's edges on the same
    rays; the ring itself is clear, and outside it the rim's edges are the strongest again
    (:func:`outer_rim`). None unless the result is a clear rim in ``radius_range``.
    """
    inner = fit_rim(rgb, centre_xy, radius_px, band=(0.5, 1.2), max_shift=0.25)
    if inner is None or inner.support < RIM_CONFIDENT:
        return None
    rim = outer_rim(rgb, inner, radius_range[1], max_shift=0.25)
    ok = radius_range[0] <= rim.radius_px <= radius_range[1] and rim.support >= RIM_CONFIDENT
    return rim if ok else None


OUTER_MIN_CONTRAST = 3.0
"""A ring outside a fitted rim must be an edge: on the median ray, its edge strength this many
times the ray's median strength across the ring's neighbourhood. Among the texture or noise of a
plain floor any circle meets half the rays' strongest few edges, at about 1.5 times."""


def _edge_contrast(rgb: np.ndarray, ring: RimFit) -> float:
    """Median over rays of the edge strength on ``ring`` over the ray's median strength around it."""
    got = _radial_gradient(rgb, ring.centre_xy_px, ring.radius_px, (0.8, 1.2))
    if got is None:
        return 0.0
    strength, radii, scale, _, _ = got
    s = np.nan_to_num(strength, nan=0.0)
    on = np.abs(radii - ring.radius_px * scale) <= 1.5  # work pixels
    if not on.any():
        return 0.0
    ratio = s[:, on].max(axis=1) / np.maximum(np.median(s, axis=1), 1e-6)
    return float(np.median(ratio))
