"""Model search order: explicit path, $FORMLAB_MODEL_DIR, user cache, download; clear refusals."""

import zipfile

import pytest

from formlab import ModelError
from formlab.io import model_check, models
from formlab.io.models import MODEL_DIR_ENV, model_filename, resolve_model, validate_model_file


def fake_bundle(path, members=("pose_detector.tflite", "pose_landmarks_detector.tflite")):
    with zipfile.ZipFile(path, "w") as z:
        for m in members:
            z.writestr(m, b"weights of " + m.encode())
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No model dir, an empty cache, and a download that fails like an offline machine."""
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def offline(url, folder, name):
        calls.append(url)
        raise OSError("network is unreachable")

    monkeypatch.setattr(models, "_download", offline)
    return calls


def test_search_order(tmp_path, monkeypatch, isolated):
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    cache_file = fake_bundle(
        (tmp_path / "cache" / "models").mkdir(parents=True)
        or tmp_path / "cache" / "models" / model_filename("lite")
    )
    # cache used when the env dir lacks the file
    monkeypatch.setenv(MODEL_DIR_ENV, str(env_dir))
    assert resolve_model("lite").path == cache_file.resolve()
    # env dir wins over the cache
    env_file = fake_bundle(env_dir / model_filename("lite"))
    m = resolve_model("lite")
    assert m.path == env_file.resolve() and m.variant == "lite" and len(m.sha256) == 64
    # an explicit path wins over everything
    explicit = fake_bundle(tmp_path / "mine.task")
    m = resolve_model(str(explicit))
    assert m.path == explicit.resolve() and m.variant == "custom"
    assert isolated == []  # nothing was downloaded


def test_download_is_last_and_lands_in_cache(tmp_path, monkeypatch, isolated):
    def fake_download(url, folder, name):
        assert url.endswith("/pose_landmarker_heavy/float16/1/pose_landmarker_heavy.task")
        return fake_bundle(folder / name)

    monkeypatch.setattr(models, "_download", fake_download)
    # a fake bundle cannot run; the check that it does is in test_model_download.py
    monkeypatch.setattr(model_check, "verify_model", lambda path: 0.0)
    m = resolve_model("heavy")
    assert m.path == (tmp_path / "cache" / "models" / "pose_landmarker_heavy.task").resolve()


def test_nothing_found_lists_every_place(tmp_path, monkeypatch, isolated):
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ModelError) as e:
        resolve_model("full")
    msg = str(e.value)
    assert str(tmp_path / "nowhere" / "pose_landmarker_full.task") in msg
    assert str(tmp_path / "cache" / "models" / "pose_landmarker_full.task") in msg
    assert (
        "storage.googleapis.com" in msg and "network is unreachable" in msg and MODEL_DIR_ENV in msg
    )
    assert len(isolated) == 1


def test_invalid_bundles_are_refused_by_name(tmp_path, monkeypatch, isolated):
    text = tmp_path / "model.task"
    text.write_text("not a zip")
    with pytest.raises(ModelError, match=f"{text}: not a PoseLandmarker model bundle"):
        resolve_model(str(text))
    partial = fake_bundle(tmp_path / "partial.task", members=("pose_detector.tflite",))
    with pytest.raises(ModelError, match="lacks pose_landmarks_detector.tflite"):
        validate_model_file(partial)
    # a broken file in the model dir is an error, not silently skipped
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    (env_dir / "pose_landmarker_full.task").write_bytes(b"\0" * 100)
    monkeypatch.setenv(MODEL_DIR_ENV, str(env_dir))
    with pytest.raises(ModelError, match="pose_landmarker_full.task: not a PoseLandmarker"):
        resolve_model("full")
    with pytest.raises(ModelError, match="unknown model 'medium'"):
        resolve_model("medium")
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "missing.task"))


def _table(text):
    """``formlab models``' rows as {model: (file, status, sha256)}."""
    rows = [line.split() for line in text.split("\n\n")[0].splitlines()]
    assert rows[0] == ["model", "file", "status", "sha256"]
    return {r[0]: tuple(r[1:]) for r in rows[1:]}


def test_models_listing_exits_0_with_missing_models_and_downloads_nothing(
    tmp_path, isolated, capsys
):
    from formlab.cli import main

    assert main(["models"]) == 0
    out = capsys.readouterr().out
    rows = _table(out)
    assert list(rows) == ["lite", "full", "heavy"]
    cache_models = tmp_path / "cache" / "models"
    for v, (file, status, sha) in rows.items():
        assert (file, status, sha) == (str(cache_models / model_filename(v)), "missing", "-")
    assert "--download" in out and isolated == []  # says how to get them; fetched nothing


def test_models_listing_shows_where_each_is_found_and_fails_on_broken_files(
    tmp_path, monkeypatch, isolated, capsys
):
    from formlab.cli import main

    env_dir = tmp_path / "env"
    env_dir.mkdir()
    lite = fake_bundle(env_dir / model_filename("lite"))
    monkeypatch.setenv(MODEL_DIR_ENV, str(env_dir))
    assert main(["models"]) == 0
    rows = _table(capsys.readouterr().out)
    assert rows["lite"] == (str(lite.resolve()), "found", models.model_sha256(lite))
    assert rows["full"][1] == rows["heavy"][1] == "missing"

    (env_dir / model_filename("full")).write_bytes(
        b"\0" * 100
    )  # there, but not a bundle: extract would fail
    assert main(["models", "full"]) == 2
    captured = capsys.readouterr()
    assert (
        _table(captured.out)["full"][1] == "ERROR"
        and "not a PoseLandmarker model bundle" in captured.err
    )

    assert main(["models", "heavy", "--download"]) == 2  # offline: the download asked for fails
    assert "network is unreachable" in capsys.readouterr().err and len(isolated) == 1
