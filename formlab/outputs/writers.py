"""What ``formlab analyze`` writes: one *writer* per output.

Each writer is a function ``writer(analysis, outdir) -> list of paths`` that
writes one output atomically: ``summary.json``, ``reps.csv``,
``feedback.csv``, the pose track, the figures, the annotated video and the
worst frame of each failed check. :func:`formlab.outputs.saving.save_outputs`
runs them into a hidden staging folder and moves the results into place only
when all are complete. Further outputs are added by appending a writer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..barbell.trajectory import BAR_METHODS
from ..core.errors import OutputError
from ..core.files import (
    CSV_FLOAT_FORMAT,
    atomic_write,
    json_default,
)
from ..form.check import FAIL
from ..form.judge import check_columns
from ..form.report import save_feedback
from ..viz import style

if TYPE_CHECKING:  # the results this module writes (defined in the layer above)
    from ..pipeline import Analysis, PhotoAnalysis

SUMMARY_FILE = "summary.json"
REPS_FILE = "reps.csv"
FEEDBACK_FILE = "feedback.csv"
POSE_FILE_STEM = "pose"
FIGURES = {"position": "bar_position.png", "path": "bar_path.png"}
ANNOTATED_VIDEO = "annotated.mp4"
ANNOTATED_IMAGE = "annotated.png"
WORST_FRAMES_DIR = "worst_frames"

OUTPUT_NAMES: tuple[str, ...] = (
    SUMMARY_FILE,
    REPS_FILE,
    FEEDBACK_FILE,
    f"{POSE_FILE_STEM}.csv",
    f"{POSE_FILE_STEM}.csv.json",
    f"{POSE_FILE_STEM}.parquet",
    *FIGURES.values(),
    ANNOTATED_VIDEO,
    ANNOTATED_IMAGE,
    WORST_FRAMES_DIR,
)
"""Everything ``formlab analyze`` may write into an output folder; a new full run replaces all of it,
so a folder never mixes the outputs of two runs (other files in the folder are left alone)."""


# Writers
# =============================================================================
Writer = Callable[..., Sequence[Path]]  # (an Analysis or a PhotoAnalysis, outdir) -> files


def write_summary(analysis: Analysis, outdir: Path) -> list[Path]:
    """``summary.json``: see :meth:`Analysis.summary`, plus ``outputs``, the files this run wrote."""
    outputs = sorted(
        p.name + ("/" if p.is_dir() else "") for p in outdir.iterdir() if not p.name.startswith(".")
    )
    text = json.dumps(
        {**analysis.summary(), "outputs": [*outputs, SUMMARY_FILE]},
        indent=2,
        allow_nan=False,
        default=json_default,
    )
    return [atomic_write(outdir / SUMMARY_FILE, lambda p: p.write_text(text + "\n"))]


def write_reps_table(analysis: Analysis, outdir: Path) -> list[Path]:
    """``reps.csv``: one row per rep (a header only when there are none).

    Floats have 6 significant digits (:data:`formlab._files.CSV_FLOAT_FORMAT`),
    as in ``feedback.csv``; frames and rep numbers stay integers.
    """
    return [
        atomic_write(
            outdir / REPS_FILE,
            lambda p: analysis.reps.to_csv(p, index=False, float_format=CSV_FLOAT_FORMAT),
        )
    ]


def pose_writer(fmt: str = "csv") -> Writer:
    """A writer of the extracted pose track (``pose.csv`` with its JSON sidecar, or ``pose.parquet``)."""

    def write_pose(analysis: Analysis, outdir: Path) -> list[Path]:
        if fmt == "csv":  # 0.2 s for 600 frames, the same file for every re-analysis: kept
            return _write_pose_csv(analysis.raw_track, outdir / f"{POSE_FILE_STEM}.csv")
        return [analysis.raw_track.save(outdir / f"{POSE_FILE_STEM}.{fmt}")]

    write_pose.stage = "tables"  # type: ignore[attr-defined]
    return write_pose


def _write_pose_csv(track, path: Path) -> list[Path]:
    """``pose.csv`` and its JSON sidecar, from formlab's cache when this track's are kept there.

    Otherwise written, then kept (:func:`formlab.io.cache.keep_files`).
    """
    from ..core.track import sidecar_path
    from ..io.cache import copy_cached_files, keep_files, track_digest

    files = {".csv": path, ".csv.json": sidecar_path(path)}
    key = track_digest(track)
    if not copy_cached_files("pose_tables", key, files):
        track.save(path)
        keep_files("pose_tables", key, files)
    return list(files.values())


def write_figures(analysis: Analysis, outdir: Path) -> list[Path]:
    """``bar_position.png`` (X/Y/Z over time, reps marked) and ``bar_path.png`` (sagittal path per rep).

    Figures drawn from the same numbers by the same code are the same pictures: they are kept in
    formlab's cache under a key made of the plotting functions' arguments, formlab's drawing code
    and matplotlib's version, and copied from there when a re-analysis (other thresholds) draws
    them again: no matplotlib at all, 1-2 s saved (issue 15).
    """
    from ..io.cache import copy_cached_files, keep_files

    calls = _figure_calls(analysis)
    files = {f"_{kind}.png": outdir / FIGURES[kind] for kind in calls}
    key = _figures_key(calls)
    if key is not None and copy_cached_files("figures", key, files):
        return list(files.values())
    with style.off_screen():  # no matplotlib backend is needed, or changed, to write a file
        for kind, (plot, args, kwargs) in calls.items():
            style.save_figure(plot(*args, **kwargs), files[f"_{kind}.png"])
    if key is not None:
        keep_files("figures", key, files)
    return list(files.values())


def _figures_kept(analysis: Analysis) -> bool:
    """Whether :func:`write_figures` will copy both figures from formlab's cache."""
    from ..io.cache import cache_dir, outputs_cache_enabled

    if not outputs_cache_enabled():
        return False
    calls = _figure_calls(analysis)
    key = _figures_key(calls)
    folder = cache_dir("figures", create=False)
    return key is not None and all((folder / f"{key}_{kind}.png").is_file() for kind in calls)


def _figure_calls(
    analysis: Analysis,
) -> dict[str, tuple[Callable[..., Any], tuple, dict[str, Any]]]:
    """The plotting calls of :func:`write_figures`: function, arguments and keywords per figure."""
    from ..viz.bar_figures import plot_bar_path, plot_bar_position, turning_point_label

    p, raw, reps = analysis.path, analysis.raw_path, analysis.detection.reps
    name = Path(analysis.source).stem
    what = "bar" if p.method in BAR_METHODS else p.method.replace("landmarks:", "")
    turn = turning_point_label(analysis.detection)
    plane = p.info.get("camera", {}).get("coordinates", "image plane").split(" (")[0]
    return {
        "position": (
            plot_bar_position,
            (p.time_s, p.x_m, p.y_m, p.z_rel_m),
            {
                "reps": reps,
                "raw": (raw.x_m, raw.y_m, raw.z_rel_m),
                "title": f"{name}: {what} ({p.method}; {analysis.exercise}; {plane})",
                "turn_label": turn,
            },
        ),
        "path": (
            plot_bar_path,
            (p.time_s, p.x_m, p.y_m, reps),
            {
                "frame": p.frame,
                "title": f"{name}: bar path per rep ({p.uncertainty_note()})",
                "turn_label": turn,
            },
        ),
    }


def _figures_key(calls: dict) -> str | None:
    """Cache key of figures: the plotting calls, formlab's drawing code, matplotlib's version.

    None (nothing kept) when an argument cannot be pickled.
    """
    import hashlib
    import pickle
    from importlib.metadata import version

    from ..io.cache import source_digest

    try:
        doc = [(f.__module__, f.__qualname__, args, kwargs) for f, args, kwargs in calls.values()]
        data = pickle.dumps(doc, protocol=4)
    except Exception:  # an argument of a type pickle does not know
        return None
    h = hashlib.sha256(data)
    h.update(f"{version('matplotlib')} {source_digest('viz/*.py')}".encode())
    return h.hexdigest()[:32]


def write_feedback(analysis, outdir: Path) -> list[Path]:
    """``feedback.csv``: one row per frame, measured values and each check's verdict."""
    return [save_feedback(analysis.feedback, outdir / FEEDBACK_FILE)]


write_reps_table.stage = write_feedback.stage = "tables"  # type: ignore[attr-defined]


def annotated_video_writer(progress: bool = False, size: str = "720") -> Writer:
    """A writer of ``annotated.mp4`` (H.264): skeleton, check status, rep counter, bar-path trail.

    ``size`` is :data:`VIDEO_SIZES`' ``"720"`` (default: the short side at
    most 720 px, :data:`formlab.viz.video.VIDEO_SHORT_SIDE_PX`) or ``"full"``
    (the source's size). The writer runs in the background of
    :func:`save_outputs` (see there).
    """
    if size not in VIDEO_SIZES:
        raise OutputError(f"video size {size!r} is not one of {', '.join(VIDEO_SIZES)}")

    def write_annotated(
        analysis: Analysis, outdir: Path, cancel: threading.Event | None = None
    ) -> list[Path]:
        from ..viz.video import VIDEO_SHORT_SIDE_PX, write_annotated_video

        bar = np.column_stack([analysis.path.x_px, analysis.path.y_px])
        return [
            write_annotated_video(
                analysis.source,
                analysis.track,
                analysis.feedback,
                outdir / ANNOTATED_VIDEO,
                reps=analysis.reps,
                bar_xy_px=bar,
                image_to_scene=analysis.path.image_to_scene,
                progress=progress,
                max_short_side_px=VIDEO_SHORT_SIDE_PX if size == "720" else None,
                cancel=cancel,
            )
        ]

    write_annotated.needs_source = True  # type: ignore[attr-defined]  # draws on the video's frames
    write_annotated.background = True  # type: ignore[attr-defined]
    write_annotated.stage = "video"  # type: ignore[attr-defined]
    return write_annotated


VIDEO_SIZES: tuple[str, ...] = ("720", "full")
"""Sizes of the annotated video (``formlab analyze --video-size``): ``720``, its short side at most
720 px (default), or ``full``, the source's."""


def write_worst_frames(analysis, outdir: Path) -> list[Path]:
    """``worst_frames/worst_<check>_frame<N>.png``: the annotated frame where each failed check failed worst."""
    from ..viz.video import save_worst_frames

    if not any(
        (analysis.feedback[c].astype(str) == FAIL).any() for c in check_columns(analysis.feedback)
    ):
        return []
    reps = analysis.reps if analysis.kind == "video" else None
    worst = save_worst_frames(
        analysis.source, analysis.track, analysis.feedback, outdir / WORST_FRAMES_DIR, reps=reps
    )
    return [Path(p) for p in worst["path"]]


write_worst_frames.needs_source = True  # type: ignore[attr-defined]  # draws on the video's frames
write_worst_frames.stage = "worst frames"  # type: ignore[attr-defined]
write_figures.stage = "figures"  # type: ignore[attr-defined]
write_figures.process = True  # type: ignore[attr-defined]  # matplotlib: on the other core
write_figures.kept = _figures_kept  # type: ignore[attr-defined]  # then copied, not forked
write_summary.stage = "summary"  # type: ignore[attr-defined]


def write_annotated_image(analysis: PhotoAnalysis, outdir: Path) -> list[Path]:
    """``annotated.png``: the photo with the skeleton and each check's verdict."""
    from ..viz.video import write_annotated_image as draw

    return [draw(analysis.source, analysis.raw_track, analysis.feedback, outdir / ANNOTATED_IMAGE)]


DEFAULT_WRITERS: tuple[Writer, ...] = (
    write_reps_table,
    write_feedback,
    pose_writer("csv"),
    write_figures,
    annotated_video_writer(),
    write_worst_frames,
    write_summary,
)
"""What ``formlab analyze`` writes for a video, in order. ``summary.json`` comes last: when it is
there, the run finished (an interrupted run leaves complete files only, never a partial one)."""

PHOTO_WRITERS: tuple[Writer, ...] = (
    write_feedback,
    pose_writer("csv"),
    write_annotated_image,
    write_summary,
)
"""What ``formlab analyze`` writes for a photo (``summary.json`` last)."""
