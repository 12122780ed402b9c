"""Extraction behaviour: caching, people, rotation, odd sizes, interruptions, options."""

import dataclasses
import sys
import threading

import numpy as np
import pytest
from PIL import Image
from support.synthetic import decode_first_frames, write_clip, write_truncated_clip

import formlab
from formlab import ConfigError, ExtractOptions, InputError
from formlab.core.errors import FormlabWarning
from formlab.pose.extract import PoseExtractor

pytestmark = pytest.mark.media


def test_options_are_validated():
    with pytest.raises(
        ConfigError, match=r"extract.min_tracking_confidence = 1.5 is out of range \[0, 1\]"
    ):
        ExtractOptions(min_tracking_confidence=1.5)
    with pytest.raises(ConfigError, match="num_poses"):
        ExtractOptions(num_poses=0)
    with pytest.raises(ConfigError, match="end_frame"):
        ExtractOptions(start_frame=10, end_frame=5)
    with pytest.raises(ConfigError, match="unknown setting extract.modle"):
        ExtractOptions.from_dict({"modle": "full"})
    assert ExtractOptions.from_dict(ExtractOptions(stride=2).to_dict()) == ExtractOptions(stride=2)


def test_cache_hit_skips_inference_and_corrupt_entries_are_recomputed(
    tmp_path, monkeypatch, sample_path
):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    video = sample_path("tfjs-models__pose_squats")
    first = formlab.extract(video, progress=False, end_frame=12)
    assert first.n_frames == 12 and first.meta.source == str(video)

    def no_inference(*a, **k):
        raise AssertionError("inference ran on a cache hit")

    def no_decoding(*a, **k):
        raise AssertionError("the video was opened on a cache hit")

    with monkeypatch.context() as m:
        m.setattr(PoseExtractor, "_run_video", no_inference)
        m.setattr(
            sys.modules["formlab.pose.extract"], "probe_video", no_decoding
        )  # a hit costs a hash and a file read only
        again = formlab.extract(video, progress=False, end_frame=12)
    np.testing.assert_array_equal(again.xy_px, first.xy_px)
    assert again.meta.model_sha256 == first.meta.model_sha256

    # other options -> other entry
    entries = sorted((tmp_path / "cache" / "tracks").glob("*.parquet"))
    assert len(entries) == 1
    formlab.extract(video, progress=False, end_frame=6)
    assert len(list((tmp_path / "cache" / "tracks").glob("*.parquet"))) == 2

    # corrupt the first entry: detected, recomputed, not returned
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 2])
    with pytest.warns(UserWarning, match="corrupt cache entry"):
        redone = formlab.extract(video, progress=False, end_frame=12)
    np.testing.assert_allclose(redone.xy_px, first.xy_px)


def test_image_with_nobody_gives_an_all_nan_frame(tmp_path):
    rng = np.random.default_rng(1)
    img = (rng.uniform(size=(240, 320, 1)) * 40 + np.linspace(60, 200, 320)[None, :, None]).astype(
        np.uint8
    )
    path = tmp_path / "empty_room.png"
    Image.fromarray(np.repeat(img, 3, axis=2)).save(path)
    track = formlab.extract(path, cache=False)
    assert track.n_frames == 1 and not track.detected.any() and np.isnan(track.xy_px).all()
    assert track.meta.person_selection == "no person detected"
    assert len(track.to_frame()) == 33


def test_two_people_in_a_photo_keeps_the_larger_one(tmp_path, sample_path):
    """MediaPipe's test photo (a small figure) beside the article's lifter (tall): keep the lifter."""
    small = np.asarray(Image.open(sample_path("tfjs-models__pose")).convert("RGB"))
    tall = np.asarray(Image.open(sample_path("ai-trainer__500_perfect")).convert("RGB"))
    canvas = np.full(
        (max(small.shape[0], tall.shape[0]), small.shape[1] + tall.shape[1], 3), 255, np.uint8
    )
    canvas[: small.shape[0], : small.shape[1]] = small
    canvas[: tall.shape[0], small.shape[1] :] = tall
    path = tmp_path / "two.png"
    Image.fromarray(canvas).save(path)
    track = formlab.extract(path, cache=False)
    assert "2 people detected" in track.meta.person_selection
    alone = formlab.extract(tall, cache=False)
    shifted = alone.xy_px[0] + [small.shape[1], 0]
    assert np.median(np.abs(track.xy_px[0] - shifted)) < 5


def test_rotated_phone_clip_matches_the_upright_clip(tmp_path, sample_path):
    frames = decode_first_frames(sample_path("tfjs-models__pose_squats"), 8)  # 720x1280 portrait
    upright = write_clip(tmp_path / "upright.mp4", frames, fps=5)
    # stored sideways (landscape) with a display rotation, as phones do
    sideways = write_clip(
        tmp_path / "sideways.mp4", [np.rot90(f, k=-1) for f in frames], fps=5, rotation_deg=90
    )
    a = formlab.extract(upright, cache=False, progress=False)
    b = formlab.extract(sideways, cache=False, progress=False)
    assert (b.meta.width_px, b.meta.height_px) == (720, 1280) and b.meta.rotation_deg == 90
    assert a.detected.all() and b.detected.all()
    assert np.median(np.abs(a.xy_px - b.xy_px)) < 3


def test_odd_width_video_still_finds_the_pose(tmp_path, sample_path):
    img = np.asarray(Image.open(sample_path("tfjs-models__pose")).convert("RGB"))[:665, :999]
    clip = write_clip(tmp_path / "odd.mkv", [img] * 3, codec="ffv1", pix_fmt="yuv444p")
    track = formlab.extract(clip, cache=False, progress=False)
    assert (track.meta.width_px, track.meta.height_px) == (999, 665)
    assert track.detected.all()


def test_stride_and_range(sample_path):
    track = formlab.extract(
        sample_path("tfjs-models__pose_squats"),
        progress=False,
        start_frame=10,
        end_frame=40,
        stride=3,
    )
    np.testing.assert_array_equal(track.frame, np.arange(10, 40, 3))
    np.testing.assert_allclose(track.time_s, track.frame / 5.0)
    assert track.meta.options["stride"] == 3


def test_interrupt_leaves_nothing_behind(tmp_path, sample_path, ctrl_c_after):
    """Ctrl-C in the middle of a video: KeyboardInterrupt propagates, no cache entry, threads stopped."""
    ctrl_c_after(5)
    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        formlab.extract(sample_path("tfjs-models__pose_squats"), progress=False)
    assert not list(tmp_path.rglob("*.parquet"))
    assert threading.active_count() <= before


def test_metadata_records_what_was_done(sample_track):
    track = sample_track("tfjs-models__pose_squats")
    m = track.meta
    assert m.source.endswith("tfjs-models__pose_squats.mp4") and len(m.source_sha256) == 64
    assert m.fps == 5.0 and m.rotation_deg == 0 and m.model_variant == "full"
    assert m.mediapipe_version != "unknown" and m.formlab_version == formlab.__version__
    assert m.options == ExtractOptions().to_dict()
    assert dataclasses.asdict(ExtractOptions()).keys() == m.options.keys()


def test_errors_name_the_file(tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_text("renamed text file\n" * 100)
    with pytest.raises(InputError, match=f"{fake}: not a readable video"):
        formlab.extract(fake, cache=False)
    with pytest.raises(InputError, match="no such file"):
        formlab.extract(tmp_path / "missing.mov")


def test_a_truncated_video_is_analysed_as_far_as_it_goes_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    clip = write_truncated_clip(tmp_path / "cut.mp4", n_frames=200)
    with pytest.warns(FormlabWarning, match=r"cut.mp4: only \d+ of the 200 frames .* truncated"):
        track = formlab.extract(clip, progress=False)
    assert 0 < track.n_frames < 180  # what could be decoded, not padded to the declared length
    assert len(track.meta.warnings) == 1 and "truncated" in track.meta.warnings[0]
    with pytest.warns(FormlabWarning, match="truncated"):  # a cached result says it again
        again = formlab.extract(clip, progress=False)
    assert again.meta.warnings == track.meta.warnings
    assert formlab.load_track(track.save(tmp_path / "cut.csv")).meta.warnings == track.meta.warnings


def test_a_complete_video_gives_no_warning(tmp_path, recwarn):
    clip = write_clip(tmp_path / "ok.mp4", [np.zeros((48, 64, 3), np.uint8)] * 12)
    track = formlab.extract(clip, progress=False, cache=False)
    assert track.n_frames == 12 and track.meta.warnings == ()
    assert not [w for w in recwarn if issubclass(w.category, FormlabWarning)]


def test_a_broken_input_is_reported_before_the_model_is_looked_for(tmp_path, monkeypatch):
    # no model anywhere: were the model resolved first, this would be a model error (or a download)
    monkeypatch.setenv("FORMLAB_MODEL_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "empty-cache"))
    fake = tmp_path / "clip.mp4"
    fake.write_text("renamed text file\n" * 100)
    with pytest.raises(InputError, match=f"{fake}: not a readable video"):
        formlab.extract(fake)
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_text("not a jpeg")
    with pytest.raises(InputError, match="a.jpg: not a readable image"):
        formlab.extract(folder)
