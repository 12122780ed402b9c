"""Driving JupyterLab in Debian's Chromium with Playwright: a reusable harness for the browser tests.

Recipe: ``../shared/recipes/browser-widget-tests.md``. Use from a test module::

    from support.browser_harness import lab_server, browser, LabNotebook, test_output_dir  # noqa: F401 (fixtures)

    def test_x(lab_server, browser, test_output_dir):
        nb = LabNotebook.open(browser, lab_server, "05_tuning.ipynb")
        nb.run_all()
        nb.screenshot(nb.outputs_with_images().first, test_output_dir / "plot.png")
        nb.press_slider(nb.sliders().nth(0), "ArrowRight", times=3)
        nb.wait_idle()
        nb.play_video(nb.notebook.locator(".jp-OutputArea-output video").first)

Fixtures
--------
``lab_server`` (module scope)
    JupyterLab on 127.0.0.1 (free port, random token) serving a temporary
    copy of ``notebooks/``: Lab autosaves into the files it serves, and the
    committed notebooks must stay without outputs. Its kernels import this
    checkout (``PYTHONPATH``) and write figures into ``lab_server.figures``.
    Config, runtime, IPython, settings and workspace folders are temporary
    too; the "news" toast is switched off and cells are not windowed (so
    every output is in the page). Stopped with SIGTERM (kernels with it).
``browser`` (module scope)
    Headless Chromium at ``$FORMLAB_CHROMIUM`` or ``/usr/bin/chromium``
    (Debian's package; never ``playwright install``). If it is missing the
    test fails saying to install it (``make browser`` or ``.ci/run`` does).
    A module that needs other flags (a fake camera: :func:`fake_camera_flags`)
    makes its own fixture with :func:`launch_chromium`.
``test_output_dir``
    ``tests/output/<test module>/<test name>/``: screenshots to look at.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FORMLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 90
RUN_ALL_TIMEOUT_S = 600
KERNEL_READY_TIMEOUT_S = 120


# ------------------------------------------------------------------- server
def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    figures: Path
    log: Path
    process: subprocess.Popen

    def tree_url(self, notebook: str) -> str:
        """Address that opens ``notebook`` in a fresh workspace (``?reset``: no restored tabs)."""
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def _write_lab_settings(settings: Path) -> None:
    files = {
        # The "Would you like to get notified about official Jupyter news?" toast covers the page.
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
        # Render every cell (Lab 4 windows long notebooks: off-screen outputs would be missing).
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, content in files.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


def start_lab(root: Path, work: Path, *, env_extra: dict[str, str] | None = None) -> LabServer:
    """Start JupyterLab serving ``root``; its private folders live in ``work``. Fails fast with the log."""
    port = free_port()
    if not port_is_free(port):  # a leftover server would be tested instead of ours
        raise RuntimeError(f"port {port} is taken")
    token = secrets.token_hex(16)
    for sub in ("config", "runtime", "ipython", "settings", "workspaces", "data"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    _write_lab_settings(work / "settings")
    figures = work / "figures"
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(work / "config"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            "IPYTHONDIR": str(work / "ipython"),
            "PYTHONPATH": os.pathsep.join(
                [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "FORMLAB_FIGURES_DIR": str(figures),
        }
    )
    env.pop("MPLBACKEND", None)
    env.update(env_extra or {})
    log = work / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={work / 'settings'}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LabServer(f"http://127.0.0.1:{port}", token, root, figures, log, proc)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_lab(server)
            raise RuntimeError(
                f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}"
            )
        time.sleep(0.5)


def stop_lab(server: LabServer) -> None:
    """SIGTERM the server (it shuts its kernels down), then SIGKILL its process group if it hangs."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab serving a temporary copy of notebooks/ (see the module docstring)."""
    root = tmp_path_factory.mktemp("lab-root")
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        shutil.copyfile(nb, root / nb.name)
    server = start_lab(root, tmp_path_factory.mktemp("lab-work"))
    try:
        yield server
    finally:
        stop_lab(server)


# ------------------------------------------------------------------ browser
@contextmanager
def launch_chromium(extra_args: Sequence[str] = ()) -> Iterator:
    """Headless Debian Chromium with :data:`CHROMIUM_FLAGS` plus ``extra_args`` (e.g. a fake camera)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            f"(`make browser`, or apt-get install chromium); never `playwright install`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_FLAGS, *extra_args]
        )
        try:
            yield b
        finally:
            b.close()


def fake_camera_flags(y4m: Path | None = None) -> list[str]:
    """Chromium flags for a fake camera allowed without a prompt (and sound without a gesture).

    With ``y4m`` (raw YUV4MPEG2) the camera plays that file in a loop; without,
    Chromium's own moving test pattern.
    """
    flags = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
    ]
    return flags if y4m is None else [*flags, f"--use-file-for-fake-video-capture={y4m}"]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (one per test module)."""
    with launch_chromium() as b:
        yield b


@pytest.fixture
def test_output_dir(request) -> Path:
    """``tests/output/<module>/<test>/``, emptied at the start of the test."""
    out = REPO / "tests" / "output" / request.node.module.__name__ / request.node.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


# ------------------------------------------------------------------- notebook
class LabNotebook:
    """One notebook open in JupyterLab, in its own browser context (fresh storage)."""

    def __init__(self, page, server: LabServer, name: str):
        self.page, self.server, self.name = page, server, name

    @classmethod
    def open(cls, browser, server: LabServer, name: str, *, viewport=(1400, 1000)) -> LabNotebook:
        """Open ``name`` and wait until its kernel is attached and idle (Run All does nothing before that)."""
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.tree_url(name))
        nb = cls(page, server, name)
        nb.wait_kernel_ready()
        return nb

    def close(self) -> None:
        self.page.context.close()

    # -- state
    @property
    def notebook(self):
        """The open notebook panel's cell list."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")

    def kernel_state(self) -> dict:
        """Kernel name and status as the notebook's toolbar shows them (for waits and error messages)."""
        return self.page.evaluate(
            """() => {
                const k = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
                const s = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                return {kernel: k ? k.textContent.trim() : null, status: s ? s.getAttribute('data-status') : null,
                        dialog: document.querySelector('.jp-Dialog') ? document.querySelector('.jp-Dialog').innerText
                                : null};
            }"""
        )

    def wait_kernel_ready(self, timeout_s: float = KERNEL_READY_TIMEOUT_S) -> None:
        """Until the toolbar names a Python kernel and shows it idle; on time-out, fail saying what it shows."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        try:
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=timeout_s * 1000)
            page.wait_for_function(
                """() => {
                    const k = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
                    const s = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                    return k && /Python/.test(k.textContent) && s && s.getAttribute('data-status') === 'idle';
                }""",
                timeout=timeout_s * 1000,
                polling=250,
            )
        except PlaywrightTimeout:
            raise AssertionError(
                f"{self.name}: kernel not ready after {timeout_s:.0f} s; page shows "
                f"{self.kernel_state()}; server log:\n{self.server.log_tail(15)}"
            ) from None

    def prompts(self) -> list[str]:
        """Input prompts of the code cells, e.g. ``['[1]:', '[*]:', '[ ]:']``."""
        return self.notebook.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()

    def wait_all_executed(self, timeout_s: float = RUN_ALL_TIMEOUT_S) -> None:
        """Until every code cell shows an execution number and the kernel is idle.

        The idle indicator alone is not enough: it flickers to idle between
        queued cells.
        """
        self.page.wait_for_function(
            """() => {
                const ps = [...document.querySelectorAll(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
                const s = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                return ps.length > 0 && ps.every(p => /\\[\\d+\\]/.test(p.textContent))
                       && s && s.getAttribute('data-status') === 'idle';
            }""",
            timeout=timeout_s * 1000,
            polling=500,
        )

    def wait_idle(self, timeout_s: float = 60) -> None:
        """Until no cell is queued or running (``[*]``) and the kernel is idle (after a widget change)."""
        self.page.wait_for_function(
            """() => {
                const ps = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
                const s = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                return !ps.some(p => p.textContent.includes('*')) && s && s.getAttribute('data-status') === 'idle';
            }""",
            timeout=timeout_s * 1000,
            polling=200,
        )

    # -- actions
    def run_all(self, timeout_s: float = RUN_ALL_TIMEOUT_S) -> float:
        """Run > Run All Cells from the menu, wait until every cell ran; return the seconds it took."""
        page = self.page
        self.notebook.locator(".jp-Cell .jp-InputArea-prompt").first.click()
        t0 = time.monotonic()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self.wait_all_executed(timeout_s)
        return time.monotonic() - t0

    def press_slider(self, slider, key: str = "ArrowRight", times: int = 1) -> None:
        """Focus an ipywidgets slider's handle and press ``key`` (works in JupyterLab, not in Notebook 7)."""
        handle = slider.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(times):
            handle.press(key)

    # -- finding things
    def outputs(self):
        return self.notebook.locator(".jp-OutputArea-output")

    def output_images(self):
        """Rendered image outputs (inline PNG plots)."""
        return self.notebook.locator(".jp-OutputArea-output img")

    def sliders(self):
        return self.notebook.locator(".widget-slider")

    def slider_readout(self, slider) -> str:
        """The number shown beside a slider (Unicode minus turned into '-')."""
        return slider.locator(".widget-readout").inner_text().replace("\u2212", "-").strip()

    def error_texts(self) -> list[str]:
        """Text of outputs that hold a Python traceback."""
        return [t for t in self.outputs().all_inner_texts() if "Traceback" in t]

    def play_video(self, video, min_time_s: float = 0.2, timeout_s: float = 30) -> dict:
        """Start an inline ``<video>`` (muted, as autoplay rules want) and wait until it has played a while.

        Returns ``{"duration", "currentTime", "readyState", "videoWidth", "error"}`` as the browser
        reports them; fails if playback does not advance past ``min_time_s`` (e.g. a codec the
        browser cannot decode, such as the mp4v the article writes).
        """
        video.scroll_into_view_if_needed()
        handle = video.element_handle()
        self.page.evaluate("v => { v.muted = true; return v.play(); }", handle)
        self.page.wait_for_function(
            "([v, t]) => v.currentTime > t || v.error !== null",
            arg=[handle, min_time_s],
            timeout=timeout_s * 1000,
            polling=100,
        )
        state = self.page.evaluate(
            """v => ({duration: v.duration, currentTime: v.currentTime, readyState: v.readyState,
                      videoWidth: v.videoWidth, error: v.error ? v.error.code : null})""",
            handle,
        )
        assert state["error"] is None, f"the video failed to play: MediaError code {state['error']}"
        return state

    def screenshot(self, locator, path: Path) -> Path:
        """Screenshot one element (scrolled into view first): full-page shots miss scrolled output."""
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(path))
        return path
