"""The ``formlab`` command line.

``formlab extract INPUT -o OUT`` writes a pose track; ``formlab analyze``
(reps, bar path, form feedback) sits beside it and shares the same options.
``formlab samples`` lists and fetches the sample media, ``formlab models``
shows where the pose models are found. Errors print one line naming the file
and the problem, with a non-zero exit status; nothing half-written is left.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Callable, Sequence

from ._version import __version__
from .errors import FormlabError, FormlabWarning

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that clean-up code runs as it does for Ctrl-C."""


def _raise_terminated(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    from .models import MODEL_VARIANTS

    g = p.add_argument_group("pose extraction")
    g.add_argument("--model", default="full", metavar="{lite,full,heavy} or PATH",
                   help=f"pose model variant ({', '.join(MODEL_VARIANTS)}) or a .task file (default: full)")
    g.add_argument("--num-poses", type=int, default=1,
                   help="people to look for per frame; >1 keeps the lifter by formlab's selection rule (default: 1)")
    g.add_argument("--start-frame", type=int, default=0, help="first frame to analyse (0-based)")
    g.add_argument("--end-frame", type=int, default=None, help="stop before this frame")
    g.add_argument("--stride", type=int, default=1, help="analyse every Nth frame (default: 1)")
    g.add_argument("--min-detection-confidence", type=float, default=0.5, dest="min_pose_detection_confidence")
    g.add_argument("--min-presence-confidence", type=float, default=0.5, dest="min_pose_presence_confidence")
    g.add_argument("--min-tracking-confidence", type=float, default=0.5, dest="min_tracking_confidence")
    g.add_argument("--no-cache", action="store_true", help="do not reuse or store cached pose tracks")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")


def _extract_options(args: argparse.Namespace):
    from .extract import ExtractOptions

    return ExtractOptions(
        model=args.model,
        num_poses=args.num_poses,
        start_frame=args.start_frame,
        end_frame=args.end_frame,
        stride=args.stride,
        min_pose_detection_confidence=args.min_pose_detection_confidence,
        min_pose_presence_confidence=args.min_pose_presence_confidence,
        min_tracking_confidence=args.min_tracking_confidence,
    )


def _resolve_input(text: str) -> Path:
    """A path, or ``sample:NAME`` for a registered sample."""
    if text.startswith("sample:"):
        from .samples import fetch

        return fetch(text[len("sample:"):])
    return Path(text)


def cmd_extract(args: argparse.Namespace) -> int:
    from ._files import ensure_dir
    from .errors import OutputError
    from .extract import extract
    from .media import media_kind

    options = _extract_options(args)  # bad option values are reported before anything is read
    source = _resolve_input(args.input)
    out = Path(args.output)
    kind = media_kind(source)
    if kind == "folder":
        if out.suffix.lower() in (".csv", ".parquet"):
            raise OutputError(f"{out}: a folder of images needs an output folder, not a file")
    elif out.suffix.lower() not in (".csv", ".parquet"):
        raise OutputError(f"{out}: output must end in .csv or .parquet")
    else:
        from ._files import check_writable_dir

        check_writable_dir(out.parent if str(out.parent) else Path("."), for_file=out)
    result = extract(source, options, cache=not args.no_cache, progress=not args.no_progress)
    if kind == "folder":
        ensure_dir(out)
        for track in result:
            path = track.save(out / (Path(track.meta.source).stem + "." + args.format))
            print(f"{path}: {track.n_frames} frame, {int(track.detected.sum())} with a pose")
    else:
        track = result
        track.save(out)
        print(f"{out}: {track.n_frames} frames, {int(track.detected.sum())} with a pose "
              f"({track.meta.model_variant} model; {track.meta.person_selection})")
    return 0


def cmd_samples(args: argparse.Namespace) -> int:
    from .samples import fetch, list_samples

    if args.fetch:
        for name in args.fetch:
            print(fetch(name))
        return 0
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.width", 160, "display.max_colwidth", 40):
        print(list_samples().drop(columns=["url"]).to_string(index=False))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from .models import MODEL_VARIANTS, resolve_model

    status = 0
    for v in args.variant or MODEL_VARIANTS:
        try:
            m = resolve_model(v, download=args.download)
            print(f"{v}: {m.path} (sha256 {m.sha256})")
        except FormlabError as e:
            print(f"{v}: {e}")
            status = EXIT_ERROR
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formlab",
        description="Turn a video of a lift into pose tracks, rep counts, bar paths and form feedback.",
        epilog="Inputs may be a path or sample:NAME (see 'formlab samples').",
    )
    parser.add_argument("--version", action="version", version=f"formlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("extract", help="extract the 33-landmark pose track from a video, image or image folder",
                       description="Write the lifter's pose track as a tidy table (one row per frame and landmark).")
    p.add_argument("input", help="video, image, folder of images, or sample:NAME")
    p.add_argument("-o", "--output", required=True,
                   help="OUT.csv or OUT.parquet (for a folder of images: an output folder)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format for a folder of images")
    _add_extract_options(p)
    p.set_defaults(func=cmd_extract)

    _register_analyze(sub)

    p = sub.add_parser("samples", help="list the sample media, or fetch some")
    p.add_argument("--fetch", nargs="+", metavar="NAME", help="download/locate these samples and print their paths")
    p.set_defaults(func=cmd_samples)

    p = sub.add_parser("models", help="show where each pose model is found")
    p.add_argument("variant", nargs="*", help="lite, full or heavy (default: all)")
    p.add_argument("--download", action="store_true", help="download missing models")
    p.set_defaults(func=cmd_models)
    return parser


def _register_analyze(sub) -> None:
    from .analyze import register_cli

    register_cli(sub, _add_extract_options)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    import signal
    import threading

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", FormlabWarning)
            warnings.showwarning = _show_warning
            return func(args)
    except FormlabError as e:
        print(f"formlab: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("formlab: interrupted; no output was written (earlier results, if any, are unchanged)",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("formlab: terminated; no output was written (earlier results, if any, are unchanged)",
              file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """formlab's own warnings as one line on stderr; others as Python prints them."""
    if issubclass(category, FormlabWarning):
        print(f"formlab: warning: {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
