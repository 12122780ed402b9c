"""Records and keys: what lets a re-run skip a finished video, and only a finished one."""

import json
import math

import pytest

from formlab.core.errors import InputError
from formlab.pipeline.batch import VideoJob
from formlab.pipeline.batch.work import (
    BatchSettings,
    failed_row,
    one_line,
    read_record,
    record_key,
    record_paths,
)


def settings(**kw):
    return BatchSettings(extract_options={"model": "full", "stride": 1}, **kw)


def test_key_changes_with_content_lift_and_every_output_option(tmp_path):
    base = record_key("abc", "squat", settings().fingerprint())
    assert base == record_key("abc", "squat", settings().fingerprint())
    assert base == record_key("abc", "squat", settings(cache=False).fingerprint())  # same results
    others = [
        record_key("abd", "squat", settings().fingerprint()),
        record_key("abc", "auto", settings().fingerprint()),
        record_key("abc", "squat", settings(video=False).fingerprint()),
        record_key("abc", "squat", settings(video_size="full").fingerprint()),
        record_key("abc", "squat", settings(bar_method="plate").fingerprint()),
        record_key("abc", "squat", settings(plate_diameter_m=0.3).fingerprint()),
        record_key(
            "abc",
            "squat",
            BatchSettings(extract_options={"model": "full", "stride": 2}).fingerprint(),
        ),
    ]
    assert len({base, *others}) == 1 + len(others)
    # without a plate diameter the key is the one a batch from before the option recorded
    assert "plate_diameter_m" not in settings().fingerprint()


def test_the_plate_diameter_reaches_each_videos_analysis(tmp_path, monkeypatch):
    import importlib

    from formlab.pipeline.batch.work import analyse_video

    analyze_module = importlib.import_module("formlab.pipeline.analyze")  # (not the function)

    seen = {}

    def fake_analyze(path, exercise, **kw):
        seen.update(kw)
        raise InputError(f"{path}: stop here")

    monkeypatch.setattr(analyze_module, "analyze", fake_analyze)
    job = VideoJob("a", tmp_path / "a.mp4", "deadlift", math.nan, {})
    out = analyse_video(job, settings(plate_diameter_m=0.3), str(tmp_path), "k", "abc")
    assert seen["plate_diameter_m"] == 0.3
    assert out["row"]["status"] == "failed"


def test_key_follows_the_thresholds_file_content(tmp_path):
    th = tmp_path / "t.toml"
    th.write_text("[depth]\n")
    first = record_key("abc", "squat", settings(thresholds=str(th)).fingerprint())
    th.write_text("[depth]\n# edited\n")
    assert first != record_key("abc", "squat", settings(thresholds=str(th)).fingerprint())


def write_record(outdir, video_id, key, summary=True):
    meta, reps = record_paths(outdir, video_id)
    meta.parent.mkdir(parents=True, exist_ok=True)
    reps.write_bytes(b"")
    meta.write_text(json.dumps({"key": key, "row": {"status": "ok"}, "feedback": []}))
    (outdir / video_id).mkdir(exist_ok=True)
    if summary:
        (outdir / video_id / "summary.json").write_text("{}")


def test_a_record_counts_only_with_its_key_and_a_complete_sub_folder(tmp_path):
    write_record(tmp_path, "done", "k1")
    write_record(tmp_path, "partial", "k1", summary=False)
    assert read_record(tmp_path, "done", "k1")["row"] == {"status": "ok"}
    assert read_record(tmp_path, "done", "k2") is None  # other content or options
    assert read_record(tmp_path, "partial", "k1") is None  # no summary.json: not finished
    assert read_record(tmp_path, "never", "k1") is None
    record_paths(tmp_path, "done")[0].write_text("{trunc")  # a damaged record
    assert read_record(tmp_path, "done", "k1") is None


def test_errors_become_one_line_rows():
    job = VideoJob("v", "v.mp4", "auto")
    assert one_line(InputError("v.mp4: no person found\nmore")) == "v.mp4: no person found"
    try:
        {}["x"]
    except KeyError as e:
        text = one_line(e)
    assert text.startswith("KeyError: 'x' (at test_batch_work.py:") and "\n" not in text
    row = failed_row(job, "v.mp4: broken", "ff", 1.5)
    assert (row["status"], row["error"], row["sha256"], row["seconds"]) == (
        "failed",
        "v.mp4: broken",
        "ff",
        1.5,
    )
    assert math.isnan(row["reps"])


def test_writers_follow_the_options_with_the_summary_last():
    names = [getattr(w, "__name__", "") for w in settings(figures=False, video=False).writers()]
    assert names[-1] == "write_summary" and "write_figures" not in names
    assert "write_annotated" not in names
    full = [getattr(w, "__name__", "") for w in settings().writers()]
    assert "write_figures" in full and "write_annotated" in full


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_pose_format_is_passed_to_the_pose_writer(fmt):
    assert settings(pose_format=fmt).fingerprint()["pose_format"] == fmt
