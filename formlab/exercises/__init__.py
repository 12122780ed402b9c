"""The exercises formlab knows: what signal counts their reps, and what a rep looks like.

Each :class:`Exercise` is documented data:

* ``signal``: a :class:`RepSignal`, a body-relative height in metres computed
  from the world landmarks (e.g. the hip height above the ankles for a squat);
* ``turning_point``: ``"bottom"`` (squat, lunge, push-up, bench press) or
  ``"top"`` (deadlift and overhead-press lockout, curl top, jumping jack with
  the arms overhead): the extreme of the signal that *is* the rep;
* ``concentric``: whether the lifting (concentric) phase is the movement
  ``"into"`` the turning point (deadlift, curl, press) or ``"out_of"`` it
  (squat, push-up, bench press, lunge);
* ``requires``: :class:`PoseCheck` s every rep must pass at its turning point,
  which keep out movements that are not this exercise (getting up off the
  floor after push-ups, a run-up before a jump);
* ``signature``: stricter checks that tell this exercise from the others,
  used only by ``exercise="auto"`` to choose;
* ``detector``: overrides of :class:`formlab.reps.RepDetectorParams`;
* ``angles``: joint angles worth reporting per rep (see :mod:`formlab.metrics`);
* ``load_point``: the landmarks whose midpoint stands for the load when there
  is no bar to track (the wrists hold the bar; a push-up moves the shoulders).

Why body-relative world signals? World landmarks are in metres and centred on
the hips in every frame, so a height *above the ankles* or *above the
shoulders* does not change when the camera pans, zooms, or the lifter walks
towards it, and it reads the same from the side and from the front. The bar
itself (see :mod:`formlab.barbell`) is used for the metrics; the hands holding
a back-squat bar are often hidden, the hips never are.

``exercise_names()`` lists the accepted names; :func:`get_exercise` raises a
:class:`~formlab.ConfigError` listing them for anything else. ``"auto"`` is
not an :class:`Exercise`: :func:`formlab.reps.detect_reps` then tries the
exercises in :data:`AUTO_CANDIDATES` and keeps the one whose reps fit best.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

import numpy as np

from ..core.errors import ConfigError
from ..core.geometry import (
    angle_from_vertical_deg,
    height_above,
    joint_angle_deg,
    lateral_distance,
    midpoint,
)
from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack

TurningPoint = Literal["bottom", "top"]

AUTO = "auto"


# =============================================================================
# Pose features: per-frame numbers computed from the world landmarks
# =============================================================================
def _w(track: PoseTrack, name: str) -> np.ndarray:
    return track.world_m[:, LANDMARK_INDEX[name], :]


def _mid(track: PoseTrack, part: str) -> np.ndarray:
    return midpoint(_w(track, "left_" + part), _w(track, "right_" + part))


def _mean_sides(fn: Callable[[str], np.ndarray]) -> np.ndarray:
    return np.mean(np.stack([fn("left"), fn("right")]), axis=0)


def _joint(track: PoseTrack, a: str, b: str, c: str) -> Callable[[str], np.ndarray]:
    return lambda s: joint_angle_deg(_w(track, f"{s}_{a}"), _w(track, f"{s}_{b}"), _w(track, f"{s}_{c}"))


POSE_FEATURES: dict[str, tuple[Callable[[PoseTrack], np.ndarray], str]] = {
    "knee_angle_deg": (lambda t: _mean_sides(_joint(t, "hip", "knee", "ankle")),
                       "hip-knee-ankle angle, mean of both legs (180 = straight)"),
    "left_knee_angle_deg": (lambda t: _joint(t, "hip", "knee", "ankle")("left"), "left hip-knee-ankle angle"),
    "right_knee_angle_deg": (lambda t: _joint(t, "hip", "knee", "ankle")("right"), "right hip-knee-ankle angle"),
    "hip_angle_deg": (lambda t: _mean_sides(_joint(t, "shoulder", "hip", "knee")),
                      "shoulder-hip-knee angle, mean of both sides (180 = hips fully open)"),
    "elbow_angle_deg": (lambda t: _mean_sides(_joint(t, "shoulder", "elbow", "wrist")),
                        "shoulder-elbow-wrist angle, mean of both arms (180 = straight arm)"),
    "shoulder_angle_deg": (lambda t: _mean_sides(_joint(t, "hip", "shoulder", "elbow")),
                           "hip-shoulder-elbow angle, mean of both arms (0 = arm along the body, 180 = overhead)"),
    "trunk_lean_deg": (lambda t: angle_from_vertical_deg(_mid(t, "hip"), _mid(t, "shoulder")),
                       "lean of hip-midpoint-to-shoulder-midpoint from vertical (0 upright, 90 horizontal)"),
    "hip_height_m": (lambda t: height_above(_mid(t, "hip"), _mid(t, "ankle")),
                     "height of the hip midpoint above the ankle midpoint"),
    "wrist_above_shoulder_m": (lambda t: height_above(_mid(t, "wrist"), _mid(t, "shoulder")),
                               "height of the wrist midpoint above the shoulder midpoint"),
    "wrist_above_hip_m": (lambda t: height_above(_mid(t, "wrist"), _mid(t, "hip")),
                          "height of the wrist midpoint above the hip midpoint"),
    "wrist_above_knee_m": (lambda t: height_above(_mid(t, "wrist"), _mid(t, "knee")),
                           "height of the wrist midpoint above the knee midpoint"),
    "wrist_above_nose_m": (lambda t: height_above(_mid(t, "wrist"), _w(t, "nose")),
                           "height of the wrist midpoint above the nose"),
    "ankle_spread_lateral_m": (
        lambda t: lateral_distance(_w(t, "left_ankle"), _w(t, "right_ankle"), _w(t, "right_hip"), _w(t, "left_hip")),
        "distance between the ankles along the hip line (feet apart sideways)"),
    "knee_height_difference_m": (lambda t: np.abs(height_above(_w(t, "left_knee"), _w(t, "right_knee"))),
                                 "difference in height between the two knees (large in a lunge)"),
}
"""Named per-frame pose quantities: ``name -> (function(track) -> array (n_frames,), description)``.
Units are in the name. All come from the world landmarks (3D, metres)."""


def pose_feature(track: PoseTrack, name: str) -> np.ndarray:
    """One named pose feature (see :data:`POSE_FEATURES`) for every frame of ``track``."""
    try:
        fn = POSE_FEATURES[name][0]
    except KeyError:
        raise ConfigError(f"unknown pose feature {name!r}; known: {', '.join(POSE_FEATURES)}") from None
    with np.errstate(invalid="ignore"):
        return np.asarray(fn(track), dtype=float)


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
            raise ConfigError(f"SignalTerm.kind must be 'height' or 'lateral_spread', got {self.kind!r}")
        if self.kind == "lateral_spread" and (len(self.points) != 2 or len(self.reference) != 2):
            raise ConfigError("a lateral_spread term needs two points and two reference landmarks")

    def compute(self, track: PoseTrack) -> np.ndarray:
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


def _height(points: tuple[str, ...], reference: tuple[str, ...], mode: Literal["mean", "lowest"] = "mean",
            weight: float = 1.0) -> SignalTerm:
    return SignalTerm("height", points, reference, mode, weight)


HIPS = ("left_hip", "right_hip")
ANKLES = ("left_ankle", "right_ankle")
WRISTS = ("left_wrist", "right_wrist")
SHOULDERS = ("left_shoulder", "right_shoulder")

HIP_HEIGHT = RepSignal("hip_height_m", "height of the hip midpoint above the ankle midpoint", (_height(HIPS, ANKLES),))
HIP_HEIGHT_LOWEST_FOOT = RepSignal("hip_height_m", "height of the hip midpoint above the lower ankle",
                                   (_height(HIPS, ANKLES, "lowest"),))
BAR_HEIGHT_ABOVE_FEET = RepSignal("bar_height_m", "height of the wrist midpoint (the bar) above the ankle midpoint",
                                  (_height(WRISTS, ANKLES),))
WRIST_ABOVE_SHOULDERS = RepSignal("wrist_height_m", "height of the wrist midpoint above the shoulder midpoint",
                                  (_height(WRISTS, SHOULDERS),))
SHOULDER_ABOVE_HANDS = RepSignal("shoulder_height_m", "height of the shoulder midpoint above the wrist midpoint "
                                 "(the hands are on the floor)", (_height(SHOULDERS, WRISTS),))
JACK_OPENING = RepSignal(
    "jack_opening_m",
    "height of the wrists above the shoulders plus twice the sideways ankle spread",
    (_height(WRISTS, SHOULDERS), SignalTerm("lateral_spread", ANKLES, ("right_hip", "left_hip"), weight=2.0)),
)


# =============================================================================
# Pose checks
# =============================================================================
@dataclass(frozen=True)
class PoseCheck:
    """A condition on a pose feature at a rep's turning point (or at its start).

    Attributes
    ----------
    feature : str
        A key of :data:`POSE_FEATURES`.
    min, max : float or None
        Inclusive bounds in the feature's units; None = unbounded.
    at : {"turn", "start", "change"}
        Where the feature is read: at the turning point, at the opposite
        extreme just before it (the standing position before a squat, the bar
        on the floor before a deadlift lockout), or its change from the start
        to the turning point (``value(turn) - value(start)``: the hips stay
        put in a curl, the feet move apart in a jumping jack).
    why : str
        Why the bound is what it is.

    Notes
    -----
    A feature that cannot be computed (a landmark missing at that frame)
    passes: a check only rejects what it can see.
    """

    feature: str
    min: float | None = None
    max: float | None = None
    at: Literal["turn", "start", "change"] = "turn"
    why: str = ""

    def __post_init__(self) -> None:
        if self.feature not in POSE_FEATURES:
            raise ConfigError(f"PoseCheck: unknown pose feature {self.feature!r}; known: {', '.join(POSE_FEATURES)}")
        if self.at not in ("turn", "start", "change"):
            raise ConfigError(f"PoseCheck.at must be 'turn', 'start' or 'change', got {self.at!r}")

    def passes(self, values: np.ndarray) -> np.ndarray:
        """Boolean array: where ``values`` (this feature) is within bounds, or NaN."""
        v = np.asarray(values, dtype=float)
        ok = np.ones(v.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            if self.min is not None:
                ok &= ~(v < self.min)
            if self.max is not None:
                ok &= ~(v > self.max)
        return ok

    def describe(self) -> str:
        lo = f"{self.min:g} <= " if self.min is not None else ""
        hi = f" <= {self.max:g}" if self.max is not None else ""
        where = "change of " if self.at == "change" else ""
        return f"{lo}{where}{self.feature}{hi}" + ("" if self.at == "change" else f" at {self.at}")


# =============================================================================
# Angles reported per rep
# =============================================================================
@dataclass(frozen=True)
class RepAngle:
    """A joint angle reported per rep by :mod:`formlab.metrics`.

    ``column`` names the reps-table column, ``feature`` the pose feature and
    ``reduce`` how it is summarised over the rep (from start to end):
    ``"min"``, ``"max"`` or ``"at_turn"`` (its value at the turning point).
    """

    column: str
    feature: str
    reduce: Literal["min", "max", "at_turn"]
    description: str = ""


# =============================================================================
# Exercises
# =============================================================================
@dataclass(frozen=True)
class Exercise:
    """One exercise: how to find its reps and what to measure.

    See the module docstring for the meaning of each field.
    """

    name: str
    description: str
    signal: RepSignal
    turning_point: TurningPoint
    concentric: Literal["into", "out_of"]
    requires: tuple[PoseCheck, ...] = ()
    signature: tuple[PoseCheck, ...] = ()
    detector: Mapping[str, Any] = field(default_factory=dict)
    angles: tuple[RepAngle, ...] = ()
    load_point: tuple[str, ...] = ("left_wrist", "right_wrist")
    views: str = ""
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain summary (JSON-serialisable) for summaries and reports."""
        return {
            "name": self.name,
            "signal": self.signal.name,
            "signal_description": self.signal.description,
            "turning_point": self.turning_point,
            "concentric": self.concentric,
            "requires": [c.describe() for c in self.requires],
            "detector": dict(self.detector),
        }


_KNEE_BENT = PoseCheck("knee_angle_deg", max=150.0, why=(
    "a squat or lunge bends the knees; standing, walking and a bar walk-out keep them above ~150 deg. "
    "A quarter squat reaches ~130 deg; the sample squats reach 50-105 deg"))
_SQUAT_SIGNATURE = (
    PoseCheck("wrist_above_hip_m", min=-0.1, why="at the bottom the hands hold the bar on the back or in a front "
              "rack, or reach forward: not below the hips (samples: -0.02 to 0.40 m); at the bottom of a deadlift "
              "they hang down to the bar (samples: -0.20 to -0.26 m)"),
    PoseCheck("knee_height_difference_m", max=0.15, why="both knees at about the same height "
              "(in a lunge the rear knee is near the floor)"),
    PoseCheck("trunk_lean_deg", max=60.0, at="start", why="standing upright between reps (not lying down)"),
    PoseCheck("hip_height_m", max=-0.15, at="change", why=(
        "the hips drop at least 0.15 m (a quarter squat; the sample squats drop 0.33-0.52 m), more than the "
        "knee bend of landing a jump (0.10-0.14 m in the jumping-jack sample)")),
)
_SQUAT_ANGLES = (
    RepAngle("min_knee_angle_deg", "knee_angle_deg", "min", "smallest knee angle (depth)"),
    RepAngle("min_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle"),
    RepAngle("max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"),
)


def _squat(name: str, description: str, notes: str = "") -> Exercise:
    return Exercise(
        name=name,
        description=description,
        signal=HIP_HEIGHT,
        turning_point="bottom",
        concentric="out_of",
        requires=(_KNEE_BENT,),
        signature=_SQUAT_SIGNATURE,
        angles=_SQUAT_ANGLES,
        views="side, front or three-quarter; the whole body (hips and ankles) in the picture",
        notes=notes,
    )


EXERCISES: dict[str, Exercise] = {}
"""The registry: name -> :class:`Exercise` (see :func:`exercise_names`)."""


def _register(ex: Exercise) -> None:
    EXERCISES[ex.name] = ex


_register(_squat("squat", "squat of any kind (bodyweight, goblet, barbell)",
                 "Rep = bottom of the hips. The hip height above the ankles is used rather than the bar: "
                 "it is visible in every view and with any load, while the hands on a back-squat bar are "
                 "often hidden."))
_register(_squat("front_squat", "barbell or dumbbell front squat (load in a front rack)"))
_register(_squat("back_squat", "barbell back squat (bar on the upper back)"))
_register(Exercise(
    name="deadlift",
    description="deadlift from the floor (conventional, sumo, trap-bar, Romanian)",
    signal=BAR_HEIGHT_ABOVE_FEET,
    turning_point="top",
    concentric="into",
    requires=(PoseCheck("trunk_lean_deg", max=45.0, why=(
        "at lockout the lifter stands tall (the samples: 15-20 deg); bent over means the bar is not locked out")),),
    signature=(
        PoseCheck("wrist_above_hip_m", max=-0.15, at="start", why=(
            "the hands reach down to the bar before the pull (samples: -0.20 to -0.26 m below the hips); "
            "in a squat they hold the bar on the shoulders or reach forward (-0.02 to 0.40 m), and arms "
            "hanging from an upright trunk (a lunge with dumbbells) reach about -0.1 m")),
        PoseCheck("trunk_lean_deg", min=30.0, at="start", why=(
            "bent over the bar before the pull (samples: 40-55 deg); squats and lunges stay more upright "
            "when the hands are low")),
        PoseCheck("hip_height_m", min=0.1, at="change", why="the hips rise from the set-up to lockout"),
        PoseCheck("wrist_above_hip_m", max=0.05, why="at lockout the bar hangs at the thighs, below the hips"),
    ),
    angles=(
        RepAngle("start_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle (set-up position)"),
        RepAngle("start_knee_angle_deg", "knee_angle_deg", "min", "smallest knee angle (set-up position)"),
        RepAngle("lockout_hip_angle_deg", "hip_angle_deg", "at_turn", "hip angle at lockout (180 = fully open)"),
        RepAngle("max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"),
    ),
    views="side or front; hands, hips and ankles in the picture",
    notes="Rep = lockout (bar highest). The bar is the wrist midpoint above the feet, so walking up to the bar "
          "and bending down to set up is the movement away from a lockout, never a rep; a clip that ends at "
          "lockout counts that pull.",
))
_register(Exercise(
    name="curl",
    description="biceps curl with a barbell, dumbbells or a cable",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="top",
    concentric="into",
    requires=(PoseCheck("elbow_angle_deg", max=120.0, why=(
        "at the top of a curl the elbow is bent well past a right angle (samples: 60-75 deg)")),),
    signature=(
        PoseCheck("wrist_above_nose_m", max=0.0, why="the hands stay below the face (a press goes overhead)"),
        PoseCheck("trunk_lean_deg", max=45.0, why="standing or sitting upright"),
        PoseCheck("hip_height_m", min=-0.05, max=0.05, at="change", why=(
            "only the arms move: the hips keep their height (in a squat the hands move relative to the "
            "shoulders too, but the hips drop)")),
        PoseCheck("elbow_angle_deg", max=-45.0, at="change", why=(
            "the elbow bends from nearly straight to well flexed (samples: about -80 deg); holding a load "
            "at the shoulders and shifting it keeps the elbows bent")),
    ),
    angles=(
        RepAngle("min_elbow_angle_deg", "elbow_angle_deg", "min", "smallest elbow angle (top of the curl)"),
        RepAngle("max_elbow_angle_deg", "elbow_angle_deg", "max", "largest elbow angle (arm extension at the bottom)"),
        RepAngle("max_shoulder_angle_deg", "shoulder_angle_deg", "max",
                 "largest hip-shoulder-elbow angle (elbows drifting forward)"),
    ),
    views="side (best) or front",
    notes="Rep = top of the curl. Wrist height is taken relative to the shoulders, so leaning back does not "
          "make a rep and a body sway is not one.",
))
_register(Exercise(
    name="push_up",
    description="push-up (also on the knees)",
    signal=SHOULDER_ABOVE_HANDS,
    turning_point="bottom",
    concentric="out_of",
    requires=(
        PoseCheck("trunk_lean_deg", min=45.0, why="the trunk is roughly horizontal (samples: 80-90 deg)"),
        PoseCheck("hip_angle_deg", min=120.0, why=(
            "the body is held in a line (samples: 155-170 deg); kneeling back or getting up folds the hips")),
    ),
    signature=(PoseCheck("wrist_above_shoulder_m", max=-0.1, why="the hands are on the floor, below the shoulders"),),
    angles=(
        RepAngle("min_elbow_angle_deg", "elbow_angle_deg", "min", "smallest elbow angle (depth)"),
        RepAngle("min_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle (sagging or piking)"),
    ),
    load_point=SHOULDERS,
    views="side (best) or three-quarter",
    notes="Rep = bottom (chest nearest the floor). A clip that starts at the bottom does not count that "
          "bottom; getting up at the end is rejected by the hip-angle check.",
))
_register(Exercise(
    name="jumping_jack",
    description="jumping jack (arms and legs open and close together)",
    signal=JACK_OPENING,
    turning_point="top",
    concentric="into",
    requires=(PoseCheck("ankle_spread_lateral_m", min=0.35, why=(
        "the feet land apart sideways when the arms are overhead (samples: 0.6-0.75 m; 0.1-0.3 m closed); "
        "an arm swing with the feet together or in a stride is not a jack")),),
    signature=(
        PoseCheck("wrist_above_shoulder_m", min=0.0, why="the hands go above the shoulders"),
        PoseCheck("ankle_spread_lateral_m", min=0.15, at="change", why=(
            "the feet jump apart as the arms go up (samples: +0.4-0.5 m)")),
        PoseCheck("wrist_above_shoulder_m", min=0.3, at="change", why=(
            "the arms swing from the sides to overhead (samples: +0.8-0.9 m)")),
        PoseCheck("shoulder_angle_deg", min=120.0, why="the arms are raised overhead, not holding something at the "
                  "shoulders with the elbows down"),
    ),
    detector={"min_distance_s": 0.4},
    angles=(
        RepAngle("max_shoulder_angle_deg", "shoulder_angle_deg", "max", "largest arm elevation"),
    ),
    views="front (best); from the side the sideways spread is judged from the 3D landmarks",
    notes="Rep = arms overhead with the feet apart. The signal adds twice the sideways ankle spread to the "
          "wrist height so that an arm swing alone (before a jump, a stretch) makes a weaker signal.",
))
_register(Exercise(
    name="bench_press",
    description="bench press with a barbell or dumbbells, lying on a bench",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="bottom",
    concentric="out_of",
    requires=(PoseCheck("trunk_lean_deg", min=30.0, why=(
        "lying on a flat (90 deg) or incline (45-60 deg) bench; sitting up or standing is set-up")),),
    signature=(PoseCheck("wrist_above_shoulder_m", min=0.0, why="the bar is above the chest, over the shoulders"),),
    angles=(
        RepAngle("min_elbow_angle_deg", "elbow_angle_deg", "min", "smallest elbow angle (bar at the chest)"),
        RepAngle("max_elbow_angle_deg", "elbow_angle_deg", "max", "largest elbow angle (lockout)"),
    ),
    views="side (camera at bench height) or from the head/feet end; the arms must be visible",
    notes="Rep = bottom (bar at the chest). The signal is the wrist height above the shoulders, which lying "
          "on the bench keeps fixed; un-racking moves the bar forward at arm's length (no bottom), racking "
          "likewise. Designed from the movement: no sample clip shows a bench press.",
))
_register(Exercise(
    name="overhead_press",
    description="standing or seated overhead press (barbell or dumbbells), push press",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="top",
    concentric="into",
    requires=(PoseCheck("wrist_above_nose_m", min=0.0, why="at lockout the hands are above the head"),),
    signature=(
        PoseCheck("elbow_angle_deg", min=130.0, why="arms nearly straight at lockout"),
        PoseCheck("shoulder_angle_deg", min=120.0, why="the arms point up at lockout"),
        PoseCheck("trunk_lean_deg", max=45.0, why="standing or sitting upright"),
        PoseCheck("hip_height_m", min=-0.1, max=0.1, at="change", why=(
            "the legs do not squat (a push-press dip is ~0.1 m and over before lockout)")),
        PoseCheck("ankle_spread_lateral_m", max=0.15, at="change", why="the feet stay where they are "
                  "(a jumping jack opens them)"),
    ),
    angles=(
        RepAngle("max_elbow_angle_deg", "elbow_angle_deg", "max", "largest elbow angle (lockout)"),
        RepAngle("max_shoulder_angle_deg", "shoulder_angle_deg", "max", "largest arm elevation at lockout"),
        RepAngle("max_trunk_lean_deg", "trunk_lean_deg", "max", "largest lean of the trunk (leaning back)"),
    ),
    views="side (bar path, lean-back) or front",
    notes="Rep = lockout overhead. The wrist height above the shoulders ignores a dip-and-drive of the legs. "
          "Designed from the movement: no sample clip shows an overhead press.",
))
_register(Exercise(
    name="lunge",
    description="lunge (forward, reverse, walking, split squat), each leg's bottom is one rep",
    signal=HIP_HEIGHT_LOWEST_FOOT,
    turning_point="bottom",
    concentric="out_of",
    requires=(_KNEE_BENT,),
    signature=(
        PoseCheck("knee_height_difference_m", min=0.15, why="the rear knee drops towards the floor, the front "
                  "knee stays high"),
        PoseCheck("trunk_lean_deg", max=45.0, why="the trunk stays upright"),
    ),
    angles=(
        RepAngle("min_knee_angle_deg", "knee_angle_deg", "min", "smallest knee angle (mean of both legs)"),
        RepAngle("min_left_knee_angle_deg", "left_knee_angle_deg", "min", "smallest left knee angle"),
        RepAngle("min_right_knee_angle_deg", "right_knee_angle_deg", "min", "smallest right knee angle"),
        RepAngle("max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"),
    ),
    load_point=HIPS,
    views="side (best) or front",
    notes="Rep = bottom of the hips. The hip height is taken above the LOWER ankle (the front foot, which "
          "stays flat) so stepping and alternating legs do not move the reference; walking lunges travel, "
          "which a body-relative signal ignores. Designed from the movement: no sample clip shows a lunge.",
))

AUTO_CANDIDATES: tuple[str, ...] = ("jumping_jack", "lunge", "deadlift", "overhead_press", "curl", "bench_press",
                                    "push_up", "squat")
"""Exercises ``"auto"`` chooses from, in order of preference when two explain equally many reps:
the most specific signature first (a jumping jack must move arms *and* legs; any crouch can pass
for a shallow squat), so ``"squat"`` comes last. The squat variants differ only in name, so only
``"squat"`` is tried."""


def exercise_names() -> list[str]:
    """The accepted exercise names, ``"auto"`` last."""
    return [*EXERCISES, AUTO]


def get_exercise(name: str | Exercise) -> Exercise:
    """The :class:`Exercise` called ``name`` (an :class:`Exercise` is returned as is).

    Raises
    ------
    ConfigError
        For an unknown name (the message lists the accepted ones), or for
        ``"auto"``, which is not one exercise (use :func:`formlab.reps.detect_reps`).
    """
    if isinstance(name, Exercise):
        return name
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key in EXERCISES:
        return EXERCISES[key]
    if key == AUTO:
        raise ConfigError("'auto' is not one exercise: formlab.reps.detect_reps(track, 'auto') chooses one")
    raise ConfigError(f"unknown exercise {name!r}; accepted: {', '.join(exercise_names())}")


def check_exercise_name(name: str) -> str:
    """The canonical form of an accepted exercise name (``"auto"`` included), or a ConfigError listing them."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if key == AUTO:
        return AUTO
    return get_exercise(key).name
