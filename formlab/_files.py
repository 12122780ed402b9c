"""Small file helpers shared by the modules that read and write files."""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import OutputError

_CHUNK = 1 << 20

CSV_FLOAT_FORMAT = "%.6g"
"""How the result tables (``feedback.csv``, ``reps.csv``) write floats: 6 significant digits.

The values are measurements from pose landmarks, uncertain by a degree or a
few hundredths of a ratio; printing 17 digits (every bit of the float) shows
only noise and makes the files hard to read. Six digits keep 1 ms of
``time_s`` up to 999 s and 0.01 px up to 9999 px. Integer columns (frames,
rep numbers) are not floats and are written as integers. The pose track
(``pose.csv``) keeps full precision: it is data to be read back and reused.
"""


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file's bytes, read in 1 MiB chunks (memory stays flat)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def git_blob_sha1(path: str | os.PathLike) -> str:
    """Git's object id of a file (``sha1("blob <size>\\0" + bytes)``), to verify files known only by blob id."""
    size = os.path.getsize(path)
    h = hashlib.sha1(f"blob {size}\0".encode())
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)``, then move the temporary file onto ``path``.

    The temporary file lives in the same folder (so the move is atomic) and
    is removed if ``write`` fails or is interrupted (Ctrl-C included): a
    reader sees either the old file, the complete new one, or nothing.
    """
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Context-manager form of :func:`atomic_write`: yields a temporary path to write to."""
    path = Path(path)
    check_writable_dir(path.parent, for_file=path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part" + path.suffix, dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path}: the folder {path.parent} is not writable ({e.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except PermissionError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable_dir(folder: Path, for_file: Path | None = None) -> None:
    """Raise :class:`OutputError` naming the file if ``folder`` is missing or read-only."""
    what = for_file if for_file is not None else folder
    if not folder.is_dir():
        raise OutputError(f"{what}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: the folder {folder} is not writable")


def ensure_dir(folder: str | os.PathLike) -> Path:
    """Create ``folder`` (and parents) or raise :class:`OutputError` saying why not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{folder}: cannot create the folder ({e.strerror})") from None
    check_writable_dir(folder)
    return folder
