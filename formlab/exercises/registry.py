"""The lifts formlab knows, found through the ``formlab.exercises`` entry-point group, and their thresholds.

formlab registers its own lifts exactly as a third party would register
one: each is an :class:`~formlab.exercises.base.Exercise` object named in the
``[project.entry-points."formlab.exercises"]`` table of a package's
``pyproject.toml`` (``squat = "formlab.exercises.squat:SQUAT"``). Installing
a package with such an entry makes its lift appear in
``formlab exercises``, ``--exercise NAME``, the thresholds files and ``auto``
(see CONTRIBUTING.md, "Adding a lift").

Everything that depends on which lifts exist is derived here from their
declarations: the accepted names, the candidates of ``auto``, a lift's
thresholds, and the comments of a thresholds file.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ConfigError, FormlabError, FormlabWarning
from ..core.files import atomic_write
from ..core.text import did_you_mean
from ..form.check import Check
from ..form.settings import GENERAL_SECTIONS
from ..form.thresholds import (
    FormThresholds,
    nest,
    read_thresholds_file,
    to_json,
    to_toml,
)
from .base import Exercise
from .features import HIP_HEIGHT

ENTRY_POINT_GROUP = "formlab.exercises"
"""The entry-point group lifts are registered in."""

AUTO = "auto"
NONE = "none"
"""What ``auto`` names a clip whose movement is none of the known lifts (no reps are guessed)."""
"""Not a lift: the name that asks formlab to recognise the lift (:func:`formlab.reps.detect_reps`)."""

_OWN_DISTRIBUTION = "formlab"


@lru_cache(maxsize=1)
def _registry() -> dict[str, Exercise]:
    from importlib.metadata import entry_points

    points = list(entry_points(group=ENTRY_POINT_GROUP))
    # formlab's own lifts first, in the order of its pyproject.toml; then others by name
    points.sort(
        key=lambda ep: (
            0 if ep.dist is not None and ep.dist.name == _OWN_DISTRIBUTION else 1,
            0 if ep.dist is not None and ep.dist.name == _OWN_DISTRIBUTION else ep.name,
        )
    )
    found: dict[str, Exercise] = {}
    for ep in points:
        where = f"exercise plugin {ep.name!r} ({ep.value}"
        where += f", from {ep.dist.name})" if ep.dist is not None else ")"
        try:
            obj = ep.load()
        except Exception as e:  # a broken plugin must not take formlab down
            warnings.warn(
                f"{where} could not be loaded ({type(e).__name__}: {e}); it is skipped",
                FormlabWarning,
                stacklevel=2,
            )
            continue
        if not isinstance(obj, Exercise):
            warnings.warn(
                f"{where} is a {type(obj).__name__}, not a formlab Exercise; it is skipped",
                FormlabWarning,
                stacklevel=2,
            )
            continue
        if obj.name in found or obj.name == AUTO:
            warnings.warn(
                f"{where} is named {obj.name!r}, a name already taken; it is skipped",
                FormlabWarning,
                stacklevel=2,
            )
            continue
        found[obj.name] = obj
    if not found:
        raise FormlabError(
            "no lifts are registered: formlab's own come from its package metadata, so install "
            "formlab (pip install -e . in a checkout) rather than running it from a bare folder"
        )
    return found


def reload_exercises() -> None:
    """Look for registered lifts again (after installing a plugin into a running interpreter)."""
    _registry.cache_clear()


def exercises() -> dict[str, Exercise]:
    """Every registered lift, by name (formlab's own first)."""
    return dict(_registry())


def exercise_names() -> list[str]:
    """The accepted exercise names, ``"auto"`` last."""
    return [*_registry(), AUTO]


def normalise_name(name: object) -> str:
    """``"Front-Squat "`` -> ``"front_squat"``: how every exercise name typed by a user is read."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def get_exercise(name: str | Exercise) -> Exercise:
    """The :class:`Exercise` called ``name`` (an :class:`Exercise` is returned as is).

    Raises
    ------
    ConfigError
        For an unknown name (the message lists the accepted ones), or for
        ``"auto"``, which is not one exercise.
    """
    if isinstance(name, Exercise):
        return name
    key = normalise_name(name)
    registry = _registry()
    if key in registry:
        return registry[key]
    if key == AUTO:
        raise ConfigError(
            "'auto' is not one exercise: formlab.detect_reps(track, 'auto') chooses one"
        )
    if key == NONE:
        return NO_LIFT
    guess = did_you_mean(key, list(registry))
    raise ConfigError(f"unknown exercise {name!r}{guess}; accepted: {', '.join(exercise_names())}")


def check_exercise_name(name: str) -> str:
    """The canonical form of an accepted exercise name (``"auto"`` included), or a ConfigError listing them."""
    key = normalise_name(name)
    if key == NONE:
        raise ConfigError(
            f"'none' is what auto reports when no lift fits; name a lift ({', '.join(exercise_names())}) "
            "or use auto"
        )
    return AUTO if key == AUTO else get_exercise(key).name


def auto_candidates() -> tuple[str, ...]:
    """The lifts ``auto`` chooses from, most specific signature first (:attr:`Exercise.auto_order`)."""
    ranked = sorted(
        (ex.auto_order, i, name)
        for i, (name, ex) in enumerate(_registry().items())
        if ex.auto_order is not None
    )
    return tuple(name for _, _, name in ranked)


# =============================================================================
# Checks of a feedback table
# =============================================================================
def checks_of(feedback: pd.DataFrame) -> tuple[Check, ...]:
    """The checks a feedback table was judged with (from its ``attrs``: the lift and the check names)."""
    exercise = feedback.attrs.get("exercise")
    if not exercise:
        raise ConfigError(
            "the feedback table does not say which lift it judged (attrs['exercise'])"
        )
    ex = get_exercise(exercise)
    names = feedback.attrs.get("checks")
    return ex.select_checks(names) if names is not None else ex.checks


def thresholds_of(
    feedback: pd.DataFrame, thresholds: FormThresholds | None = None
) -> FormThresholds:
    """``thresholds``, or those a feedback table was judged with (its ``attrs``), or its lift's defaults."""
    if thresholds is not None:
        return thresholds
    base = thresholds_for(feedback.attrs.get("exercise") or "squat")
    return base.updated(feedback.attrs["thresholds"]) if "thresholds" in feedback.attrs else base


# =============================================================================
# Thresholds
# =============================================================================
def thresholds_for(exercise: str | Exercise = "front_squat") -> FormThresholds:
    """A lift's documented thresholds: every check it runs, with the lift's own defaults.

    ``"auto"`` gives the squat's (the family a recognised squat is counted as
    before its lift is known). An unknown name is a ConfigError listing the
    accepted ones.
    """
    if not isinstance(exercise, Exercise) and normalise_name(exercise) == AUTO:
        exercise = "squat"
    return get_exercise(exercise).default_thresholds()


def _other_defaults(exercise: str):
    def other(section: str, name: str) -> list[tuple[str, Any]]:
        mine = _default_of(exercise, section, name)
        out = []
        for lift, _ex in _registry().items():
            if lift == exercise:
                continue
            value = _default_of(lift, section, name)
            if value is not None and value != mine:
                out.append((lift, value))
        return out

    return other


def _default_of(exercise: str, section: str, name: str) -> Any:
    ex = _registry().get(exercise)
    if ex is None:
        return None
    for c in ex.all_checks:
        if c.name == section:
            for t in c.thresholds:
                if t.name == name:
                    return t.default
    return None


def save_thresholds(thresholds: FormThresholds, path: str | os.PathLike) -> Path:
    """Write thresholds to ``.toml`` (with a comment per value) or ``.json``, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        lift = thresholds.exercise
        title = (
            f"Thresholds of: {lift} (formlab thresholds {lift} -o FILE writes these defaults)"
            if lift
            else ""
        )
        text = to_toml(thresholds, _other_defaults(lift) if lift in _registry() else None, title)
    elif suffix == ".json":
        text = to_json(thresholds)
    else:
        raise ConfigError(
            f"{path}: unsupported thresholds format {path.suffix!r}; use .toml or .json"
        )
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def load_thresholds(
    path: str | os.PathLike, exercise: str | Exercise = "front_squat"
) -> FormThresholds:
    """Read thresholds from ``.toml`` or ``.json``; values left out come from ``exercise``'s defaults.

    A section for a check this lift does not run, but another lift does, is
    left out with a :class:`~formlab.FormlabWarning` (a file written for a
    back squat may be used on a front squat); any other unknown section or
    field is an error.

    Raises
    ------
    ConfigError
        Naming the file and the problem: missing, not text, unparsable,
        unknown section or field, wrong type, or a value out of its range.
    """
    base = thresholds_for(exercise)
    data = read_thresholds_file(path)
    try:
        nested = nest(data, base.sections)
        unused = [s for s in nested if s not in base and _is_some_check(s)]
        loaded = base.updated({s: v for s, v in nested.items() if s not in unused})
        if unused:  # once the file is known to be valid: no warning before an error
            warnings.warn(
                f"{path}: {_unused_message(exercise, unused)}", FormlabWarning, stacklevel=2
            )
        return loaded
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None


def _unused_message(exercise: str | Exercise, unused: Sequence[str]) -> str:
    """Which sections of a file a lift does not run, and what it runs (optional checks apart)."""
    ex = get_exercise(exercise)
    runs = ", ".join(c.name for c in ex.checks) or "no check"
    optional = ", ".join(c.name for c in ex.optional_checks)
    return (
        f"{ex.name} does not run the check(s) {', '.join(unused)}; their thresholds are not used "
        f"({ex.name} runs: {runs}"
        + (f"; optional, when asked for: {optional})" if optional else ")")
    )


def check_thresholds_file(path: str | os.PathLike, candidates: Sequence[str]) -> None:
    """Check a thresholds file before the slow part of a run whose lift is not known yet (``auto``).

    Only what holds whatever the lift is checked: the file parses, every
    section is a shared one or a check of some lift, and every setting of a
    check's section belongs to SOME lift running a check of that name, with
    values within that lift's ranges. Lifts share check names with different
    settings (a squat's ``depth`` and a push-up's), so a file written for one
    lift cannot be held to another's settings here; it is validated against
    the recognised lift by :func:`load_thresholds` once that is known.

    Parameters
    ----------
    path : path
        The thresholds file.
    candidates : sequence of str
        The lifts the run may turn out to be (their variants included).

    Raises
    ------
    ConfigError
        Naming the file and the problem.
    """
    data = read_thresholds_file(path)
    try:
        nested = nest(data)
        for section, values in nested.items():
            if section in GENERAL_SECTIONS:
                GENERAL_SECTIONS[section]().updated(values)
                continue
            owners = [n for n in candidates if section in thresholds_for(n)]
            owners = owners or [n for n in _registry() if section in thresholds_for(n)]
            if not owners:
                known = sorted({c.name for ex in _registry().values() for c in ex.all_checks})
                raise ConfigError(
                    f"unknown threshold section {section!r}; known sections: "
                    f"{', '.join([*GENERAL_SECTIONS, *known])}"
                )
            _check_section_for_some_lift(section, values, owners)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None


def _check_section_for_some_lift(section: str, values: Any, owners: Sequence[str]) -> None:
    """``values`` must be a valid ``section`` for one of ``owners`` (the first one's error otherwise)."""
    if not isinstance(values, dict):
        thresholds_for(owners[0]).section(section).updated(values)  # its own error: not a table
        return
    settings = {n: thresholds_for(n).section(section) for n in owners}
    known = {name: None for s in settings.values() for name in s.to_dict()}
    for name in values:
        if name not in known:
            raise ConfigError(
                f"unknown setting {section}.{name}; {section} has (in some lift): {', '.join(known)}"
            )
    fitting = [n for n, s in settings.items() if set(values) <= set(s.to_dict())]
    if not fitting:
        raise ConfigError(
            f"no lift has all of {section}'s settings {', '.join(values)}: "
            + "; ".join(f"{n}: {', '.join(s.to_dict())}" for n, s in settings.items())
        )
    first: ConfigError | None = None
    for n in fitting:
        try:
            settings[n].updated(values)
            return
        except ConfigError as e:
            first = first or ConfigError(f"{e} (for {n})")
    assert first is not None
    raise first


def _is_some_check(section: str) -> bool:
    return any(section == c.name for ex in _registry().values() for c in ex.all_checks)


NO_LIFT = Exercise(
    name=NONE,
    description="none of the known lifts: what auto reports when no lift's reps fit its pose signature",
    signal=HIP_HEIGHT,
    turning_point="bottom",
    concentric="out_of",
    notes="No reps are counted and no form is judged: formlab does not guess a lift.",
)
"""The :class:`Exercise` ``auto`` returns for a movement it does not know: no reps, no checks."""
