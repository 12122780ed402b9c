"""Sample registry: verified local copies, clear errors, agreement with the data mirror's manifest."""

import pytest

from formlab import SampleError, samples


def test_registry_has_every_kind_and_the_default_clip():
    info = samples.sample_info(samples.DEFAULT_VIDEO)
    assert info["license"] == "MIT" and info["exercise"] == "front_squat"
    assert samples.sample_info("videos/squatAnalysis-rohanx01__squat.mp4")["name"] == samples.DEFAULT_VIDEO
    for kind in ("video", "image", "annotation"):
        assert samples.sample_names(kind)
    # the article's own video is registered for users online
    art = samples.sample_info("ai-trainer__left_side_cut")
    assert "LoboaTeresa/AI-Trainer" in art["url"] and art["git_blob_sha1"]
    with pytest.raises(SampleError, match="unknown sample 'nope'"):
        samples.sample_info("nope")


def test_fetch_verifies_checksums(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "images").mkdir(parents=True)
    monkeypatch.setenv(samples.DATA_DIR_ENV, str(mirror))
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    bad = mirror / "images" / "tfjs-models__pose.jpg"
    bad.write_bytes(b"a different file")
    with pytest.raises(SampleError, match="checksum does not match"):
        samples.fetch("tfjs-models__pose")
    bad.unlink()
    with pytest.raises(SampleError) as e:
        samples.fetch("tfjs-models__pose", download=False)
    assert str(bad) in str(e.value) and "download disabled" in str(e.value)


@pytest.mark.media
def test_fetch_finds_the_mirror_copy():
    path = samples.fetch("tfjs-models__pose")
    assert path.is_file() and path.name == "tfjs-models__pose.jpg"
