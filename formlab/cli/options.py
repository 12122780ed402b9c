"""Options shared by several ``formlab`` commands, and how their values are checked and shown."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from ..core.errors import ConfigError
from ..io.models import MODEL_VARIANTS
from ..outputs import VIDEO_SIZES
from ..pipeline.steps import BAR_CHOICES
from ..pipeline.variant import LOADS

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a program whose reader closed the pipe: not 0, since the
output (and any run in progress) was cut short, and no traceback."""


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


def add_extract_options(p: argparse.ArgumentParser) -> None:
    """Add the pose-extraction options (model, confidences, frame range, cache, progress) to a sub-command."""
    flag = EXTRACT_OPTION_FLAGS
    g = p.add_argument_group("pose extraction")
    g.add_argument(
        flag["model"],
        default="full",
        metavar="{lite,full,heavy} or PATH",
        help=f"pose model variant ({', '.join(MODEL_VARIANTS)}) or a .task file (default: full)",
    )
    g.add_argument(
        flag["num_poses"],
        type=int,
        default=1,
        dest="num_poses",
        help="people to look for per frame; >1 keeps the lifter by formlab's selection rule (default: 1)",
    )
    g.add_argument(
        flag["start_frame"],
        type=int,
        default=0,
        dest="start_frame",
        help="first frame to analyse (0-based)",
    )
    g.add_argument(
        flag["end_frame"], type=int, default=None, dest="end_frame", help="stop before this frame"
    )
    g.add_argument(
        flag["stride"],
        type=int,
        default=1,
        dest="stride",
        help="analyse every Nth frame (default: 1)",
    )
    g.add_argument(
        flag["min_pose_detection_confidence"],
        type=float,
        default=0.5,
        metavar="0-1",
        dest="min_pose_detection_confidence",
        help="how sure the person detector must be before it reports a person; lower it when the "
        "lifter is missed (dark, cluttered or partly hidden), raise it when other things are "
        "taken for a person (default: %(default)s)",
    )
    g.add_argument(
        flag["min_pose_presence_confidence"],
        type=float,
        default=0.5,
        metavar="0-1",
        dest="min_pose_presence_confidence",
        help="how sure the landmark model must be that a body is really there; frames below it "
        "count as having no pose (default: %(default)s)",
    )
    g.add_argument(
        flag["min_tracking_confidence"],
        type=float,
        default=0.5,
        metavar="0-1",
        dest="min_tracking_confidence",
        help="videos only: how closely the body must line up with the previous frame's for the "
        "lifter to be followed; below it the person detector searches the frame afresh "
        "(higher: more robust, slower) (default: %(default)s)",
    )
    g.add_argument(
        "--no-cache", action="store_true", help="do not reuse or store cached pose tracks"
    )
    g.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    """The options of an analysis and its outputs, shared by ``formlab analyze`` and ``formlab batch``."""
    p.add_argument(
        "--pose-format",
        choices=("csv", "parquet"),
        default="csv",
        help="file format of the pose track (default: csv)",
    )
    p.add_argument(
        "--bar",
        choices=BAR_CHOICES,
        default="auto",
        dest="bar_method",
        help="how to place the bar: auto (default: the plate tracked in the video when a plate "
        "is seen, side views; else the centre of the grip), grip_centre, wrist_midpoint (the "
        "article's), or plate",
    )
    p.add_argument(
        "--camera",
        choices=("auto", "static", "moving"),
        default="auto",
        help="whether the camera moved: moving (a handheld phone: its motion is measured on the "
        "background and the bar path given in scene coordinates), static, or auto (default: "
        "measured when a few frames' background moved)",
    )
    p.add_argument(
        "--lifter-height",
        type=float,
        default=None,
        metavar="METRES",
        dest="lifter_height_m",
        help="the lifter's height, for the pixel-to-metre scale (default: from the body's segments)",
    )
    p.add_argument(
        "--plate-diameter",
        type=float,
        default=None,
        metavar="METRES",
        dest="plate_diameter_m",
        help="the tracked plate's outer diameter, for the pixel-to-metre scale (default: 0.45, "
        "bumper and 20 kg / 45 lb plates)",
    )
    add_thresholds_option(p)
    add_check_option(p)
    p.add_argument("--no-figures", action="store_true", help="do not draw the figures")
    p.add_argument("--no-video", action="store_true", help="do not write the annotated video")
    p.add_argument(
        "--video-size",
        choices=VIDEO_SIZES,
        default="720",
        help="size of the annotated video: 720 (default: short side at most 720 px, the source's "
        "size when smaller) or full (the source's size; slower to write)",
    )


def add_thresholds_option(p: argparse.ArgumentParser) -> None:
    """``--thresholds FILE``: the form checks' thresholds, for analyze, batch and live alike."""
    p.add_argument(
        "--thresholds",
        default=None,
        metavar="FILE",
        help="form-check thresholds (.toml or .json; values left out take the exercise's preset; "
        "'formlab thresholds EXERCISE -o FILE' writes a template)",
    )


def add_load_option(p: argparse.ArgumentParser, live: bool = False) -> None:
    """``--load``: what the lift is done with, for the checks whose rule depends on it."""
    auto = (
        "auto (default: the lift's own load, else taken for the barbell the rule was written for; a "
        "live coach cannot look for plates: say dumbbell when it is dumbbells)"
        if live
        else "auto (default: a barbell when a plate is tracked, dumbbells when a front rack shows no "
        "plate in a side view)"
    )
    p.add_argument(
        "--load",
        choices=LOADS,
        default="auto",
        help="what the lift is done with, for the checks whose rule depends on it (the barbell "
        f"front rack's elbows_up is not assessable with dumbbells): {auto}, barbell, dumbbell or "
        "bodyweight",
    )


def add_check_option(p: argparse.ArgumentParser) -> None:
    """``--check NAME`` (repeatable): an optional check of the lift run as well (``analyze``, ``batch``, ``live``)."""
    p.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="NAME",
        dest="checks",
        help="also run this optional check of the lift (repeatable; 'formlab exercises' lists "
        "them as 'on request', e.g. heels_down for the squats, the deadlift and the lunge)",
    )


def user_words(message: str) -> str:
    """``message`` with each ExtractOptions field (``extract.stride``) replaced by its command-line option."""
    for name, option in EXTRACT_OPTION_FLAGS.items():
        message = re.sub(rf"(?<![\w-])(?:extract\.)?{name}(?![\w-])", option, message)
    return message


def extract_options(args: argparse.Namespace):
    """The :class:`~formlab.extract.ExtractOptions` of the parsed options; errors name the options as typed."""
    from ..pose.extract import ExtractOptions

    try:
        return ExtractOptions(**{name: getattr(args, name) for name in EXTRACT_OPTION_FLAGS})
    except ConfigError as e:
        raise ConfigError(user_words(str(e))) from None


def resolve_input(text: str) -> Path:
    """A path, or ``sample:NAME`` for a registered sample."""
    from ..io.samples import resolve_source

    return resolve_source(text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str] = ()) -> str:
    """Rows as aligned text columns under ``header``; columns named in ``right`` (numbers) right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells) -> str:
        out = [
            str(c).rjust(w) if h in right else str(c).ljust(w)
            for c, w, h in zip(cells, widths, header)
        ]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])
