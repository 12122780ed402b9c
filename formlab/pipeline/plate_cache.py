"""The plate tracker's result (and the camera's motion), kept beside the cached pose tracks.

Tracking the plate reads the video again (5-8 s on the sample clips, issue 15),
and a re-analysis with other thresholds or another lift gets the same answer
from the same video and the same pose. So the answer is stored under a key
made of the video's content (its SHA-256, as for the pose cache), the track the
tracker followed, the tracker's options and formlab's version: either the
:class:`~formlab.barbell.plate.PlateTrack` or the reason no plate is worth
tracking. Entries are ``.npz`` files (arrays and a JSON document, no pickles)
written atomically in ``<cache>/plates/``; an entry that does not load is
recomputed. The camera's motion (:mod:`formlab.barbell.camera_motion`, another pass over
the video) is kept the same way, under its own key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .._version import __version__
from ..core.files import atomic_write, json_default, sha256_file
from ..core.track import PoseTrack

CACHE_FORMAT = 6
"""Part of every key: raise it when what is stored, or the wording of a stored reason, changes
(formlab's version alone does not change between commits). 4: the rim-fitting plate tracker
(issue 16); 5: the outer rim searched at the seed, the camera probe's answers; 6: flattened rim
outlines, a faint rim found from the inside while tracking. The tracker's own source is part of
the key too (:func:`plate_key`), so an edit to it is never answered from an older result."""

_ARRAYS = ("frame", "time_s", "centre_xy_px", "radius_px", "bar_end_xy_px", "how", "bar_end_how")


def plate_key(track: PoseTrack, video, what: str, settings: dict) -> str:
    """Cache key of a plate result: video content, the followed track, ``what`` was asked, settings."""
    from ..io.cache import source_digest

    source = track.meta.source_sha256 or sha256_file(Path(video))
    h = hashlib.sha256()
    doc = [source, what, settings, __version__, CACHE_FORMAT, source_digest("barbell/*.py")]
    h.update(json.dumps(doc, default=json_default).encode())
    for a in (track.frame, track.time_s, track.xy_px, track.visibility):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:32]


def _path(key: str) -> Path:
    from ..io.cache import cache_dir

    return cache_dir("plates") / f"{key}.npz"


def _read(key: str) -> tuple[dict, dict[str, np.ndarray]] | None:
    """The JSON document and arrays stored under ``key``; None when absent or unreadable.

    An unreadable entry is removed, so that it is computed and stored again.
    """
    from ..io.cache import doc_and_arrays, read_kept

    return read_kept(_path(key), doc_and_arrays)


def _write(key: str, doc: dict, arrays: dict[str, np.ndarray]) -> None:
    """Store a JSON document and arrays under ``key``, atomically; a read-only cache only costs time."""
    text = json.dumps(doc, default=json_default)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            np.savez(f, **{"doc": np.array(text), **arrays})  # type: ignore[arg-type]

    try:
        atomic_write(_path(key), write)
    except OSError:
        pass


def load_plate(key: str):
    """The stored PlateTrack or reason (str) for ``key``; None when there is none (or it is unreadable)."""
    from ..barbell.plate import PlateTrack

    found = _read(key)
    if found is None:
        return None
    doc, arrays = found
    if "reason" in doc:
        return str(doc["reason"])
    try:
        arrays = {k: arrays[k] for k in _ARRAYS}
        arrays["how"] = arrays["how"].astype(object)
        arrays["bar_end_how"] = arrays["bar_end_how"].astype(object)
        return PlateTrack(**arrays, info=doc["info"])
    except Exception:  # an entry of another shape: recompute
        _path(key).unlink(missing_ok=True)
        return None


def store_plate(key: str, result) -> None:
    """Store a PlateTrack or a reason (str) under ``key``, atomically."""
    if isinstance(result, str):
        _write(key, {"reason": result}, {})
        return
    arrays = {k: np.asarray(getattr(result, k)) for k in _ARRAYS}
    arrays["how"] = arrays["how"].astype(str)
    arrays["bar_end_how"] = arrays["bar_end_how"].astype(str)
    _write(key, {"info": result.info}, arrays)


def load_camera(key: str):
    """The stored CameraMotion for ``key``; None when there is none (or it is unreadable)."""
    from ..barbell.camera_motion import CameraMotion

    found = _read(key)
    if found is None:
        return None
    doc, arrays = found
    try:
        return CameraMotion(
            frame=arrays["frame"],
            image_to_scene=arrays["image_to_scene"],
            static=bool(doc["static"]),
            max_shift_px=float(doc["max_shift_px"]),
            info=doc["info"],
        )
    except Exception:  # an entry of another shape: measure again
        _path(key).unlink(missing_ok=True)
        return None


def store_camera(key: str, motion) -> None:
    """Store a CameraMotion under ``key``, atomically (a read-only cache only costs time)."""
    doc = {"static": motion.static, "max_shift_px": motion.max_shift_px, "info": motion.info}
    arrays = {"frame": motion.frame, "image_to_scene": motion.image_to_scene}
    _write(key, doc, arrays)
