"""Writing files when things go wrong: a folder in the way, a full disk, a run killed mid-write."""

import errno
import subprocess
import sys

import pandas as pd
import pytest

from formlab import OutputError, load_track
from formlab.core import files
from formlab.core.track import sidecar_path

from .test_track import make_track


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def dead_pid() -> int:
    """The id of a process that has ended."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_folder_named_like_the_csv_is_a_clear_error_and_leaves_no_sidecar(tmp_path):
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(OutputError, match="dir.csv: is a folder"):
        make_track().save(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv"]
    assert not sidecar_path(folder).exists() and list(folder.iterdir()) == []


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_disk_full_while_saving_a_track_is_one_error_and_leaves_nothing(
    tmp_path, monkeypatch, suffix
):
    import pyarrow.parquet as pq

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    monkeypatch.setattr(pq, "write_table", disk_full)
    with pytest.raises(
        OutputError, match=rf"t\.{suffix}: cannot write \(No space left on device\)"
    ):
        make_track().save(tmp_path / f"t.{suffix}")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_on_the_sidecar_leaves_the_earlier_table_and_sidecar(tmp_path, monkeypatch):
    path = make_track(seed=1).save(tmp_path / "t.csv")
    before = path.read_bytes(), sidecar_path(path).read_bytes()
    real = files.Path.write_text

    def full_for_json(self, *a, **k):
        if self.name.endswith(".json"):
            disk_full()
        return real(self, *a, **k)

    monkeypatch.setattr(files.Path, "write_text", full_for_json)
    with pytest.raises(OutputError, match="No space left"):
        make_track(seed=2).save(path)
    assert (path.read_bytes(), sidecar_path(path).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.csv.json"]


def test_temporary_files_of_killed_runs_are_removed_by_the_next_writer(tmp_path):
    stale = tmp_path / f".pose.csv.{dead_pid()}-abc123.part.csv"
    stale.write_bytes(b"")
    alive = tmp_path / f".pose.csv.{subprocess.os.getppid()}-def456.part.csv"  # a running process
    alive.write_bytes(b"")
    other = tmp_path / f".other.csv.{dead_pid()}-xyz.part.csv"  # another file's: not ours to judge
    other.write_bytes(b"")
    make_track().save(tmp_path / "pose.csv")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert stale.name not in names
    assert alive.name in names and other.name in names
    assert load_track(tmp_path / "pose.csv").n_frames == 5


def test_a_cut_csv_is_an_error_naming_the_file(tmp_path):
    path = make_track(n=6).save(tmp_path / "pose.csv")
    text = path.read_text()
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: len(text) // 2])
    sidecar_path(cut).write_text(sidecar_path(path).read_text())
    with pytest.raises(Exception) as e:
        load_track(cut)
    assert type(e.value).__name__ == "InputError" and str(e.value).startswith(f"{cut}: ")
