"""What a lift is, as data: :class:`Exercise`, with the conditions on its reps and the angles it reports.

Each lift's module (:mod:`formlab.exercises`) declares one :class:`Exercise`:

* ``signal``: a :class:`~formlab.exercises.features.RepSignal`, a
  body-relative height in metres computed from the world landmarks (e.g. the
  hip height above the ankles for a squat);
* ``turning_point``: ``"bottom"`` (squat, lunge, push-up, bench press) or
  ``"top"`` (deadlift and overhead-press lockout, curl top, jumping jack with
  the arms overhead): the extreme of the signal that *is* the rep;
* ``concentric``: whether the lifting (concentric) phase is the movement
  ``"into"`` the turning point (deadlift, curl, press) or ``"out_of"`` it
  (squat, push-up, bench press, lunge);
* ``requires``: :class:`RepCondition` s every rep must meet at its turning
  point, which keep out movements that are not this exercise (getting up off
  the floor after push-ups, a run-up before a jump);
* ``reached``: :class:`RepCondition` s (read at one frame) that show the
  lifter *in* the turning position (a deadlift lockout: standing tall, the bar
  above the knees); a turning point the clip, a camera cut or a lost pose
  breaks off counts when they hold there, as a coach who saw the lockout
  would count it;
* ``signature``: stricter conditions that tell this exercise from the
  others, used only by ``exercise="auto"`` to choose;
* ``detector``: overrides of :class:`formlab.reps.RepDetectorParams`;
* ``angles``: joint angles worth reporting per rep (see :mod:`formlab.reps.metrics`);
* ``load_point``: the landmarks whose midpoint stands for the load when there
  is no bar to track (the wrists hold the bar; a push-up moves the shoulders);
* ``checks``: the form checks a coach would use on this lift
  (:class:`formlab.form.check.Check`), each with this lift's defaults;
* ``plate_loaded``: whether the lift may be done with a plate-loaded barbell
  (``--bar auto`` then looks for a plate in side views);
* ``max_lifter_shift_torso``: for a lift done after walking the bar out of a rack
  (the squats), how far the lifter (feet and hips) may stand from where they stood
  at a rep's start when it ends, in torso lengths (:func:`formlab.exercises.features.lifter_shift_torso`);
  a dip with a step in it (the walk-out, re-racking) is no rep. None: not checked;
* ``auto_order``: where the lift stands among the candidates of
  ``exercise="auto"`` (lower: tried first, for the most specific signatures;
  None: not a candidate);
* ``variant_of`` and ``variant_cues``: a variant of a family that ``auto``
  recognises first (the front squat of the squats): once ``auto`` has found
  the family's reps, :func:`formlab.exercises.variants.recognise_variant`
  names the variant whose :class:`VariantCue` s all hold (where the load sits,
  how the hands are held, how the rep starts), or says the variant is
  uncertain. A family may declare cues for itself too (the conventional
  deadlift is the ``deadlift``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..core.errors import ConfigError
from ..form.check import Check
from ..form.thresholds import FormThresholds
from .features import POSE_FEATURES, VARIANT_FEATURES, RepSignal

TurningPoint = Literal["bottom", "top"]


@dataclass(frozen=True)
class RepCondition:
    """A condition on a pose feature at a rep's turning point (or at its start).

    Attributes
    ----------
    feature : str
        A key of :data:`formlab.exercises.features.POSE_FEATURES`.
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
    needs_seen : bool
        Whether the feature must be seen for the condition to hold (default
        False: an unseen feature passes). True for a condition that is the
        only evidence of a movement, such as the bar below the knees before a
        deadlift's lockout: a clip (or a cut) that opens on a lifter already
        pulling shows no pull from the floor, and a rep there is not counted.

    Notes
    -----
    A feature that cannot be computed (a landmark missing at that frame)
    passes unless ``needs_seen``: a condition only rejects what it can see.
    """

    feature: str
    min: float | None = None
    max: float | None = None
    at: Literal["turn", "start", "change"] = "turn"
    why: str = ""
    needs_seen: bool = False

    def __post_init__(self) -> None:
        if self.feature not in POSE_FEATURES:
            raise ConfigError(
                f"RepCondition: unknown pose feature {self.feature!r}; "
                f"known: {', '.join(POSE_FEATURES)}"
            )
        if self.at not in ("turn", "start", "change"):
            raise ConfigError(
                f"RepCondition.at must be 'turn', 'start' or 'change', got {self.at!r}"
            )

    def passes(self, values: np.ndarray) -> np.ndarray:
        """Boolean array: where ``values`` (this feature) is within bounds, or NaN (unless ``needs_seen``)."""
        v = np.asarray(values, dtype=float)
        ok = np.isfinite(v) if self.needs_seen else np.ones(v.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            if self.min is not None:
                ok &= ~(v < self.min)
            if self.max is not None:
                ok &= ~(v > self.max)
        return ok

    def describe(self) -> str:
        """``"30 <= trunk_lean_deg at start"``."""
        lo = f"{self.min:g} <= " if self.min is not None else ""
        hi = f" <= {self.max:g}" if self.max is not None else ""
        where = "change of " if self.at == "change" else ""
        return f"{lo}{where}{self.feature}{hi}" + ("" if self.at == "change" else f" at {self.at}")


@dataclass(frozen=True)
class VariantCue:
    """One fact that tells a variant of a lift from the others of its family, read once per clip.

    Attributes
    ----------
    feature : str
        A key of :data:`formlab.exercises.features.VARIANT_FEATURES` (a number
        measured over the clip's reps: the median height of the hands above the
        shoulders, the knee flexion at the start of each pull, ...).
    min, max : float or None
        Inclusive bounds in the feature's units; None = unbounded.
    why : str
        Why the bound is what it is (a coaching source or a measurement on named clips).
    required : bool
        The variant is named only if this cue could be measured (the defining
        trait of the variant: a Romanian deadlift's soft knees).

    Notes
    -----
    A feature that cannot be measured (no plate tracked, no rep) leaves the
    cue unknown: it neither confirms nor rules out the variant, unless the
    cue is ``required``.
    """

    feature: str
    min: float | None = None
    max: float | None = None
    why: str = ""
    required: bool = False

    def __post_init__(self) -> None:
        if self.feature not in VARIANT_FEATURES:
            raise ConfigError(
                f"VariantCue: unknown variant feature {self.feature!r}; "
                f"known: {', '.join(VARIANT_FEATURES)}"
            )

    def holds(self, value: float) -> bool | None:
        """True or False for a measured value; None when it is NaN (unknown)."""
        if not np.isfinite(value):
            return None
        return not (
            (self.min is not None and value < self.min)
            or (self.max is not None and value > self.max)
        )

    def describe(self) -> str:
        """``"-0.25 <= load_above_shoulders_torso <= 0.3"``."""
        lo = f"{self.min:g} <= " if self.min is not None else ""
        hi = f" <= {self.max:g}" if self.max is not None else ""
        return f"{lo}{self.feature}{hi}"


@dataclass(frozen=True)
class RepAngle:
    """A joint angle reported per rep by :mod:`formlab.reps.metrics`.

    ``column`` names the reps-table column, ``feature`` the pose feature and
    ``reduce`` how it is summarised over the rep (from start to end):
    ``"min"``, ``"max"`` or ``"at_turn"`` (its value at the turning point).
    """

    column: str
    feature: str
    reduce: Literal["min", "max", "at_turn"]
    description: str = ""


@dataclass(frozen=True)
class Exercise:
    """One lift: how to find its reps, what to measure, and how to coach it.

    See the module docstring for the meaning of each field.
    """

    name: str
    description: str
    signal: RepSignal
    turning_point: TurningPoint
    concentric: Literal["into", "out_of"]
    requires: tuple[RepCondition, ...] = ()
    signature: tuple[RepCondition, ...] = ()
    reached: tuple[RepCondition, ...] = ()
    detector: Mapping[str, Any] = field(default_factory=dict)
    angles: tuple[RepAngle, ...] = ()
    load_point: tuple[str, ...] = ("left_wrist", "right_wrist")
    checks: tuple[Check, ...] = ()
    optional_checks: tuple[Check, ...] = ()
    plate_loaded: bool = False
    max_lifter_shift_torso: float | None = None
    auto_order: int | None = None
    variant_of: str | None = None
    variant_cues: tuple[VariantCue, ...] = ()
    load: str = ""
    views: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.checks + self.optional_checks]
        if len(set(names)) != len(names):
            raise ConfigError(f"exercise {self.name}: two checks share a name in {names}")

    @property
    def check_names(self) -> tuple[str, ...]:
        """The checks run by default, in report order."""
        return tuple(c.name for c in self.checks)

    @property
    def all_checks(self) -> tuple[Check, ...]:
        """The checks run by default, then those run only when asked for."""
        return self.checks + self.optional_checks

    def check(self, name: str) -> Check:
        """One of this lift's checks (default or optional) by name; a ConfigError listing them otherwise."""
        for c in self.all_checks:
            if c.name == name:
                return c
        known = ", ".join(c.name for c in self.all_checks) or "none"
        raise ConfigError(f"{self.name} has no check {name!r}; its checks: {known}")

    def select_checks(self, names: Any = None) -> tuple[Check, ...]:
        """The checks to run: the default ones, or those named (in report order)."""
        if names is None:
            return self.checks
        wanted = [str(n) for n in names]
        for n in wanted:
            self.check(n)
        return tuple(c for c in self.all_checks if c.name in wanted)

    def checks_with(self, extra: Any = ()) -> tuple[Check, ...]:
        """The default checks plus the optional ones named in ``extra`` (``heels_down``), in report order.

        A name that is none of this lift's checks is a one-line ConfigError
        naming the optional checks it has, the only ones worth asking for (a
        default check named again is run once, as it would be anyway).
        """
        if isinstance(extra, str):
            extra = (extra,)
        wanted = {str(n) for n in extra}
        known = {c.name for c in self.all_checks}
        for n in sorted(wanted - known):
            optional = ", ".join(c.name for c in self.optional_checks)
            raise ConfigError(
                f"{self.name} has no check {n!r}; its optional checks: {optional or 'none'}"
            )
        return tuple(c for c in self.all_checks if c in self.checks or c.name in wanted)

    def with_checks(self, extra: Any = ()) -> Exercise:
        """A copy of the lift that runs the optional checks named in ``extra`` by default too.

        What ``--check heels_down`` and ``extra_checks=`` ask for: the lift
        handed to the judge then runs them with its own checks, so that they
        reach every table, summary and cue as the default ones do.
        """
        chosen = self.checks_with(extra)
        if chosen == self.checks:
            return self
        rest = tuple(c for c in self.optional_checks if c not in chosen)
        return dataclasses.replace(self, checks=chosen, optional_checks=rest)

    def default_thresholds(self) -> FormThresholds:
        """The lift's thresholds: every check's section (optional ones included) with this lift's defaults."""
        return FormThresholds.for_checks(self.all_checks, self.name)

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
            "checks": list(self.check_names),
            **({"variant_of": self.variant_of} if self.variant_of else {}),
            **({"load": self.load} if self.load else {}),
        }
