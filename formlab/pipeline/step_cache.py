"""The reps, the load's path and the per-rep numbers of a cached track, kept for re-analyses.

A re-analysis with new thresholds (the widget tuner, a batch re-run) changes
only the verdicts: the reps (:func:`formlab.pipeline.steps.count_reps`), the
load's path (:func:`~formlab.pipeline.steps.load_path_of`, with the plate
and the camera) and the per-rep numbers
(:func:`~formlab.pipeline.steps.measure_reps`) are those of the last run.
Computing them again costs little in itself but needs ``scipy.signal``
(Butterworth, Savitzky-Golay, peaks), whose import alone takes 0.5-1 s, a third
of such a re-run (issue 15). So :func:`formlab.analyze` keeps them in
``<cache>/steps/`` under a key made of everything they are computed from:

* the raw and the cleaned track (their arrays and metadata, which carry the
  video's SHA-256), and whether a video was given;
* the lift asked for, the detector settings, the bar method, the camera mode,
  the lifter's height, the plate diameter and the load;
* the code: every source file of the layers they run (``core`` to
  ``pipeline``, and the module of any lift registered by another package), the
  versions of formlab, NumPy, SciPy and OpenCV, and :data:`CACHE_FORMAT`.

An entry is an ``.npz`` file (arrays, and a JSON document that names the
dataclasses by an allow-list: no pickle), written atomically. A result is kept
only if it reads back equal to itself (:func:`encode` then :func:`decode`);
one holding anything else is simply computed each time. An entry that does not
load is computed again; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..core.errors import OutputError
from ..core.files import atomic_write, json_default

CACHE_FORMAT = 1
"""Part of every key: raise it when what is stored changes."""

_CODE = (
    "core/*.py",
    "io/*.py",
    "pose/*.py",
    "signal/*.py",
    "barbell/*.py",
    "form/*.py",
    "exercises/*.py",
    "reps/*.py",
    "pipeline/*.py",
)
"""The package's files the cached steps may run (their bytes are part of the key)."""


# =============================================================================
# Key
# =============================================================================
@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the code the steps run: formlab's layers, plug-in lifts, library versions."""
    from importlib.metadata import PackageNotFoundError, entry_points, version

    from ..exercises.registry import ENTRY_POINT_GROUP
    from ..io.cache import source_digest

    h = hashlib.sha256(source_digest(*_CODE).encode())
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        module = sys.modules.get(ep.module)
        file = getattr(module, "__file__", None)
        if file and not ep.module.startswith("formlab."):  # formlab's own: hashed above
            h.update(Path(file).read_bytes())
        h.update(f"{ep.name}={ep.value}".encode())
    for dist in ("numpy", "scipy", "opencv-python", "opencv-python-headless"):
        try:
            h.update(f"{dist} {version(dist)}".encode())
        except PackageNotFoundError:
            h.update(f"{dist} -".encode())
    return h.hexdigest()


def steps_key(raw, track, settings: dict[str, Any]) -> str:
    """Cache key of the reps, load path and per-rep numbers: tracks, settings, code (module notes)."""
    from ..io.cache import track_digest

    doc = [
        track_digest(raw),
        track_digest(track),
        settings,
        __version__,
        CACHE_FORMAT,
        code_digest(),
    ]
    text = json.dumps(doc, default=json_default, sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# =============================================================================
# Encoding: JSON with arrays aside, dataclasses by name
# =============================================================================
def _classes() -> dict[str, type]:
    """The dataclasses an entry may hold, by name (nothing else is ever built from an entry)."""
    from ..barbell.scale import PixelScale
    from ..barbell.trajectory import BarPath
    from ..reps.detection import Rep, RepDetection, RepDetectorParams
    from .steps import LoadPath

    return {
        c.__name__: c for c in (BarPath, PixelScale, Rep, RepDetection, RepDetectorParams, LoadPath)
    }


class _Unsupported(Exception):
    """A value this cache does not store (the result is then not kept)."""


def encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """``value`` as JSON-able data, its arrays put in ``arrays`` (raises _Unsupported otherwise)."""
    import pandas as pd

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, (np.integer, np.floating)):
        return value
    if isinstance(value, np.generic):
        return {"__scalar__": value.dtype.str, "v": value.item()}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            if not all(isinstance(v, str) for v in value.ravel()):
                raise _Unsupported("object array")
            name = f"a{len(arrays)}"
            arrays[name] = value.astype(str)
            return {"__array__": name, "object": True}
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"__array__": name}
    if isinstance(value, pd.DataFrame):
        if not value.index.equals(pd.RangeIndex(len(value))) or value.attrs:
            raise _Unsupported("a table with its own index or attributes")
        columns = [[str(c), encode(value[c].to_numpy(), arrays)] for c in value.columns]
        if any(not isinstance(c, str) for c in value.columns):
            raise _Unsupported("column names that are not text")
        return {"__frame__": columns, "n": len(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(v, arrays) for v in value]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _Unsupported("a mapping with keys that are not text")
        return {"__dict__": {k: encode(v, arrays) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _classes():
        fields = {f.name: encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}
        return {"__class__": type(value).__name__, "fields": fields}
    raise _Unsupported(type(value).__name__)


def decode(doc: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The value :func:`encode` turned into ``doc`` and ``arrays``."""
    import pandas as pd

    if isinstance(doc, list):
        return [decode(v, arrays) for v in doc]
    if not isinstance(doc, dict):
        return doc
    if "__scalar__" in doc:
        return np.dtype(doc["__scalar__"]).type(doc["v"])
    if "__array__" in doc:
        a = arrays[doc["__array__"]]
        return a.astype(object) if doc.get("object") else a
    if "__frame__" in doc:
        cols = {name: decode(col, arrays) for name, col in doc["__frame__"]}
        return pd.DataFrame(cols, index=pd.RangeIndex(doc["n"]))
    if "__tuple__" in doc:
        return tuple(decode(v, arrays) for v in doc["__tuple__"])
    if "__dict__" in doc:
        return {k: decode(v, arrays) for k, v in doc["__dict__"].items()}
    if "__class__" in doc:
        cls = _classes()[doc["__class__"]]
        return cls(**{k: decode(v, arrays) for k, v in doc["fields"].items()})
    raise ValueError(f"not an entry of this cache: {sorted(doc)}")


def same(a: Any, b: Any) -> bool:
    """Whether two results are equal, arrays and tables included (NaN equal to NaN, types too)."""
    import pandas as pd

    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and _equal_arrays(a, b)
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        except AssertionError:
            return False
        return True
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def _equal_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


# =============================================================================
# Store, load
# =============================================================================
def _path(key: str, create: bool = False) -> Path:
    from ..io.cache import cache_dir

    return cache_dir("steps", create=create) / f"{key}.npz"


def load(key: str) -> Any | None:
    """The result kept under ``key``; None when there is none (or it does not load)."""
    from ..io.cache import doc_and_arrays, read_kept

    return read_kept(_path(key), lambda z: decode(*doc_and_arrays(z)))


def store(key: str, result: Any) -> bool:
    """Keep ``result`` under ``key`` if it reads back equal to itself; whether it was kept."""
    arrays: dict[str, np.ndarray] = {}
    try:
        doc = encode(result, arrays)
        text = json.dumps(doc, allow_nan=True)
        if not same(decode(json.loads(text), arrays), result):
            return False
    except (_Unsupported, TypeError, ValueError):
        return False

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            np.savez(f, doc=np.array(text), **arrays)  # type: ignore[arg-type]

    try:
        atomic_write(_path(key, create=True), write)
    except (OSError, OutputError):  # a read-only or full cache: computed again next time
        return False
    return True
