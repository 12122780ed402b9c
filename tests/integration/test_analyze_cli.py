"""``formlab analyze``: the outputs it writes, and one-line errors that leave nothing behind."""

import json

import numpy as np
import pandas as pd
import pytest
from support.cli_run import one_line_error, run
from support.csv_helpers import assert_written_compactly
from support.synthetic_pose import exercise_track

import formlab
from formlab.core.errors import ConfigError, FormlabWarning, InputError
from formlab.exercises import exercise_names
from formlab.outputs import FIGURES, write_summary
from formlab.pipeline import Analysis, analyze


def test_help_lists_the_exercises():
    r = run("analyze", "--help")
    assert r.returncode == 0 and "--exercise" in r.stdout and "-o OUTDIR" in r.stdout
    assert all(name in r.stdout for name in exercise_names())


def test_unknown_exercise_fails_before_anything_is_done(tmp_path):
    out = tmp_path / "out"
    r = run("analyze", "sample:tfjs-models__pose_squats", "--exercise", "snatch", "-o", str(out))
    one_line_error(r, "unknown exercise 'snatch'; accepted: ")
    assert "bench_press" in r.stderr and "auto" in r.stderr and not out.exists()


@pytest.mark.parametrize(
    "make,name,message",
    [
        (None, "missing.mp4", "missing.mp4: no such file"),
        (lambda p: p.write_text("x"), "notes.txt", "unsupported file type"),
        (lambda p: p.write_text("not a photo"), "photo.png", "photo.png: not a readable image"),
        (None, "sample:nope", "unknown sample 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, make, name, message):
    src = tmp_path / name
    if make:
        make(src)
    out = tmp_path / "out"
    r = run("analyze", name if name.startswith("sample:") else str(src), "-o", str(out))
    one_line_error(r, message)
    assert "Traceback" not in r.stderr and not out.exists()


def test_unwritable_output_folder(tmp_path, readonly_dir, sample_path):
    video = str(sample_path("tfjs-models__pose_squats"))
    r = run("analyze", video, "-o", str(readonly_dir))
    one_line_error(r, "not writable")
    r = run("analyze", video, "-o", str(readonly_dir / "out"))
    one_line_error(r, "cannot create the folder")
    (tmp_path / "file").write_text("x")
    r = run("analyze", video, "-o", str(tmp_path / "file"))
    one_line_error(r, "exists and is not a folder")
    assert not list(readonly_dir.iterdir())


@pytest.mark.media
@pytest.mark.parametrize("exercise,pose_format", [("squat", "csv"), ("auto", "parquet")])
def test_analyze_writes_summary_reps_pose_and_figures(tmp_path, exercise, pose_format):
    out = tmp_path / "result"
    r = run(
        "analyze",
        "sample:tfjs-models__pose_squats",
        "--exercise",
        exercise,
        "-o",
        str(out),
        "--pose-format",
        pose_format,
        "--no-progress",
    )
    assert r.returncode == 0, r.stderr
    lift = "squat" if exercise == "squat" else "bodyweight_squat"  # auto names the exact lift
    assert f"3 reps of {lift}" in r.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert {"video", "exercise", "fps", "frames", "reps", "rep_frames"} <= set(summary)
    assert summary["exercise"] == lift and summary["exercise_requested"] == exercise
    if exercise == "auto":  # with the evidence: the family, the measured hold, a score per variant
        variant = summary["auto"]["variant"]
        assert variant["family"] == "squat" and variant["variant"] == "bodyweight_squat"
        assert variant["features"]["load_forward_torso"] > 0.4
        assert variant["scores"]["bodyweight_squat"]["score"] == 1.0
    assert summary["fps"] == 5.0 and summary["frames"] == 65 and summary["reps"] == 3
    np.testing.assert_allclose(summary["rep_frames"], [10, 34, 59], atol=1)  # hand-marked bottoms
    assert summary["video"].endswith("tfjs-models__pose_squats.mp4")
    assert ("auto" in summary) == (exercise == "auto")
    reps = pd.read_csv(out / "reps.csv")
    assert len(reps) == 3 and reps["turn_frame"].tolist() == summary["rep_frames"]
    assert reps["complete"].tolist() == [True, True, False]  # the clip ends mid-ascent of rep 3
    assert (reps["max_knee_flexion_deg"] > 60).all() and (reps["rom_m"] > 0.1).all()
    track = formlab.load_track(out / f"pose.{pose_format}")
    assert track.n_frames == 65
    for name in FIGURES.values():
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob(".*.part*"))  # no temporary files left


@pytest.mark.media
def test_no_figures_option(tmp_path):
    out = tmp_path / "r"
    r = run(
        "analyze",
        "sample:tfjs-models__pose_squats",
        "-o",
        str(out),
        "--no-figures",
        "--no-video",
        "--no-progress",
    )
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names[:5] == ["feedback.csv", "pose.csv", "pose.csv.json", "reps.csv", "summary.json"]
    assert set(names[5:]) <= {"worst_frames"}


@pytest.mark.media
def test_front_squat_writes_feedback_flags_video_and_worst_frames(tmp_path, sample_path):
    """The default clip: feedback.csv per frame, per-rep flags in reps.csv, the H.264 video, worst frames."""
    import av

    out = tmp_path / "fs"
    r = run(
        "analyze",
        "sample:squatAnalysis-rohanx01__squat",
        "-e",
        "front_squat",
        "-o",
        str(out),
        "--no-progress",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    fb = pd.read_csv(out / "feedback.csv")
    assert len(fb) == summary["frames"] == 614 and {"frame", "time_s"} <= set(fb.columns)
    checks = ["elbows_up", "knees_out", "feet_width", "start_position", "head_neutral", "depth"]
    for c in checks:
        assert set(fb[c]) <= {"pass", "fail", "uncertain", "not_assessable"}, c
    reps = pd.read_csv(out / "reps.csv")
    assert len(reps) == summary["reps"] == 2
    for c in checks:
        assert set(reps[c]) <= {"pass", "fail", "uncertain", "not_assessable"}, c
        assert summary["form"]["checks"][c]["frames"]["fail"] == int((fb[c] == "fail").sum())
    assert (
        reps["depth"].isin(["pass", "fail", "uncertain"]).all()
    )  # judged in every rep (side view)
    assert (reps["depth_worst_hip_below_knee_sd_deg"] > 0).all()
    assert np.isfinite(reps["depth_worst_hip_below_knee_deg"]).all()
    assert "elbows_up_worst_upper_arm_elevation_deg" in reps.columns
    assert summary["bar_path"]["choice"].startswith(
        "grip centre: no plate"
    )  # dumbbells: no plate to track
    # the barbell rack's elbows-up rule does not fit dumbbells at the shoulders: not assessable, said why
    assert summary["load"]["load"] == "dumbbell" and "no barbell plate" in summary["load"]["why"]
    assert (fb["elbows_up"] == "not_assessable").all() and (
        reps["elbows_up"] == "not_assessable"
    ).all()
    assert reps["elbows_up_why"].str.contains("dumbbells").all()
    assert summary["form"]["failed_checks"] == [
        c for c in summary["form"]["checks"] if summary["form"]["checks"][c]["failed_reps"]
    ]
    with av.open(str(out / "annotated.mp4")) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in c.decode(s)) == 614
    pictures = sorted((out / "worst_frames").glob("worst_*_frame*.png"))
    assert {p.name.rsplit("_frame", 1)[0][len("worst_") :] for p in pictures} == set(
        summary["form"]["failed_checks"]
    )
    for p in pictures:  # pictures of the reps, not of walking out of the rack
        frame = int(p.stem.rsplit("_frame", 1)[1])
        assert ((reps["start_frame"] <= frame) & (frame <= reps["end_frame"])).any(), p.name


@pytest.mark.media
def test_thresholds_file_changes_the_verdicts(tmp_path):
    from formlab import save_thresholds, thresholds_for

    lax = thresholds_for("front_squat").updated({"elbows_up": {"max_upper_arm_drop_deg": 89.0}})
    path = save_thresholds(lax, tmp_path / "lax.toml")
    base = [
        "analyze",
        "sample:squatAnalysis-rohanx01__squat",
        "-e",
        "front_squat",
        "--load",
        "barbell",  # judged as a barbell rack (the clip holds dumbbells: see the test above)
        "--no-video",
        "--no-figures",
        "--no-progress",
    ]
    assert run(*base, "-o", str(tmp_path / "default")).returncode == 0
    r = run(*base, "-o", str(tmp_path / "lax"), "--thresholds", str(path))
    assert r.returncode == 0, r.stderr
    default = pd.read_csv(tmp_path / "default" / "feedback.csv")
    relaxed = pd.read_csv(tmp_path / "lax" / "feedback.csv")
    assert (relaxed["elbows_up"] == "fail").sum() < (default["elbows_up"] == "fail").sum()
    summary = json.loads((tmp_path / "lax" / "summary.json").read_text())
    assert summary["form"]["thresholds"]["elbows_up"]["max_upper_arm_drop_deg"] == 89.0
    assert summary["form"]["thresholds_source"].startswith(f"file {path.resolve()}")
    default_summary = json.loads((tmp_path / "default" / "summary.json").read_text())
    assert default_summary["form"]["thresholds_source"] == "defaults of front_squat"
    # a threshold out of range: one line naming the file and the field, nothing written
    bad = tmp_path / "bad.json"
    bad.write_text('{"elbows_up": {"max_upper_arm_drop_deg": 120}}')
    r = run(*base, "-o", str(tmp_path / "bad_out"), "--thresholds", str(bad))
    one_line_error(r, "bad.json")
    assert "max_upper_arm_drop_deg" in r.stderr and not (tmp_path / "bad_out").exists()


@pytest.mark.media
def test_a_photo_gets_form_feedback(tmp_path):
    out = tmp_path / "photo"
    r = run("analyze", "sample:ai-trainer__715_low_elbows", "-e", "front_squat", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "fails: elbows_up" in r.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["frames"] == 1 and summary["reps"] is None and summary["image"].endswith(".jpg")
    assert summary["form"]["failed_checks"] == ["elbows_up"]
    assert summary["form"]["thresholds_source"] == "defaults of front_squat"
    fb = pd.read_csv(out / "feedback.csv")
    assert len(fb) == 1 and fb.loc[0, "elbows_up"] == "fail"
    assert (out / "annotated.png").read_bytes()[:4] == b"\x89PNG"
    r = run("analyze", "sample:ai-trainer__715_low_elbows", "-e", "auto", "-o", str(tmp_path / "x"))
    one_line_error(r, "auto needs a video")


def test_python_api_on_a_track_and_extra_outputs(tmp_path):
    track, _ = exercise_track("lunge", 4, 30.0, view="front")
    result = analyze(track, "lunge")
    assert (
        isinstance(result, Analysis) and result.detection.count == 4 and len(result.rep_frames) == 4
    )
    # later steps add per-rep columns, summary sections and writers without touching analyze()
    flagged = result.with_reps_columns({"knees_in": [False, True, False, False]}).with_section(
        "feedback", {"messages": ["keep the knees out"]}
    )

    def write_feedback(analysis, outdir):
        path = outdir / "feedback.csv"
        analysis.reps[["rep", "knees_in"]].to_csv(path, index=False)
        return [path]

    written = flagged.save(tmp_path / "o", writers=[write_summary, write_feedback])
    assert [p.name for p in written] == ["summary.json", "feedback.csv"]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["reps"] == 4 and summary["feedback"]["messages"] == ["keep the knees out"]
    with pytest.raises(ValueError, match="4 reps"):
        result.with_reps_columns({"x": [1]})
    with pytest.raises(ConfigError, match="accepted"):
        analyze(track, "lunges!")
    with pytest.raises(InputError, match="no such file"):
        analyze(tmp_path / "none.mp4", "squat")


@pytest.mark.media
def test_ctrl_c_during_analyze_leaves_no_partial_file(tmp_path, capsys, ctrl_c_after):
    from formlab.cli import main

    ctrl_c_after(20)
    out = tmp_path / "out"
    assert (
        main(["analyze", "sample:tfjs-models__pose_squats", "-o", str(out), "--no-progress"]) == 130
    )
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()  # the folder it created for this run is removed again


@pytest.mark.media
def test_auto_bar_uses_the_plate_when_one_is_seen(sample_path, capsys, monkeypatch):
    from formlab.pipeline import plate_cache, step_cache

    monkeypatch.setattr(plate_cache, "load_plate", lambda key: None)  # track it, do not recall it
    monkeypatch.setattr(step_cache, "load", lambda key: None)  # nor the load path it gave
    result = analyze(sample_path("barpath-lukestynes__small-squat"), "back_squat", progress=True)
    assert result.path.method == "plate" and result.path.info["auto"].startswith("plate found in")
    assert (
        "tracking the plate in barpath-lukestynes__small-squat.mp4" in capsys.readouterr().err
    )  # not silent
    assert result.summary()["bar_path"]["choice"] == result.path.info["auto"]
    grip = analyze(
        sample_path("barpath-lukestynes__small-squat"), "back_squat", bar_method="grip_centre"
    )
    assert (
        grip.path.method == "grip_centre" and grip.summary()["bar_path"]["choice"] == "as requested"
    )


def test_reps_csv_names_each_worst_value_after_its_measured_column(tmp_path):
    """A reader of reps.csv finds, per check, the feedback.csv column its worst value comes from."""
    from support.front_squat import CHECKS

    from formlab.outputs import write_feedback, write_reps_table

    track, _ = exercise_track("squat", 3, 30.0, view="front")
    result = analyze(track, "squat")
    result.save(tmp_path, writers=[write_reps_table, write_feedback])
    reps = pd.read_csv(tmp_path / "reps.csv")
    fb = pd.read_csv(tmp_path / "feedback.csv")
    checks = result.feedback.attrs["checks"]
    assert checks and set(checks) <= set(reps.columns)
    worst = [
        c
        for c in reps.columns
        if "_worst_" in c and not c.endswith("_worst_frame") and "_sd_" not in c
    ]
    assert worst == [f"{name}_worst_{CHECKS[name].value}" for name in checks]
    assert {c.split("_worst_", 1)[1] for c in worst} <= set(
        fb.columns
    )  # each names a feedback.csv column


def test_feedback_and_reps_csv_write_six_significant_digits(tmp_path):
    """No 17-digit noise in the result tables; frames and rep numbers stay integers; the values read back."""
    from formlab.outputs import write_feedback, write_reps_table

    track, _ = exercise_track("squat", 3, 30.0, view="front")
    result = analyze(track, "squat")
    result.save(tmp_path, writers=[write_reps_table, write_feedback])
    assert_written_compactly(tmp_path / "reps.csv", result.reps)
    assert_written_compactly(tmp_path / "feedback.csv", result.feedback)
    reps = pd.read_csv(tmp_path / "reps.csv")
    assert reps["rep"].tolist() == [1, 2, 3] and reps["turn_frame"].dtype.kind == "i"


def test_a_new_run_replaces_all_earlier_outputs_and_nothing_else(tmp_path):
    track, _ = exercise_track("squat", 3, 30.0, view="front")
    out = tmp_path / "out"
    out.mkdir()
    (out / "annotated.mp4").write_bytes(b"from an earlier run")  # the new run writes no video
    (out / "worst_frames").mkdir()
    (out / "worst_frames" / "worst_depth_frame1.png").write_bytes(b"old")
    (out / "my_notes.txt").write_text("mine")
    with pytest.warns(
        FormlabWarning, match="source video not found; the annotated video and worst frames"
    ):
        written = analyze(track, "squat").save(out)
    names = sorted(p.name for p in out.iterdir())
    assert "annotated.mp4" not in names and "worst_frames" not in names  # stale outputs are gone
    assert (out / "my_notes.txt").read_text() == "mine"  # files formlab did not write stay
    assert not [n for n in names if n.startswith(".formlab-run-")]  # the staging folder is removed
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["outputs"]) == sorted(set(names) - {"my_notes.txt"})
    assert sorted(p.name for p in written) == sorted(
        summary["outputs"]
    )  # every file written is returned
    assert written[-1].name == "summary.json"
    assert summary["warnings"] == []


def test_reprs_are_one_short_line():
    from pathlib import Path

    from formlab import evaluate_form, thresholds_for
    from formlab.form.check import FAIL, PASS
    from formlab.form.judge import check_columns
    from formlab.pipeline import PhotoAnalysis

    track, _ = exercise_track("lunge", 4, 30.0, view="front")
    result = analyze(track, "lunge")
    assert repr(result) == (
        f"<Analysis {Path(track.meta.source).name}: lunge, 4 reps, {track.n_frames} frames "
        f"@ 30 fps, load=left_hip+right_hip>"
    )
    squat, _ = exercise_track("squat", 3, 30.0)
    chosen = analyze(squat, "auto")
    text = repr(chosen)
    assert f": {chosen.exercise} (auto), 3 reps, " in text and text.endswith(
        f", bar={chosen.path.method}>"
    )

    photo = squat.select_frames(slice(0, 1))
    th = thresholds_for("squat")
    feedback = evaluate_form(photo, "squat", th)
    checks = check_columns(feedback)
    feedback[checks] = PASS
    pa = PhotoAnalysis(
        source=Path("somewhere/me.jpg"),
        exercise="squat",
        raw_track=photo,
        thresholds=th,
        feedback=feedback,
    )
    assert (
        repr(pa) == f"<PhotoAnalysis me.jpg: squat, pose found, 0 of {len(checks)} checks failed>"
    )
    feedback[checks[-1]] = FAIL
    assert repr(pa).endswith(f", 1 of {len(checks)} checks failed ({checks[-1]})>")
    for obj in (result, chosen, pa):
        assert "\n" not in repr(obj) and len(repr(obj)) < 150


def test_error_messages_use_the_right_article(tmp_path):
    from PIL import Image

    from formlab.core.text import with_article
    from formlab.pipeline.steps import check_video

    assert [with_article(w) for w in ("image", "folder", "overhead_press", "video")] == [
        "an image",
        "a folder",
        "an overhead_press",
        "a video",
    ]
    img = tmp_path / "photo.png"
    Image.new("RGB", (16, 16)).save(img)
    with pytest.raises(InputError, match="reps need a video, got an image "):
        check_video(img)
    r = run("analyze", str(tmp_path), "-o", str(tmp_path / "out"))
    one_line_error(r, "takes one video or one photo, got a folder")


def test_bad_lifter_height_is_named_as_typed_before_anything_is_read(tmp_path):
    r = run(
        "analyze",
        str(tmp_path / "missing.mp4"),
        "--lifter-height",
        "180",
        "-o",
        str(tmp_path / "out"),
    )
    one_line_error(r, "--lifter-height must be a height in metres between 1.0 and 2.5, got 180.0")
    assert not (tmp_path / "out").exists()


@pytest.mark.media
def test_nobody_in_the_picture_is_an_error_not_an_empty_result(tmp_path):
    from PIL import Image
    from support.synthetic import pattern_frame, write_clip

    video = write_clip(tmp_path / "empty_gym.mp4", [pattern_frame(96, 128, i) for i in range(20)])
    r = run("analyze", str(video), "-o", str(tmp_path / "v"), "--no-progress")
    one_line_error(r, "empty_gym.mp4: no person found in any of the 20 frames")
    photo = tmp_path / "wall.png"
    Image.fromarray(pattern_frame(120, 160)).save(photo)
    r = run("analyze", str(photo), "-e", "front_squat", "-o", str(tmp_path / "p"))
    one_line_error(r, "wall.png: no person found in the photo")
    assert not (tmp_path / "v").exists() and not (tmp_path / "p").exists()


def test_the_swap_is_all_or_nothing_and_partial_saves_replace_only_their_files(
    tmp_path, monkeypatch
):
    import os
    from pathlib import Path

    import formlab.core.files as files
    from formlab.core.errors import OutputError
    from formlab.outputs import write_figures

    track, _ = exercise_track("squat", 3, 30.0, view="front")
    result = analyze(track, "squat")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".formlab-run-999999999-abc").mkdir()  # left by a killed run (no such process)
    (out / "annotated.mp4").write_bytes(b"earlier video")
    result.save(out, writers=[write_summary])
    assert not (out / ".formlab-run-999999999-abc").exists()  # cleaned up by the next run
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert set(before) == {"summary.json"}  # a full run replaced the earlier video

    # a run with other writers replaces only what it writes
    (out / "annotated.mp4").write_bytes(b"video of this run")
    result.save(out, writers=[write_figures])
    assert {"summary.json", "annotated.mp4", "bar_path.png", "bar_position.png"} == {
        p.name for p in out.iterdir()
    }

    # a failure in the middle of the swap puts everything back
    state = {p.name: p.read_bytes() for p in out.iterdir()}
    real_replace, calls = os.replace, {"n": 0}

    def failing_replace(src, dst):
        if Path(dst).parent == out:  # the swap's moves into the output folder, not the writers' own
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(OutputError, match="the folder is as it was"):
        result.save(out, writers=[write_figures, write_summary])
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == state


def test_auto_reports_none_of_the_known_lifts_without_guessing_reps(tmp_path):
    """A labelled clip that shows only a lockout hold (a shot cut from a longer video): no lift's pull is seen."""
    out = tmp_path / "none"
    r = run(
        "analyze",
        "sample:deadliftAI-bichraix__bad003",
        "-e",
        "auto",
        "-o",
        str(out),
        "--no-progress",
        "--no-video",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exercise"] == "none" and summary["reps"] == 0
    assert "none of the known lifts" in summary["auto"]["reason"]
    assert summary["auto"]["candidates"]["deadlift"] == 0
    assert "none" in r.stdout
