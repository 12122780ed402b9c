"""Benchmark: how fast the threshold-tuning widgets respond (not collected by pytest).

    python tests/benchmarks/bench_widgets.py [SAMPLE]

Builds a :class:`formlab.interactive.tuner.ThresholdTuner` on the sample (default: the
default clip) and times, in the kernel (what a slider change costs before
the browser shows it): the set-up (track from the cache, cleaning, frame
decoding), a threshold change (feedback, counts, the plots whose content
changed, the frame), a detector change (reps too), and a frame change. Each
change is repeated and the median and worst times printed. The goal (issue
5) is well under a second per change.
"""

from __future__ import annotations

import statistics
import sys
import time

import formlab
from formlab.interactive.tuner import ThresholdTuner


def timed(action, repeats: int = 5) -> tuple[float, float]:
    times = []
    for k in range(repeats):
        t0 = time.perf_counter()
        action(k)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main(name: str = formlab.io.samples.DEFAULT_VIDEO) -> None:
    t0 = time.perf_counter()
    tuner = ThresholdTuner(formlab.fetch_sample(name), progress=False)
    print(
        f"{name}: {tuner.track.n_frames} frames; set-up {time.perf_counter() - t0:.1f} s; frames kept "
        f"{tuner.frames.nbytes / 1e6:.1f} MB at {tuner.frames.size[0]}x{tuner.frames.size[1]} px"
    )
    elbows = tuner.threshold_sliders["elbows_up.max_upper_arm_drop_deg"]
    view = tuner.threshold_sliders["view.front_max_yaw_deg"]
    prominence = tuner.detector_sliders["min_prominence_frac"]
    frames = tuner.track.frame
    rows = [
        ("threshold (elbows up)", lambda k: setattr(elbows, "value", 40.0 + 5 * (k % 2))),
        ("threshold (view: every check)", lambda k: setattr(view, "value", 25.0 + 5 * (k % 2))),
        ("detector (prominence)", lambda k: setattr(prominence, "value", 0.45 + 0.05 * (k % 2))),
        (
            "frame",
            lambda k: setattr(tuner.frame_slider, "value", int(frames[(37 * k) % len(frames)])),
        ),
    ]
    for what, action in rows:
        median, worst = timed(action)
        print(f"  {what:32s} median {median * 1000:6.0f} ms, worst {worst * 1000:6.0f} ms")


if __name__ == "__main__":
    main(*sys.argv[1:])
