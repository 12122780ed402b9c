"""The app's cost over ``formlab analyze``, and its memory over ten analyses, measured in one run.

Starts ``formlab app --no-browser`` (no pose cache: every analysis is a full
one, as for a coach's new video) and drives it with Playwright in Debian's
Chromium, as a coach would: choose the lift, upload the clip through the
page's file button, wait for the result. Side by side, in the same run and
alternating with it, ``formlab analyze CLIP -e LIFT -o OUT --no-cache`` runs
on the same clip.

  app       time from giving the file to the page until the rep count shows
            (upload in chunks, the analysis, its outputs, the zip, the page drawn)
  analyze   ``formlab analyze`` wall clock, and the same minus the start-up of
            ``python -m formlab --version`` (interpreter and imports, which the
            app's warm kernel has already paid)

Ratio ``app / (analyze - start-up)``; goal (issue 11): under 1.10.

Memory: then ``--runs`` (default 10) analyses of MEMORY_CLIP in a row through
the page, printing after each the resident memory of the server and its
kernels (the processes under ``formlab app``); goal: flat (the last within
10 % of the second: the first includes loading the model and libraries).

Upload: with ``--upload-mb N`` (default 0: skipped), N MiB of random bytes named ``big.mp4``
go through the page's upload: the time until the page says it is not a video (the whole file
received, then refused by the decoder), and the peak memory of the server and kernels meanwhile
(the upload is streamed in chunks: it should not grow with N).

Usage:
  python tests/benchmarks/bench_app.py                      # default clip, 3 rounds, 10 memory runs
  python tests/benchmarks/bench_app.py --rounds 1 --runs 10 --clip NAME --lift NAME
  python tests/benchmarks/bench_app.py --rounds 0 --runs 0 --upload-mb 300   # the upload alone
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR), Chromium and psutil.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the support package
from support.app_harness import start_app, stop_app
from support.browser_harness import CHROMIUM, CHROMIUM_FLAGS

DEFAULT_CLIP = "squatAnalysis-rohanx01__squat"
DEFAULT_LIFT = "front_squat"
MEMORY_CLIP = "tfjs-models__pose_squats"
RESULT_TIMEOUT_MS = 900_000


def server_rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (the app's server and kernels), MiB."""
    import psutil

    root = psutil.Process(pid)
    total = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def time_cli(clip: Path, lift: str, out: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "formlab", "analyze", str(clip), "-e", lift, "-o", str(out),
         "--no-cache", "--no-progress"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - t


def startup_s(env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "formlab", "--version"], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t


def time_app(page, clip: Path, lift: str) -> float:
    page.locator(".formlab-analyse select").first.select_option(label=lift.replace("_", " "))
    page.wait_for_timeout(300)  # the choice reaches the kernel
    before = page.evaluate(
        "() => { const c = document.querySelector('.formlab-count'); return c ? c.dataset.run : ''; }"
    )
    t = time.perf_counter()
    page.locator(".formlab-main-upload input[type=file]").set_input_files(str(clip))
    page.wait_for_function(  # a new result (another run's), or an error
        """before => {
            const c = document.querySelector('.formlab-count');
            return (c && c.dataset.run !== before) || document.querySelector('.formlab-error');
        }""",
        arg=before,
        timeout=RESULT_TIMEOUT_MS,
        polling=100,
    )
    seconds = time.perf_counter() - t
    error = page.locator(".formlab-error")
    if error.count():
        raise RuntimeError(f"the app refused {clip.name}: {error.inner_text()}")
    return seconds


def time_upload(page, work: Path, size_mib: int, server) -> tuple[float, float]:
    """Seconds until the page answers an upload of ``size_mib`` MiB (not a video), and the peak RSS."""
    big = work / "big.mp4"
    with open(big, "wb") as f:
        block = os.urandom(2**20)
        for _ in range(size_mib):
            f.write(block)
    peak = 0.0
    t = time.perf_counter()
    page.locator(".formlab-main-upload input[type=file]").set_input_files(str(big))
    while not page.locator(".formlab-error").count():
        peak = max(peak, server_rss_mib(server.process.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - t
    big.unlink()
    return seconds, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clip", default=DEFAULT_CLIP)
    ap.add_argument("--lift", default=DEFAULT_LIFT)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=10, help="analyses in a row for the memory check")
    ap.add_argument("--upload-mb", type=int, default=0, help="time an upload of this many MiB")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from formlab.io.samples import fetch

    clip, memory_clip = fetch(args.clip), fetch(MEMORY_CLIP)
    with tempfile.TemporaryDirectory(prefix="formlab-bench-app-") as tmp:
        work = Path(tmp)
        cache = work / "cache"  # empty: nothing is cached for either side
        env = {**os.environ, "FORMLAB_CACHE_DIR": str(cache)}
        server = start_app(work / "server", env_extra={"FORMLAB_CACHE_DIR": str(cache)})
        app_s, cli_s, start_s = [], [], []
        rss: list[float] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
                )
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.set_default_timeout(120_000)
                page.goto(server.url)
                page.locator(".formlab-main-upload input[type=file]").wait_for(state="attached")
                for r in range(args.rounds):  # alternating which goes first
                    if r % 2:
                        app_s.append(time_app(page, clip, args.lift))
                    cli_s.append(time_cli(clip, args.lift, work / f"cli-{r}", env))
                    start_s.append(startup_s(env))
                    if not r % 2:
                        app_s.append(time_app(page, clip, args.lift))
                    print(
                        f"round {r + 1}: app {app_s[-1]:.1f} s, analyze {cli_s[-1]:.1f} s "
                        f"(start-up {start_s[-1]:.1f} s)",
                        flush=True,
                    )
                for i in range(args.runs):
                    time_app(page, memory_clip, "squat")
                    rss.append(server_rss_mib(server.process.pid))
                    print(f"memory run {i + 1}: server and kernels {rss[-1]:.0f} MiB", flush=True)
                # last: its error line stays on the page, which time_app would take for an answer
                upload = time_upload(page, work, args.upload_mb, server) if args.upload_mb else None
                browser.close()
        finally:
            stop_app(server)

    if upload is not None:
        print(f"upload of {args.upload_mb} MiB: {upload[0]:.1f} s to the page's answer; "
              f"server and kernels at most {upload[1]:.0f} MiB meanwhile")  # fmt: skip
    if not app_s:
        return 0
    app, cli, start = (statistics.median(x) for x in (app_s, cli_s, start_s))
    print(
        f"\nclip {args.clip} ({args.lift}), {args.rounds} round(s), medians; {os.cpu_count()} cores"
    )
    print(f"  app (upload to result)       {app:7.1f} s")
    print(f"  formlab analyze (wall)       {cli:7.1f} s")
    print(f"  formlab analyze - start-up   {cli - start:7.1f} s  (start-up {start:.1f} s)")
    ratio = app / (cli - start)
    print(
        f"  ratio app / analyze          {ratio:7.2f}  (goal < 1.10; against the wall clock: {app / cli:.2f})"
    )
    if rss:
        growth = (rss[-1] - rss[min(1, len(rss) - 1)]) / rss[min(1, len(rss) - 1)]
        print(
            f"memory, {len(rss)} analyses of {MEMORY_CLIP} in a row: "
            + " ".join(f"{m:.0f}" for m in rss)
            + f" MiB; last vs second {growth:+.1%} (goal: flat, within 10 %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
