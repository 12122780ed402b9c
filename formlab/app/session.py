"""One browser session of the app: its temporary folder, its limits, and their clean-up.

Every page the app serves runs in its own Jupyter kernel (Voila starts one
per page load), and that kernel is the session. Uploads and results are
written into one folder per session, ``<sessions>/<random name>/``, and
nowhere else: the folder is removed when the kernel ends (the page closed:
Voila shuts the kernel down on the page's ``beforeunload``), and a folder
whose kernel was killed before it could clean up is removed by the next
session to start, or by ``formlab app`` itself when it stops.

The app's settings reach the kernel as environment variables set by
``formlab app`` (:mod:`formlab.app.server`), so that the notebook the kernel
runs stays a single call.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfigError

SESSIONS_DIR_ENV = "FORMLAB_APP_SESSIONS"
"""The folder holding every session's folder (set by ``formlab app``; default: a temporary one)."""
FILES_URL_ENV = "FORMLAB_APP_FILES_URL"
"""The address under which the server serves the sessions folder's files (Voila's ``voila/files/...``)."""
MAX_UPLOAD_ENV = "FORMLAB_APP_MAX_UPLOAD_MB"
"""The upload size limit in MiB (``formlab app --max-upload-mb``)."""
CACHE_ENV = "FORMLAB_APP_CACHE"
"""``1``: reuse and store pose tracks in formlab's cache (``formlab app --cache``); default off."""

MAX_UPLOAD_MB_DEFAULT = 1024
"""The default upload limit, 1 GiB: a phone's 4K minute is about 350-400 MB, its 1080p minute
about 100-130 MB, so a set of a few minutes fits; a larger file would take longer to analyse on a
laptop than a coach waits for (pose inference runs at tens of frames per second)."""
MAX_THRESHOLDS_BYTES = 1024 * 1024
"""A thresholds file is a few kilobytes of TOML or JSON; anything over 1 MiB is not one."""

_PID_FILE = ".pid"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class AppSettings:
    """What ``formlab app`` tells each session (read from the environment by :meth:`from_env`).

    Attributes
    ----------
    sessions_dir : Path
        Parent of the session folders.
    files_url : str or None
        The address of ``sessions_dir`` on the server (results are shown by
        address, so that a large video never travels through the kernel's
        websocket); None outside the server (unit tests, a plain notebook):
        results are then named by path only.
    max_upload_bytes : int
        Uploads larger than this are refused before any byte is sent.
    cache : bool
        Use formlab's pose-track cache (off by default: the app then writes
        nothing outside the session folder).
    background : bool
        Run analyses in a thread, so the page keeps answering (the app);
        False runs them in the caller's thread (tests, scripts).
    """

    sessions_dir: Path
    files_url: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_MB_DEFAULT * 1024 * 1024
    cache: bool = False
    background: bool = True

    @classmethod
    def from_env(cls) -> AppSettings:
        """The settings ``formlab app`` put in the environment; defaults for what it did not."""
        env = os.environ
        folder = env.get(SESSIONS_DIR_ENV) or str(Path(tempfile.gettempdir()) / "formlab-app")
        text = env.get(MAX_UPLOAD_ENV, str(MAX_UPLOAD_MB_DEFAULT))
        try:
            limit_mb = float(text)
        except ValueError:
            limit_mb = -1.0
        if not limit_mb > 0:
            raise ConfigError(f"{MAX_UPLOAD_ENV} = {text!r} is not a positive number of MiB")
        return cls(
            sessions_dir=Path(folder),
            files_url=env.get(FILES_URL_ENV) or None,
            max_upload_bytes=int(limit_mb * 1024 * 1024),
            cache=env.get(CACHE_ENV, "0") == "1",
        )


def safe_file_name(name: str, default: str = "upload") -> str:
    """A browser's file name as a plain file name: no folders, no odd characters, the suffix kept."""
    base = re.split(r"[\\/]", str(name))[-1].strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _SAFE_NAME.sub("_", stem).strip("._")[:80] or default
    suffix = _SAFE_NAME.sub("", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def _owner_alive(folder: Path) -> bool:
    try:
        pid = int((folder / _PID_FILE).read_text())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphans(sessions_dir: Path) -> list[Path]:
    """Remove session folders whose kernel is gone (killed before it could remove its own)."""
    removed: list[Path] = []
    if not sessions_dir.is_dir():
        return removed
    for folder in sessions_dir.iterdir():
        if folder.is_dir() and not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class SessionFolder:
    """The one folder a session writes into; removed by :meth:`close`, at the latest when Python exits.

    Parameters
    ----------
    settings : AppSettings
        Where session folders live and under which address they are served.

    Notes
    -----
    The folder's name is random (128 bits): the server serves the sessions
    folder's files by address, and one session must not be able to guess
    another's.
    """

    def __init__(self, settings: AppSettings):
        self.settings = settings
        settings.sessions_dir.mkdir(parents=True, exist_ok=True)
        sweep_orphans(settings.sessions_dir)
        self.path = settings.sessions_dir / secrets.token_hex(16)
        self.path.mkdir(mode=0o700)
        (self.path / _PID_FILE).write_text(str(os.getpid()))
        self._runs = 0
        atexit.register(self.close)

    def new_run(self) -> Path:
        """A fresh, empty sub-folder for one upload and its results (``run-1``, ``run-2``, ...)."""
        self._runs += 1
        run = self.path / f"run-{self._runs}"
        run.mkdir()
        return run

    def discard_runs(self, keep: Path | None = None) -> None:
        """Remove every run folder but ``keep``: a new result replaces the old one, files included."""
        for run in self.path.glob("run-*"):
            if run != keep:
                shutil.rmtree(run, ignore_errors=True)

    def url_of(self, path: Path) -> str | None:
        """The address the server serves ``path`` under, or None when it serves none."""
        if self.settings.files_url is None:
            return None
        rel = path.resolve().relative_to(self.settings.sessions_dir.resolve())
        return f"{self.settings.files_url.rstrip('/')}/{rel.as_posix()}"

    def close(self) -> None:
        """Remove the folder and everything in it (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        atexit.unregister(self.close)
