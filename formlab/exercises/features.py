"""Per-frame numbers computed from the world landmarks, and the rep signals built from them.

:data:`POSE_FEATURES` names every body-relative quantity a lift uses to find
and tell apart its reps (knee angle, hip height above the ankles, wrists
above the shoulders, ...); :class:`RepSignal` adds :class:`SignalTerm` s into
the one-dimensional signal whose turning points are the reps.

Why body-relative world signals? World landmarks are in metres and centred on
the hips in every frame, so a height *above the ankles* or *above the
shoulders* does not change when the camera pans, zooms, or the lifter walks
towards it, and it reads the same from the side and from the front. The bar
itself (see :mod:`formlab.barbell`) is used for the metrics; the hands holding
a back-squat bar are often hidden, the hips never are.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np

from ..core.errors import ConfigError
from ..core.geometry import (
    angle_from_vertical_deg,
    height_above,
    joint_angle_deg,
    lateral_distance,
    midpoint,
)
from ..core.landmarks import FEET, LANDMARK_INDEX
from ..core.track import PoseTrack


# =============================================================================
# Pose features: per-frame numbers computed from the world landmarks
# =============================================================================
def _w(track: PoseTrack, name: str) -> np.ndarray:
    return track.world_m[:, LANDMARK_INDEX[name], :]


def _mid(track: PoseTrack, part: str) -> np.ndarray:
    return midpoint(_w(track, "left_" + part), _w(track, "right_" + part))


def _mean_sides(fn: Callable[[str], np.ndarray]) -> np.ndarray:
    return np.mean(np.stack([fn("left"), fn("right")]), axis=0)


def _torso_units(track: PoseTrack, offset: np.ndarray) -> np.ndarray:
    """An offset (metres) in torso lengths (shoulder midpoint to hip midpoint), so tall and short lifters compare."""
    torso = np.linalg.norm(_mid(track, "shoulder") - _mid(track, "hip"), axis=-1)
    return offset / np.where(torso > 0, torso, np.nan)


def _hands_forward_m(track: PoseTrack) -> np.ndarray:
    """How far the wrist midpoint is in front of the shoulder midpoint, horizontally (metres).

    Forward is the horizontal direction square to the line through both
    shoulders and both hips, pointing the way the nose points over most of
    the track (a lifter faces one way through a set).
    """
    lateral = (_w(track, "left_shoulder") - _w(track, "right_shoulder")) + (
        _w(track, "left_hip") - _w(track, "right_hip")
    )
    lateral[:, 1] = 0.0
    lateral /= np.linalg.norm(lateral, axis=1, keepdims=True)
    forward = np.cross(lateral, np.array([0.0, -1.0, 0.0]))
    nose = np.sum((_w(track, "nose") - _mid(track, "shoulder")) * forward, axis=1)
    if np.isfinite(nose).any() and np.nanmedian(nose) < 0:
        forward = -forward
    return np.sum((_mid(track, "wrist") - _mid(track, "shoulder")) * forward, axis=1)


SHANK_SEEN_FRACTION = 0.85
"""A knee is taken to be where the pose puts it while its shank (knee to ankle, world landmarks, the mean
of both legs) is at least this fraction of the shank's median length over the track. MediaPipe's world
shank keeps its length within a few per cent while the leg is seen (0.34-0.39 m at the labelled deadlifts'
lockouts) and shrinks to 0.07-0.2 m where the plate hides the shins at a deadlift's set-up
(deadliftAI-bichraix good009, good011): the knee is then put near the ankle, not where it is. formlab's
choice: 15 % short is beyond a seen shank's variation."""


def _knee_height_m(track: PoseTrack) -> np.ndarray:
    """The knees' height above the ankles (midpoints), where the pose shows it; else the shank's length.

    A knee can be no higher above its ankle than the shank is long, so where
    the shank reads short (:data:`SHANK_SEEN_FRACTION`: the knee misplaced,
    typically hidden behind a plate) the shank's median length over the track
    stands for the knee's height: the highest it can be (a shin leaning 25
    deg forward at a deadlift's set-up puts the knee 10 % lower). Unknown
    knees or ankles stay unknown (NaN).
    """
    shank = _mean_sides(
        lambda s: np.linalg.norm(_w(track, f"{s}_knee") - _w(track, f"{s}_ankle"), axis=-1)
    )
    height = height_above(_mid(track, "knee"), _mid(track, "ankle"))
    seen = shank[np.isfinite(shank)]
    if not seen.size:
        return height
    length = float(np.median(seen))
    with np.errstate(invalid="ignore"):
        short = shank < SHANK_SEEN_FRACTION * length
    return np.where(short, length, height)


def _joint(track: PoseTrack, a: str, b: str, c: str) -> Callable[[str], np.ndarray]:
    return lambda s: joint_angle_deg(
        _w(track, f"{s}_{a}"), _w(track, f"{s}_{b}"), _w(track, f"{s}_{c}")
    )


POSE_FEATURES: dict[str, tuple[Callable[[PoseTrack], np.ndarray], str]] = {
    # The knee is given as flexion (0 = straight leg), the convention of the form checks
    # (form.measures' knee_flexion_deg, thresholds *_knee_flexion_deg) and of clinical goniometry,
    # so that reps.csv and feedback.csv speak of the knee the same way.
    "knee_flexion_deg": (
        lambda t: 180.0 - _mean_sides(_joint(t, "hip", "knee", "ankle")),
        "knee flexion, 180 minus the hip-knee-ankle angle, mean of both legs (0 = straight)",
    ),
    "left_knee_flexion_deg": (
        lambda t: 180.0 - _joint(t, "hip", "knee", "ankle")("left"),
        "left knee flexion (0 = straight)",
    ),
    "right_knee_flexion_deg": (
        lambda t: 180.0 - _joint(t, "hip", "knee", "ankle")("right"),
        "right knee flexion (0 = straight)",
    ),
    "hip_angle_deg": (
        lambda t: _mean_sides(_joint(t, "shoulder", "hip", "knee")),
        "shoulder-hip-knee angle, mean of both sides (180 = hips fully open)",
    ),
    "elbow_angle_deg": (
        lambda t: _mean_sides(_joint(t, "shoulder", "elbow", "wrist")),
        "shoulder-elbow-wrist angle, mean of both arms (180 = straight arm)",
    ),
    "shoulder_angle_deg": (
        lambda t: _mean_sides(_joint(t, "hip", "shoulder", "elbow")),
        "hip-shoulder-elbow angle, mean of both arms (0 = arm along the body, 180 = overhead)",
    ),
    "trunk_lean_deg": (
        lambda t: angle_from_vertical_deg(_mid(t, "hip"), _mid(t, "shoulder")),
        "lean of hip-midpoint-to-shoulder-midpoint from vertical (0 upright, 90 horizontal)",
    ),
    "hip_height_m": (
        lambda t: height_above(_mid(t, "hip"), _mid(t, "ankle")),
        "height of the hip midpoint above the ankle midpoint",
    ),
    "wrist_above_shoulder_m": (
        lambda t: height_above(_mid(t, "wrist"), _mid(t, "shoulder")),
        "height of the wrist midpoint above the shoulder midpoint",
    ),
    "wrist_above_hip_m": (
        lambda t: height_above(_mid(t, "wrist"), _mid(t, "hip")),
        "height of the wrist midpoint above the hip midpoint",
    ),
    "wrist_above_knee_m": (
        lambda t: height_above(_mid(t, "wrist"), _mid(t, "ankle")) - _knee_height_m(t),
        "height of the wrist midpoint above the knees (where a knee is misplaced, its shank reading short: "
        "above the highest a knee can be, the shank's length above the ankles)",
    ),
    "wrist_above_ankle_m": (
        lambda t: height_above(_mid(t, "wrist"), _mid(t, "ankle")),
        "height of the wrist midpoint (the bar in the hands) above the ankle midpoint",
    ),
    "hands_above_shoulders_torso": (
        lambda t: _torso_units(t, height_above(_mid(t, "wrist"), _mid(t, "shoulder"))),
        "height of the wrist midpoint above the shoulder midpoint, in torso lengths (where a held load sits)",
    ),
    "hands_forward_torso": (
        lambda t: _torso_units(t, _hands_forward_m(t)),
        "horizontal distance of the wrist midpoint in front of the shoulder midpoint, in torso lengths",
    ),
    "wrist_above_nose_m": (
        lambda t: height_above(_mid(t, "wrist"), _w(t, "nose")),
        "height of the wrist midpoint above the nose",
    ),
    "ankle_spread_lateral_m": (
        lambda t: lateral_distance(
            _w(t, "left_ankle"), _w(t, "right_ankle"), _w(t, "right_hip"), _w(t, "left_hip")
        ),
        "distance between the ankles along the hip line (feet apart sideways)",
    ),
    "knee_height_difference_m": (
        lambda t: np.abs(height_above(_w(t, "left_knee"), _w(t, "right_knee"))),
        "difference in height between the two knees (large in a lunge)",
    ),
}
"""Named per-frame pose quantities: ``name -> (function(track) -> array (n_frames,), description)``.
Units are in the name. All come from the world landmarks (3D, metres)."""


VARIANT_FEATURES: dict[str, str] = {
    "load_above_shoulders_torso": (
        "median height of the wrist midpoint above the shoulder midpoint over the reps' frames, torso lengths "
        "(where a held load sits: ~0 in a front rack, below at the chest, far below with the arms free)"
    ),
    "load_forward_torso": (
        "median horizontal distance of the wrist midpoint in front of the shoulder midpoint over the reps' "
        "frames, torso lengths (arms reaching forward, or the hands on the shoulders)"
    ),
    "load_spread_torso": (
        "how much the hands move relative to the shoulders during the reps: the larger of the 10-90 "
        "percentile ranges of the two above, torso lengths (a held load moves with the torso)"
    ),
    "hands_apart_shoulders": (
        "median distance between the wrists over the distance between the shoulders, over the reps' frames "
        "seen from the front or the back (unknown when there are none: from the side the far wrist is "
        "guessed); the grip: together on one weight, at the shoulders, or wide on a bar"
    ),
    "barbell_seen": (
        "1 when a barbell plate was tracked in the video, 0 when the plate tracker looked in a side view "
        "and found none, unknown otherwise (a front view, a photo)"
    ),
    "bar_forward_torso": (
        "median horizontal distance of the tracked plate's centre (the bar) in front of the shoulder "
        "midpoint over the reps' frames, in the picture, torso lengths (unknown without a tracked plate)"
    ),
    "bar_above_shoulders_torso": (
        "median height of the tracked plate's centre (the bar) above the shoulder midpoint over the reps' "
        "frames, in the picture, torso lengths (unknown without a tracked plate)"
    ),
    "start_knee_flexion_deg": (
        "median over the reps of the knee flexion where each pull starts (the bar at its lowest before "
        "the lockout), degrees (0 = straight legs)"
    ),
    "start_bar_above_ankles_m": (
        "median over the reps of the wrist midpoint's height above the ankles where each pull starts, metres"
    ),
}
"""Numbers measured once per clip over its reps, on which :class:`~formlab.exercises.base.VariantCue` s
tell the variants of a lift apart (computed by :func:`formlab.exercises.variants.variant_features`)."""


def pose_feature(track: PoseTrack, name: str) -> np.ndarray:
    """One named pose feature (see :data:`POSE_FEATURES`) for every frame of ``track``."""
    try:
        fn = POSE_FEATURES[name][0]
    except KeyError:
        raise ConfigError(
            f"unknown pose feature {name!r}; known: {', '.join(POSE_FEATURES)}"
        ) from None
    with np.errstate(invalid="ignore"):
        return np.asarray(fn(track), dtype=float)


def lifter_shift_torso(
    xy_px: np.ndarray,
    visibility: np.ndarray,
    n_frames: int = 3,
    min_visibility: float = 0.5,
    shot_breaks: Sequence[int] = (),
    break_margin: int = 0,
) -> float:
    """How far the lifter stands, at the end of a span of frames, from where they stood at its start.

    The one quantity here read in the image, not the world: world landmarks are
    centred on the hips in every frame and cannot show that the lifter stepped.
    The lifter moved when the feet (heels and toes, both sides, averaged) *and*
    the hips moved: the smaller of the two shifts counts, because each alone
    drifts in real reps (feet landmarks guessed at the picture's edge or behind
    a plate; hips sitting back in a squat and read on a 5 fps clip) while a step
    carries both. Each is the median over the first and over the last
    ``n_frames`` frames, over the largest shoulder-to-hip length in the span
    (the upright torso, not one foreshortened by a bend).

    Parameters
    ----------
    xy_px : ndarray (n, 33, 2)
        Image landmarks of the span's frames.
    visibility : ndarray (n, 33)
    n_frames : int
        Frames at each end (a median: one misplaced frame does not decide).
    min_visibility : float
        The feet must be seen at both ends (median visibility); else NaN.
    shot_breaks : sequence of int
        Indices of the span's frames that start a new camera shot (an edited video's cut,
        :attr:`~formlab.core.track.TrackMeta.shot_starts`): the shifts within the shots are
        added up, because a cut to another framing moves every landmark in the picture while
        the lifter stays put.
    break_margin : int
        Frames left out on each side of a break: a cleaned track's outlier test and smoother
        blend the two shots' pictures around a cut.

    Returns
    -------
    float
        Torso lengths; NaN when the feet, the hips or the torso are not seen.
    """
    xy = np.asarray(xy_px, dtype=float)
    vis = np.asarray(visibility, dtype=float)
    feet = list(FEET)
    if len(xy) < 2:
        return float("nan")
    k = max(1, min(n_frames, len(xy) // 2))

    def moved(points: np.ndarray, pieces: list[tuple[int, int]]) -> float:
        total = np.zeros(2)
        for a, b in pieces:
            m = max(1, min(k, (b - a) // 2))
            if b - a >= 2:  # a shot too short to show a shift adds none
                total += np.nanmedian(points[b - m : b], axis=0) - np.nanmedian(
                    points[a : a + m], axis=0
                )
        return float(np.linalg.norm(total))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        seen = min(np.nanmedian(vis[:k, feet]), np.nanmedian(vis[-k:, feet]))
        shoulders = 0.5 * (
            xy[:, LANDMARK_INDEX["left_shoulder"]] + xy[:, LANDMARK_INDEX["right_shoulder"]]
        )
        hips = 0.5 * (xy[:, LANDMARK_INDEX["left_hip"]] + xy[:, LANDMARK_INDEX["right_hip"]])
        torso = np.nanmax(np.linalg.norm(shoulders - hips, axis=-1))
        inside = sorted(int(i) for i in shot_breaks if 0 < i < len(xy))
        m = int(break_margin)
        pieces = [
            (a + m * (a > 0), b - m * (b < len(xy))) for a, b in pairwise([0, *inside, len(xy)])
        ]
        shift = min(moved(np.nanmean(xy[:, feet], axis=1), pieces), moved(hips, pieces))
    if not (seen >= min_visibility) or not (torso > 0):
        return float("nan")
    return float(shift / torso)


# =============================================================================
# Rep signals
# =============================================================================
@dataclass(frozen=True)
class SignalTerm:
    """One term of a :class:`RepSignal`, in metres.

    Attributes
    ----------
    kind : {"height", "lateral_spread"}
        ``"height"``: how far the midpoint of ``points`` is above
        ``reference`` (the midpoint of its landmarks, or the lowest of them
        with ``reference_mode="lowest"``). ``"lateral_spread"``: the distance
        between the two ``points`` along the line ``reference[0] ->
        reference[1]`` (e.g. ankles along the hip line).
    points, reference : tuple of landmark names
    reference_mode : {"mean", "lowest"}
        ``"lowest"`` takes the lower of the reference landmarks in each frame
        (the foot on the floor in a lunge, whatever leg is in front).
    weight : float
        Multiplies the term before the terms are added.
    """

    kind: Literal["height", "lateral_spread"]
    points: tuple[str, ...]
    reference: tuple[str, ...]
    reference_mode: Literal["mean", "lowest"] = "mean"
    weight: float = 1.0

    def __post_init__(self) -> None:
        for n in self.points + self.reference:
            if n not in LANDMARK_INDEX:
                raise ConfigError(f"SignalTerm: unknown landmark {n!r}")
        if self.kind not in ("height", "lateral_spread"):
            raise ConfigError(
                f"SignalTerm.kind must be 'height' or 'lateral_spread', got {self.kind!r}"
            )
        if self.kind == "lateral_spread" and (len(self.points) != 2 or len(self.reference) != 2):
            raise ConfigError("a lateral_spread term needs two points and two reference landmarks")

    def compute(self, track: PoseTrack) -> np.ndarray:
        """The term's values for every frame of ``track``, in metres (weighted)."""
        pts = [_w(track, n) for n in self.points]
        ref = [_w(track, n) for n in self.reference]
        if self.kind == "lateral_spread":
            value = lateral_distance(pts[0], pts[1], ref[0], ref[1])
        else:
            p = midpoint(*pts)
            if self.reference_mode == "lowest":
                # y points down: the lowest landmark has the largest y (NaN if any is missing)
                y = np.stack([r[:, 1] for r in ref])
                value = np.max(y, axis=0) - p[:, 1]
            else:
                value = height_above(p, midpoint(*ref))
        return self.weight * value


@dataclass(frozen=True)
class RepSignal:
    """A one-dimensional signal (metres) whose turning points are the reps.

    Attributes
    ----------
    name : str
        Short name with units, shown in tables and figures (``"hip_height_m"``).
    description : str
        What it measures, in words.
    terms : tuple of SignalTerm
        Added together.
    """

    name: str
    description: str
    terms: tuple[SignalTerm, ...]

    def compute(self, track: PoseTrack) -> np.ndarray:
        """The signal for every frame of ``track`` (NaN where a landmark is missing)."""
        with np.errstate(invalid="ignore"):
            return np.sum([term.compute(track) for term in self.terms], axis=0)


def _height(
    points: tuple[str, ...],
    reference: tuple[str, ...],
    mode: Literal["mean", "lowest"] = "mean",
    weight: float = 1.0,
) -> SignalTerm:
    return SignalTerm("height", points, reference, mode, weight)


HIPS = ("left_hip", "right_hip")
ANKLES = ("left_ankle", "right_ankle")
WRISTS = ("left_wrist", "right_wrist")
SHOULDERS = ("left_shoulder", "right_shoulder")

HIP_HEIGHT = RepSignal(
    "hip_height_m", "height of the hip midpoint above the ankle midpoint", (_height(HIPS, ANKLES),)
)
HIP_HEIGHT_LOWEST_FOOT = RepSignal(
    "hip_height_m",
    "height of the hip midpoint above the lower ankle",
    (_height(HIPS, ANKLES, "lowest"),),
)
BAR_HEIGHT_ABOVE_FEET = RepSignal(
    "bar_height_m",
    "height of the wrist midpoint (the bar) above the ankle midpoint",
    (_height(WRISTS, ANKLES),),
)
WRIST_ABOVE_SHOULDERS = RepSignal(
    "wrist_height_m",
    "height of the wrist midpoint above the shoulder midpoint",
    (_height(WRISTS, SHOULDERS),),
)
SHOULDER_ABOVE_HANDS = RepSignal(
    "shoulder_height_m",
    "height of the shoulder midpoint above the wrist midpoint (the hands are on the floor)",
    (_height(SHOULDERS, WRISTS),),
)
JACK_OPENING = RepSignal(
    "jack_opening_m",
    "height of the wrists above the shoulders plus twice the sideways ankle spread",
    (
        _height(WRISTS, SHOULDERS),
        SignalTerm("lateral_spread", ANKLES, ("right_hip", "left_hip"), weight=2.0),
    ),
)
