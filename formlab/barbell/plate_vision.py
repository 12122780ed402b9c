"""What the plate tracker sees in one frame: circles, a template of the plate, the bar's sleeve.

OpenCV lives here and in :mod:`formlab.barbell.plate` only.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core.track import PoseTrack
from ..io.media import iter_video_frames

if TYPE_CHECKING:
    from .plate import PlateTrackerOptions


def read_frames(video, start: int, stop: int, progress: bool, what: str):
    """The frames ``start`` to ``stop - 1`` of ``video``, with a progress bar if asked for."""
    from ..core.stages import progress_bar as tqdm

    with tqdm(
        total=stop - start,
        desc=f"{what} in {Path(video).name}",
        unit="frame",
        disable=not progress,
        leave=False,
    ) as bar:
        for fr in iter_video_frames(video, start_frame=start, end_frame=stop):
            yield fr
            bar.update(1)


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """A frame in grey levels (what the circle and template searches look at)."""
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def find_circles(
    gray: np.ndarray,
    centre_xy: np.ndarray,
    half: float,
    r_min: float,
    r_max: float,
    scale: float,
    param2: float = 0.6,
) -> np.ndarray:
    """Circles (x, y, r in original pixels) found in a square window of the image.

    The window (centre and half-size in original pixels) is cut, scaled by
    ``scale`` and smoothed before ``cv2.HoughCircles`` (the gradient-based
    ``HOUGH_GRADIENT_ALT`` variant, which is precise and returns few false
    circles). Returns an empty (0, 3) array when nothing is found.
    """
    import cv2

    h, w = gray.shape
    x0, y0 = int(max(0, centre_xy[0] - half)), int(max(0, centre_xy[1] - half))
    x1, y1 = int(min(w, centre_xy[0] + half)), int(min(h, centre_xy[1] + half))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return np.zeros((0, 3))
    roi = gray[y0:y1, x0:x1]
    small = (
        cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else roi
    )
    s = scale if scale < 1 else 1.0
    small = cv2.GaussianBlur(small, (5, 5), 1.2)
    # On several threads, OpenCV's Hough accumulates its votes in an order that changes from run
    # to run, and the circles it returns with them (up to 19 px apart on the same clip): one
    # thread, so the same video always gives the same bar path.
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        found = cv2.HoughCircles(
            small,
            cv2.HOUGH_GRADIENT_ALT,
            dp=1.5,
            minDist=3,
            param1=150,
            param2=param2,
            minRadius=max(2, int(r_min * s)),
            maxRadius=math.ceil(r_max * s) + 1,
        )
    finally:
        cv2.setNumThreads(threads)
    if found is None:
        return np.zeros((0, 3))
    c = found[0].astype(float) / s
    c[:, 0] += x0
    c[:, 1] += y0
    return c


def match_template(
    gray: np.ndarray,
    template: np.ndarray,
    mask: np.ndarray,
    centre_xy: np.ndarray,
    half: float,
    scale: float,
) -> tuple[np.ndarray | None, float]:
    """Best match of a (scaled) plate image near a position: (centre in original px, score)."""
    import cv2

    th, tw = template.shape
    h, w = gray.shape
    pad = half + max(th, tw) / (2 * scale)
    x0, y0 = int(max(0, centre_xy[0] - pad)), int(max(0, centre_xy[1] - pad))
    x1, y1 = int(min(w, centre_xy[0] + pad)), int(min(h, centre_xy[1] + pad))
    roi = gray[y0:y1, x0:x1]
    small = cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if small.shape[0] <= th or small.shape[1] <= tw:
        return None, 0.0
    res = cv2.matchTemplate(small, template, cv2.TM_CCORR_NORMED, mask=mask)
    res = np.nan_to_num(res, nan=0.0, posinf=0.0, neginf=0.0)
    _, score, _, loc = cv2.minMaxLoc(res)
    cx = x0 + (loc[0] + tw / 2.0) / scale
    cy = y0 + (loc[1] + th / 2.0) / scale
    return np.array([cx, cy]), float(score)


def plate_template(gray: np.ndarray, centre: np.ndarray, radius: float, scale: float):
    """A template of the plate's face (and its mask), scaled down by ``scale``, to match in later frames."""
    import cv2

    half = math.ceil(radius * 1.1 * scale)
    # only the plate's neighbourhood is scaled (not the whole frame), on a grid aligned with it
    step = 1.0 / scale
    k0x = max(0, math.floor((centre[0] - (half + 2) * step) * scale))
    k0y = max(0, math.floor((centre[1] - (half + 2) * step) * scale))
    ox, oy = round(k0x * step), round(k0y * step)
    roi = gray[
        oy : math.ceil(centre[1] + (half + 3) * step), ox : math.ceil(centre[0] + (half + 3) * step)
    ]
    if roi.size == 0:
        return None
    small = cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small_c = (centre - [ox, oy]) * scale
    x0, y0 = round(small_c[0]) - half, round(small_c[1]) - half
    if (
        centre[0] - half * step < 0
        or centre[1] - half * step < 0
        or x0 < 0
        or y0 < 0
        or x0 + 2 * half > small.shape[1]
        or y0 + 2 * half > small.shape[0]
    ):
        return None
    tpl = small[y0 : y0 + 2 * half, x0 : x0 + 2 * half].copy()
    yy, xx = np.mgrid[: 2 * half, : 2 * half] - half + 0.5
    mask = ((xx**2 + yy**2) <= (radius * scale) ** 2).astype(np.uint8)
    return tpl, mask


def plausible_perspective(
    m: float, b: np.ndarray, c0: np.ndarray, image_size: tuple[int, int]
) -> bool:
    """Whether an offset model can be the perspective of a sleeve end sticking out towards the camera.

    The sleeve end is nearer the camera than the plate, so its path is the centre's path scaled up
    (``m > 0``; at least 3 %, else it is indistinguishable from the centre and a printed mark on the
    plate fits as well) about the vanishing point of the bar axis, ``c0 - b / m``, which for a bar
    roughly perpendicular to the picture lies near the middle of the image (within the frame widened
    by half its size).
    """
    if not 0.03 <= m <= 1.0:
        return False
    vp = c0 - b / m
    w, h = image_size
    return bool(-0.5 * w <= vp[0] <= 1.5 * w and -0.5 * h <= vp[1] <= 1.5 * h)


def bar_end_from_sleeves(
    centre,
    radius,
    cands: dict[int, np.ndarray],
    o: PlateTrackerOptions,
    image_size: tuple[int, int],
):
    """RANSAC fit of ``end = centre + m (centre - c0) + b`` to the sleeve-end candidates (see module docstring)."""
    rows = sorted(cands)
    r_med = float(np.nanmedian(radius))
    if not math.isfinite(r_med):
        r_med = float(np.nanmedian([c[:, 2].mean() / 0.11 for c in cands.values() if len(c)]))
    c0 = np.nanmean(centre[rows], axis=0)
    pts = [(i, cand) for i in rows for cand in cands[i][:, :2]]
    if len(pts) < 2:
        return (
            centre.copy(),
            np.where(np.isfinite(centre[:, 0]), "centre", "").astype(object),
            {"used": False},
        )
    frame_of = np.array([p[0] for p in pts])
    cand_xy = np.array([p[1] for p in pts])
    cand_r = np.array([c[2] for i in rows for c in cands[i]])
    cen = centre[frame_of]
    off = cand_xy - cen
    rel = cen - c0
    tol = 0.08 * r_med
    rng = np.random.default_rng(0)
    best = (0, None)
    n_plate = int(np.isfinite(centre[:, 0]).sum())

    def fit(idx):
        a = np.zeros((2 * len(idx), 3))
        a[0::2, 0], a[1::2, 0] = rel[idx, 0], rel[idx, 1]
        a[0::2, 1] = 1.0
        a[1::2, 2] = 1.0
        m, bx, by = np.linalg.lstsq(a, off[idx].ravel(), rcond=None)[0]
        return m, np.array([bx, by])

    def support(m, b):
        resid = np.linalg.norm(off - (m * rel + b), axis=1)
        ok = resid <= tol
        # one inlier per frame: the closest candidate
        frames = {}
        for k in np.flatnonzero(ok):
            f = frame_of[k]
            if f not in frames or resid[k] < resid[frames[f]]:
                frames[f] = k
        return np.array(sorted(frames.values()), dtype=int)

    for _ in range(400):
        a, b = rng.choice(len(pts), 2, replace=False)
        if frame_of[a] == frame_of[b]:
            continue
        m, bb = fit(np.array([a, b]))
        if not plausible_perspective(m, bb, c0, image_size):
            continue
        inl = support(m, bb)
        if len(inl) > best[0]:
            best = (len(inl), inl)
    if best[1] is None or best[0] < o.min_bar_end_support * n_plate:
        end_how = np.where(np.isfinite(centre[:, 0]), "centre", "").astype(object)
        return centre.copy(), end_how, {"used": False, "support": best[0] / max(n_plate, 1)}
    m, b = fit(best[1])
    inl = support(m, b)
    m, b = fit(inl)
    model = centre + m * (centre - c0) + b
    end = model.copy()
    end_how = np.where(np.isfinite(centre[:, 0]), "model", "").astype(object)
    sleeve_r = []
    for k in support(m, b):
        f = frame_of[k]
        end[f] = cand_xy[k]
        end_how[f] = "sleeve"
        sleeve_r.append(cand_r[k])
    return (
        end,
        end_how,
        {
            "used": True,
            "m": float(m),
            "b_px": b.tolist(),
            "c0_px": c0.tolist(),
            "sleeve_radius_px": float(np.median(sleeve_r)),
            "plate_radius_px": r_med,
            "vanishing_point_px": (c0 - b / m).tolist(),
            "support": len(inl) / max(n_plate, 1),
        },
    )


def follow_sleeve_end(  # noqa: C901  (split with the tracker rewrite, issue 16)
    video,
    track: PoseTrack,
    end: np.ndarray,
    end_how: np.ndarray,
    model: dict,
    cands: dict[int, np.ndarray],
    o: PlateTrackerOptions,
    progress: bool = False,
) -> None:
    """Second pass: follow the sleeve end itself from frame to frame.

    Starting at the first frame where a sleeve-end circle agreed with the offset model, the sleeve
    end is followed with its own constant-velocity prediction: a sleeve-sized circle within a tenth
    of a plate radius of the prediction is taken (``"sleeve"``), else the best match (normalised
    correlation, at least ``o.min_template_score``) of the sleeve end's picture from the last frame
    where it was seen as a circle, within the distance it can move (``"sleeve_template"``). This does
    not depend on the plate centre, which can be pulled by the far plate when perspective shows it.
    Frames before that first frame are searched around the model's prediction. Frames where neither
    works keep the model's prediction (``"model"``). Modifies ``end`` and ``end_how`` in place.
    """
    import cv2

    sleeve_rows = np.flatnonzero(end_how == "sleeve")
    if sleeve_rows.size == 0:
        return
    r_tip, r_plate = model["sleeve_radius_px"], model["plate_radius_px"]
    scale = min(1.0, 12.0 / r_tip)  # sleeve end about 12 px in radius
    half = math.ceil(2.0 * r_tip * scale)
    row_of = {int(f): i for i, f in enumerate(track.frame)}

    def cut(gray, xy):
        x0, y0 = xy[0] - (half + 0.5) / scale, xy[1] - (half + 0.5) / scale
        x1, y1 = xy[0] + (half + 0.5) / scale, xy[1] + (half + 0.5) / scale
        if x0 < 0 or y0 < 0 or x1 > gray.shape[1] or y1 > gray.shape[0]:
            return None
        patch = gray[int(y0) : math.ceil(y1), int(x0) : math.ceil(x1)]
        return cv2.resize(patch, (2 * half + 1, 2 * half + 1), interpolation=cv2.INTER_AREA)

    def match(gray, tpl, pred, search):
        x0, y0 = (
            int(max(0, pred[0] - search - 3 * r_tip)),
            int(max(0, pred[1] - search - 3 * r_tip)),
        )
        x1 = int(min(gray.shape[1], pred[0] + search + 3 * r_tip))
        y1 = int(min(gray.shape[0], pred[1] + search + 3 * r_tip))
        if x1 <= x0 or y1 <= y0:
            return None, 0.0
        roi = cv2.resize(gray[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if roi.shape[0] <= tpl.shape[0] or roi.shape[1] <= tpl.shape[1]:
            return None, 0.0
        res = cv2.matchTemplate(roi, tpl, cv2.TM_CCOEFF_NORMED)
        _, score, _, loc = cv2.minMaxLoc(res)
        pos = np.array([x0 + (loc[0] + half + 0.5) / scale, y0 + (loc[1] + half + 0.5) / scale])
        return (pos, float(score)) if np.linalg.norm(pos - pred) <= search else (None, 0.0)

    first = int(sleeve_rows[0])
    new_end = np.full_like(end, np.nan)
    new_how = np.full(len(end), "", dtype=object)
    tpl = None
    first_tpl = None
    tip: np.ndarray | None = None
    vel: np.ndarray | None = None
    last_t: float | None = None
    for fr in read_frames(
        video, int(track.frame[0]), int(track.frame[-1]) + 1, progress, "following the bar end"
    ):
        i = row_of.get(fr.index)
        if i is None:
            continue
        gray = to_gray(fr.rgb)
        t = float(track.time_s[i])
        if i < first:
            continue  # handled after the forward pass, with the first template
        if i == first:
            tip, vel, last_t = end[i].copy(), np.zeros(2), t
            tpl = first_tpl = cut(gray, tip)
            new_end[i], new_how[i] = tip, "sleeve"
            continue
        assert tip is not None and vel is not None and last_t is not None  # set at the first row
        dt = t - last_t
        pred = tip + vel * dt
        gate = r_plate * max(0.25, o.max_speed_radii_per_s * dt)
        found = how = None
        c = cands.get(i)
        if c is not None and len(c):
            d = np.linalg.norm(c[:, :2] - pred, axis=1)
            k = int(np.argmin(d))
            if d[k] <= 0.1 * r_plate:
                found, how = c[k, :2], "sleeve"
        if found is None and tpl is not None:
            pos, score = match(gray, tpl, pred, gate)
            if pos is not None and score >= o.min_template_score:
                found, how = pos, "sleeve_template"
        if found is None:
            vel = vel * 0.5
            continue
        if how == "sleeve":
            tpl = cut(gray, found) if cut(gray, found) is not None else tpl
        vel = (found - tip) / max(dt, 1e-6)
        tip, last_t = found.copy(), t
        new_end[i], new_how[i] = found, how
    # frames before the first sleeve frame: around the model's prediction, with the first template
    if first > 0 and first_tpl is not None:
        for fr in iter_video_frames(
            video, start_frame=int(track.frame[0]), end_frame=int(track.frame[first])
        ):
            i = row_of.get(fr.index)
            if i is None or not np.isfinite(end[i]).all():
                continue
            pos, score = match(to_gray(fr.rgb), first_tpl, end[i], 0.25 * r_plate)
            if pos is not None and score >= o.min_template_score:
                new_end[i], new_how[i] = pos, "sleeve_template"
    # frames the tracker did not reach keep the first pass's answer (a model-agreeing circle or the model)
    ok = np.isfinite(new_end).all(axis=1)
    end[ok] = new_end[ok]
    end_how[ok] = new_how[ok]
