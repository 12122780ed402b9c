"""Writers run in the background (the annotated video) keep the outputs atomic."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from support.synthetic_pose import exercise_track

from formlab.core.errors import OutputError
from formlab.core.stages import Stages
from formlab.outputs import annotated_video_writer, pose_writer, save_outputs, write_summary


def background_writer(name: str, *, fail: bool = False, wait_s: float = 0.0, log=None):
    def writer(analysis, outdir: Path, cancel: threading.Event | None = None) -> list[Path]:
        end = time.monotonic() + wait_s
        while time.monotonic() < end:
            if cancel is not None and cancel.is_set():
                (log if log is not None else []).append("cancelled")
                raise OutputError("cancelled")
            time.sleep(0.005)
        if fail:
            raise OutputError(f"{name}: broken")
        path = outdir / name
        path.write_text("video")
        return [path]

    writer.background = True
    writer.stage = "video"
    return writer


def foreground_writer(name: str, *, fail: bool = False, seen=None):
    def writer(analysis, outdir: Path) -> list[Path]:
        if seen is not None:
            seen.append(sorted(p.name for p in outdir.iterdir()))
        if fail:
            raise OutputError(f"{name}: broken")
        path = outdir / name
        path.write_text("table")
        return [path]

    writer.stage = "tables"
    return writer


def test_background_writer_runs_beside_the_others_and_is_timed(tmp_path):
    seen: list[list[str]] = []
    stages = Stages()
    paths = save_outputs(
        None,
        tmp_path,
        [foreground_writer("a.csv", seen=seen), background_writer("v.mp4", wait_s=0.2)],
        stages,
    )
    assert sorted(p.name for p in paths) == ["a.csv", "v.mp4"]
    assert (tmp_path / "v.mp4").read_text() == "video"
    assert seen == [[]]  # the table was written while the video was still being written
    assert stages.seconds["video"] >= 0.2 and "tables" in stages.seconds


def test_the_summary_waits_for_the_background_writer(tmp_path, monkeypatch):
    class Result:
        def summary(self):
            return {}

    paths = save_outputs(
        Result(), tmp_path, [background_writer("v.mp4", wait_s=0.1), write_summary]
    )
    assert "v.mp4" in (tmp_path / "summary.json").read_text()
    assert {p.name for p in paths} == {"v.mp4", "summary.json"}


def test_a_failing_writer_cancels_the_video_and_leaves_nothing(tmp_path):
    log: list[str] = []
    with pytest.raises(OutputError, match="a.csv: broken"):
        save_outputs(
            None,
            tmp_path,
            [background_writer("v.mp4", wait_s=30, log=log), foreground_writer("a.csv", fail=True)],
        )
    assert log == ["cancelled"]
    assert list(tmp_path.iterdir()) == []  # no output and no staging folder


def test_a_failing_background_writer_is_reported(tmp_path):
    with pytest.raises(OutputError, match="v.mp4: broken"):
        save_outputs(
            None, tmp_path, [background_writer("v.mp4", fail=True), foreground_writer("a")]
        )
    assert list(tmp_path.iterdir()) == []


def test_video_size_is_checked():
    assert annotated_video_writer(size="full").background
    with pytest.raises(OutputError, match="video size"):
        annotated_video_writer(size="1080")


def process_writer(name: str, *, fail: bool = False):
    import os

    def writer(analysis, outdir: Path) -> list[Path]:
        if fail:
            raise ValueError("no figure today")
        path = outdir / name
        path.write_text(str(os.getpid()))
        return [path]

    writer.process = True
    writer.stage = "figures"
    return writer


def test_a_process_writer_runs_in_another_process_on_linux(tmp_path):
    import os

    stages = Stages()
    paths = save_outputs(None, tmp_path, [process_writer("f.png"), foreground_writer("a")], stages)
    assert {p.name for p in paths} == {"f.png", "a"} and "figures" in stages.seconds
    pid = int((tmp_path / "f.png").read_text())
    from formlab.outputs.saving import _can_fork

    assert (pid != os.getpid()) == _can_fork()  # Linux, outside a Jupyter kernel
    forked = _can_fork()
    with pytest.raises(OutputError if forked else ValueError, match="no figure today"):
        save_outputs(None, tmp_path / "b", [process_writer("f.png", fail=True)])
    assert not (tmp_path / "b").exists() or list((tmp_path / "b").iterdir()) == []


def test_the_pose_table_is_copied_from_the_cache_the_second_time(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    raw, _ = exercise_track("squat", n_reps=1)

    class Result:  # what the pose writer reads of an Analysis
        raw_track = raw

    write = pose_writer("csv")
    for d in "ab":
        (tmp_path / d).mkdir()
    first = write(Result, tmp_path / "a")  # writes, then keeps a copy
    monkeypatch.setattr(type(raw), "save", lambda *a, **k: pytest.fail("written again"))
    second = write(Result, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] == ["pose.csv", "pose.csv.json"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()


def test_unchanged_figures_are_copied_from_the_cache(tmp_path, monkeypatch):
    import dataclasses

    from formlab.outputs import write_figures
    from formlab.pipeline import analyze
    from formlab.viz import style

    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    track, _ = exercise_track("squat", 2, 30.0, view="side")
    result = analyze(track, "squat")
    for d in ("drawn", "copied", "other"):
        (tmp_path / d).mkdir()
    drawn = write_figures(result, tmp_path / "drawn")

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(style, "save_figure", no_drawing)
    copied = write_figures(result, tmp_path / "copied")
    assert [p.name for p in copied] == ["bar_position.png", "bar_path.png"]
    assert [p.read_bytes() for p in copied] == [p.read_bytes() for p in drawn]
    # other numbers (here another lift's name in the title): drawn anew
    with pytest.raises(AssertionError, match="drawn again"):
        write_figures(dataclasses.replace(result, exercise="front_squat"), tmp_path / "other")


def test_the_forked_figures_show_their_stage_and_are_timed_once(tmp_path, monkeypatch, capsys):
    # the figures are drawn in another process; the main one shows their stage while it waits
    import io

    class Log(io.StringIO):
        def isatty(self) -> bool:
            return False

    log = Log()
    monkeypatch.setattr("sys.stderr", log)
    stages = Stages(progress=True)
    writers = [process_writer("f.png"), foreground_writer("a"), foreground_writer("b")]
    save_outputs(None, tmp_path, writers, stages)
    shown = [line.split(":")[0] for line in log.getvalue().splitlines()]
    assert shown.count("figures") == 1
    assert shown.count("tables") == 1  # consecutive writers of one stage: one bar, one line
    assert list(stages.seconds).count("figures") == 1 and stages.seconds["figures"] > 0
    line = next(x for x in log.getvalue().splitlines() if x.startswith("figures: "))
    assert line == f"figures: {stages.seconds['figures']:.1f} s"  # its own time, not the wait
