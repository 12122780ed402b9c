"""``formlab analyze``: the command-line face of :func:`formlab.analyze` and :func:`formlab.analyze_photo`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..barbell.scale import LIFTER_HEIGHT_RANGE_M, check_plate_diameter
from ..core.errors import ConfigError, InputError, OutputError
from ..core.files import ensure_dir
from ..core.stages import Stages
from ..core.text import with_article
from ..exercises import NONE, check_exercise_name, checks_of, exercise_names
from ..form.report import form_summary
from ..outputs import (
    Writer,
    annotated_video_writer,
    pose_writer,
    write_annotated_image,
    write_feedback,
    write_figures,
    write_reps_table,
    write_summary,
    write_worst_frames,
)
from ..pipeline import analyze, analyze_photo
from ..pipeline.checks import check_extra_checks
from ..pipeline.steps import media_kind_of, resolve_thresholds
from .options import (
    add_analysis_options,
    add_extract_options,
    add_load_option,
    extract_options,
    resolve_input,
)


def register(subparsers) -> None:
    """Add ``formlab analyze VIDEO --exercise NAME -o OUTDIR`` to the ``formlab`` parser."""
    p = subparsers.add_parser(
        "analyze",
        help="count reps, track the bar and measure each rep of a set",
        description="Count the reps of a set, track the bar (or the body part carrying the load), "
        "measure each rep, check the lifter's form and draw it all. Writes summary.json, "
        "reps.csv, feedback.csv, the pose track, figures, an annotated video and the worst "
        "frame of each failed check into OUTDIR. Given a photo, writes the form feedback "
        "on it (summary.json, feedback.csv, pose, annotated.png).",
    )
    p.add_argument("input", help="video or photo, or sample:NAME")
    p.add_argument(
        "--exercise",
        "-e",
        default="squat",
        metavar="NAME",
        help=f"one of: {', '.join(exercise_names())} (default: squat)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="OUTDIR", help="output folder (created if needed)"
    )
    add_load_option(p)
    add_analysis_options(p)
    add_extract_options(p)
    p.set_defaults(func=cmd_analyze)


def _writers_for(args: argparse.Namespace, kind: str) -> list[Writer]:
    if kind == "image":
        return [write_feedback, pose_writer(args.pose_format), write_annotated_image, write_summary]
    writers: list[Writer] = [write_reps_table, write_feedback, pose_writer(args.pose_format)]
    if not args.no_figures:
        writers.append(write_figures)
    if not args.no_video:
        writers.append(annotated_video_writer(progress=not args.no_progress, size=args.video_size))
    return [*writers, write_worst_frames, write_summary]


def _analyze_photo_cli(
    args: argparse.Namespace, source: Path, exercise: str, options, outdir: Path
) -> int:
    photo = analyze_photo(
        source,
        exercise,
        extract_options=options,
        thresholds=args.thresholds,
        cache=not args.no_cache,
        extra_checks=args.checks,
    )
    photo.save(outdir, _writers_for(args, "image"))
    failed = form_summary(photo.feedback, None, checks_of(photo.feedback), photo.thresholds)[
        "failed_checks"
    ]
    print(
        f"{outdir}: {photo.exercise} photo; "
        + (f"fails: {', '.join(failed)}" if failed else "no check fails")
    )
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Run ``formlab analyze`` with parsed arguments; returns the exit status."""
    exercise = check_exercise_name(args.exercise)
    options = extract_options(args)
    low_m, high_m = LIFTER_HEIGHT_RANGE_M
    if args.lifter_height_m is not None and not low_m <= args.lifter_height_m <= high_m:
        # checked here, not after the slow extraction, and named as the user typed it
        raise ConfigError(
            f"--lifter-height must be a height in metres between {low_m} and {high_m}, "
            f"got {args.lifter_height_m}"
        )
    if args.plate_diameter_m is not None:
        check_plate_diameter(args.plate_diameter_m, "--plate-diameter")
    source = resolve_input(args.input)
    kind = media_kind_of(source)
    if kind not in ("video", "image"):
        raise InputError(
            f"{source}: formlab analyze takes one video or one photo, got {with_article(kind)}"
        )
    if args.thresholds:
        resolve_thresholds(args.thresholds, exercise)  # a bad file fails before anything is written
    check_extra_checks(args.checks, exercise)  # so does a check the lift does not have
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a folder")
    created = not outdir.exists()
    ensure_dir(outdir)  # fail on a read-only location before the slow part
    stages = Stages(progress=not args.no_progress)  # one bar per stage, named after it
    try:
        if kind == "image":
            return _analyze_photo_cli(args, source, exercise, options, outdir)
        result = analyze(
            source,
            exercise,
            extract_options=options,
            bar_method=args.bar_method,
            camera=args.camera,
            lifter_height_m=args.lifter_height_m,
            plate_diameter_m=args.plate_diameter_m,
            thresholds=args.thresholds,
            cache=not args.no_cache,
            progress=not args.no_progress,
            stages=stages,
            load=args.load,
            extra_checks=args.checks,
        )
        result.save(outdir, _writers_for(args, kind), stages)
    except BaseException:
        if created and outdir.is_dir() and not any(outdir.iterdir()):
            outdir.rmdir()  # leave nothing behind for a run that produced nothing
        raise
    det = result.detection
    frames = ", ".join(str(f) for f in det.turn_frames) or "-"
    checks = checks_of(result.feedback)
    failed = form_summary(result.feedback, result.reps, checks, result.thresholds)["failed_checks"]
    print(
        f"{outdir}: {det.describe()}; turning points at frames {frames}; "
        + _form_line(result, checks, failed)
    )
    return 0


def _form_line(result, checks, failed: list[str]) -> str:
    """The form part of the last line: never "no check failed" when no check ran."""
    if result.exercise == NONE:
        return "form: no lift was recognised, so no check ran"
    if not checks:
        return "form: no check ran"
    return f"form: {', '.join(failed)} failed in some rep" if failed else "form: no check failed"
