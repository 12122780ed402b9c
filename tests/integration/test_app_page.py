"""The app's "Analyse a video" page driven from Python: uploads, results, errors, replacement, clean-up.

The page runs analyses in the caller's thread here (``background=False``);
the browser test (``tests/browser/test_app_browser.py``) drives the same page
through Voila and Chromium.
"""

import json
import threading
import zipfile

import numpy as np
import pytest
from support.exact_lifts import exact_lift
from support.synthetic import write_clip

import formlab
from formlab.app import build_app
from formlab.app.session import AppSettings
from formlab.io.samples import sample_info

pytestmark = pytest.mark.media

CLIP = "tfjs-models__pose_squats"  # the shortest example clip with a known rep count


def _upload(widget, path, name=None):
    """Send ``path`` through the upload widget as the browser would (start, then chunks on request)."""
    sent = []
    widget.send = sent.append
    data = path.read_bytes()
    widget._handle(widget, {"type": "start", "name": name or path.name, "size": len(data)}, [])
    while sent and sent[-1]["type"] == "next":
        offset = sent[-1]["offset"]
        widget._handle(
            widget,
            {"type": "chunk", "offset": offset},
            [memoryview(data)[offset : offset + 20_000]],
        )
    return sent


@pytest.fixture
def page(tmp_path):
    settings = AppSettings(sessions_dir=tmp_path / "sessions", background=False, cache=True)
    app, pages = build_app(settings)
    page = pages[0]
    yield page
    app.session.close()
    assert not app.session.path.exists()


def test_a_sample_then_an_upload_replace_each_other(page, sample_path):
    expected = sample_info(CLIP)["reps"]
    page.analyse_sample(CLIP)
    assert page.error == "" and page.result is not None
    first_run = page.result.outputs.parent
    lift = exact_lift(CLIP).replace("_", " ")  # auto names the exact lift
    assert page.output.children[0].value.count(f"{expected} reps of {lift}") == 1
    with zipfile.ZipFile(page.result.zip_path) as zf:
        names = set(zf.namelist())
        assert json.loads(zf.read("summary.json"))["reps"] == expected
    assert {
        "summary.json",
        "reps.csv",
        "feedback.csv",
        "pose.csv",
        "annotated.mp4",
        "bar_path.png",
        "bar_position.png",
    } <= names
    assert page.result.zip_path.name == f"formlab-{CLIP}.zip"

    page.lift.value = "squat"
    _upload(page.upload, sample_path(CLIP), "my set.mp4")
    assert page.error == "" and page.result.name == "my set.mp4"
    assert page.result.analysis.exercise_requested == "squat"
    assert not first_run.exists()  # the first result's files went with it
    assert page.result.zip_path.name == "formlab-my_set.zip"
    assert len(list(page.session.path.glob("run-*"))) == 1

    page.lift.value = "front_squat"  # the same upload again, as another lift
    page.again.click()
    assert page.error == "" and page.result.name == "my set.mp4"
    assert page.result.analysis.exercise == "front_squat"
    assert [p.name for p in page.session.path.glob("run-*")] == [page.result.outputs.parent.name]


def test_nobody_in_view_is_one_line_and_clears_the_result(page, tmp_path):
    page.analyse_sample(CLIP)
    empty = write_clip(tmp_path / "wall.mp4", [np.full((96, 128, 3), 90, np.uint8)] * 12)
    _upload(page.upload, empty, "garage wall.mp4")
    assert page.result is None and page.output.children == ()
    assert page.error.startswith("garage wall.mp4: no person found"), page.error
    assert "\n" not in page.error and str(tmp_path) not in page.error
    assert 'class="formlab-error"' in page.message.value
    assert not page.upload.disabled  # ready for the next file


def test_a_text_file_is_one_line(page, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("three sets of five\n")
    _upload(page.upload, text)
    assert page.error.startswith("notes.txt: unsupported file type '.txt'"), page.error
    assert page.result is None
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video\n" * 100)
    _upload(page.upload, fake, "holiday.mp4")
    assert page.error.startswith("holiday.mp4: not a readable video"), page.error


def test_thresholds_file_broken_then_good(page, tmp_path):
    page.lift.value = "squat"
    broken = tmp_path / "mine.toml"
    broken.write_text("[depth]\nmin_hip_below_knee_deg = 'deep'\n")
    _upload(page.thresholds_upload, broken)
    assert page.error.startswith("mine.toml"), page.error
    assert "\n" not in page.error and str(tmp_path) not in page.error
    assert page.thresholds_path is None
    good = formlab.save_thresholds(formlab.thresholds_for("squat"), tmp_path / "coach.toml")
    _upload(page.thresholds_upload, good)
    assert page.error == "" and page.thresholds_path is not None
    page.analyse_sample(CLIP)
    assert page.error == ""
    assert "coach.toml" in page.result.analysis.thresholds_source


def test_a_lifts_thresholds_file_is_taken_under_auto(page, tmp_path):
    assert page.lift.value == "auto"  # the dropdown's default
    lift = exact_lift(CLIP)
    mine = formlab.thresholds_for(lift).updated({"rep_summary": {"min_fail_duration_s": 0.3}})
    path = formlab.save_thresholds(mine, tmp_path / "mine.toml")  # its depth is not a push-up's
    _upload(page.thresholds_upload, path)
    assert page.error == "" and page.thresholds_path is not None
    page.analyse_sample(CLIP)
    assert page.error == "" and page.result.analysis.exercise == lift
    assert page.result.analysis.thresholds == mine  # applied once the lift was recognised
    assert "mine.toml" in page.result.analysis.thresholds_source


def test_a_photo_gets_its_verdicts(page):
    page.lift.value = "front_squat"
    page.analyse_sample("ai-trainer__500_perfect")
    assert page.error == "" and page.result.kind == "image"
    head, verdicts = page.output.children
    assert "Photo of a front squat" in head.value and "annotated.png" in head.value
    assert verdicts.value.count("formlab-verdict ") >= 1
    assert "a photo has no rep" in verdicts.value  # why its depth is not assessable
    with zipfile.ZipFile(page.result.zip_path) as zf:
        assert {"summary.json", "feedback.csv", "annotated.png"} <= set(zf.namelist())
    page.lift.value = "auto"
    page.analyse_sample("ai-trainer__500_perfect")
    assert "choose the lift it shows" in page.error and page.result is None


def test_background_analyses_share_one_worker(tmp_path):
    settings = AppSettings(sessions_dir=tmp_path / "sessions", background=True, cache=True)
    app, (page, *_) = build_app(settings)
    try:
        for _ in range(2):
            page.analyse_sample(CLIP)
            page.wait(300)
            assert page.error == "" and page.result is not None
        assert page.result.outputs.parent.name == "run-2"
        workers = [t for t in threading.enumerate() if t.name == "formlab-app"]
        assert len(workers) == 1
    finally:
        app.session.close()
