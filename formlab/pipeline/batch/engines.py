"""Where a batch's videos run: local worker processes, or a Dask distributed cluster.

Both engines take the same tasks and call the same function
(:func:`formlab.pipeline.batch.work.analyse_video`) once per video, one video
at a time per worker process, so that memory grows with the number of
workers, not of videos, and each worker holds one pose model at a time. They
report each finished video to ``on_done`` as it comes, in completion order;
the runner puts the tables back in input order, so the engines give the same
tables.

A worker process that dies (out of memory, a crash in native code) fails
only the video it was analysing: the local engine re-runs the videos that
were in flight when its pool broke one at a time, to find which one it was;
Dask re-runs a task whose worker died on another worker and gives up after
``distributed.scheduler.allowed-failures`` deaths (``KilledWorker``).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...core.errors import ConfigError
from .inputs import VideoJob

if TYPE_CHECKING:
    from concurrent.futures import Future

ENGINES = ("local", "dask")

WORKER_DIED = (
    "the worker process died while analysing this video (out of memory, or a crash in native code)"
)


@dataclass(frozen=True)
class Task:
    """A video to analyse: the job, its record key and its SHA-256 (see :mod:`.work`)."""

    job: VideoJob
    key: str
    sha256: str


Call = Callable[[Task], dict[str, Any]]
"""What a worker runs for a task: returns ``{"row": ..., "peak_rss_mb": ...}``."""

Done = Callable[[Task, dict[str, Any] | None, str], None]
"""What the engine reports for each task: its outcome, or None and the error that stopped it."""


# =============================================================================
# Local processes
# =============================================================================
def run_local(tasks: Sequence[Task], call: Call, jobs: int, on_done: Done) -> None:
    """Run ``call`` on every task in ``jobs`` worker processes (started with ``spawn``).

    ``spawn`` rather than ``fork``: the parent may hold MediaPipe's threads
    (a notebook that extracted a track), which a forked child would inherit
    half-locked.
    """
    remaining = list(tasks)
    while remaining:
        remaining = _pool_round(remaining, call, jobs, on_done)


def _pool_round(tasks: list[Task], call: Call, jobs: int, on_done: Done) -> list[Task]:
    """Run tasks in a pool until done or the pool breaks; returns what is left after a break."""
    unfinished = _in_pool(tasks, call, jobs, on_done)
    if not unfinished:
        return []
    # the pool hands tasks out in order: the ones in flight are the first `jobs` unfinished
    suspects, rest = unfinished[:jobs], unfinished[jobs:]
    for task in suspects:
        if len(suspects) == 1 or _in_pool([task], call, 1, on_done):
            on_done(task, None, WORKER_DIED)
    return rest


def _in_pool(tasks: list[Task], call: Call, jobs: int, on_done: Done) -> list[Task]:
    """Run tasks in one pool; the tasks left unfinished when the pool broke (in submission order)."""
    # imported here: 60 ms that `formlab analyze` (which imports this module with formlab) never needs
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), mp_context=context)
    futures: dict[Future, Task] = {}
    finished: set[int] = set()
    workers: list = []
    try:
        with _workers_ignore_ctrl_c():  # the workers are started by the first submits
            futures = {pool.submit(call, task): task for task in tasks}
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                break
            except Exception as e:  # the outcome could not come back (not picklable, ...)
                finished.add(id(task))
                on_done(task, None, f"{type(e).__name__}: {e}")
                continue
            finished.add(id(task))
            on_done(task, outcome, "")
    except BaseException:  # Ctrl-C: stop the workers, leave the finished records
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:  # they would finish their video first
            if process.is_alive():
                process.terminate()
        raise
    for future, task in futures.items():  # finished before the break, not yet reported
        if id(task) not in finished and future.done() and not future.cancelled():
            if future.exception() is None:
                finished.add(id(task))
                on_done(task, future.result(), "")
    pool.shutdown(wait=True, cancel_futures=True)
    return [t for t in tasks if id(t) not in finished]


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with Ctrl-C ignored: the parent stops them, quietly.

    A terminal sends Ctrl-C to every process of the foreground group; a
    worker would print its own traceback, or die in the middle of writing.
    An ignored signal stays ignored in a spawned process (and Python then
    installs no handler), so the parent alone decides, and terminates them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# =============================================================================
# Dask distributed
# =============================================================================
def run_dask(
    tasks: Sequence[Task], call: Call, jobs: int, on_done: Done, scheduler: str | None = None
) -> None:
    """Run ``call`` on every task on a Dask cluster: the one at ``scheduler``, or a local one of ``jobs`` workers.

    The workers of an existing cluster need formlab installed and the videos
    and the output folder at the same paths (a shared file system). A local
    cluster has ``jobs`` worker processes of one thread each, and no
    dashboard (it would need a free port on a shared machine).
    """
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "--engine dask needs Dask distributed: pip install 'formlab[dask]'"
        ) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as e:
            raise ConfigError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({e})"
            ) from None
    else:
        import dask

        # no statistical profiler: it samples every worker's stack 100 times a second, for a
        # dashboard this cluster does not have (about a tenth of the CPU on the sample clips)
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: the progress bar is the report
            )
        client = Client(cluster)
    try:
        futures = {
            client.submit(
                call, task, key=f"formlab-{task.job.video_id}-{task.key[:12]}", pure=False
            ): task
            for task in tasks
        }
        for future in dask_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as e:  # KilledWorker: the video's workers died, one after the other
                on_done(task, None, f"{WORKER_DIED} ({type(e).__name__})")
                continue
            on_done(task, outcome, "")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def check_engine(engine: str, scheduler: str | None = None) -> None:
    """A :class:`ConfigError` for an unknown engine, a scheduler without Dask, or Dask not installed."""
    if engine not in ENGINES:
        raise ConfigError(f"engine = {engine!r} is not one of: {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ConfigError(
                "--engine dask needs Dask distributed: pip install 'formlab[dask]'"
            ) from None


def run(
    engine: str,
    tasks: Sequence[Task],
    call: Call,
    jobs: int,
    on_done: Done,
    scheduler: str | None = None,
) -> None:
    """Run the tasks on ``engine`` (``"local"`` or ``"dask"``)."""
    check_engine(engine, scheduler)
    if engine == "local":
        run_local(tasks, call, jobs, on_done)
    else:
        run_dask(tasks, call, jobs, on_done, scheduler)
