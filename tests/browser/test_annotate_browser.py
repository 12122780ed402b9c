"""The annotated MP4 plays in a real browser (headless Chromium), unlike the article's mp4v output.

Launch recipe: ../shared/recipes/browser-widget-tests.md (Debian's Chromium at
/usr/bin/chromium, driven by Playwright for Python; never ``playwright install``).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from formlab import evaluate_form
from formlab.io.media import iter_video_frames, probe_video
from formlab.viz.video import write_annotated_video

pytestmark = [pytest.mark.media, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SAMPLE = "tfjs-models__pose_squats"

STATE_JS = """() => { const v = document.querySelector('video');
  return {ready: v.readyState, duration: v.duration, width: v.videoWidth, height: v.videoHeight,
          error: v.error ? v.error.code : null, time: v.currentTime}; }"""


def page_for(video: Path) -> Path:
    html = video.with_suffix(".html")
    html.write_text(
        f'<!doctype html><html><body style="margin:0;background:#222">'
        f'<video src="{video.name}" muted playsinline width="360"></video></body></html>'
    )
    return html


def open_video(browser, video: Path):
    page = browser.new_page(viewport={"width": 400, "height": 680})
    page.goto(page_for(video).as_uri())
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v.readyState >= 1 || v.error; }",
        timeout=30_000,
    )
    return page


def write_mp4v(src: Path, out: Path, n: int = 20) -> Path:
    """What the article writes (OpenCV's 'mp4v' fourcc): MPEG-4 Part 2 video in an MP4 container."""
    with av.open(str(out), "w") as c:
        s = c.add_stream("mpeg4", rate=Fraction(5))
        first = True
        for fr in iter_video_frames(src, end_frame=n):
            if first:
                s.width, s.height, s.pix_fmt = fr.rgb.shape[1], fr.rgb.shape[0], "yuv420p"
                first = False
            for p in s.encode(av.VideoFrame.from_ndarray(fr.rgb, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return out


def test_annotated_video_plays_in_chromium(sample_path, sample_track, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install -y chromium"
    src = sample_path(SAMPLE)
    track = sample_track(SAMPLE)
    out = write_annotated_video(
        src, track, evaluate_form(track, "squat"), tmp_path / "annotated.mp4", progress=False
    )
    info = probe_video(src)
    mp4v = write_mp4v(src, tmp_path / "article_mp4v.mp4")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = open_video(browser, out)
            state = page.evaluate(STATE_JS)
            assert state["error"] is None and state["ready"] >= 1, state
            assert state["duration"] == pytest.approx(info.duration_s, abs=0.25), state
            assert (state["width"], state["height"]) == (info.width_px, info.height_px)
            page.evaluate("() => document.querySelector('video').play()")
            page.wait_for_function(
                "() => document.querySelector('video').currentTime > 1.0", timeout=20_000
            )
            page.evaluate("() => { const v = document.querySelector('video'); v.pause(); }")
            shot = page.locator("video").screenshot(
                path=str(tmp_path / "annotated_in_chromium.png")
            )
            assert len(shot) > 1000
            # the frame shown is a real picture, not a blank element
            from io import BytesIO

            from PIL import Image

            pixels = np.asarray(Image.open(BytesIO(shot)).convert("L"), dtype=float)
            assert pixels.std() > 10

            # control: the article's mp4v output does not play
            bad = open_video(browser, mp4v).evaluate(STATE_JS)
            assert bad["error"] is not None or bad["width"] == 0, bad
        finally:
            browser.close()
