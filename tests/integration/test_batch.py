"""``formlab batch`` and ``formlab.batch`` on two short sample clips and two bad videos.

One batch runs per module (local processes, two jobs); the tests read its
tables, resume it, and run it again on a two-worker Dask ``LocalCluster``.
Pose tracks come from the shared cache after the first run, so the cost is
the rest of the pipeline.
"""

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from support.cli_run import run
from support.signals import sigint_as_in_a_terminal

import formlab
from formlab.io import samples

pytestmark = pytest.mark.media

CLIPS = {  # short clips: 65 and 142 frames
    "tfjs-models__pose_squats": "squat",
    "poseReader-jeffjchen__nico_blocked": "",  # recognised (auto)
}
FAST = ["--no-video", "--no-figures", "--no-progress"]
LONG_CLIP = "gymassist__side_squat"  # 774 frames at 640x360: seconds of pose extraction


def nobody_video(path, frames=8):
    """A short black video: nobody in view."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (96, 96))
    for _ in range(frames):
        writer.write(np.zeros((96, 96, 3), np.uint8))
    writer.release()
    return path


@pytest.fixture(scope="module")
def listing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch-inputs")
    (folder / "corrupt.mp4").write_bytes(b"\x00\x01 not a video at all" * 50)
    nobody_video(folder / "empty_gym.mp4")
    lines = ["video,exercise,reps,athlete"]
    lines += [
        f"sample:{name},{lift},{samples.sample_info(name)['reps']},a{i}"
        for i, (name, lift) in enumerate(CLIPS.items())
    ]
    lines += ["corrupt.mp4,squat,2,b", "empty_gym.mp4,,,c"]
    (folder / "list.csv").write_text("\n".join(lines) + "\n")
    return folder / "list.csv"


@pytest.fixture(scope="module")
def first_run(listing, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    r = run("batch", str(listing), "-o", str(out), "-j", "2", *FAST)
    return out, r


def table(out, name="videos.csv"):
    return pd.read_csv(out / name) if name.endswith(".csv") else pd.read_parquet(out / name)


def test_failures_are_rows_and_the_exit_status_says_so(first_run):
    out, r = first_run
    assert r.returncode == 1, r.stderr
    videos = table(out)
    assert videos["video_id"].tolist() == [*CLIPS, "corrupt", "empty_gym"]
    assert videos["status"].tolist() == ["ok", "ok", "failed", "failed"]
    errors = dict(zip(videos["video_id"], videos["error"].fillna("")))
    assert "corrupt.mp4" in errors["corrupt"] and "\n" not in errors["corrupt"]
    assert "empty_gym.mp4: no person found" in errors["empty_gym"]
    failed_lines = [line for line in r.stderr.splitlines() if line.startswith("formlab: failed: ")]
    assert len(failed_lines) == 2 and "Traceback" not in r.stderr
    assert "4 videos: 2 analysed, 0 already done, 2 failed" in r.stdout


def test_videos_table_names_each_video_its_hash_lift_and_metadata(first_run):
    out, _ = first_run
    videos = table(out).set_index("video_id")
    for name in CLIPS:
        row = videos.loc[name]
        assert row["sha256"] == samples.sample_info(name)["sha256"]
        assert row["output"] == f"{name}/" and row["seconds"] > 0
        assert row["true_reps"] == samples.sample_info(name)["reps"]
    assert videos.loc["tfjs-models__pose_squats", "exercise"] == "squat"
    assert videos.loc["poseReader-jeffjchen__nico_blocked", "exercise_requested"] == "auto"
    assert videos["athlete"].tolist() == ["a0", "a1", "b", "c"]


def test_each_sub_folder_is_what_formlab_analyze_writes(first_run, tmp_path):
    out, _ = first_run
    name = "tfjs-models__pose_squats"
    single = tmp_path / "single"
    r = run("analyze", f"sample:{name}", "-e", "squat", "-o", str(single), *FAST)
    assert r.returncode == 0, r.stderr
    listed = sorted(p.name for p in (out / name).iterdir())
    assert listed == sorted(p.name for p in single.iterdir())
    pd.testing.assert_frame_equal(table(out / name, "reps.csv"), table(single, "reps.csv"))


def test_reps_parquet_holds_every_rep_of_every_video(first_run):
    out, _ = first_run
    videos, reps = table(out), table(out, "reps.parquet")
    ok = videos[videos["status"] == "ok"]
    assert reps["video_id"].value_counts().to_dict() == dict(zip(ok["video_id"], ok["reps"]))
    for video_id in ok["video_id"]:
        own = table(out / video_id, "reps.csv")
        mine = reps[reps["video_id"] == video_id].reset_index(drop=True)
        assert mine["rep"].tolist() == own["rep"].tolist()
        np.testing.assert_allclose(mine["turn_s"], own["turn_s"], rtol=1e-5)


def test_feedback_summary_counts_each_checks_verdicts_per_rep(first_run):
    out, _ = first_run
    summary = table(out, "feedback_summary.csv")
    assert set(summary["video_id"]) == set(CLIPS)
    for row in summary.itertuples():
        reps = table(out / row.video_id, "reps.csv")
        verdicts = reps[row.check].astype(str).tolist()
        assert row.fail_reps == verdicts.count("fail")
        assert row.not_assessable_reps == verdicts.count("not_assessable")
        assert row.pass_reps + row.fail_reps + row.uncertain_reps + row.not_assessable_reps == len(
            reps
        )


def test_evaluation_follows_from_the_counts(first_run):
    out, r = first_run
    videos = table(out)
    ev = json.loads((out / "evaluation.json").read_text())
    scored = videos[videos["true_reps"].notna() & videos["reps"].notna()]
    error = (scored["reps"] - scored["true_reps"]).abs()
    assert ev["overall"]["scored"] == len(scored) == 2
    assert ev["overall"]["not_scored"] == 1  # the corrupt clip had a true count
    assert ev["overall"]["exact_rate"] == pytest.approx((error == 0).mean(), abs=1e-4)
    assert ev["overall"]["mae_normalised"] == pytest.approx(
        (error / scored["true_reps"]).mean(), abs=1e-4
    )
    assert "squat" in ev["per_lift"] and "rep counts against the true counts" in r.stdout


def test_a_re_run_skips_finished_videos_and_redoes_an_unfinished_one(first_run, listing, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(first_run[0], out)
    before = table(out)
    stamps = {n: (out / n / "summary.json").stat().st_mtime_ns for n in CLIPS}
    r = run("batch", str(listing), "-o", str(out), "-j", "2", *FAST)
    assert r.returncode == 1 and "2 already done, 2 failed" in r.stdout, r.stderr
    again = table(out)
    assert again["status"].tolist() == ["skipped", "skipped", "failed", "failed"]
    assert {n: (out / n / "summary.json").stat().st_mtime_ns for n in CLIPS} == stamps
    same = ["video_id", "sha256", "exercise", "reps", "error", "athlete"]
    pd.testing.assert_frame_equal(before[same], again[same])
    # a skipped video keeps the time of the run that analysed it (failed ones are retried)
    assert again["seconds"].tolist()[:2] == before["seconds"].tolist()[:2]
    pd.testing.assert_frame_equal(table(first_run[0], "reps.parquet"), table(out, "reps.parquet"))

    # a sub-folder without its summary.json (a run cut short) is never taken as done
    (out / "poseReader-jeffjchen__nico_blocked" / "summary.json").unlink()
    r = run("batch", str(listing), "-o", str(out), "-j", "1", *FAST)
    assert table(out)["status"].tolist()[:2] == ["skipped", "ok"], r.stderr


def test_dask_local_cluster_gives_the_same_tables(first_run, listing, tmp_path):
    local = first_run[0]
    result = formlab.batch(
        listing, tmp_path / "dask", engine="dask", jobs=2, video=False, figures=False
    )
    assert isinstance(result, formlab.BatchResult) and result.count("failed") == 2
    same = ["video_id", "sha256", "exercise", "reps", "status", "error", "athlete"]
    pd.testing.assert_frame_equal(table(local)[same], table(tmp_path / "dask")[same])
    pd.testing.assert_frame_equal(table(local, "reps.parquet"), result.reps)
    pd.testing.assert_frame_equal(
        table(local, "feedback_summary.csv"), table(tmp_path / "dask", "feedback_summary.csv")
    )
    assert (tmp_path / "dask" / "evaluation.json").read_text() == (
        local / "evaluation.json"
    ).read_text()


def test_bad_options_fail_before_any_video_is_analysed(listing, tmp_path):
    out = tmp_path / "out"
    r = run("batch", str(listing), "-o", str(out), "--engine", "dask", "--scheduler", "tcp://x")
    assert r.returncode == 2 and "--scheduler tcp://x: cannot reach the Dask scheduler" in r.stderr
    r = run("batch", str(listing), "-o", str(out), "--lifter-height", "7")
    assert r.returncode == 2 and "lifter_height_m = 7.0" in r.stderr
    assert not (out / "videos.csv").exists()
    r = run("batch", str(listing), "-o", str(out), "-j", "0")
    assert r.returncode == 2 and "jobs = 0 must be 1 or more" in r.stderr


def test_ctrl_c_keeps_finished_videos_and_a_re_run_does_the_rest(tmp_path):
    import os
    import signal
    import time

    out = tmp_path / "out"
    # the short clip first: it finishes while the second, a long one (774 frames) whose pose is
    # extracted afresh (--no-cache: about 15 s), is still running when Ctrl-C comes
    names = [next(iter(CLIPS)), LONG_CLIP]
    args = [f"sample:{n}" for n in names]
    cmd = [sys.executable, "-m", "formlab", "batch", *args, "-o", str(out), "-j", "1", *FAST]
    cmd.append("--no-cache")
    p = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=sigint_as_in_a_terminal,  # an xdist worker's children ignore SIGINT
    )
    first = out / ".formlab-batch" / f"{names[0]}.json"
    deadline = time.monotonic() + 300
    while not first.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert p.poll() is None, "the batch ended before its first video was recorded as done"
    os.killpg(p.pid, signal.SIGINT)  # as a terminal's Ctrl-C: every process of the group
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "run the same command again" in err and "Traceback" not in err
    assert not (out / "videos.csv").exists()

    r = run("batch", *args, "-o", str(out), "-j", "1", *FAST)
    assert r.returncode == 0, r.stderr
    assert table(out)["status"].tolist() == ["skipped", "ok"]
