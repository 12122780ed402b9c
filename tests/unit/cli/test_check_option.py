"""``--check NAME`` (analyze, batch, live), ``formlab live``'s options, and each command's own usage.

In process (no pose model runs): the options are checked before any source is read; the camera
notice runs with a fake camera and a fake pose model that sees nobody.
"""

import re

import numpy as np
import pandas as pd
import pytest

from formlab.cli import live as live_cli
from formlab.cli import main
from formlab.exercises import save_thresholds, thresholds_for
from formlab.live import engine as engine_module
from formlab.live.sources import FrameSource

CLIP = "sample:tfjs-models__pose_squats"


def one_line_error(capsys, code, message):
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("formlab: error: ") and message in lines[0], err


@pytest.mark.parametrize(
    "args,message",
    [
        (["analyze", CLIP, "-o", "OUT", "--check", "heel_down"], "its optional checks: heels_down"),
        (
            ["analyze", CLIP, "-e", "bench_press", "-o", "OUT", "--check", "heels_down"],
            "bench_press has no check 'heels_down'; its optional checks: none",
        ),
        (["batch", CLIP, "-o", "OUT", "--check", "bogus"], "no lift has a check 'bogus'"),
        (["live", CLIP, "-e", "squat", "--check", "heel_down"], "its optional checks: heels_down"),
        (["live", CLIP, "-e", "squat", "--thresholds", "missing.toml"], "missing.toml"),
    ],
)
def test_a_check_or_file_the_lift_cannot_use_is_one_line_and_writes_nothing(
    tmp_path, capsys, args, message
):
    out = tmp_path / "out"
    args = [str(out) if a == "OUT" else a for a in args]
    one_line_error(capsys, main(args), message)
    assert not out.exists()


def test_check_is_documented_for_each_command(capsys):
    for command in ("analyze", "batch", "live"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "--check NAME" in text and "heels_down" in text, command
    with pytest.raises(SystemExit):
        main(["live", "--help"])
    assert "--thresholds FILE" in capsys.readouterr().out
    assert main(["exercises"]) == 0
    assert "--check NAME" in capsys.readouterr().out  # where the "on request" column is shown


@pytest.mark.parametrize(
    "args", [["live", CLIP, "-e", "squat"], ["analyze", CLIP, "-o", "never-written"]]
)
def test_an_unknown_option_shows_the_commands_own_usage(capsys, args):
    with pytest.raises(SystemExit) as e:
        main([*args, "--bogus", "1"])
    err = capsys.readouterr().err
    assert e.value.code == 2
    assert f"usage: formlab {args[0]} " in err and "unrecognized arguments: --bogus 1" in err


def test_a_camera_that_sees_nobody_ends_with_a_notice(tmp_path, capsys, monkeypatch):
    black = np.zeros((16, 16, 3), dtype=np.uint8)

    def camera():
        for i in range(7):
            yield black, i / 10
        raise KeyboardInterrupt  # a camera's session ends with Ctrl-C

    frames = camera()
    monkeypatch.setattr(live_cli, "open_source", lambda text: FrameSource(text, True, frames))

    class Nobody:
        def __init__(self, options=None):
            pass

        def detect(self, rgb, time_s):
            return None

        def close(self):
            pass

    monkeypatch.setattr(engine_module, "PoseStream", Nobody)
    given = {}
    real = live_cli.LiveCoach

    def coach(*args, **kwargs):
        given.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(live_cli, "LiveCoach", coach)
    mine = save_thresholds(thresholds_for("squat"), tmp_path / "mine.toml")
    code = main(
        ["live", "0", "-e", "squat", "--silent", "--thresholds", str(mine), "--check", "heels_down"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    seen = re.search(r"(\d+) frames processed", captured.out)  # a camera drops frames while busy
    assert seen and f"formlab: note: nobody in view in {seen[1]} frames" in captured.err
    assert given["thresholds"] == str(mine) and given["extra_checks"] == ["heels_down"]


@pytest.mark.media
def test_analyze_writes_a_requested_check_like_the_default_ones(tmp_path, capsys):
    out = tmp_path / "out"
    fast = ["--model", "lite", "--no-video", "--no-figures", "--no-progress"]
    code = main(["analyze", CLIP, "-e", "squat", "-o", str(out), "--check", "heels_down", *fast])
    assert code == 0, capsys.readouterr().err
    assert "heels_down" in pd.read_csv(out / "reps.csv").columns
    assert "heels_down" in pd.read_csv(out / "feedback.csv").columns
    assert "heels_down" in (out / "summary.json").read_text()
    photo = tmp_path / "photo"
    args = ["analyze", "sample:ai-trainer__500_perfect", "-e", "front_squat", "-o", str(photo)]
    assert main([*args, "--check", "heels_down", "--no-progress"]) == 0
    assert "heels_down" in pd.read_csv(photo / "feedback.csv").columns
