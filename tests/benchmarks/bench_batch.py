"""Batch throughput, memory and resumption, measured side by side in one run.

Runs ``formlab.batch`` on the same sample videos, each configuration in a fresh
subprocess with the pose cache off (so that every run does the real work):

  jobs1   --jobs 1, local engine
  jobs2   --jobs 2, local engine
  dask2   a two-worker Dask LocalCluster
  resume  jobs2's command again on its output folder (every video skipped)

and prints, for each, the wall time, the CPU time of the whole process tree
(user + system, all workers included), the cores that is on average
(CPU / wall), and the largest peak memory of a worker process; then the
throughput ratio jobs2 / jobs1 (and dask2 / jobs1), the ceiling the cores
allow (cores / the cores jobs1 already keeps busy: formlab decodes in a
background thread, so one job uses more than one core), the resumed re-run
as a fraction of the first, and whether the three engines' tables are
identical (``videos.csv`` without the times, ``reps.parquet``,
``feedback_summary.csv``).

Goals (issue 13): jobs2 / jobs1 >= 1.4 on a 2-core machine, or the ceiling
explained; resumed re-run < 5 % of the first; identical tables.

Usage:
  python tests/benchmarks/bench_batch.py                  # four short sample clips
  python tests/benchmarks/bench_batch.py --videos NAME..  # chosen samples
  python tests/benchmarks/bench_batch.py --fast           # --no-video --no-figures
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR or internet).
The machine's load (other processes) changes wall times: the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

DEFAULT_VIDEOS = (
    "tfjs-models__pose_squats",
    "poseReader-jeffjchen__nico_blocked",
    "rese__bad_pushups",
    "aigym-kantesh__deadlift",
)

RUNNER = """
import json, sys, formlab
args = json.loads(sys.argv[1])
r = formlab.batch(args["inputs"], args["out"], engine=args["engine"], jobs=args["jobs"],
                  cache=False, video=not args["fast"], figures=not args["fast"])
print(json.dumps({"wall_s": r.wall_s, "peak_rss_mb": r.peak_rss_mb,
                  "statuses": r.videos["status"].tolist()}))
"""


THREAD_GROUPS = {
    "main": "main thread (the pipeline; waits on MediaPipe)",
    "decode": "decode thread (PyAV)",
    "native": "native threads (MediaPipe graph, TFLite, encoder)",
}

PROFILE = """
import json, os, sys, threading, time
import formlab
args = json.loads(sys.argv[1])
tick = os.sysconf("SC_CLK_TCK")
seen, names, done = {}, {}, threading.Event()

def sample():
    me = threading.get_native_id()
    while not done.is_set():
        names.update({t.native_id: t.name for t in threading.enumerate()})
        for tid in os.listdir("/proc/self/task"):
            if int(tid) == me:
                continue
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # the thread ended
                continue
            seen[int(tid)] = (int(fields[11]) + int(fields[12])) / tick
        time.sleep(0.05)

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
from formlab.pipeline.batch.work import BatchSettings
start, main_start = time.perf_counter(), time.thread_time()
writers = BatchSettings({}, figures=not args["fast"], video=not args["fast"]).writers()
for i, video in enumerate(args["inputs"]):
    result = formlab.analyze(video, "auto", cache=False)
    result.save(os.path.join(args["out"], str(i)), writers)
wall, main_cpu = time.perf_counter() - start, time.thread_time() - main_start
done.set()
sampler.join()
groups = {"main": 0.0, "decode": 0.0, "native": 0.0}
for tid, cpu in seen.items():
    if tid == os.getpid():
        groups["main"] = main_cpu  # the loop only, not the start-up
    elif names.get(tid, "").startswith("formlab-decode"):
        groups["decode"] += cpu
    else:
        groups["native"] += cpu
print(json.dumps({"wall_s": wall, "groups": groups}))
"""


def profile_threads(inputs: list[str], out: Path, fast: bool) -> dict:
    """CPU time by thread of one process analysing the videos one after the other (what one worker does)."""
    args = {"inputs": inputs, "out": str(out), "fast": fast}
    r = subprocess.run(
        [sys.executable, "-c", PROFILE, json.dumps(args)], capture_output=True, text=True
    )
    if r.returncode != 0:
        raise SystemExit(f"profile failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_config(name: str, inputs: list[str], out: Path, engine: str, jobs: int, fast: bool):
    """One configuration in a subprocess: its own report, plus wall and CPU time of the process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    args = {"inputs": inputs, "out": str(out), "engine": engine, "jobs": jobs, "fast": fast}
    r = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(args)], capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{name} failed:\n{r.stderr}")
    report = json.loads(r.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"name": name, "command_s": wall, "cpu_s": cpu, **report}


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    videos = pd.read_csv(out / "videos.csv").drop(columns=["seconds", "status"])
    return videos, pd.read_parquet(out / "reps.parquet"), pd.read_csv(out / "feedback_summary.csv")


def same_tables(a: Path, b: Path) -> bool:
    return all(x.equals(y) for x, y in zip(tables(a), tables(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", nargs="+", default=list(DEFAULT_VIDEOS), metavar="NAME")
    parser.add_argument("--fast", action="store_true", help="no annotated videos, no figures")
    opts = parser.parse_args()

    from formlab.io.samples import fetch, sample_info

    inputs = [str(fetch(n)) for n in opts.videos]
    frames = sum(int(sample_info(n).get("frames") or 0) for n in opts.videos)
    cores = len(os.sched_getaffinity(0))
    print(f"{len(inputs)} videos, {frames} frames; {cores} cores; load average {os.getloadavg()}")
    print(
        f"outputs: {'reps, feedback, pose only' if opts.fast else 'all (figures, annotated video)'}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        runs = [
            run_config("jobs1", inputs, root / "jobs1", "local", 1, opts.fast),
            run_config("jobs2", inputs, root / "jobs2", "local", 2, opts.fast),
            run_config("dask2", inputs, root / "dask2", "dask", 2, opts.fast),
            run_config("resume", inputs, root / "jobs2", "local", 2, opts.fast),
        ]
        by = {r["name"]: r for r in runs}
        assert set(by["resume"]["statuses"]) == {"skipped"}, by["resume"]["statuses"]
        print()
        print(
            f"{'run':8} {'batch s':>8} {'command s':>10} {'CPU s':>7} {'cores':>6} {'peak MB/worker':>15}"
        )
        for r in runs:
            print(
                f"{r['name']:8} {r['wall_s']:8.2f} {r['command_s']:10.2f} {r['cpu_s']:7.1f} "
                f"{r['cpu_s'] / r['command_s']:6.2f} {r['peak_rss_mb']:15.0f}"
            )
        one = by["jobs1"]
        used = one["cpu_s"] / one["command_s"]
        print()
        print(
            f"throughput jobs2 / jobs1: {one['wall_s'] / by['jobs2']['wall_s']:.2f}x (goal >= 1.4x)"
        )
        print(f"throughput dask2 / jobs1: {one['wall_s'] / by['dask2']['wall_s']:.2f}x")
        print(
            f"jobs1 kept {used:.2f} cores busy on average (other processes share the machine: "
            f"see the load average)"
        )
        print(
            f"resumed re-run: {by['resume']['wall_s']:.2f} s in the batch "
            f"({by['resume']['wall_s'] / by['jobs2']['wall_s']:.1%} of jobs2's first run), "
            f"{by['resume']['command_s']:.2f} s with Python's start-up "
            f"({by['resume']['command_s'] / by['jobs2']['command_s']:.1%}) (goal < 5 %)"
        )
        prof = profile_threads(inputs, root / "profile", opts.fast)
        total = sum(prof["groups"].values())
        print()
        print(f"one worker's CPU by thread ({total:.1f} s CPU in {prof['wall_s']:.1f} s):")
        for name, cpu in prof["groups"].items():
            print(f"  {THREAD_GROUPS[name]:46} {cpu:6.1f} s  {cpu / total:6.1%}")
        decode = prof["groups"]["decode"]
        serial = total - decode
        print(
            f"ceiling without other load: one job needs at least {serial:.1f} s (all but the "
            f"decode thread run one after the other), two jobs on {cores} cores at least "
            f"{2 * total / cores:.1f} s for twice the work: jobs2 / jobs1 <= "
            f"{min(cores * serial / total, 2):.2f}x"
        )
        print(
            f"identical tables: jobs1 = jobs2 {same_tables(root / 'jobs1', root / 'jobs2')}, "
            f"jobs1 = dask2 {same_tables(root / 'jobs1', root / 'dask2')}"
        )


if __name__ == "__main__":
    main()
