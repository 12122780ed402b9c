"""What a batch analyses: video files, folders, glob patterns and CSV lists, as :class:`VideoJob` s.

A CSV list has a ``video`` column (a path, relative to the CSV's folder, or
``sample:NAME``) and optional ``id``, ``exercise`` and ``reps`` (the true
count) columns; every other column is kept as metadata and copied into
``videos.csv``. Folders are searched recursively for video files; a glob
pattern (``clips/**/*.mp4``) is expanded. Each video gets an id, its file
name without the suffix, made unique (with a short hash of its path) when two
inputs share a name; the id names its output sub-folder, so it must be the
same on a re-run for the run to resume.
"""

from __future__ import annotations

import glob
import hashlib
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.errors import ConfigError, InputError
from ...exercises import check_exercise_name
from ...io.media import VIDEO_SUFFIXES

LIST_SUFFIXES = (".csv",)
"""Inputs with these suffixes are lists of videos, not videos."""

LIST_COLUMNS = ("video", "id", "exercise", "reps")
"""The columns of a CSV list that formlab reads; ``video`` is required."""

RESERVED_COLUMNS = (
    "video_id",
    "path",
    "sha256",
    "exercise_requested",
    "true_reps",
    "status",
    "error",
    "warnings",
    "seconds",
    "output",
)
"""Columns of ``videos.csv`` that a CSV list may not also bring as metadata."""

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class VideoJob:
    """One video of a batch, as the inputs describe it.

    Attributes
    ----------
    video_id : str
        Unique within the batch; names the output sub-folder.
    path : Path
        The video file, absolute (a CSV list's missing one becomes a ``failed`` row).
    exercise : str
        The lift to count (``"auto"``: the one formlab recognises).
    true_reps : float
        The true rep count from a CSV list, NaN when not given.
    metadata : dict
        The CSV list's other columns for this video.
    """

    video_id: str
    path: Path
    exercise: str
    true_reps: float = math.nan
    metadata: Mapping[str, Any] = field(default_factory=dict)


def collect_videos(inputs: Sequence[str | os.PathLike], exercise: str = "auto") -> list[VideoJob]:
    """The videos named by ``inputs`` (files, folders, glob patterns, CSV lists), in input order.

    Parameters
    ----------
    inputs : sequence of str or path
        Video files, folders (searched recursively), glob patterns,
        ``sample:NAME``, or ``.csv`` lists (see the module's docstring). A
        file or folder named here that does not exist is an error, as a
        pattern that matches nothing is (a typo stops the batch before it
        writes anything); a missing video in a CSV list becomes a ``failed``
        row, and the others go on.
    exercise : str
        The lift of videos whose CSV row does not name one.

    Returns
    -------
    list of VideoJob
        One per distinct file (the first mention wins).

    Raises
    ------
    InputError
        No input at all, a missing file or folder, a folder or pattern without videos, or an
        unreadable CSV list.
    ConfigError
        An unknown exercise, or a CSV list with a bad column or value (naming the file, row and column).
    """
    default = check_exercise_name(exercise)
    if not inputs:
        raise InputError("no input: give video files, folders, glob patterns or a CSV list")
    entries: list[tuple[Path, str, float, dict[str, Any], str | None]] = []
    for item in inputs:
        text = os.fspath(item)
        if Path(text).suffix.lower() in LIST_SUFFIXES:
            entries += _read_list(Path(text), default)
        else:
            entries += [(p, default, math.nan, {}, None) for p in _expand(text)]
    seen: set[Path] = set()
    unique = []
    for entry in entries:
        key = entry[0].resolve()
        if key not in seen:
            seen.add(key)
            unique.append(entry)
    ids = _video_ids([(p, given) for p, _, _, _, given in unique])
    return [  # absolute paths: a worker (a Dask worker) may run in another folder
        VideoJob(video_id=i, path=p.absolute(), exercise=ex, true_reps=reps, metadata=meta)
        for i, (p, ex, reps, meta, _) in zip(ids, unique)
    ]


def _expand(text: str) -> list[Path]:
    """A video path, the videos of a folder, or the videos a glob pattern matches (sorted)."""
    if text.startswith("sample:"):
        from ...io.samples import fetch

        return [fetch(text[len("sample:") :])]
    path = Path(text)
    if path.is_dir():
        found = _videos_in(path.rglob("*"))
        if not found:
            raise InputError(
                f"{path}: no video files in this folder (looked for {', '.join(sorted(VIDEO_SUFFIXES))})"
            )
        return found
    if not path.exists() and glob.has_magic(text):
        found = _videos_in(Path(p) for p in glob.glob(text, recursive=True))
        if not found:
            raise InputError(f"{text}: the pattern matches no video file")
        return found
    if not path.exists():  # a typo: stop before any output folder is made, as for a pattern
        raise InputError(f"{text}: no such file or folder")
    return [path]


def _videos_in(paths: Iterable[Path]) -> list[Path]:
    return sorted(
        p
        for p in paths
        if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES and not p.name.startswith(".")
    )


def _read_list(
    path: Path, default: str
) -> list[tuple[Path, str, float, dict[str, Any], str | None]]:
    """The rows of a CSV list: (path, exercise, true reps, metadata, given id)."""
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a readable CSV list ({e})") from None
    table.columns = [str(c).strip() for c in table.columns]
    if "video" not in table.columns:
        raise ConfigError(
            f"{path}: a list of videos needs a 'video' column; found: {', '.join(table.columns)}"
        )
    clash = [c for c in table.columns if c in RESERVED_COLUMNS]
    if clash:
        raise ConfigError(
            f"{path}: column(s) {', '.join(clash)} are names of formlab's own columns in "
            f"videos.csv; rename them"
        )
    if table.empty:
        raise InputError(f"{path}: the list has no videos")
    out = []
    for n, row in enumerate(table.to_dict("records"), start=2):  # line 1 is the header
        where = f"{path}: line {n}"
        video = row["video"].strip()
        if not video:
            raise ConfigError(f"{where}: empty 'video'")
        if video.startswith("sample:"):
            file = _expand(video)[0]
        else:
            file = Path(video) if Path(video).is_absolute() else path.parent / video
        exercise = row.get("exercise", "").strip() or default
        try:
            exercise = check_exercise_name(exercise)
        except ConfigError as e:
            raise ConfigError(f"{where}: {e}") from None
        meta = {str(k): v for k, v in row.items() if k not in LIST_COLUMNS}
        given_id: str | None = str(row.get("id", "")).strip() or None
        out.append((file, exercise, _true_reps(row.get("reps", ""), where), meta, given_id))
    return out


def _true_reps(text: str, where: str) -> float:
    """The ``reps`` cell: a whole number of reps, or NaN when empty."""
    text = text.strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ConfigError(f"{where}: reps = {text!r} is not a whole number of reps (0 or more)")
    return value


def _video_ids(items: Sequence[tuple[Path, str | None]]) -> list[str]:
    """Ids: the given one, else the file's stem; stems shared by several files get a hash of the path."""
    given = [g for _, g in items if g]
    dupes = sorted({g for g in given if given.count(g) > 1})
    if dupes:
        raise ConfigError(f"video ids must be unique; repeated: {', '.join(dupes)}")
    stems = [_ID_UNSAFE.sub("_", p.stem) or "video" for p, _ in items]
    ids = []
    for (p, g), stem in zip(items, stems):
        if g:
            ids.append(_ID_UNSAFE.sub("_", g))
        elif stems.count(stem) > 1 or stem in given:
            digest = hashlib.sha256(str(p.resolve()).encode()).hexdigest()[:8]
            ids.append(f"{stem}-{digest}")
        else:
            ids.append(stem)
    return ids
