"""The live widget's kernel side without a browser: the messages the browser sends, the replies it gets.

The browser half (camera, drawing, speech) is tested in ``tests/browser/test_live_browser.py``.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from formlab.core.errors import ConfigError, InputError
from formlab.core.landmarks import N_LANDMARKS, SKELETON_EDGES
from formlab.live.widget import LiveCoachWidget, decode_jpeg, front_end_style
from formlab.viz.style import STATUS_RGB


def jpeg(rgb: np.ndarray) -> memoryview:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG")
    return memoryview(out.getvalue())


@pytest.fixture
def widget():
    w = LiveCoachWidget("squat", max_fps=12)
    w.sent = []
    w.send = lambda content, buffers=None: w.sent.append(content)
    yield w
    w._stop(0)
    w.close()


def test_an_unknown_exercise_fails_before_the_camera_opens():
    with pytest.raises(ConfigError, match="squatt"):
        LiveCoachWidget("squatt")
    with pytest.raises(InputError, match="max_fps"):
        LiveCoachWidget("squat", max_fps=-1)
    for bad in (0, 1.5, True):
        with pytest.raises(InputError, match="frames_in_flight"):
            LiveCoachWidget("squat", frames_in_flight=bad)
    assert LiveCoachWidget("squat").frames_in_flight == 2  # synced to the browser
    with pytest.raises(ConfigError, match="thresholds"):
        LiveCoachWidget("squat", thresholds=3)


def test_thresholds_file_is_read_before_start(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[depth]\nmin_hip_below_knee_deg = 3.0\n")
    w = LiveCoachWidget("squat", thresholds=path)
    assert w.thresholds.section("depth").min_hip_below_knee_deg == 3.0
    path.write_text("[depth]\nno_such_threshold = 1\n")
    with pytest.raises(ConfigError, match="no_such_threshold"):
        LiveCoachWidget("squat", thresholds=path)


def test_front_end_style_is_formlabs_palette_and_skeleton():
    style = front_end_style()
    assert len(style["edges"]) == len(SKELETON_EDGES)
    assert {side for _, _, side in style["edges"]} <= set(style["sides"])
    assert len(style["landmark_sides"]) == N_LANDMARKS
    assert style["verdicts"]["uncertain"] == list(STATUS_RGB["uncertain"])
    assert style["verdicts"]["uncertain"] != style["verdicts"]["fail"]
    json.dumps(style)  # synced to the browser as JSON


def test_decode_jpeg_round_trip_and_bad_bytes():
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[:, :32] = 200
    back = decode_jpeg(jpeg(rgb))
    assert back.shape == (48, 64, 3) and back.dtype == np.uint8
    assert abs(int(back[:, :30].mean()) - 200) < 6 and back[:, 34:].mean() < 6
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        decode_jpeg(b"not an image")


def test_start_frames_stop_replies_and_counts_drops(widget):
    widget._on_message(widget, {"type": "start"}, [])
    assert widget.sent[-1] == {"type": "ready", "exercise": "squat", "model": "lite"}
    blank = jpeg(np.full((120, 160, 3), 90, np.uint8))
    for seq, t_s in enumerate([0.0, 0.1, 0.2], start=1):
        widget._on_message(widget, {"type": "frame", "seq": seq, "t_s": t_s, "dropped": 2}, [blank])
        reply = widget.sent[-1]
        assert reply["type"] == "update" and reply["seq"] == seq and reply["t_s"] == t_s
        assert reply["landmarks_xy"] is None  # nobody in a grey frame
        assert reply["rep_count"] == 0 and reply["events"] == []
        json.dumps(reply)
    widget._on_message(widget, {"type": "stop", "dropped": 1}, [])
    assert widget.coach is None
    assert widget.stats.frames_processed == 3
    assert widget.stats.frames_dropped == 7
    assert len(widget.process_ms) == 3


def test_bad_frames_stop_the_session_with_a_message(widget):
    widget._on_message(widget, {"type": "start"}, [])
    widget._on_message(widget, {"type": "frame", "seq": 1, "t_s": 0.0}, [memoryview(b"xx")])
    assert widget.sent[-1]["type"] == "error"
    assert "not a JPEG or PNG" in widget.sent[-1]["message"]
    assert widget.coach is None

    widget._on_message(widget, {"type": "start"}, [])
    frame = jpeg(np.zeros((32, 32, 3), np.uint8))
    widget._on_message(widget, {"type": "frame", "seq": 1, "t_s": 1.0}, [frame])
    widget._on_message(widget, {"type": "frame", "seq": 2, "t_s": 1.0}, [frame])
    assert widget.sent[-1]["type"] == "error" and "increase" in widget.sent[-1]["message"]


def test_closing_the_widget_ends_the_session(widget):
    widget._on_message(widget, {"type": "start"}, [])
    assert widget.coach is not None
    widget.close()
    assert widget.coach is None and widget.stats is not None


def test_a_frame_after_stop_is_ignored(widget):
    widget._on_message(widget, {"type": "frame", "seq": 9, "t_s": 3.0}, [memoryview(b"xx")])
    assert widget.sent == []
