"""What a form check is: a measured value, its documented thresholds, a pass rule and where it is valid.

A :class:`Check` is declared once, in the module of the lift that runs it
(:mod:`formlab.exercises`), and everything else is derived from that
declaration: the thresholds file and its comments
(:mod:`formlab.form.thresholds`), the per-frame and per-rep verdicts
(:mod:`formlab.form.judge`), the figures and the overlay
(:mod:`formlab.viz`), the widget sliders (:mod:`formlab.interactive`).

A check reports one of four verdicts, per frame and per rep:

``pass`` / ``fail``
    The measured value is inside / outside the passing interval by more than
    its uncertainty (:mod:`formlab.form.uncertainty`; with no uncertainty
    estimate, by any amount).
``uncertain``
    The value lies within its uncertainty of the threshold: the data cannot
    tell a pass from a fail, and formlab does not guess.
``not_assessable``
    The check cannot judge this frame or rep: the camera view cannot show
    it, its landmarks are not seen, or it does not apply (knees straight,
    bar not in the rack, not the bottom of a rep). The reason is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..core.config import Settings, param, settings

if TYPE_CHECKING:
    from .measures import FrameData

PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE = "pass", "fail", "uncertain", "not_assessable"
STATUSES: tuple[str, ...] = (PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE)
"""The values of a check's verdict column, from best to least informative."""

VIEWS: tuple[str, ...] = ("front", "oblique", "side", "back")
"""The camera views a check may be valid in (see :mod:`formlab.form.view`)."""

ALL_VIEWS = frozenset(VIEWS)
FRONTAL = frozenset({"front", "back"})
"""Views that show widths across the body (knees, feet)."""
ARMS_AND_FACE = frozenset({"front", "oblique", "side"})
"""Views that show the arms and the face (hidden from behind)."""
SAGITTAL = frozenset({"oblique", "side"})
"""Views that show the forward lean of the torso."""
SIDE = frozenset({"side"})
"""The view in which the foot and the bar path lie in the picture."""


# =============================================================================
# Thresholds
# =============================================================================
@dataclass(frozen=True)
class Threshold:
    """One documented number of a check (or a choice between named rules).

    Attributes
    ----------
    name : str
        Field name, with its unit (``max_torso_lean_deg``).
    default : float or str
        The default of the lift that declares the check.
    unit : str
        Unit (``"deg"``, ``"ratio"``, ``"s"``, ``"torso lengths"``, ``""``).
    lo, hi : float or None
        Valid range (inclusive).
    meaning : str
        What the value does.
    source : str
        Where the default comes from: a coaching or biomechanics source, the
        article, or a measurement on named sample clips.
    choices : tuple of str, optional
        For a choice between named rules instead of a number.
    """

    name: str
    default: float | str
    unit: str
    lo: float | None
    hi: float | None
    meaning: str
    source: str
    choices: tuple[str, ...] | None = None

    def field(self) -> Any:
        """The :func:`formlab.core.config.param` field this threshold becomes."""
        return param(
            self.default,
            self.unit,
            self.lo,
            self.hi,
            meaning=self.meaning,
            source=self.source,
            choices=self.choices,
            kind="choice" if self.choices else "number",
        )


def thresholds_class(
    section: str,
    thresholds: tuple[Threshold, ...],
    doc: str = "",
    rule: Callable[[Any], None] | None = None,
) -> type[Settings]:
    """A validated settings class (:mod:`formlab.core.config`) with one field per threshold.

    ``rule(values)`` checks what holds between fields (raising ConfigError), e.g. a minimum below a maximum.
    """
    namespace: dict[str, Any] = {
        "__annotations__": {t.name: (str if t.choices else float) for t in thresholds},
        "__doc__": doc or f"Thresholds of the {section} check.",
        "__module__": __name__,
        "name": section,
        **{t.name: t.field() for t in thresholds},
    }
    if rule is not None:
        namespace["_check_consistency"] = lambda self: rule(self)
    cls = type(
        "".join(w.capitalize() for w in section.split("_")) + "Thresholds", (Settings,), namespace
    )
    return settings(cls)


# =============================================================================
# Measurements
# =============================================================================
@dataclass(frozen=True)
class Measurement:
    """What a check measured in every frame.

    Attributes
    ----------
    value : ndarray (n_frames,)
        The measured value (the check's ``value`` column; NaN: not measured).
    margin : ndarray (n_frames,)
        How far inside the passing interval the value lies, in the value's
        unit (negative: outside). NaN where the check does not judge.
    applies : ndarray of bool (n_frames,)
        Frames in which the check applies at all (knees bent, bar in the rack,
        the bottom of a rep); elsewhere it is not assessable for that reason.
    sides : mapping side -> ndarray, optional
        Each side's own value where the check measures both (for drawing).
    extra : mapping column -> ndarray, optional
        Further per-frame columns the check wants in the feedback table.
    """

    value: np.ndarray
    margin: np.ndarray
    applies: np.ndarray
    sides: Mapping[str, np.ndarray] = field(default_factory=dict)
    extra: Mapping[str, np.ndarray] = field(default_factory=dict)


Bound = Callable[[Any], float] | str | None
"""A bound of the passing interval: the name of a threshold, a function of the check's thresholds
section, or None (open)."""


def _bound(b: Bound, th: Any) -> float | None:
    if b is None:
        return None
    if isinstance(b, str):
        return float(getattr(th, b))
    return float(b(th))


# =============================================================================
# Drawing
# =============================================================================
@dataclass(frozen=True)
class Geometry:
    """What a check measures, for drawing it on a photo, a 3-D pose or a video frame.

    Attributes
    ----------
    segments : tuple of (str, str)
        Start and end landmark of each measured segment. ``{side}`` stands for
        ``left`` and ``right`` (one segment per side); ``hip_mid`` and
        ``shoulder_mid`` are the midpoints of the pairs.
    reference : {"horizontal", "vertical", None}
        What the first segment's angle is measured from (drawn dashed from its start).
    plane : {"sagittal", "frontal"}
        The plane a 3-D figure shows: the lifter's side (angles in the
        forward-up plane) or front (widths along the left-right axis).
    label_segment : int
        Which segment's end carries each side's value.
    rigid : bool
        Whether the segments are bones, whose 3-D length is constant: their
        length error then measures how misplaced the landmarks are
        (:mod:`formlab.form.uncertainty`). False for distances that change
        with the movement (between the knees) or segments too short to tell
        (ear to eye).
    """

    segments: tuple[tuple[str, str], ...]
    reference: Literal["horizontal", "vertical"] | None = None
    plane: Literal["sagittal", "frontal"] = "sagittal"
    label_segment: int = 0
    rigid: bool = True


# =============================================================================
# The check
# =============================================================================
MeasureFn = Callable[["FrameData", Any], np.ndarray]
AppliesFn = Callable[["FrameData", Any], np.ndarray]


@dataclass(frozen=True)
class Check:
    """One form check, declared with everything formlab derives from it.

    Attributes
    ----------
    name : str
        The verdict column in ``feedback.csv`` and ``reps.csv`` (``"depth"``),
        and the check's section in a thresholds file.
    title : str
        Short human name (``"Depth"``).
    cue : str
        What to tell the lifter when it fails (``"Squat deeper"``).
    value : str
        The measured value, a column of the feedback table with its unit in
        the name (``"hip_below_knee_deg"``).
    unit : str
        ``"deg"``, ``"ratio"``, ``"m"``, ...
    thresholds : tuple of Threshold
        Its documented numbers (its section of a thresholds file).
    views : frozenset of str
        Camera views in which the measured value means something; elsewhere
        the check is not assessable.
    measure : callable
        ``measure(data, th) -> value`` per frame, from a
        :class:`~formlab.form.measures.FrameData` and the check's thresholds
        section. Default: the column ``value`` of the posture measures.
    lower, upper : Bound
        The passing interval of the value (see :data:`Bound`).
    margin : callable, optional
        ``margin(data, th) -> (value, margin)`` for checks whose verdict needs
        more than an interval on one value; overrides ``measure`` and the bounds.
    applies : callable, optional
        ``applies(data, th) -> bool per frame``: when the check is judged at all.
    not_applicable : str
        Why it does not apply where ``applies`` is False (said in explanations).
    applies_column : str, optional
        Name under which the ``applies`` mask is written into the feedback
        table (depth: ``rep_bottom``), and read back from it.
    per_rep : {"worst", "best"}
        How a rep's frames become its verdict: ``"worst"``, the check must
        hold through the rep (its worst value held for at least
        ``rep_summary.min_fail_duration_s`` decides); ``"best"``, it must be
        reached once in the rep (depth: the lowest point; lockout: the most
        extended). A ``"best"`` check is judged per frame only at each rep's
        best frame (or, without reps, at a local best seen on both sides).
    side_values : str, optional
        Pattern of the per-side value columns (``"{side}_hip_below_knee_deg"``).
    geometry : Geometry, optional
        How to draw it.
    description : str
        What it measures and why the rule is what it is (docs, the widget's tooltip).
    threshold_rule : callable, optional
        ``threshold_rule(section)`` raises a ConfigError when the thresholds
        contradict each other (a lower bound above the upper one).
    unmeasurable : str, optional
        Why formlab cannot measure this check at all (the pose model has no
        landmarks for it): it is then ``not_assessable`` in every frame and
        rep with this reason, never a silent pass.
    read_after_rep : str, optional
        The threshold (in seconds) saying how far past a rep's end its value
        may be read, for a check judged on frames after the rep (a push-up's
        lockout, the rest after its bottom): the live coach waits that long
        after the rep's end, plus the furthest reach of the two-sided steps,
        before it judges the rep's verdicts.
    """

    name: str
    title: str
    cue: str
    value: str
    unit: str
    thresholds: tuple[Threshold, ...]
    views: frozenset[str]
    measure: MeasureFn | None = None
    lower: Bound = None
    upper: Bound = None
    margin: Callable[[FrameData, Any], tuple[np.ndarray, np.ndarray]] | None = None
    applies: AppliesFn | None = None
    not_applicable: str = "does not apply to this frame"
    applies_column: str | None = None
    per_rep: Literal["worst", "best"] = "worst"
    side_values: str | None = None
    geometry: Geometry | None = None
    description: str = ""
    threshold_rule: Callable[[Any], None] | None = None
    unmeasurable: str | None = None
    read_after_rep: str | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.thresholds]
        if len(set(names)) != len(names):
            raise ValueError(f"check {self.name}: duplicate threshold names {names}")
        if self.read_after_rep is not None and self.read_after_rep not in names:
            raise ValueError(
                f"check {self.name}: read_after_rep {self.read_after_rep!r} is not one of its "
                f"thresholds {names}"
            )
        for b in (self.lower, self.upper):
            if isinstance(b, str) and b not in names:
                raise ValueError(
                    f"check {self.name}: bound {b!r} is not one of its thresholds {names}"
                )
        if not set(self.views) <= ALL_VIEWS:
            raise ValueError(
                f"check {self.name}: unknown views {sorted(set(self.views) - ALL_VIEWS)}"
            )
        if self.per_rep not in ("worst", "best"):
            raise ValueError(
                f"check {self.name}: per_rep must be 'worst' or 'best', got {self.per_rep!r}"
            )

    @property
    def settings_class(self) -> type[Settings]:
        """The validated class of this check's thresholds section."""
        return _settings_class(self.name, self.thresholds, self.description, self.threshold_rule)

    def default_thresholds(self) -> Settings:
        """The check's thresholds section with its defaults."""
        return self.settings_class()

    def with_defaults(self, **defaults: tuple[float | str, str]) -> Check:
        """A copy with other defaults, each given with its source: ``max_torso_lean_deg=(60.0, "why")``.

        This is how a lift states its own preset of a shared check.
        """
        known = {t.name for t in self.thresholds}
        unknown = sorted(set(defaults) - known)
        if unknown:
            raise ValueError(
                f"check {self.name} has no threshold {unknown[0]!r}; it has {sorted(known)}"
            )
        thresholds = tuple(
            dataclasses.replace(t, default=defaults[t.name][0], source=defaults[t.name][1])
            if t.name in defaults
            else t
            for t in self.thresholds
        )
        return dataclasses.replace(self, thresholds=thresholds)

    def pass_interval(self, th: Any) -> tuple[float | None, float | None]:
        """The interval of the measured value that passes, ``(low, high)`` (None: open end).

        What a plot draws as the threshold line(s). For a check with its own
        ``margin`` function the interval may not tell the whole rule (the
        front-rack start position also needs the wrists above the elbows).
        """
        return _bound(self.lower, th), _bound(self.upper, th)

    def evaluate(self, data: FrameData, th: Any, *, masked: bool = True) -> Measurement:
        """The measured value, the margin and where the check applies, in every frame of ``data``.

        Columns ``data`` already holds are used as they are (the value, the
        ``applies_column``), so that a feedback table read back from a file
        gives the same margins. With ``masked=False`` the margin is also
        given where the check does not apply (a once-per-rep check's best
        frame is then searched among all frames of the rep).
        """
        if self.margin is not None:
            value, margin = self.margin(data, th)
        else:
            if data.has(self.value):
                value = data.column(self.value)
            elif self.measure is not None:
                value = self.measure(data, th)
            else:
                raise KeyError(
                    f"check {self.name}: no measured column {self.value!r} and no measure function"
                )
            lo, hi = self.pass_interval(th)
            with np.errstate(invalid="ignore"):
                margins = [
                    value - lo if lo is not None else None,
                    hi - value if hi is not None else None,
                ]
            present = [m for m in margins if m is not None]
            margin = np.minimum(*present) if len(present) == 2 else present[0]
        value = np.asarray(value, dtype=float)
        n = len(value)
        if self.applies_column and data.has(self.applies_column):
            applies = np.asarray(data.column(self.applies_column), dtype=bool)
        elif self.applies is not None:
            applies = np.asarray(self.applies(data, th), dtype=bool)
        else:
            applies = np.ones(n, bool)
        sides = {}
        if self.side_values:
            sides = {
                s: data.column(self.side_values.format(side=s))
                for s in ("left", "right")
                if data.has(self.side_values.format(side=s))
            }
        margin = np.asarray(margin, dtype=float)
        return Measurement(
            value=value,
            margin=np.where(applies, margin, np.nan) if masked else margin,
            applies=applies,
            sides=sides,
            extra={self.applies_column: applies} if self.applies_column else {},
        )


_SETTINGS_CACHE: dict[tuple[Any, ...], type[Settings]] = {}


def _settings_class(
    section: str, thresholds: tuple[Threshold, ...], doc: str, rule: Callable[[Any], None] | None
) -> type[Settings]:
    key = (section, thresholds, doc, rule)
    if key not in _SETTINGS_CACHE:
        _SETTINGS_CACHE[key] = thresholds_class(section, thresholds, doc, rule)
    return _SETTINGS_CACHE[key]
