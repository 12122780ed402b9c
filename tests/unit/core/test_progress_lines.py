"""Progress bars in a log (stderr not a terminal) are one line per bar when it ends; a terminal keeps tqdm."""

from __future__ import annotations

import io

from formlab.core import stages as stages_module
from formlab.core.stages import LineBar, Stages, progress_bar


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_in_a_log_each_stage_is_one_line_when_it_ends(monkeypatch):
    err = _Pipe()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.delitem(__import__("sys").modules, "ipykernel", raising=False)
    stages = Stages(progress=True)
    with stages.stage("cleaning"):
        assert err.getvalue() == ""  # nothing while it runs
    with progress_bar(total=3, desc="pose: clip.mp4", unit="frame", leave=False) as bar:
        for _ in range(3):
            bar.update(1)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in err.getvalue() and "\x1b" not in err.getvalue()
    assert lines[0].startswith("cleaning: ") and lines[0].endswith(" s")
    assert lines[1].startswith("pose: clip.mp4: 3/3 frames, ")
    assert "cleaning" in stages.seconds


def test_in_a_terminal_the_bars_are_tqdm(monkeypatch):
    monkeypatch.setattr("sys.stderr", _Terminal())
    bar = progress_bar(total=2, desc="x", file=_Terminal())
    assert not isinstance(bar, LineBar)
    bar.close()
    assert stages_module.live_display()


def test_a_disabled_bar_prints_nothing_anywhere(monkeypatch):
    err = _Pipe()
    monkeypatch.setattr("sys.stderr", err)
    with progress_bar(total=2, desc="x", disable=True) as bar:
        bar.update(2)
    assert err.getvalue() == ""
