"""Reading media: rotation, real timestamps, ranges and strides, odd sizes, images, broken files."""

import threading

import numpy as np
import pytest
from PIL import Image
from support.synthetic import pattern_frame, write_clip, write_empty_video

from formlab import ConfigError, InputError
from formlab.io.media import iter_video_frames, list_images, media_kind, probe_video, read_image


def red_corner(rgb):
    """Which corner holds the red square: 'tl', 'tr', 'bl' or 'br'."""
    h, w = rgb.shape[:2]
    corners = {
        "tl": rgb[: h // 8, : w // 8],
        "tr": rgb[: h // 8, -w // 8 :],
        "bl": rgb[-h // 8 :, : w // 8],
        "br": rgb[-h // 8 :, -w // 8 :],
    }
    return max(corners, key=lambda k: corners[k][..., 0].mean() - corners[k][..., 1].mean())


@pytest.mark.parametrize(
    "rotation,shape,corner",
    [(0, (48, 64), "tl"), (90, (64, 48), "bl"), (-90, (64, 48), "tr"), (180, (48, 64), "br")],
)
def test_rotation_metadata_is_applied(tmp_path, rotation, shape, corner):
    path = write_clip(
        tmp_path / "rot.mp4", [pattern_frame(48, 64, i) for i in range(3)], rotation_deg=rotation
    )
    info = probe_video(path)
    assert (info.height_px, info.width_px) == shape and info.rotation_deg % 360 == rotation % 360
    frames = list(iter_video_frames(path))
    assert len(frames) == 3
    for f in frames:
        assert f.rgb.shape[:2] == shape and f.rgb.flags["C_CONTIGUOUS"] and f.rgb.dtype == np.uint8
        assert red_corner(f.rgb) == corner


def test_variable_frame_rate_uses_real_timestamps(tmp_path):
    times = [0.0, 0.033, 0.066, 0.166, 0.2, 0.4, 0.433]
    path = write_clip(
        tmp_path / "vfr.mp4", [pattern_frame(48, 64, i) for i in range(len(times))], times_s=times
    )
    got = [f.time_s for f in iter_video_frames(path)]
    np.testing.assert_allclose(got, times, atol=1e-3)


def test_range_and_stride_keep_video_frame_indices(tmp_path):
    path = write_clip(tmp_path / "c.mp4", [pattern_frame(48, 64, i) for i in range(20)], fps=10)
    frames = list(iter_video_frames(path, start_frame=3, end_frame=15, stride=4))
    assert [f.index for f in frames] == [3, 7, 11]
    np.testing.assert_allclose([f.time_s for f in frames], [0.3, 0.7, 1.1], atol=1e-6)
    with pytest.raises(ConfigError, match="stride"):
        next(iter_video_frames(path, stride=0))
    with pytest.raises(ConfigError, match="end_frame"):
        next(iter_video_frames(path, start_frame=5, end_frame=5))


def test_odd_width_frames_are_contiguous(tmp_path):
    path = write_clip(
        tmp_path / "odd.mkv",
        [pattern_frame(49, 67, i) for i in range(3)],
        codec="ffv1",
        pix_fmt="yuv444p",
    )
    frames = list(iter_video_frames(path))
    assert all(f.rgb.shape == (49, 67, 3) and f.rgb.flags["C_CONTIGUOUS"] for f in frames)
    assert red_corner(frames[0].rgb) == "tl"


def test_stopping_early_stops_the_decoder_thread(tmp_path):
    path = write_clip(tmp_path / "c.mp4", [pattern_frame(48, 64, i) for i in range(40)])
    before = threading.active_count()
    it = iter_video_frames(path, prefetch=2)
    next(it)
    it.close()
    assert threading.active_count() == before


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: p.write_text("this is not a video\n" * 50), "not a readable video"),
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_bytes(np.random.default_rng(0).bytes(5000)), "not a readable video"),
        (write_empty_video, "no frames"),
    ],
)
def test_broken_videos_are_clear_errors(tmp_path, make, message):
    path = tmp_path / "broken.mp4"
    make(path)
    with pytest.raises(InputError, match=message) as e:
        probe_video(path)
    assert str(path) in str(e.value)
    with pytest.raises(InputError, match=str(path)):
        list(iter_video_frames(path))


def test_truncated_video_is_an_error_or_shorter_never_garbage(tmp_path):
    full = write_clip(tmp_path / "full.mp4", [pattern_frame(48, 64, i) for i in range(30)])
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    try:
        frames = list(iter_video_frames(cut))
    except InputError as e:
        assert str(cut) in str(e)
    else:
        assert len(frames) < 30  # what was decodable, with its true indices
        assert [f.index for f in frames] == list(range(len(frames)))


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        media_kind(tmp_path / "nope.mp4")
    txt = tmp_path / "notes.txt"
    txt.write_text("x")
    with pytest.raises(InputError, match="unsupported file type"):
        media_kind(txt)
    with pytest.raises(InputError, match="holds no images"):
        list_images(tmp_path)


def test_images_rgba_gray_palette_webp_and_exif(tmp_path):
    base = pattern_frame(40, 60)
    rgba = np.dstack([base, np.full((40, 60), 255, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    Image.fromarray(base).convert("L").save(tmp_path / "b.jpg")
    Image.fromarray(base).convert("P").save(tmp_path / "c.png")
    Image.fromarray(base).save(tmp_path / "d.webp", lossless=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    Image.fromarray(base).save(tmp_path / "e.jpg", exif=exif, quality=95)
    for name in ("a.png", "b.jpg", "c.png", "d.webp"):
        rgb, rot = read_image(tmp_path / name)
        assert (
            rgb.shape == (40, 60, 3)
            and rgb.dtype == np.uint8
            and rgb.flags["C_CONTIGUOUS"]
            and rot == 0
        )
    rgb, rot = read_image(tmp_path / "e.jpg")
    assert rgb.shape == (60, 40, 3) and rot == -90 and red_corner(rgb) == "tr"
    assert [p.name for p in list_images(tmp_path)] == ["a.png", "b.jpg", "c.png", "d.webp", "e.jpg"]
    bad = tmp_path / "bad.jpg"
    bad.write_text("not an image")
    with pytest.raises(InputError, match="not a readable image"):
        read_image(bad)


def test_only_some_frames_are_handed_over_with_their_indices(tmp_path):
    path = write_clip(tmp_path / "c.mp4", [pattern_frame(48, 64, i) for i in range(20)], fps=10)
    everything = {f.index: f.rgb for f in iter_video_frames(path)}
    some = list(iter_video_frames(path, only={3, 4, 17}))
    assert [f.index for f in some] == [3, 4, 17]
    for f in some:
        np.testing.assert_array_equal(f.rgb, everything[f.index])
    # with a range and a stride: only the frames all three allow
    assert [f.index for f in iter_video_frames(path, start_frame=2, stride=2, only={3, 4, 17})] == [
        4
    ]
