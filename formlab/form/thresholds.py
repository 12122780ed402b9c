"""Form-check thresholds as documented data, with presets and TOML/JSON files.

Every number the form checks (:mod:`formlab.checks`) compare a measurement
with lives here, in one small frozen dataclass per check, together with its
unit, its valid range and where its default comes from. Nothing else in
formlab hides a threshold in an ``if`` statement.

>>> th = thresholds_for("front_squat")
>>> th.elbows_up.max_upper_arm_drop_deg
45.0
>>> th = th.updated({"elbows_up.max_upper_arm_drop_deg": 40})
>>> save_thresholds(th, "my_thresholds.toml")        # doctest: +SKIP
>>> load_thresholds("my_thresholds.toml")            # doctest: +SKIP

A value outside its range raises :class:`formlab.ConfigError` naming the
field, the value and the range. Files may hold only the values you change;
the rest come from the preset of the exercise.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..core.errors import ConfigError
from ..core.files import atomic_write

__all__ = [
    "ViewThresholds",
    "LandmarkThresholds",
    "StartPositionThresholds",
    "ElbowsUpThresholds",
    "KneesOutThresholds",
    "FeetWidthThresholds",
    "HeadNeutralThresholds",
    "DepthThresholds",
    "TorsoUprightThresholds",
    "HeelsDownThresholds",
    "RepSummaryThresholds",
    "FormThresholds",
    "PRESETS",
    "thresholds_for",
    "load_thresholds",
    "save_thresholds",
    "threshold_table",
]


# --------------------------------------------------------------------------- field helper
def _param(default: Any, unit: str, lo: float | None = None, hi: float | None = None, *,
           source: str, meaning: str, choices: tuple[str, ...] | None = None) -> Any:
    """A threshold field: default, unit, inclusive valid range (or choices), meaning and source."""
    return field(default=default, metadata={
        "unit": unit, "range": (lo, hi), "choices": choices, "source": source, "meaning": meaning})


def _describe_fields(cls: type) -> str:
    lines = ["", "    Attributes", "    ----------"]
    for f in dataclasses.fields(cls):
        md = f.metadata
        if md.get("choices"):
            kind = "{" + ", ".join(repr(c) for c in md["choices"]) + "}"
        else:
            lo, hi = md["range"]
            kind = f"float in [{lo}, {hi}] {md['unit']}".rstrip()
        lines.append(f"    {f.name} : {kind}, default {f.default!r}")
        lines.append(f"        {md['meaning']} Source of the default: {md['source']}")
    return "\n".join(lines) + "\n"


def _thresholds(cls: type) -> type:
    """Make ``cls`` a frozen, validated dataclass and append its fields to its docstring."""
    cls = dataclass(frozen=True)(cls)
    cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n" + _describe_fields(cls)
    return cls


class _Section:
    """Base of the per-check threshold dataclasses: validation and conversion."""

    section: str = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            object.__setattr__(self, f.name, _validate(self.section, f, value))
        self._check_consistency()

    def _check_consistency(self) -> None:
        """Cross-field rules (overridden where a section has them)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _validate(section: str, f: dataclasses.Field, value: Any) -> Any:
    name = f"{section}.{f.name}"
    md = f.metadata
    if md.get("choices"):
        if not isinstance(value, str) or value not in md["choices"]:
            raise ConfigError(f"{name} = {value!r} is not one of {list(md['choices'])}")
        return value
    try:  # ints, numpy scalars and numeric strings (from widgets) are accepted; booleans are not
        if isinstance(value, bool):
            raise TypeError
        value = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} = {value!r} is not a number ({md['unit']})".replace(" ()", "")) from None
    lo, hi = md["range"]
    if math.isnan(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ConfigError(f"{name} = {value!r} is out of range [{lo}, {hi}] {md['unit']}".rstrip())
    return value


# --------------------------------------------------------------------------- sections
@_thresholds
class ViewThresholds(_Section):
    """How the camera view (front / oblique / side / back) is decided from the pose.

    See :mod:`formlab.view`. The body's yaw is the angle between the line
    from the right to the left shoulder/hip and the camera's x axis: 0 deg
    when the lifter faces the camera, +-90 deg in a side view, 180 deg from
    behind.
    """

    section = "view"
    front_max_yaw_deg: float = _param(
        30.0, "deg", 0, 90,
        meaning="Largest |yaw| still called a front view (and smallest |180 - yaw| a back view).",
        source="formlab: a third of a quarter turn. Up to 30 deg the left-right axis keeps "
               ">= 87 % of its length in the picture (cos 30), so widths measured across the body "
               "depend mostly on the picture and little on MediaPipe's estimated depth.")
    side_min_yaw_deg: float = _param(
        60.0, "deg", 0, 90,
        meaning="Smallest |yaw| (or |180 - yaw|) called a side view; between the two limits the view is oblique.",
        source="formlab: symmetric to front_max_yaw_deg; beyond 60 deg the sagittal plane keeps "
               ">= 87 % of its extent in the picture (sin 60).")
    image_cue_weight: float = _param(
        0.5, "", 0, 1,
        meaning="Weight of the image cue (shoulder and hip widths in pixels relative to torso length) "
                "against the world-landmark cue (orientation of the shoulder and hip lines) in the yaw magnitude.",
        source="formlab: equal weights. On the sample clips the two cues differ by 2-10 deg in the "
                "median frame (5-27 deg at the 90th percentile); the image cue does not depend on MediaPipe's "
                "depth estimate, the world cue tells front from back and left from right.")
    smoothing_window_s: float = _param(
        1.0, "s", 0, 30,
        meaning="Width of the centred moving window over which the yaw is averaged before the view is decided "
                "(0: no smoothing).",
        source="formlab: a lifter does not turn within a rep, while single-frame yaw jitters by about "
               "10 deg; one second spans less than one rep at normal tempo.")

    def _check_consistency(self) -> None:
        if self.front_max_yaw_deg > self.side_min_yaw_deg:
            raise ConfigError(
                f"view.front_max_yaw_deg = {self.front_max_yaw_deg} must not exceed "
                f"view.side_min_yaw_deg = {self.side_min_yaw_deg}")


@_thresholds
class LandmarkThresholds(_Section):
    """Which landmarks are trusted enough to measure with."""

    section = "landmarks"
    min_visibility: float = _param(
        0.5, "", 0, 1,
        meaning="A landmark whose MediaPipe visibility is below this is treated as unseen: a one-sided "
                "measure (an arm, a leg, an ear) uses only the sides whose landmarks all pass.",
        source="MediaPipe's own drawing utilities hide landmarks below 0.5. In the side view of "
               "squatAnalysis-rohanx01__squat the far elbow scores 0.01-0.23, the near one 0.74-0.99.")


@_thresholds
class StartPositionThresholds(_Section):
    """Start position: the bar (or dumbbells) in the front rack.

    Both criteria are vertical distances, measured on every seen arm in world
    landmarks and divided by the lifter's torso length (shoulder midpoint to
    hip midpoint), so they mean the same for tall and short lifters and in
    every camera view. Every seen arm must pass.

    Notes
    -----
    The article describes the rack as "wrists above the elbows and close to
    the shoulders". Closeness is judged vertically (the hands at shoulder
    height): MediaPipe's estimated depth of the hands in a front view is
    too poor for the forward distance. On ``ai-trainer__500_perfect`` it puts
    the left wrist 0.40 m in front of the shoulder while the photo shows the
    hand on the shoulder.
    """

    section = "start_position"
    max_wrist_shoulder_height_ratio: float = _param(
        0.25, "torso lengths", 0, 2,
        meaning="Largest vertical distance between a wrist and its shoulder.",
        source="formlab, from the samples: in the rack the wrists sit within 0.13 torso lengths of the "
               "shoulders (the article's photos, squatAnalysis-rohanx01__squat); overhead they are "
               "0.4-0.5 above, hanging 1.0 below. 0.25 (about 12 cm) sits between.")
    min_wrist_above_elbow_ratio: float = _param(
        0.0, "torso lengths", -1, 1,
        meaning="Smallest height of a wrist above its elbow (negative: the wrist may be below).",
        source="the article: wrists above the elbows. 0 (level) because with the elbows high the forearm "
               "can be close to horizontal (0.05-0.09 on ai-trainer__500_perfect).")


@_thresholds
class ElbowsUpThresholds(_Section):
    """Elbows up: the upper arms point forward, not down, in the front rack.

    The upper arm's elevation is the angle of the shoulder->elbow vector above
    the horizontal plane, measured in 3D world landmarks (a front camera cannot
    see how far forward the elbows point). Negative means below horizontal.

    Notes
    -----
    The article flags "Rise your elbows" when *both* upper arms point more than
    45 deg below the horizontal. formlab compares the *mean* elevation of the
    seen arms by default (``arm_rule="mean"``): the far arm's landmarks are
    estimated less well, and a rule that needs both arms lets one badly placed
    landmark hide a dropped rack. On the article's bad photo
    (``ai-trainer__715_low_elbows``) formlab measures -42.6 deg (left, far
    arm) and -65.8 deg (right): the article's "both" rule would pass it, the
    mean (-54 deg) fails it, as the article's author judged. ``"both"`` and
    ``"either"`` remain available. In side and oblique views only the arm
    facing the camera is used (see :mod:`formlab.posture`). The check is
    judged only in frames where the start-position check finds the bar in the
    front rack: with the arms hanging or pressing overhead it does not apply.
    """

    section = "elbows_up"
    max_upper_arm_drop_deg: float = _param(
        45.0, "deg", 0, 90,
        meaning="Largest angle the upper arms may point below the horizontal.",
        source="the article (45 deg).")
    arm_rule: str = _param(
        "mean", "", choices=("mean", "both", "either"),
        meaning="How the two arms combine: 'mean' compares the mean elevation of the seen arms; 'both' fails "
                "only when every seen arm is too low (the article); 'either' fails when any seen arm is.",
        source="formlab: the far arm's landmarks are estimated less well, so the mean of the seen arms is "
               "judged. On the article's bad photo (ai-trainer__715_low_elbows: -42.6 and -65.8 deg) the "
               "article's 'both' rule passes, the mean (-54 deg) fails, as the article's author judged.")


@_thresholds
class KneesOutThresholds(_Section):
    """Knees not caving in, judged while the knees are bent.

    The distance between the knees is compared with the distance between the
    ankles, both measured along the lifter's left-right axis (the hip line) in
    world landmarks, so a staggered stance or a slight turn does not count as
    caving in.
    """

    section = "knees_out"
    min_knee_flexion_deg: float = _param(
        50.0, "deg", 0, 170,
        meaning="The check applies only while the mean knee flexion (0 = straight) exceeds this.",
        source="the article (knee flexion beyond 50 deg).")
    max_knee_narrowing_ratio: float = _param(
        0.15, "ratio", 0, 1,
        meaning="Largest fraction by which the knee distance may fall below the ankle distance "
                "(fails when knee distance < (1 - this) x ankle distance).",
        source="the article (15 %).")


@_thresholds
class FeetWidthThresholds(_Section):
    """Feet about shoulder width: ankle distance over shoulder distance.

    Both distances are measured along the lifter's left-right axis in world
    landmarks.

    Notes
    -----
    The article accepts the ankle distance within +-80 % of the shoulder width
    (0.2-1.8), which never flags even feet together. BlazePose's shoulder
    landmarks mark the shoulder joints, narrower than the outside of the
    shoulders a coach means by "shoulder width", and the article's own
    good-form photos measure 1.38-1.52 in these units; so formlab's range is
    centred above 1.
    """

    section = "feet_width"
    min_ankle_shoulder_ratio: float = _param(
        0.8, "ratio", 0, 5,
        meaning="Narrowest stance: ankle distance over shoulder-landmark distance.",
        source="formlab: about hip width or narrower fails (BlazePose's hip landmarks are about 0.6 "
               "shoulder widths apart); the article's margin (0.2) would accept feet together.")
    max_ankle_shoulder_ratio: float = _param(
        1.7, "ratio", 0, 5,
        meaning="Widest stance: ankle distance over shoulder-landmark distance.",
        source="formlab: the article's good-form photos measure 1.38-1.52; 1.7 leaves room for a slightly "
               "wider stance and flags a sumo stance (about 2 and more).")

    def _check_consistency(self) -> None:
        if self.min_ankle_shoulder_ratio >= self.max_ankle_shoulder_ratio:
            raise ConfigError(
                f"feet_width.min_ankle_shoulder_ratio = {self.min_ankle_shoulder_ratio} must be below "
                f"feet_width.max_ankle_shoulder_ratio = {self.max_ankle_shoulder_ratio}")


@_thresholds
class HeadNeutralThresholds(_Section):
    """Looking forward, not down: the ear->eye line's angle below the horizontal (3D)."""

    section = "head_neutral"
    max_head_drop_deg: float = _param(
        40.0, "deg", 0, 90,
        meaning="Largest angle the ear->eye line may point below the horizontal.",
        source="the article's notebook (40 deg).")
    min_ear_eye_length_frac: float = _param(
        0.6, "ratio", 0, 1,
        meaning="Shortest ear->eye distance, as a fraction of its median over the track, at which a side's "
                "head pitch is measured; shorter means the face is hidden or turned away and MediaPipe has "
                "collapsed it, so the direction is noise.",
        source="formlab, on the sample videos: frames with a shorter segment have 2.5-13x larger frame-to-frame "
               "pitch jumps (median); on gymassist__side_squat, with the face behind the plate, the segment "
               "falls to 0.003-0.028 m against 0.062 m and the pitch swings by 50 deg; clips with a visible "
               "face lose under 2 % of frames.")


@_thresholds
class DepthThresholds(_Section):
    """Squat depth: the hip crease below the top of the knee at the bottom of each rep.

    Measured as the angle of the knee->hip line below the horizontal
    (``hip_below_knee_deg``, positive when the hip joint is lower than the
    knee joint), on the seen legs, in world landmarks.

    Notes
    -----
    The powerlifting rule compares the hip crease with the top of the knee.
    Both sit a few centimetres above the line joining the hip and knee joint
    centres that BlazePose estimates, by similar amounts, so the rule amounts
    to that line reaching the horizontal (0 deg). A 3 cm landmark error moves
    the angle by about 4 deg for a 0.42 m thigh.
    """

    section = "depth"
    min_hip_below_knee_deg: float = _param(
        0.0, "deg", -45, 45,
        meaning="Smallest hip-below-knee angle at the bottom of a rep.",
        source="the IPF depth rule (hip crease below the top of the knee), translated to BlazePose's joint "
               "centres: both landmarks sit a few cm below those points, so the knee->hip line reaching the "
               "horizontal (0 deg) is the rule.")
    min_knee_flexion_deg: float = _param(
        60.0, "deg", 0, 170,
        meaning="Without a reps table, a frame is judged as a rep bottom only if its knee flexion exceeds "
                "this and is the largest within bottom_window_s.",
        source="formlab: well above the flexion of standing (< 20 deg) and of walking (< 40 deg), well "
               "below any squat bottom (> 90 deg).")
    bottom_window_s: float = _param(
        1.0, "s", 0, 10,
        meaning="Width of the centred window in which a rep bottom must be the deepest frame "
                "(only without a reps table).",
        source="formlab: shorter than one squat rep (2-4 s), longer than the jitter of the landmarks at "
               "the bottom.")


@_thresholds
class TorsoUprightThresholds(_Section):
    """Torso inclination: the shoulder-midpoint over hip-midpoint line from vertical (3D)."""

    section = "torso_upright"
    max_torso_lean_deg: float = _param(
        45.0, "deg", 0, 90,
        meaning="Largest forward (or any) lean of the torso from vertical.",
        source="formlab's coaching heuristic for the front squat: the rack is a shelf on the front of the "
               "shoulders and beyond 45 deg the bar rolls forward. The sample front squat "
               "(squatAnalysis-rohanx01__squat) leans 38-40 deg at the bottom of its reps. Not from a study: "
               "tune it.")


@_thresholds
class HeelsDownThresholds(_Section):
    """Heels staying down: the heel->toe line's rise from the lifter's standing baseline.

    Measured in the picture on the near foot in a side view (where the foot
    lies in the image plane), relative to the median of the standing frames
    of the same clip, because where BlazePose puts the heel landmark varies
    from person to person and shoe to shoe (-3 to +11 deg on the samples
    when standing flat). A single photo has no baseline: not assessable.

    Notes
    -----
    BlazePose's foot landmarks rotate with the shin as the ankle bends: on
    ``testvideo-yuyoujiang__squat`` (heels flat, side view) this measure
    reaches 40 deg at the bottom of each rep, more than a real heel lift.
    The check is therefore not run by default (see
    :data:`formlab.feedback.OPTIONAL_CHECKS`).
    """

    section = "heels_down"
    max_heel_rise_deg: float = _param(
        15.0, "deg", 0, 90,
        meaning="Largest rise of the heel->toe line above its standing baseline.",
        source="formlab: a heel lifted 5 cm on a 20 cm heel-to-toe line tilts it by about 15 deg.")
    standing_max_knee_flexion_deg: float = _param(
        20.0, "deg", 0, 90,
        meaning="Frames with a knee flexion below this form the standing baseline.",
        source="formlab: standing with soft knees measures under 15 deg on the samples.")
    min_baseline_s: float = _param(
        0.3, "s", 0, 60,
        meaning="Shortest total duration of standing frames needed for a baseline.",
        source="formlab: about ten frames, enough for a median that resists the jitter.")


@_thresholds
class RepSummaryThresholds(_Section):
    """How the per-frame verdicts become a verdict per rep."""

    section = "rep_summary"
    min_fail_duration_s: float = _param(
        0.1, "s", 0, 10,
        meaning="A check fails in a rep only if it fails for at least this long in total within the rep "
                "(the depth check, judged at one frame, is exempt).",
        source="formlab: three frames at 30 fps, so that a single-frame landmark glitch does not flag a rep.")


_SECTIONS: dict[str, type] = {
    "view": ViewThresholds,
    "landmarks": LandmarkThresholds,
    "start_position": StartPositionThresholds,
    "elbows_up": ElbowsUpThresholds,
    "knees_out": KneesOutThresholds,
    "feet_width": FeetWidthThresholds,
    "head_neutral": HeadNeutralThresholds,
    "depth": DepthThresholds,
    "torso_upright": TorsoUprightThresholds,
    "heels_down": HeelsDownThresholds,
    "rep_summary": RepSummaryThresholds,
}


@dataclass(frozen=True)
class FormThresholds:
    """All form-check thresholds, one section per check (defaults: the front squat).

    Build one with :func:`thresholds_for` (an exercise's preset), read one
    with :func:`load_thresholds`, change values with :meth:`updated`, write
    one with :func:`save_thresholds`. Each section's docstring lists its
    fields with unit, range and the source of the default.
    """

    view: ViewThresholds = field(default_factory=ViewThresholds)
    landmarks: LandmarkThresholds = field(default_factory=LandmarkThresholds)
    start_position: StartPositionThresholds = field(default_factory=StartPositionThresholds)
    elbows_up: ElbowsUpThresholds = field(default_factory=ElbowsUpThresholds)
    knees_out: KneesOutThresholds = field(default_factory=KneesOutThresholds)
    feet_width: FeetWidthThresholds = field(default_factory=FeetWidthThresholds)
    head_neutral: HeadNeutralThresholds = field(default_factory=HeadNeutralThresholds)
    depth: DepthThresholds = field(default_factory=DepthThresholds)
    torso_upright: TorsoUprightThresholds = field(default_factory=TorsoUprightThresholds)
    heels_down: HeelsDownThresholds = field(default_factory=HeelsDownThresholds)
    rep_summary: RepSummaryThresholds = field(default_factory=RepSummaryThresholds)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested plain dict ``{section: {field: value}}`` (JSON-serialisable)."""
        return {name: getattr(self, name).to_dict() for name in _SECTIONS}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], base: "FormThresholds | None" = None) -> "FormThresholds":
        """Thresholds from a nested (or dotted-key) mapping; missing values come from ``base``.

        Raises
        ------
        ConfigError
            On an unknown section or field, a wrong type or an out-of-range value.
        """
        return (base or cls()).updated(values)

    def updated(self, values: Mapping[str, Any]) -> "FormThresholds":
        """A copy with some values changed.

        ``values`` is nested (``{"elbows_up": {"max_upper_arm_drop_deg": 40}}``)
        or uses dotted keys (``{"elbows_up.max_upper_arm_drop_deg": 40}``).
        """
        nested: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            if isinstance(value, Mapping):
                nested.setdefault(str(key), {}).update(value)
            elif "." in str(key):
                section, name = str(key).split(".", 1)
                nested.setdefault(section, {})[name] = value
            else:
                raise ConfigError(f"threshold {key!r}: expected a section ({', '.join(_SECTIONS)}) "
                                  f"holding values, or a dotted name like 'elbows_up.max_upper_arm_drop_deg'")
        changes = {}
        for section, fields_ in nested.items():
            if section not in _SECTIONS:
                raise ConfigError(f"unknown threshold section {section!r}; expected one of: {', '.join(_SECTIONS)}")
            current = getattr(self, section)
            known = {f.name for f in dataclasses.fields(current)}
            unknown = sorted(set(fields_) - known)
            if unknown:
                raise ConfigError(f"unknown threshold {section}.{unknown[0]}; {section} has: {', '.join(sorted(known))}")
            changes[section] = dataclasses.replace(current, **fields_)
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------- presets
PRESETS: dict[str, dict[str, Any]] = {
    "front_squat": {},
    "back_squat": {"torso_upright.max_torso_lean_deg": 60.0},
    "squat": {"torso_upright.max_torso_lean_deg": 55.0},
    "lunge": {"torso_upright.max_torso_lean_deg": 30.0},
    "deadlift": {},
}
"""Per-exercise changes to the front-squat defaults.

* ``front_squat``: the defaults (the article's numbers where it has one).
* ``back_squat``: torso lean up to 60 deg. The bar sits on the upper back, so
  the torso leans further forward than in a front squat while the bar stays
  over mid-foot (formlab's coaching heuristic; tune it).
* ``squat`` (bodyweight or goblet): torso lean up to 55 deg, between the two.
* ``lunge``: torso lean up to 30 deg (a lunge is done upright).
* ``deadlift``: the defaults for the checks that apply (knees out, heels down).

Exercises not listed use the defaults; which checks run for an exercise is
decided in :mod:`formlab.feedback`.
"""


def thresholds_for(exercise: str = "front_squat") -> FormThresholds:
    """The documented threshold preset of an exercise (see :data:`PRESETS`)."""
    return FormThresholds().updated(PRESETS.get(exercise, {}))


# --------------------------------------------------------------------------- files
def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for the plain names used here
    return repr(float(value))


_TOML_HEADER = (
    "# formlab form-check thresholds. Any value left out takes the exercise's preset.",
    "# Above each value: what it means, then its unit and valid range (inclusive), formlab's",
    "# default (the front squat's; other exercises' presets in brackets) and where that default",
    "# comes from. 'the article': \"Less Pain, More Gain: Lift Weights With Your AI Trainer\"",
    "# (front-squat feedback from BlazePose); 'formlab': chosen by formlab's authors for the",
    "# reason given.",
)


def _toml_comment(section: str, f: dataclasses.Field) -> list[str]:
    """The comment above one value: readable on its own, since a TOML reader never sees the docstrings.

    The default is the front squat's; presets of other exercises that change
    it are listed beside it, so a value that differs from the default in a
    saved preset is explained in the file itself.
    """
    md = f.metadata
    if md.get("choices"):
        valid = "valid values: one of " + ", ".join(_toml_value(c) for c in md["choices"])
    else:
        lo, hi = md["range"]
        valid = f"unit: {md['unit'] or 'none (a plain number)'}; valid range: {lo:g} to {hi:g}"
    default = f"default: {_toml_value(f.default)}"
    presets = [f"{exercise} {_toml_value(changes[key])}" for exercise, changes in PRESETS.items()
               for key in [f"{section}.{f.name}"] if key in changes]
    if presets:
        default += f" (presets: {', '.join(presets)})"
    return [f"# {md['meaning']}", f"# {valid}; {default}; source: {md['source']}"]


def _to_toml(th: FormThresholds) -> str:
    lines = [*_TOML_HEADER, ""]
    for section in _SECTIONS:
        obj = getattr(th, section)
        lines.append(f"[{section}]")
        for f in dataclasses.fields(obj):
            lines += _toml_comment(section, f)
            lines.append(f"{f.name} = {_toml_value(getattr(obj, f.name))}")
        lines.append("")
    return "\n".join(lines)


def save_thresholds(thresholds: FormThresholds, path: str | os.PathLike) -> Path:
    """Write thresholds to ``.toml`` (with a comment per value) or ``.json``, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        text = _to_toml(thresholds)
    elif suffix == ".json":
        text = json.dumps(thresholds.to_dict(), indent=2) + "\n"
    else:
        raise ConfigError(f"{path}: unsupported thresholds format {path.suffix!r}; use .toml or .json")
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _read_toml(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def load_thresholds(path: str | os.PathLike, exercise: str = "front_squat") -> FormThresholds:
    """Read thresholds from ``.toml`` or ``.json``; values left out come from ``exercise``'s preset.

    Raises
    ------
    ConfigError
        Naming the file and the problem: missing, unparsable, unknown
        section or field, wrong type, or a value out of its range.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such thresholds file")
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    try:
        if suffix == ".toml":
            data = _read_toml(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise ConfigError(f"unsupported thresholds format {path.suffix!r}; use .toml or .json")
        if not isinstance(data, dict):
            raise ConfigError("expected a table of sections at the top level")
        return FormThresholds.from_dict(data, base=thresholds_for(exercise))
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
    except ValueError as e:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise ConfigError(f"{path}: not valid {suffix[1:].upper()} ({e})") from None


def threshold_table(thresholds: FormThresholds | None = None):
    """Every threshold as a pandas DataFrame: section, name, value, default, unit, min, max, choices, meaning, source.

    Handy in notebooks and for building sliders (``min``/``max`` are the valid range).
    """
    import pandas as pd

    thresholds = thresholds or FormThresholds()
    rows = []
    for section in _SECTIONS:
        obj = getattr(thresholds, section)
        for f in dataclasses.fields(obj):
            md = f.metadata
            rows.append({"section": section, "name": f.name, "value": getattr(obj, f.name), "default": f.default,
                         "unit": md["unit"], "min": md["range"][0], "max": md["range"][1],
                         "choices": md.get("choices"), "meaning": md["meaning"], "source": md["source"]})
    return pd.DataFrame(rows)
