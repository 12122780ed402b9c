"""Live coaching (issue 12): online against offline, and how fast the live path keeps up.

Two parts, measured side by side in one run:

agreement
    Every sample video of the examples collection (``formlab samples``) played through the live
    path at its real speed (a feeder thread delivers each frame at its timestamp; a frame that
    arrives while the coach is busy waits, and is dropped if a newer one comes first: the newest
    frame is taken, as from a camera's buffer), against ``formlab analyze`` on
    the same clip with the same pose model. Per clip: rep counts, and the failing checks per rep
    (reps paired by number). The clip's lift is the one its manifest names.
speed
    Clips at 720p and 30 fps (frames scaled to a 720 px short side and re-stamped at 30 fps in the
    feeder, so the feeder's decoding and scaling run alongside, as a camera's driver would), with
    models lite and full: frames dropped, p50/p95 time from a frame's arrival to its result, the
    time from a rep's turning point to its cue (and to the rep's confirmation when no cue was
    given), and from the rep's end to its cue.

A rep's end is its ``end_s`` (the rep line of the log): the first frame after its turning point
at which the rep signal, low-passed at ``reps.boundary_cutoff_hz`` (causally, its delay taken
off), is back within ``reps.boundary_frac`` of the rep's depth from its resting level, as offline
ends a rep. A cue's time is its ``t_s``: the frame that handed the rep to the judge plus the wall
time judging took. "early not confirmed" counts cues given when the rep was confirmed that its
judgement once settled did not fail (``LiveStats.cues_not_confirmed``).

Goals: the same counts and failing checks as offline; with lite, p95 < 100 ms and < 5 % of frames
dropped; cues within 0.5 s of the rep's end.

Usage:
  python tests/benchmarks/bench_live.py                     # both parts
  python tests/benchmarks/bench_live.py --part agreement --videos NAME ...
  python tests/benchmarks/bench_live.py --part speed --models lite
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR). Timings depend on the
machine's load: the table says what ran alongside only if you do.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator

import numpy as np

SPEED_VIDEOS = ("formfit-jrplatin__curl", "testvideo-yuyoujiang__squat", "aigym-kantesh__deadlift")
SPEED_FPS = 30.0
SPEED_SHORT_SIDE_PX = 720


def _lift(name: str) -> str:
    from formlab.io.samples import sample_info

    return str(sample_info(name)["exercise"])


def _local_videos() -> list[str]:
    from formlab.io.samples import locate, sample_names

    return [n for n in sample_names("video") if locate(n)[0] in ("data_dir", "cache")]


EARLY_CUES = True  # --no-early-cues: every cue waits for the rep's settled judgement (an A/B)


def _play(source, exercise: str, model: str, realtime: bool, load: str = "auto"):
    from formlab.live import LiveCoach
    from formlab.live.player import play

    events: list[dict] = []

    def on_update(rgb, update) -> None:
        events.extend(update.events)

    with LiveCoach(exercise, model=model, load=load, early_cues=EARLY_CUES) as coach:
        result = play(source, coach, realtime=realtime, on_update=on_update)
        stats = coach.stats
    return events, stats, result


def _online_failures(events: list[dict]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for e in events:
        if e["event"] == "rep":
            out.setdefault(e["rep"], set())
        elif e["event"] == "cue":
            out.setdefault(e["rep"], set()).add(e["check"])
    return out


def agreement(videos: list[str], model: str, realtime: bool = True) -> bool:
    from formlab.exercises import get_exercise
    from formlab.live.sources import open_source
    from formlab.pipeline.analyze import analyze

    pace = "at real speed" if realtime else "every frame (as fast as possible)"
    print(f"\n== agreement: live {pace} vs formlab analyze (model {model}) ==")
    header = (
        "clip",
        "lift",
        "reps off",
        "reps live",
        "dropped",
        "end->cue s",
        "failing checks: offline vs live",
        "same",
        "early not confirmed",
    )
    rows = []
    all_same = True
    for name in videos:
        lift = _lift(name)
        offline = analyze(f"sample:{name}", lift, extract_options={"model": model})
        checks = [c.name for c in get_exercise(lift).checks if c.name in offline.reps.columns]
        off = {
            int(r["rep"]): {c for c in checks if r[c] == "fail"} for _, r in offline.reps.iterrows()
        }
        # a live coach cannot look for plates: it is told the load offline found (--load)
        found = str((offline.summary().get("load") or {}).get("load", "unknown"))
        load = "auto" if found == "unknown" else found  # unknown: the rules' own (barbell) reading
        events, stats, _ = _play(
            open_source(f"sample:{name}"), lift, model, realtime=realtime, load=load
        )
        live = _online_failures(events)
        ends = {e["rep"]: e["end_s"] for e in events if e["event"] == "rep"}
        end_cue = [e["t_s"] - ends[e["rep"]] for e in events if e["event"] == "cue"]
        same = len(off) == len(live) and all(off[k] == live.get(k) for k in off)
        all_same &= same

        def text(d: dict[int, set[str]]) -> str:
            return (
                " ".join(f"{k}:{','.join(sorted(v)) or '-'}" for k, v in sorted(d.items())) or "-"
            )

        rows.append(
            (
                name,
                lift,
                str(len(off)),
                str(len(live)),
                f"{stats.frames_dropped / max(stats.frames_in, 1):.1%}",
                _span(end_cue),
                f"{text(off)} vs {text(live)}",
                "yes" if same else "NO",
                str(stats.cues_not_confirmed),
            )
        )
        print("  " + " | ".join(rows[-1]), flush=True)
    _print_table(header, rows)
    return all_same


def _scaled_frames(name: str) -> Iterator[tuple[np.ndarray, float]]:
    """The clip's frames scaled to a 720 px short side, stamped at 30 fps."""
    import cv2

    from formlab.io.media import iter_video_frames
    from formlab.io.samples import resolve_source

    for k, fr in enumerate(iter_video_frames(resolve_source(f"sample:{name}"))):
        h, w = fr.rgb.shape[:2]
        f = SPEED_SHORT_SIDE_PX / min(h, w)
        size = (round(w * f / 2) * 2, round(h * f / 2) * 2)
        rgb = cv2.resize(fr.rgb, size, interpolation=cv2.INTER_LINEAR) if f != 1 else fr.rgb
        yield np.ascontiguousarray(rgb), k / SPEED_FPS


def speed(videos: list[str], models: list[str]) -> bool:
    from formlab.live.sources import FrameSource

    print(f"\n== speed: {SPEED_SHORT_SIDE_PX}p at {SPEED_FPS:g} fps, real time ==")
    header = (
        "model",
        "clip",
        "frames",
        "dropped",
        "p50 ms",
        "p95 ms",
        "reps",
        "cues",
        "turn->cue s",
        "end->cue s",
        "turn->rep s",
    )
    rows, ok = [], True
    for model in models:
        for name in videos:
            source = FrameSource(f"{name}@720p30", False, _scaled_frames(name))
            events, stats, result = _play(source, _lift(name), model, realtime=True)
            reps = {e["rep"]: e for e in events if e["event"] == "rep"}
            cues = [e for e in events if e["event"] == "cue"]
            turn_cue = [e["latency_s"] for e in cues]
            end_cue = [e["t_s"] - reps[e["rep"]]["end_s"] for e in cues]
            turn_rep = [e["t_s"] - e["turn_s"] for e in reps.values()]
            dropped = stats.frames_dropped / max(stats.frames_in, 1)
            p95 = result.latency_ms(95)
            if model == "lite":
                ok &= dropped < 0.05 and p95 < 100 and all(x <= 0.5 for x in end_cue)
            rows.append(
                (
                    model,
                    name,
                    str(stats.frames_in),
                    f"{dropped:.1%}",
                    f"{result.latency_ms(50):.0f}",
                    f"{p95:.0f}",
                    str(stats.reps),
                    str(stats.cues),
                    _span(turn_cue),
                    _span(end_cue),
                    _span(turn_rep),
                )
            )
            print("  " + " | ".join(rows[-1]), flush=True)
    _print_table(header, rows)
    return ok


def _span(values: list[float]) -> str:
    """``median (max)`` of a few seconds, or ``-``."""
    if not values:
        return "-"
    return f"{np.median(values):.2f} ({max(values):.2f})"


def _print_table(header, rows) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    print("\n" + line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--part", choices=("agreement", "speed", "both"), default="both")
    p.add_argument("--videos", nargs="*", help="sample names (default: every local sample video)")
    p.add_argument("--speed-videos", nargs="*", default=list(SPEED_VIDEOS))
    p.add_argument("--models", nargs="*", default=["lite", "full"])
    p.add_argument("--agreement-model", default="lite")
    p.add_argument(
        "--every-frame",
        action="store_true",
        help="agreement without real time: every frame pushed (the algorithm alone, no drops)",
    )
    p.add_argument(
        "--no-early-cues",
        action="store_true",
        help="no cue at a rep's confirmation: each waits for the rep's frames to settle (an A/B)",
    )
    args = p.parse_args(argv)
    global EARLY_CUES
    EARLY_CUES = not args.no_early_cues
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    verdicts = []
    if args.part in ("agreement", "both"):
        same = agreement(
            args.videos or _local_videos(), args.agreement_model, realtime=not args.every_frame
        )
        verdicts.append(f"online {'equals' if same else 'does NOT always equal'} offline")
    if args.part in ("speed", "both"):
        met = speed(args.speed_videos, args.models)
        verdicts.append(f"speed goals {'met' if met else 'NOT met'}")
    print(
        f"\n{time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f} at the end; "
        + "; ".join(verdicts)
    )
    return 0 if all("NOT" not in v for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
