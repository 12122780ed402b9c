"""Sample registry: verified local copies, clear errors, agreement with the data mirror's manifest."""

import pytest

import formlab
from formlab import SampleError
from formlab.io import samples


def test_registry_has_every_kind_and_the_default_clip():
    info = samples.sample_info(samples.DEFAULT_VIDEO)
    assert info["license"] == "MIT" and info["exercise"] == "front_squat"
    assert (
        samples.sample_info("videos/squatAnalysis-rohanx01__squat.mp4")["name"]
        == samples.DEFAULT_VIDEO
    )
    for kind in ("video", "image", "annotation"):
        assert samples.sample_names(kind)
    # the article's own video is registered for users online
    art = samples.sample_info("ai-trainer__left_side_cut")
    assert "LoboaTeresa/AI-Trainer" in art["url"] and art["git_blob_sha1"]
    with pytest.raises(SampleError, match="unknown sample 'nope'") as e:
        samples.sample_info("nope")
    assert samples.DEFAULT_VIDEO in str(e.value) and "formlab samples" in str(e.value)
    assert not [
        n for n in samples.sample_names("annotation") if n in str(e.value)
    ]  # nothing to analyse


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


def _rows(text):
    """The table part of ``formlab samples``' output: header and rows, up to the blank line."""
    return text.split("\n\n")[0].splitlines()


def _column(lines, name):
    """The cells of one column, read at the header's offset: right only if the table is aligned."""
    start = lines[0].index(name)
    return [line[start:].split("  ")[0].strip() for line in lines[1:]]


def test_samples_table_says_which_copies_are_local_without_downloading(
    tmp_path, monkeypatch, capsys
):
    import hashlib

    from formlab.cli import main

    def entry(name, kind, file, content, **facts):
        return name, {
            "name": name,
            "kind": kind,
            "file": file,
            "url": f"https://example.invalid/{file}",
            "sha256": hashlib.sha256(content).hexdigest(),
            "license": "MIT",
            **facts,
        }

    registry = dict(
        [
            entry("clip_a", "video", "videos/clip_a.mp4", b"aaa", exercise="back_squat", reps=5),
            entry("clip_b", "video", "videos/clip_b.mp4", b"bbb", exercise="deadlift", reps=None),
            entry("photo_c", "image", "images/photo_c.jpg", b"ccc"),
            entry("photo_d", "image", "images/photo_d.jpg", b"ddd"),
            entry("anno_e", "annotation", "annotations/anno_e.json", b"eee"),
        ]
    )
    monkeypatch.setattr(samples, "_registry", lambda: registry)
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    copies = [
        (mirror, "videos/clip_a.mp4", b"aaa"),
        (cache / "samples", "videos/clip_b.mp4", b"bbb"),
        (mirror, "images/photo_d.jpg", b"not the registered file"),
    ]
    for folder, file, content in copies:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_bytes(content)
    monkeypatch.setenv(samples.DATA_DIR_ENV, str(mirror))
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(cache))
    import pooch

    monkeypatch.setattr(
        pooch, "retrieve", lambda *a, **k: pytest.fail("listing the samples downloaded something")
    )

    assert main(["samples"]) == 0
    out = capsys.readouterr().out
    lines = _rows(out)
    assert lines[0].split() == [
        "name",
        "kind",
        "exercise",
        "reps",
        "licence",
        "collection",
        "local",
    ]
    assert _column(lines, "name") == [
        "clip_a",
        "clip_b",
        "photo_c",
        "photo_d",
    ]  # no annotation by default
    assert _column(lines, "kind") == ["video", "video", "image", "image"]
    assert _column(lines, "exercise") == ["back_squat", "deadlift", "-", "-"]
    assert _column(lines, "licence") == ["MIT"] * 4
    assert _column(lines, "collection") == ["examples"] * 4
    assert _column(lines, "local") == ["data dir", "cache", "no", "BAD CHECKSUM"]
    reps_end = lines[0].index("reps") + len("reps")  # numbers are right-aligned under their header
    assert [line[:reps_end].split()[-1] for line in lines[1:]] == ["5", "-", "-", "-"]
    assert str(mirror) in out and "1 annotation" in out

    assert main(["samples", "--kind", "image"]) == 0
    assert _column(_rows(capsys.readouterr().out), "name") == ["photo_c", "photo_d"]
    assert main(["samples", "--kind", "annotation"]) == 0
    assert _column(_rows(capsys.readouterr().out), "local") == ["no"]
    # what the listing says is what fetch does offline
    assert (
        samples.fetch("clip_b", download=False)
        == (cache / "samples" / "videos" / "clip_b.mp4").resolve()
    )
    with pytest.raises(SampleError, match="checksum does not match"):
        samples.fetch("photo_d", download=False)


def test_labelled_clips_are_a_collection_of_their_own():
    """The deadlift-form clips are fetched by name but stay out of the examples the tests iterate over."""
    assert samples.collections()[0] == samples.EXAMPLES and "deadlift-form" in samples.collections()
    labelled = samples.sample_names("video", collection="deadlift-form")
    assert len(labelled) == 21
    assert not set(labelled) & set(samples.sample_names("video"))
    assert set(labelled) <= set(samples.sample_names(collection=None))
    for name in labelled:
        info = samples.sample_info(name)
        assert info["exercise"] == "deadlift" and info["form_label"] in ("good", "bad")
        assert len(info["sha256"]) == 64 and info["url"].startswith("https://")
    listed = formlab.list_samples()
    assert set(listed.loc[listed["name"].isin(labelled), "collection"]) == {"deadlift-form"}
