"""A batch's combined tables, and how its counts score against true counts.

``videos.csv``
    One row per video, in input order: ``video_id``, ``path``, ``sha256``,
    ``exercise_requested`` (given, or ``auto``), ``exercise`` (counted as),
    ``reps`` (counted), ``true_reps`` (from a CSV list; empty otherwise),
    ``status`` (``ok``, ``failed``, ``skipped``: done by an earlier run),
    ``error`` (one line), ``warnings``, ``seconds`` (the analysis time, for a
    skipped video that of the run that did it), ``output`` (the sub-folder),
    then the CSV list's own columns.
``reps.parquet``
    Every rep of every analysed video, keyed by ``video_id``: the columns of
    each video's ``reps.csv`` (numbers and verdicts; lifts that measure
    different things leave each other's columns empty).
``feedback_summary.csv``
    Per video and check: the reps that passed, failed, were uncertain or not
    assessable, and which failed.
``evaluation.json``
    With true counts: :func:`evaluate`, overall and per lift.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.files import CSV_FLOAT_FORMAT, atomic_write
from .inputs import VideoJob
from .work import FAILED, read_record_reps

VIDEOS_FILE = "videos.csv"
REPS_FILE = "reps.parquet"
FEEDBACK_SUMMARY_FILE = "feedback_summary.csv"
EVALUATION_FILE = "evaluation.json"

VIDEO_COLUMNS = (
    "video_id",
    "path",
    "sha256",
    "exercise_requested",
    "exercise",
    "reps",
    "true_reps",
    "status",
    "error",
    "warnings",
    "seconds",
    "output",
)


def videos_table(jobs: Sequence[VideoJob], rows: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """``videos.csv``: the row of each job (``rows`` by video id), in input order, with its metadata."""
    records = []
    for job in jobs:
        row = dict(rows[job.video_id])
        row["true_reps"] = job.true_reps
        row["output"] = "" if row["status"] == FAILED else f"{job.video_id}/"
        records.append({**{c: row.get(c) for c in VIDEO_COLUMNS}, **job.metadata})
    table = pd.DataFrame.from_records(records)
    if table.empty:
        table = pd.DataFrame(columns=list(VIDEO_COLUMNS))
    for col in ("reps", "true_reps"):
        table[col] = pd.to_numeric(table[col]).astype("Int64")
    return table


def reps_table(outdir: Path, video_ids: Sequence[str]) -> pd.DataFrame:
    """``reps.parquet``: the reps of these (finished) videos, one table, in their order."""
    parts = [read_record_reps(outdir, i) for i in video_ids]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({"video_id": pd.Series([], dtype=str), "rep": pd.Series([], dtype=int)})
    return pd.concat(parts, ignore_index=True, sort=False)


def feedback_table(records: Sequence[Sequence[Mapping[str, Any]]]) -> pd.DataFrame:
    """``feedback_summary.csv``: the per-check rows of each finished video's record, in order."""
    rows = [row for record in records for row in record]
    columns = ["video_id", "exercise", "check", "title", "reps"]
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=columns)


def evaluate(videos: pd.DataFrame) -> dict[str, Any] | None:
    """How the counts score against the true counts, overall and per lift; None without true counts.

    The measures of the rep-counting literature (RepCount-A; Hu et al. 2022,
    "TransRAC", CVPR), over the videos with a true count and a count:

    * ``mae_normalised``: mean of ``|counted - true| / true`` (videos whose
      true count is 0 are left out of this one: the ratio is undefined);
    * ``off_by_one_accuracy``: fraction with ``|counted - true| <= 1``;
    * ``exact_rate``: fraction with ``counted == true``.

    Videos with a true count but no count (failed) are not scored and are
    counted in ``not_scored``: a failure is reported as a failure, not as a
    count of zero.
    """
    labelled = with_lift_label(videos[videos["true_reps"].notna()])
    if labelled.empty:
        return None
    by_lift = {
        str(lift): _scores(group) for lift, group in labelled.groupby("lift_label", sort=True)
    }
    return {"overall": _scores(labelled), "per_lift": by_lift}


def _scores(videos: pd.DataFrame) -> dict[str, Any]:
    counted = videos[videos["reps"].notna()]
    true = counted["true_reps"].to_numpy(dtype=float)
    found = counted["reps"].to_numpy(dtype=float)
    error = abs(found - true)
    positive = true > 0

    def mean(values) -> float | None:
        return round(float(values.mean()), 4) if len(values) else None

    return {
        "videos": len(videos),
        "scored": len(counted),
        "not_scored": len(videos) - len(counted),
        "mae_normalised": mean(error[positive] / true[positive]),
        "off_by_one_accuracy": mean(error <= 1),
        "exact_rate": mean(error == 0),
    }


def with_lift_label(videos: pd.DataFrame) -> pd.DataFrame:
    """The videos with ``lift_label``: the lift given in the list, else the one counted (for :func:`evaluate`)."""
    given = videos["exercise_requested"].where(videos["exercise_requested"] != "auto")
    label = given.fillna(videos["exercise"].where(videos["exercise"].astype(bool)))
    return videos.assign(lift_label=label.fillna("unknown"))


def write_tables(
    outdir: Path,
    videos: pd.DataFrame,
    reps: pd.DataFrame,
    feedback: pd.DataFrame,
    evaluation: dict[str, Any] | None,
) -> list[Path]:
    """Write the combined tables into ``outdir`` (each atomically); ``evaluation.json`` only with true counts."""
    out = [
        atomic_write(
            outdir / VIDEOS_FILE,
            lambda p: videos.to_csv(p, index=False, float_format=CSV_FLOAT_FORMAT),
        ),
        atomic_write(outdir / REPS_FILE, lambda p: reps.to_parquet(p, index=False)),
        atomic_write(
            outdir / FEEDBACK_SUMMARY_FILE,
            lambda p: feedback.to_csv(p, index=False, float_format=CSV_FLOAT_FORMAT),
        ),
    ]
    if evaluation is not None:
        text = json.dumps(evaluation, indent=2, allow_nan=False)
        out.append(atomic_write(outdir / EVALUATION_FILE, lambda p: p.write_text(text + "\n")))
    else:
        (outdir / EVALUATION_FILE).unlink(missing_ok=True)  # an earlier run's would mislead
    return out


def format_evaluation(evaluation: Mapping[str, Any]) -> str:
    """The evaluation as a few lines of text (overall, then one line per lift)."""

    def line(name: str, s: Mapping[str, Any]) -> str:
        def pct(v):
            return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1%}"

        mae = "-" if s["mae_normalised"] is None else f"{s['mae_normalised']:.3f}"
        # the counts of evaluation.json: "videos" has every labelled one, failed ones included
        videos = f"{s['videos']} video{'' if s['videos'] == 1 else 's'}"
        scored = f"{s['scored']} scored" + (
            f", {s['not_scored']} not scored (failed)" if s["not_scored"] else ""
        )
        return (
            f"  {name}: {videos} ({scored}), MAE/true {mae}, "
            f"off-by-one {pct(s['off_by_one_accuracy'])}, exact {pct(s['exact_rate'])}"
        )

    lines = ["rep counts against the true counts:", line("all", evaluation["overall"])]
    lines += [line(k, v) for k, v in evaluation["per_lift"].items()]
    return "\n".join(lines)
