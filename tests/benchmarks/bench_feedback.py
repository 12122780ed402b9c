"""Benchmark: form feedback and the annotated video on the default sample clip (not collected by pytest).

    python tests/benchmarks/bench_feedback.py [SAMPLE]

Prints the time of each step and the annotation speed in frames per second.
Measured on the 2-core development machine (shared with other jobs), for
squatAnalysis-rohanx01__squat (614 frames, 608x1080): evaluate_form about
0.03 s; write_annotated_video about 20 s (30 fps), of which drawing about
10 ms per frame and the rest x264 "veryfast" encoding and decoding.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import formlab
from formlab import evaluate_form, form_per_rep
from formlab.reps import detect_reps
from formlab.viz.video import write_annotated_video


def main(name: str = formlab.io.samples.DEFAULT_VIDEO) -> None:
    src = formlab.fetch_sample(name)
    t0 = time.perf_counter()
    track = formlab.extract(src, progress=False)
    t1 = time.perf_counter()
    exercise = formlab.io.samples.sample_info(name).get("exercise") or "squat"
    reps = detect_reps(track, exercise).to_frame()
    t2 = time.perf_counter()
    fb = evaluate_form(track, exercise, reps=reps)
    form_per_rep(fb, reps)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_annotated_video(
            src, track, fb, Path(tmp) / "annotated.mp4", reps=reps, progress=False
        )
    t4 = time.perf_counter()
    print(f"{name}: {track.n_frames} frames")
    print(f"  extract (cached if run before) {t1 - t0:6.2f} s")
    print(f"  detect_reps                    {t2 - t1:6.2f} s")
    print(f"  evaluate_form + form_per_rep {t3 - t2:6.2f} s")
    print(
        f"  write_annotated_video          {t4 - t3:6.2f} s ({track.n_frames / (t4 - t3):.1f} frames/s)"
    )


if __name__ == "__main__":
    main(*sys.argv[1:2])
