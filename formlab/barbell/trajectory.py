"""The barbell's trajectory: where the bar is, in pixels and in metres, frame by frame.

Three ways to place the bar, from the article's to the most accurate:

``"wrist_midpoint"``
    The article's proxy: the midpoint of the two wrists. The bar lies in the
    palms, a few centimetres from the wrists, and the wrists are guessed when
    the hands hide behind a plate.
``"grip_centre"`` (default without a video)
    The mean of the wrists and the pinky, index and thumb knuckles of both
    hands: the centre of the grip, where the bar actually lies, and an
    average of eight landmarks rather than two.
``"plate"`` (needs the video)
    The end of the bar found in the picture by :func:`formlab.plate_tracker.track_plate`
    (side views): a few millimetres from a hand-annotated bar end where the
    pose proxies are 9 cm off (``tests/benchmarks/eval_barpath.py``).

X (horizontal, to the right in the picture) and Y (vertical, **up**) come from
the image coordinates, because world landmarks are re-centred on the hips in
every frame and cannot say how the bar moves through the room. They are
converted to metres with a :class:`PixelScale`, which states its source and
its uncertainty: from the body's own segments (world metres vs image pixels),
from the lifter's height, or from a plate of known diameter. Z is the depth of
the hands relative to the hips from the world landmarks: relative, and the
least reliable of the three.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import FEET, GRIP, WRISTS
from ..core.track import PoseTrack
from .scale import (
    STANDARD_PLATE_DIAMETER_M,
    PixelScale,
    compare_with_body,
    scale_from_body,
    scale_from_height,
    scale_from_plate,
)

BarMethod = Literal["wrist_midpoint", "grip_centre", "plate"]
BAR_METHODS: tuple[str, ...] = ("wrist_midpoint", "grip_centre", "plate")


@dataclass(frozen=True)
class BarPath:
    """The bar's position in every frame, in image pixels and in metres.

    Attributes
    ----------
    frame, time_s : ndarray (n,)
        Decoded-frame index and time of each sample (those of the pose track).
    x_px, y_px : ndarray (n,)
        Image position (x to the right, y **down**, as in the picture).
    x_m, y_m : ndarray (n,)
        Position in metres: x to the right in the picture, y **up**. The
        origin is the floor below the mid-foot (see ``origin_px``) when the
        feet are seen, else the bar's lowest and first positions.
    z_rel_m : ndarray (n,)
        Depth of the hands relative to the hips from MediaPipe's world
        landmarks (positive = farther from the camera). Relative and much
        less reliable than x and y.
    method : str
        ``"wrist_midpoint"``, ``"grip_centre"`` or ``"plate"``.
    scale : PixelScale
        The pixel-to-metre scale used for x_m and y_m.
    origin_px : (float, float)
        The image point that is (0, 0) in metres.
    info : dict
        Origin description, tracker counts, processing notes; ``camera``: the camera's motion
        (:class:`~formlab.barbell.camera_motion.CameraMotion`'s summary) when it was looked at.
    x_scene_px, y_scene_px : ndarray (n,)
        Position in scene pixels: the first frame's image pixels, with the camera's own motion
        removed (:func:`formlab.pipeline.camera.path_in_scene`); the image position when the
        camera is static or its motion was not measured. ``x_m`` and ``y_m`` are made from these.
    image_to_scene : ndarray (n, 2, 3) or None
        Each frame's transform from image to scene pixels when the camera moved (None: it did
        not, or was not measured), e.g. to draw past positions over the current picture.
    """

    frame: np.ndarray
    time_s: np.ndarray
    x_px: np.ndarray
    y_px: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    z_rel_m: np.ndarray
    method: str
    scale: PixelScale
    origin_px: tuple[float, float]
    info: dict = field(default_factory=dict)
    x_scene_px: np.ndarray | None = None
    y_scene_px: np.ndarray | None = None
    image_to_scene: np.ndarray | None = None

    COLUMNS = (
        "frame",
        "time_s",
        "x_px",
        "y_px",
        "x_m",
        "y_m",
        "z_rel_m",
        "x_scene_px",
        "y_scene_px",
    )

    def __post_init__(self) -> None:
        for name, image in (("x_scene_px", self.x_px), ("y_scene_px", self.y_px)):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.array(image, dtype=float, copy=True))

    def __len__(self) -> int:
        return int(self.frame.shape[0])

    def __repr__(self) -> str:
        """One line: the seven arrays inside would flood a notebook cell.

        ``<BarPath plate: 614 samples over 20.5 s, y 0.21 to 1.43 m, 1.12 mm/px (plate_diameter)>``;
        ``low-passed 4 Hz`` is added for a smoothed path.
        """
        parts = [f"{len(self)} samples"]
        t = self.time_s[np.isfinite(self.time_s)]
        if t.size > 1:
            parts[0] += f" over {t[-1] - t[0]:.1f} s"
        y = self.y_m[np.isfinite(self.y_m)]
        parts.append(f"y {y.min():.2f} to {y.max():.2f} m" if y.size else "no position")
        parts.append(f"{self.scale.m_per_px * 1000:.3g} mm/px ({self.scale.method})")
        if "lowpass_cutoff_hz" in self.info:
            parts.append(f"low-passed {self.info['lowpass_cutoff_hz']:.3g} Hz")
        return f"<BarPath {self.method}: {', '.join(parts)}>"

    def uncertainty_note(self) -> str:
        """A few words on how far to trust the path, for a figure's title or a summary.

        ``"plate tracked, median confidence 0.85; image plane (camera static: ...)"`` or
        ``"hand-based, jitter +-1.0 cm; scene coordinates (camera motion removed: up to 60 px)"``
        (the hands' measured jitter, :func:`jitter_px`; the coordinates, see
        :meth:`~formlab.barbell.camera_motion.CameraMotion.describe`).
        """
        parts = []
        if self.method == "plate":
            conf = self.info.get("plate_confidence_median", float("nan"))
            parts.append(
                f"plate tracked, median confidence {conf:.2f}" if conf == conf else "plate tracked"
            )
        jitter = self.info.get("jitter_m", float("nan"))
        if jitter == jitter:
            parts.append(f"hand-based, jitter +-{100 * jitter:.1f} cm")
        parts.append(self.info.get("camera", {}).get("coordinates", "image plane"))
        return "; ".join(parts)

    @property
    def xy_px(self) -> np.ndarray:
        """Image positions as an (n, 2) array."""
        return np.column_stack([self.x_px, self.y_px])

    def to_frame(self):
        """Tidy pandas DataFrame with :attr:`COLUMNS`; method, scale and origin in ``df.attrs``."""
        import pandas as pd

        df = pd.DataFrame({c: getattr(self, c) for c in self.COLUMNS}, columns=list(self.COLUMNS))
        df.attrs.update(
            {
                "method": self.method,
                "scale": self.scale.to_dict(),
                "origin_px": list(self.origin_px),
                **self.info,
            }
        )
        return df

    def lowpass(self, cutoff_hz: float = 4.0) -> BarPath:
        """The same path smoothed by a zero-phase Butterworth low-pass.

        See :func:`formlab.signal.butterworth_lowpass`.

        The cut-off is lowered to 40 % of the frame rate for slow videos. 4 Hz
        keeps the bar's turning points (a squat's bottom lasts about 0.3 s)
        while removing the tracker's jitter.
        """
        from ..signal.filters import butterworth_lowpass, sample_rate_hz

        fs = sample_rate_hz(self.time_s) if len(self) > 1 else float("nan")
        cut = min(float(cutoff_hz), 0.4 * fs) if math.isfinite(fs) else float(cutoff_hz)
        cols = np.column_stack(
            [
                self.x_px,
                self.y_px,
                self.x_m,
                self.y_m,
                self.z_rel_m,
                np.asarray(self.x_scene_px),
                np.asarray(self.y_scene_px),
            ]
        )
        sm = butterworth_lowpass(cols, cut, time_s=self.time_s)
        return dataclasses.replace(
            self,
            x_px=sm[:, 0],
            y_px=sm[:, 1],
            x_m=sm[:, 2],
            y_m=sm[:, 3],
            z_rel_m=sm[:, 4],
            x_scene_px=sm[:, 5],
            y_scene_px=sm[:, 6],
            info={**self.info, "lowpass_cutoff_hz": cut},
        )


def _nanmean_points(xy: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(xy, axis=1)


def path_origin(track: PoseTrack, bar_xy: np.ndarray) -> tuple[np.ndarray, str]:
    """Floor below the mid-foot if the feet are seen, else the bar's first x and lowest y."""
    feet = track.xy_px[:, FEET]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        floor_y = np.nanmax(feet[..., 1], axis=1)
        mid_x = np.nanmean(feet[..., 0], axis=1)
    ok = np.isfinite(floor_y) & np.isfinite(mid_x)
    if ok.sum() >= 3:
        return (
            np.array([float(np.median(mid_x[ok])), float(np.percentile(floor_y[ok], 90))]),
            "floor below the mid-foot (median of heels and toes; floor at the 90th percentile of the lower foot)",
        )
    good = np.isfinite(bar_xy).all(axis=1)
    if not good.any():
        return np.array([np.nan, np.nan]), "no bar position"
    first = bar_xy[np.flatnonzero(good)[0]]
    return np.array(
        [first[0], float(np.nanmax(bar_xy[:, 1]))]
    ), "bar's first x and lowest position (feet not seen)"


def bar_path(
    track: PoseTrack,
    method: BarMethod = "grip_centre",
    *,
    video: str | Path | None = None,
    plate=None,
    scale: PixelScale | None = None,
    lifter_height_m: float | None = None,
    plate_diameter_m: float | None = None,
    progress: bool = False,
) -> BarPath:
    """The bar's trajectory from a pose track (and, for ``method="plate"``, the video).

    Parameters
    ----------
    track : PoseTrack
        Usually cleaned first (:func:`formlab.clean_track`).
    method : {"grip_centre", "wrist_midpoint", "plate"}
        How to place the bar (see the module docstring).
    video : path, optional
        The video, needed for ``"plate"`` unless ``plate`` is given.
    plate : PlateTrack, optional
        A plate track already computed by :func:`formlab.plate_tracker.track_plate`.
    scale : PixelScale, optional
        Pixel-to-metre scale to use. By default: from ``plate_diameter_m`` if
        given (or, for ``"plate"``, the standard 0.45 m), else from
        ``lifter_height_m`` if given, else from the body's segments.
    lifter_height_m : float, optional
        The lifter's height, for :func:`scale_from_height`.
    plate_diameter_m : float, optional
        The plate's diameter, for :func:`scale_from_plate` (plate method only).
    progress : bool
        Show a progress bar while the plate is tracked (it reads the video).

    Returns
    -------
    BarPath

    Raises
    ------
    ConfigError
        For an unknown method or a plate scale without a plate track.
    InputError
        When no scale can be obtained, or the plate cannot be found at all.

    Notes
    -----
    For ``"plate"`` the position is the end of the bar (sleeve end, or plate
    centre when the camera is far enough for them to coincide) and the plate
    scale is corrected for the sleeve end being nearer the camera than the
    plate (``1 + m`` of the tracker's perspective model), so that metres are
    right for the bar end's path. Plate positions that jump (Hampel, 0.5 s
    window, deviation above a fifth of the plate radius) are removed and gaps
    up to 0.3 s interpolated.
    """
    from ..signal.filters import fill_gaps, hampel_outliers

    if method not in BAR_METHODS:
        raise ConfigError(
            f"unknown bar method {method!r}; expected one of {', '.join(BAR_METHODS)}"
        )
    if not isinstance(track, PoseTrack):
        raise InputError(f"expected a formlab PoseTrack, got {type(track).__name__}")
    info: dict[str, Any] = {"source": track.meta.source}
    if method == "wrist_midpoint":
        xy = _nanmean_points(track.xy_px[:, WRISTS])
        info["jitter_px"] = jitter_px(xy, track.time_s)
    elif method == "grip_centre":
        xy = _nanmean_points(track.xy_px[:, GRIP])
        info["jitter_px"] = jitter_px(xy, track.time_s)
    else:
        if plate is None:
            if video is None:
                raise ConfigError(
                    "method='plate' needs the video (video=...) or a PlateTrack (plate=...)"
                )
            from .plate import track_plate

            plate = track_plate(video, track, progress=progress)
        if len(plate.frame) != track.n_frames or not np.array_equal(plate.frame, track.frame):
            raise InputError("the plate track's frames do not match the pose track's")
        if not plate.found.any():
            why = plate.info.get("held_by_lifter", {}).get("reason", "")
            raise InputError(
                f"{track.meta.source}: no plate on the lifter's bar found ({why}); the plate method "
                "needs a side view with a round plate; use method='grip_centre'"
            )
        xy = plate.bar_end_xy_px.copy()
        r = plate.median_radius_px()
        if np.isfinite(xy).all(axis=1).sum() >= 5:
            bad = hampel_outliers(xy, 0.5, time_s=track.time_s, min_deviation=0.2 * r).any(axis=1)
            xy[bad] = np.nan
            info["plate_outliers_removed"] = int(bad.sum())
        xy = fill_gaps(xy, track.time_s, 0.3)
        info.update(
            {
                "plate_found_fraction": float(plate.found.mean()),
                "plate_confidence_median": float(np.median(plate.confidence[plate.found]))
                if plate.confidence is not None and plate.found.any()
                else float("nan"),
                "plate_radius_px": r,
                "bar_end": plate.info.get("bar_end_model", {}),
            }
        )
    if scale is None:
        if plate_diameter_m is not None and method != "plate":
            raise ConfigError(
                "plate_diameter_m needs method='plate' (the plate must be tracked to be measured)"
            )
        if method == "plate" and lifter_height_m is None:
            scale = scale_from_plate(plate, plate_diameter_m or STANDARD_PLATE_DIAMETER_M)
            m = plate.info.get("bar_end_model", {})
            if m.get("used"):
                k = 1.0 + float(m["m"])
                scale = PixelScale(
                    scale.m_per_px / k,
                    scale.sd_m_per_px / k,
                    scale.method,
                    scale.detail + f", at the bar end ({k:.3f}x nearer the camera than the plate)",
                )
            info["scale_check"] = compare_with_body(
                track, scale_from_plate(plate, plate_diameter_m or STANDARD_PLATE_DIAMETER_M)
            )
        elif lifter_height_m is not None:
            scale = scale_from_height(track, lifter_height_m)
        else:
            scale = scale_from_body(track)
    if "jitter_px" in info:
        info["jitter_m"] = info["jitter_px"] * scale.m_per_px
    return _path(track, xy, GRIP, method, scale, info)


JITTER_CUTOFF_HZ = 3.0
"""Above this frequency a bar path's motion is taken for noise when its jitter is measured: a
lift's turning points last 0.3 s or more (see :meth:`BarPath.lowpass`)."""


def jitter_px(xy: np.ndarray, time_s: np.ndarray) -> float:
    """RMS of a path's motion above :data:`JITTER_CUTOFF_HZ`, in pixels: its measured uncertainty.

    The hand-based paths (grip centre, wrist midpoint) jitter with the pose model's landmarks; this
    is the number to quote with them when the plate could not be followed.
    """
    from ..signal.filters import butterworth_lowpass, fill_gaps

    ok = np.isfinite(xy).all(axis=1)
    if ok.sum() < 10:
        return float("nan")
    filled = fill_gaps(xy, time_s, 0.3)
    dt = np.diff(time_s[np.isfinite(time_s)])
    fs_hz = 1.0 / float(np.median(dt)) if dt.size and np.median(dt) > 0 else np.nan
    if not np.isfinite(fs_hz) or JITTER_CUTOFF_HZ >= 0.45 * fs_hz:
        return float("nan")  # too few frames a second to tell noise from motion (a 5 fps clip)
    smooth = butterworth_lowpass(filled, JITTER_CUTOFF_HZ, time_s=time_s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.sqrt(np.nanmean(((xy - smooth) ** 2).sum(axis=1))))


def _path(
    track: PoseTrack, xy: np.ndarray, depth_landmarks, method: str, scale: PixelScale, info: dict
) -> BarPath:
    """Metres, origin and depth for image positions ``xy`` (n, 2)."""
    if not isinstance(scale, PixelScale):
        raise ConfigError(f"scale must be a PixelScale, got {type(scale).__name__}")
    origin, origin_text = path_origin(track, xy)
    info["origin"] = origin_text
    x_m = (xy[:, 0] - origin[0]) * scale.m_per_px
    y_m = (origin[1] - xy[:, 1]) * scale.m_per_px
    z = _nanmean_points(track.world_m[:, list(depth_landmarks), 2][..., None])[:, 0]
    return BarPath(
        frame=track.frame.copy(),
        time_s=track.time_s.copy(),
        x_px=xy[:, 0].copy(),
        y_px=xy[:, 1].copy(),
        x_m=x_m,
        y_m=y_m,
        z_rel_m=z,
        method=method,
        scale=scale,
        origin_px=(float(origin[0]), float(origin[1])),
        info=info,
    )


def landmark_path(
    track: PoseTrack,
    landmarks: tuple[str | int, ...] = ("left_hip", "right_hip"),
    *,
    scale: PixelScale | None = None,
    lifter_height_m: float | None = None,
) -> BarPath:
    """The path of a body point (the mean of ``landmarks``) in pixels and metres.

    For exercises without a bar (push-ups: shoulders; bodyweight squats:
    hips; jumping jacks: wrists), with the same axes, origin and scale rules
    as :func:`bar_path` (scale from ``lifter_height_m`` if given, else from
    the body's segments). ``method`` is ``"landmarks:<names joined by +>"``.
    """
    from ..core.landmarks import LANDMARK_NAMES, landmark_index

    if not isinstance(track, PoseTrack):
        raise InputError(f"expected a formlab PoseTrack, got {type(track).__name__}")
    if isinstance(landmarks, (str, int)):
        landmarks = (landmarks,)
    try:
        idx = [landmark_index(n) for n in landmarks]
    except KeyError as e:
        raise ConfigError(str(e).strip("'\"")) from None
    if not idx:
        raise ConfigError("landmark_path needs at least one landmark")
    if scale is None:
        scale = (
            scale_from_height(track, lifter_height_m)
            if lifter_height_m is not None
            else scale_from_body(track)
        )
    xy = _nanmean_points(track.xy_px[:, idx])
    method = "landmarks:" + "+".join(LANDMARK_NAMES[i] for i in idx)
    return _path(track, xy, idx, method, scale, {"source": track.meta.source})


def shape_rms_px(path_xy: np.ndarray, reference_xy: np.ndarray) -> tuple[float, float]:
    """RMS distance between two trajectories after removing their constant offset.

    Parameters
    ----------
    path_xy, reference_xy : ndarray (n, 2)
        Positions in the same units, frame by frame (NaN rows are skipped).

    Returns
    -------
    rms : float
        Root-mean-square of the distance between the offset-corrected
        positions (the error of the trajectory's *shape*: a tracker following
        another point of the bar, e.g. the plate hub instead of the sleeve
        end, is not penalised).
    coverage : float
        Fraction of the frames where both are known.
    """
    a = np.asarray(path_xy, dtype=float)
    b = np.asarray(reference_xy, dtype=float)
    if a.shape != b.shape or a.ndim != 2 or a.shape[1] != 2:
        raise InputError(f"trajectories must both have shape (n, 2), got {a.shape} and {b.shape}")
    d = a - b
    ok = np.isfinite(d).all(axis=1)
    if not ok.any():
        return float("nan"), 0.0
    d = d[ok] - d[ok].mean(axis=0)
    return float(np.sqrt((d**2).sum(axis=1).mean())), float(ok.mean())
