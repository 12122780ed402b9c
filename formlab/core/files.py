"""Small file helpers shared by the modules that read and write files."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

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
    r"""Git's object id of a file (``sha1("blob <size>\0" + bytes)``), to verify files known only by blob id."""
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
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give the name of a file to write")
    _remove_dead_parts(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}-", suffix=".part" + path.suffix, dir=path.parent
        )
    except OSError as e:
        raise OutputError(
            f"{path}: the folder {path.parent} is not writable ({e.strerror})"
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as e:  # disk full, read-only, permissions: the writer's own error says less
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror or e})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_dead_parts(path: Path) -> None:
    """Remove the temporary files of ``path`` left by processes that no longer exist.

    A run killed outright (``kill -9``) while writing cannot remove its
    ``.<name>.<pid>-XXXX.part<suffix>`` file; the next writer of the same file does.
    """
    head = f".{path.name}."
    for old in path.parent.glob(f"{glob_escape(head)}*.part{glob_escape(path.suffix)}"):
        pid = old.name[len(head) :].split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            old.unlink(missing_ok=True)


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters escaped, for a literal match in ``Path.glob``."""
    import glob

    return glob.escape(text)


_COMPLETED: list[Path] = []


def note_completed(path: Path) -> None:
    """Record that ``path`` now holds a command's complete result (for what an interruption reports).

    :func:`swap_in` records its folder itself: an interruption held during the
    swap takes effect right after it, before the caller could say anything.
    """
    _COMPLETED.append(Path(path))


def completed_outputs() -> list[Path]:
    """Results moved into place since the last :func:`forget_completed` (the CLI calls it per run).

    An interruption (Ctrl-C) that arrives after them did not cost the run: the
    CLI says the results are complete instead of "nothing was written".
    """
    return list(_COMPLETED)


def forget_completed() -> None:
    """Start a new record for :func:`completed_outputs`."""
    _COMPLETED.clear()


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


# --------------------------------------------------------------------------- output folders
STAGING_PREFIX = ".formlab-run-"
"""Hidden folders inside an output folder where a run writes before its results are swapped in
(``.formlab-run-<pid>-...``); one left by a process that no longer exists is removed by the next run."""


def staging_folder(folder: Path) -> Path:
    """A new hidden staging folder inside ``folder``, after removing those of dead processes.

    A run killed outright (SIGKILL, out of memory, power loss) cannot clean
    up; its folder, named with its process id, is removed here instead.
    """
    import shutil

    for old in folder.glob(f"{STAGING_PREFIX}*"):
        pid = old.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or cannot tell: leave its folder alone
    return True


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM that arrive inside the block take effect right after it (POSIX, main thread).

    For the few renames that must happen all together: an interruption in
    their middle would leave a folder half old, half new.
    """
    import signal
    import threading

    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def swap_in(
    staging: Path, folder: Path, replaced: Iterable[str] = (), last: str | None = None
) -> None:
    """Move everything in ``staging`` into ``folder``, all or nothing.

    Files and folders of ``folder`` with the names in ``replaced``, or with the
    name of a new entry, are first moved aside; then the new entries are moved
    in (``last`` at the end: its presence says the rest is there). If any step
    fails, what was moved in is removed and what was moved aside put back, so
    ``folder`` is as before; then :class:`OutputError` is raised. Interruptions
    wait until the swap is over (:func:`signals_held`).
    """
    import shutil

    new = sorted(staging.iterdir(), key=lambda p: p.name == last)
    aside = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-old-", dir=folder))
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        with signals_held():
            try:
                for name in sorted(set(replaced) | {p.name for p in new}):
                    old = folder / name
                    if old.exists() or old.is_symlink():
                        os.replace(old, aside / name)
                        moved_aside.append(name)
                for p in new:
                    os.replace(p, folder / p.name)
                    moved_in.append(p.name)
                note_completed(folder)
            except BaseException as e:
                for name in moved_in:
                    _remove(folder / name)
                for name in moved_aside:
                    os.replace(aside / name, folder / name)
                if isinstance(e, OSError):
                    raise OutputError(
                        f"{folder}: cannot move the new results into place "
                        f"({e.strerror or e}); the folder is as it was"
                    ) from None
                raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def json_float(v: float) -> float | None:
    """A float for JSON: rounded to 6 decimals, None for NaN or infinity (JSON has neither)."""
    return None if v is None or not math.isfinite(float(v)) else round(float(v), 6)


def json_default(o: Any) -> Any:
    """``json.dumps``' ``default``: NumPy numbers and arrays, tuples and paths as JSON values."""
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return json_float(float(o))
    if isinstance(o, (np.ndarray, tuple)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot write {type(o).__name__} to JSON")
