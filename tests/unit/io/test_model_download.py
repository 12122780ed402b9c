"""A downloaded model is run before it is trusted: it must load and reproduce MediaPipe's landmarks."""

import json
import os
import shutil
import zipfile

import pytest

import formlab
from formlab import ModelError
from formlab.core.files import sha256_file
from formlab.io import model_check, models
from formlab.io.models import MODEL_DIR_ENV, model_filename, resolve_model

pytestmark = pytest.mark.media

REAL_MODELS = os.environ.get(MODEL_DIR_ENV)


def garbage_bundle(path):
    """The right member names, contents that are not networks."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("pose_detector.tflite", b"\x00garbage" * 500)
        z.writestr("pose_landmarks_detector.tflite", b"\x01junk" * 500)
    return path


def real_model(variant="full"):
    """A working bundle, found the way formlab finds it (the shared models in CI)."""
    return resolve_model(variant, download=False).path


@pytest.fixture
def download_of(tmp_path, monkeypatch):
    """``download_of(file)``: the next model download delivers a copy of ``file``."""
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))

    def arm(source):
        def fake(url, folder, name):
            return shutil.copyfile(source, folder / name)

        monkeypatch.setattr(models, "_download", fake)

    return arm


@pytest.fixture(scope="module")
def full_model():
    return real_model("full")


def test_a_garbage_bundle_is_one_line_naming_the_file(tmp_path, sample_path):
    bad = garbage_bundle(tmp_path / "bad.task")
    with pytest.raises(ModelError) as e:
        formlab.extract(sample_path("tfjs-models__pose"), model=str(bad), cache=False)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: not a usable PoseLandmarker model") and "\n" not in msg


def test_a_garbage_download_never_enters_the_cache(tmp_path, download_of):
    download_of(garbage_bundle(tmp_path / "bad.task"))
    with pytest.raises(ModelError, match="failed its check and was deleted.*not a usable"):
        resolve_model("full")
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_a_model_that_misplaces_landmarks_is_refused(
    tmp_path, download_of, monkeypatch, full_model
):
    download_of(full_model)
    monkeypatch.setattr(
        model_check, "CONFORMANCE_EXPECTED_PX", model_check.CONFORMANCE_EXPECTED_PX + 40
    )
    with pytest.raises(ModelError, match="misplaces landmarks .* by up to"):
        resolve_model("full")
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_a_good_download_is_verified_cached_and_recorded(tmp_path, download_of, full_model):
    download_of(full_model)
    m = resolve_model("full")
    cached = tmp_path / "cache" / "models" / model_filename("full")
    assert m.path == cached.resolve() and m.sha256 == sha256_file(full_model)
    record = json.loads(cached.with_name(cached.name + ".json").read_text())
    assert record["sha256"] == m.sha256 and record["url"] == models.model_url("full")
    assert 0 <= record["conformance_max_error_px"] <= model_check.CONFORMANCE_TOLERANCE_PX
    assert sorted(p.name for p in cached.parent.iterdir()) == [cached.name, cached.name + ".json"]
