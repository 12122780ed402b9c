"""Make independent plate-centre references for the bar-path evaluation (issue 16).

The near plate's rim is fitted by an ellipse in every frame, with OpenCV and NumPy only: nothing
from formlab is imported here (the references must not share the tracker's mistakes). Each clip
has a *feature map* (a soft mask of the plate's outer ring against its surroundings) and a seed
(the rim's centre and radius in one frame, read by eye from a zoomed frame). From the seed the rim
is followed forwards and backwards:

1. rays are cast from the predicted centre every 4 degrees; on each ray the outermost strong
   plate-to-background fall of the feature map within +-15 % of the predicted radius is taken,
   refined to sub-pixel by a parabola through the derivative's peak. Rays that leave the frame
   (a plate partly out of frame) or the active picture (pillarbox bars) are dropped, so the fit
   uses only the visible arc;
2. an ellipse is fitted to these points with RANSAC (6-point fits, inliers within 2 px), then
   refitted by least squares on the inliers (variant A);
3. variant B fits an ellipse to the Canny edge pixels of the feature map inside the same annulus
   (independent of the rays), for the ``quality`` column: ``ok`` when the two centres agree within
   1.5 px and at least 40 % of the rim was seen, ``unsure`` otherwise, ``missing`` when no fit.

The predicted centre for the next frame is this frame's centre plus its velocity (a constant
velocity model), the predicted size this frame's axes. The reported centre is variant A's.

Overlays (``--sheet DIR``): 16 frames spread over the clip with the fitted ellipse (green), its
centre, the ray points (red: inliers, blue: rejected) and a 4x zoom of the plate, to be checked
by eye.

Run: ``python tests/benchmarks/make_plate_refs.py CLIP [--sheet DIR]``; writes
``data/annotations/<clip>__plate_centre.csv``. The per-clip settings are in ``CLIPS`` with the
reason for each.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[2]
RAY_STEP_DEG = 4.0
SEARCH = 0.15  # +- fraction of the predicted radius searched on each ray
INLIER_PX = 2.0
AGREE_PX = 1.5
MIN_COVERAGE = 0.4
SIZE_TOL = 0.1  # each axis within 10 % of the previous frames' (smoothed) axes
HOLD_TOL = 0.05  # with hold_size, each axis within 5 % of the clip's median


@dataclass(frozen=True)
class RefClip:
    """One clip's settings: the feature map, the seed, and why."""

    stem: str
    feature: str  # "red": soft red mask; "dark": darkness of a dark plate against lighter ground
    seed_frame: int
    seed_xy_px: tuple[float, float]
    seed_radius_px: float
    active_x_px: tuple[int, int]  # the picture inside pillarbox bars
    note: str
    edge: str = "outermost"  # which fall on a ray: "outermost" strong one, or the "strongest"
    hold_size: bool = False  # pass 2: each axis within HOLD_TOL of the clip's median (ok frames)
    frames: tuple[int, int] | None = None  # first and last frame of the shot; others "missing"


CLIPS = {
    c.stem: c
    for c in (
        RefClip(
            "deadliftAI-bichraix__bad009",
            "red",
            45,
            (812.0, 369.0),
            90.0,
            (636, 1000),
            "red/white/blue plate (same plates as good015), lifter faces left; the outer red ring"
            " against the dark floor, wall, legs and the far plate",
        ),
        RefClip(
            "deadliftAI-bichraix__good011",
            "dark",
            30,
            (663.75, 402.75),
            80.0,
            (437, 842),
            "black bumper plate, lifter faces right, frame 0 another shot; the plate's dark face"
            " against the lit floor, the rack and the white socks (its top edge against the dark"
            " shirt and wall is faint)",
            frames=(1, 54),
        ),
        RefClip(
            "deadliftAI-bichraix__good013",
            "dark",
            50,
            (645.0, 582.0),
            75.0,
            (437, 842),
            "black bumper plate on a grey mat, lifter faces right, frame 0 another shot; the dark"
            " face against the mat, the white socks and the grey shirt",
            frames=(1, 58),
        ),
        RefClip(
            "deadliftAI-bichraix__good009",
            "dark",
            20,
            (637.0, 437.0),
            57.0,
            (437, 842),
            "black bumper plate, lifter faces left, frames 0-3 and 33 other shots; the dark face"
            " against the grey floor, the socks and the rack",
            frames=(4, 32),
        ),
    )
}


def frames_of(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as box:
        return [f.to_ndarray(format="bgr24") for f in box.decode(video=0)]


def feature_map(bgr: np.ndarray, kind: str) -> np.ndarray:
    """A float map, high on the plate's outer ring and low around it."""
    if kind == "red":
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).astype(np.float32)
        h, s = hsv[..., 0], hsv[..., 1]
        hue_dist = np.minimum(h, 180 - h)  # distance from red (0/180) in OpenCV hue units
        red = np.clip((10 - hue_dist) / 4, 0, 1) * np.clip((s - 80) / 40, 0, 1)
        return cv2.GaussianBlur(red, (0, 0), 1.0)
    if kind == "dark":
        g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
        return cv2.GaussianBlur(1 - g, (0, 0), 1.0)
    raise ValueError(kind)


def ray_points(fmap, centre, axes, angle_deg, active_x, edge="outermost"):
    """Outermost strong fall of the feature on each ray near the predicted ellipse."""
    h = fmap.shape[0]
    th = np.deg2rad(np.arange(0, 360, RAY_STEP_DEG))
    a, b = axes[0] / 2, axes[1] / 2
    phi = np.deg2rad(angle_deg)
    # predicted radius along each ray direction of the rotated ellipse
    ct, st = np.cos(th - phi), np.sin(th - phi)
    r_pred = a * b / np.sqrt((b * ct) ** 2 + (a * st) ** 2)
    steps = np.linspace(1 - SEARCH, 1 + SEARCH, 61)
    rr = r_pred[:, None] * steps[None, :]
    xs = centre[0] + rr * np.cos(th)[:, None]
    ys = centre[1] + rr * np.sin(th)[:, None]
    prof = cv2.remap(
        fmap, xs.astype(np.float32), ys.astype(np.float32), cv2.INTER_LINEAR, borderValue=np.nan
    )
    inside = (xs >= active_x[0] + 1) & (xs <= active_x[1] - 2) & (ys >= 1) & (ys <= h - 2)
    pts = []
    for i in range(len(th)):
        if not inside[i].all():
            continue
        d = -np.diff(prof[i])  # fall from plate to background, outwards
        if not np.isfinite(d).all():
            continue
        strong = d >= 0.5 * d.max()
        if d.max() < 0.02:
            continue
        j = int(np.nonzero(strong)[0][-1]) if edge == "outermost" else int(np.argmax(d))
        while j + 1 < len(d) and d[j + 1] > d[j]:
            j += 1
        while j - 1 >= 0 and d[j - 1] > d[j]:
            j -= 1
        off = 0.0
        if 0 < j < len(d) - 1:
            den = d[j - 1] - 2 * d[j] + d[j + 1]
            if den < 0:
                off = 0.5 * (d[j - 1] - d[j + 1]) / den
        r = rr[i, 0] + (j + 0.5 + off) * (rr[i, 1] - rr[i, 0])
        pts.append((centre[0] + r * np.cos(th[i]), centre[1] + r * np.sin(th[i])))
    return np.array(pts, float), len(th)


def ellipse_residual(pts, ell):
    (cx, cy), (ma, mi), ang = ell
    phi = np.deg2rad(ang)
    dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
    u = dx * np.cos(phi) + dy * np.sin(phi)
    v = -dx * np.sin(phi) + dy * np.cos(phi)
    a, b = ma / 2, mi / 2
    rho = np.hypot(u, v)
    t = np.arctan2(v, u)
    r_e = a * b / np.sqrt((b * np.cos(t)) ** 2 + (a * np.sin(t)) ** 2)
    return np.abs(rho - r_e)


def ransac_ellipse(pts, rng, prior_axes, tol, iters=200):
    if len(pts) < 6:
        return None, None
    best, best_in = None, None
    for _ in range(iters):
        s = pts[rng.choice(len(pts), 6, replace=False)].astype(np.float32)
        try:
            ell = cv2.fitEllipse(s)
        except cv2.error:
            continue
        if not np.all(np.isfinite(ell[1])) or min(ell[1]) <= 0:
            continue
        # the plate's size and shape change slowly: each axis within SIZE_TOL of the prior's
        got, want = sorted(ell[1]), sorted(prior_axes)
        if abs(got[0] / want[0] - 1) > tol or abs(got[1] / want[1] - 1) > tol:
            continue
        inl = ellipse_residual(pts, ell) < INLIER_PX
        if best_in is None or inl.sum() > best_in.sum():
            best, best_in = ell, inl
    if best is None or best_in.sum() < 6:
        return None, None
    ell = cv2.fitEllipse(pts[best_in].astype(np.float32))
    inl = ellipse_residual(pts, ell) < INLIER_PX
    if inl.sum() >= 6:
        ell = cv2.fitEllipse(pts[inl].astype(np.float32))
    return ell, inl


def canny_variant(fmap, ell, active_x):
    """Variant B: an ellipse through the Canny edges of the feature map near the fitted rim."""
    u8 = np.clip(fmap * 255, 0, 255).astype(np.uint8)
    edges = cv2.Canny(u8, 30, 90)
    edges[:, : active_x[0] + 2] = 0
    edges[:, active_x[1] - 2 :] = 0
    ys, xs = np.nonzero(edges)
    if len(xs) < 10:
        return None
    pts = np.column_stack([xs, ys]).astype(float)
    res = ellipse_residual(pts, ell)
    near = pts[res < 4]
    if len(near) < 10:
        return None
    try:
        e2 = cv2.fitEllipse(near.astype(np.float32))
        near2 = pts[ellipse_residual(pts, e2) < 2]
        return cv2.fitEllipse(near2.astype(np.float32)) if len(near2) >= 10 else e2
    except cv2.error:
        return None


def track(frames, clip: RefClip, held_axes=None):
    n = len(frames)
    first, last = clip.frames if clip.frames is not None else (0, n - 1)
    out: list[dict | None] = [{"frame": i, "quality": "missing"} for i in range(n)]
    rng = np.random.default_rng(0)
    r0 = clip.seed_radius_px
    for direction in (+1, -1):
        centre = np.array(clip.seed_xy_px, float)
        vel = np.zeros(2)
        axes, angle = (2 * r0, 2 * r0), 0.0
        if held_axes is not None:
            axes = held_axes
        rng_frames = (
            range(clip.seed_frame, last + 1)
            if direction > 0
            else range(clip.seed_frame, first - 1, -1)
        )
        for k, i in enumerate(rng_frames):
            if direction < 0 and k == 0:
                continue
            fmap = feature_map(frames[i], clip.feature)
            pred = centre + vel
            ell, inl = None, None
            for _ in range(3):  # re-centre the rays on the fit: rays across the centre see the rim
                pts, n_rays = ray_points(fmap, pred, axes, angle, clip.active_x_px, clip.edge)
                ell, inl = ransac_ellipse(pts, rng, axes, HOLD_TOL if held_axes else SIZE_TOL)
                if ell is None:
                    break
                if np.hypot(ell[0][0] - pred[0], ell[0][1] - pred[1]) < 0.3:
                    break
                pred = np.array(ell[0], float)
            if ell is None:
                out[i] = {"frame": i, "quality": "missing"}
                centre = pred
                continue
            coverage = inl.sum() / n_rays
            e2 = canny_variant(fmap, ell, clip.active_x_px)
            agree = np.inf if e2 is None else float(np.hypot(*np.subtract(e2[0], ell[0])))
            ok = agree <= AGREE_PX and coverage >= MIN_COVERAGE
            new = np.array(ell[0], float)
            if k > 0:
                vel = new - centre
            centre = new
            # smooth the size a little so one poor frame does not run away with it
            if held_axes is None:
                axes = (0.7 * axes[0] + 0.3 * ell[1][1], 0.7 * axes[1] + 0.3 * ell[1][0])
                angle = ell[2] + 90.0
            out[i] = {
                "frame": i,
                "x_px": ell[0][0],
                "y_px": ell[0][1],
                "major_px": max(ell[1]),
                "minor_px": min(ell[1]),
                "angle_deg": ell[2],
                "coverage": coverage,
                "agree_px": agree,
                "quality": "ok" if ok else "unsure",
                "pts": pts,
                "inl": inl,
                "ell": ell,
            }
    return out


def write_csv(rows, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["frame", "x_px", "y_px", "major_px", "minor_px", "quality"])
        for r in rows:
            if r["quality"] == "missing":
                w.writerow([r["frame"], "", "", "", "", "missing"])
            else:
                w.writerow(
                    [
                        r["frame"],
                        f"{r['x_px']:.2f}",
                        f"{r['y_px']:.2f}",
                        f"{r['major_px']:.1f}",
                        f"{r['minor_px']:.1f}",
                        r["quality"],
                    ]
                )


def sheet(frames, rows, clip: RefClip, out_dir: Path, n_show: int = 16) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    idx = np.linspace(0, len(frames) - 1, n_show).astype(int)
    tiles = []
    for i in idx:
        r = rows[i]
        im = frames[i].copy()
        if r["quality"] != "missing":
            cx, cy = r["x_px"], r["y_px"]
            half = int(0.7 * r["major_px"])
            x0, y0 = int(cx) - half, int(cy) - half
            pad = cv2.copyMakeBorder(im, half, half, half, half, cv2.BORDER_CONSTANT)
            crop = pad[y0 + half : y0 + 3 * half, x0 + half : x0 + 3 * half]
            z = 4
            crop = cv2.resize(crop, None, fx=z, fy=z, interpolation=cv2.INTER_NEAREST)
            e = r["ell"]
            ez = (
                (z * (e[0][0] - x0 + 0.5) - 0.5, z * (e[0][1] - y0 + 0.5) - 0.5),
                (z * e[1][0], z * e[1][1]),
                e[2],
            )
            cv2.ellipse(crop, ez, (0, 255, 0), 1)
            for p, good in zip(r["pts"], r["inl"], strict=True):
                q = (int(z * (p[0] - x0 + 0.5)), int(z * (p[1] - y0 + 0.5)))
                cv2.circle(crop, q, 3, (0, 0, 255) if good else (255, 0, 0), -1)
            c = (int(z * (cx - x0 + 0.5)), int(z * (cy - y0 + 0.5)))
            cv2.drawMarker(crop, c, (0, 255, 255), cv2.MARKER_CROSS, 20, 2)
            tile = cv2.resize(crop, (400, 400))
        else:
            tile = np.zeros((400, 400, 3), np.uint8)
        cv2.putText(
            tile,
            f"{i} {r['quality']} d={r.get('agree_px', np.nan):.1f}",
            (5, 25),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.7,
            (0, 255, 255),
            2,
        )
        tiles.append(tile)
    rows_img = [np.hstack(tiles[k : k + 4]) for k in range(0, len(tiles), 4)]
    cv2.imwrite(str(out_dir / f"{clip.stem}__zoom.png"), np.vstack(rows_img))
    # whole frames, smaller, for context
    small = []
    for i in idx[::2]:
        r = rows[i]
        im = frames[i].copy()
        if r["quality"] != "missing":
            cv2.ellipse(im, r["ell"], (0, 255, 0), 2)
        x0, x1 = clip.active_x_px
        small.append(cv2.resize(im[:, x0:x1], None, fx=0.5, fy=0.5))
    cv2.imwrite(str(out_dir / f"{clip.stem}__frames.png"), np.hstack(small))
    rim_crops(frames, rows, clip, out_dir)


def rim_crops(frames, rows, clip: RefClip, out_dir: Path, n_show: int = 6, z: int = 6) -> None:
    """The rim at 4 directions (right, bottom, left, top), zoomed z times, fit drawn 1 px wide."""
    idx = np.linspace(0, len(frames) - 1, n_show).astype(int)
    lines = []
    for i in idx:
        r = rows[i]
        if r["quality"] == "missing":
            continue
        e = r["ell"]
        row = []
        for t in (0, 90, 180, 270):
            (cx, cy), (d1, d2), ang = e
            # a point on the ellipse in direction t (image angle), found on the residual's zero
            th = np.deg2rad(t)
            rs = np.linspace(0.5, 1.5, 400) * max(d1, d2) / 2
            pts = np.column_stack([cx + rs * np.cos(th), cy + rs * np.sin(th)])
            p = pts[np.argmin(ellipse_residual(pts, e))]
            half = 12
            x0, y0 = int(np.floor(p[0] + 0.5)) - half, int(np.floor(p[1] + 0.5)) - half
            pad = cv2.copyMakeBorder(frames[i], 80, 80, 80, 80, cv2.BORDER_CONSTANT)
            crop = pad[y0 + 80 : y0 + 80 + 2 * half, x0 + 80 : x0 + 80 + 2 * half]
            big = cv2.resize(crop, None, fx=z, fy=z, interpolation=cv2.INTER_NEAREST)
            ez = ((z * (cx - x0 + 0.5), z * (cy - y0 + 0.5)), (z * d1, z * d2), ang)
            cv2.ellipse(big, ez, (0, 255, 0), 1)
            cv2.putText(big, f"{i}/{t}", (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 255, 255), 1)
            row.append(big)
        lines.append(np.hstack(row))
    cv2.imwrite(str(out_dir / f"{clip.stem}__rim.png"), np.vstack(lines))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", choices=sorted(CLIPS))
    ap.add_argument("--sheet", type=Path, help="folder for overlay images to check by eye")
    ap.add_argument("--out", type=Path, default=REPO / "data" / "annotations")
    args = ap.parse_args(argv)
    data = os.environ.get("FORMLAB_DATA_DIR")
    if not data:
        raise SystemExit("set FORMLAB_DATA_DIR to the sample data folder (videos/)")
    clip = CLIPS[args.clip]
    frames = frames_of(Path(data) / "videos" / f"{clip.stem}.mp4")
    rows = track(frames, clip)
    if clip.hold_size:
        ok = [r for r in rows if r["quality"] == "ok"]
        d = float(np.median([np.sqrt(r["major_px"] * r["minor_px"]) for r in ok]))
        rows = track(frames, clip, held_axes=(d, d))
    write_csv(rows, args.out / f"{clip.stem}__plate_centre.csv")
    q = [r["quality"] for r in rows]
    agree = np.array([r.get("agree_px", np.nan) for r in rows])
    print(
        f"{clip.stem}: {len(rows)} frames; ok {q.count('ok')} / unsure {q.count('unsure')} /"
        f" missing {q.count('missing')}; variant agreement median {np.nanmedian(agree[np.isfinite(agree)]):.2f} px,"
        f" p95 {np.nanpercentile(agree[np.isfinite(agree)], 95):.2f} px"
    )
    print("unsure:", [r["frame"] for r in rows if r["quality"] == "unsure"])
    if args.sheet:
        sheet(frames, rows, clip, args.sheet)


if __name__ == "__main__":
    main(sys.argv[1:])
