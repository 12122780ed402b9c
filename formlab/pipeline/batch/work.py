"""One video of a batch: :func:`analyse_video` runs :func:`formlab.analyze` and saves what it found.

This is what a worker process (or a Dask worker) runs. It writes the video's
sub-folder exactly as ``formlab analyze`` does, then a *record* in the
batch's hidden state folder (``OUTDIR/.formlab-batch/``): the video's row of
``videos.csv``, its reps (``<id>.reps.parquet``) and its form summary. The
record is written last and removed before the video is started again, so a
record is there only when the sub-folder is complete and matches it; its
*key* (the video's SHA-256, the lift and every option that changes the
outputs) is what a re-run compares to skip the video.

Every function here takes and returns plain data (paths, dicts, DataFrames),
so that it pickles to another process or another machine.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import traceback
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..._version import __version__
from ...core.errors import FormlabError, FormlabWarning
from ...core.files import atomic_write, ensure_dir, sha256_file
from ...form.check import FAIL, STATUSES
from ...outputs import (
    SUMMARY_FILE,
    Writer,
    annotated_video_writer,
    pose_writer,
    write_feedback,
    write_figures,
    write_reps_table,
    write_summary,
    write_worst_frames,
)
from .inputs import VideoJob

STATE_DIR = ".formlab-batch"
"""The hidden folder of a batch's output folder that holds one record per finished video."""

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
"""A video's status in ``videos.csv``: analysed now, failed (with its error), or done by an earlier run."""


@dataclass(frozen=True)
class BatchSettings:
    """The options every video of a batch is analysed with (those of ``formlab analyze``).

    Attributes
    ----------
    extract_options : dict
        :class:`formlab.ExtractOptions` fields (plain values, to travel to workers).
    bar_method : str
        See :func:`formlab.analyze`.
    lifter_height_m : float or None
        See :func:`formlab.analyze`.
    thresholds : str or None
        A thresholds file (``.toml``/``.json``), or None for each lift's defaults.
    cache : bool
        Reuse cached pose tracks.
    pose_format : {"csv", "parquet"}
        File format of each video's pose track.
    figures, video : bool
        Draw the figures; write the annotated video.
    video_size : {"720", "full"}
        Size of the annotated video (:data:`formlab.outputs.VIDEO_SIZES`).
    camera : {"auto", "static", "moving"}
        See :func:`formlab.analyze`.
    extra_checks : tuple of str
        Optional checks run as well (``extra_checks`` of :func:`formlab.analyze`).
    plate_diameter_m : float or None
        The tracked plate's outer diameter (``plate_diameter_m`` of :func:`formlab.analyze`).
    """

    extract_options: dict[str, Any]
    bar_method: str = "auto"
    lifter_height_m: float | None = None
    thresholds: str | None = None
    cache: bool = True
    pose_format: str = "csv"
    figures: bool = True
    video: bool = True
    video_size: str = "720"
    camera: str = "auto"
    extra_checks: tuple[str, ...] = ()
    plate_diameter_m: float | None = None

    def writers(self) -> list[Writer]:
        """What is written into each video's sub-folder (as ``formlab analyze`` does, summary last)."""
        out: list[Writer] = [write_reps_table, write_feedback, pose_writer(self.pose_format)]
        if self.figures:
            out.append(write_figures)
        if self.video:
            out.append(annotated_video_writer(progress=False, size=self.video_size))
        return [*out, write_worst_frames, write_summary]

    def fingerprint(self) -> dict[str, Any]:
        """What the outputs depend on, besides the video and its lift (the thresholds file by content)."""
        out = {k: v for k, v in asdict(self).items() if k != "cache"}  # the cache changes no result
        if self.plate_diameter_m is None:
            del out["plate_diameter_m"]  # a batch from before the option is still finished
        if self.thresholds is not None:
            out["thresholds"] = sha256_file(self.thresholds)
        return {**out, "formlab": __version__}


def record_key(sha256: str, exercise: str, fingerprint: dict[str, Any]) -> str:
    """The key a finished video's record carries: its content, its lift and the batch's options."""
    text = json.dumps({"sha256": sha256, "exercise": exercise, **fingerprint}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def record_paths(outdir: Path, video_id: str) -> tuple[Path, Path]:
    """The record of a video: ``(<id>.json, <id>.reps.parquet)`` in the state folder."""
    state = Path(outdir) / STATE_DIR
    return state / f"{video_id}.json", state / f"{video_id}.reps.parquet"


def read_record(outdir: Path, video_id: str, key: str) -> dict[str, Any] | None:
    """The record of a finished video if it has this key and its sub-folder is complete; else None."""
    meta, reps = record_paths(outdir, video_id)
    try:
        record = json.loads(meta.read_text())
    except (OSError, ValueError):
        return None
    if record.get("key") != key or not reps.is_file():
        return None
    if not (Path(outdir) / video_id / SUMMARY_FILE).is_file():
        return None
    return record


def read_record_reps(outdir: Path, video_id: str) -> pd.DataFrame:
    """The reps a record holds (one row per rep, keyed by ``video_id``)."""
    return pd.read_parquet(record_paths(outdir, video_id)[1])


def failed_row(job: VideoJob, error: str, sha256: str = "", seconds: float = math.nan) -> dict:
    """The ``videos.csv`` row of a video that could not be analysed."""
    return {
        "video_id": job.video_id,
        "path": str(job.path),
        "sha256": sha256,
        "exercise_requested": job.exercise,
        "exercise": "",
        "reps": math.nan,
        "status": FAILED,
        "error": error,
        "warnings": "",
        "seconds": seconds,
    }


def one_line(error: BaseException) -> str:
    """An error as one line: formlab's own message, else the type, message and where it was raised."""
    if isinstance(error, FormlabError):
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    where = traceback.extract_tb(error.__traceback__)
    at = f" (at {Path(where[-1].filename).name}:{where[-1].lineno})" if where else ""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}{at}"


def analyse_video(
    job: VideoJob, settings: BatchSettings, outdir: str, key: str, sha256: str
) -> dict[str, Any]:
    """Analyse one video into ``outdir/<id>/`` and record it; never raises for a bad video.

    Parameters
    ----------
    job : VideoJob
    settings : BatchSettings
    outdir : str
        The batch's output folder.
    key, sha256 : str
        The record key (:func:`record_key`) and the video's SHA-256, computed by the caller.

    Returns
    -------
    dict
        ``row``: the video's ``videos.csv`` row (status ``ok`` or ``failed``);
        ``peak_rss_mb``: the worker's peak memory so far.
    """
    from ...pose.extract import ExtractOptions
    from ..analyze import analyze

    start = time.perf_counter()
    out = Path(outdir)
    meta_path, reps_path = record_paths(out, job.video_id)
    try:
        meta_path.unlink(missing_ok=True)  # the sub-folder is about to change
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FormlabWarning)
            result = analyze(
                job.path,
                job.exercise,
                extract_options=ExtractOptions(**settings.extract_options),
                bar_method=settings.bar_method,
                camera=settings.camera,
                lifter_height_m=settings.lifter_height_m,
                plate_diameter_m=settings.plate_diameter_m,
                thresholds=settings.thresholds,
                cache=settings.cache,
                progress=False,
                extra_checks=settings.extra_checks,
            )
            result.save(ensure_dir(out / job.video_id), settings.writers())
        notes = list(
            dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, FormlabWarning))
        )
        row = {
            "video_id": job.video_id,
            "path": str(job.path),
            "sha256": sha256,
            "exercise_requested": job.exercise,
            "exercise": result.exercise,
            "reps": result.detection.count,
            "status": OK,
            "error": "",
            "warnings": " | ".join(notes),
            "seconds": round(time.perf_counter() - start, 3),
        }
        reps = result.reps.copy()
        reps.insert(0, "video_id", job.video_id)
        record = {
            "key": key,
            "row": row,
            "feedback": feedback_rows(job.video_id, result.exercise, result.feedback, result.reps),
        }
        atomic_write(reps_path, lambda p: reps.to_parquet(p, index=False))
        atomic_write(meta_path, lambda p: p.write_text(json.dumps(record, allow_nan=True)))
    except Exception as e:  # one video's failure, whatever it is, must not stop the batch
        row = failed_row(job, one_line(e), sha256, round(time.perf_counter() - start, 3))
    return {"row": row, "peak_rss_mb": peak_rss_mb()}


def feedback_rows(
    video_id: str, exercise: str, feedback: pd.DataFrame, reps: pd.DataFrame
) -> list[dict[str, Any]]:
    """Per check of the lift: how many reps passed, failed, were uncertain or not assessable."""
    from ...exercises import checks_of

    rows = []
    for check in checks_of(feedback):
        if check.name not in feedback.columns:
            continue
        verdicts = (
            reps[check.name].astype(str) if check.name in reps.columns else pd.Series([], dtype=str)
        )
        rows.append(
            {
                "video_id": video_id,
                "exercise": exercise,
                "check": check.name,
                "title": check.title,
                "reps": len(reps),
                **{f"{s}_reps": int((verdicts == s).sum()) for s in STATUSES},
                "failed_rep_numbers": ", ".join(
                    str(int(r)) for r, v in zip(reps["rep"], verdicts) if v == FAIL
                )
                if check.name in reps.columns
                else "",
            }
        )
    return rows


def peak_rss_mb() -> float:
    """The peak resident memory of this process in MiB (NaN where the platform does not say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return math.nan
    import sys

    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
