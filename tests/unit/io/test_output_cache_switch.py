"""``--no-cache`` turns the output caches off: nothing copied from formlab's cache, nothing kept."""

import pytest

from formlab.io import cache


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "figure.png"
    src.write_bytes(b"picture")
    return src, tmp_path / "out.png"


def test_kept_files_are_copied_back_when_on(files):
    src, out = files
    cache.keep_files("figures", "k", {".png": src})
    assert cache.copy_cached_files("figures", "k", {".png": out})
    assert out.read_bytes() == b"picture"


def test_nothing_is_kept_when_off(files):
    src, _ = files
    with cache.outputs_cached(False):
        cache.keep_files("figures", "k", {".png": src})
    assert not (cache.cache_dir("figures") / "k.png").exists()


def test_nothing_is_copied_back_when_off(files):
    src, out = files
    cache.keep_files("figures", "k", {".png": src})
    with cache.outputs_cached(False):
        assert not cache.copy_cached_files("figures", "k", {".png": out})
    assert not out.exists()
    assert cache.outputs_cache_enabled()  # on again after the with
