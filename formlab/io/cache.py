"""Where formlab keeps downloaded models, sample media and computed pose tracks.

The cache folder is ``$FORMLAB_CACHE_DIR`` if set, else the per-user cache
folder of the operating system (``~/.cache/formlab`` on Linux, via
:func:`pooch.os_cache`). Sub-folders: ``models/``, ``samples/``, ``tracks/`` (and ``locks/``,
see :func:`computing`); what is derived from a track is kept beside them (``cleaned/``,
``pose_tables/``, ``figures/``, ``frames/``, ``plates/``) to make re-analyses fast.

Pose tracks are cached by content: the key is the SHA-256 of the source file,
the extraction options and the SHA-256 of the model, so re-running the same
extraction returns the stored track without inference, and changing any of the
three computes a new one. Entries are written atomically together with a
checksum; an entry that fails its checksum or does not load is deleted and
recomputed.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..core.errors import FormlabWarning, OutputError
from ..core.files import atomic_write, ensure_dir, sha256_file

CACHE_ENV = "FORMLAB_CACHE_DIR"


def cache_dir(sub: str | None = None, *, create: bool = True) -> Path:
    """The formlab cache folder, or one of its sub-folders.

    With ``create`` (for writing) the folder is made if need be and must be
    writable; without (for looking things up) it is only named, so that a
    read-only or missing cache never stops a run that does not write to it
    (``--no-cache``, models and samples found elsewhere).
    """
    root = os.environ.get(CACHE_ENV)
    if root:
        base = Path(root).expanduser()
    else:
        import pooch

        base = Path(pooch.os_cache("formlab"))
    folder = base / sub if sub else base
    return ensure_dir(folder) if create else folder


def track_key(source_sha256: str, options: Mapping[str, Any], model_sha256: str) -> str:
    """Cache key of a pose track: hash of source content, options and model."""
    doc = json.dumps(
        {"source": source_sha256, "options": dict(options), "model": model_sha256}, sort_keys=True
    )
    return hashlib.sha256(doc.encode()).hexdigest()[:32]


def _entry_paths(key: str, create: bool = False) -> tuple[Path, Path]:
    d = cache_dir("tracks", create=create)
    return d / f"{key}.parquet", d / f"{key}.parquet.sha256"


def load_cached_track(key: str):
    """Return the cached :class:`~formlab.PoseTrack` for ``key``, or None.

    A corrupt entry (checksum mismatch, unreadable file) is removed with a
    warning so that the caller recomputes it.
    """
    from ..core.track import load_track

    data, checksum = _entry_paths(key)
    if not data.is_file():
        return None
    try:
        if not checksum.is_file() or checksum.read_text().strip() != sha256_file(data):
            raise ValueError("checksum mismatch")
        return load_track(data)
    except Exception as e:  # any failure means: recompute
        warnings.warn(
            f"formlab: discarding corrupt cache entry {data.name} ({e}); recomputing", stacklevel=2
        )
        for p in (data, checksum):
            p.unlink(missing_ok=True)
        return None


def store_cached_track(key: str, track) -> Path | None:
    """Store a track under ``key`` (atomically, with a checksum written after the data).

    The cache only saves time: when the entry cannot be stored (disk full,
    read-only folder) a warning says so and None is returned; the caller keeps
    its result.
    """
    try:
        data, checksum = _entry_paths(key, create=True)
        track.save(data)
        atomic_write(checksum, lambda tmp: tmp.write_text(sha256_file(data)))
    except (OSError, OutputError) as e:
        warnings.warn(
            f"the pose track was not stored in the cache ({e}); the result is unaffected",
            FormlabWarning,
            stacklevel=2,
        )
        for p in _entry_paths(key):
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)
        return None
    return data


@contextlib.contextmanager
def computing(key: str) -> Iterator[None]:
    """Hold the cache's lock on ``key`` while its entry is computed (``with computing(key): ...``).

    Two processes that need the same missing track at once (a test run on two workers, two
    batch workers on copies of one video) then compute it once: the second waits, then finds
    the entry (look it up again inside the ``with``). A lock that cannot be taken (a read-only
    cache, a system without ``fcntl``) is no lock: the only cost is the work done twice.
    """
    try:
        import fcntl

        f = open(cache_dir("locks") / f"{key}.lock", "a")  # held across the yield
    except (ImportError, OSError, OutputError):
        yield
        return
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        f.close()  # releases the lock


def clear_track_cache() -> int:
    """Delete every cached pose track; return how many were removed."""
    n = 0
    for p in cache_dir("tracks", create=False).glob("*.parquet*"):
        p.unlink(missing_ok=True)
        n += p.suffix == ".parquet"
    for p in cache_dir("locks", create=False).glob("*.lock"):
        p.unlink(missing_ok=True)
    return n


def source_digest(*patterns: str) -> str:
    """SHA-256 (hex) of formlab's own source files matching ``patterns`` (globs in the package).

    Part of the key of what formlab computes and keeps (a cleaned track, figures): formlab's
    version does not change between commits, and a kept result of older code would be stale.
    """
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for pattern in patterns:
        for file in sorted(package.glob(pattern)):
            h.update(file.name.encode())
            h.update(file.read_bytes())
    return h.hexdigest()


_TRACK_ARRAYS = ("xy_px", "z", "visibility", "presence", "world_m", "time_s", "frame")


def track_digest(track) -> str:
    """SHA-256 (hex, 32 digits) of a pose track's arrays and metadata.

    A key for what is derived from the track alone (its cleaned version, its CSV table).
    """
    h = hashlib.sha256()
    h.update(json.dumps(track.meta.to_dict(), default=str, sort_keys=True).encode())
    for name in _TRACK_ARRAYS:
        h.update(str(getattr(track, name).dtype).encode())
        h.update(getattr(track, name).tobytes())
    return h.hexdigest()[:32]


T = TypeVar("T")


def read_kept(path: Path, read: Callable[[Any], T]) -> T | None:
    """``read(z)`` of the ``.npz`` file kept at ``path``; None when there is none or it does not read.

    A kept entry that does not read (broken, written by other code, of another shape) is removed,
    so that it is computed and kept again: a cache may cost time, never give an error. Shared by
    the cleaned tracks, the plate tracks and the pipeline's steps.
    """
    if not path.is_file():
        return None
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            return read(z)
    except Exception:  # any failure means: compute again
        path.unlink(missing_ok=True)
        return None


def doc_and_arrays(z) -> tuple[dict, dict]:
    """The JSON document (array ``doc``) and the other arrays of a kept ``.npz`` entry."""
    return json.loads(str(z["doc"])), {k: z[k] for k in z.files if k != "doc"}


_OUTPUTS_CACHED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "formlab_outputs_cached", default=True
)


@contextlib.contextmanager
def outputs_cached(enabled: bool = True) -> Iterator[None]:
    """Within the ``with``, whether outputs may be copied from and kept in the cache.

    The writers of ``formlab analyze`` keep what they write (the pose CSV, the figures, decoded
    frames: :func:`copy_cached_files`, :func:`keep_files`, :mod:`formlab.io.frame_cache`);
    ``--no-cache`` (``analyze(..., cache=False)``) turns that off for its writers, as it does
    for the pose, cleaned and plate tracks. A context variable, so that each thread (a writer
    in the background) sets its own.
    """
    token = _OUTPUTS_CACHED.set(bool(enabled))
    try:
        yield
    finally:
        _OUTPUTS_CACHED.reset(token)


def outputs_cache_enabled() -> bool:
    """Whether the current :func:`outputs_cached` allows the output caches (default: yes)."""
    return _OUTPUTS_CACHED.get()


def copy_cached_files(kind: str, key: str, names: Mapping[str, Path]) -> bool:
    """Copy the files kept under ``<cache>/<kind>/<key><suffix>`` to ``names`` (suffix -> path).

    Returns False, copying nothing, unless every one is kept (or the output caches are off,
    :func:`outputs_cached`). Each copy is atomic.
    """
    if not outputs_cache_enabled():
        return False
    folder = cache_dir(kind, create=False)
    kept = {suffix: folder / f"{key}{suffix}" for suffix in names}
    if not all(p.is_file() for p in kept.values()):
        return False
    for suffix, target in names.items():
        _copy_atomically(kept[suffix], target)
    return True


def _copy_atomically(src: Path, target: Path) -> None:
    import shutil

    def copy(tmp: Path) -> None:
        shutil.copyfile(src, tmp)

    atomic_write(target, copy)


def keep_files(kind: str, key: str, files: Mapping[str, Path]) -> None:
    """Keep copies of ``files`` (suffix -> path) under ``<cache>/<kind>/<key><suffix>``.

    Each is written atomically; a cache that cannot be written only costs time next run.
    Nothing is kept while the output caches are off (:func:`outputs_cached`).
    """
    if not outputs_cache_enabled():
        return
    try:
        folder = cache_dir(kind)
        for suffix, src in files.items():
            _copy_atomically(src, folder / f"{key}{suffix}")
    except (OSError, OutputError):
        pass
