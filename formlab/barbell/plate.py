"""Following the barbell's plate (and the end of the bar) through a side-view video.

The pose model does not see the bar: the article's proxy, the midpoint of the
wrists, is off by several centimetres whenever the hands hide behind a plate or
the grip is wide. Seen from the side, the bar end is the centre of a big, round
plate, which classic image processing finds reliably. This module:

1. **seeds** on the plate: in frames where the pose is known, circles are
   searched (``cv2.HoughCircles``) around the hands with radii plausible for
   a plate; the nearest are refined to their outermost concentric rim
   (:mod:`formlab.barbell.rim`) and the clearest rim, the hands' distance
   as a prior, is accepted once found in ``seed_frames`` consecutive frames;
2. **tracks** it frame by frame with a constant-velocity prediction: a
   circle near the prediction or the best match of the last plate image,
   refined by the rim fit, or the rim fitted at the prediction itself
   (re-acquisition); where that rim is not clear (a faint rim beside a bright
   painted ring pulls the fit off it), the rim is found from the inside, from the
   circle found and from the prediction (:func:`~formlab.barbell.rim.fit_rim_outward`);
   each frame has a confidence (the rim's support). After
   ``max_lost_s`` without a clear rim or a circle near the hands it seeds
   again. Runs without one clear rim are then dropped and the frames before
   each lock filled backwards (:mod:`formlab.barbell.plate_refill`);
3. **finds the bar end** (optional): when the camera is close, the sleeve
   end sticks out of the plate towards the camera and, by perspective, is
   not drawn over the plate centre (in ``barpath-lukestynes__small-squat``
   it is 60 px above the centre at the top of the squat and 90 px below it
   at the bottom). Small circles of the size of a sleeve end are collected
   inside the plate, and the offset model ``end = centre + m (centre - c0) + b``
   (a scaling about the vanishing point of the bar axis) supported by the
   most frames is kept (RANSAC); each frame's bar end is its candidate
   closest to the model, or the model itself.

Frames are streamed, never held in memory together. Sizes are relative to
the plate radius or the torso length, durations in seconds.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import GRIP
from ..core.track import PoseTrack
from ..pose.persons import torso_centre_and_scale
from .plate_held import held_by_lifter
from .plate_outer import OuterRimChecks
from .plate_refill import drop_unconfirmed_runs, refill_backwards
from .plate_result import CIRCLE_CONFIDENCE, TEMPLATE_CONFIDENCE, PlateTrack
from .plate_seed import best_seed
from .plate_vision import (
    bar_end_from_sleeves,
    find_circles,
    follow_sleeve_end,
    match_template,
    plate_template,
    read_frames,
    to_gray,
)
from .rim import RIM_CONFIDENT, RIM_RADIUS_CHANGE, fit_rim, fit_rim_outward, suspect


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
        thing in the background. Also after this long without a clear rim
        (``RIM_CONFIDENT``) since the lock's last one, back to which it forgets.
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
    min_rim_support : float
        Lowest rim-fit support (fraction of rays on the rim, :func:`formlab.barbell.rim.fit_rim`)
        for a frame's fit to be used (0.35: a third of the rim seen, the rest hidden by an arm,
        the legs or blur).
    min_rim_confidence, max_hand_distance_radii_rim, min_hand_correlation : float
        The hands as a prior, not a veto (:mod:`formlab.barbell.plate_held`): a plate whose rim
        was fitted with a median support of at least 0.5 is kept if it is within 2.5 radii of
        the hands and its height follows theirs (correlation >= 0.5), even when the pose puts
        the hands off the bar (a deadlift's lockout, hands hidden by the plate).
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
    min_rim_support: float = 0.35
    min_rim_confidence: float = 0.5
    max_hand_distance_radii_rim: float = 2.5
    min_hand_correlation: float = 0.5

    def __post_init__(self) -> None:
        lo, hi = self.plate_radius_torso
        if not 0 < lo < hi:
            raise ConfigError(
                f"plate_radius_torso must be (low, high) with 0 < low < high, got {self.plate_radius_torso}"
            )
        lo, hi = self.sleeve_radius_range
        if not 0 < lo < hi < 1:
            raise ConfigError(
                f"sleeve_radius_range must be (low, high) with 0 < low < high < 1, got {self.sleeve_radius_range}"
            )
        if not isinstance(self.seed_frames, int) or self.seed_frames < 1:
            raise ConfigError(f"seed_frames must be an integer >= 1, got {self.seed_frames!r}")
        for name in (
            "search_torso",
            "radius_tolerance",
            "max_speed_radii_per_s",
            "max_lost_s",
            "work_radius_px",
            "max_hand_distance_radii",
            "max_hand_distance_sd_radii",
            "max_hand_distance_radii_rim",
        ):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not v > 0:
                raise ConfigError(f"{name} must be a number > 0, got {v!r}")
        for name in (
            "min_template_score",
            "min_bar_end_support",
            "min_circle_fraction",
            "min_rim_support",
            "min_rim_confidence",
        ):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ConfigError(f"{name} must be between 0 and 1, got {v!r}")

    def to_dict(self) -> dict[str, Any]:
        """The options as a plain dict (for provenance)."""
        return dataclasses.asdict(self)


# ----------------------------------------------------------------------------- the tracker
def _hands_and_torso(track: PoseTrack) -> tuple[np.ndarray, float]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hands = np.nanmean(track.xy_px[:, list(GRIP)], axis=1)
    _, torso = torso_centre_and_scale(track.xy_px)
    torso = torso[np.isfinite(torso) & (torso > 0)]
    if torso.size == 0:
        raise InputError(
            f"{track.meta.source}: no frame with a pose, so the plate cannot be searched for"
        )
    return hands, float(np.median(torso))


def track_plate(  # noqa: C901  (one pass over the frames; split with the tracker rewrite, issue 16)
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
        raise InputError(
            f"{video}: frame size {info.width_px}x{info.height_px} does not match the pose track's "
            f"{track.meta.width_px}x{track.meta.height_px}"
        )
    hands, torso = _hands_and_torso(track)
    n = track.n_frames
    row_of = {int(f): i for i, f in enumerate(track.frame)}
    centre = np.full((n, 2), np.nan)
    radius = np.full(n, np.nan)
    how = np.full(n, "", dtype=object)
    confidence = np.zeros(n)
    n_confident = 0
    sleeve_cands: dict[int, np.ndarray] = {}

    seed: list[tuple[float, np.ndarray]] = []  # consecutive consistent detections while seeding
    locked = False
    last_c: np.ndarray | None = None
    last_v: np.ndarray | None = None
    r_est = float("nan")
    last_t = last_confirmed_t = clear_t = -math.inf
    clear_at: int | None = None  # the lock's last frame with a clear rim (RIM_CONFIDENT)
    template = None
    dt_med = 1.0 / track.fps if math.isfinite(track.fps) and track.fps > 0 else 1.0 / 30

    start, stop = int(track.frame[0]), int(track.frame[-1]) + 1
    outer = OuterRimChecks(
        float(track.time_s[-1] - track.time_s[0]), o.plate_radius_torso[1] * torso
    )
    for fr in read_frames(video, start, stop, progress, "tracking the plate"):
        i = row_of.get(fr.index)
        if i is None:
            continue
        t = float(track.time_s[i])
        gray = to_gray(fr.rgb)
        faded = clear_at is not None and t - clear_t > o.max_lost_s  # a lock without a clear rim
        if locked and (t - last_confirmed_t > o.max_lost_s or faded):
            # not seen as a circle near the hands for too long (lost, or the template stuck on the
            # background), or its rim no longer clear: what followed the last clear rim is forgotten
            if faded and clear_at is not None:  # (good009: a lock carried across a cut)
                gone = slice(clear_at + 1, i)
                centre[gone], radius[gone], how[gone], confidence[gone] = np.nan, np.nan, "", 0.0
            locked, seed, template, clear_at = False, [], None, None
        if not locked:
            if not np.isfinite(hands[i]).all():
                seed = []
                continue
            r_lo, r_hi = (f * torso for f in o.plate_radius_torso)
            scale = min(1.0, o.work_radius_px / (0.5 * (r_lo + r_hi)))
            cands = find_circles(
                gray,
                hands[i],
                (o.search_torso + o.plate_radius_torso[1]) * torso,
                r_lo,
                r_hi,
                scale,
            )
            if len(cands):
                # a plate on the lifter's bar has the hands within about a radius of its centre
                d = np.linalg.norm(cands[:, :2] - hands[i], axis=1)
                cands = cands[
                    (d <= o.search_torso * torso)
                    & (d <= o.max_hand_distance_radii_rim * cands[:, 2])
                ]
            if not len(cands):
                seed = []
                continue
            best, rim_conf = best_seed(fr.rgb, cands, hands[i], o, r_hi)
            if seed:
                prev = seed[-1][1]
                ok = abs(best[2] - prev[2]) <= o.radius_tolerance * prev[2] and np.linalg.norm(
                    best[:2] - prev[:2]
                ) <= _gate(prev[2], t - seed[-1][0], o)
                seed = [*seed, (t, best)] if ok else [(t, best)]
            else:
                seed = [(t, best)]
            if len(seed) < o.seed_frames:
                continue
            locked = True
            r_est = r_seed = float(np.median([s[1][2] for s in seed]))
            last_c, last_v = best[:2].copy(), np.zeros(2)
            found = best
            method = "rim" if rim_conf else "circle"
            conf = rim_conf or CIRCLE_CONFIDENCE
        else:
            assert last_c is not None and last_v is not None  # set when the seed locked
            dt = t - last_t
            pred = last_c + last_v * dt
            gate = _gate(r_est, dt, o)
            scale = min(1.0, o.work_radius_px / r_est)
            # the plate's radius hardly changes in a side view: stay within the tolerance of the seed's
            cands = find_circles(
                gray,
                pred,
                r_seed * (1 + o.radius_tolerance) + gate,
                r_seed * (1 - o.radius_tolerance),
                r_seed * (1 + o.radius_tolerance),
                scale,
            )
            found, method, conf = None, "", 0.0
            if len(cands):
                # closest to the prediction, a radius change counting like a displacement
                d = np.linalg.norm(cands[:, :2] - pred, axis=1) + 4.0 * np.abs(cands[:, 2] - r_est)
                k = int(np.argmin(d))
                if np.linalg.norm(cands[k, :2] - pred) <= gate:
                    found, method, conf = cands[k], "circle", CIRCLE_CONFIDENCE
            if found is None and template is not None:
                pos, score = match_template(gray, template[0], template[1], pred, gate, scale)
                if (
                    pos is not None
                    and score >= o.min_template_score
                    and np.linalg.norm(pos - pred) <= gate
                ):
                    found, method = np.array([pos[0], pos[1], r_est]), "template"
                    conf = TEMPLATE_CONFIDENCE
            # refine on the rim; where nothing else was found, look for the rim at the prediction
            rim = fit_rim(
                fr.rgb,
                found[:2] if found is not None else pred,
                r_est,
                band=(0.75, 1.3),
                radius_range=(r_est * (1 - RIM_RADIUS_CHANGE), r_est * (1 + RIM_RADIUS_CHANGE)),
                max_shift=0.5 if found is not None else max(0.5, gate / r_est),
                hypotheses=300,
            )
            if suspect(rim, pred, r_est):  # a faint rim: found from the inside
                band = (r_est * (1 - RIM_RADIUS_CHANGE), r_est * (1 + RIM_RADIUS_CHANGE))
                for from_xy in (pred,) if found is None else (found[:2], pred):  # motion model too
                    inward = fit_rim_outward(fr.rgb, from_xy, r_est, band)
                    if inward is not None and (rim is None or inward.support > rim.support):
                        rim = inward
            if rim is not None and rim.support >= o.min_rim_support:
                found = np.array([*rim.centre_xy_px, rim.radius_px])
                method, conf = "rim", rim.support
            if found is None:
                last_v = last_v * 0.5
                continue
            new_c = found[:2]
            v = (new_c - last_c) / max(dt, 1e-6) if dt <= 3 * dt_med else np.zeros(2)
            last_v = 0.5 * last_v + 0.5 * v  # smoothed: one noisy circle does not throw it
            last_c = new_c.copy()
            if (method == "circle" and not n_confident) or conf >= RIM_CONFIDENT:
                # the radius is learnt from clear rims only (blurred or half-hidden ones drift)
                r_est = 0.9 * r_est + 0.1 * float(found[2])
                n_confident += method == "rim"
        last_t = t
        near_hands = (
            not np.isfinite(hands[i]).all()
            or np.linalg.norm(found[:2] - hands[i]) <= (o.max_hand_distance_radii + 1.0) * r_est
        )
        if (method == "circle" and near_hands) or conf >= o.min_rim_confidence:
            last_confirmed_t = t  # a clear rim needs no hands to confirm it
        if conf >= RIM_CONFIDENT:
            clear_at, clear_t = i, t
        centre[i] = found[:2]
        radius[i] = found[2] if method in ("circle", "rim") else np.nan
        if method == "rim" and conf >= RIM_CONFIDENT and outer.due(t):
            outer.check(fr.rgb, t, found[:2], float(found[2]))  # the plate's size (plate_outer)
        how[i] = method
        confidence[i] = conf
        if method in ("circle", "rim"):
            template = (
                plate_template(gray, found[:2], r_est, min(1.0, o.work_radius_px / r_est))
                or template
            )
        if o.find_bar_end:
            lo, hi = (f * r_est for f in o.sleeve_radius_range)
            sc = find_circles(
                gray, found[:2], 0.95 * r_est, lo, hi, min(1.0, 100.0 / r_est), param2=0.5
            )
            if len(sc):
                # off-centre circles only: a circle on the centre is the hub (or a sleeve seen end-on,
                # which is the centre anyway)
                d = np.linalg.norm(sc[:, :2] - found[:2], axis=1)
                sleeve_cands[i] = sc[(d >= 0.12 * r_est) & (d <= 0.8 * r_est)]

    n_dropped = drop_unconfirmed_runs(centre, radius, how, confidence, RIM_CONFIDENT)
    n_refilled = refill_backwards(
        video,
        track,
        centre,
        radius,
        how,
        confidence,
        o,
        min_confidence=RIM_CONFIDENT,
        progress=progress,
    )
    sleeve_cands = {k: v for k, v in sleeve_cands.items() if np.isfinite(centre[k]).all()}
    held, held_info = held_by_lifter(centre, radius, how, confidence, track, o)
    if not held:
        centre[:] = np.nan
        radius[:] = np.nan
        how[:] = ""
        confidence[:] = 0.0
        sleeve_cands = {}
    bar_end = centre.copy()
    end_how = np.where(np.isfinite(centre[:, 0]), "centre", "").astype(object)
    model_info: dict[str, Any] = {"used": False}
    if o.find_bar_end and sleeve_cands:
        bar_end, end_how, model_info = bar_end_from_sleeves(
            centre, radius, sleeve_cands, o, (track.meta.width_px, track.meta.height_px)
        )
        if model_info.get("used"):
            follow_sleeve_end(video, track, bar_end, end_how, model_info, sleeve_cands, o, progress)
    outer_ratio, outer_info = outer.ratio()
    radius *= outer_ratio  # the rim's radius when the path followed an inner ring
    return PlateTrack(
        frame=track.frame.copy(),
        time_s=track.time_s.copy(),
        centre_xy_px=centre,
        radius_px=radius,
        bar_end_xy_px=bar_end,
        how=how.astype(str),
        bar_end_how=np.asarray(end_how, dtype=str),
        confidence=confidence,
        info={
            "options": o.to_dict(),
            "torso_px": torso,
            "bar_end_model": model_info,
            "held_by_lifter": held_info,
            "n_circle": int((how == "circle").sum()),
            "n_template": int((how == "template").sum()),
            "n_rim": int((how == "rim").sum()),
            "n_unconfirmed_dropped": n_dropped,
            "n_refilled_backwards": n_refilled,
            "outer_rim": outer_info,
            "video": str(video),
        },
    )


def _gate(radius: float, dt: float, o: PlateTrackerOptions) -> float:
    """Largest plausible plate movement in ``dt`` seconds, in pixels (at least a quarter radius for jitter)."""
    return radius * max(0.25, o.max_speed_radii_per_s * max(dt, 0.0))
