"""From pixels to metres: a pixel scale with its source and its uncertainty.

Three sources, each stated with the scale so that a figure can say how its
metres were made:

* the body's own segments (world metres against image pixels), the default;
* the lifter's height, given by the user;
* a plate of known diameter (0.45 m for standard bumper and 20 kg iron plates).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack

STANDARD_PLATE_DIAMETER_M = 0.45
"""Diameter of standard (IWF/IPF) 10-25 kg bumper and 20 kg/45 lb iron plates, in metres."""

LIFTER_HEIGHT_RANGE_M = (1.0, 2.5)
"""Heights accepted for a lifter, in metres: outside it a value is a typo (cm, feet), not a person."""

EYE_HEIGHT_FRACTION = 0.936
"""Eye height as a fraction of stature in standing adults (Drillis & Contini 1966, in Winter,
*Biomechanics and Motor Control of Human Movement*); the heel is at the floor."""

BODY_SCALE_SYSTEMATIC = 0.10
"""Relative (1 sd) uncertainty assumed for MediaPipe's world-landmark scale, added to the scatter of
the body-segment estimate: the world model predicts metric coordinates from one image and cannot
know how tall this particular person is (a 10 % taller or shorter lifter than the model's typical
adult is common). It is an assumption, not a measurement: on the two sample videos with 0.45 m
plates the body scale was 25 % larger than the plate's, which is what the plates' position, about
0.6 m nearer the camera than the lifter's mid-plane, predicts (``tests/benchmarks/eval_barpath.py``),
so those clips check the depth geometry rather than this number."""

_SEGMENTS = tuple(
    (LANDMARK_INDEX[f"{side}_{a}"], LANDMARK_INDEX[f"{side}_{b}"])
    for side in ("left", "right")
    for a, b in (
        ("shoulder", "hip"),
        ("hip", "knee"),
        ("knee", "ankle"),
        ("shoulder", "elbow"),
        ("elbow", "wrist"),
    )
)


@dataclass(frozen=True)
class PixelScale:
    """How many metres one image pixel stands for, and how sure that is.

    Attributes
    ----------
    m_per_px : float
        Metres per pixel in the plane of the movement.
    sd_m_per_px : float
        Its uncertainty (one standard deviation), in metres per pixel.
    method : str
        ``"body_segments"``, ``"lifter_height"``, ``"plate_diameter"`` or ``"given"``.
    detail : str
        One sentence on how it was obtained.
    """

    m_per_px: float
    sd_m_per_px: float
    method: str
    detail: str = ""

    def __post_init__(self) -> None:
        if not (
            isinstance(self.m_per_px, (int, float))
            and math.isfinite(self.m_per_px)
            and self.m_per_px > 0
        ):
            raise ConfigError(f"m_per_px must be a positive number, got {self.m_per_px!r}")
        if not (isinstance(self.sd_m_per_px, (int, float)) and self.sd_m_per_px >= 0):
            raise ConfigError(f"sd_m_per_px must be a number >= 0, got {self.sd_m_per_px!r}")

    @property
    def relative_sd(self) -> float:
        """Relative uncertainty (e.g. 0.05 for 5 %)."""
        return self.sd_m_per_px / self.m_per_px

    def to_dict(self) -> dict[str, Any]:
        """The scale as a plain dict (for summaries)."""
        return {
            "m_per_px": self.m_per_px,
            "sd_m_per_px": self.sd_m_per_px,
            "relative_sd": self.relative_sd,
            "method": self.method,
            "detail": self.detail,
        }


def scale_from_body(track: PoseTrack) -> PixelScale:
    """Metres per pixel from the body's own segments: world length (m) / image length (px).

    Trunk (shoulder-hip), thigh, shank, upper arm and forearm of both sides
    are used in the frames where MediaPipe sees both ends (visibility >= 0.5)
    and the world landmarks say the segment lies within about 17 degrees of
    the picture's plane (its depth extent below 30 % of its length), so that
    the image length is not foreshortened. The scale is the median over those
    measurements.

    Notes
    -----
    The uncertainty combines the scatter between segments (their medians'
    standard error) and :data:`BODY_SCALE_SYSTEMATIC` (10 %) for the world
    model's ignorance of the person's real size. Prefer a plate of known
    diameter (:func:`scale_from_plate`) or the lifter's height
    (:func:`scale_from_height`) when available.

    Raises
    ------
    InputError
        If no segment is seen well enough in any frame.
    """
    per_segment = []
    for a, b in _SEGMENTS:
        w = track.world_m[:, a] - track.world_m[:, b]
        length_m = np.linalg.norm(w, axis=1)
        length_px = np.linalg.norm(track.xy_px[:, a] - track.xy_px[:, b], axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ok = (
                np.isfinite(length_m)
                & np.isfinite(length_px)
                & (length_px > 1)
                & (track.visibility[:, a] >= 0.5)
                & (track.visibility[:, b] >= 0.5)
                & (np.abs(w[:, 2]) < 0.3 * length_m)
            )
        if ok.sum() >= 3:
            per_segment.append(float(np.median(length_m[ok] / length_px[ok])))
    if not per_segment:
        raise InputError(
            f"{track.meta.source}: no body segment is seen clearly enough to give a pixel scale; "
            "pass the lifter's height or a plate diameter"
        )
    seg = np.array(per_segment)
    m = float(np.median(seg))
    scatter = float(np.std(seg, ddof=1) / np.sqrt(len(seg))) if len(seg) > 1 else 0.25 * m
    sd = math.hypot(scatter, BODY_SCALE_SYSTEMATIC * m)
    return PixelScale(
        m,
        sd,
        "body_segments",
        f"median world/image length ratio of {len(seg)} body segments seen side-on "
        f"(+-{BODY_SCALE_SYSTEMATIC:.0%} for MediaPipe's world scale)",
    )


def scale_from_height(track: PoseTrack, height_m: float) -> PixelScale:
    """Metres per pixel from the lifter's standing height.

    The vertical distance from the eyes to the lower heel, at its 95th
    percentile over the frames (standing upright), is divided by
    :data:`EYE_HEIGHT_FRACTION` (0.936) to give the stature in pixels.

    Parameters
    ----------
    height_m : float
        The lifter's height in metres (between 1.0 and 2.5).

    Notes
    -----
    Uncertainty 3 % (1 sd): about 1.5 % for the eye-height fraction between
    people, the rest for landmark noise and a posture not quite upright.
    """
    low_m, high_m = LIFTER_HEIGHT_RANGE_M
    if not isinstance(height_m, (int, float)) or not low_m <= height_m <= high_m:
        raise ConfigError(
            f"height_m must be a height in metres between {low_m} and {high_m}, got {height_m!r}"
        )
    eyes = track.xy_px[:, [LANDMARK_INDEX["left_eye"], LANDMARK_INDEX["right_eye"]], 1]
    heels = track.xy_px[:, [LANDMARK_INDEX["left_heel"], LANDMARK_INDEX["right_heel"]], 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        extent = np.nanmax(heels, axis=1) - np.nanmean(eyes, axis=1)
    extent = extent[np.isfinite(extent) & (extent > 0)]
    if extent.size < 3:
        raise InputError(
            f"{track.meta.source}: the lifter's eyes and heels are not both seen; "
            "cannot use the height for a pixel scale"
        )
    stature_px = float(np.percentile(extent, 95)) / EYE_HEIGHT_FRACTION
    m = height_m / stature_px
    return PixelScale(
        m,
        0.03 * m,
        "lifter_height",
        f"lifter {height_m:.2f} m tall = {stature_px:.0f} px (eye-to-heel / {EYE_HEIGHT_FRACTION})",
    )


PLATE_DIAMETER_RANGE_M = (0.1, 0.6)
"""Plate diameters accepted, in metres: from a 2.5 kg change plate to past the 0.45 m standard
(bumper and 20 kg / 45 lb iron plates; IWF rule 0.45 m)."""


def check_plate_diameter(diameter_m, name: str = "diameter_m") -> float:
    """``diameter_m`` if it is a plate diameter in metres (:data:`PLATE_DIAMETER_RANGE_M`), else a ConfigError."""
    lo, hi = PLATE_DIAMETER_RANGE_M
    if (
        isinstance(diameter_m, bool)
        or not isinstance(diameter_m, (int, float))
        or not lo <= diameter_m <= hi
    ):
        raise ConfigError(
            f"{name} must be a plate diameter in metres between {lo} and {hi}, got {diameter_m!r}"
        )
    return float(diameter_m)


def scale_from_plate(plate, diameter_m: float = STANDARD_PLATE_DIAMETER_M) -> PixelScale:
    """Metres per pixel from a tracked plate of known diameter (a :class:`~formlab.plate_tracker.PlateTrack`).

    Parameters
    ----------
    diameter_m : float
        The plate's diameter: 0.45 m for standard bumper and 20 kg / 45 lb
        plates (:data:`STANDARD_PLATE_DIAMETER_M`).

    Notes
    -----
    This is the scale *in the plane of the plate*, which is the plane the
    plate centre moves in. Uncertainty: the scatter of the fitted radius
    between frames (standard error) and one pixel of edge uncertainty on the
    radius.
    """
    check_plate_diameter(diameter_m)
    r = plate.radius_px[np.isfinite(plate.radius_px)]
    if r.size < 3:
        raise InputError("the plate was not found in enough frames to give a pixel scale")
    r_med = float(np.median(r))
    mad = float(np.median(np.abs(r - r_med))) * 1.4826
    rel = math.hypot(mad / r_med / math.sqrt(r.size), 1.0 / r_med)
    m = diameter_m / (2.0 * r_med)
    return PixelScale(
        m, rel * m, "plate_diameter", f"plate of {diameter_m:.3f} m = {2 * r_med:.1f} px across"
    )


def compare_with_body(track: PoseTrack, plate_scale: PixelScale) -> dict:
    """The plate and body scales side by side, and whether they disagree beyond 2 combined SDs.

    The plate is nearer the camera than the lifter's mid-plane, so in a side view the body scale is
    expected larger (about 25 % on the sample clips); a warning says so rather than hiding it.
    """
    try:
        body = scale_from_body(track)
    except InputError:
        return {"body": None, "plate": plate_scale.to_dict(), "warning": ""}
    sd = math.hypot(body.sd_m_per_px, plate_scale.sd_m_per_px)
    diff = body.m_per_px - plate_scale.m_per_px
    warning = ""
    if abs(diff) > 2 * sd:
        warning = (
            f"plate scale {1000 * plate_scale.m_per_px:.3g} +- {1000 * plate_scale.sd_m_per_px:.2g} mm/px "
            f"and body scale {1000 * body.m_per_px:.3g} +- {1000 * body.sd_m_per_px:.2g} mm/px disagree "
            f"({diff / plate_scale.m_per_px:+.0%}); the plate is nearer the camera than the lifter's "
            "mid-plane, or the plate is not the assumed diameter"
        )
    return {"body": body.to_dict(), "plate": plate_scale.to_dict(), "warning": warning}
