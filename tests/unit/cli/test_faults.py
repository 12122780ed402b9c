"""Faults met when trying formlab: each is one line naming the file, and no result is lost."""

import errno
import json

import numpy as np
import pandas as pd
import pytest
from support.cli_run import one_line_error, run

import formlab
from formlab import ConfigError
from formlab.cli import main

SQUATS = "sample:tfjs-models__pose_squats"
QUICK = ["--no-video", "--no-figures", "--no-progress"]


def test_extract_to_a_folder_named_csv_is_one_line_and_leaves_no_sidecar(tmp_path):
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    r = run("extract", SQUATS, "-o", str(folder))
    one_line_error(r, f"{folder}: is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv"]


@pytest.mark.media
def test_disk_full_while_writing_results_is_one_line_and_writes_nothing(
    tmp_path, monkeypatch, capsys
):
    def disk_full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    out = tmp_path / "out"
    assert main(["analyze", SQUATS, "-o", str(out), *QUICK]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0], err
    assert ".formlab-run-" not in err[0] and "the folder is as it was" in err[0]
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.media
def test_ctrl_c_after_the_results_are_in_place_reports_them_complete(tmp_path, monkeypatch, capsys):
    from formlab import outputs

    real = outputs.saving.swap_in

    def swap_then_ctrl_c(*a, **k):
        real(*a, **k)
        raise KeyboardInterrupt  # as a Ctrl-C held during the swap arrives right after it

    monkeypatch.setattr(outputs.saving, "swap_in", swap_then_ctrl_c)
    out = tmp_path / "out"
    assert main(["analyze", SQUATS, "-o", str(out), *QUICK]) == 0
    err = capsys.readouterr().err
    assert "the results are complete" in err and str(out) in err
    assert json.loads((out / "summary.json").read_text())["reps"] == 3


@pytest.mark.media
def test_the_api_takes_samples_and_dict_options():
    result = formlab.analyze(SQUATS, extract_options={"stride": 2})
    frames = result.raw_track.frame
    assert len(frames) > 10 and np.all(np.diff(frames) == 2)
    assert result.source.name == "tfjs-models__pose_squats.mp4"
    with pytest.raises(ConfigError, match="unknown setting extract.strid"):
        formlab.analyze(SQUATS, extract_options={"strid": 2})
    assert formlab.extract("sample:tfjs-models__pose").detected[0]
