"""The camera's own motion, measured on the background, so that a handheld clip's bar path is not the phone's.

A bar path is drawn in image pixels. When the phone that films the set sways,
zooms or pans, the picture moves under the bar, and the path shows the
camera's motion added to the bar's. This module measures the camera's motion
on the background, outside the lifter, and gives every frame the transform to
*scene coordinates*: the image coordinates of the first frame, as if the
camera had stayed where it was when the clip started.

Method
------
Each frame is decoded in grey levels at :attr:`CameraMotionOptions.work_long_side_px`
(the background's texture is coarse; a 1080p frame would cost four times as much
for the same answer). Corners (``cv2.goodFeaturesToTrack``) are picked in a
keyframe outside the lifter: the bounding box of the pose landmarks, widened
by :attr:`CameraMotionOptions.lifter_margin_torso` torso lengths on every side so that
the plates and the ends of a bar are outside the mask's holes. They are followed into
the frame with pyramidal Lucas-Kanade optical flow, kept when the flow back
lands within 0.5 px of where they started, and a similarity (shift, rotation,
zoom: ``cv2.estimateAffinePartial2D`` with RANSAC) is fitted to them. Points on anything
else that moves (a spotter, a barbell outside the mask) fall out as RANSAC's
outliers. The frame-to-frame similarities are chained to the first frame.

Chaining adds each step's small error to the next (a random walk: about
0.1 px per frame at 1080p, a few pixels over a long clip). So a camera that
did not move is reported as *static*, and its scene coordinates are the image
coordinates themselves, when the whole chain moves the picture's centre and corners less than
:attr:`CameraMotionOptions.static_shift_frac` of the frame's diagonal.

Frames with fewer than :attr:`CameraMotionOptions.min_inliers` agreeing points (a
blank wall, the lifter filling the frame, a shot cut) keep the last motion
(hold) and are counted in ``info["weak_steps"]``; their share is the measure's own
confidence.

When to measure
---------------
Reading the whole video a second time costs about a tenth of pose extraction.
``camera="auto"`` asks :func:`formlab.barbell.camera_probe.background_seems_to_move` (a few
frames' background, a third of this measure's cost) whether it is worth it.
:func:`camera_seems_to_move` reads the pose alone (planted feet that wander across the
picture); it is free but, on the sample videos, fires on tripod clips whenever a foot steps or
is hidden and misses slow pans that keep the lifter framed, so it is no longer the trigger.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import FEET
from ..core.track import PoseTrack
from ..pose.persons import torso_centre_and_scale

CAMERA_MODES: tuple[str, ...] = ("auto", "static", "moving")
"""``"auto"``: measure when the feet say the picture moved; ``"static"``: never measure (the
image is the scene); ``"moving"``: always measure (a handheld clip)."""


def check_camera_mode(camera: str) -> str:
    """``camera`` if it is one of :data:`CAMERA_MODES`, else a ConfigError naming them.

    Called by :func:`formlab.analyze` and :func:`formlab.batch` before anything slow.
    """
    if camera not in CAMERA_MODES:
        raise ConfigError(f"camera = {camera!r} is not one of: {', '.join(CAMERA_MODES)}")
    return camera


@dataclass(frozen=True)
class CameraMotionOptions:
    """Settings of :func:`estimate_camera_motion`. Sizes relative or in work-image pixels.

    Attributes
    ----------
    work_long_side_px : int
        Long side of the grey image the motion is measured on (480: the
        background's corners are found as well as at full size, four to
        sixteen times cheaper).
    max_corners : int
        Corners followed per frame (``cv2.goodFeaturesToTrack``).
    lifter_margin_torso : float
        Margin around the landmarks' bounding box, in torso lengths, that is
        not background: a 0.45 m plate reaches about 0.45 torso lengths beyond
        the hands, and a bar seen from the front about 1.5 (RANSAC rejects
        what the mask misses).
    min_inliers : int
        Points that must agree on a frame-to-frame motion for it to be
        trusted; fewer and the step keeps the previous motion.
    ransac_px : float
        RANSAC's reprojection threshold, in work-image pixels.
    static_shift_frac : float
        A chained motion that moves the picture's centre and corners less than
        this fraction of the frame's diagonal is a static camera (chaining's own
        drift is smaller; a handheld phone moves more).
    feet_shift_torso : float
        :func:`camera_seems_to_move`: feet that move this many torso lengths
        (their positions' 5th to 95th percentile) while the lifter lifts
        mean that the picture moved.
    max_residual_ratio : float
        A measured motion is the camera's only if realigning the frames with it leaves at
        most this fraction of the background difference a still camera leaves (median over
        frames, :func:`_residuals`); else the camera is reported static, with the reason.
    """

    work_long_side_px: int = 480
    max_corners: int = 300
    lifter_margin_torso: float = 0.6
    min_inliers: int = 12
    ransac_px: float = 1.0
    static_shift_frac: float = 0.01
    feet_shift_torso: float = 0.12
    max_residual_ratio: float = 0.7

    def __post_init__(self) -> None:
        if not 120 <= self.work_long_side_px <= 4096:
            raise ConfigError(
                f"work_long_side_px must be in 120-4096, got {self.work_long_side_px}"
            )
        if self.max_corners < 20:
            raise ConfigError(f"max_corners must be >= 20, got {self.max_corners}")
        if not 0 <= self.lifter_margin_torso <= 5:
            raise ConfigError(f"lifter_margin_torso must be in 0-5, got {self.lifter_margin_torso}")
        if self.min_inliers < 4:
            raise ConfigError(f"min_inliers must be >= 4, got {self.min_inliers}")
        if not 0.1 <= self.ransac_px <= 10:
            raise ConfigError(f"ransac_px must be in 0.1-10, got {self.ransac_px}")
        if not 0 < self.static_shift_frac < 0.5:
            raise ConfigError(
                f"static_shift_frac must be in (0, 0.5), got {self.static_shift_frac}"
            )
        if not 0 < self.max_residual_ratio <= 1:
            raise ConfigError(
                f"max_residual_ratio must be in (0, 1], got {self.max_residual_ratio}"
            )
        if not 0 < self.feet_shift_torso < 5:
            raise ConfigError(f"feet_shift_torso must be in (0, 5), got {self.feet_shift_torso}")


@dataclass(frozen=True)
class CameraMotion:
    """The camera's motion through a clip: per frame, the transform from image to scene pixels.

    Attributes
    ----------
    frame : ndarray of int (n,)
        Decoded-frame indices (those of the pose track).
    image_to_scene : ndarray (n, 2, 3)
        Affine (similarity) transform taking a frame's image pixels to scene
        pixels (the first frame's image pixels). The identity for a static camera.
    static : bool
        Whether the camera is taken as static (scene = image).
    max_shift_px : float
        Largest displacement of the picture's centre or corners over the clip, in
        full-size pixels, as measured (before ``static`` was decided).
    info : dict
        ``method``, ``weak_steps`` (frames whose motion was held for lack of
        background), ``median_inliers``, ``work_size_px``, and ``why`` when not measured.
    """

    frame: np.ndarray
    image_to_scene: np.ndarray
    static: bool
    max_shift_px: float
    info: dict = field(default_factory=dict)

    def to_scene(self, xy_px: np.ndarray) -> np.ndarray:
        """Image positions (n, 2), one per frame, in scene pixels (NaN stays NaN)."""
        xy = np.asarray(xy_px, dtype=float)
        if xy.shape != (len(self.frame), 2):
            raise InputError(
                f"expected one position per frame, shape ({len(self.frame)}, 2), got {xy.shape}"
            )
        a = self.image_to_scene
        return np.einsum("nij,nj->ni", a[:, :, :2], xy) + a[:, :, 2]

    def describe(self) -> str:
        """A few words for a figure or a summary: which coordinates a path is in."""
        if self.info.get("why"):
            return f"image plane (camera motion not measured: {self.info['why']})"
        if self.info.get("rejected"):
            return "image plane (camera motion unclear: the measured motion did not line the background up)"
        if self.static:
            return (
                f"image plane (camera static: background moved at most {self.max_shift_px:.0f} px)"
            )
        return f"scene coordinates (camera motion removed: up to {self.max_shift_px:.0f} px)"

    def to_dict(self) -> dict[str, Any]:
        """What a summary records about the camera."""

        def plain(v):
            return None if isinstance(v, float) and not math.isfinite(v) else v

        return {
            "static": bool(self.static),
            "max_shift_px": plain(float(self.max_shift_px)),
            "coordinates": self.describe(),
            **{k: plain(v) for k, v in self.info.items() if k != "method"},
        }


def unmeasured(track: PoseTrack, why: str) -> CameraMotion:
    """The identity for every frame, saying why the motion was not measured."""
    n = track.n_frames
    eye = np.repeat(np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]), n, axis=0)
    return CameraMotion(track.frame.copy(), eye, True, float("nan"), {"why": why})


def camera_seems_to_move(
    track: PoseTrack,
    rep_frames: tuple[int, int] | None = None,
    options: CameraMotionOptions | None = None,
) -> tuple[bool, str]:
    """Whether the planted feet wander across the picture: a cheap sign of a moving camera.

    Parameters
    ----------
    track : PoseTrack
        A cleaned pose track.
    rep_frames : (int, int), optional
        First and last decoded frame of the reps (the feet are planted between them; a
        walk-out before the first rep is not camera motion). Default: the whole track.
    options : CameraMotionOptions, optional

    Returns
    -------
    moves : bool
    why : str
        The feet's spread in torso lengths, for the summary.
    """
    o = options or CameraMotionOptions()
    keep = np.ones(track.n_frames, dtype=bool)
    if rep_frames is not None:
        keep = (track.frame >= rep_frames[0]) & (track.frame <= rep_frames[1])
    feet = track.xy_px[keep][:, list(FEET)]
    _, torso = torso_centre_and_scale(track.xy_px[keep])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mid = np.nanmean(feet, axis=1)
        torso_px = float(np.nanmedian(torso))
    ok = np.isfinite(mid).all(axis=1)
    if ok.sum() < 5 or not math.isfinite(torso_px) or torso_px <= 0:
        return False, "feet not seen"
    lo, hi = np.percentile(mid[ok], [5, 95], axis=0)
    spread = float(np.max(hi - lo)) / torso_px
    moves = spread > o.feet_shift_torso
    return moves, f"feet moved {spread:.2f} torso lengths during the reps"


def _lifter_boxes(track: PoseTrack, scale: float, margin_torso: float) -> np.ndarray:
    """Per frame (x0, y0, x1, y1) in work pixels, the lifter and the load; NaN-free (held over gaps)."""
    xy = track.xy_px * scale
    _, torso = torso_centre_and_scale(xy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(xy, axis=1)
        hi = np.nanmax(xy, axis=1)
        t_med = float(np.nanmedian(torso)) if np.isfinite(torso).any() else 0.0
    m = margin_torso * np.where(np.isfinite(torso), torso, t_med)
    boxes = np.column_stack([lo - m[:, None], hi + m[:, None]])
    ok = np.isfinite(boxes).all(axis=1)
    if not ok.any():
        return np.full((track.n_frames, 4), np.nan)
    idx = np.where(ok, np.arange(len(ok)), -1)
    idx = np.maximum.accumulate(idx)
    first = int(np.flatnonzero(ok)[0])
    idx[idx < 0] = first
    return boxes[idx]


def _to3(a: np.ndarray) -> np.ndarray:
    return np.vstack([a, [0.0, 0.0, 1.0]])


def _corners(gray: np.ndarray, box: np.ndarray, o: CameraMotionOptions) -> np.ndarray | None:
    """Background corners of a keyframe: outside the lifter's box."""
    import cv2

    mask = np.full(gray.shape, 255, np.uint8)
    if np.isfinite(box).all():
        x0, y0, x1, y1 = (round(float(v)) for v in box)
        mask[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 0
    pts = cv2.goodFeaturesToTrack(gray, o.max_corners, 0.01, 6, mask=mask)
    return None if pts is None or len(pts) < o.min_inliers else pts


def _follow(key, key_pts, guess, gray, o: CameraMotionOptions):
    """Similarity taking the keyframe's pixels to ``gray``'s, its inliers and where the points went.

    The points start from ``guess`` (where they were in the previous frame), so that a slow
    drift of the camera away from the keyframe stays within the optical flow's reach.
    """
    import cv2

    nxt, st, _ = cv2.calcOpticalFlowPyrLK(
        key,
        gray,
        key_pts,
        guess.copy(),
        winSize=(21, 21),
        maxLevel=3,
        flags=cv2.OPTFLOW_USE_INITIAL_FLOW,
    )
    back, st2, _ = cv2.calcOpticalFlowPyrLK(gray, key, nxt, None, winSize=(21, 21), maxLevel=3)
    good = (st[:, 0] == 1) & (st2[:, 0] == 1) & (np.linalg.norm(back - key_pts, axis=2)[:, 0] < 0.5)
    if good.sum() < o.min_inliers:
        return None, int(good.sum()), nxt
    m, inl = cv2.estimateAffinePartial2D(
        key_pts[good], nxt[good], method=cv2.RANSAC, ransacReprojThreshold=o.ransac_px
    )
    n_in = int(inl.sum()) if inl is not None else 0
    if m is None or n_in < o.min_inliers:
        return None, n_in, nxt
    return m, n_in, nxt


KEYFRAME_KEEP = 0.5
"""A keyframe is replaced by the current frame when fewer than this fraction of its corners
still agree (the camera has moved on, or the lifter now covers them)."""


def estimate_camera_motion(
    video: str | Path,
    track: PoseTrack,
    *,
    options: CameraMotionOptions | None = None,
    progress: bool = False,
) -> CameraMotion:
    """Measure the camera's motion through ``video`` on the background around the lifter of ``track``.

    Parameters
    ----------
    video : path
        The video the track was extracted from.
    track : PoseTrack
        Its pose track (the lifter's landmarks make the mask; cleaned or raw).
    options : CameraMotionOptions, optional
    progress : bool
        A progress bar over the frames.

    Returns
    -------
    CameraMotion
        ``static`` when the measured motion stays below ``options.static_shift_frac``
        of the diagonal (then the transforms are the identity).

    Raises
    ------
    InputError
        When the video cannot be read, or its frames do not match the track's.
    """
    from ..io.media import iter_video_frames, probe_video

    o = options or CameraMotionOptions()
    info = probe_video(video)
    w, h = info.width_px, info.height_px
    scale = min(1.0, o.work_long_side_px / max(w, h))
    size = (max(2, round(w * scale)), max(2, round(h * scale)))
    boxes = _lifter_boxes(track, scale, o.lifter_margin_torso)
    row_of = {int(f): i for i, f in enumerate(track.frame)}
    n = track.n_frames
    chain = np.repeat(np.eye(3)[None], n, axis=0)
    inliers: list[int] = []
    checks: list[tuple[float, float]] = []
    weak = 0
    key = key_pts = guess = first = first_box = None
    key_chain = np.eye(3)
    current = np.eye(3)
    from ..core.stages import progress_bar as tqdm

    stop = int(track.frame.max()) + 1 if n else 0
    with tqdm(
        total=n, desc="camera motion", unit="frame", disable=not progress, leave=False
    ) as bar:
        for fr in iter_video_frames(video, end_frame=stop, gray_size_px=size):
            row = row_of.get(fr.index)
            if row is None:
                continue
            gray = fr.rgb
            if key is not None and key_pts is None:
                weak += 1
                inliers.append(0)
            elif key is not None and key_pts is not None:
                m, n_in, moved = _follow(key, key_pts, guess, gray, o)
                inliers.append(n_in)
                if m is None:
                    weak += 1  # hold the last motion; a new keyframe below
                else:
                    current = key_chain @ np.linalg.inv(_to3(m))
                    guess = moved
            chain[row] = current
            if first is None:
                first, first_box = gray, boxes[row]
            elif row % CHECK_EVERY == 0:
                checks.append(_residuals(first, first_box, gray, boxes[row], current))
            if key is None or key_pts is None or inliers[-1] < KEYFRAME_KEEP * len(key_pts):
                key, key_chain = gray, current
                key_pts = _corners(gray, boxes[row], o)
                guess = key_pts
            bar.update(1)
    # back to full-size pixels: S^-1 C S, with S the work scaling
    s = np.diag([scale, scale, 1.0])
    full = np.linalg.inv(s) @ chain @ s
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1], [w / 2, h / 2, 1]], float).T
    moved = full @ corners - corners
    max_shift = float(np.max(np.linalg.norm(moved[:, :2, :], axis=1))) if n else 0.0
    static = max_shift < o.static_shift_frac * math.hypot(w, h)
    found = np.array(checks).reshape(-1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        still_res, moved_res = np.nanmedian(found, axis=0) if len(found) else (np.nan, np.nan)
    ratio = float(moved_res / still_res) if still_res > 0 else float("nan")
    extra: dict[str, Any] = {"background_residual_ratio": ratio}
    if not static and not ratio <= o.max_residual_ratio:
        static = True  # a motion that does not line the background up is not the camera's
        left = (
            f"{ratio:.0%} of a still camera's background difference"
            if ratio == ratio
            else "no background to check it on"
        )
        extra["rejected"] = (
            f"a motion of up to {max_shift:.0f} px was measured, but it leaves {left} (too "
            "little background texture, or the lifter and the load fill the picture)"
        )
    transforms = np.repeat(np.eye(3)[None], n, axis=0) if static else full
    return CameraMotion(
        frame=track.frame.copy(),
        image_to_scene=transforms[:, :2, :].copy(),
        static=bool(static),
        max_shift_px=max_shift,
        info={
            "method": "background optical flow to keyframes, similarity per frame",
            "weak_steps": int(weak),
            "weak_fraction": float(weak / max(1, len(inliers))),
            "median_inliers": float(np.median(inliers)) if inliers else float("nan"),
            "work_size_px": list(size),
            **extra,
        },
    )


CHECK_EVERY = 5
"""Every this many frames, the measured motion is checked on the picture itself (:func:`_residuals`)."""


def _residuals(first, first_box, gray, box, chain: np.ndarray) -> tuple[float, float]:
    """Mean grey-level difference from the first frame on the background: as filmed, and realigned.

    The check that a measured motion is the camera's: realigning a frame onto the first with it
    must make their shared background (outside both lifter boxes) more alike than a still camera
    would. On a plain wall the optical flow can follow the lifter's load instead; this says so.
    """
    import cv2

    h, w = first.shape
    mask = np.ones((h, w), bool)
    for b in (first_box, box):
        if np.isfinite(b).all():
            x0, y0, x1, y1 = (round(float(v)) for v in b)
            mask[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    a = chain[:2]
    aligned = cv2.warpAffine(gray, a, (w, h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.ones((h, w), np.uint8), a, (w, h), flags=cv2.INTER_NEAREST) > 0
    both = mask & inside
    if both.sum() < 0.05 * mask.size:
        return float("nan"), float("nan")
    f = first.astype(np.float32)
    return (
        float(np.abs(gray.astype(np.float32) - f)[both].mean()),
        float(np.abs(aligned.astype(np.float32) - f)[both].mean()),
    )
