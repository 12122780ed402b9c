"""``formlab batch``'s own words: a typo in an input stops it cleanly; counts are in good English."""

from __future__ import annotations

import types

import pandas as pd

from formlab.cli import batch as batch_cli
from formlab.cli import main


def test_a_missing_folder_stops_the_batch_before_any_output(tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["batch", f"{tmp_path / 'nonexist'}/", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nonexist/: no such file or folder" in err and "Traceback" not in err
    assert not out.exists()


def test_one_video_is_one_video(monkeypatch, capsys, tmp_path):
    videos = pd.DataFrame({"video_id": ["a"], "status": ["ok"], "error": [None]})

    def fake_batch(*args, **kwargs):
        return types.SimpleNamespace(
            videos=videos,
            outdir=tmp_path,
            reps=pd.DataFrame({"rep": [1, 2]}),
            wall_s=1.0,
            evaluation=None,
            count=lambda status: int((videos["status"] == status).sum()),
        )

    monkeypatch.setattr(batch_cli, "batch", fake_batch)
    assert main(["batch", "a.mp4", "-o", str(tmp_path)]) == 0
    assert f"{tmp_path}: 1 video: 1 analysed, 0 already done, 0 failed" in capsys.readouterr().out
