"""Starting and stopping ``formlab app`` for the browser test and the app benchmark.

``start_app(work)`` runs ``python -m formlab app --no-browser --port P`` with
Jupyter's and the app's temporary folders inside ``work`` (``TMPDIR``), waits
for the line that gives the address, and fails fast with the server's log.
``stop_app`` sends Ctrl-C, as a user stops it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from support.browser_harness import REPO, free_port, port_is_free
from support.signals import sigint_as_in_a_terminal

START_TIMEOUT_S = 120


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path
    work: Path

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def start_app(work: Path, *extra_args: str, env_extra: dict[str, str] | None = None) -> AppServer:
    """``formlab app --no-browser --port P [extra_args]``, its temporary folders under ``work``."""
    port = free_port()
    if not port_is_free(port):  # a leftover server would be tested instead of ours
        raise RuntimeError(f"port {port} is taken")
    for sub in ("config", "runtime", "ipython", "data"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(work / "config"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            "IPYTHONDIR": str(work / "ipython"),
            "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])]),
            "TMPDIR": str(work),  # the app's temporary folder, checked after it stops
        }
    )
    env.update(env_extra or {})
    log = work / "app.log"
    cmd = [sys.executable, "-m", "formlab", "app", "--no-browser", f"--port={port}", *extra_args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=sigint_as_in_a_terminal,  # stop_app's Ctrl-C must reach it
        )
    server = AppServer(f"http://127.0.0.1:{port}/", proc, log, work)
    deadline = time.monotonic() + START_TIMEOUT_S
    while "serving at" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_app(server)
            raise RuntimeError(f"formlab app did not start:\n{server.log_tail()}")
        time.sleep(0.3)
    return server


def stop_app(server: AppServer) -> int | None:
    """Ctrl-C, then SIGKILL of the process group if it hangs; the exit status.

    The app gives Voila 20 s to shut its kernels down before killing it (formlab.app.server):
    the wait here is longer, so that only an app that does not stop at all is killed.
    """
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    return server.process.returncode


def app_folders(work: Path) -> list[Path]:
    """The app's temporary folders left in ``work`` (none once it has stopped)."""
    return sorted(work.glob("formlab-app-*"))
