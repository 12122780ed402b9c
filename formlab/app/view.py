"""What the page shows of a result, as HTML: the rep count in words, the tables, the verdicts, the media.

Pure functions from formlab's results to HTML strings (every value escaped),
so that what a coach reads is tested without a browser. Media (the annotated
video, the figures, the zip) are shown by address (:meth:`SessionFolder.url_of`):
the server sends them over HTTP, with seeking, instead of through the kernel.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from ..exercises import NONE, checks_of
from ..form.check import FAIL, NOT_ASSESSABLE, PASS, UNCERTAIN, Check
from ..form.report import explain_frame
from ..viz.style import STATUS_COLOURS

VERDICT_WORDS = {
    PASS: "pass",
    FAIL: "fail",
    UNCERTAIN: "uncertain",
    NOT_ASSESSABLE: "not judged",
}
"""How each verdict reads on the page."""

_HIDDEN_REP_COLUMNS = frozenset(
    {"start_frame", "turn_frame", "end_frame", "start_s", "end_s", "signal_range_m"}
)
_UNITS = (
    ("_mps", "m/s"),
    ("_deg", "°"),
    ("_cm", "cm"),
    ("_ratio", "ratio"),
    ("_s", "s"),
    ("_m", "m"),
)


def rep_count_words(n: int | None) -> str:
    """``0`` -> ``"No reps"``, ``1`` -> ``"1 rep"``, ``2`` -> ``"2 reps"``."""
    if not n:
        return "No reps"
    return f"{n} rep" if n == 1 else f"{n} reps"


def lift_words(name: str) -> str:
    """``"front_squat"`` -> ``"front squat"``."""
    return name.replace("_", " ")


def headline(analysis) -> str:
    """The result in one sentence: ``"2 reps of front squat"`` (or what a photo shows)."""
    if analysis.kind == "image":
        return f"Photo of a {lift_words(analysis.exercise)}"
    if analysis.exercise == NONE:  # never "0 reps of none (recognised by formlab)"
        return "No lift recognised: no reps counted and no check ran"
    chosen = " (recognised by formlab)" if analysis.exercise_requested == "auto" else ""
    return f"{rep_count_words(analysis.detection.count)} of {lift_words(analysis.exercise)}{chosen}"


def column_label(name: str) -> str:
    """``"mean_concentric_velocity_mps"`` -> ``"mean concentric velocity (m/s)"``."""
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} ({unit})"
    return name.replace("_", " ")


def _cell(value) -> str:
    if hasattr(value, "item"):  # numpy scalars as Python's
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.3g}"
    if value is None or value is pd.NA:
        return "–"
    return html.escape(str(value))


def rep_table_columns(reps: pd.DataFrame, checks: Sequence[Check]) -> list[str]:
    """The per-rep numbers worth a coach's reading: those before the first check's verdict."""
    names = {c.name for c in checks}
    columns = []
    for c in reps.columns:
        if c in names:
            break
        if c not in _HIDDEN_REP_COLUMNS:
            columns.append(c)
    return columns


def rep_table_html(reps: pd.DataFrame, checks: Sequence[Check]) -> str:
    """The rep table: one row per rep, the numbers of :func:`rep_table_columns` with their units."""
    columns = rep_table_columns(reps, checks)
    if reps.empty:
        return '<p class="formlab-note">No rep was counted, so there is no rep table.</p>'
    head = "".join(f"<th>{html.escape(column_label(c))}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_cell(row[c])}</td>" for c in columns) + "</tr>"
        for _, row in reps.iterrows()
    )
    return (
        '<div class="formlab-scroll"><table class="formlab-table formlab-reps">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def verdict_chip(verdict: str) -> str:
    """A verdict as a coloured label (the colours of :mod:`formlab.viz.style`)."""
    colour = STATUS_COLOURS.get(verdict, "#999999")
    words = VERDICT_WORDS.get(verdict, verdict)
    return (
        f'<span class="formlab-verdict formlab-verdict-{html.escape(verdict)}" '
        f'style="border-color:{colour};background:{colour}33">{html.escape(words)}</span>'
    )


def _verdict_rows(items) -> str:
    return "".join(
        f"<tr><td>{html.escape(title)}</td><td>{verdict_chip(verdict)}</td>"
        f"<td>{html.escape(note)}</td></tr>"
        for title, verdict, note in items
    )


def _rep_note(check: Check, verdict: str, why: str) -> str:
    if verdict == FAIL:
        return check.cue
    if verdict in (UNCERTAIN, NOT_ASSESSABLE):
        return why
    return ""


def rep_verdicts_html(reps: pd.DataFrame, checks: Sequence[Check]) -> str:
    """Each rep's verdicts: per check, the verdict and, when it failed, its cue (otherwise why not judged)."""
    if reps.empty:
        return ""
    parts = []
    for _, row in reps.iterrows():
        items = []
        for check in checks:
            if check.name not in reps.columns:
                continue
            verdict = str(row[check.name])
            why = row.get(f"{check.name}_why", "")
            why = "" if not isinstance(why, str) else why
            items.append((check.title, verdict, _rep_note(check, verdict, why)))
        failed = [t for t, v, _ in items if v == FAIL]
        summary = (
            f"fails {len(failed)} check{'s' if len(failed) != 1 else ''}"
            if failed
            else "no check fails"
        )
        parts.append(
            f'<details class="formlab-rep" open><summary>Rep {int(row["rep"])}: {summary}</summary>'
            '<table class="formlab-table formlab-verdicts"><thead><tr><th>check</th><th>verdict</th>'
            f"<th>cue</th></tr></thead><tbody>{_verdict_rows(items)}</tbody></table></details>"
        )
    return "".join(parts)


def photo_verdicts_html(analysis) -> str:
    """A photo's verdicts: per check, the verdict and the cue or why it could not be judged."""
    checks = checks_of(analysis.feedback)
    table = explain_frame(analysis.feedback, 0, checks, analysis.thresholds)
    items = [
        (str(r["title"]), str(r["status"]), str(r["why"]) if isinstance(r["why"], str) else "")
        for _, r in table.iterrows()
    ]
    return (
        '<table class="formlab-table formlab-verdicts"><thead><tr><th>check</th><th>verdict</th>'
        f"<th>cue</th></tr></thead><tbody>{_verdict_rows(items)}</tbody></table>"
    )


def video_html(url: str) -> str:
    """The annotated video, inline: plays on phones too (``playsinline``, muted)."""
    return (
        f'<video class="formlab-video" src="{html.escape(url)}" controls playsinline muted '
        'preload="metadata"></video>'
    )


def image_html(url: str, alt: str) -> str:
    """An image that fits the page's width."""
    return f'<img class="formlab-figure" src="{html.escape(url)}" alt="{html.escape(alt)}">'


def download_html(url: str, file_name: str, size_text: str) -> str:
    """The button that downloads every output as one zip."""
    return (
        f'<a class="formlab-download" href="{html.escape(url)}" download="{html.escape(file_name)}">'
        f"Download all results (zip, {html.escape(size_text)})</a>"
    )


def error_html(message: str) -> str:
    """One line saying what went wrong (never a traceback)."""
    return f'<div class="formlab-error" role="alert">{html.escape(message)}</div>'


def section(title: str, body: str) -> str:
    """A titled part of the result."""
    return f'<h3 class="formlab-section">{html.escape(title)}</h3>{body}'
