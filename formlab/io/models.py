"""Finding, checking and downloading the MediaPipe PoseLandmarker model bundles.

MediaPipe's pip wheel does not contain the pose models; they are ``.task``
files (zip bundles holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``) that Google serves from its model storage.
:func:`resolve_model` looks for a bundle in this order and uses the first
valid one:

1. an explicit path (``model="path/to/pose_landmarker_full.task"``);
2. the folder named by the environment variable ``FORMLAB_MODEL_DIR``
   (offline machines and CI point it at a folder of bundles);
3. the per-user cache folder, ``<cache>/models`` (see :mod:`formlab.cache`);
4. a download of the official, versioned file into that cache folder,
   written to a temporary name and moved into place only once it loads and
   reproduces MediaPipe's conformance landmarks (:mod:`formlab.io.model_check`).

A file that is not a valid bundle is refused with a message naming it. When
nothing is found and the download fails, the error lists every place searched.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.errors import ModelError
from ..core.files import sha256_file
from .cache import cache_dir

MODEL_VARIANTS: tuple[str, ...] = ("lite", "full", "heavy")
"""Model variants, fastest first. ``full`` is the default: it is the one MediaPipe's own
conformance tests use, and on 1080p video it runs at about 10 ms/frame on a laptop CPU."""

DEFAULT_MODEL = "full"
MODEL_DIR_ENV = "FORMLAB_MODEL_DIR"
MODEL_VERSION = "1"
MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/{version}/pose_landmarker_{variant}.task"
)
REQUIRED_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")


@dataclass(frozen=True)
class ModelFile:
    """A located and validated model bundle."""

    path: Path
    variant: str
    sha256: str


def model_filename(variant: str) -> str:
    """File name of a variant's bundle, as Google names it: ``pose_landmarker_full.task``."""
    return f"pose_landmarker_{variant}.task"


def model_url(variant: str) -> str:
    """Official download URL of a variant (a fixed version, not ``latest``)."""
    return MODEL_URL.format(variant=variant, version=MODEL_VERSION)


def validate_model_file(path: str | os.PathLike) -> None:
    """Raise :class:`ModelError` naming ``path`` unless it is a PoseLandmarker bundle."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file does not exist")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelError(
            f"{path}: not a PoseLandmarker model bundle (a .task zip holding "
            f"{' and '.join(REQUIRED_MEMBERS)}): {e}"
        ) from None
    missing = [m for m in REQUIRED_MEMBERS if m not in names]
    if missing:
        raise ModelError(
            f"{path}: not a PoseLandmarker model bundle: it lacks {', '.join(missing)}"
        )


@lru_cache(maxsize=16)
def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    return sha256_file(path)


def model_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a model file (memoised on path, size and modification time)."""
    st = os.stat(path)
    return _sha256_cached(str(path), st.st_mtime_ns, st.st_size)


def _variant_of(path: Path) -> str:
    for v in MODEL_VARIANTS:
        if path.name == model_filename(v):
            return v
    return "custom"


def model_candidates(variant: str) -> list[Path]:
    """Where a variant's bundle is looked for before any download, in search order.

    ``$FORMLAB_MODEL_DIR/<file>`` (when the variable is set), then
    ``<cache>/models/<file>``. Shared by :func:`resolve_model` and
    ``formlab models`` so that a listing shows the places actually searched.
    """
    name = model_filename(variant)
    env_dir = os.environ.get(MODEL_DIR_ENV)
    places = [Path(env_dir).expanduser() / name] if env_dir else []
    return [*places, cache_dir("models", create=False) / name]


def find_model(variant: str) -> Path | None:
    """The first existing file among :func:`model_candidates`, or None; no download, no validation.

    Cheap enough for a listing: it neither reads nor checks the file (see
    :func:`validate_model_file` for that).
    """
    return next((c for c in model_candidates(variant) if c.is_file()), None)


def resolve_model(model: str | os.PathLike = DEFAULT_MODEL, *, download: bool = True) -> ModelFile:
    """Locate (and if need be download) a pose model bundle.

    Parameters
    ----------
    model : str or path
        A variant name (``"lite"``, ``"full"``, ``"heavy"``) or the path of a
        ``.task`` file.
    download : bool
        Allow the final step, a download from Google's model storage.

    Returns
    -------
    ModelFile
        Path, variant and SHA-256 of the bundle.

    Raises
    ------
    ModelError
        If an explicit file is invalid, the variant is unknown, or no bundle
        is found anywhere; the message lists the places searched and how to
        provide the file.
    """
    text = os.fspath(model)
    if text not in MODEL_VARIANTS:
        p = Path(text).expanduser()
        if p.suffix == ".task" or p.exists() or os.sep in text:
            validate_model_file(p)
            return ModelFile(p.resolve(), _variant_of(p), model_sha256(p))
        raise ModelError(
            f"unknown model {text!r}: use one of {', '.join(MODEL_VARIANTS)} or the path of a .task file"
        )

    variant = text
    name = model_filename(variant)
    searched = [] if os.environ.get(MODEL_DIR_ENV) else [f"${MODEL_DIR_ENV} (not set)"]
    searched += [str(c) for c in model_candidates(variant)]
    found = find_model(variant)
    if found is not None:
        validate_model_file(found)  # a broken file is an error, not a silent fallback
        return ModelFile(found.resolve(), variant, model_sha256(found))

    cache_models = cache_dir("models", create=False)
    url = model_url(variant)
    if download:
        try:
            path = _download_verified(url, cache_dir("models"), name)
            return ModelFile(path, variant, model_sha256(path))
        except ModelError:
            raise
        except Exception as e:
            searched.append(f"{url} (download failed: {type(e).__name__}: {e})")
    else:
        searched.append(f"{url} (download disabled)")
    raise ModelError(
        f"model {name!r} not found. Searched: {'; '.join(searched)}. "
        f"Download it from {url} into {cache_models}, or set {MODEL_DIR_ENV} to a folder that holds it, "
        f"or pass the file's path."
    )


def _download(url: str, folder: Path, name: str) -> Path:
    """Download ``url`` to ``folder/name``; pooch writes to a temporary file and renames it when complete.

    No hash is given to pooch: Google publishes none for these files, and
    formlab has no official download to take one from. The file is checked by
    running it instead (:func:`_download_verified`).
    """
    import pooch

    return Path(pooch.retrieve(url, known_hash=None, fname=name, path=folder, progressbar=False))


def _download_verified(url: str, folder: Path, name: str) -> Path:
    """Download a bundle under a hidden name, verify it, then move it to ``folder/name``.

    The bundle must be a valid zip (:func:`validate_model_file`), load in
    MediaPipe and place the landmarks of MediaPipe's conformance photo within
    its test tolerance (:func:`formlab.io.model_check.verify_model`). A file
    that fails is deleted and never enters the cache. Its SHA-256, URL and
    conformance error are written beside it (``<name>.json``); the SHA-256 is
    also in every track made with it (``TrackMeta.model_sha256``).
    """
    import json
    from datetime import UTC, datetime

    from ..core.files import atomic_write
    from .model_check import CONFORMANCE_SAMPLE, verify_model

    partial = f".{name}.{os.getpid()}.download"
    tmp = _download(url, folder, partial)
    try:
        validate_model_file(tmp)
        err_px = verify_model(tmp)
        sha = model_sha256(tmp)
        final = folder / name
        os.replace(tmp, final)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, ModelError):
            raise ModelError(
                f"{url}: the downloaded model failed its check and was deleted: "
                f"{str(e).split(': ', 1)[-1]}"
            ) from None
        raise
    record = {
        "url": url,
        "sha256": sha,
        "downloaded_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "conformance_sample": CONFORMANCE_SAMPLE,
        "conformance_max_error_px": round(err_px, 2),
    }
    atomic_write(
        final.with_name(name + ".json"), lambda p: p.write_text(json.dumps(record, indent=2))
    )
    return final.resolve()
