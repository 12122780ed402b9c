"""Decoded video frames kept beside the cached pose tracks, for the pictures of a re-analysis.

The worst frame of each failed check is drawn on the video's own pixels, and
getting them means decoding the video up to the last of them: 1-2 s on a
1080x1920 clip, most of a cached re-analysis (issue 15). The frames a check
fails worst at rarely move when thresholds or the lift change (a rep's bottom
stays its bottom), so each frame decoded for a picture is kept as a ``.npy``
file (no pickle) in ``<cache>/frames/``, under the SHA-256 of the video's bytes
and the frame's index. H.264 decoding is exact, so a kept frame is the very
pixels a new decoding would give. An entry that does not load is decoded again;
a cache that cannot be written only costs time.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import numpy as np

from ..core.errors import OutputError
from ..core.files import atomic_write, sha256_file
from .cache import cache_dir, outputs_cache_enabled
from .media import iter_video_frames

CACHE_FORMAT = 1
"""Part of every entry's name: raise it when what a frame's pixels mean changes (rotation, colour)."""


def _entry(source_sha256: str, frame: int) -> Path:
    return cache_dir("frames", create=False) / f"{source_sha256[:32]}_{frame}_v{CACHE_FORMAT}.npy"


def _load(path: Path) -> np.ndarray | None:
    """A kept frame, or None when there is none or it does not load as an RGB picture."""
    if not path.is_file():
        return None
    try:
        rgb = np.load(path, allow_pickle=False)
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError("not an RGB picture")
        return rgb
    except Exception:  # any failure means: decode again
        path.unlink(missing_ok=True)
        return None


def _store(path: Path, rgb: np.ndarray) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            np.save(f, rgb, allow_pickle=False)

    try:
        cache_dir("frames")  # created only when something is stored
        atomic_write(path, write)
    except (OSError, OutputError):  # a read-only or full cache: decoded again next time
        pass


def video_frames(source: str | os.PathLike, frames: Collection[int]) -> dict[int, np.ndarray]:
    """The RGB pixels of some frames of a video: kept ones from the cache, the rest in one pass.

    Parameters
    ----------
    source : path
        The video.
    frames : collection of int
        0-based decoded-frame indices.

    Returns
    -------
    dict
        Frame index -> (H, W, 3) uint8 array; a frame past the video's end is missing.

    Notes
    -----
    Within :func:`formlab.io.cache.outputs_cached` ``(False)`` (``--no-cache``) every frame is
    decoded and none is kept.
    """
    wanted = sorted({int(f) for f in frames})
    if not wanted:
        return {}
    if not outputs_cache_enabled():  # --no-cache: decoded, neither read from nor kept in the cache
        return {
            fr.index: fr.rgb
            for fr in iter_video_frames(
                source, start_frame=wanted[0], end_frame=wanted[-1] + 1, only=wanted
            )
        }
    sha = sha256_file(source)  # of the file given, whatever track is drawn on it
    found: dict[int, np.ndarray] = {}
    for f in wanted:
        rgb = _load(_entry(sha, f))
        if rgb is not None:
            found[f] = rgb
    missing = [f for f in wanted if f not in found]
    if missing:
        for fr in iter_video_frames(
            source, start_frame=missing[0], end_frame=missing[-1] + 1, only=missing
        ):
            found[fr.index] = fr.rgb
            _store(_entry(sha, fr.index), fr.rgb)
    return found
