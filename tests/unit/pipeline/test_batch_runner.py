"""formlab.batch without a person in sight: option errors first, then failed rows, never a stop."""

import pandas as pd
import pytest

import formlab
from formlab.core.errors import ConfigError


@pytest.mark.parametrize(
    "options,message",
    [
        ({"engine": "spark"}, "engine = 'spark' is not one of: local, dask"),
        ({"scheduler": "tcp://h:8786"}, "--scheduler needs --engine dask"),
        ({"jobs": 0}, "jobs = 0 must be 1 or more"),
        ({"pose_format": "xlsx"}, "pose_format = 'xlsx' is not one of: csv, parquet"),
        ({"bar_method": "laser"}, "bar_method = 'laser' is not one of: auto"),
        ({"lifter_height_m": 0.3}, "lifter_height_m = 0.3 is not a height in metres"),
        ({"exercise": "snatch"}, "unknown exercise 'snatch'"),
        ({"video_size": "4k"}, "video_size = '4k' is not one of 720, full"),
    ],
)
def test_bad_options_fail_before_anything_is_written(tmp_path, options, message):
    (tmp_path / "a.mp4").write_bytes(b"x")
    with pytest.raises(ConfigError, match=message):
        formlab.batch(tmp_path / "a.mp4", tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


def test_every_video_failing_still_gives_the_tables(tmp_path):
    (tmp_path / "corrupt.mp4").write_bytes(b"\x00garbage" * 100)
    (tmp_path / "photo.jpg").write_bytes(b"x")
    listing = tmp_path / "list.csv"
    listing.write_text("video,reps\ncorrupt.mp4,3\nmissing.mp4,1\nphoto.jpg,\n")
    result = formlab.batch(listing, tmp_path / "out", jobs=1)
    videos = result.videos
    assert videos["status"].tolist() == ["failed"] * 3 and result.count("failed") == 3
    errors = videos["error"].tolist()
    assert "corrupt.mp4" in errors[0] and "\n" not in errors[0]
    assert errors[1].endswith("missing.mp4: no such file")
    assert "photo.jpg: reps need a video, got an image" in errors[2]
    assert videos["sha256"].tolist()[1:] == ["", ""] and len(videos["sha256"][0]) == 64
    assert result.reps.empty and result.feedback.empty
    assert result.evaluation["overall"]["not_scored"] == 2
    written = pd.read_csv(tmp_path / "out" / "videos.csv")
    assert written["status"].tolist() == ["failed"] * 3
    assert (tmp_path / "out" / "reps.parquet").is_file()
    assert (tmp_path / "out" / "evaluation.json").is_file()
    assert not any(p.is_dir() and not p.name.startswith(".") for p in (tmp_path / "out").iterdir())


def test_a_lifts_thresholds_template_is_taken_under_auto(tmp_path):
    # auto (batch's default) checks the file only as far as it can before a lift is recognised:
    # the back squat's depth settings are not the push-up's, and must not be held to them
    template = formlab.save_thresholds(formlab.thresholds_for("back_squat"), tmp_path / "mine.toml")
    (tmp_path / "corrupt.mp4").write_bytes(b"\x00garbage" * 100)
    result = formlab.batch(tmp_path / "corrupt.mp4", tmp_path / "out", jobs=1, thresholds=template)
    assert result.videos["status"].tolist() == ["failed"]  # the clip, not the thresholds file
    assert "corrupt.mp4" in result.videos["error"][0]
    typo = tmp_path / "typo.toml"
    typo.write_text("[depth]\nmin_hip_below_knee_degs = 5.0\n")
    with pytest.raises(
        ConfigError, match="typo.toml: unknown setting depth.min_hip_below_knee_degs"
    ):
        formlab.batch(tmp_path / "corrupt.mp4", tmp_path / "out2", jobs=1, thresholds=typo)
    assert not (tmp_path / "out2").exists()
