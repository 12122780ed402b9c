"""``formlab live`` on a sample clip: the log's reps are analyze's, the failing checks are cued.

The clip is the shortest sample with failing checks (tfjs-models__pose_squats: 65 frames at 5 fps,
three squats that are not deep enough), played as fast as possible (every frame; the real-time
path is tested in tests/unit/live/test_player.py and measured by tests/benchmarks/bench_live.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import av
import numpy as np
import pytest
from support.cli_run import one_line_error, run

from formlab.exercises import get_exercise
from formlab.pipeline import analyze

CLIP = "tfjs-models__pose_squats"
LIFT = "squat"

pytestmark = pytest.mark.media


@pytest.fixture(scope="module")
def live_log(tmp_path_factory):
    out = tmp_path_factory.mktemp("live")
    log, video = out / "live.jsonl", out / "preview.mp4"
    r = run(
        "live", f"sample:{CLIP}", "--exercise", LIFT, "--model", "lite", "--silent",
        "--log", str(log), "--record", str(video),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return events, video, r.stdout


def test_the_log_counts_the_reps_analyze_counts(live_log):
    events, _, stdout = live_log
    offline = analyze(f"sample:{CLIP}", LIFT, extract_options={"model": "lite"})
    reps = [e for e in events if e["event"] == "rep"]
    assert [e["rep"] for e in reps] == list(range(1, len(offline.reps) + 1))
    assert len(reps) == len(offline.reps) > 0
    for e, turn_s in zip(reps, offline.reps["turn_s"]):
        assert abs(e["turn_s"] - turn_s) <= 0.25  # a frame at 5 fps, plus a little
    summary = events[-1]
    assert summary["event"] == "summary" and summary["reps"] == len(reps)
    assert summary["frames_processed"] == summary["frames_in"] == 65
    assert summary["frames_dropped"] == 0
    assert f"{len(reps)} rep(s)" in stdout


def test_failing_checks_are_cued_once_per_rep(live_log):
    events, _, _ = live_log
    offline = analyze(f"sample:{CLIP}", LIFT, extract_options={"model": "lite"})
    checks = list(get_exercise(LIFT).check_names)
    failing = [{c for c in checks if row[c] == "fail"} for _, row in offline.reps.iterrows()]
    always = set.intersection(*failing)  # failing in every rep offline (depth on this clip)
    assert always, "the clip should fail a check in every rep"
    cues = [e for e in events if e["event"] == "cue"]
    texts = {c.name: c.cue for c in get_exercise(LIFT).checks}
    for n in range(1, len(failing) + 1):
        said = [c["check"] for c in cues if c["rep"] == n]
        assert len(said) == len(set(said))  # at most one cue per check per rep
        assert always <= set(said)
    for c in cues:
        assert c["text"] == texts[c["check"]]
        assert c["latency_s"] >= 0 and set(c) == {
            "event",
            "check",
            "rep",
            "t_s",
            "latency_s",
            "text",
        }


def test_the_recording_is_a_video_of_the_processed_frames(live_log):
    _, video, _ = live_log
    with av.open(str(video)) as container:
        n = sum(1 for _ in container.decode(video=0))
    assert n == 65
    assert not list(video.parent.glob(".*part*"))  # written atomically: no temporary left


@pytest.mark.parametrize(
    "source,exercise,message",
    [
        ("missing.mp4", LIFT, "missing.mp4: no such file"),
        (f"sample:{CLIP}", "snatch", "unknown exercise 'snatch'"),
        ("/dev/video97", LIFT, "/dev/video97: the camera cannot be opened"),
        ("sample:nope", LIFT, "unknown sample 'nope'"),
    ],
)
def test_bad_input_is_one_line_naming_it(tmp_path, source, exercise, message):
    log = tmp_path / "log.jsonl"
    r = run("live", source, "--exercise", exercise, "--log", str(log), "--silent")
    one_line_error(r, message)
    assert not log.exists()


@pytest.fixture(scope="module")
def empty_room(tmp_path_factory):
    """A short clip in which nobody appears (grey frames)."""
    path = tmp_path_factory.mktemp("empty") / "empty_room.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for _ in range(12):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 90, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_a_file_with_nobody_in_view_is_an_error_as_in_analyze(empty_room, tmp_path):
    r = run("live", str(empty_room), "--exercise", LIFT, "--silent")
    one_line_error(r, f"{empty_room}: no person found in any of the 12 frames")
    assert "nobody in view in 12 frames" in r.stderr
    a = run("analyze", str(empty_room), "-e", LIFT, "-o", str(tmp_path / "out"), "--no-progress")
    assert a.returncode == r.returncode  # the same exit status as analyze's for an empty clip


def test_without_a_speech_program_a_notice_says_the_cues_are_not_spoken(empty_room, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no spd-say, espeak-ng or espeak on it
    args = [sys.executable, "-m", "formlab", "live", str(empty_room), "-e", LIFT]
    r = subprocess.run(args, capture_output=True, text=True, env=env)
    note = "formlab: note: cues are printed and logged; install espeak or spd-say to hear them"
    assert r.stderr.splitlines()[0] == note, r.stderr
    r = subprocess.run([*args, "--silent"], capture_output=True, text=True, env=env)
    assert "install espeak" not in r.stderr  # asked for silence: nothing to warn about
