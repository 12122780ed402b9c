"""Named, timed stages of a long job, each with its own progress bar.

``formlab analyze`` runs several stages (extracting the pose, cleaning it,
counting reps, following the load, judging form, drawing figures, writing the
video). A user waiting for it wants to know which one is slow, and the
benchmark (``tests/benchmarks/bench_analyze.py``) wants each one's time. A
:class:`Stages` gives both: ``with stages.stage("clean"): ...`` shows a bar
named after the stage (``tqdm.auto``; off when ``progress`` is False) and adds
the stage's wall-clock time to :attr:`Stages.seconds`.

Stages that have their own bar (pose extraction, plate tracking, the video's
frames) are timed with ``bar=False`` so that each stage still shows one bar.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Stages:
    """Timer and progress display of a job's named stages.

    Parameters
    ----------
    progress : bool
        Show one progress bar per stage, named after it.

    Attributes
    ----------
    seconds : dict
        Stage name -> wall-clock seconds spent in it (summed when a stage
        runs more than once), in the order the stages first ran.
    """

    def __init__(self, progress: bool = False):
        self.progress = bool(progress)
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, *, bar: bool = True) -> Iterator[Any]:
        """Time the ``with`` block as stage ``name``; yield its progress bar (or None).

        ``bar=False`` for a stage that draws its own bar (extraction, the
        plate tracker, the annotated video), so that it does not get two.
        """
        shown = None
        if self.progress and bar:
            from tqdm.auto import tqdm

            shown = tqdm(
                total=1, desc=name, unit="stage", leave=False, bar_format="{desc}: {elapsed}"
            )
        start = time.perf_counter()
        try:
            yield shown
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            if shown is not None:
                shown.update(1)
                shown.close()

    def add(self, name: str, seconds: float) -> None:
        """Record ``seconds`` for stage ``name`` measured elsewhere (e.g. in a worker thread)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + float(seconds)

    def total_s(self) -> float:
        """The sum of the stages' times, in seconds."""
        return float(sum(self.seconds.values()))
