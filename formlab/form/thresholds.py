"""Form-check thresholds as documented data: one section per check, read from and written to TOML/JSON.

A lift's thresholds (:class:`FormThresholds`) are made of the sections every
lift shares (:data:`formlab.form.check.GENERAL_SECTIONS`: the camera view,
which landmarks are trusted, how frames become a rep's verdict) and one
section per check the lift runs, whose fields, units, ranges, meanings and
sources are declared with the check itself (:class:`formlab.form.check.Check`).
Nothing else in formlab hides a threshold in an ``if`` statement.

>>> th = formlab.thresholds_for("front_squat")                   # doctest: +SKIP
>>> th.elbows_up.max_upper_arm_drop_deg                          # doctest: +SKIP
45.0
>>> th = th.updated({"elbows_up.max_upper_arm_drop_deg": 40})    # doctest: +SKIP

A value outside its range raises :class:`formlab.ConfigError` naming the
field, the value and the range; an unknown section or field raises one naming
it. Files may hold only the values you change; the rest come from the lift's
defaults. This module knows no lift: :mod:`formlab.exercises` makes a lift's
thresholds and reads and writes its files with the functions here.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.config import Settings, describe_param
from ..core.errors import ConfigError
from .check import Check
from .settings import GENERAL_SECTIONS

__all__ = [
    "FormThresholds",
    "nest",
    "read_thresholds_file",
    "threshold_table",
    "to_json",
    "to_toml",
]

_FIRST, _LAST = ("view", "landmarks"), ("rep_summary", "uncertainty")


class FormThresholds:
    """The thresholds of one lift: the shared sections and one section per check it runs.

    Sections are read as attributes (``th.depth.min_hip_below_knee_deg``),
    listed by :attr:`sections`, changed with :meth:`updated` (a new object;
    thresholds are immutable), and written as a nested dict by
    :meth:`to_dict`. Make one with :func:`formlab.thresholds_for` (a lift's
    defaults) or :meth:`for_checks`.

    Parameters
    ----------
    sections : mapping section name -> Settings
        The values, one validated settings object per section.
    exercise : str
        The lift these thresholds are for ("" when made by hand).
    """

    __slots__ = ("_sections", "exercise")
    _sections: dict[str, Settings]
    exercise: str

    def __init__(self, sections: Mapping[str, Settings] | None = None, exercise: str = "") -> None:
        given = dict(sections or {})
        for name, cls in GENERAL_SECTIONS.items():
            given.setdefault(name, cls())
        order = (
            [n for n in _FIRST if n in given]
            + [n for n in given if n not in _FIRST + _LAST]
            + [n for n in _LAST if n in given]
        )
        object.__setattr__(self, "_sections", {n: given[n] for n in order})
        object.__setattr__(self, "exercise", exercise)

    @classmethod
    def for_checks(cls, checks: Iterable[Check], exercise: str = "") -> FormThresholds:
        """The defaults of ``checks`` (as each declares them) and of the shared sections."""
        return cls({c.name: c.default_thresholds() for c in checks}, exercise)

    # Any, not Settings: each section is its own Settings class (ViewThresholds, a check's
    # thresholds...), chosen by name at run time, so ``thresholds.view.min_visibility`` type-checks.
    def __getattr__(self, name: str) -> Any:
        try:
            return self._sections[name]
        except KeyError:
            raise AttributeError(
                f"no thresholds section {name!r}"
                + (f" for {self.exercise}" if self.exercise else "")
                + f"; sections: {', '.join(self._sections)}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FormThresholds are immutable: use .updated({...})")

    def __contains__(self, section: str) -> bool:
        return section in self._sections

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormThresholds) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __repr__(self) -> str:
        return f"<FormThresholds{' ' + self.exercise if self.exercise else ''}: {', '.join(self._sections)}>"

    @property
    def sections(self) -> tuple[str, ...]:
        """The section names, in file order: view, landmarks, the checks, rep_summary."""
        return tuple(self._sections)

    def section(self, name: str) -> Settings:
        """One section by name (a ConfigError listing the sections otherwise)."""
        if name not in self._sections:
            raise ConfigError(
                f"unknown threshold section {name!r}; expected one of: {', '.join(self._sections)}"
            )
        return self._sections[name]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested plain dict ``{section: {field: value}}`` (JSON-serialisable)."""
        return {name: s.to_dict() for name, s in self._sections.items()}

    @classmethod
    def from_dict(
        cls, values: Mapping[str, Any], base: FormThresholds | None = None
    ) -> FormThresholds:
        """Thresholds from a nested (or dotted-key) mapping; missing values come from ``base``.

        Raises
        ------
        ConfigError
            On an unknown section or field, a wrong type or an out-of-range value.
        """
        return (base or cls()).updated(values)

    def updated(self, values: Mapping[str, Any]) -> FormThresholds:
        """A copy with some values changed.

        ``values`` is nested (``{"elbows_up": {"max_upper_arm_drop_deg": 40}}``)
        or uses dotted keys (``{"elbows_up.max_upper_arm_drop_deg": 40}``).
        """
        changes = dict(self._sections)
        for section, fields_ in nest(values, self.sections).items():
            changes[section] = self.section(section).updated(fields_)
        return FormThresholds(changes, self.exercise)

    def without(self, names: Iterable[str]) -> FormThresholds:
        """A copy without some check sections (the shared sections stay)."""
        drop = set(names) - set(GENERAL_SECTIONS)
        return FormThresholds(
            {n: s for n, s in self._sections.items() if n not in drop}, self.exercise
        )


def nest(values: Mapping[str, Any], sections: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    """``{"a.b": 1, "c": {"d": 2}}`` -> ``{"a": {"b": 1}, "c": {"d": 2}}`` (ConfigError on a bare value)."""
    if not isinstance(values, Mapping):
        raise ConfigError(f"expected a table of threshold sections, got {type(values).__name__}")
    nested: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            nested.setdefault(str(key), {}).update(value)
        elif "." in str(key):
            section, name = str(key).split(".", 1)
            nested.setdefault(section, {})[name] = value
        else:
            raise ConfigError(
                f"threshold {key!r}: expected a section ({', '.join(sections)}) "
                f"holding values, or a dotted name like 'depth.min_hip_below_knee_deg'"
            )
    return nested


# --------------------------------------------------------------------------- files
def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for the plain names used here
    return repr(float(value))


TOML_HEADER = (
    "# formlab form-check thresholds. Any value left out takes the lift's default.",
    "# Above each value: what it means, then its unit and valid range (inclusive), the",
    "# default (with other lifts' defaults of the same check in brackets) and where that default",
    "# comes from. 'the article': \"Less Pain, More Gain: Lift Weights With Your AI Trainer\"",
    "# (front-squat feedback from BlazePose); 'formlab': chosen by formlab's authors for the",
    "# reason given.",
)

OtherDefaults = Callable[[str, str], Sequence[tuple[str, Any]]]
"""``other_defaults(section, field) -> [(lift, default), ...]``: other lifts' defaults of a value."""


def _comment(section: str, f: dataclasses.Field, other_defaults: OtherDefaults | None) -> list[str]:
    """The comment above one value: readable on its own, since a TOML reader never sees the docstrings."""
    md = f.metadata
    if md.get("choices"):
        valid = "valid values: one of " + ", ".join(_toml_value(c) for c in md["choices"])
    else:
        lo, hi = md["range"]
        valid = f"unit: {md['unit'] or 'none (a plain number)'}; valid range: {lo:g} to {hi:g}"
    default = f"default: {_toml_value(f.default)}"
    others = other_defaults(section, f.name) if other_defaults else ()
    if others:
        default += f" (other lifts: {', '.join(f'{lift} {_toml_value(v)}' for lift, v in others)})"
    return [f"# {md['meaning']}", f"# {valid}; {default}; source: {md['source']}"]


def to_toml(
    th: FormThresholds, other_defaults: OtherDefaults | None = None, title: str = ""
) -> str:
    """Thresholds as TOML text with a comment above every value (see :data:`TOML_HEADER`)."""
    lines = [*TOML_HEADER]
    if title:
        lines.append(f"# {title}")
    lines.append("")
    for section in th.sections:
        obj = th.section(section)
        lines.append(f"[{section}]")
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            lines += _comment(section, f, other_defaults)
            lines.append(f"{f.name} = {_toml_value(getattr(obj, f.name))}")
        lines.append("")
    return "\n".join(lines)


def to_json(th: FormThresholds) -> str:
    """Thresholds as indented JSON (values only)."""
    return json.dumps(th.to_dict(), indent=2) + "\n"


def read_thresholds_file(path: str | os.PathLike) -> dict[str, Any]:
    """The raw table of a ``.toml`` or ``.json`` thresholds file; a ConfigError naming the file otherwise.

    Only the format is checked here (the file exists, is UTF-8 text, parses
    to a table); the values are checked against a lift's sections by
    :meth:`FormThresholds.updated`.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such thresholds file")
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ConfigError(
            f"{path}: unsupported thresholds format {path.suffix!r}; use .toml or .json"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"{path}: not a text file in UTF-8 (byte {e.start}: {e.reason}); a thresholds file "
            f"is TOML or JSON text (formlab thresholds EXERCISE -o FILE writes a template)"
        ) from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read ({e.strerror or e})") from None
    try:
        if suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as e:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise ConfigError(f"{path}: not valid {suffix[1:].upper()} ({e})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table of sections at the top level")
    return data


def threshold_table(thresholds: FormThresholds):
    """Every threshold as a pandas DataFrame: section, name, value, default, unit, min, max, choices, meaning, source.

    Handy in notebooks and for building sliders (``min``/``max`` are the valid range).
    """
    import pandas as pd

    rows = []
    for section in thresholds.sections:
        obj = thresholds.section(section)
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            md = f.metadata
            rows.append(
                {
                    "section": section,
                    "name": f.name,
                    "value": getattr(obj, f.name),
                    "default": f.default,
                    "unit": md["unit"],
                    "min": md["range"][0],
                    "max": md["range"][1],
                    "choices": md.get("choices"),
                    "meaning": md["meaning"],
                    "source": md["source"],
                    "valid": describe_param(f),
                }
            )
    return pd.DataFrame(rows)
