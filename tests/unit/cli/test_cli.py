"""The formlab command line: help, version, extract, and one-line errors that leave nothing behind."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from support.cli_run import run

import formlab
from formlab.cli import main
from formlab.core.track import TIDY_COLUMNS


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"formlab {formlab.__version__}"
    r = run("--help")
    assert r.returncode == 0 and "extract" in r.stdout
    r = run("extract", "--help")
    assert r.returncode == 0 and "--model" in r.stdout and "--stride" in r.stdout


@pytest.mark.media
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_extract_writes_the_tidy_table(tmp_path, suffix):
    out = tmp_path / f"pose{suffix}"
    r = run("extract", "sample:tfjs-models__pose_squats", "-o", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(df.columns) == list(TIDY_COLUMNS) and len(df) == 65 * 33
    assert df.loc[df.landmark == "left_shoulder", "x_px"].notna().all()
    back = formlab.load_track(out)
    assert back.meta.model_variant == "full" and back.meta.fps == 5.0


@pytest.mark.media
def test_extract_image_folder(tmp_path, sample_path):
    import shutil

    folder = tmp_path / "photos"
    folder.mkdir()
    for n in ("ai-trainer__500_perfect", "tfjs-models__pose"):
        shutil.copy(sample_path(n), folder)
    r = run("extract", str(folder), "-o", str(tmp_path / "out"), "--format", "parquet")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "ai-trainer__500_perfect.parquet",
        "tfjs-models__pose.parquet",
    ]


@pytest.mark.parametrize(
    "make,args,message",
    [
        (None, ["missing.mp4"], "missing.mp4: no such file"),
        (
            lambda d: (d / "fake.mp4").write_text("hello\n" * 100),
            ["fake.mp4"],
            "fake.mp4: not a readable video",
        ),
        (lambda d: (d / "notes.txt").write_text("x"), ["notes.txt"], "unsupported file type"),
        (None, ["sample:nope"], "unknown sample 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, make, args, message):
    if make:
        make(tmp_path)
    out = tmp_path / "out.csv"
    r = run(
        "extract",
        str(tmp_path / args[0]) if not args[0].startswith("sample:") else args[0],
        "-o",
        str(out),
    )
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formlab: error: ") and message in lines[0], (
        r.stderr
    )
    assert "Traceback" not in r.stderr and not out.exists()


def test_bad_options_and_outputs(tmp_path, readonly_dir):
    r = run("extract", "x.mp4", "-o", str(tmp_path / "out.csv"), "--min-tracking-confidence", "2")
    assert (
        r.returncode == 2
        and "error: --min-tracking-confidence = 2.0 is out of range [0, 1]" in r.stderr
    )
    img = tmp_path / "a.png"
    from PIL import Image

    Image.new("RGB", (32, 32)).save(img)
    r = run("extract", str(img), "-o", str(tmp_path / "out.xlsx"))
    assert r.returncode == 2 and "must end in .csv or .parquet" in r.stderr
    r = run("extract", str(img), "-o", str(readonly_dir / "out.csv"))
    assert r.returncode == 2 and "not writable" in r.stderr and not list(readonly_dir.iterdir())


@pytest.mark.media
def test_ctrl_c_exits_130_without_output(tmp_path, capsys, ctrl_c_after):
    ctrl_c_after(3)
    out = tmp_path / "pose.csv"
    assert (
        main(["extract", "sample:tfjs-models__pose_squats", "-o", str(out), "--no-progress"]) == 130
    )
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.glob("pose*")) == []


def test_a_warning_is_one_line_and_the_output_is_still_written(tmp_path):
    from support.synthetic import write_truncated_clip

    clip = write_truncated_clip(tmp_path / "cut.mp4")
    out = tmp_path / "pose.csv"
    r = run("extract", str(clip), "-o", str(out), "--no-progress", "--no-cache")
    assert r.returncode == 0, r.stderr
    warning_lines = [
        line for line in r.stderr.splitlines() if line.startswith("formlab: warning: ")
    ]
    assert (
        len(warning_lines) == 1
        and "cut.mp4: only" in warning_lines[0]
        and "Traceback" not in r.stderr
    )
    assert out.is_file()


@pytest.mark.media
def test_sigterm_stops_cleanly_and_keeps_earlier_results(tmp_path):
    import os
    import signal
    import time

    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"earlier": true}\n')
    env = {
        **os.environ,
        "FORMLAB_CACHE_DIR": str(tmp_path / "fresh-cache"),
    }  # no cached result: slow path
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "formlab",
            "analyze",
            "sample:squatAnalysis-rohanx01__squat",
            "-o",
            str(out),
            "--no-progress",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # wait until formlab has installed its SIGTERM handler (Linux: the caught-signals mask), however
    # slow the start-up on a loaded machine, then until it is into the extraction
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None:
        status = Path(f"/proc/{p.pid}/status").read_text()
        caught = int(
            next(ln for ln in status.splitlines() if ln.startswith("SigCgt:")).split()[1], 16
        )
        if caught & (1 << (signal.SIGTERM - 1)):
            break
        time.sleep(0.1)
    time.sleep(3.0)
    assert p.poll() is None, "the run ended before it could be terminated: " + p.stderr.read()
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=120)[1]
    assert p.returncode == 143, err
    assert (
        err.strip().splitlines()[-1].startswith("formlab: terminated;") and "Traceback" not in err
    )
    assert sorted(q.name for q in out.iterdir()) == [
        "summary.json"
    ]  # no staging folder, no partial file
    assert (out / "summary.json").read_text() == '{"earlier": true}\n'


@pytest.mark.parametrize(
    "option,value,field",
    [
        ("--min-detection-confidence", "1.5", "min_pose_detection_confidence"),
        ("--min-presence-confidence", "-0.1", "min_pose_presence_confidence"),
        ("--min-tracking-confidence", "2", "min_tracking_confidence"),
        ("--num-poses", "0", "num_poses"),
        ("--stride", "0", "stride"),
    ],
)
def test_option_errors_name_the_option_as_typed(tmp_path, capsys, option, value, field):
    out = tmp_path / "out.csv"
    for command in (
        ["extract", "x.mp4", "-o", str(out)],
        ["analyze", "x.mp4", "-o", str(tmp_path / "o")],
    ):
        assert main([*command, option, value]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"formlab: error: {option} = ") and field not in err.replace(
            option, ""
        ), err
        assert "out of range" in err and "extract." not in err, err
    assert main(["extract", "x.mp4", "-o", str(out), "--start-frame", "5", "--end-frame", "3"]) == 2
    assert "--end-frame = 3 must be greater than --start-frame = 5" in capsys.readouterr().err
    assert not out.exists()


def test_every_extract_option_flag_sets_its_field():
    """The field-to-option table the error messages use agrees with the parser and with ExtractOptions."""
    import dataclasses

    from formlab.cli import build_parser
    from formlab.cli.options import EXTRACT_OPTION_FLAGS
    from formlab.pose.extract import ExtractOptions

    fields = {f.name for f in dataclasses.fields(ExtractOptions)}
    values = {
        "model": "lite",
        "num_poses": "2",
        "start_frame": "3",
        "end_frame": "9",
        "stride": "2",
        "min_pose_detection_confidence": "0.3",
        "min_pose_presence_confidence": "0.4",
        "min_tracking_confidence": "0.6",
    }
    assert set(EXTRACT_OPTION_FLAGS) == set(values) and set(values) <= fields
    argv = ["extract", "x.mp4", "-o", "o.csv"] + [
        a for f, v in values.items() for a in (EXTRACT_OPTION_FLAGS[f], v)
    ]
    args = build_parser().parse_args(argv)
    assert {f: str(getattr(args, f)) for f in values} == values


def test_confidence_options_explain_themselves_and_their_default():
    r = run("extract", "--help")
    text = " ".join(r.stdout.split())  # argparse wraps the help at the terminal width
    text = text[text.index("pose extraction:") :]  # past the usage line
    helps = {}
    for option in (
        "--min-detection-confidence",
        "--min-presence-confidence",
        "--min-tracking-confidence",
    ):
        start = text.index(option + " 0-1")
        helps[option] = text[start : text.index(" --", start + len(option))]
        assert helps[option].endswith("(default: 0.5)"), helps[option]
    assert "person detector" in helps["--min-detection-confidence"]
    assert "no pose" in helps["--min-presence-confidence"]
    assert "previous frame" in helps["--min-tracking-confidence"]
    assert len(set(helps.values())) == 3


def test_output_cut_short_by_the_reader_is_not_an_error():
    # `formlab samples | head`: the reader may close the pipe before formlab has written everything:
    # no traceback, and status 141 (128 + SIGPIPE) as for any program cut short this way;
    # `true` closes it at once (before formlab has even started), so the write always meets a broken pipe
    r = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sys.executable} -m formlab samples | true"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 141 and "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, (
        r.stderr
    )


def test_video_size_option_chooses_the_annotated_videos_size(capsys):
    """``--video-size``: 720 by default (short side at most 720 px), ``full`` keeps the source's."""
    from formlab.cli import build_parser
    from formlab.cli.analyze import _writers_for

    parser = build_parser()
    for argv, size in (
        (["x.mp4", "-o", "out"], "720"),
        (["x.mp4", "-o", "out", "--video-size", "full"], "full"),
    ):
        args = parser.parse_args(["analyze", *argv])
        assert args.video_size == size
        video = [w for w in _writers_for(args, "video") if getattr(w, "stage", "") == "video"]
        assert len(video) == 1 and video[0].background
    with pytest.raises(SystemExit):
        parser.parse_args(["analyze", "x.mp4", "-o", "out", "--video-size", "1080"])
    assert "--video-size" in capsys.readouterr().err


def test_batch_takes_the_video_size_of_analyze(capsys):
    """``formlab batch --video-size`` chooses each video's annotated-video size, as ``analyze``'s does."""
    from formlab.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["batch", "clips/", "-o", "out"]).video_size == "720"
    assert (
        parser.parse_args(["batch", "clips/", "-o", "out", "--video-size", "full"]).video_size
        == "full"
    )
    with pytest.raises(SystemExit):
        parser.parse_args(["batch", "clips/", "-o", "out", "--video-size", "1080"])
    assert "--video-size" in capsys.readouterr().err
