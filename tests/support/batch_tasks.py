"""Stand-ins for the batch's per-video call, importable by the engines' worker processes.

Spawned workers import this module by name (``support`` is on ``sys.path``
through pytest's ``pythonpath``, which ``spawn`` hands to its children).
"""

from __future__ import annotations

import os


def echo(task):
    """An outcome naming the task's video and the worker process that ran it."""
    return {
        "row": {"video_id": task.job.video_id, "status": "ok", "pid": os.getpid()},
        "peak_rss_mb": 1.0,
    }


def crash_on_bad(task):
    """Kill the worker process (as a native crash would) for a video whose id starts with ``bad``."""
    if task.job.video_id.startswith("bad"):
        os._exit(3)
    return echo(task)
