"""The cleaned track kept in the cache: the same track as cleaning it, no second cleaning."""

import json

import numpy as np
import pytest
from support.synthetic_pose import exercise_track

from formlab.io.cache import cache_dir
from formlab.pipeline import clean_cache, steps
from formlab.signal.cleaning import clean_track


@pytest.fixture
def raw(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    track, _ = exercise_track("squat", n_reps=2, noise_m=0.01, seed=3)
    return track


def same_track(a, b):
    for name in clean_cache._ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), name
    assert json.dumps(a.meta.to_dict(), default=str) == json.dumps(b.meta.to_dict(), default=str)


def test_a_kept_track_is_the_cleaned_one_and_is_not_cleaned_again(raw, monkeypatch):
    fresh = clean_track(raw)
    same_track(steps.clean(raw, cache=True), fresh)

    def no_cleaning(*args, **kwargs):
        raise AssertionError("cleaned again")

    monkeypatch.setattr(clean_cache, "clean_track", no_cleaning)
    same_track(steps.clean(raw, cache=True), fresh)
    with pytest.raises(AssertionError, match="cleaned again"):  # other options: another entry
        steps.clean(raw, {"smoothing": "butterworth"}, cache=True)


def test_another_raw_track_is_cleaned_anew(raw):
    steps.clean(raw, cache=True)
    other = raw.replace(xy_px=raw.xy_px + 1.0)
    same_track(steps.clean(other, cache=True), clean_track(other))


def test_a_broken_entry_is_cleaned_again(raw):
    steps.clean(raw, cache=True)
    (entry,) = cache_dir("cleaned").glob("*.npz")
    entry.write_bytes(b"not a track")
    same_track(steps.clean(raw, cache=True), clean_track(raw))
    assert entry.stat().st_size > 1000  # stored again
