"""``formlab app``'s server: Voila serving the app's one-cell notebook, on this machine by default.

:func:`serve` makes a temporary folder holding a copy of the notebook
(``formlab_app.ipynb``, package data) and the sessions' folders, starts Voila
on it, prints the address, and removes the folder when the server stops.
Voila runs one kernel per page load; :mod:`formlab.app.session` gives each a
folder, removed when the page is closed.

Voila serves files of the folder under ``voila/files/`` only when they match
its allow-list: here, only the results in a session's run folder (the
annotated video, the figures, the zip), under a random name.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..core.errors import ConfigError
from .session import CACHE_ENV, FILES_URL_ENV, MAX_UPLOAD_ENV, SESSIONS_DIR_ENV

APP_NOTEBOOK = Path(__file__).with_name("formlab_app.ipynb")
"""The notebook Voila serves: one cell, ``formlab.app.show()``."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
"""Voila's own default port."""
SESSIONS = "sessions"
SERVED_FILES = r"sessions/[0-9a-f]{32}/run-[0-9]+/(results/[^/]+\.(mp4|png)|[^/]+\.zip)"
"""The only files the server hands out: a session's annotated video, figures and zip (not the upload)."""
IDLE_KERNEL_TIMEOUT_S = 900
"""A page closed without telling the server (a phone's browser killed in the background) leaves
its kernel: after 15 minutes idle with no page connected, the server shuts it down (its session
folder goes with it)."""
START_TIMEOUT_S = 120
VOILA_CONFIG = {"Voila": {"tornado_settings": {"disable_check_xsrf": True}}}
"""Written as ``voila.json`` beside the notebook (Voila reads it from its working folder). Voila's
page asks the server to shut its kernel down when it is closed, with a POST that carries no XSRF
token, which jupyter_server 2 refuses (403): the kernel, and the session folder, then lived on until
culled. The XSRF check is off so that closing the page ends the session at once; the only POST the
app serves is that shutdown, of a kernel named by a random id only its page knows."""


def port_is_free(host: str, port: int) -> bool:
    """Whether ``port`` can be listened on at ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def voila_command(notebook: Path, host: str, port: int) -> list[str]:
    """The command that serves ``notebook`` with the app's settings (Voila opens no browser: we do)."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--no-browser",
        "--theme=light",
        f"--VoilaConfiguration.file_allowlist={SERVED_FILES}",
        f"--MappingKernelManager.cull_idle_timeout={IDLE_KERNEL_TIMEOUT_S}",
        "--MappingKernelManager.cull_interval=60",
        "--Voila.log_level=WARN",
    ]


def app_urls(host: str, port: int) -> list[str]:
    """The addresses to open: this machine's, and for ``0.0.0.0`` the network one too."""
    if host in ("0.0.0.0", "::", ""):
        urls = [f"http://127.0.0.1:{port}/"]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(
                    ("192.0.2.1", 9)
                )  # no packet is sent: this only picks the outgoing address
                urls.append(f"http://{s.getsockname()[0]}:{port}/")
        except OSError:
            pass
        return urls
    return [f"http://{host}:{port}/"]


def _wait_ready(host: str, port: int, process: subprocess.Popen) -> None:
    address = ("127.0.0.1" if host in ("0.0.0.0", "") else host, port)
    url = f"{address[0]}:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(
                f"the app's server stopped at start (exit status {process.returncode})"
            )
        try:
            with socket.create_connection(address, timeout=2):
                return  # listening: Voila opens its port once it is ready to serve
        except OSError:
            time.sleep(0.3)
    raise ConfigError(f"the app's server did not answer at {url} within {START_TIMEOUT_S} s")


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    open_browser: bool = True,
    max_upload_mb: float = 1024,
    cache: bool = False,
) -> int:
    """Serve the app until interrupted; the server's exit status.

    Raises
    ------
    ConfigError
        Voila is not installed, the port is taken, or the server did not start.
    """
    if importlib.util.find_spec("voila") is None:
        raise ConfigError("formlab app needs Voila: pip install 'formlab[app]'")
    if not 0 < port < 65536:
        raise ConfigError(f"--port {port} is not a port number (1-65535)")
    if not max_upload_mb > 0:
        raise ConfigError(f"--max-upload-mb {max_upload_mb} must be a positive number of MiB")
    if not port_is_free(host, port):
        raise ConfigError(f"{host}:{port} is in use (another server?); choose a port with --port")
    work = Path(tempfile.mkdtemp(prefix="formlab-app-"))
    process = None
    try:
        notebook = work / "formlab.ipynb"
        shutil.copyfile(APP_NOTEBOOK, notebook)
        (work / "voila.json").write_text(json.dumps(VOILA_CONFIG))
        (work / SESSIONS).mkdir()
        env = {
            **os.environ,
            SESSIONS_DIR_ENV: str(work / SESSIONS),
            FILES_URL_ENV: f"voila/files/{SESSIONS}",
            MAX_UPLOAD_ENV: str(max_upload_mb),
            CACHE_ENV: "1" if cache else "0",
        }
        env.pop("MPLBACKEND", None)  # the kernels draw off screen
        process = subprocess.Popen(voila_command(notebook, host, port), env=env, cwd=work)
        urls = app_urls(host, port)
        _wait_ready(host, port, process)
        print(f"formlab app: serving at {' and '.join(urls)} (Ctrl-C to stop)", flush=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(
                "formlab app: warning: anyone who can reach this machine can use the app and see "
                "its results; there is no login",
                file=sys.stderr,
                flush=True,
            )
        if open_browser:
            import webbrowser

            webbrowser.open(urls[0])
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl-C: how a server is meant to stop, not an error
            print("formlab app: stopped; its temporary files are removed", flush=True)
            return 0
    finally:
        if process is not None and process.poll() is None:
            process.terminate()  # Voila shuts its kernels down on SIGTERM
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)
