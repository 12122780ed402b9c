"""The local engine: every task once, in parallel processes; a dying worker fails only its video."""

import os

import pytest
from support import batch_tasks

from formlab.core.errors import ConfigError
from formlab.pipeline.batch import VideoJob
from formlab.pipeline.batch.engines import WORKER_DIED, Task, run


def tasks(*ids):
    return [Task(VideoJob(i, f"{i}.mp4", "auto"), f"key-{i}", "sha") for i in ids]


def collect():
    done = {}

    def on_done(task, outcome, error):
        assert task.job.video_id not in done, "a task reported twice"
        done[task.job.video_id] = (outcome, error)

    return done, on_done


def test_local_engine_runs_each_task_once_in_worker_processes():
    done, on_done = collect()
    run("local", tasks("a", "b", "c"), batch_tasks.echo, 2, on_done)
    assert sorted(done) == ["a", "b", "c"]
    pids = {outcome["row"]["pid"] for outcome, _ in done.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_a_worker_that_dies_fails_its_own_video_only():
    done, on_done = collect()
    run("local", tasks("a", "bad", "b", "c"), batch_tasks.crash_on_bad, 2, on_done)
    assert sorted(done) == ["a", "b", "bad", "c"]
    assert done["bad"] == (None, WORKER_DIED)
    assert all(done[i][0]["row"]["status"] == "ok" and not done[i][1] for i in ("a", "b", "c"))


def test_unknown_engine_and_scheduler_without_dask_are_errors():
    with pytest.raises(ConfigError, match="engine = 'spark' is not one of: local, dask"):
        run("spark", tasks("a"), batch_tasks.echo, 1, lambda *a: None)
    with pytest.raises(ConfigError, match="--scheduler needs --engine dask"):
        run("local", tasks("a"), batch_tasks.echo, 1, lambda *a: None, scheduler="tcp://x:1")


def test_dask_reports_a_video_whose_worker_died_and_runs_the_others():
    import dask
    import distributed  # noqa: F401  (its defaults first: leaving set() would drop them otherwise)

    done, on_done = collect()
    # give up after the first death (the default retries on three more workers)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        run("dask", tasks("a", "bad", "b"), batch_tasks.crash_on_bad, 2, on_done)
    assert sorted(done) == ["a", "b", "bad"]
    outcome, error = done["bad"]
    assert outcome is None and error.startswith(WORKER_DIED) and "KilledWorker" in error
    assert all(done[i][0]["row"]["status"] == "ok" for i in ("a", "b"))
    assert os.getpid() not in {done[i][0]["row"]["pid"] for i in ("a", "b")}
