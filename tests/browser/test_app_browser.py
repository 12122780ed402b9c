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
import time
import zipfile
from pathlib import Path

import pytest
from support.app_harness import app_folders, start_app, stop_app
from support.browser_harness import browser, test_output_dir  # noqa: F401  (fixtures)

from formlab.io.samples import fetch, sample_info

pytestmark = [pytest.mark.browser, pytest.mark.media]

CLIP = "tfjs-models__pose_squats"
"""The shortest example clip with a hand-counted rep count (65 frames, 3 squats)."""
RESULT_TIMEOUT_MS = 300_000
DESKTOP, PHONE = (1366, 768), (390, 844)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("app-work")
    server = start_app(work, "--cache")
    assert server.url in server.log.read_text(), server.log_tail()  # the address it printed
    try:
        yield server
    finally:
        assert stop_app(server) == 0, server.log_tail()  # Ctrl-C is how it stops: no error
        assert "formlab app: stopped" in server.log.read_text()
        # the server's temporary folder (notebook copy, session folders) is gone with it
        assert not app_folders(work), server.log_tail()


def _wait_result(page) -> str:
    page.locator(".formlab-count").wait_for(timeout=RESULT_TIMEOUT_MS)
    return page.locator(".formlab-count").inner_text().strip()


def _screenshots(page, size: tuple[int, int], out: Path, name: str) -> None:
    """``name_WxH.png``: the screen at that size; ``name_WxH_full.png``: the whole page at that width.

    Voila scrolls the page inside its own container, which a full-page
    screenshot does not follow: the full one is taken in a window as tall as the page.
    """
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"{name}_{size[0]}x{size[1]}.png"))
    height = page.evaluate("() => document.querySelector('.formlab-app').scrollHeight")
    page.set_viewport_size({"width": size[0], "height": int(height) + 120})
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"{name}_{size[0]}x{size[1]}_full.png"))
    page.set_viewport_size({"width": size[0], "height": size[1]})


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

        # --- a good upload: progress, count, verdicts, video, figures
        page.evaluate(
            """() => {
                window.formlabStatus = [];
                new MutationObserver(() => {
                    const s = document.querySelector('.formlab-status');
                    const text = s ? s.innerText.trim() : '';
                    if (text && window.formlabStatus.at(-1) !== text) window.formlabStatus.push(text);
                }).observe(document.body, {subtree: true, childList: true, characterData: true});
            }"""
        )
        _upload(page, clip)
        headline = _wait_result(page)
        shown = page.evaluate("() => window.formlabStatus")
        # the stages pass by in order (short ones may be drawn over before the page paints them)
        for words in ("Writing the annotated video", "Done in"):
            assert any(t.startswith(words) for t in shown), shown
        assert len(shown) >= 4 and shown[-1].startswith("Done in"), shown
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
        _screenshots(page, DESKTOP, test_output_dir, "app")

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
        _screenshots(page, PHONE, test_output_dir, "app")
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
        page.screenshot(path=str(test_output_dir / "app_error_1366x768.png"))

        # --- a phone video over the size limit (2 GiB, sparse: no disk used): refused from its size
        huge = tmp_path / "phone.mov"
        with open(huge, "wb") as f:
            f.truncate(2 * 1024**3)
        _upload(page, huge)
        page.locator(".formlab-error", has_text="phone.mov").wait_for(timeout=60_000)
        line = page.locator(".formlab-error").inner_text().strip()
        assert "over the app's upload limit" in line and "\n" not in line, line

        # --- and the app still works
        _upload(page, clip)
        assert _wait_result(page).startswith(f"{expected} reps")
        assert page.locator(".formlab-error").count() == 0

        # --- closing the page ends the session: its folder goes
        sessions = [p for f in app_folders(app_server.work) for p in (f / "sessions").iterdir()]
        assert len(sessions) == 1, sessions
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 60
        while sessions[0].exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not sessions[0].exists(), "the session folder outlived its page"
    finally:
        context.close()
