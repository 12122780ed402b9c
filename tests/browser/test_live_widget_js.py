"""The live widget's front end alone: ``formlab/live/widget.js`` in Chromium with a stand-in model.

No JupyterLab and no kernel: a page served from 127.0.0.1 (the camera API needs
a secure context) imports the widget's module and renders it with a small
stand-in for anywidget's model that records what the widget sends and lets the
test answer. Chromium's fake camera (its test pattern) is the camera. This
checks, deterministically and in seconds, what the full test through notebook 6
(``test_live_browser.py``) cannot control:

* frames in flight: while ``frames_in_flight`` frames are unanswered no other is
  sent, and the frames grabbed meanwhile are counted as dropped and reported with
  the next one; a reply late by seconds is shown as the kernel being busy; frames
  reach the kernel in the order grabbed;
* a reply is drawn: rep count, verdict chips in formlab's colours (uncertain
  distinct from fail), the cue text, and each cue in the cue log, played through
  speech synthesis when it starts, through the beep when speech fails;
* Stop stops the camera and tells the kernel.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading

import pytest
from support.browser_harness import REPO, fake_camera_flags, launch_chromium

from formlab.live.widget import front_end_style
from formlab.viz.style import STATUS_RGB

pytestmark = [pytest.mark.browser]

PAGE = """<!doctype html><meta charset="utf-8"><div id="root"></div>
<script>
  // speech as the test wants it: "works" (start fires) or "fails" (error fires)
  const mode = new URLSearchParams(location.search).get("speech");
  window.spoken = [];
  const fakeSpeech = {
    speak(u) {
      window.spoken.push(u.text);
      setTimeout(() => (mode === "works" ? u.onstart && u.onstart() : u.onerror && u.onerror()), 20);
    },
  };
  // a read-only getter on window: plain assignment would be ignored
  Object.defineProperty(window, "speechSynthesis", { value: fakeSpeech, configurable: true });
</script>
<script type="module">
  import widget from "./widget.js";
  const state = Object.assign(STATE, {});
  const listeners = {};
  const sent = [];
  const model = {
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; },
    save_changes() {},
    send(msg, callbacks, buffers) {
      const head = buffers ? Array.from(new Uint8Array(buffers[0]).slice(0, 2)) : null;
      sent.push({ msg, bytes: buffers ? buffers[0].byteLength : 0, head });
    },
    on(event, fn) { listeners[event] = fn; },
  };
  window.fake = { sent, state, reply: (m) => listeners["msg:custom"](m) };
  widget.render({ model, el: document.getElementById("root") });
  window.rendered = true;
</script>
"""


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live-js")
    shutil.copyfile(REPO / "formlab" / "live" / "widget.js", root / "widget.js")
    state = {
        "style": front_end_style(),
        "max_fps": 0,
        "send_width": 320,
        "jpeg_quality": 0.7,
        "frames_in_flight": 1,
        "speak": True,
        "announce_reps": True,
        "browser_stats": {},
    }
    (root / "index.html").write_text(PAGE.replace("STATE", json.dumps(state)))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def camera_browser():
    with launch_chromium(fake_camera_flags()) as b:
        yield b


def open_widget(browser, url: str, speech: str):
    page = browser.new_context().new_page()
    page.set_default_timeout(30_000)
    page.on("console", lambda m: print("console:", m.text))
    page.goto(f"{url}?speech={speech}")
    page.wait_for_function("window.rendered === true")
    return page


def sent(page) -> list[dict]:
    return page.evaluate("window.fake.sent")


def update(seq: int, events=(), verdicts=None, reps: int = 0) -> dict:
    xy = [[0.3 + 0.01 * i, 0.2 + 0.015 * i] for i in range(33)]
    return {
        "type": "update",
        "seq": seq,
        "t_s": 0.1 * seq,
        "landmarks_xy": xy,
        "visibility": [0.9] * 33,
        "rep_count": reps,
        "verdicts": verdicts or {},
        "events": list(events),
        "process_ms": 12.5,
    }


def start(page) -> None:
    page.click(".formlab-live-start")
    page.wait_for_function("window.fake.sent.length === 1")
    assert sent(page)[0]["msg"] == {"type": "start"}
    assert page.inner_text(".formlab-live-status").startswith("loading")
    page.evaluate("window.fake.reply({type: 'ready', exercise: 'squat', model: 'lite'})")
    page.wait_for_function("window.fake.sent.some(s => s.msg.type === 'frame')", timeout=20_000)


def test_one_frame_in_flight_the_rest_dropped_and_reported(camera_browser, page_server):
    page = open_widget(camera_browser, page_server, "works")
    try:
        start(page)
        page.wait_for_timeout(
            3500
        )  # the kernel "thinks" (or runs a cell): nothing answered for 3.5 s
        frames = [s for s in sent(page) if s["msg"]["type"] == "frame"]
        assert len(frames) == 1, [s["msg"] for s in frames]
        first = frames[0]
        assert first["head"] == [0xFF, 0xD8]  # a JPEG
        assert first["bytes"] > 1000 and first["msg"]["dropped"] == 0 and first["msg"]["seq"] == 1
        dropped = int(page.get_attribute(".formlab-live", "data-frames-dropped") or 0)
        assert dropped == 0  # counted on screen only when stats are shown: after a reply
        assert page.get_attribute(".formlab-live", "data-status").startswith(
            "waiting for the kernel"
        )
        page.evaluate(f"window.fake.reply({json.dumps(update(1))})")
        page.wait_for_function("window.fake.sent.filter(s => s.msg.type === 'frame').length === 2")
        second = [s for s in sent(page) if s["msg"]["type"] == "frame"][1]
        dropped = int(page.get_attribute(".formlab-live", "data-frames-dropped"))
        # 3.5 s of a 30 fps camera while busy: tens of frames dropped, all reported with the next frame
        assert 30 <= dropped <= 130, dropped
        assert second["msg"]["dropped"] == dropped
        assert second["msg"]["t_s"] > first["msg"]["t_s"] + 3.4
        assert page.get_attribute(".formlab-live", "data-status") == "live: squat (lite)"
        assert page.get_attribute(".formlab-live", "data-frames-sent") == "1"
        assert page.get_attribute(".formlab-live", "data-latency-p50-ms")

        page.click(".formlab-live-stop")
        page.wait_for_function("window.fake.sent.some(s => s.msg.type === 'stop')")
        assert page.get_attribute(".formlab-live", "data-status") == "stopped"
        assert page.evaluate("document.querySelector('.formlab-live-video').srcObject") is None
        n = len(sent(page))
        page.wait_for_timeout(500)
        assert len(sent(page)) == n, "frames sent after Stop"
    finally:
        page.context.close()


def test_two_frames_in_flight_keep_the_kernel_busy(camera_browser, page_server):
    page = open_widget(camera_browser, page_server, "works")
    try:
        page.evaluate("window.fake.state.frames_in_flight = 2")
        start(page)
        page.wait_for_function("window.fake.sent.filter(s => s.msg.type === 'frame').length === 2")
        page.wait_for_timeout(1000)  # nothing answered: no third frame
        frames = [s["msg"] for s in sent(page) if s["msg"]["type"] == "frame"]
        assert [f["seq"] for f in frames] == [1, 2], frames
        assert frames[1]["t_s"] > frames[0]["t_s"]
        page.evaluate(f"window.fake.reply({json.dumps(update(1))})")  # one answered: one more
        page.wait_for_function("window.fake.sent.filter(s => s.msg.type === 'frame').length === 3")
        page.wait_for_timeout(500)
        frames = [s["msg"] for s in sent(page) if s["msg"]["type"] == "frame"]
        assert [f["seq"] for f in frames] == [1, 2, 3], frames
        assert frames[2]["t_s"] > frames[1]["t_s"]
        assert frames[2]["dropped"] > 0  # grabbed while two were in flight: dropped, then reported
        page.click(".formlab-live-stop")
        page.wait_for_function("window.fake.sent.some(s => s.msg.type === 'stop')")
    finally:
        page.context.close()


@pytest.mark.parametrize("speech", ["works", "fails"])
def test_a_reply_is_drawn_and_its_cue_played(camera_browser, page_server, speech):
    page = open_widget(camera_browser, page_server, speech)
    try:
        start(page)
        rep = {"event": "rep", "rep": 1, "t_s": 0.1, "turn_s": 0.05, "text": "1"}
        cue = {
            "event": "cue",
            "check": "knees_out",
            "rep": 1,
            "t_s": 0.1,
            "latency_s": 0.05,
            "text": "Push your knees out",
        }
        verdicts = {"knees_out": "fail", "depth": "uncertain", "elbows_up": "pass"}
        page.evaluate(f"window.fake.reply({json.dumps(update(1, [rep, cue], verdicts, reps=1))})")
        page.wait_for_function(
            "document.querySelector('.formlab-live-cue-entry')?.dataset.played !== 'pending'",
            timeout=10_000,
        )
        assert page.inner_text(".formlab-live-reps") == "1"
        assert page.inner_text(".formlab-live-cue") == "Push your knees out"
        entry = page.evaluate("({...document.querySelector('.formlab-live-cue-entry').dataset})")
        assert entry["check"] == "knees_out" and entry["rep"] == "1"
        assert entry["played"] == ("speech" if speech == "works" else "beep")
        assert page.evaluate("window.spoken") == ["1", "Push your knees out"]
        chips = page.evaluate(
            """[...document.querySelectorAll('.formlab-live-verdict')]
                .map(c => [c.dataset.verdict, getComputedStyle(c).backgroundColor])"""
        )
        colours = dict(chips)
        for verdict in verdicts.values():
            assert colours[verdict] == "rgb({}, {}, {})".format(*STATUS_RGB[verdict])
        assert len(set(colours.values())) == 3  # uncertain is neither pass nor fail
        drawn = page.evaluate(
            """() => { const c = document.querySelector('.formlab-live-overlay');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }"""
        )
        assert drawn > 200, "no skeleton drawn on the overlay"
    finally:
        page.context.close()
