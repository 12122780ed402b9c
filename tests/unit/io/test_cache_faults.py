"""The cache only saves time: a full or read-only cache never costs a result."""

import errno
import warnings

import pytest

import formlab
from formlab import FormlabWarning
from formlab.core.track import PoseTrack

pytestmark = pytest.mark.media


def test_a_cache_that_cannot_store_warns_and_keeps_the_result(tmp_path, monkeypatch, sample_path):
    photo = sample_path("tfjs-models__pose")
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    real_save = PoseTrack.save

    def full_in_cache(self, path):
        if str(tmp_path / "cache") in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, path)

    monkeypatch.setattr(PoseTrack, "save", full_in_cache)
    with pytest.warns(FormlabWarning, match="not stored in the cache.*No space left"):
        track = formlab.extract(photo)
    assert track.detected[0]
    assert list((tmp_path / "cache" / "tracks").iterdir()) == []  # no half entry


def test_a_read_only_cache_runs_with_no_cache_and_warns_with_cache(
    readonly_dir, monkeypatch, sample_path
):
    photo = sample_path("tfjs-models__pose")  # found in $FORMLAB_DATA_DIR, not the cache
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(readonly_dir))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # --no-cache does not touch the cache: nothing to say
        assert formlab.extract(photo, cache=False).detected[0]
    with pytest.warns(FormlabWarning, match="not stored in the cache"):
        assert formlab.extract(photo).detected[0]
    assert list(readonly_dir.iterdir()) == []
