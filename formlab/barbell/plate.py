"""Following the barbell's plate (and the end of the bar) through a side-view video.

The pose model does not see the bar: the article's proxy, the midpoint of the
wrists, is off by several centimetres whenever the hands hide behind a plate or
the grip is wide. Seen from the side, the bar end is the centre of a big, round
plate, which classic image processing finds reliably. This module:

1. **seeds** on the plate: in frames where the pose is known, circles are
   searched (``cv2.HoughCircles``) around the hands with radii plausible for
   a plate (a 0.45 m plate is about 0.45 torso lengths across the middle),
   and the plate is accepted once the same circle is found in
   ``seed_frames`` consecutive frames;
2. **tracks** it frame by frame: a circle of about the same radius near the
   position predicted from the previous frames, or, when no circle is found
   (motion blur, an arm across the plate), the best match of the last plate
   image (normalised cross-correlation inside a circular mask); after
   ``max_lost_s`` without a match it seeds again;
3. **finds the bar end** (optional): when the camera is close, the sleeve
   end sticks out of the plate towards the camera and, by perspective, is
   not drawn over the plate centre (in ``barpath-lukestynes__small-squat``
   it is 60 px above the centre at the top of the squat and 90 px below it
   at the bottom). Small circles of the size of a sleeve end are collected
   inside the plate, and the offset model ``end = centre + m (centre - c0) + b``
   (a scaling about the vanishing point of the bar axis) supported by the
   most frames is kept (RANSAC); each frame's bar end is its candidate
   closest to the model, or the model itself.

Frames are streamed with :func:`formlab.media.iter_video_frames`, never held
in memory together. All sizes are relative to the plate radius or the torso
length, all durations in seconds.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import GRIP
from ..core.track import PoseTrack
from ..io.media import iter_video_frames
from ..pose.persons import torso_centre_and_scale


@dataclass(frozen=True)
class PlateTrackerOptions:
    """Settings of :func:`track_plate`. Sizes are relative, durations in seconds.

    Attributes
    ----------
    plate_radius_torso : (float, float)
        Range of plate radii searched when seeding, in torso lengths
        (shoulder midpoint to hip midpoint, about 0.5 m). A standard 0.45 m
        plate has a radius of about 0.45 torso lengths; 0.2-0.7 also admits
        smaller technique plates and perspective.
    search_torso : float
        How far from the hands the plate's centre may be when seeding, in
        torso lengths (1.0: the plate hub is next to the hands or shoulders).
    seed_frames : int
        Consecutive frames in which the same circle must be found before it
        is trusted (3: one stray circle in the background is not enough).
    radius_tolerance : float
        Relative change of radius allowed from frame to frame (0.15).
    max_speed_radii_per_s : float
        Fastest plate movement considered, in plate radii per second (12:
        about 2.7 m/s for a 0.45 m plate, faster than any lift).
    min_template_score : float
        Lowest normalised correlation accepted from the template fallback (0.6).
    max_lost_s : float
        After this long without finding the plate as a circle near the hands
        (within ``max_hand_distance_radii`` + 1 radii) the tracker seeds
        again (0.5 s): the template fallback alone cannot keep it on a round
        thing in the background.
    work_radius_px : float
        Images are scaled so that the plate radius is about this many pixels
        before circles are searched (40: fast, and enough for sub-pixel
        accuracy at the original size after averaging).
    find_bar_end : bool
        Look for the sleeve end (see the module docstring); otherwise the bar
        end is the plate centre.
    sleeve_radius_range : (float, float)
        Radius of the sleeve end, in plate radii (0.08-0.16: a 50 mm sleeve on
        a 450 mm plate is 0.11, a little more when it is closer to the camera).
    min_bar_end_support : float
        Fraction of the plate frames in which a sleeve-end circle must agree
        with the offset model for it to be used (0.25: with the plausibility
        checks on the model, a quarter of the frames agreeing is far beyond
        chance); otherwise the plate centre is the bar end.
    min_circle_fraction, max_hand_distance_radii, max_hand_distance_sd_radii : float
        The check that what was followed is a plate on the lifter's bar (see
        :func:`track_plate`): found as a circle (not only by the template
        fallback) in at least half the tracked frames, its centre within one
        plate radius of the grip centre (median over frames; the hands hold
        the bar, which a side view shows next to the plate's hub), and that
        distance steady (standard deviation at most 0.4 radius). On the
        sample videos, the two with a plate pass with margin (0.3 and 0.6
        radius, 0.2 sd, circles in 94-96 % of frames) and every video
        without one fails (heads, wheels and shadows: 1.3-3.9 radii or
        circles in under 30 % of the frames).
    """

    plate_radius_torso: tuple[float, float] = (0.2, 0.7)
    search_torso: float = 1.0
    seed_frames: int = 3
    radius_tolerance: float = 0.15
    max_speed_radii_per_s: float = 12.0
    min_template_score: float = 0.6
    max_lost_s: float = 0.5
    work_radius_px: float = 40.0
    find_bar_end: bool = True
    sleeve_radius_range: tuple[float, float] = (0.08, 0.16)
    min_bar_end_support: float = 0.25
    min_circle_fraction: float = 0.5
    max_hand_distance_radii: float = 1.0
    max_hand_distance_sd_radii: float = 0.4

    def __post_init__(self) -> None:
        lo, hi = self.plate_radius_torso
        if not 0 < lo < hi:
            raise ConfigError(f"plate_radius_torso must be (low, high) with 0 < low < high, got {self.plate_radius_torso}")
        lo, hi = self.sleeve_radius_range
        if not 0 < lo < hi < 1:
            raise ConfigError(f"sleeve_radius_range must be (low, high) with 0 < low < high < 1, got {self.sleeve_radius_range}")
        if not isinstance(self.seed_frames, int) or self.seed_frames < 1:
            raise ConfigError(f"seed_frames must be an integer >= 1, got {self.seed_frames!r}")
        for name in ("search_torso", "radius_tolerance", "max_speed_radii_per_s", "max_lost_s", "work_radius_px",
                     "max_hand_distance_radii", "max_hand_distance_sd_radii"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not v > 0:
                raise ConfigError(f"{name} must be a number > 0, got {v!r}")
        for name in ("min_template_score", "min_bar_end_support", "min_circle_fraction"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ConfigError(f"{name} must be between 0 and 1, got {v!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PlateTrack:
    """Where the plate and the bar end are in every frame of a video.

    Attributes
    ----------
    frame, time_s : ndarray (n,)
        The pose track's frames and times.
    centre_xy_px : ndarray (n, 2)
        Plate centre in image pixels (NaN where not found).
    radius_px : ndarray (n,)
        Plate radius in pixels.
    bar_end_xy_px : ndarray (n, 2)
        The end of the bar (sleeve end when found, else the plate centre).
    how : ndarray of str (n,)
        ``"circle"``, ``"template"`` or ``""`` (not found) for the plate.
    bar_end_how : ndarray of str (n,)
        ``"sleeve"`` (a sleeve-end circle), ``"model"`` (the offset model),
        ``"centre"`` (plate centre) or ``""``.
    info : dict
        Options, the offset model and counts.
    """

    frame: np.ndarray
    time_s: np.ndarray
    centre_xy_px: np.ndarray
    radius_px: np.ndarray
    bar_end_xy_px: np.ndarray
    how: np.ndarray
    bar_end_how: np.ndarray
    info: dict = field(default_factory=dict)

    @property
    def found(self) -> np.ndarray:
        """Frames in which the plate was found."""
        return np.isfinite(self.centre_xy_px).all(axis=1)

    def median_radius_px(self) -> float:
        r = self.radius_px[np.isfinite(self.radius_px)]
        return float(np.median(r)) if r.size else float("nan")


# ----------------------------------------------------------------------------- image helpers
def _frames(video, start: int, stop: int, progress: bool, what: str):
    """The frames ``start`` to ``stop - 1`` of ``video``, with a progress bar if asked for."""
    from tqdm.auto import tqdm

    with tqdm(total=stop - start, desc=f"{what} in {Path(video).name}", unit="frame", disable=not progress,
              leave=False) as bar:
        for fr in iter_video_frames(video, start_frame=start, end_frame=stop):
            yield fr
            bar.update(1)


def _gray(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _circles(gray: np.ndarray, centre_xy: np.ndarray, half: float, r_min: float, r_max: float,
             scale: float, param2: float = 0.6) -> np.ndarray:
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
    small = cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else roi
    s = scale if scale < 1 else 1.0
    small = cv2.GaussianBlur(small, (5, 5), 1.2)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=3, param1=150, param2=param2,
                             minRadius=max(2, int(r_min * s)), maxRadius=int(math.ceil(r_max * s)) + 1)
    if found is None:
        return np.zeros((0, 3))
    c = found[0].astype(float) / s
    c[:, 0] += x0
    c[:, 1] += y0
    return c


def _template_match(gray: np.ndarray, template: np.ndarray, mask: np.ndarray, centre_xy: np.ndarray,
                    half: float, scale: float) -> tuple[np.ndarray | None, float]:
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


def _plate_template(gray: np.ndarray, centre: np.ndarray, radius: float, scale: float):
    import cv2

    half = int(math.ceil(radius * 1.1 * scale))
    small_c = centre * scale
    x0, y0 = int(round(small_c[0])) - half, int(round(small_c[1])) - half
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if x0 < 0 or y0 < 0 or x0 + 2 * half > small.shape[1] or y0 + 2 * half > small.shape[0]:
        return None
    tpl = small[y0:y0 + 2 * half, x0:x0 + 2 * half].copy()
    yy, xx = np.mgrid[:2 * half, :2 * half] - half + 0.5
    mask = ((xx ** 2 + yy ** 2) <= (radius * scale) ** 2).astype(np.uint8)
    return tpl, mask


# ----------------------------------------------------------------------------- the tracker
def _hands_and_torso(track: PoseTrack) -> tuple[np.ndarray, float]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hands = np.nanmean(track.xy_px[:, list(GRIP)], axis=1)
    _, torso = torso_centre_and_scale(track.xy_px)
    torso = torso[np.isfinite(torso) & (torso > 0)]
    if torso.size == 0:
        raise InputError(f"{track.meta.source}: no frame with a pose, so the plate cannot be searched for")
    return hands, float(np.median(torso))


def track_plate(
    video: str | Path,
    track: PoseTrack,
    options: PlateTrackerOptions | None = None,
    *,
    progress: bool = False,
) -> PlateTrack:
    """Find the barbell plate (and the bar end) in every frame of a side-view video.

    Parameters
    ----------
    video : path
        The video the pose track was extracted from.
    track : PoseTrack
        Its pose track (any cleaning applied); the hands seed the search and
        the torso length sets the plausible plate size.
    options : PlateTrackerOptions, optional
    progress : bool
        Show a progress bar per pass over the video (``tqdm.auto``): tracking
        reads the video once or twice, about as long as decoding it.

    Returns
    -------
    PlateTrack

    Raises
    ------
    InputError
        If the video does not match the track (other frame size) or the track
        has no pose.

    Notes
    -----
    Works on side views, where the plate is a circle. When what was followed
    is not a plate on the lifter's bar (a bodyweight exercise, a front view
    where plates are edge-on, a round object near the hands; see
    ``PlateTrackerOptions.max_hand_distance_radii``), every position is NaN
    and ``info["held_by_lifter"]["reason"]`` says why: use a pose proxy
    (:func:`formlab.bar_path` with ``"grip_centre"``) there.
    """
    from ..io.media import probe_video

    o = options or PlateTrackerOptions()
    if not isinstance(o, PlateTrackerOptions):
        raise ConfigError(f"options must be PlateTrackerOptions, got {type(o).__name__}")
    info = probe_video(video)
    if (info.width_px, info.height_px) != (track.meta.width_px, track.meta.height_px):
        raise InputError(f"{video}: frame size {info.width_px}x{info.height_px} does not match the pose track's "
                         f"{track.meta.width_px}x{track.meta.height_px}")
    hands, torso = _hands_and_torso(track)
    n = track.n_frames
    row_of = {int(f): i for i, f in enumerate(track.frame)}
    centre = np.full((n, 2), np.nan)
    radius = np.full(n, np.nan)
    how = np.full(n, "", dtype=object)
    sleeve_cands: dict[int, np.ndarray] = {}

    seed: list[tuple[int, np.ndarray]] = []  # consecutive consistent detections while seeding
    locked = False
    last_c = last_v = None
    r_est = float("nan")
    last_t = last_confirmed_t = -math.inf
    template = None
    dt_med = 1.0 / track.fps if math.isfinite(track.fps) and track.fps > 0 else 1.0 / 30

    start, stop = int(track.frame[0]), int(track.frame[-1]) + 1
    for fr in _frames(video, start, stop, progress, "tracking the plate"):
        i = row_of.get(fr.index)
        if i is None:
            continue
        t = float(track.time_s[i])
        gray = _gray(fr.rgb)
        if locked and t - last_confirmed_t > o.max_lost_s:
            # not seen as a circle near the hands for too long (lost, or the template stuck on the background)
            locked, seed, template = False, [], None
        if not locked:
            if not np.isfinite(hands[i]).all():
                seed = []
                continue
            r_lo, r_hi = (f * torso for f in o.plate_radius_torso)
            scale = min(1.0, o.work_radius_px / (0.5 * (r_lo + r_hi)))
            cands = _circles(gray, hands[i], (o.search_torso + o.plate_radius_torso[1]) * torso, r_lo, r_hi, scale)
            if len(cands):
                # a plate on the lifter's bar has the hands within about a radius of its centre
                d = np.linalg.norm(cands[:, :2] - hands[i], axis=1)
                cands = cands[(d <= o.search_torso * torso) & (d <= o.max_hand_distance_radii * cands[:, 2])]
            if not len(cands):
                seed = []
                continue
            best = cands[np.argmin(np.linalg.norm(cands[:, :2] - hands[i], axis=1))]
            if seed:
                prev = seed[-1][1]
                ok = (abs(best[2] - prev[2]) <= o.radius_tolerance * prev[2]
                      and np.linalg.norm(best[:2] - prev[:2]) <= _gate(prev[2], t - seed[-1][0], o))
                seed = seed + [(t, best)] if ok else [(t, best)]
            else:
                seed = [(t, best)]
            if len(seed) < o.seed_frames:
                continue
            locked = True
            r_est = r_seed = float(np.median([s[1][2] for s in seed]))
            last_c, last_v = best[:2].copy(), np.zeros(2)
            found = best
            method = "circle"
        else:
            dt = t - last_t
            pred = last_c + last_v * dt
            gate = _gate(r_est, dt, o)
            scale = min(1.0, o.work_radius_px / r_est)
            # the plate's radius hardly changes in a side view: stay within the tolerance of the seed's
            cands = _circles(gray, pred, r_seed * (1 + o.radius_tolerance) + gate, r_seed * (1 - o.radius_tolerance),
                             r_seed * (1 + o.radius_tolerance), scale)
            found, method = None, ""
            if len(cands):
                # closest to the prediction, a radius change counting like a displacement
                d = np.linalg.norm(cands[:, :2] - pred, axis=1) + 4.0 * np.abs(cands[:, 2] - r_est)
                k = int(np.argmin(d))
                if np.linalg.norm(cands[k, :2] - pred) <= gate:
                    found, method = cands[k], "circle"
            if found is None and template is not None:
                pos, score = _template_match(gray, template[0], template[1], pred, gate, scale)
                if pos is not None and score >= o.min_template_score and np.linalg.norm(pos - pred) <= gate:
                    found, method = np.array([pos[0], pos[1], r_est]), "template"
            if found is None:
                last_v = last_v * 0.5
                continue
            new_c = found[:2]
            v = (new_c - last_c) / max(dt, 1e-6) if dt <= 3 * dt_med else np.zeros(2)
            last_v = 0.5 * last_v + 0.5 * v  # smoothed: one noisy circle does not throw the prediction
            last_c = new_c.copy()
            if method == "circle":
                r_est = 0.9 * r_est + 0.1 * float(found[2])
        last_t = t
        near_hands = (not np.isfinite(hands[i]).all()
                      or np.linalg.norm(found[:2] - hands[i]) <= (o.max_hand_distance_radii + 1.0) * r_est)
        if method == "circle" and near_hands:
            last_confirmed_t = t
        centre[i] = found[:2]
        radius[i] = found[2] if method == "circle" else np.nan
        how[i] = method
        if method == "circle":
            template = _plate_template(gray, found[:2], r_est, min(1.0, o.work_radius_px / r_est)) or template
        if o.find_bar_end:
            lo, hi = (f * r_est for f in o.sleeve_radius_range)
            sc = _circles(gray, found[:2], 0.95 * r_est, lo, hi, min(1.0, 100.0 / r_est), param2=0.5)
            if len(sc):
                # off-centre circles only: a circle on the centre is the hub (or a sleeve seen end-on,
                # which is the centre anyway)
                d = np.linalg.norm(sc[:, :2] - found[:2], axis=1)
                sleeve_cands[i] = sc[(d >= 0.12 * r_est) & (d <= 0.8 * r_est)]

    held, held_info = _held_by_lifter(centre, radius, how, track, o)
    if not held:
        centre[:] = np.nan
        radius[:] = np.nan
        how[:] = ""
        sleeve_cands = {}
    bar_end = centre.copy()
    end_how = np.where(np.isfinite(centre[:, 0]), "centre", "").astype(object)
    model_info: dict[str, Any] = {"used": False}
    if o.find_bar_end and sleeve_cands:
        bar_end, end_how, model_info = _bar_end_from_sleeves(centre, radius, sleeve_cands, o,
                                                             (track.meta.width_px, track.meta.height_px))
        if model_info.get("used"):
            _follow_sleeve_end(video, track, bar_end, end_how, model_info, sleeve_cands, o, progress)
    return PlateTrack(
        frame=track.frame.copy(), time_s=track.time_s.copy(), centre_xy_px=centre, radius_px=radius,
        bar_end_xy_px=bar_end, how=how.astype(str), bar_end_how=np.asarray(end_how, dtype=str),
        info={"options": o.to_dict(), "torso_px": torso, "bar_end_model": model_info, "held_by_lifter": held_info,
              "n_circle": int((how == "circle").sum()), "n_template": int((how == "template").sum()),
              "video": str(video)},
    )


def _held_by_lifter(centre, radius, how, track: PoseTrack, o: PlateTrackerOptions) -> tuple[bool, dict]:
    """Whether the circle followed is a plate on the lifter's bar (see ``PlateTrackerOptions``)."""
    import warnings


    tracked = np.isfinite(centre).all(axis=1)
    r = radius[np.isfinite(radius)]
    if tracked.sum() < 3 or r.size == 0:
        return False, {"held": False, "reason": "no plate-sized circle found near the hands"}
    r_med = float(np.median(r))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        grip = np.nanmean(track.xy_px[:, list(GRIP)], axis=1)
    d = np.linalg.norm(centre - grip, axis=1) / r_med
    d = d[np.isfinite(d)]
    circle = float(np.mean(how[tracked] == "circle"))
    stats = {"circle_fraction": circle, "hand_distance_radii": float(np.median(d)) if d.size else float("nan"),
             "hand_distance_sd_radii": float(np.std(d)) if d.size else float("nan")}
    reasons = []
    if circle < o.min_circle_fraction:
        reasons.append(f"seen as a circle in only {circle:.0%} of the frames")
    if not stats["hand_distance_radii"] <= o.max_hand_distance_radii:
        reasons.append(f"{stats['hand_distance_radii']:.1f} plate radii from the hands")
    if not stats["hand_distance_sd_radii"] <= o.max_hand_distance_sd_radii:
        reasons.append(f"not moving with the hands (distance varies by {stats['hand_distance_sd_radii']:.1f} radii)")
    held = not reasons
    return held, {"held": held, "reason": "; ".join(reasons) or "plate on the lifter's bar", **stats}


def _gate(radius: float, dt: float, o: PlateTrackerOptions) -> float:
    """Largest plausible plate movement in ``dt`` seconds, in pixels (at least a quarter radius for jitter)."""
    return radius * max(0.25, o.max_speed_radii_per_s * max(dt, 0.0))


def _plausible_perspective(m: float, b: np.ndarray, c0: np.ndarray, image_size: tuple[int, int]) -> bool:
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


def _bar_end_from_sleeves(centre, radius, cands: dict[int, np.ndarray], o: PlateTrackerOptions,
                          image_size: tuple[int, int]):
    """RANSAC fit of ``end = centre + m (centre - c0) + b`` to the sleeve-end candidates (see module docstring)."""
    rows = sorted(cands)
    r_med = float(np.nanmedian(radius))
    if not math.isfinite(r_med):
        r_med = float(np.nanmedian([c[:, 2].mean() / 0.11 for c in cands.values() if len(c)]))
    c0 = np.nanmean(centre[rows], axis=0)
    pts = [(i, cand) for i in rows for cand in cands[i][:, :2]]
    if len(pts) < 2:
        return centre.copy(), np.where(np.isfinite(centre[:, 0]), "centre", "").astype(object), {"used": False}
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
        if not _plausible_perspective(m, bb, c0, image_size):
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
    return end, end_how, {"used": True, "m": float(m), "b_px": b.tolist(), "c0_px": c0.tolist(),
                          "sleeve_radius_px": float(np.median(sleeve_r)), "plate_radius_px": r_med,
                          "vanishing_point_px": (c0 - b / m).tolist(), "support": len(inl) / max(n_plate, 1)}


def _follow_sleeve_end(video, track: PoseTrack, end: np.ndarray, end_how: np.ndarray, model: dict,
                       cands: dict[int, np.ndarray], o: PlateTrackerOptions, progress: bool = False) -> None:
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
    half = int(math.ceil(2.0 * r_tip * scale))
    row_of = {int(f): i for i, f in enumerate(track.frame)}

    def cut(gray, xy):
        x0, y0 = xy[0] - (half + 0.5) / scale, xy[1] - (half + 0.5) / scale
        x1, y1 = xy[0] + (half + 0.5) / scale, xy[1] + (half + 0.5) / scale
        if x0 < 0 or y0 < 0 or x1 > gray.shape[1] or y1 > gray.shape[0]:
            return None
        patch = gray[int(y0):int(math.ceil(y1)), int(x0):int(math.ceil(x1))]
        return cv2.resize(patch, (2 * half + 1, 2 * half + 1), interpolation=cv2.INTER_AREA)

    def match(gray, tpl, pred, search):
        x0, y0 = int(max(0, pred[0] - search - 3 * r_tip)), int(max(0, pred[1] - search - 3 * r_tip))
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
    tip = vel = None
    last_t = None
    for fr in _frames(video, int(track.frame[0]), int(track.frame[-1]) + 1, progress, "following the bar end"):
        i = row_of.get(fr.index)
        if i is None:
            continue
        gray = _gray(fr.rgb)
        t = float(track.time_s[i])
        if i < first:
            continue  # handled after the forward pass, with the first template
        if i == first:
            tip, vel, last_t = end[i].copy(), np.zeros(2), t
            tpl = first_tpl = cut(gray, tip)
            new_end[i], new_how[i] = tip, "sleeve"
            continue
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
        for fr in iter_video_frames(video, start_frame=int(track.frame[0]), end_frame=int(track.frame[first])):
            i = row_of.get(fr.index)
            if i is None or not np.isfinite(end[i]).all():
                continue
            pos, score = match(_gray(fr.rgb), first_tpl, end[i], 0.25 * r_plate)
            if pos is not None and score >= o.min_template_score:
                new_end[i], new_how[i] = pos, "sleeve_template"
    # frames the tracker did not reach keep the first pass's answer (a model-agreeing circle or the model)
    ok = np.isfinite(new_end).all(axis=1)
    end[ok] = new_end[ok]
    end_how[ok] = new_how[ok]
