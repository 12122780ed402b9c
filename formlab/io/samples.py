"""Sample media: real lifting videos and photos, fetched by name and verified.

formlab never ships media. ``sample_registry.json`` (in this package) lists
each sample's download URL, SHA-256, licence and the facts recorded by hand
(exercise, camera view, frame count, hand-counted reps and the frame of each
rep's turning point). :func:`fetch` finds a local copy, in this order:

1. ``$FORMLAB_DATA_DIR/<file>``: a mirror folder with the registry's layout
   (``videos/``, ``images/``, ``annotations/``), for machines without
   internet; CI points it at a read-only shared folder;
2. ``<cache>/samples/<file>`` (see :mod:`formlab.cache`);
3. a download from the sample's URL into the cache (via :mod:`pooch`,
   written to a temporary file and checked before it is moved into place).

Every copy is checked against its SHA-256 (or git blob id where no SHA-256
was published) before use; a copy that fails is refused, never used.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import SampleError
from ..core.files import git_blob_sha1, sha256_file
from .cache import cache_dir

DATA_DIR_ENV = "FORMLAB_DATA_DIR"
DEFAULT_VIDEO = "squatAnalysis-rohanx01__squat"
"""The built-in default clip: a front-rack squat, side view, 2 reps, MIT licence."""


@lru_cache(maxsize=1)
def _registry() -> dict[str, dict[str, Any]]:
    text = resources.files("formlab.io").joinpath("sample_registry.json").read_text()
    return {s["name"]: s for s in json.loads(text)["samples"]}


EXAMPLES = "examples"
"""The default collection: the clips and photos the tutorials, tests and rep benchmarks use."""


def collection_of(info: dict[str, Any]) -> str:
    """The collection a registry entry belongs to (:data:`EXAMPLES` unless it names another)."""
    return str(info.get("collection", EXAMPLES))


def collections() -> list[str]:
    """The sample collections, the default first (``examples``, ``deadlift-form``)."""
    found = {collection_of(s) for s in _registry().values()}
    return [EXAMPLES, *sorted(found - {EXAMPLES})]


def sample_names(kind: str | None = None, collection: str | None = EXAMPLES) -> list[str]:
    """Names of the registered samples.

    Parameters
    ----------
    kind : {"video", "image", "annotation"}, optional
        Only samples of this kind.
    collection : str or None
        Only this collection (:func:`collections`); None for all. The default,
        ``"examples"``, leaves out evaluation sets such as the labelled
        ``"deadlift-form"`` clips, which are fetched by name like any other.
    """
    return [
        n
        for n, s in _registry().items()
        if (kind is None or s["kind"] == kind)
        and (collection is None or collection_of(s) == collection)
    ]


def sample_info(name: str) -> dict[str, Any]:
    """The registry entry of a sample (a copy): url, sha256, licence, exercise, reps, rep_frames, ...

    ``name`` is the file's stem (``"squatAnalysis-rohanx01__squat"``) or its
    path in the mirror layout (``"videos/squatAnalysis-rohanx01__squat.mp4"``).
    """
    reg = _registry()
    key: str | None = name
    if key not in reg:
        by_file = {s["file"]: n for n, s in reg.items()}
        key = by_file.get(name) or by_file.get(name.replace(os.sep, "/"))
    if key is None:
        media = [n for n, s in reg.items() if s["kind"] != "annotation"]  # what one can analyse
        raise SampleError(
            f"unknown sample {name!r}; known samples: {', '.join(media)} "
            f"(`formlab samples` lists them with exercise and licence)"
        )
    return dict(reg[key])


def list_samples():
    """The registry as a pandas DataFrame, one row per sample."""
    import pandas as pd

    cols = [
        "name",
        "kind",
        "exercise",
        "view",
        "reps",
        "frames",
        "fps",
        "width",
        "height",
        "license",
        "url",
        "collection",
    ]
    rows = [
        {**{c: s.get(c) for c in cols}, "collection": collection_of(s)}
        for s in _registry().values()
    ]
    return pd.DataFrame(rows, columns=cols)


@lru_cache(maxsize=64)
def _verified(path: str, mtime_ns: int, size: int, sha256: str | None, blob: str | None) -> bool:
    if sha256:
        return sha256_file(path) == sha256
    if blob:
        return git_blob_sha1(path) == blob
    return True


def _check(path: Path, info: dict[str, Any]) -> bool:
    st = path.stat()
    return _verified(
        str(path), st.st_mtime_ns, st.st_size, info.get("sha256"), info.get("git_blob_sha1")
    )


def _local_candidates(info: dict[str, Any]) -> tuple[list[tuple[str, Path]], list[str]]:
    """The places a local copy may be, in search order, and the searched-places notes for messages."""
    rel = Path(info["file"])
    notes: list[str] = []
    candidates: list[tuple[str, Path]] = []
    mirror = os.environ.get(DATA_DIR_ENV)
    if mirror:
        candidates.append(("data_dir", Path(mirror).expanduser() / rel))
    else:
        notes.append(f"${DATA_DIR_ENV} (not set)")
    candidates.append(("cache", cache_dir("samples", create=False) / rel))
    return candidates, notes


def locate(name: str) -> tuple[str, Path | None]:
    """Where a local copy of a sample is, without downloading anything.

    The same search as :func:`fetch` (``$FORMLAB_DATA_DIR``, then the cache),
    so that a listing says truthfully what ``fetch`` would use offline.

    Returns
    -------
    (status, path)
        ``("data_dir", path)`` or ``("cache", path)`` for a verified copy;
        ``("corrupt", path)`` when the first copy found fails its checksum
        (:func:`fetch` refuses it rather than look further); ``("missing",
        None)`` when there is none, so the sample would be downloaded.
    """
    info = sample_info(name)
    for where, path in _local_candidates(info)[0]:
        if path.is_file():
            return (where, path.resolve()) if _check(path, info) else ("corrupt", path)
    return "missing", None


def fetch(name: str, *, download: bool = True) -> Path:
    """Path of a verified local copy of a sample, downloading it if needed.

    Raises
    ------
    SampleError
        If the name is unknown, a local copy fails its checksum, or no copy
        is found and the download fails or is disabled; the message lists the
        places searched.
    """
    info = sample_info(name)
    rel = Path(info["file"])
    candidates, searched = _local_candidates(info)
    where, found = locate(name)
    if where == "corrupt":
        raise SampleError(
            f"{found}: checksum does not match the registry's for sample {info['name']!r}; "
            f"the file is corrupt or a different version: delete it or fix {DATA_DIR_ENV}"
        )
    if found is not None:
        return found
    searched += [str(path) for _, path in candidates]
    cached = candidates[-1][1]
    if not download:
        raise SampleError(
            f"sample {info['name']!r} not found (download disabled). Searched: {'; '.join(searched)}"
        )
    try:
        import pooch

        known = f"sha256:{info['sha256']}" if info.get("sha256") else None
        cached.parent.mkdir(parents=True, exist_ok=True)
        path = Path(
            pooch.retrieve(
                info["url"],
                known_hash=known,
                fname=cached.name,
                path=cached.parent,
                progressbar=False,
            )
        )
    except Exception as e:
        raise SampleError(
            f"sample {info['name']!r} not found and its download failed ({type(e).__name__}: {e}). "
            f"Searched: {'; '.join(searched)}. Download {info['url']} to {cached}, "
            f"or set {DATA_DIR_ENV} to a folder holding {rel}."
        ) from None
    if not _check(path, info):
        path.unlink(missing_ok=True)
        raise SampleError(
            f"{info['url']}: the downloaded file does not match its registered checksum"
        )
    return path.resolve()


SAMPLE_PREFIX = "sample:"
"""How a sample is named where a file is expected: ``sample:NAME`` (see :func:`list_samples`)."""


def resolve_source(source: str | os.PathLike) -> Path:
    """A path, or the verified local copy of ``sample:NAME`` (fetched if need be).

    Every entry point that takes a file (the ``formlab`` command, :func:`formlab.extract`,
    :func:`formlab.analyze`, :func:`formlab.analyze_photo`) accepts a sample this way.
    """
    text = os.fspath(source)
    if isinstance(text, str) and text.startswith(SAMPLE_PREFIX):
        return fetch(text[len(SAMPLE_PREFIX) :])
    return Path(source)
