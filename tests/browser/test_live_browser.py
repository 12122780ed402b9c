"""The live coach in a real browser: a sample clip as Chromium's camera, notebook 6 in JupyterLab.

The clip is written as raw YUV4MPEG2 (what Chromium's fake camera reads) in the
test's temporary folder, with the first frame held for ``HEAD_S`` and the last
for ``TAIL_S``: the fake camera loops the file, and the held frames keep the
loop's seam (lifter still) away from the reps. Notebook 6 is run from
JupyterLab's menu, the widget's Start button is pressed, and the test waits for
the reps, however slowly the frames get through, then stops.

The camera plays the clip ``SLOWDOWN`` times slower than it was filmed (slow
push-ups, about 5 s a rep). The fake camera runs on the wall clock whatever the
kernel's share of the CPU; on this shared 2-core machine the kernel sometimes
answers a frame only after 0.5-1 s, and at the clip's own speed such a stall can
cover a whole push-up's bottom (measured: reps 2 and 3 missed at a load of 10).
Slowed down, every rep gets enough frames even then. How the engine copes with
low and uneven frame rates is the live benchmark's business, not this test's.
At the clip's own speed (``SLOWDOWN = 1``, runs on 2026-12-03, load 5-8) the test is not
reliable: with one frame in flight it passed once (109 of 193 frames dropped) and failed once
(rep 2's depth missed); with two in flight (the default since) it passed once (71 of 175
dropped) and failed once (rep 3 missed in the first pass through the clip, counted in the
second). The frames the kernel gets, not the engine, decide it there.

What is checked, as the page shows it:

* the widget counts the clip's hand-counted reps, all of them confirmed within the
  first pass through the file (so no rep was counted twice across the loop);
* a cue was played: an entry of the widget's cue log whose speech synthesis
  started or whose fallback beep ended (``data-played``), its text shown over the
  preview, for a check that ``formlab analyze`` fails on the same clip;
* frames went to the kernel and came back (sent, dropped, p50 latency printed).

Screenshots: ``tests/output/test_live_browser/<test>/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from support.browser_harness import (  # noqa: F401 (fixtures)
    LabNotebook,
    fake_camera_flags,
    lab_server,
    launch_chromium,
    test_output_dir,
)

import formlab
from formlab.io.samples import sample_info

pytestmark = [pytest.mark.browser, pytest.mark.media]

NOTEBOOK = "06_live_coaching.ipynb"
SAMPLE = "rese__bad_pushups"
"""Push-ups, side view, 3 reps all short of depth (the notebook's clip and exercise)."""
EXERCISE = "push_up"
CAMERA_WIDTH_PX = 640
SLOWDOWN = 3
HEAD_S = 1.0
TAIL_S = 8.0
REPS_TIMEOUT_S = 300
"""Generous: on a loaded 2-core machine the frames reach the kernel slowly."""


def write_y4m(
    video: Path, out: Path, *, width: int, slowdown: int, head_s: float, tail_s: float
) -> dict:
    """``video`` as YUV4MPEG2 4:2:0 at ``width`` px played ``slowdown`` times slower.

    The first frame is held ``head_s`` and the last ``tail_s`` (seconds of the
    camera's playback); returns the camera's frame rate, the clip's playback
    time and one pass through the file (``pass_s``), in seconds.
    """
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate
        height = round(stream.codec_context.height * width / stream.codec_context.width / 2) * 2
        planes = [
            b"".join(
                _plane_rows(f.reformat(width=width, height=height, format="yuv420p"), width, height)
            )
            for f in container.decode(stream)
        ]
    fps = float(rate) / slowdown
    head, tail = round(head_s * fps), round(tail_s * fps)
    with open(out, "wb") as f:
        f.write(
            f"YUV4MPEG2 W{width} H{height} F{rate.numerator}:{rate.denominator * slowdown} Ip "
            "A1:1 C420jpeg\n".encode()
        )
        for data in [planes[0]] * head + planes + [planes[-1]] * tail:
            f.write(b"FRAME\n" + data)
    return {
        "fps": fps,
        "clip_s": len(planes) / fps,
        "head_s": head / fps,
        "pass_s": (head + len(planes) + tail) / fps,
    }


def _plane_rows(frame, width: int, height: int):
    """Y, U, V rows without the padding PyAV may add at the end of each line."""
    for i, (w, h) in enumerate(
        [(width, height), (width // 2, height // 2), (width // 2, height // 2)]
    ):
        plane = frame.planes[i]
        data = bytes(plane)
        for row in range(h):
            yield data[row * plane.line_size : row * plane.line_size + w]


@pytest.fixture(scope="module")
def camera_clip(tmp_path_factory):
    out = tmp_path_factory.mktemp("camera") / "clip.y4m"
    facts = write_y4m(
        formlab.fetch_sample(SAMPLE),
        out,
        width=CAMERA_WIDTH_PX,
        slowdown=SLOWDOWN,
        head_s=HEAD_S,
        tail_s=TAIL_S,
    )
    return out, facts


@pytest.fixture(scope="module")
def camera_browser(camera_clip):
    """Chromium whose camera is the clip (allowed without a prompt, sound without a gesture)."""
    with launch_chromium(fake_camera_flags(camera_clip[0])) as b:
        yield b


def test_live_widget_counts_the_reps_and_plays_a_cue(
    lab_server, camera_browser, camera_clip, test_output_dir
):
    _, facts = camera_clip
    expected_reps = sample_info(SAMPLE)["reps"]
    offline = formlab.analyze(formlab.fetch_sample(SAMPLE), EXERCISE)
    failing = {c for f in offline.reps["failed_checks"] for c in f.split("; ") if c}
    assert failing, "the clip should fail a check offline (else no cue is expected)"

    nb = LabNotebook.open(camera_browser, lab_server, NOTEBOOK)
    page = nb.page
    try:
        nb.run_all()
        assert nb.error_texts() == []
        widget = nb.notebook.locator(".formlab-live").first
        widget.wait_for(timeout=60_000)
        widget.scroll_into_view_if_needed()
        handle = widget.element_handle()
        widget.locator(".formlab-live-start").click()
        page.wait_for_function(
            "el => (el.dataset.status || '').startsWith('live') || (el.dataset.status || '').startsWith('error')"
            " || (el.dataset.status || '').startsWith('camera')",
            arg=handle,
            timeout=120_000,
        )
        status = widget.get_attribute("data-status")
        assert status.startswith("live"), f"the widget did not start: {status}"
        page.wait_for_function(
            "([el, n]) => Number(el.dataset.reps || 0) >= n || el.dataset.running !== 'true'",
            arg=[handle, expected_reps],
            timeout=REPS_TIMEOUT_S * 1000,
            polling=250,
        )
        nb.screenshot(widget, test_output_dir / "reps_counted.png")
        # a rep's cue follows its end by about half a second (the frames offline judges it with)
        page.wait_for_function(
            "el => [...el.querySelectorAll('.formlab-live-cue-entry')].some(e => e.dataset.played !== 'pending')"
            " || el.dataset.running !== 'true'",
            arg=handle,
            timeout=30_000,
        )
        page.wait_for_timeout(1000)  # still inside the held last frame: no new rep may come
        widget.locator(".formlab-live-stop").click()
        page.wait_for_timeout(500)
        nb.screenshot(widget, test_output_dir / "stopped.png")
        state = page.evaluate(
            """el => ({
                reps: Number(el.dataset.reps || 0), repTimes: JSON.parse(el.dataset.repTimes || '[]'),
                status: el.dataset.status, sent: Number(el.dataset.framesSent || 0),
                dropped: Number(el.dataset.framesDropped || 0), p50: el.dataset.latencyP50Ms,
                cueShown: el.querySelector('.formlab-live-cue').textContent,
                cues: [...el.querySelectorAll('.formlab-live-cue-entry')].map(e => ({...e.dataset})),
                kernelP50: el.dataset.kernelP50Ms, trace: el.formlabTrace,
            })""",
            handle,
        )
        (test_output_dir / "page_state.json").write_text(json.dumps(state, indent=1))
        print(
            f"\nlive widget on {SAMPLE}: {state['reps']} reps, frames sent {state['sent']}, "
            f"dropped {state['dropped']}, latency p50 {state['p50']} ms "
            f"(kernel {state['kernelP50']} ms), cues {state['cues']}"
        )
    finally:
        nb.close()

    assert state["status"] == "stopped", state["status"]
    assert state["sent"] > 0
    assert state["reps"] == expected_reps, state
    assert len(state["repTimes"]) == expected_reps
    assert max(state["repTimes"]) < facts["pass_s"], (
        f"the last rep was confirmed at {max(state['repTimes']):.1f} s, after the camera's first pass "
        f"({facts['pass_s']:.1f} s): reps from the loop's second pass were counted"
    )
    played = [c for c in state["cues"] if c["played"] in ("speech", "beep")]
    assert played, f"no cue was played (speech started or beep ended): {state['cues']}"
    assert {c["check"] for c in played} <= failing, (played, failing)
    assert all(c["text"] for c in played)
    assert state["cueShown"] in {c["text"] for c in state["cues"]}, state["cueShown"]
