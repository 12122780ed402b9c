"""Decoded frames kept in the cache: the same pixels, no second decoding, broken entries redone."""

import numpy as np
import pytest
from support.synthetic import pattern_frame, write_clip

from formlab.io import frame_cache
from formlab.io.media import iter_video_frames


@pytest.fixture
def clip(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    return write_clip(tmp_path / "c.mp4", [pattern_frame(48, 64, i) for i in range(12)], fps=10)


def test_kept_frames_are_the_decoded_ones_and_are_not_decoded_again(clip, monkeypatch):
    decoded = {f.index: f.rgb for f in iter_video_frames(clip)}
    first = frame_cache.video_frames(clip, {2, 9})
    assert sorted(first) == [2, 9]

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again")

    monkeypatch.setattr(frame_cache, "iter_video_frames", no_decoding)
    again = frame_cache.video_frames(clip, [9, 2])
    for f in (2, 9):
        np.testing.assert_array_equal(first[f], decoded[f])
        np.testing.assert_array_equal(again[f], decoded[f])


def test_only_the_missing_frames_are_decoded(clip, monkeypatch):
    frame_cache.video_frames(clip, {2})
    asked = []
    real = frame_cache.iter_video_frames

    def spy(path, **kwargs):
        asked.append(sorted(kwargs["only"]))
        return real(path, **kwargs)

    monkeypatch.setattr(frame_cache, "iter_video_frames", spy)
    got = frame_cache.video_frames(clip, {2, 5, 7})
    assert asked == [[5, 7]] and sorted(got) == [2, 5, 7]


def test_a_broken_entry_is_decoded_again(clip):
    decoded = {f.index: f.rgb for f in iter_video_frames(clip)}
    frame_cache.video_frames(clip, {4})
    (entry,) = (frame_cache.cache_dir("frames")).glob("*_4_*.npy")
    entry.write_bytes(b"not a frame")
    np.testing.assert_array_equal(frame_cache.video_frames(clip, {4})[4], decoded[4])
    assert np.load(entry).shape == decoded[4].shape  # stored again


def test_frames_past_the_end_are_missing_and_another_video_has_its_own_entries(clip, tmp_path):
    assert sorted(frame_cache.video_frames(clip, {11, 30})) == [11]
    other = write_clip(
        tmp_path / "d.mp4", [pattern_frame(48, 64, i + 5) for i in range(12)], fps=10
    )
    a, b = frame_cache.video_frames(clip, {3})[3], frame_cache.video_frames(other, {3})[3]
    assert not np.array_equal(a, b)


def test_no_cache_decodes_and_keeps_nothing(clip, monkeypatch):
    from formlab.io.cache import outputs_cached

    decoded = {f.index: f.rgb for f in iter_video_frames(clip)}
    frame_cache.video_frames(clip, {3})  # kept: must not be read back under --no-cache
    real, asked = frame_cache.iter_video_frames, []

    def spy(path, **kwargs):
        asked.append(sorted(kwargs["only"]))
        return real(path, **kwargs)

    monkeypatch.setattr(frame_cache, "iter_video_frames", spy)
    with outputs_cached(False):
        got = frame_cache.video_frames(clip, {3, 6})
    assert asked == [[3, 6]]
    np.testing.assert_array_equal(got[6], decoded[6])
    assert not list(frame_cache.cache_dir("frames").glob("*_6_*.npy"))
