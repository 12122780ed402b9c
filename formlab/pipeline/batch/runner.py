"""The whole batch: :func:`batch` analyses many videos into one output folder and one set of tables."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ...barbell.camera_motion import check_camera_mode
from ...barbell.scale import LIFTER_HEIGHT_RANGE_M, check_plate_diameter
from ...core.errors import ConfigError, FormlabError, OutputError
from ...core.files import ensure_dir, sha256_file
from ...exercises import AUTO
from ...outputs import VIDEO_SIZES
from ...pose.options import ExtractOptions
from ..checks import check_extra_checks
from ..steps import BAR_CHOICES, check_video, resolve_thresholds
from . import engines
from .inputs import VideoJob, collect_videos
from .tables import evaluate, feedback_table, reps_table, videos_table, write_tables
from .work import (
    FAILED,
    OK,
    SKIPPED,
    STATE_DIR,
    BatchSettings,
    analyse_video,
    failed_row,
    one_line,
    read_record,
    record_key,
    record_paths,
)

POSE_FORMATS = ("csv", "parquet")


@dataclass(frozen=True, eq=False)
class BatchResult:
    """What :func:`batch` found: the combined tables, also written into ``outdir``.

    Attributes
    ----------
    outdir : Path
    videos : DataFrame
        One row per video (``videos.csv``; see :mod:`formlab.pipeline.batch.tables`).
    reps : DataFrame
        Every rep of every analysed video, keyed by ``video_id`` (``reps.parquet``).
    feedback : DataFrame
        Per video and check, the reps by verdict (``feedback_summary.csv``).
    evaluation : dict or None
        Counts against true counts (``evaluation.json``), when a list gave them.
    wall_s : float
        Wall time of the whole batch.
    peak_rss_mb : float
        The largest peak memory of a worker process (NaN when no video ran).
    """

    outdir: Path
    videos: pd.DataFrame
    reps: pd.DataFrame
    feedback: pd.DataFrame
    evaluation: dict[str, Any] | None
    wall_s: float
    peak_rss_mb: float

    def count(self, status: str) -> int:
        """How many videos have this status (``ok``, ``failed``, ``skipped``)."""
        return int((self.videos["status"] == status).sum())

    def __repr__(self) -> str:
        """One line: ``<BatchResult out: 3 videos (2 ok, 1 skipped, 0 failed), 7 reps>``."""
        counts = ", ".join(f"{self.count(s)} {s}" for s in (OK, SKIPPED, FAILED))
        return (
            f"<BatchResult {self.outdir}: {len(self.videos)} videos ({counts}), "
            f"{len(self.reps)} reps>"
        )


def default_jobs() -> int:
    """The number of cores this process may use (the default ``jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def batch(
    inputs: str | os.PathLike | Sequence[str | os.PathLike],
    output: str | os.PathLike,
    *,
    exercise: str = "auto",
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    extract_options: ExtractOptions | None = None,
    bar_method: str = "auto",
    lifter_height_m: float | None = None,
    thresholds: str | os.PathLike | None = None,
    cache: bool = True,
    pose_format: str = "csv",
    camera: str = "auto",
    plate_diameter_m: float | None = None,
    figures: bool = True,
    video: bool = True,
    video_size: str = "720",
    progress: bool = False,
    extra_checks: Sequence[str] = (),
) -> BatchResult:
    """Analyse many videos, in parallel, into one folder and one set of tables.

    Parameters
    ----------
    inputs : path or sequence of paths
        Video files, folders (searched recursively), glob patterns,
        ``sample:NAME``, or CSV lists with a ``video`` column and optional
        ``id``, ``exercise`` and ``reps`` (true count) columns; other columns
        are kept as metadata (see :mod:`formlab.pipeline.batch.inputs`).
    output : path
        The output folder: one sub-folder per video with what
        :func:`formlab.analyze` saves, and the combined tables.
    exercise : str
        The lift of videos whose list does not name one (default ``"auto"``:
        the lift formlab recognises).
    jobs : int, optional
        Videos analysed at once (default: the number of cores); memory grows
        with it, not with the number of videos.
    engine : {"local", "dask"}
        Local worker processes, or a Dask distributed cluster.
    scheduler : str, optional
        With ``engine="dask"``, the address of an existing scheduler
        (``tcp://host:8786``); without it, a local cluster of ``jobs`` workers.
    extract_options, bar_method, lifter_height_m, thresholds, cache, plate_diameter_m
        As in :func:`formlab.analyze` (``thresholds``: a file, or None).
    pose_format, camera, figures, video, video_size
        As ``formlab analyze``'s ``--pose-format``, ``--camera``, ``--no-figures``, ``--no-video``,
        ``--video-size``.
    progress : bool
        A progress bar over videos.
    extra_checks : sequence of str
        Optional checks to run as well, as in :func:`formlab.analyze` (checked
        against each lift of the batch before anything runs).

    Returns
    -------
    BatchResult

    Notes
    -----
    A video that fails (unreadable, nobody in view) becomes a ``failed`` row
    with its one-line error; the others go on. A re-run with the same inputs
    and options skips the videos already done (status ``skipped``: same
    content, lift and options, complete outputs) and retries the failed ones,
    so an interrupted batch costs only its unfinished videos.

    Workers are started with ``spawn`` (both engines), which imports the
    caller's main module again in each worker: in a script, call
    :func:`batch` under ``if __name__ == "__main__":`` (notebooks and the
    ``formlab`` command need nothing).
    """
    start = time.perf_counter()
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    jobs_list = collect_videos(items, exercise)
    settings = _settings(
        extract_options, bar_method, lifter_height_m, thresholds, cache, pose_format
    )
    if video_size not in VIDEO_SIZES:
        raise ConfigError(f"video_size = {video_size!r} is not one of {', '.join(VIDEO_SIZES)}")
    check_camera_mode(camera)
    for lift in sorted({j.exercise for j in jobs_list}, key=lambda name: (name == AUTO, name)):
        check_extra_checks(extra_checks, lift)  # a check a named lift lacks, before anything runs
    checks = check_extra_checks(extra_checks, AUTO)  # (the names, cleaned)
    settings = dataclasses.replace(
        settings,
        figures=figures,
        video=video,
        video_size=video_size,
        camera=camera,
        extra_checks=checks,
        plate_diameter_m=None
        if plate_diameter_m is None
        else check_plate_diameter(plate_diameter_m, "plate_diameter_m"),
    )
    for lift in sorted({j.exercise for j in jobs_list}):
        resolve_thresholds(settings.thresholds, lift)  # a bad file fails before anything runs
    n_jobs = default_jobs() if jobs is None else int(jobs)
    if n_jobs < 1:
        raise ConfigError(f"jobs = {jobs} must be 1 or more")
    engines.check_engine(engine, scheduler)
    outdir = Path(output)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a folder")
    ensure_dir(outdir / STATE_DIR)
    fingerprint = settings.fingerprint()

    rows: dict[str, dict[str, Any]] = {}
    tasks: list[engines.Task] = []
    for job in jobs_list:
        try:
            check_video(job.path)
            sha = sha256_file(job.path)
        except (FormlabError, OSError) as e:
            rows[job.video_id] = failed_row(job, one_line(e))
            continue
        key = record_key(sha, job.exercise, fingerprint)
        record = read_record(outdir, job.video_id, key)
        if record is not None:
            rows[job.video_id] = {**record["row"], "status": SKIPPED}
        else:
            tasks.append(engines.Task(job, key, sha))

    bar = _progress(len(jobs_list), len(jobs_list) - len(tasks), progress)
    peaks: list[float] = []

    def on_done(task: engines.Task, outcome: dict[str, Any] | None, error: str) -> None:
        if outcome is None:
            rows[task.job.video_id] = failed_row(task.job, error, task.sha256)
        else:
            rows[task.job.video_id] = outcome["row"]
            peaks.append(outcome["peak_rss_mb"])
        if bar is not None:
            bar.update(1)

    call = functools.partial(_call, settings=settings, outdir=str(outdir.absolute()))
    try:
        if tasks:
            engines.run(engine, tasks, call, n_jobs, on_done, scheduler)
    finally:
        if bar is not None:
            bar.close()
    return _combine(outdir, jobs_list, rows, start, peaks)


def _call(task: engines.Task, settings: BatchSettings, outdir: str) -> dict[str, Any]:
    """What a worker runs (module level, so that it pickles by name)."""
    return analyse_video(task.job, settings, outdir, task.key, task.sha256)


def _settings(
    extract_options, bar_method, lifter_height_m, thresholds, cache, pose_format
) -> BatchSettings:
    """The batch's options, checked before anything slow."""
    options = ExtractOptions.coerce(extract_options)
    if pose_format not in POSE_FORMATS:
        raise ConfigError(f"pose_format = {pose_format!r} is not one of: {', '.join(POSE_FORMATS)}")
    if bar_method not in BAR_CHOICES:
        raise ConfigError(f"bar_method = {bar_method!r} is not one of: {', '.join(BAR_CHOICES)}")
    low_m, high_m = LIFTER_HEIGHT_RANGE_M
    if lifter_height_m is not None and not low_m <= lifter_height_m <= high_m:
        raise ConfigError(
            f"lifter_height_m = {lifter_height_m} is not a height in metres between {low_m} and {high_m}"
        )
    return BatchSettings(
        extract_options=options.to_dict(),
        bar_method=bar_method,
        lifter_height_m=lifter_height_m,
        thresholds=None if thresholds is None else str(Path(thresholds).resolve()),
        cache=cache,
        pose_format=pose_format,
    )


def _progress(total: int, done: int, show: bool):
    if not show:
        return None
    from ...core.stages import progress_bar as tqdm

    return tqdm(total=total, initial=done, unit="video", desc="videos", leave=True)


def _combine(
    outdir: Path,
    jobs_list: list[VideoJob],
    rows: dict[str, dict[str, Any]],
    start: float,
    peaks: list[float],
) -> BatchResult:
    """The combined tables from every finished video's record, written into ``outdir``."""
    finished = [j.video_id for j in jobs_list if rows[j.video_id]["status"] != FAILED]
    feedback = []
    for video_id in finished:
        meta = json.loads(record_paths(outdir, video_id)[0].read_text())
        feedback.append(meta["feedback"])
    videos = videos_table(jobs_list, rows)
    result = BatchResult(
        outdir=outdir,
        videos=videos,
        reps=reps_table(outdir, finished),
        feedback=feedback_table(feedback),
        evaluation=evaluate(videos),
        wall_s=time.perf_counter() - start,
        peak_rss_mb=max(peaks) if peaks else math.nan,
    )
    write_tables(outdir, result.videos, result.reps, result.feedback, result.evaluation)
    return result
