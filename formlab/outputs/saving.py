"""How ``formlab analyze`` writes: every writer into a hidden staging folder, then all swapped in at once.

:func:`save_outputs` runs the writers of :mod:`formlab.outputs.writers` (one per
output) into a staging folder inside the output folder and moves the results
into place only when all are complete. The annotated video is written in a
thread, the figures in a forked process (Linux), beside the other writers.
"""

from __future__ import annotations

import itertools
import shutil
import threading
import time
from pathlib import Path

from ..core.errors import OutputError
from ..core.files import ensure_dir, staging_folder, swap_in
from ..core.stages import Stages
from .writers import OUTPUT_NAMES, SUMMARY_FILE, write_summary


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


def _kept(writer, analysis) -> bool:
    """Whether ``writer`` will only copy its files from formlab's cache."""
    kept = getattr(writer, "kept", None)
    if kept is None:
        return False
    with _caches_of(analysis):
        return bool(kept(analysis))


def _caches_of(analysis):
    """The output caches on or off as the analysis says (off after ``--no-cache``)."""
    from ..io.cache import outputs_cached

    return outputs_cached(getattr(analysis, "cache", True))


def _stage_of(writer) -> str:
    return getattr(writer, "stage", getattr(writer, "__name__", "writing"))


def _run_writers(analysis, staging: Path, writers, stages: Stages) -> list[Path]:
    """Run the writers into ``staging``; return their paths.

    ``process`` writers are forked and ``background`` ones started first; all
    are joined before the summary. A ``process`` writer whose files are kept in
    formlab's cache (its ``kept(analysis)`` says so: the figures of a re-analysis
    with new thresholds) only copies them, here: a fork would cost more.
    """
    forked = (
        [w for w in writers if getattr(w, "process", False) and not _kept(w, analysis)]
        if _can_fork()
        else []
    )
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
