"""What ``formlab analyze`` writes, and how: one *writer* per output, all swapped in at once.

Each writer is a function ``writer(analysis, outdir) -> list of paths`` that
writes one output atomically: ``summary.json``, ``reps.csv``,
``feedback.csv``, the pose track, the figures, the annotated video and the
worst frame of each failed check. :func:`save_outputs` runs them into a
hidden staging folder and moves the results into place only when all are
complete. Further outputs are added by appending a writer.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .barbell.trajectory import BAR_METHODS
from .core.errors import OutputError
from .core.files import (
    CSV_FLOAT_FORMAT,
    atomic_write,
    ensure_dir,
    json_default,
    staging_folder,
    swap_in,
)
from .form.check import FAIL
from .form.judge import check_columns
from .form.report import save_feedback
from .viz import style

if TYPE_CHECKING:  # the results this module writes (defined in the layer above)
    from .pipeline import Analysis, PhotoAnalysis

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


def save_outputs(analysis, outdir, writers) -> list[Path]:
    """Run the writers into a hidden staging folder inside ``outdir``, then swap the results in.

    Until every writer has finished, ``outdir`` is untouched: an error or an
    interruption (Ctrl-C) leaves the previous outputs, or nothing, never a
    mix. Then the results are swapped in all at once (:func:`formlab._files.swap_in`),
    ``summary.json`` last. A full run (one that writes ``summary.json``)
    replaces every earlier formlab output (:data:`OUTPUT_NAMES`), so that a
    ``--no-video`` run does not leave an older run's video beside its own
    results; a run with other writers replaces only what it writes.
    """
    folder = ensure_dir(outdir)
    try:
        staging = staging_folder(folder)
    except OSError as e:
        raise OutputError(f"{folder}: cannot write into the folder ({e.strerror})") from None
    try:
        written: list[Path] = []
        for writer in writers:
            try:
                written += list(writer(analysis, staging))
            except OSError as e:  # disk full, quota: Pillow's, pyarrow's or FFmpeg's own words
                raise OutputError(
                    f"{folder}: cannot write the results ({e.strerror or e}); "
                    f"the folder is as it was"
                ) from None
            except (
                OutputError
            ) as e:  # said of the file's place in the folder, not of the staging one
                raise OutputError(
                    f"{str(e).replace(str(staging), str(folder))}; the folder is as it was"
                ) from None
        replaced = OUTPUT_NAMES if any(w is write_summary for w in writers) else ()
        swap_in(staging, folder, replaced, last=SUMMARY_FILE)
        return [
            folder / p.relative_to(staging) if p.is_relative_to(staging) else p for p in written
        ]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# =============================================================================
# Writers
# =============================================================================
Writer = Callable[["Analysis", Path], Sequence[Path]]


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
        table = analysis.raw_track.save(outdir / f"{POSE_FILE_STEM}.{fmt}")
        sidecar = table.with_name(table.name + ".json")  # the CSV's metadata
        return [table, sidecar] if sidecar.is_file() else [table]

    return write_pose


def write_figures(analysis: Analysis, outdir: Path) -> list[Path]:
    """``bar_position.png`` (X/Y/Z over time, reps marked) and ``bar_path.png`` (sagittal path per rep)."""
    from .viz.bar_figures import plot_bar_path, plot_bar_position, turning_point_label

    p, raw, reps = analysis.path, analysis.raw_path, analysis.detection.reps
    name = Path(analysis.source).stem
    what = "bar" if p.method in BAR_METHODS else p.method.replace("landmarks:", "")
    turn = turning_point_label(analysis.detection)
    with style.off_screen():  # no matplotlib backend is needed, or changed, to write a file
        fig = plot_bar_position(
            p.time_s,
            p.x_m,
            p.y_m,
            p.z_rel_m,
            reps=reps,
            raw=(raw.x_m, raw.y_m, raw.z_rel_m),
            title=f"{name}: {what} ({p.method}; {analysis.exercise})",
            turn_label=turn,
        )
        out = [style.save_figure(fig, outdir / FIGURES["position"])]
        fig = plot_bar_path(
            p.time_s,
            p.x_m,
            p.y_m,
            reps,
            frame=p.frame,
            title=f"{name}: bar path per rep ({p.uncertainty_note()})",
            turn_label=turn,
        )
        out.append(style.save_figure(fig, outdir / FIGURES["path"]))
    return out


def write_feedback(analysis, outdir: Path) -> list[Path]:
    """``feedback.csv``: one row per frame, measured values and each check's verdict."""
    return [save_feedback(analysis.feedback, outdir / FEEDBACK_FILE)]


def annotated_video_writer(progress: bool = False) -> Writer:
    """A writer of ``annotated.mp4`` (H.264): skeleton, check status, rep counter, bar-path trail."""

    def write_annotated(analysis: Analysis, outdir: Path) -> list[Path]:
        from .viz.video import write_annotated_video

        bar = np.column_stack([analysis.path.x_px, analysis.path.y_px])
        return [
            write_annotated_video(
                analysis.source,
                analysis.track,
                analysis.feedback,
                outdir / ANNOTATED_VIDEO,
                reps=analysis.reps,
                bar_xy_px=bar,
                progress=progress,
            )
        ]

    write_annotated.needs_source = True  # draws on the video's frames
    return write_annotated


def write_worst_frames(analysis, outdir: Path) -> list[Path]:
    """``worst_frames/worst_<check>_frame<N>.png``: the annotated frame where each failed check failed worst."""
    from .viz.video import save_worst_frames

    if not any(
        (analysis.feedback[c].astype(str) == FAIL).any() for c in check_columns(analysis.feedback)
    ):
        return []
    reps = analysis.reps if analysis.kind == "video" else None
    worst = save_worst_frames(
        analysis.source, analysis.track, analysis.feedback, outdir / WORST_FRAMES_DIR, reps=reps
    )
    return [Path(p) for p in worst["path"]]


write_worst_frames.needs_source = True  # draws on the video's frames


def write_annotated_image(analysis: PhotoAnalysis, outdir: Path) -> list[Path]:
    """``annotated.png``: the photo with the skeleton and each check's verdict."""
    from .viz.video import write_annotated_image as draw

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
