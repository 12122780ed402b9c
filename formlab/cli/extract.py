"""``formlab extract``: the pose track of a video, a photo or a folder of photos."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import OutputError
from ..core.files import ensure_dir, note_completed
from ..io.media import media_kind
from ..pose.extract import extract
from .options import add_extract_options, extract_options, resolve_input


def cmd_extract(args: argparse.Namespace) -> int:
    """Run ``formlab extract`` with parsed arguments; returns the exit status."""
    options = extract_options(args)  # bad option values are reported before anything is read
    source = resolve_input(args.input)
    out = Path(args.output)
    kind = media_kind(source)
    if kind == "folder":
        if out.suffix.lower() in (".csv", ".parquet"):
            raise OutputError(f"{out}: a folder of images needs an output folder, not a file")
    elif out.suffix.lower() not in (".csv", ".parquet"):
        raise OutputError(f"{out}: output must end in .csv or .parquet")
    else:
        from ..core.files import check_writable_dir

        check_writable_dir(out.parent if str(out.parent) else Path("."), for_file=out)
        if out.is_dir():  # said before the slow part, not after it
            raise OutputError(f"{out}: is a folder; give the name of a file to write")
    result = extract(source, options, cache=not args.no_cache, progress=not args.no_progress)
    if isinstance(result, list):  # a folder (kind == "folder"): one track per image
        ensure_dir(out)
        for track in result:
            path = track.save(out / (Path(track.meta.source).stem + "." + args.format))
            print(f"{path}: {track.n_frames} frame, {int(track.detected.sum())} with a pose")
        note_completed(out)
    else:
        track = result
        note_completed(track.save(out))
        print(
            f"{out}: {track.n_frames} frames, {int(track.detected.sum())} with a pose "
            f"({track.meta.model_variant} model; {track.meta.person_selection})"
        )
    return 0


def register(sub) -> None:
    """Add ``formlab extract INPUT -o OUT``."""
    p = sub.add_parser(
        "extract",
        help="extract the 33-landmark pose track from a video, image or image folder",
        description="Write the lifter's pose track as a tidy table (one row per frame and landmark).",
    )
    p.add_argument("input", help="video, image, folder of images, or sample:NAME")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="OUT.csv or OUT.parquet (for a folder of images: an output folder)",
    )
    p.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="file format for a folder of images",
    )
    add_extract_options(p)
    p.set_defaults(func=cmd_extract)
