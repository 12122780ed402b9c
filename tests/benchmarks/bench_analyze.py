"""Speed of ``formlab analyze`` against inference alone, measured side by side in one run.

For each sample video this runs, each in a fresh subprocess with its own empty pose cache:

  inference  MediaPipe VIDEO mode (model full) over frames decoded beforehand (decoding not timed):
             the physical limit of any analysis
  decode     decoding the video alone (PyAV, RGB frames)
  steps      the pipeline's steps one after the other, each timed (pose, cleaning, reps, load path
             with the plate, feedback), then each writer of ``formlab analyze`` (tables, figures,
             video, worst frames): the stage breakdown
  analyze    ``formlab analyze VIDEO -o OUT`` as a user runs it (cold: nothing cached), wall clock
             from inside the process: formlab's imports included, interpreter start-up excluded
  rerun      the same with the track cached, another lift's thresholds and ``--no-video``
             (what the tuner and batch re-runs do), wall clock including interpreter start-up, and
             ``python -c pass`` to subtract it

and prints the breakdown and the ratio of ``analyze`` throughput to inference alone
(``inference_s / analyze_s``: 1.0 would be an analysis as fast as the pose model alone).
With ``--memory [NAME]`` it also runs ``formlab analyze`` on a clip (default: MEMORY_VIDEO) and on
the same clip concatenated 10 times and prints both peak RSS values (memory flat in video length).

Goals (issue 15): analyze >= 0.6x inference on every sample video; a cached re-run under 1.5 s
beyond interpreter start-up.

With ``--rerun`` it measures only re-analyses of a cached track, as the tuner and batch re-runs do,
side by side with interpreter start-up in the same run (see :func:`rerun_table`).

Usage:
  python tests/benchmarks/bench_analyze.py                    # the two clips of issue 15
  python tests/benchmarks/bench_analyze.py --rerun [--baseline ../main]  # re-analysis vs start-up
  python tests/benchmarks/bench_analyze.py --all --memory     # every sample video, memory check
  python tests/benchmarks/bench_analyze.py --videos NAME ...  # chosen samples
  python tests/benchmarks/bench_analyze.py --baseline ../main  # before (main) and after, same rounds
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR or internet).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_VIDEOS = ("barpath-lukestynes__small-squat", "squatAnalysis-rohanx01__squat")
MEMORY_VIDEO = "tfjs-models__pose_squats"  # 65 frames of 720x1280: 10x is 650 frames, 1.8 GB of RGB
STAGES = (
    "decode",
    "inference",
    "pose",
    "cleaning",
    "reps",
    "load path",
    "feedback",
    "tables",
    "figures",
    "video",
    "worst frames",
)


# --------------------------------------------------------------------------- runners (subprocess side)
def run_inference(video: str) -> dict:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formlab.io.media import iter_video_frames
    from formlab.io.models import resolve_model

    frames = [(f.time_s, f.rgb) for f in iter_video_frames(video)]
    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model("full").path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    lm = vision.PoseLandmarker.create_from_options(opts)
    t0, c0 = time.perf_counter(), time.process_time()
    last = -1
    for t, rgb in frames:
        ms = max(round(t * 1000), last + 1)
        last = ms
        lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ms)
    return {
        "inference": time.perf_counter() - t0,
        "inference_cpu": time.process_time() - c0,
        "frames": len(frames),
    }


def run_decode(video: str) -> dict:
    from formlab.io.media import iter_video_frames

    t0 = time.perf_counter()
    n = sum(1 for _ in iter_video_frames(video))
    return {"decode": time.perf_counter() - t0, "frames": n}


def run_steps(video: str, exercise: str) -> dict:
    """Every step and writer of ``formlab analyze`` one after the other, each timed."""
    import inspect

    from formlab import outputs
    from formlab.pipeline import steps
    from formlab.pipeline.results import Analysis

    timings: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t0 = time.perf_counter()
        out = fn(*a, **k)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return out

    source = Path(video)
    raw = timed("pose", steps.extract, source, None, cache=True)
    track = timed("cleaning", steps.clean, raw)
    detection = timed("reps", steps.count_reps, track, exercise)
    lift = detection.exercise
    extra = (
        {"detection": detection}
        if "detection" in inspect.signature(steps.load_path_of).parameters
        else {}
    )
    load = timed("load path", steps.load_path_of, track, raw, lift, video=source, **extra)

    def feedback():
        table = steps.measure_reps(detection, load, track)
        th = steps.resolve_thresholds(None, lift)
        return th, steps.judge(track, lift, th, reps=table)

    th, judged = timed("feedback", feedback)
    analysis = Analysis(
        source=source,
        exercise_requested=exercise,
        exercise=lift,
        raw_track=raw,
        track=track,
        detection=detection,
        path=load.path,
        raw_path=load.raw,
        reps=judged.reps,
        thresholds=th,
        feedback=judged.feedback,
        thresholds_source=steps.thresholds_source(None, lift),
    )
    out = Path(tempfile.mkdtemp(prefix="bench_analyze_"))
    try:
        writers = {
            "tables": (
                outputs.write_reps_table,
                outputs.write_feedback,
                outputs.pose_writer("csv"),
            ),
            "figures": (outputs.write_figures,),
            "video": (outputs.annotated_video_writer(),),
            "worst frames": (outputs.write_worst_frames,),
        }
        for name, ws in writers.items():
            for w in ws:
                timed(name, w, analysis, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {**timings, "exercise": lift, "plate": load.path.info.get("auto", load.path.method)}


def run_cli(video: str, exercise: str, *extra: str) -> dict:
    """``formlab analyze`` in this process: its wall clock and this process's peak memory."""
    import resource

    out = tempfile.mkdtemp(prefix="bench_analyze_cli_")
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        from formlab.cli.main import main  # formlab's imports are part of the command's time

        rc = main(["analyze", video, "-e", exercise, "-o", out, "--no-progress", *extra])
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if rc:
        raise SystemExit(f"formlab analyze exited with {rc}")
    return {
        "analyze": seconds,
        "analyze_cpu": cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def child(which: str, video: str, exercise: str, extra: list[str]) -> None:
    if which == "inference":
        r = run_inference(video)
    elif which == "decode":
        r = run_decode(video)
    elif which == "steps":
        r = run_steps(video, exercise)
    else:
        r = run_cli(video, exercise, *extra)
    print(json.dumps(r))


# --------------------------------------------------------------------------- the driver
def measure(which: str, video: Path, env: dict, exercise: str = "auto", *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--child", which, str(video), exercise, *extra]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"runner {which} failed on {video}:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], env: dict) -> float:
    return timed_run(cmd, env)[0]


def timed_run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall clock and CPU seconds (user + system of the child and the processes it waited for,
    from ``wait4``, as ``/usr/bin/time`` reports them)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read()[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime


def with_bytecode(env: dict) -> dict:
    """``env`` with Python's bytecode written and used, as an installed formlab has it.

    A user's formlab runs from compiled bytecode (pip compiles it, or Python on first import);
    with ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes) every run would compile
    formlab's 150 modules from source again, 0.2-0.5 s that no user pays. The package is
    compiled once here (a baseline is measured from a copy, see :func:`baseline_copy`, so that
    no other checkout is written to).
    """
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    where = "import formlab, os; print(os.path.dirname(formlab.__file__))"
    package = subprocess.run(
        [sys.executable, "-c", where], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=env, check=True)
    return env


def baseline_copy(baseline: str | None) -> str | None:
    """A copy of ``baseline``'s ``formlab`` package in a temporary folder (its bytecode goes there)."""
    if not baseline:
        return None
    target = Path(tempfile.mkdtemp(prefix="bench_analyze_baseline_"))
    shutil.copytree(
        Path(baseline) / "formlab",
        target / "formlab",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return str(target)


def rerun_seconds(video: Path, lift: str, env: dict) -> tuple[float, float]:
    """Cached re-analysis as another lift with ``--no-video``, and interpreter start-up alone."""
    other = "front_squat" if lift != "front_squat" else "squat"
    out = tempfile.mkdtemp(prefix="bench_rerun_")
    try:
        cmd = [sys.executable, "-m", "formlab", "analyze", str(video), "-e", other, "-o", out]
        wall([*cmd, "--no-progress", "--no-video"], env)  # the track is cached by now; warm the OS
        best = min(wall([*cmd, "--no-progress", "--no-video"], env) for _ in range(2))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    start = min(wall([sys.executable, "-c", "pass"], env) for _ in range(3))
    return best, start


def thresholds_file(lift: str, path: Path, nudge: int, env: dict) -> Path:
    """The lift's thresholds with ``landmarks.min_visibility`` lowered by ``nudge`` hundredths:
    new thresholds for every re-run (so that nothing is reused that depends on them)."""
    r = subprocess.run(
        [sys.executable, "-m", "formlab", "thresholds", lift, "-o", str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    if r.returncode:
        raise SystemExit(f"formlab thresholds {lift} failed:\n{r.stderr[-2000:]}")
    text = path.read_text()
    old = "\nmin_visibility = 0.5\n"
    if old not in text:
        raise SystemExit(f"{path}: no 'min_visibility = 0.5' to change")
    path.write_text(text.replace(old, f"\nmin_visibility = {0.5 - nudge / 100:.2f}\n"))
    return path


def rerun_cache(env: dict, tmp: Path, version: str) -> dict:
    """A fresh cache for one version that shares only the pose tracks, plates, models and
    samples of the usual cache (computed once, whichever version runs): everything a version
    keeps of its own (cleaned tracks, frames, figures, tables) starts empty."""
    from formlab.io.cache import cache_dir

    base = cache_dir()
    cache = tmp / f"cache-{version}"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    for shared in ("tracks", "plates", "models", "samples"):
        (base / shared).mkdir(exist_ok=True)
        (cache / shared).symlink_to(base / shared, target_is_directory=True)
    return dict(env, FORMLAB_CACHE_DIR=str(cache))


def rerun_table(name: str, rounds: int, baseline: str | None) -> dict[str, dict]:
    """Re-analyses of a cached track, each a ``formlab analyze ... --no-video`` process, wall clock:

    start-up  ``python -c pass`` (interpreter start-up, subtracted from the others)
    imports   ``python -c "import formlab.cli.main"`` (what every formlab command imports)
    thresh    the lift again with new thresholds (after one run of that lift with the defaults,
              as in a tuning session; the median of ``rounds``, each with other thresholds)
    new lift  another lift, the first time (its figures are new)

    each also in CPU seconds (user + system of the process and those it waited for: the
    figures' fork), steadier than the wall clock on a shared machine; with bytecode kept
    (:func:`with_bytecode`).
    """
    import formlab

    video = formlab.fetch_sample(name)
    versions = {"after": dict(os.environ)}
    if baseline:
        path = baseline + os.pathsep + os.environ.get("PYTHONPATH", "")
        versions = {"before": dict(os.environ, PYTHONPATH=path), **versions}
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for version, env in versions.items():
            env = with_bytecode(rerun_cache(env, tmp, version))
            outdir = str(tmp / f"out-{version}")
            cmd = [sys.executable, "-m", "formlab", "analyze", str(video), "-o", outdir]
            cmd += ["--no-progress", "--no-video"]
            wall([*cmd, "-e", "auto"], env)  # the pose track (and plate) cached; not timed
            lift = json.loads((Path(outdir) / "summary.json").read_text())["exercise"]
            other = "front_squat" if lift != "front_squat" else "squat"
            wall([*cmd, "-e", lift], env)  # the lift's first run: what a tuning session starts with
            files = [
                thresholds_file(lift, tmp / f"t-{version}-{k}.toml", k + 1, env)
                for k in range(rounds)
            ]
            runs = [timed_run([*cmd, "-e", lift, "--thresholds", str(f)], env) for f in files]
            thresh = sorted(w for w, _ in runs)[len(runs) // 2]  # the median
            thresh_cpu = sorted(c for _, c in runs)[len(runs) // 2]
            new_lift, new_lift_cpu = timed_run([*cmd, "-e", other], env)
            start = min(wall([sys.executable, "-c", "pass"], env) for _ in range(3))
            imports = min(
                wall([sys.executable, "-c", "import formlab.cli.main"], env) for _ in range(2)
            )
            out[version] = {
                "lift": lift,
                "other": other,
                "startup": start,
                "imports": imports - start,
                "thresh": thresh - start,
                "new_lift": new_lift - start,
                "thresh_cpu": thresh_cpu,
                "new_lift_cpu": new_lift_cpu,
                "load": os.getloadavg()[0],
            }
    return out


def fresh_cache(env: dict, tmp: Path) -> dict:
    cache = tmp / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    return dict(env, FORMLAB_CACHE_DIR=str(cache))


def bench_video(name: str, rerun: bool, rounds: int, baseline: str | None) -> dict[str, dict]:
    """``{"after": results, "before": results}`` (before: with ``baseline`` first on the path),
    each measurement the fastest of ``rounds`` interleaved rounds."""
    import formlab

    video = formlab.fetch_sample(name)
    versions = {"after": dict(os.environ)}
    if baseline:
        versions = {
            "before": dict(
                os.environ, PYTHONPATH=baseline + os.pathsep + os.environ.get("PYTHONPATH", "")
            ),
            **versions,
        }
    out: dict[str, dict] = {v: {"clip": name} for v in versions}

    def keep(version: str, r: dict) -> None:
        for k, v in r.items():
            best = out[version].get(k)
            both = isinstance(v, float) and isinstance(best, float)
            out[version][k] = min(best, v) if both else v

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        versions = {v: with_bytecode(env) for v, env in versions.items()}
        for k in range(rounds):
            common = measure("inference", video, dict(os.environ))
            common.update(measure("decode", video, dict(os.environ)))
            for version, env in versions.items():
                keep(version, common)
                keep(version, measure("steps", video, fresh_cache(env, tmp)))
                cold = fresh_cache(env, tmp)
                keep(version, measure("cli", video, cold))
                if rerun and k == rounds - 1:  # the cache the cold run just filled
                    out[version]["rerun"], out[version]["startup"] = rerun_seconds(
                        video, out[version]["exercise"], cold
                    )
    for r in out.values():
        r["ratio"] = r["inference"] / r["analyze"]
        r["ratio_cpu"] = r["inference_cpu"] / r["analyze_cpu"]
    return out


def memory_flat(name: str, times: int = 10) -> tuple[dict, dict, int]:
    import formlab

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_extract import concat_video

    video = formlab.fetch_sample(name)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        long = concat_video(video, tmp / f"{name}_x{times}{video.suffix}", times)
        one = measure("cli", video, fresh_cache(dict(os.environ), tmp), "auto")
        many = measure("cli", long, fresh_cache(dict(os.environ), tmp), "auto")
    return one, many, times


def print_reruns(names: list[str], rounds: int, baseline: str | None) -> None:
    print(
        f"re-analysis of a cached track (formlab analyze --no-video), seconds of wall clock, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; every column but "
        f"start-up has start-up subtracted\n"
    )
    head = (
        f"{'video':34} {'code':6} {'start-up':>8} {'imports':>8} {'thresh':>8} {'new lift':>8}"
        f" {'thr cpu':>8} {'new cpu':>8} {'load':>5}  lifts"
    )
    print(head)
    print("-" * len(head))
    for name in names:
        for version, r in rerun_table(name, rounds, baseline).items():
            print(
                f"{name[:34]:34} {version:6} {r['startup']:8.2f} {r['imports']:8.2f} "
                f"{r['thresh']:8.2f} {r['new_lift']:8.2f} {r['thresh_cpu']:8.2f} "
                f"{r['new_lift_cpu']:8.2f} {r['load']:5.1f}  {r['lift']} -> {r['other']}",
                flush=True,
            )
    print(
        "\nthresh: the lift again with new thresholds (median of --rounds); new lift: another "
        "lift, the first time; cpu: the same in CPU seconds (start-up included); load: the load "
        "average after the row. Goal (issue 15): under 1.5 s beyond start-up."
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--all", action="store_true", help="every sample video")
    ap.add_argument("--videos", nargs="+", default=None, help="sample names")
    ap.add_argument("--no-rerun", action="store_true", help="skip the cached re-run")
    ap.add_argument(
        "--rerun",
        action="store_true",
        help="only re-analyses of a cached track, beside interpreter start-up (goal < 1.5 s)",
    )
    ap.add_argument("--rounds", type=int, default=1, help="interleaved rounds (fastest kept)")
    ap.add_argument(
        "--baseline",
        metavar="PATH",
        default=None,
        help="also measure the formlab package found in PATH (e.g. a checkout of main) in the "
        "same rounds: a before/after table",
    )
    ap.add_argument(
        "--memory",
        nargs="?",
        const=MEMORY_VIDEO,
        default=None,
        metavar="NAME",
        help=f"the 10x memory check (default clip: {MEMORY_VIDEO})",
    )
    args = ap.parse_args()
    if args.child:
        which, video, exercise, *extra = args.child
        child(which, video, exercise, extra)
        return
    import formlab

    names = args.videos or (
        [
            n
            for n in formlab.io.samples.sample_names("video")
            if formlab.io.samples.sample_info(n).get("sha256")
        ]
        if args.all
        else list(DEFAULT_VIDEOS)
    )
    args.baseline = baseline_copy(args.baseline)
    if args.rerun:
        print_reruns(names, args.rounds, args.baseline)
        return
    print(
        f"formlab {formlab.__version__}, model full, {os.cpu_count()} CPUs, seconds per stage "
        f"(one run each; steps run one after the other, analyze is the real command)\n"
    )
    cols = [s[:9] for s in STAGES]
    head = (
        f"{'video':34} {'code':6} {'frames':>6} "
        + " ".join(f"{c:>9}" for c in cols)
        + f" {'analyze':>8} {'ratio':>6} {'cpu ratio':>9} {'rerun-start':>11}  plate"
    )
    print(head)
    print("-" * len(head))
    for name in names:
        for version, r in bench_video(name, not args.no_rerun, args.rounds, args.baseline).items():
            rerun = f"{r['rerun'] - r['startup']:11.2f}" if "rerun" in r else f"{'-':>11}"
            print(
                f"{name[:34]:34} {version:6} {r['frames']:6d} "
                + " ".join(f"{r.get(s, float('nan')):9.2f}" for s in STAGES)
                + f" {r['analyze']:8.2f} {r['ratio']:6.2f} {r['ratio_cpu']:9.2f} {rerun}  "
                + r["plate"],
                flush=True,
            )
    print(
        "\nratio: inference_s / analyze_s (throughput of formlab analyze, cold, with video and "
        "figures, relative to the pose model alone; goal >= 0.6); cpu ratio: the same with CPU "
        "seconds (all threads), steadier on a busy machine. rerun-start: formlab analyze with the "
        "track cached, another lift, --no-video, minus interpreter start-up (goal < 1.5 s)."
    )
    if args.memory:
        one, many, times = memory_flat(args.memory)
        print(
            f"\npeak RSS of formlab analyze on {args.memory}: {one['peak_mib']:.0f} MiB "
            f"({one['analyze']:.1f} s); the same clip {times}x: {many['peak_mib']:.0f} MiB "
            f"({many['analyze']:.1f} s); ratio {many['peak_mib'] / one['peak_mib']:.2f}"
        )


if __name__ == "__main__":
    main()
