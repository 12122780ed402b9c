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

Every bar comes from :func:`progress_bar`: tqdm in a terminal or a notebook, and
one plain line per bar when it ends where nobody watches it move (stderr not a
terminal: a log, ``make demo > log``), so that a log reads as a list of stages
instead of hundreds of carriage-return updates (issue 14).
"""

from __future__ import annotations

import sys
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
    def stage(self, name: str, *, bar: bool = True, timed: bool = True) -> Iterator[Any]:
        """Time the ``with`` block as stage ``name``; yield its progress bar (or None).

        ``bar=False`` for a stage that draws its own bar (extraction, the
        plate tracker, the annotated video), so that it does not get two.
        ``timed=False`` only shows the bar: for waiting on a stage that runs
        elsewhere (the figures, drawn in a forked process) and is timed there.
        """
        shown = None
        if self.progress and bar:
            shown = progress_bar(
                total=1, desc=name, unit="stage", leave=False, bar_format="{desc}: {elapsed}"
            )
        start = time.perf_counter()
        try:
            yield shown
        finally:
            if timed:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            if shown is not None:
                if not timed and isinstance(shown, LineBar) and name in self.seconds:
                    shown.seconds = self.seconds[name]  # its time where it ran, not our wait
                shown.update(1)
                shown.close()

    def add(self, name: str, seconds: float) -> None:
        """Record ``seconds`` for stage ``name`` measured elsewhere (e.g. in a worker thread)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + float(seconds)

    def total_s(self) -> float:
        """The sum of the stages' times, in seconds."""
        return float(sum(self.seconds.values()))


def live_display() -> bool:
    """Whether a progress bar can redraw itself: stderr is a terminal, or a Jupyter kernel shows widgets."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        tty = False
    return tty or _in_a_kernel()


def _in_a_kernel() -> bool:
    """Running inside a Jupyter kernel (not merely with ipykernel imported, as a test process may be)."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None


def progress_bar(**kwargs: Any) -> Any:
    """A progress bar: ``tqdm.auto.tqdm(**kwargs)`` where it can redraw itself, else a :class:`LineBar`.

    Takes tqdm's keywords; ``disable=True`` gives tqdm's silent bar everywhere.
    """
    if kwargs.get("disable") or live_display():
        from tqdm.auto import tqdm

        return tqdm(**kwargs)
    return LineBar(**kwargs)


class LineBar:
    """A progress bar that writes one line when it ends, nothing before (for logs).

    It has the part of tqdm's interface formlab uses (``update``, ``close``,
    ``n``, ``total``, a context manager). The line says what ran, how far it got
    and how long it took: ``"pose: clip.mp4: 603/603 frames, 12.4 s"``; a stage
    bar (unit ``"stage"``) says only its time: ``"figures: 1.9 s"``.
    """

    def __init__(
        self, total=None, desc: str = "", unit: str = "it", initial: int = 0, file=None, **_: Any
    ):
        self.total, self.desc, self.unit, self.n = total, desc, unit, int(initial)
        self.file = file
        self.started = time.perf_counter()
        self.closed = False
        self.seconds: float | None = None  # the time to report, when measured elsewhere

    def update(self, n: int = 1) -> None:
        """Count ``n`` more steps (shown only at the end)."""
        self.n += n

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        """Ignored: nothing is shown until the end."""

    def close(self) -> None:
        """Write the one line (once): what ran, how far it got, how long it took."""
        if self.closed:
            return
        self.closed = True
        seconds = self.seconds if self.seconds is not None else time.perf_counter() - self.started
        if self.unit == "stage":
            done = ""
        else:
            count = f"{self.n}/{self.total}" if self.total else str(self.n)
            done = f"{count} {self.unit}{'' if self.n == 1 else 's'}, "
        out = self.file if self.file is not None else sys.stderr
        print(f"{self.desc}: {done}{seconds:.1f} s", file=out, flush=True)

    def __enter__(self) -> LineBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
