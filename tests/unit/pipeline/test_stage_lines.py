"""Each stage of :func:`formlab.analyze` is one progress line, whether its steps were kept or not."""

from __future__ import annotations

import io

from support.synthetic_pose import exercise_track

from formlab.core.stages import Stages
from formlab.pipeline import analyze


class _Log(io.StringIO):
    def isatty(self) -> bool:  # a log, not a terminal: one line per stage when it ends
        return False


def test_every_stage_is_shown_once(monkeypatch, tmp_path):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "ipykernel", raising=False)
    track, _ = exercise_track("squat", 2, 30.0)
    for run in ("computed", "kept steps"):  # the second run reads the reps and numbers kept
        log = _Log()
        monkeypatch.setattr("sys.stderr", log)
        analyze(track, "squat", stages=Stages(progress=True))
        names = [line.split(":")[0] for line in log.getvalue().splitlines() if line.strip()]
        assert names, run
        assert len(names) == len(set(names)), f"{run}: a stage shown twice: {names}"
