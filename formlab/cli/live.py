"""``formlab live``: coach a set as it happens, from a camera or a video played as one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.errors import InputError, OutputError
from ..core.files import check_writable_dir, note_completed
from ..exercises import AUTO, check_exercise_name
from ..io.models import MODEL_VARIANTS
from ..live import LiveCoach, LiveStats, LiveUpdate
from ..live.player import play
from ..live.record import LiveRecorder
from ..live.sources import FrameSource, open_source
from ..live.speech import Speaker
from .options import add_check_option, add_load_option, add_thresholds_option


def cmd_live(args: argparse.Namespace) -> int:
    """Run ``formlab live`` with parsed arguments; returns the exit status."""
    from ..pipeline.checks import check_extra_checks
    from ..pipeline.steps import resolve_thresholds

    exercise = check_exercise_name(args.exercise)  # an unknown lift is said before anything opens
    if exercise != AUTO:  # (LiveCoach refuses auto in its own words)
        check_extra_checks(args.checks, exercise)  # and so is a check the lift does not have
        if args.thresholds:
            resolve_thresholds(args.thresholds, exercise)  # and a bad thresholds file
    for out in (args.log, args.record):
        if out is not None:
            out = Path(out)
            check_writable_dir(out.parent if str(out.parent) else Path("."), for_file=out)
            if out.is_dir():
                raise OutputError(f"{out}: is a folder; give the name of a file to write")
    source = open_source(args.source)
    speaker = Speaker(enabled=not args.silent)
    if not args.silent and not speaker.available:
        print(f"formlab: note: {NO_SPEECH_NOTE}", file=sys.stderr)
    log = open(args.log, "w", encoding="utf-8") if args.log else None
    try:
        with LiveCoach(
            exercise,
            model=args.model,
            announce_reps=not args.no_count,
            thresholds=args.thresholds,
            extra_checks=args.checks,
            load=args.load,
        ) as coach:
            checks = coach.exercise.checks
            titles = {c.name: c.title for c in checks}
            cues = {c.name: c.cue for c in checks}
            recorder = LiveRecorder(args.record, titles=titles, cues=cues) if args.record else None

            def on_update(rgb, update: LiveUpdate) -> None:
                for event in update.events:
                    _announce(event, speaker, log)
                    if recorder is not None and event["event"] == "cue":
                        recorder.note(event["text"])
                if recorder is not None and rgb is not None:
                    recorder.write(rgb, update)

            if recorder is not None:
                with recorder:
                    result = play(source, coach, realtime=args.realtime, on_update=on_update)
                note_completed(recorder.path)
            else:
                result = play(source, coach, realtime=args.realtime, on_update=on_update)
            stats = coach.stats
        summary = {
            "event": "summary",
            "source": source.name,
            "exercise": coach.exercise.name,
            "model": args.model,
            "realtime": bool(args.realtime or source.live),
            **stats.to_dict(),
            "latency_p50_ms": round(result.latency_ms(50), 1),
            "latency_p95_ms": round(result.latency_ms(95), 1),
            "wall_s": round(result.wall_s, 2),
        }
        if log is not None:
            log.write(json.dumps(summary) + "\n")
        dropped = (
            f", {stats.frames_dropped} dropped ({stats.frames_dropped / max(stats.frames_in, 1):.0%})"
            if summary["realtime"]
            else ""
        )
        print(
            f"{source.name}: {stats.reps} rep(s), {stats.cues} cue(s); {stats.frames_processed} frames "
            f"processed{dropped}; {summary['latency_p50_ms']:.0f} ms median per frame"
        )
        _nobody_in_view(source, stats)
    finally:
        if log is not None:
            log.close()
        speaker.close()
    if log is not None:
        note_completed(Path(args.log))
    if args.record:
        print(f"recording: {args.record}")
    return 0


NO_SPEECH_NOTE = "cues are printed and logged; install espeak or spd-say to hear them"
"""Said once at the start when no speech program is found and ``--silent`` was not given: a
lifter waiting to hear "knees out" should know at once that nothing will be heard."""


def _nobody_in_view(source: FrameSource, stats: LiveStats) -> None:
    """Say that no person was seen in the whole source, rather than report "0 rep(s)" as a set.

    A file in which nobody appears is an error, as it is for ``formlab
    analyze`` (same exit status); a camera gets a notice only, since it may
    have been started before the lifter walked in.
    """
    if stats.frames_with_pose or not stats.frames_processed:
        return
    n = stats.frames_processed
    if not source.live:
        raise InputError(
            f"{source.name}: no person found in any of the {n} frames (nobody in view in {n} "
            f"frames); nothing to coach (is the lifter in the picture?)"
        )
    print(
        f"formlab: note: nobody in view in {n} frames (is the camera pointed at the lifter?)",
        file=sys.stderr,
    )


def _announce(event: dict, speaker: Speaker, log) -> None:
    """Print an event, say it if it has something to say, and log it."""
    if event["event"] == "rep":
        print(f"{event['t_s']:7.2f} s  rep {event['rep']}")
        if "text" in event:
            speaker.say(event["text"])
    elif event["event"] == "cue":
        print(
            f"{event['t_s']:7.2f} s  rep {event['rep']}: {event['text']} "
            f"({event['check']}, {event['latency_s']:.2f} s after the turning point)"
        )
        speaker.say(event["text"])
    sys.stdout.flush()
    if log is not None:
        log.write(json.dumps(event) + "\n")
        log.flush()


def register(sub) -> None:
    """Add ``formlab live SOURCE --exercise NAME``."""
    p = sub.add_parser(
        "live",
        help="coach a set live from a camera or a video: reps counted, cues spoken",
        description="Count reps and judge each one as it happens, with the same checks and thresholds "
        "as 'formlab analyze'. Cues are printed, spoken where the machine has a speech program "
        "(spd-say, espeak-ng, espeak) and written to the log with each rep.",
    )
    p.add_argument(
        "source",
        help="a camera (index such as 0, or /dev/videoN), a video file, or sample:NAME",
    )
    p.add_argument("--exercise", "-e", required=True, metavar="NAME", help="the lift (by name)")
    p.add_argument(
        "--realtime",
        action="store_true",
        help="play a video file at its real speed: the newest frame is taken when the coach is free, "
        "frames overtaken meanwhile are dropped (a camera is always real time; default for a file: "
        "every frame, as fast as possible)",
    )
    p.add_argument(
        "--log", metavar="FILE.jsonl", help="write every rep and cue, then a summary, as JSON lines"
    )
    p.add_argument("--record", metavar="OUT.mp4", help="write the annotated preview as a video")
    p.add_argument(
        "--model",
        choices=MODEL_VARIANTS,
        default="lite",
        help="pose model (default: lite, which keeps up with 30 fps on a small machine)",
    )
    p.add_argument(
        "--silent", action="store_true", help="do not speak the cues (still printed and logged)"
    )
    p.add_argument("--no-count", action="store_true", help="do not say the rep count")
    add_thresholds_option(p)
    add_check_option(p)
    add_load_option(p, live=True)
    p.set_defaults(func=cmd_live)
