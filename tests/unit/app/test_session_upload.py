"""The app's session folder and chunked upload: limits, names, order, clean-up (no browser, no media)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from formlab.app.session import (
    CACHE_ENV,
    FILES_URL_ENV,
    MAX_UPLOAD_ENV,
    SESSIONS_DIR_ENV,
    AppSettings,
    SessionFolder,
    safe_file_name,
    sweep_orphans,
)
from formlab.app.upload import ChunkedUpload, UploadReceiver, size_in_words
from formlab.core.errors import ConfigError, InputError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("squat.mp4", "squat.mp4"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\My Clip (1).MOV", "My_Clip_1.mov"),
        ("", "upload"),
        (".hidden", "upload.hidden"),
    ],
)
def test_safe_file_name(given, expected):
    assert safe_file_name(given) == expected


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv(SESSIONS_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(FILES_URL_ENV, "voila/files/sessions")
    monkeypatch.setenv(MAX_UPLOAD_ENV, "2.5")
    monkeypatch.setenv(CACHE_ENV, "1")
    s = AppSettings.from_env()
    assert s.sessions_dir == tmp_path and s.files_url == "voila/files/sessions"
    assert s.max_upload_bytes == int(2.5 * 1024 * 1024) and s.cache
    monkeypatch.setenv(MAX_UPLOAD_ENV, "lots")
    with pytest.raises(ConfigError, match=MAX_UPLOAD_ENV):
        AppSettings.from_env()


def test_session_folder_runs_urls_and_close(tmp_path):
    settings = AppSettings(sessions_dir=tmp_path / "sessions", files_url="voila/files/sessions")
    a, b = SessionFolder(settings), SessionFolder(settings)
    assert a.path != b.path and len(a.path.name) == 32  # random, unguessable names
    first, second = a.new_run(), a.new_run()
    (first / "x.png").write_bytes(b"1")
    a.discard_runs(keep=second)
    assert not first.exists() and second.is_dir()
    assert a.url_of(second / "y.mp4") == f"voila/files/sessions/{a.path.name}/run-2/y.mp4"
    a.close()
    assert not a.path.exists() and b.path.is_dir()
    a.close()  # twice is fine
    assert SessionFolder(AppSettings(sessions_dir=tmp_path / "s2")).url_of(tmp_path) is None


def test_orphaned_session_folders_are_swept(tmp_path):
    settings = AppSettings(sessions_dir=tmp_path)
    alive = SessionFolder(settings)
    dead = tmp_path / ("d" * 32)
    dead.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (dead / ".pid").write_text(gone.stdout.strip())  # a kernel that was killed
    (dead / "run-1").mkdir()
    assert sweep_orphans(tmp_path) == [dead]
    assert alive.path.is_dir() and not dead.exists()
    alive.close()


def test_size_in_words():
    assert size_in_words(512) == "512 bytes"
    assert size_in_words(1536) == "1.5 KiB"
    assert size_in_words(300 * 1024 * 1024) == "300 MiB"
    assert size_in_words(2 * 1024**3) == "2 GiB"


def test_receiver_refuses_over_the_limit_before_any_byte(tmp_path):
    r = UploadReceiver(max_bytes=1000)
    with pytest.raises(
        InputError, match=r"^phone\.mov: 1.96 GiB is over the app's upload limit of 1000 bytes"
    ):
        r.start(tmp_path / "in", "phone.mov", 2_100_000_000)
    assert not (tmp_path / "in").exists()
    with pytest.raises(InputError, match="empty"):
        r.start(tmp_path, "nothing.mp4", 0)


def test_receiver_writes_chunks_in_order(tmp_path):
    data = os.urandom(10_000)
    r = UploadReceiver(max_bytes=20_000)
    offset = r.start(tmp_path, "clip.mp4", len(data))
    while offset is not None:
        offset = r.chunk(offset, memoryview(data)[offset : offset + 3000])
    assert r.path == tmp_path / "clip.mp4" and r.path.read_bytes() == data


def test_receiver_refuses_chunks_out_of_order_and_drops_the_part(tmp_path):
    r = UploadReceiver(max_bytes=20_000)
    r.start(tmp_path, "clip.mp4", 100)
    r.chunk(0, b"x" * 50)
    with pytest.raises(InputError, match="out of order"):
        r.chunk(70, b"x" * 30)
    r.abort()
    assert not (tmp_path / "clip.mp4").exists()


class _Recorder:
    def __init__(self):
        self.received, self.errors, self.sent = [], [], []


def _widget(tmp_path, max_bytes=1000):
    rec = _Recorder()
    up = ChunkedUpload(
        folder=lambda: tmp_path / "upload",
        max_bytes=max_bytes,
        on_received=lambda p, n: rec.received.append((p, n)),
        on_error=rec.errors.append,
    )
    up.send = rec.sent.append  # what would go to the browser
    return up, rec


def test_upload_widget_asks_for_chunks_until_complete(tmp_path):
    up, rec = _widget(tmp_path)
    data = b"a" * 700
    up._handle(up, {"type": "start", "name": "clip.mp4", "size": len(data)}, [])
    assert rec.sent == [{"type": "next", "offset": 0}]
    up._handle(up, {"type": "chunk", "offset": 0}, [memoryview(data[:400])])
    assert rec.sent[-1] == {"type": "next", "offset": 400}
    up._handle(up, {"type": "chunk", "offset": 400}, [memoryview(data[400:])])
    assert rec.sent[-1] == {"type": "end"}
    assert rec.received == [(tmp_path / "upload" / "clip.mp4", "clip.mp4")] and not rec.errors
    assert (tmp_path / "upload" / "clip.mp4").read_bytes() == data


def test_upload_widget_reports_a_file_too_large_as_one_line(tmp_path):
    up, rec = _widget(tmp_path, max_bytes=1000)
    up._handle(up, {"type": "start", "name": "huge.mov", "size": 2 * 1024**3}, [])
    assert rec.sent == [{"type": "end"}] and not rec.received
    assert len(rec.errors) == 1 and "\n" not in rec.errors[0]
    assert rec.errors[0].startswith("huge.mov: 2 GiB is over the app's upload limit")


def test_upload_widget_refuses_while_disabled(tmp_path):
    up, rec = _widget(tmp_path)
    up.disabled = True
    up._handle(up, {"type": "start", "name": "clip.mp4", "size": 10}, [])
    assert rec.errors == ["an analysis is running; wait for it to finish"]
    assert not Path(tmp_path / "upload").exists()
