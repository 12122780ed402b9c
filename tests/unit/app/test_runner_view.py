"""The app's analysis wrapper and what it shows: progress, one-line errors, the zip, the HTML (no media)."""

import zipfile

import pandas as pd
import pytest

from formlab.app import view
from formlab.app.runner import STEPS, ProgressStages, check_inputs, one_line_error, zip_outputs
from formlab.core.errors import ConfigError, InputError
from formlab.exercises import get_exercise


def test_progress_moves_forward_and_names_background_stages():
    seen = []
    stages = ProgressStages(lambda f, words: seen.append((f, words)))
    for name in (
        "pose",
        "cleaning",
        "reps",
        "load path",
        "feedback",
        "tables",
        "figures",
        "worst frames",
    ):
        with stages.stage(name):
            pass
    # the annotated video is written in the background: it is announced when the stage before it ends
    assert seen[-1][1] == dict((s, w) for s, w, _ in STEPS)["video"]
    stages.add("video", 1.5)
    with stages.stage("summary"):
        pass
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] < 1
    assert stages.seconds["video"] == 1.5 and set(stages.seconds) >= {"pose", "summary"}


def test_one_line_error_names_the_upload_not_the_temporary_path(tmp_path):
    path = tmp_path / "run-1" / "upload" / "clip.mp4"
    e = InputError(f"{path}: no person found in any of the 30 frames; nothing to analyse")
    assert one_line_error(e, {str(path): "my clip.mp4"}) == (
        "my clip.mp4: no person found in any of the 30 frames; nothing to analyse"
    )


def test_one_line_error_of_an_unexpected_exception_has_no_traceback():
    try:
        raise ZeroDivisionError("division by zero\nmore detail")
    except ZeroDivisionError as e:
        line = one_line_error(e)
    assert (
        line
        == "formlab could not finish the analysis (ZeroDivisionError: division by zero"[: len(line)]
    )
    assert "\n" not in line and "Traceback" not in line
    assert one_line_error(FileNotFoundError(2, "No such file or directory", "/x/y.mp4")) == (
        "/x/y.mp4: No such file or directory"
    )


def test_check_inputs_refuses_before_the_slow_part(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("three sets of five")
    with pytest.raises(InputError, match=r"notes\.txt: unsupported file type"):
        check_inputs(text, "auto", None)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8")
    with pytest.raises(InputError, match="choose the lift it shows"):
        check_inputs(photo, "auto", None)
    broken = tmp_path / "th.toml"
    broken.write_text("[depth\nmin = ")
    with pytest.raises(ConfigError, match=r"th\.toml"):
        check_inputs(photo, "squat", broken)
    with pytest.raises(ConfigError, match="hammer_throw"):
        check_inputs(photo, "hammer_throw", None)
    assert check_inputs(photo, "squat", None) == "image"


def test_zip_holds_every_output_by_its_relative_name(tmp_path):
    out = tmp_path / "results"
    (out / "worst_frames").mkdir(parents=True)
    (out / "summary.json").write_text('{"reps": 2}')
    (out / "annotated.mp4").write_bytes(b"\x00" * 100)
    (out / "worst_frames" / "worst_depth_frame3.png").write_bytes(b"png")
    z = zip_outputs(out, tmp_path / "formlab-clip.zip")
    with zipfile.ZipFile(z) as zf:
        assert sorted(zf.namelist()) == [
            "annotated.mp4",
            "summary.json",
            "worst_frames/worst_depth_frame3.png",
        ]
        assert zf.getinfo("annotated.mp4").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("summary.json").compress_type == zipfile.ZIP_DEFLATED
        assert zf.read("summary.json") == b'{"reps": 2}'
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("n", "words"), [(0, "No reps"), (1, "1 rep"), (2, "2 reps"), (None, "No reps")]
)
def test_rep_count_in_words(n, words):
    assert view.rep_count_words(n) == words


def test_the_headline_says_when_no_lift_was_recognised():
    from types import SimpleNamespace

    def video(exercise):
        detection = SimpleNamespace(count=0 if exercise == "none" else 2)
        return SimpleNamespace(
            kind="video", exercise=exercise, exercise_requested="auto", detection=detection
        )

    assert view.headline(video("front_squat")) == "2 reps of front squat (recognised by formlab)"
    assert view.headline(video("none")) == "No lift recognised: no reps counted and no check ran"


def test_column_labels_carry_units():
    assert view.column_label("mean_concentric_velocity_mps") == "mean concentric velocity (m/s)"
    assert view.column_label("max_knee_flexion_deg") == "max knee flexion (°)"
    assert view.column_label("rep") == "rep"


def test_rep_tables_show_numbers_verdicts_and_cues():
    squat = get_exercise("squat")
    depth = next(c for c in squat.checks if c.name == "depth")
    other = next(c for c in squat.checks if c.name != "depth")
    reps = pd.DataFrame(
        {
            "rep": [1, 2],
            "start_frame": [0, 20],
            "turn_s": [1.0, 3.0],
            "rom_m": [0.41234, float("nan")],
            "complete": [True, False],
            "depth": ["fail", "pass"],
            "depth_why": ["", ""],
            other.name: ["not_assessable", "uncertain"],
            f"{other.name}_why": ["a side view cannot show it <b>", "too close to call"],
        }
    )
    checks = [depth, other]
    assert view.rep_table_columns(reps, checks) == ["rep", "turn_s", "rom_m", "complete"]
    table = view.rep_table_html(reps, checks)
    assert table.count("<tr>") == 3 and "0.412" in table and "–" in table and ">no<" in table
    verdicts = view.rep_verdicts_html(reps, checks)
    assert verdicts.count('class="formlab-rep"') == 2
    assert (
        depth.cue in verdicts
        and "Rep 1: fails 1 check" in verdicts
        and "Rep 2: no check fails" in verdicts
    )
    assert "a side view cannot show it &lt;b&gt;" in verdicts  # escaped
    assert "not judged" in verdicts and "too close to call" in verdicts
    assert "No rep was counted" in view.rep_table_html(reps.iloc[0:0], checks)


def test_media_and_errors_are_escaped():
    assert (
        view.error_html("a <b> c") == '<div class="formlab-error" role="alert">a &lt;b&gt; c</div>'
    )
    assert 'src="x?a=1&amp;b=2"' in view.video_html("x?a=1&b=2")
    assert "playsinline" in view.video_html("v.mp4")
    assert 'download="formlab-clip.zip"' in view.download_html("u", "formlab-clip.zip", "2 MiB")


def test_the_status_line_counts_the_seconds_of_a_long_stage(tmp_path, monkeypatch):
    import threading
    import time

    from formlab.app import analyse_page, build_app
    from formlab.app.session import AppSettings

    monkeypatch.setattr(analyse_page, "TICK_S", 0.05)
    app, (page, *_) = build_app(AppSettings(sessions_dir=tmp_path, background=False))
    page._report(0.2, "Finding the lifter's pose in every frame")
    page._stage_start -= 3.0  # as if the stage had started 3 s ago
    done = threading.Event()
    ticker = threading.Thread(target=page._tick, args=(done,))
    ticker.start()
    time.sleep(0.3)
    assert page.status.value == "Finding the lifter's pose in every frame… 3 s"
    page.show_error("clip.mp4: no person found")
    time.sleep(0.2)
    assert page.status.value == ""  # an error stops the count
    done.set()
    ticker.join()
    app.session.close()


def test_the_app_has_a_coach_live_page_whose_lift_and_model_replace_the_coach(tmp_path):
    from formlab.app import build_app
    from formlab.app.live_page import CoachLivePage
    from formlab.app.session import AppSettings

    app, pages = build_app(AppSettings(sessions_dir=tmp_path, background=False))
    try:
        tabs = app.children[-1]
        assert [tabs.get_title(i) for i in range(len(pages))] == ["Analyse a video", "Coach live"]
        live = pages[1]
        assert isinstance(live, CoachLivePage)
        first = live.coach
        assert first.exercise == "squat" and first.model == "lite"
        live.lift.value = "push_up"
        assert live.coach is not first and live.coach.exercise == "push_up"
        assert first.comm is None  # the old coach was closed
        live.model.value = "full"
        assert live.coach.model == "full" and live.area.children == (live.coach,)
    finally:
        pages[1].close()
        app.session.close()
