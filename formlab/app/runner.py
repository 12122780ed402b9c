"""One analysis as the app runs it: formlab's own pipeline and writers, progress, errors, the zip.

The app adds nothing to the analysis: it calls :func:`formlab.analyze` (or
:func:`formlab.analyze_photo`) and saves with the writers ``formlab analyze``
uses by default (:data:`formlab.outputs.DEFAULT_WRITERS`, ``PHOTO_WRITERS``),
so a result downloaded from the app is the folder the command line would
have written. What it adds is around it: the progress of each stage
(:class:`ProgressStages`), one line for any error (:func:`one_line_error`),
and every output in one zip (:func:`zip_outputs`).
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import FormlabError, InputError
from ..core.stages import Stages
from ..exercises import check_exercise_name
from ..io.media import media_kind
from ..outputs import DEFAULT_WRITERS, PHOTO_WRITERS
from ..pipeline import Analysis, PhotoAnalysis, analyze, analyze_photo
from ..pipeline.steps import resolve_thresholds
from .session import safe_file_name

log = logging.getLogger(__name__)

STEPS: tuple[tuple[str, str, float], ...] = (
    ("pose", "Finding the lifter's pose in every frame", 55.0),
    ("cleaning", "Cleaning the pose track", 2.0),
    ("reps", "Counting the reps", 2.0),
    ("load path", "Following the bar", 10.0),
    ("feedback", "Judging each rep's form", 4.0),
    ("tables", "Writing the tables", 2.0),
    ("figures", "Drawing the bar-path figures", 6.0),
    ("worst frames", "Picking each failed check's worst frame", 4.0),
    ("video", "Writing the annotated video", 12.0),
    ("summary", "Writing the summary", 1.0),
    ("zip", "Packing the results into one zip", 2.0),
)
"""``(stage, words, share of the time)`` in the order an analysis runs them: the stage names are
those :func:`formlab.analyze` and :func:`formlab.outputs.save_outputs` time (see
:class:`formlab.core.stages.Stages`); the shares, rough fractions of an uncached run of the
default clip (``tests/benchmarks/bench_analyze.py``), only place the progress bar."""

Report = Callable[[float, str], None]
"""``report(fraction_done, words)``: where the progress goes (the page's progress bar)."""


class ProgressStages(Stages):
    """:class:`~formlab.core.stages.Stages` that also report each stage as it starts to ``report``.

    The stages that run in the background of the writers (the figures, the
    annotated video) are timed by :meth:`add` when they are joined, so the
    wait for them is announced when the stage before them in :data:`STEPS` ends.
    """

    def __init__(self, report: Report, steps: Sequence[tuple[str, str, float]] = STEPS):
        super().__init__(progress=False)
        self._report = report
        self._steps = list(steps)
        self._total = sum(w for _, _, w in self._steps) or 1.0
        self._done: set[str] = set()

    def announce(self, name: str) -> None:
        """Report that stage ``name`` is starting (the bar placed by the stages done before it)."""
        before = 0.0
        for step, words, weight in self._steps:
            if step == name:
                self._report(min(before / self._total, 1.0), words)
                return
            before += weight
        self._report(min(before / self._total, 1.0), name)

    def finish(self, name: str) -> None:
        """Mark ``name`` done; announce the next stage not yet done (it may be running in the background)."""
        self._done.add(name)
        names = [s for s, _, _ in self._steps]
        if name in names:
            later = [s for s in names[names.index(name) + 1 :] if s not in self._done]
            if later:
                self.announce(later[0])

    @contextmanager
    def stage(self, name: str, *, bar: bool = True, timed: bool = True) -> Iterator[Any]:
        """Report the stage, then time it as :meth:`Stages.stage` does."""
        self.announce(name)
        with super().stage(name, bar=bar, timed=timed) as shown:
            yield shown
        self.finish(name)

    def add(self, name: str, seconds: float) -> None:
        """Record a background stage's time and move the bar past it."""
        super().add(name, seconds)
        self.finish(name)


@dataclass(frozen=True)
class RunResult:
    """An analysis the app ran, with where its files are.

    Attributes
    ----------
    analysis : Analysis or PhotoAnalysis
    name : str
        The input as the user knows it (the upload's file name, or ``sample:NAME``).
    outputs : Path
        The folder the writers wrote into.
    zip_path : Path
        Every output in one zip.
    stages : Stages
        Each stage's time.
    """

    analysis: Analysis | PhotoAnalysis
    name: str
    outputs: Path
    zip_path: Path
    stages: Stages

    @property
    def kind(self) -> str:
        """``"video"`` or ``"image"``."""
        return self.analysis.kind


def one_line_error(error: BaseException, names: dict[str, str] | None = None) -> str:
    """An exception as one line a person can read: formlab's own message, never a traceback.

    ``names`` maps paths in the session folder to what the user calls the
    file (the upload's name), so the line does not show a temporary path.
    """
    if isinstance(error, FormlabError):
        text = str(error)
    elif isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        text = f"{where}{error.strerror or error}"
    elif isinstance(error, MemoryError):
        text = "the video is too large to analyse in this server's memory; trim it to the set"
    else:
        text = f"formlab could not finish the analysis ({type(error).__name__}: {error})"
    for path, name in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def check_inputs(source: Path, exercise: str, thresholds: Path | None) -> str:
    """Refuse what cannot be analysed before the slow part; the kind of input (``video``/``image``)."""
    name = check_exercise_name(exercise)
    kind = media_kind(source)
    if kind not in ("video", "image"):
        raise InputError(f"{source}: expected a video or a photo, got a {kind}")
    if kind == "image" and name == "auto":
        raise InputError(
            f"{source}: a photo shows no movement to recognise the lift by; choose the lift it shows"
        )
    if thresholds is not None:
        resolve_thresholds(thresholds, name)
    return kind


def run_analysis(
    source: Path,
    exercise: str,
    outdir: Path,
    *,
    name: str,
    thresholds: Path | None = None,
    report: Report | None = None,
    cache: bool = False,
) -> RunResult:
    """Analyse ``source`` as ``formlab analyze`` would, write its outputs into ``outdir``, zip them.

    Parameters
    ----------
    source : Path
        A video or a photo.
    exercise : str
        A lift's name or ``"auto"``.
    outdir : Path
        Where the outputs go (``outdir/results``) and the zip (``outdir``).
    name : str
        The input as the user knows it (the zip is named after it).
    thresholds : Path, optional
        A thresholds file (.toml or .json).
    report : callable, optional
        Receives the progress (see :data:`Report`).
    cache : bool
        Use formlab's pose-track cache.

    Raises
    ------
    FormlabError
        Anything the analysis refuses (see :func:`one_line_error` for showing it).
    """
    report = report or (lambda fraction, words: None)
    stages = ProgressStages(report)
    kind = check_inputs(source, exercise, thresholds)
    results = outdir / "results"
    analysis: Analysis | PhotoAnalysis
    if kind == "video":
        analysis = analyze(source, exercise, thresholds=thresholds, cache=cache, stages=stages)
        analysis.save(results, DEFAULT_WRITERS, stages)
    else:
        with stages.stage("pose"):
            analysis = analyze_photo(source, exercise, thresholds=thresholds, cache=cache)
        with stages.stage("summary"):
            analysis.save(results, PHOTO_WRITERS)
    with stages.stage("zip"):
        stem = Path(safe_file_name(name.removeprefix("sample:"), "results")).stem
        zip_path = zip_outputs(results, outdir / f"formlab-{stem}.zip")
    report(1.0, "Done")
    return RunResult(analysis, name, results, zip_path, stages)


_STORED = {".mp4", ".png", ".jpg", ".jpeg", ".parquet", ".webp"}
"""Outputs already compressed: stored as they are (deflating them again costs time, saves nothing)."""


def zip_outputs(folder: Path, zip_path: Path) -> Path:
    """Every file under ``folder`` in one zip, named relative to it (``summary.json``, ``worst_frames/...``)."""
    part = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(part, "w") as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            how = zipfile.ZIP_STORED if path.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
            zf.write(path, path.relative_to(folder).as_posix(), compress_type=how)
    part.replace(zip_path)
    return zip_path
