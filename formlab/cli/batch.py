"""``formlab batch``: the command-line face of :func:`formlab.batch` (many videos, one table)."""

from __future__ import annotations

import argparse
import sys

from ..barbell.scale import check_plate_diameter
from ..exercises import exercise_names
from ..pipeline.batch import ENGINES, batch, default_jobs, format_evaluation
from .options import EXIT_INTERRUPTED, add_analysis_options, add_extract_options, extract_options

EXIT_SOME_FAILED = 1
"""Exit status when the batch finished but some videos failed (their rows say why)."""


def register(subparsers) -> None:
    """Add ``formlab batch INPUTS... -o OUTDIR`` to the ``formlab`` parser."""
    p = subparsers.add_parser(
        "batch",
        help="analyse many videos (folders, patterns, a CSV list) into one table",
        description="Analyse many videos as 'formlab analyze' does, in parallel, into OUTDIR: one "
        "sub-folder per video, and videos.csv (one row per video: status, reps, error), "
        "reps.parquet (every rep), feedback_summary.csv (per video and check) and, when a CSV "
        "list gives true counts in a 'reps' column, evaluation.json. A video that fails is a "
        "'failed' row; the others go on. Run again to resume: finished videos are skipped.",
        epilog="Exit status: 0 when every video was analysed, 1 when some failed, 2 on an error "
        "that stopped the batch, 130 when interrupted (run again to resume).",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="video files, folders, glob patterns ('clips/**/*.mp4'), sample:NAME, or a CSV "
        "list with a 'video' column and optional 'id', 'exercise', 'reps' (true count) and "
        "any other columns (kept as metadata)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="OUTDIR", help="output folder (created if needed)"
    )
    p.add_argument(
        "--exercise",
        "-e",
        default="auto",
        metavar="NAME",
        help=f"lift of the videos a CSV list does not name: auto (recognised; default) or one of: "
        f"{', '.join(exercise_names())}",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help=f"videos analysed at once (default: the number of cores, here {default_jobs()})",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="local: worker processes on this machine (default); dask: a Dask distributed "
        "cluster (pip install 'formlab[dask]')",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --engine dask: an existing scheduler (tcp://HOST:PORT); its workers need "
        "formlab and the videos and OUTDIR at the same paths. Default: a local cluster of "
        "--jobs workers",
    )
    add_analysis_options(p)
    add_extract_options(p)
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run ``formlab batch`` with parsed arguments; returns the exit status."""
    if args.plate_diameter_m is not None:
        check_plate_diameter(
            args.plate_diameter_m, "--plate-diameter"
        )  # named as the user typed it
    try:
        result = batch(
            args.inputs,
            args.output,
            exercise=args.exercise,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            extract_options=extract_options(args),
            bar_method=args.bar_method,
            camera=args.camera,
            lifter_height_m=args.lifter_height_m,
            plate_diameter_m=args.plate_diameter_m,
            thresholds=args.thresholds,
            cache=not args.no_cache,
            pose_format=args.pose_format,
            figures=not args.no_figures,
            video=not args.no_video,
            video_size=args.video_size,
            progress=not args.no_progress,
            extra_checks=args.checks,
        )
    except KeyboardInterrupt:
        print(
            f"formlab: interrupted; the videos finished so far are in {args.output}; run the same "
            f"command again to analyse the rest (finished videos are skipped)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    videos = result.videos
    failed = videos[videos["status"] == "failed"]
    for row in failed.itertuples():
        print(f"formlab: failed: {row.video_id}: {row.error}", file=sys.stderr)
    print(
        f"{result.outdir}: {len(videos)} video{'' if len(videos) == 1 else 's'}: {result.count('ok')} analysed, "
        f"{result.count('skipped')} already done, {len(failed)} failed; "
        f"{len(result.reps)} reps; {result.wall_s:.1f} s"
    )
    if result.evaluation is not None:
        print(format_evaluation(result.evaluation))
    return EXIT_SOME_FAILED if len(failed) else 0
