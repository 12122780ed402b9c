"""Optional checks asked for by name (``--check heels_down``, ``extra_checks=``), and the lift that runs them.

A lift runs its default checks; others it declares "on request"
(:attr:`formlab.exercises.Exercise.optional_checks`, the ``on request``
column of ``formlab exercises``). A request is checked before anything slow
happens (:func:`check_extra_checks`) and applied once the lift is known
(:func:`lift_with_checks`): under ``auto`` the lift is known only after the
reps are recognised, and a check that lift does not have is then a warning,
not an error, since the user could not know which lift would be seen.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from ..core.errors import ConfigError, FormlabWarning
from ..exercises import AUTO, Exercise, exercises, get_exercise

__all__ = ["check_extra_checks", "lift_with_checks"]


def check_extra_checks(names: Sequence[str] | str | None, exercise: str) -> tuple[str, ...]:
    """The requested check names, refused in one line if ``exercise`` cannot run them.

    For a named lift, every name must be one of its checks (the error names
    its optional checks); for ``"auto"``, every name must be a check of some
    lift (the error names each lift's optional checks).
    """
    if names is None:
        return ()
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, Sequence) or not all(isinstance(n, str) for n in names):
        raise ConfigError(
            f"extra_checks must be check names such as ('heels_down',), got {names!r}"
        )
    wanted = tuple(dict.fromkeys(n.strip() for n in names))
    if exercise != AUTO:
        get_exercise(exercise).checks_with(wanted)
        return wanted
    lifts = exercises()
    known = {c.name for ex in lifts.values() for c in ex.all_checks}
    for n in wanted:
        if n not in known:
            offered = "; ".join(
                f"{check} ({', '.join(names)})"
                for check, names in _optional_by_check(lifts).items()
            )
            raise ConfigError(
                f"no lift has a check {n!r}; the optional checks: {offered or 'none'}"
            )
    return wanted


def lift_with_checks(lift: str | Exercise, names: Sequence[str]) -> Exercise:
    """``lift`` running the requested checks too; under ``auto``, those it lacks are dropped with a warning.

    Called with the lift recognised (or named); names were checked by
    :func:`check_extra_checks`, so a name the lift lacks can only come from
    ``auto`` having recognised a lift without it.
    """
    ex = get_exercise(lift)
    known = {c.name for c in ex.all_checks}
    missing = [n for n in names if n not in known]
    if missing:
        optional = ", ".join(c.name for c in ex.optional_checks) or "none"
        warnings.warn(
            f"the lift recognised, {ex.name}, has no check {', '.join(map(repr, missing))}: "
            f"not judged (its optional checks: {optional})",
            FormlabWarning,
            stacklevel=2,
        )
    return ex.with_checks([n for n in names if n in known])


def _optional_by_check(lifts: dict[str, Exercise]) -> dict[str, list[str]]:
    """Each optional check with the lifts that offer it (for the message of a name none has)."""
    out: dict[str, list[str]] = {}
    for name, ex in lifts.items():
        for c in ex.optional_checks:
            out.setdefault(c.name, []).append(name)
    return out
