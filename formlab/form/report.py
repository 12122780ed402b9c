"""Reading verdicts: counts per check, the summary's form section, explanations, the CSV file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import OutputError
from ..core.files import CSV_FLOAT_FORMAT, atomic_write
from .check import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN, Check
from .judge import frame_interval_s, frame_reason, frame_sd, unjudged_reason
from .thresholds import FormThresholds


# --------------------------------------------------------------------------- summaries
def status_counts(
    feedback: pd.DataFrame, checks: Sequence[Check], per_rep: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How often each check passed, failed, was uncertain or could not judge: frames, seconds and reps.

    Returns
    -------
    DataFrame
        One row per check (index: the check name) with ``title``,
        ``pass_frames``, ``fail_frames``, ``uncertain_frames``,
        ``not_assessable_frames``, ``fail_s`` (failing frames times the
        median frame interval) and, with ``per_rep``, ``failed_reps`` (how
        many) and ``failed_rep_numbers`` (e.g. ``"1, 3"``).
    """
    frame_s = frame_interval_s(feedback) or float("nan")
    rows = []
    for check in checks:
        name = check.name
        if name not in feedback.columns:
            continue
        status = feedback[name].astype(str).to_numpy()
        row: dict[str, Any] = {
            "check": name,
            "title": check.title,
            **{f"{s}_frames": int(np.sum(status == s)) for s in STATUSES},
        }
        row["fail_s"] = row["fail_frames"] * frame_s
        if per_rep is not None:
            failed = per_rep.loc[per_rep[name] == FAIL, "rep"].tolist() if name in per_rep else []
            row["failed_reps"] = len(failed)
            row["failed_rep_numbers"] = ", ".join(str(int(r)) for r in failed)
        rows.append(row)
    columns = ["check", "title", *(f"{s}_frames" for s in STATUSES), "fail_s"]
    if per_rep is not None:
        columns += ["failed_reps", "failed_rep_numbers"]
    return pd.DataFrame(rows, columns=columns).set_index("check")


NO_REP_IN_A_PHOTO = (
    "judged once per rep, at the rep's bottom or top (the deepest squat, the full lockout): "
    "a photo has no rep"
)
"""Why a check judged once per rep (``per_rep="best"``: depth, lockout) is not assessable in a photo."""


def photo_reasons(
    feedback: pd.DataFrame, checks: Sequence[Check], th: FormThresholds
) -> pd.DataFrame:
    """A photo's feedback with ``{check}_why``: why each check it could not judge was not judged.

    A video's reasons are in its per-rep table; a photo has no reps, so its
    one row carries them. A check judged once per rep (``per_rep="best"``)
    is not judged on a photo at all: nothing says the photo shows the bottom
    (or the top) of a rep, and the reason says so rather than leaving a bare
    ``not_assessable`` that reads like a camera-view problem.
    """
    out = feedback.copy()
    for check in checks:
        if check.name not in out.columns:
            continue
        unjudged = out[check.name].astype(str).to_numpy() == NOT_ASSESSABLE
        if check.per_rep == "best" and not check.unmeasurable:
            reason = NO_REP_IN_A_PHOTO
        else:
            reason = unjudged_reason(out, check, unjudged, th)
        out[f"{check.name}_why"] = np.where(unjudged, reason, "")
    return out


def form_summary(
    feedback: pd.DataFrame, reps: pd.DataFrame | None, checks: Sequence[Check], th: FormThresholds
) -> dict[str, Any]:
    """The ``form`` section of ``summary.json``: per check, frame counts, failed reps and the cue.

    A check counts as failed for the set when it failed in any rep (videos)
    or in the frame (photos).
    """
    out: dict[str, Any] = {}
    failed: list[str] = []
    for check in checks:
        name = check.name
        if name not in feedback.columns:
            continue
        status = feedback[name].astype(str)
        entry: dict[str, Any] = {
            "frames": {v: int((status == v).sum()) for v in STATUSES},
            "message": check.cue,
        }
        if reps is not None and name in reps.columns:
            entry["failed_reps"] = [
                int(r) for r, v in zip(reps["rep"], reps[name], strict=True) if v == FAIL
            ]
            entry["uncertain_reps"] = [
                int(r) for r, v in zip(reps["rep"], reps[name], strict=True) if v == UNCERTAIN
            ]
            is_failed = bool(entry["failed_reps"])
        else:
            is_failed = entry["frames"][FAIL] > 0
        why = f"{name}_why"
        if why in feedback.columns and (status == NOT_ASSESSABLE).all() and len(status):
            entry["why_not_assessable"] = str(feedback[why].iloc[0])
        if is_failed:
            failed.append(name)
        out[name] = entry
    cues = {c.name: c.cue for c in checks}
    return {
        "exercise": feedback.attrs.get("exercise"),
        "checks": out,
        "failed_checks": failed,
        "messages": [cues[n] for n in failed],
        "thresholds": th.to_dict(),
    }


def save_feedback(feedback: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a feedback table (per frame or per rep) to CSV atomically.

    Floats are written with :data:`formlab.core.files.CSV_FLOAT_FORMAT` (6
    significant digits: the measures are not more precise than that, and 17
    digits of noise make the file hard to read); integer columns, nullable
    ones included (``{check}_worst_frame``), stay integers. Verdicts are
    written as the strings ``pass``, ``fail``, ``uncertain``, ``not_assessable``.
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise OutputError(f"{path}: feedback tables are written as .csv, got {path.suffix!r}")
    table = feedback.copy()
    for c in table.columns:
        if isinstance(table[c].dtype, pd.CategoricalDtype):
            table[c] = table[c].astype(str)
    return atomic_write(
        path, lambda tmp: table.to_csv(tmp, index=False, float_format=CSV_FLOAT_FORMAT)
    )


def explain_frame(
    feedback: pd.DataFrame, index: int, checks: Sequence[Check], th: FormThresholds
) -> pd.DataFrame:
    """Every check's verdict in one frame, with the measured value, the passing range and the reason.

    Parameters
    ----------
    feedback : DataFrame
        From :func:`judge_frames`.
    index : int
        Row position in ``feedback`` (0 for a photo).
    checks : sequence of Check
        The checks that were judged.
    th : FormThresholds
        The thresholds they were judged with.

    Returns
    -------
    DataFrame
        One row per check (index: the check name): ``title``, ``status``,
        ``value`` (the check's measure), ``unit``, ``passes_from``,
        ``passes_to`` (the passing range of
        :meth:`~formlab.form.check.Check.pass_interval`, NaN for an open end)
        and ``why``: the cue when it fails, and what it could not judge when
        it is not assessable (the camera view, unseen landmarks, or the check
        not applying to this frame).
    """
    row = feedback.iloc[int(index)]
    view = str(row["view"])
    rows = []
    for check in checks:
        name = check.name
        if name not in feedback.columns:
            continue
        status = str(row[name])
        value = float(row[check.value]) if check.value in row else float("nan")
        lo, hi = check.pass_interval(th.section(name))
        if status == FAIL:
            why = check.cue
        elif status == PASS:
            why = ""
        elif status == UNCERTAIN:
            why = "the value lies within its uncertainty of the threshold"
        elif isinstance(row.get(f"{name}_why"), str) and row[f"{name}_why"]:
            why = str(row[f"{name}_why"])  # given with the table (a photo's: see photo_reasons)
        else:
            why = frame_reason(check, view, value, float(frame_sd(feedback, check)[int(index)]), th)
        rows.append(
            {
                "check": name,
                "title": check.title,
                "status": status,
                "value": value,
                "unit": check.unit,
                "passes_from": np.nan if lo is None else lo,
                "passes_to": np.nan if hi is None else hi,
                "why": why,
            }
        )
    return pd.DataFrame(rows).set_index("check")
