"""The cleaned pose track, kept beside the cached raw one, for re-analyses.

Cleaning a track (:func:`formlab.clean_track`: swaps, Hampel outliers, bones,
gaps, smoothing) takes 0.3-0.5 s on the sample clips, a third of a cached
re-analysis with other thresholds or another lift (issue 15), and gives the
same answer for the same raw track and options. So :func:`clean` keeps it in
``<cache>/cleaned/`` as an ``.npz`` file (arrays and the metadata as JSON, no
pickles), written atomically, under a key made of the raw track's arrays and
metadata, the cleaning options, formlab's version and a digest of the cleaning
code itself: formlab's version does not change between commits, and a stale
cleaned track would silently change every verdict. An entry that does not load
is computed again; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._version import __version__
from ..core.errors import OutputError
from ..core.files import atomic_write, json_default
from ..core.track import PoseTrack, TrackMeta
from ..signal.cleaning import CleanOptions, clean_track

CACHE_FORMAT = 1
"""Part of every key: raise it when what is stored changes."""

_ARRAYS = ("xy_px", "z", "visibility", "presence", "world_m", "time_s", "frame")

_CODE = ("signal/*.py", "core/*.py", "pose/persons.py")
"""The package's files the cleaning runs (their bytes are part of the key)."""


@lru_cache(maxsize=1)
def _code_digest() -> str:
    from ..io.cache import source_digest

    return source_digest(*_CODE)


def clean_key(raw: PoseTrack, options: CleanOptions) -> str:
    """Cache key of a cleaned track: the raw track, the options, formlab's version and code."""
    from ..io.cache import track_digest

    doc = [track_digest(raw), options.to_dict(), __version__, CACHE_FORMAT, _code_digest()]
    text = json.dumps(doc, default=json_default, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _path(key: str, create: bool = False) -> Path:
    from ..io.cache import cache_dir

    return cache_dir("cleaned", create=create) / f"{key}.npz"


def _load(key: str) -> PoseTrack | None:
    from ..io.cache import read_kept

    def read(z) -> PoseTrack:
        meta = TrackMeta.from_dict(json.loads(str(z["meta"])))
        return PoseTrack(**{k: z[k] for k in _ARRAYS}, meta=meta)

    return read_kept(_path(key), read)


def _store(key: str, track: PoseTrack) -> None:
    text = json.dumps(track.meta.to_dict(), default=json_default, allow_nan=True)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            arrays = {k: getattr(track, k) for k in _ARRAYS}
            np.savez(f, meta=np.array(text), **arrays)

    try:
        atomic_write(_path(key, create=True), write)
    except (OSError, OutputError):  # a read-only or full cache: cleaned again next time
        pass


def clean(raw: PoseTrack, options: CleanOptions | dict | None = None) -> PoseTrack:
    """:func:`formlab.clean_track`, its result kept in the cache (see the module's notes)."""
    o = CleanOptions.coerce(options)
    key = clean_key(raw, o)
    track = _load(key)
    if track is None:
        track = clean_track(raw, o)
        _store(key, track)
    return track
