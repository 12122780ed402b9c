"""One way to declare settings: frozen dataclasses whose fields carry unit, range, meaning and source.

Every group of settings in formlab (pose extraction, track cleaning, the rep
detector, the plate tracker, each form check's thresholds) is declared the
same way, so that they validate alike, fail alike and document themselves:

>>> @settings
... class Example(Settings):
...     '''An example.'''
...     name = "example"
...     cutoff_hz: float = param(default=2.0, unit="Hz", lo=0, hi=None, lo_open=True,
...                              meaning="Low-pass cut-off.", source="formlab: keeps a rep's shape.")
>>> Example(cutoff_hz=4).cutoff_hz
4.0
>>> Example(cutoff_hz=-1)
Traceback (most recent call last):
...
formlab.core.errors.ConfigError: example.cutoff_hz = -1 is out of range (0, inf) Hz

The rules, one for all:

* **Types.** ``number`` fields take ints, floats, NumPy scalars and numeric
  strings (what a widget or a text file gives) and store a float; booleans
  are refused (``True`` is not a threshold). ``integer`` fields refuse
  fractions. ``flag`` fields take booleans only. ``choice`` fields take one
  of their listed strings. ``text`` fields take a non-empty string or path.
  Any field may allow ``None`` (``optional=True``).
* **Ranges** are inclusive unless a side is declared open.
* **Errors** are :class:`~formlab.ConfigError` with one message shape:
  ``"<group>.<field> = <value> <what is wrong>"``, naming what is accepted.
* **Unknown keys** in :meth:`Settings.from_dict` and :meth:`Settings.updated`
  are always an error naming the key and listing the known ones.
* **Documentation**: the class docstring gets an ``Attributes`` section made
  from the fields (unit, range, default, meaning, source), so docs, TOML
  comments and widget tooltips all read the same text.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

from .errors import ConfigError

Kind = Literal["number", "integer", "flag", "choice", "text"]

__all__ = ["Settings", "check_value", "describe_param", "param", "settings"]


def param(
    default: Any,
    unit: str = "",
    lo: float | None = None,
    hi: float | None = None,
    *,
    meaning: str,
    source: str = "",
    kind: Kind | None = None,
    choices: tuple[str, ...] | None = None,
    optional: bool = False,
    lo_open: bool = False,
    hi_open: bool = False,
) -> Any:
    """A documented, validated field of a :class:`Settings` class.

    Name the arguments (``param(default=2.0, unit="Hz", ...)``): type checkers
    read a field's default only from the ``default`` keyword (PEP 681), and
    take a field without it for a required argument.

    Parameters
    ----------
    default
        The default value.
    unit : str
        Unit of the value (``"deg"``, ``"s"``, ``"Hz"``, ``"ratio"``, ...; ``""`` for none).
    lo, hi : float, optional
        Valid range (None: unbounded on that side); inclusive unless ``lo_open``/``hi_open``.
    meaning : str
        What the value does, in a sentence or two.
    source : str
        Where the default comes from (a paper, the article, a measurement on
        named sample clips, or "formlab" with the reason).
    kind : {"number", "integer", "flag", "choice", "text"}, optional
        Inferred from the default (and ``choices``) when not given.
    choices : tuple of str, optional
        The accepted values of a ``choice`` field.
    optional : bool
        Whether ``None`` is accepted.
    """
    if kind is None:
        if choices is not None:
            kind = "choice"
        elif isinstance(default, bool):
            kind = "flag"
        elif isinstance(default, int):
            kind = "integer"
        elif isinstance(default, str):
            kind = "text"
        else:
            kind = "number"
    metadata = {
        "unit": unit,
        "range": (lo, hi),
        "open": (lo_open, hi_open),
        "meaning": meaning,
        "source": source,
        "kind": kind,
        "choices": tuple(choices) if choices else None,
        "optional": optional,
    }
    return field(default=default, metadata=metadata)


def _interval(md: Mapping[str, Any]) -> str:
    lo, hi = md["range"]
    lo_open, hi_open = md["open"]
    left = "(" if (lo is None or lo_open) else "["
    right = ")" if (hi is None or hi_open) else "]"
    return (
        f"{left}{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}{right}"
    )


def check_value(owner: str, name: str, value: Any, md: Mapping[str, Any]) -> Any:
    """``value`` converted to its field's type, or a :class:`ConfigError` in formlab's one message shape."""
    where = f"{owner}.{name}" if owner else name
    kind = md["kind"]
    unit = f" {md['unit']}" if md.get("unit") else ""
    if value is None:
        if md.get("optional"):
            return None
        raise ConfigError(f"{where} = None is not allowed (expected {_expected(md)})")
    if kind == "flag":
        if isinstance(value, bool):
            return value
        if type(value).__name__ == "bool_":  # numpy.bool_
            return bool(value)
        raise ConfigError(f"{where} = {value!r} is not true or false")
    if kind == "choice":
        if isinstance(value, str) and value in md["choices"]:
            return value
        raise ConfigError(f"{where} = {value!r} is not one of {list(md['choices'])}")
    if kind == "text":
        if isinstance(value, (str, os.PathLike)) and os.fspath(value):
            return value
        raise ConfigError(f"{where} = {value!r} is not a non-empty text")
    # numbers
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise ConfigError(f"{where} = {value!r} is not a number{unit and f' ({unit.strip()})'}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{where} = {value!r} is not a number{unit and f' ({unit.strip()})'}"
        ) from None
    if kind == "integer":
        if not math.isfinite(number) or number != int(number):
            raise ConfigError(f"{where} = {value!r} is not a whole number")
        number = int(number)
    lo, hi = md["range"]
    lo_open, hi_open = md["open"]
    bad = math.isnan(number)
    bad = bad or (lo is not None and (number < lo or (lo_open and number == lo)))
    bad = bad or (hi is not None and (number > hi or (hi_open and number == hi)))
    if bad:
        raise ConfigError(f"{where} = {number!r} is out of range {_interval(md)}{unit}")
    return number


def _expected(md: Mapping[str, Any]) -> str:
    kind = md["kind"]
    if kind == "choice":
        return "one of " + ", ".join(repr(c) for c in md["choices"])
    if kind == "flag":
        return "true or false"
    if kind == "text":
        return "a text"
    return (
        f"a {'whole ' if kind == 'integer' else ''}number in {_interval(md)} {md['unit']}".rstrip()
    )


def describe_param(f: dataclasses.Field) -> str:
    """One line for a field: its kind and valid values, unit and default (as docs and comments show it)."""
    return f"{_expected(f.metadata)}{', or None' if f.metadata.get('optional') else ''}; default {f.default!r}"


S = TypeVar("S", bound="Settings")


class Settings:
    """Base of formlab's settings classes (see the module docstring); use with :func:`settings`.

    Subclasses set ``name`` (the group's name in messages and files) and
    declare their fields with :func:`param`.
    """

    name: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            object.__setattr__(
                self, f.name, check_value(self.name, f.name, getattr(self, f.name), f.metadata)
            )
        self._check_consistency()

    def _check_consistency(self) -> None:
        """Rules between fields (overridden where a group has some); raise ConfigError."""

    def to_dict(self) -> dict[str, Any]:
        """The values as a plain dict (paths as strings)."""
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            out[f.name] = os.fspath(v) if isinstance(v, os.PathLike) else v
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the fields, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    @classmethod
    def coerce(cls: type[S], value: S | Mapping[str, Any] | None) -> S:
        """``value`` as settings of this class: itself, a mapping of some fields (the rest default), or None.

        Lets every function that takes settings also take a plain dict, as a
        notebook user writes them (``extract_options={"stride": 2}``).
        """
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, Mapping):
            return cls.from_dict(value)
        raise ConfigError(
            f"{cls.name or cls.__name__} settings must be a {cls.__name__} or a dict of its fields, "
            f"got {type(value).__name__}"
        )

    @classmethod
    def from_dict(cls: type[S], values: Mapping[str, Any]) -> S:
        """An instance from a mapping; missing keys take their defaults, unknown keys are an error."""
        return cls().updated(values)

    def updated(self: S, values: Mapping[str, Any] | None = None, **changes: Any) -> S:
        """A copy with some values changed (a mapping, keyword arguments, or both)."""
        merged = {**dict(values or {}), **changes}
        if not isinstance(merged, Mapping):
            raise ConfigError(
                f"{self.name}: expected a table of values, got {type(values).__name__}"
            )
        known = self.field_names()
        unknown = [k for k in merged if k not in known]
        if unknown:
            raise ConfigError(
                f"unknown setting {self.name}.{unknown[0]}; {self.name} has: {', '.join(known)}"
            )
        return dataclasses.replace(self, **merged)  # type: ignore[type-var]

    def replace(self: S, **changes: Any) -> S:
        """A copy with some values changed (unknown names are an error)."""
        return self.updated(changes)


def _attributes_doc(cls: type) -> str:
    lines = ["", "    Attributes", "    ----------"]
    for f in dataclasses.fields(cls):
        md = f.metadata
        if not md:
            continue
        lines.append(f"    {f.name} : {describe_param(f)}")
        lines.append(
            f"        {md['meaning']}"
            + (f" Source of the default: {md['source']}" if md["source"] else "")
        )
    return "\n".join(lines) + "\n"


@dataclass_transform(frozen_default=True, field_specifiers=(param,))
def settings(cls: type[S]) -> type[S]:
    """Make ``cls`` a frozen, validated dataclass and append its fields to its docstring."""
    cls = dataclass(frozen=True)(cls)
    if "Attributes\n" not in (cls.__doc__ or ""):
        cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n" + _attributes_doc(cls)
    return cls
