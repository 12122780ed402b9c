"""The formlab app in Debian's Chromium: upload a clip, read the result, download it, survive bad input.

Starts ``formlab app --no-browser --port P --cache`` (the pose cache of
``$FORMLAB_CACHE_DIR`` spares the pose inference on a clip seen before), and
drives the page as a coach would: the shortest sample clip with a known rep
count is uploaded through the page's file button, the rep count, the verdict
tables and the playing video are checked, the zip is downloaded and opened,
then a text file is uploaded (one error line, no traceback) and the clip
again (the app still works). Screenshots at 1366x768 and 390x844 go to
``tests/output/<module>/<test>/``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from support.browser_harness import (  # noqa: F401  (fixtures)
    REPO,
    browser,
    free_port,
    port_is_free,
    test_output_dir,
)

from formlab.io.samples import fetch, sample_info

pytestmark = [pytest.mark.browser, pytest.mark.media]

CLIP = "tfjs-models__pose_squats"
"""The shortest example clip with a hand-counted rep count (65 frames, 3 squats)."""
RESULT_TIMEOUT_MS = 300_000
DESKTOP, PHONE = (1366, 768), (390, 844)


class AppServer:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def start_app(work: Path) -> AppServer:
    port = free_port()
    assert port_is_free(port)
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
    log = work / "app.log"
    cmd = [sys.executable, "-m", "formlab", "app", "--no-browser", f"--port={port}", "--cache"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = AppServer(f"http://127.0.0.1:{port}/", proc, log)
    deadline = time.monotonic() + 120
    while "serving at" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_app(server)
            raise RuntimeError(f"formlab app did not start:\n{server.log_tail()}")
        time.sleep(0.3)
    assert server.url in log.read_text(), server.log_tail()
    return server


def stop_app(server: AppServer) -> int:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)  # Ctrl-C, as a user stops it
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    return server.process.returncode


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("app-work")
    server = start_app(work)
    try:
        yield server
    finally:
        stop_app(server)
        # the server's temporary folder (notebook copy, session folders) is gone with it
        assert not list(work.glob("formlab-app-*")), server.log_tail()


def _wait_result(page) -> str:
    page.locator(".formlab-count").wait_for(timeout=RESULT_TIMEOUT_MS)
    return page.locator(".formlab-count").inner_text().strip()


def _upload(page, path: Path) -> None:
    page.locator(".formlab-main-upload input[type=file]").set_input_files(str(path))


def test_app_analyses_an_upload_and_survives_bad_input(
    app_server, browser, test_output_dir, tmp_path
):
    clip = fetch(CLIP)
    expected = sample_info(CLIP)["reps"]
    context = browser.new_context(
        viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(app_server.url)
        page.locator(".formlab-main-upload input[type=file]").wait_for(state="attached")

        # --- a good upload: count, verdicts, video, figures
        _upload(page, clip)
        headline = _wait_result(page)
        assert headline.startswith(f"{expected} reps"), headline
        rep_rows = page.locator(".formlab-reps tbody tr")
        assert rep_rows.count() == expected
        verdict_tables = page.locator(".formlab-verdicts")
        assert verdict_tables.count() == expected  # one per rep
        assert page.locator(".formlab-verdicts .formlab-verdict").count() >= expected
        assert page.locator(".formlab-verdicts tbody tr").first.inner_text().strip()
        figures = page.locator("img.formlab-figure")
        assert figures.count() == 2
        assert page.evaluate(
            "() => [...document.querySelectorAll('img.formlab-figure')].every(i => i.naturalWidth > 0)"
        )
        video = page.locator("video.formlab-video")
        handle = video.element_handle()
        page.evaluate("v => { v.muted = true; return v.play(); }", handle)
        page.wait_for_function("v => v.currentTime > 0.2 || v.error !== null", arg=handle)
        state = page.evaluate(
            "v => ({t: v.currentTime, err: v.error && v.error.code, w: v.videoWidth})", handle
        )
        assert state["err"] is None and state["w"] > 0, state
        page.evaluate("v => v.pause()", handle)
        app = page.locator(".formlab-app")
        app.screenshot(path=str(test_output_dir / "app_1366x768.png"))

        # --- the zip holds every output
        with page.expect_download() as info:
            page.locator("a.formlab-download").click()
        zip_path = tmp_path / info.value.suggested_filename
        info.value.save_as(zip_path)
        with zipfile.ZipFile(zip_path) as zf:
            names = set(zf.namelist())
            summary = json.loads(zf.read("summary.json"))
        for name in ("summary.json", "reps.csv", "feedback.csv", "annotated.mp4", "bar_path.png"):
            assert name in names, sorted(names)
        assert summary["reps"] == expected

        # --- a phone's screen: the same page in one column, nothing wider than the screen
        page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        page.wait_for_timeout(500)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= PHONE[0] + 1, f"the page is {overflow} px wide on a {PHONE[0]} px screen"
        app.screenshot(path=str(test_output_dir / "app_390x844.png"))
        page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})

        # --- not a video: one readable line, the result gone, no traceback
        text = tmp_path / "notes.txt"
        text.write_text("three sets of five\n")
        _upload(page, text)
        error = page.locator(".formlab-error")
        error.wait_for(timeout=60_000)
        line = error.inner_text().strip()
        assert "notes.txt" in line and "\n" not in line, line
        assert page.locator(".formlab-count").count() == 0
        assert "Traceback" not in page.locator("body").inner_text()
        app.screenshot(path=str(test_output_dir / "app_error.png"))

        # --- and the app still works
        _upload(page, clip)
        assert _wait_result(page).startswith(f"{expected} reps")
        assert page.locator(".formlab-error").count() == 0
    finally:
        context.close()
