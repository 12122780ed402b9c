"""The ``formlab`` command line.

``formlab extract INPUT -o OUT`` writes a pose track; ``formlab analyze``
(reps, bar path, form feedback) sits beside it and shares the same options.
``formlab samples`` lists and fetches the sample media, ``formlab models``
shows where the pose models are found. Errors print one line naming the file
and the problem, with a non-zero exit status; nothing half-written is left.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Callable, Sequence

from ._version import __version__
from .errors import FormlabError, FormlabWarning

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a program whose reader closed the pipe: not 0, since the
output (and any run in progress) was cut short, and no traceback."""


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that clean-up code runs as it does for Ctrl-C."""


def _raise_terminated(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated


EXTRACT_OPTION_FLAGS: dict[str, str] = {
    "model": "--model",
    "num_poses": "--num-poses",
    "start_frame": "--start-frame",
    "end_frame": "--end-frame",
    "stride": "--stride",
    "min_pose_detection_confidence": "--min-detection-confidence",
    "min_pose_presence_confidence": "--min-presence-confidence",
    "min_tracking_confidence": "--min-tracking-confidence",
}
"""The command-line option for each :class:`~formlab.extract.ExtractOptions` field: its
validation messages name fields, and a user who typed ``--min-tracking-confidence 2`` should
read that option's name back, not ``min_tracking_confidence``."""


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    from .models import MODEL_VARIANTS

    flag = EXTRACT_OPTION_FLAGS
    g = p.add_argument_group("pose extraction")
    g.add_argument(flag["model"], default="full", metavar="{lite,full,heavy} or PATH",
                   help=f"pose model variant ({', '.join(MODEL_VARIANTS)}) or a .task file (default: full)")
    g.add_argument(flag["num_poses"], type=int, default=1, dest="num_poses",
                   help="people to look for per frame; >1 keeps the lifter by formlab's selection rule (default: 1)")
    g.add_argument(flag["start_frame"], type=int, default=0, dest="start_frame",
                   help="first frame to analyse (0-based)")
    g.add_argument(flag["end_frame"], type=int, default=None, dest="end_frame", help="stop before this frame")
    g.add_argument(flag["stride"], type=int, default=1, dest="stride", help="analyse every Nth frame (default: 1)")
    g.add_argument(flag["min_pose_detection_confidence"], type=float, default=0.5, metavar="0-1",
                   dest="min_pose_detection_confidence",
                   help="how sure the person detector must be before it reports a person; lower it when the "
                        "lifter is missed (dark, cluttered or partly hidden), raise it when other things are "
                        "taken for a person (default: %(default)s)")
    g.add_argument(flag["min_pose_presence_confidence"], type=float, default=0.5, metavar="0-1",
                   dest="min_pose_presence_confidence",
                   help="how sure the landmark model must be that a body is really there; frames below it "
                        "count as having no pose (default: %(default)s)")
    g.add_argument(flag["min_tracking_confidence"], type=float, default=0.5, metavar="0-1",
                   dest="min_tracking_confidence",
                   help="videos only: how closely the body must line up with the previous frame's for the "
                        "lifter to be followed; below it the person detector searches the frame afresh "
                        "(higher: more robust, slower) (default: %(default)s)")
    g.add_argument("--no-cache", action="store_true", help="do not reuse or store cached pose tracks")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")


def _user_words(message: str) -> str:
    """``message`` with each ExtractOptions field name replaced by its command-line option."""
    import re

    for name, option in EXTRACT_OPTION_FLAGS.items():
        message = re.sub(rf"(?<![\w.-]){name}(?![\w-])", option, message)
    return message


def _extract_options(args: argparse.Namespace):
    """The :class:`~formlab.extract.ExtractOptions` of the parsed options; errors name the options as typed."""
    from .errors import ConfigError
    from .extract import ExtractOptions

    try:
        return ExtractOptions(**{name: getattr(args, name) for name in EXTRACT_OPTION_FLAGS})
    except ConfigError as e:
        raise ConfigError(_user_words(str(e))) from None


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


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str] = ()) -> str:
    """Rows as aligned text columns under ``header``; columns named in ``right`` (numbers) right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells) -> str:
        out = [str(c).rjust(w) if h in right else str(c).ljust(w) for c, w, h in zip(cells, widths, header)]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


SAMPLE_LOCAL_WORDS = {"data_dir": "data dir", "cache": "cache", "missing": "no", "corrupt": "BAD CHECKSUM"}
"""How ``formlab samples`` words :func:`formlab.samples.locate`'s answer in its ``local`` column."""


def cmd_samples(args: argparse.Namespace) -> int:
    import math

    from .cache import cache_dir
    from .samples import DATA_DIR_ENV, fetch, locate, sample_info, sample_names

    if args.fetch:
        for name in args.fetch:
            print(fetch(name))
        return 0
    kinds = [args.kind] if args.kind else ["video", "image"]
    rows = []
    for kind in kinds:
        for name in sample_names(kind):
            info = sample_info(name)
            reps = info.get("reps")
            rows.append([name, kind, info.get("exercise") or "-",
                         "-" if reps is None or (isinstance(reps, float) and math.isnan(reps)) else str(int(reps)),
                         info.get("license") or "-", SAMPLE_LOCAL_WORDS[locate(name)[0]]])
    print(_table(["name", "kind", "exercise", "reps", "licence", "local"], rows, right=["reps"]))
    mirror = os.environ.get(DATA_DIR_ENV)
    print(f"\nlocal: 'data dir' = ${DATA_DIR_ENV} ({mirror or 'not set'}), 'cache' = {cache_dir('samples')}, "
          f"'no' = downloaded on first use.")
    if not args.kind:
        hidden = len(sample_names("annotation"))
        print(f"{hidden} annotation files (reference data for the tests) not shown: --kind annotation.")
    print("Use one as sample:NAME, e.g. formlab analyze sample:NAME -o out/")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """List the pose models and where each is found; exit 0 unless something is broken or a download fails.

    A missing variant is not an error here: it is downloaded when first used,
    and a listing that failed for it would make ``formlab models`` unusable
    as the very command that tells you so. A file that is there but is not a
    model bundle, an unknown name, or a failed ``--download`` is an error.
    """
    from .cache import cache_dir
    from .models import MODEL_DIR_ENV, MODEL_VARIANTS, find_model, model_candidates, model_url, resolve_model

    status = 0
    rows = []
    for v in args.variant or MODEL_VARIANTS:
        found = find_model(v) if v in MODEL_VARIANTS else Path(v)
        where = found or model_candidates(v)[-1]
        if found is None and not args.download:
            rows.append([v, str(where), "missing", "-"])
            continue
        try:  # checks the file as extract would (and downloads only with --download)
            m = resolve_model(v, download=args.download)
        except FormlabError as e:
            print(f"formlab: error: {e}", file=sys.stderr)
            rows.append([v, str(where), "ERROR", "-"])
            status = EXIT_ERROR
        else:
            rows.append([v, str(m.path), "found", m.sha256])
    print(_table(["model", "file", "status", "sha256"], rows))
    env_dir = os.environ.get(MODEL_DIR_ENV)
    print(f"\nsearched: ${MODEL_DIR_ENV} ({env_dir or 'not set'}), then {cache_dir('models')}.")
    if any(r[2] == "missing" for r in rows):
        print(f"'missing' models are downloaded into {cache_dir('models')} when first used "
              f"(from {model_url('VARIANT')}), or now with: formlab models --download")
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

    p = sub.add_parser("samples", help="list the sample media, or fetch some",
                       description="List the registered sample videos and photos: exercise, hand-counted reps, "
                                   "licence, and whether a checked local copy is already at hand (nothing is "
                                   "downloaded to find out).")
    p.add_argument("--kind", choices=("video", "image", "annotation"), default=None,
                   help="list only this kind (default: videos and images)")
    p.add_argument("--fetch", nargs="+", metavar="NAME", help="download/locate these samples and print their paths")
    p.set_defaults(func=cmd_samples)

    p = sub.add_parser("models", help="show where each pose model is found",
                       description="List the pose model variants, the file each resolves to and whether it is "
                                   "there. A missing model is not an error (it is downloaded on first use); a "
                                   "file that is not a model bundle, or a failed --download, is.")
    p.add_argument("variant", nargs="*", help="lite, full, heavy or a .task file (default: the three variants)")
    p.add_argument("--download", action="store_true", help="download missing models now")
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

    # as a program (argv None: the console script, python -m formlab), SIGTERM cleans up like Ctrl-C;
    # called from Python (a notebook, a test), the caller's own SIGTERM handling is left alone
    previous = None
    if argv is None and threading.current_thread() is threading.main_thread():
        current = signal.getsignal(signal.SIGTERM)
        if current is not None:  # None: set outside Python, could not be restored
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
    except BrokenPipeError:  # the reader went away (`formlab samples | head`): end quietly, as `cat` would
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_BROKEN_PIPE
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
