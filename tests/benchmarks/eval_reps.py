"""Rep counting on every sample video with a hand count: formlab vs the article's approach.

For each video of the sample registry that has ``reps`` and ``rep_frames``,
this runs :func:`formlab.pipeline.analyze` twice, with the registry's exercise
and with ``"auto"``, and prints: the exercise, the true and predicted counts,
the timing error of each rep's turning point (predicted minus hand-marked, in
seconds, matched to the nearest prediction), and the article-style baseline:
:func:`scipy.signal.find_peaks` with default parameters on the raw wrist
height (the article's "barbell"), extremes taken in the direction of the
exercise's turning point. Totals follow.

Goals (issue 3): exact count on every video, named and auto; turning points
within 0.25 s except where the registry notes a pause at the bottom.

Usage:
  python tests/benchmarks/eval_reps.py              # all videos with a hand count
  python tests/benchmarks/eval_reps.py NAME ...     # chosen samples
  python tests/benchmarks/eval_reps.py --no-auto    # named exercise only
Exit status 0 if every goal is met, 1 otherwise. Needs the models and samples
(FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR or internet); pose tracks come from the cache.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

TIMING_GOAL_S = 0.25


def baseline_count(track, turning_point: str) -> int:
    """The article's rep count: every peak scipy's find_peaks finds (default parameters) in the raw wrist height."""
    from formlab.reps import article_peaks

    return len(article_peaks(track, turning_point))


def timing_errors_s(pred_times: list[float], true_frames: list[int], track) -> list[float]:
    """For each hand-marked turning point: nearest predicted time minus its time (NaN if nothing predicted)."""
    times = dict(zip(track.frame.tolist(), track.time_s.tolist()))
    out = []
    for f in true_frames:
        t_true = times.get(int(f), np.nan)
        out.append(
            float(min((p - t_true for p in pred_times), key=abs)) if pred_times else float("nan")
        )
    return out


def fmt_errors(errs: list[float]) -> str:
    return "[" + ", ".join("nan" if not np.isfinite(e) else f"{e:+.2f}" for e in errs) + "]"


def main(argv=None) -> int:
    import formlab
    from formlab.exercises import get_exercise
    from formlab.io import samples
    from formlab.pipeline import analyze

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "names", nargs="*", help="sample names (default: every video with a hand count)"
    )
    ap.add_argument("--no-auto", action="store_true", help="skip the exercise='auto' runs")
    args = ap.parse_args(argv)
    names = args.names or [
        n
        for n in samples.sample_names("video")
        if samples.sample_info(n).get("reps") and samples.sample_info(n).get("sha256")
    ]

    rows = []
    head = (
        f"{'video':36s} {'exercise':13s} {'true':>4s} {'named':>5s} {'auto':>4s} {'auto as':13s} "
        f"{'base':>4s}  timing error named (s)            timing error auto (s)"
    )
    print(head)
    print("-" * len(head))
    for name in names:
        info = samples.sample_info(name)
        path = formlab.fetch_sample(name)
        t0 = time.perf_counter()
        named = analyze(path, info["exercise"])
        auto = None if args.no_auto else analyze(named.raw_track, "auto")
        elapsed = time.perf_counter() - t0
        ex = get_exercise(info["exercise"])
        base = baseline_count(named.raw_track, ex.turning_point)
        err_n = timing_errors_s(
            [r.turn_s for r in named.detection.reps], info["rep_frames"], named.track
        )
        err_a = (
            timing_errors_s([r.turn_s for r in auto.detection.reps], info["rep_frames"], auto.track)
            if auto
            else []
        )
        pause = "pause" in info.get("notes", "").lower()
        rows.append(
            dict(
                name=name,
                true=info["reps"],
                named=named.detection.count,
                auto=auto.detection.count if auto else None,
                auto_as=auto.exercise if auto else "",
                base=base,
                err_n=err_n,
                err_a=err_a,
                pause=pause,
                secs=elapsed,
            )
        )
        print(
            f"{name[:36]:36s} {info['exercise']:13s} {info['reps']:4d} {named.detection.count:5d} "
            f"{(auto.detection.count if auto else '-')!s:>4s} {(auto.exercise if auto else '-'):13s} {base:4d}  "
            f"{fmt_errors(err_n):34s} {fmt_errors(err_a) if auto else ''}"
            + ("  (pause noted)" if pause else "")
        )

    print()
    n = len(rows)
    exact_named = sum(r["named"] == r["true"] for r in rows)
    exact_auto = sum(r["auto"] == r["true"] for r in rows) if not args.no_auto else None
    exact_base = sum(r["base"] == r["true"] for r in rows)
    total_true = sum(r["true"] for r in rows)

    def timing(key: str) -> tuple[int, int, float, float]:
        errs = [abs(e) for r in rows if not r["pause"] for e in r[key]]
        errs = [e for e in errs if np.isfinite(e)]
        within = sum(e <= TIMING_GOAL_S for e in errs)
        return (
            within,
            len(errs),
            float(np.mean(errs)) if errs else float("nan"),
            max(errs, default=float("nan")),
        )

    print(f"videos: {n}, reps by hand: {total_true}")
    print(
        f"exact count, named exercise: {exact_named}/{n} "
        f"(predicted {sum(r['named'] for r in rows)} reps in total)"
    )
    if exact_auto is not None:
        print(
            f"exact count, exercise=auto:  {exact_auto}/{n} "
            f"(predicted {sum(r['auto'] for r in rows)} reps in total)"
        )
    print(
        f"exact count, article baseline (find_peaks defaults, raw wrist height): {exact_base}/{n} "
        f"(predicted {sum(r['base'] for r in rows)} reps in total)"
    )
    w, m, mean_e, max_e = timing("err_n")
    print(
        f"turning points within {TIMING_GOAL_S} s, named: {w}/{m} (mean |error| {mean_e:.3f} s, max {max_e:.3f} s)"
    )
    ok = exact_named == n and w == m
    if exact_auto is not None:
        w, m, mean_e, max_e = timing("err_a")
        print(
            f"turning points within {TIMING_GOAL_S} s, auto:  {w}/{m} "
            f"(mean |error| {mean_e:.3f} s, max {max_e:.3f} s)"
        )
        ok = ok and exact_auto == n and w == m
    print(f"time: {sum(r['secs'] for r in rows):.1f} s (pose tracks from the cache)")
    print("all goals met" if ok else "some goals NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
