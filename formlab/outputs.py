"""What ``formlab analyze`` writes, and how: one *writer* per output, all swapped in at once.

Each writer is a function ``writer(analysis, outdir) -> list of paths`` that
writes one output atomically: ``summary.json``, ``reps.csv``,
``feedback.csv``, the pose track, the figures, the annotated video and the
worst frame of each failed check. :func:`save_outputs` runs them into a
hidden staging folder and moves the results into place only when all are
complete. Further outputs are added by appending a writer.
"""

from __future__ import annotations

import itertools
import json
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from .core.stages import Stages
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


def save_outputs(analysis, outdir, writers, stages: Stages | None = None) -> list[Path]:
    """Run the writers into a hidden staging folder inside ``outdir``, then swap the results in.

    Until every writer has finished, ``outdir`` is untouched: an error or an
    interruption (Ctrl-C) leaves the previous outputs, or nothing, never a
    mix. Then the results are swapped in all at once (:func:`formlab._files.swap_in`),
    ``summary.json`` last. A full run (one that writes ``summary.json``)
    replaces every earlier formlab output (:data:`OUTPUT_NAMES`), so that a
    ``--no-video`` run does not leave an older run's video beside its own
    results; a run with other writers replaces only what it writes.

    Writers marked ``background`` (the annotated video: mostly decoding and
    encoding in native code, which leaves Python free) run in a thread, and
    writers marked ``process`` (the figures: matplotlib, pure Python) in a
    forked process on Linux, while the others run; :func:`write_summary`
    waits for them. ``stages`` records each writer's time under its ``stage`` name.
    """
    folder = ensure_dir(outdir)
    stages = stages or Stages()
    try:
        staging = staging_folder(folder)
    except OSError as e:
        raise OutputError(f"{folder}: cannot write into the folder ({e.strerror})") from None
    try:
        try:
            written = _run_writers(analysis, staging, writers, stages)
        except OSError as e:  # disk full, quota: Pillow's, pyarrow's or FFmpeg's own words
            raise OutputError(
                f"{folder}: cannot write the results ({e.strerror or e}); the folder is as it was"
            ) from None
        except OutputError as e:  # said of the file's place in the folder, not of the staging one
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


class _Background:
    """A writer running in a thread: its paths, its error, its time; cancelled on request."""

    def __init__(self, writer, analysis, staging: Path):
        self.writer, self.cancel = writer, threading.Event()
        self.paths: list[Path] = []
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(
            target=self._run, args=(analysis, staging), name="formlab-writer", daemon=True
        )
        self.thread.start()

    def _run(self, analysis, staging: Path) -> None:
        start = time.perf_counter()
        try:
            with _caches_of(analysis):  # this thread's own setting
                self.paths = list(self.writer(analysis, staging, cancel=self.cancel))
        except BaseException as e:  # handed to the caller's thread in join()
            self.error = e
        self.seconds = time.perf_counter() - start

    def join(self, stages: Stages) -> list[Path]:
        self.thread.join()
        stages.add(_stage_of(self.writer), self.seconds)
        if self.error is not None:
            raise self.error
        return self.paths


class _Forked:
    """A writer running in a forked process (Linux): the other core draws while this one writes.

    For writers that are mostly Python (the figures: matplotlib), which a
    thread could not run beside the others (one interpreter lock). The child
    shares the analysis as it is at the fork, writes into the staging folder
    and sends back its paths or its error message.
    """

    def __init__(self, writer, analysis, staging: Path):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.writer = writer
        self.receive, send = ctx.Pipe(duplex=False)
        self.process = ctx.Process(
            target=_write_in_child, args=(writer, analysis, staging, send), daemon=True
        )
        self.started = time.perf_counter()
        self.process.start()
        send.close()

    def join(self, stages: Stages) -> list[Path]:
        try:
            ok, result = self.receive.recv()
        except EOFError:
            ok, result = False, f"the process writing the {_stage_of(self.writer)} ended early"
        self.process.join()
        stages.add(_stage_of(self.writer), time.perf_counter() - self.started)
        if not ok:
            raise OutputError(result)
        return [Path(p) for p in result]

    def stop(self) -> None:
        self.process.terminate()
        self.process.join()


def _write_in_child(writer, analysis, staging: Path, send) -> None:
    try:
        with _caches_of(analysis):
            send.send((True, [str(p) for p in writer(analysis, staging)]))
    except BaseException as e:  # the parent raises it as one line
        send.send((False, str(e) if isinstance(e, OutputError) else f"{type(e).__name__}: {e}"))


def _can_fork() -> bool:
    """Forking is safe and cheap on Linux (macOS's system libraries refuse it after threads).

    Not inside a Jupyter kernel: its messaging threads and sockets would be
    copied into the child, for no gain worth the risk in an interactive session.
    """
    import multiprocessing
    import sys

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and "ipykernel" not in sys.modules
    )


def _join(job: _Forked | _Background, stages: Stages) -> list[Path]:
    """Wait for a writer running elsewhere; a forked one's stage shows its bar while we wait.

    A forked writer (the figures) cannot draw a bar from its own process, so
    the figures would run unseen (issue 14); a thread's writer (the video)
    draws its own. The time is the job's own, recorded by ``join``.
    """
    if not isinstance(job, _Forked):
        return job.join(stages)
    with stages.stage(_stage_of(job.writer), timed=False):
        return job.join(stages)


def _caches_of(analysis):
    """The output caches on or off as the analysis says (off after ``--no-cache``)."""
    from .io.cache import outputs_cached

    return outputs_cached(getattr(analysis, "cache", True))


def _stage_of(writer) -> str:
    return getattr(writer, "stage", getattr(writer, "__name__", "writing"))


def _run_writers(analysis, staging: Path, writers, stages: Stages) -> list[Path]:
    """Run the writers into ``staging``; return their paths.

    ``process`` writers are forked and ``background`` ones started first; all
    are joined before the summary.
    """
    forked = [w for w in writers if getattr(w, "process", False)] if _can_fork() else []
    running: list[_Forked | _Background] = []
    written: list[Path] = []
    try:
        # forked before any thread of ours starts, so the child inherits no half-held lock of ours
        running += [_Forked(w, analysis, staging) for w in forked]
        running += [
            _Background(w, analysis, staging) for w in writers if getattr(w, "background", False)
        ]
        here = [w for w in writers if not getattr(w, "background", False) and w not in forked]
        # consecutive writers of one stage (reps, feedback and pose tables) share its one bar
        for stage, group in itertools.groupby(here, key=_stage_of):
            group_writers = list(group)
            if write_summary in group_writers:
                while running:
                    written += _join(running.pop(0), stages)
            with stages.stage(stage), _caches_of(analysis):
                for writer in group_writers:
                    written += list(writer(analysis, staging))
        while running:
            written += _join(running.pop(0), stages)
    finally:
        for job in running:  # an error or Ctrl-C: stop the others before the staging folder goes
            if isinstance(job, _Forked):
                job.stop()
            else:
                job.cancel.set()
                job.thread.join()
    return written


# =============================================================================
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
    from .core.track import sidecar_path
    from .io.cache import copy_cached_files, keep_files, track_digest

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
    from .io.cache import copy_cached_files, keep_files
    from .viz.bar_figures import plot_bar_path, plot_bar_position, turning_point_label

    p, raw, reps = analysis.path, analysis.raw_path, analysis.detection.reps
    name = Path(analysis.source).stem
    what = "bar" if p.method in BAR_METHODS else p.method.replace("landmarks:", "")
    turn = turning_point_label(analysis.detection)
    plane = p.info.get("camera", {}).get("coordinates", "image plane").split(" (")[0]
    calls: dict[str, tuple[Callable[..., Any], tuple, dict[str, Any]]] = {
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


def _figures_key(calls: dict) -> str | None:
    """Cache key of figures: the plotting calls, formlab's drawing code, matplotlib's version.

    None (nothing kept) when an argument cannot be pickled.
    """
    import hashlib
    import pickle
    from importlib.metadata import version

    from .io.cache import source_digest

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
        from .viz.video import VIDEO_SHORT_SIDE_PX, write_annotated_video

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


write_worst_frames.needs_source = True  # type: ignore[attr-defined]  # draws on the video's frames
write_worst_frames.stage = "worst frames"  # type: ignore[attr-defined]
write_figures.stage = "figures"  # type: ignore[attr-defined]
write_figures.process = True  # type: ignore[attr-defined]  # matplotlib: on the other core
write_summary.stage = "summary"  # type: ignore[attr-defined]


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
