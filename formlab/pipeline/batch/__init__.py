"""Batch analysis: many videos, one command, every core or a Dask cluster, one set of tables.

:func:`batch` (``formlab.batch``; ``formlab batch`` on the command line)
takes video files, folders, glob patterns or CSV lists of videos
(:mod:`.inputs`), analyses each with :func:`formlab.analyze` in a worker
process (:mod:`.work`) on local processes or a Dask cluster (:mod:`.engines`),
and combines what each found into ``videos.csv``, ``reps.parquet``,
``feedback_summary.csv`` and, given true counts, ``evaluation.json``
(:mod:`.tables`). A failed video is a row, not a stop; a re-run skips the
videos already done.
"""

from .engines import ENGINES
from .inputs import VideoJob, collect_videos
from .runner import BatchResult, batch, default_jobs
from .tables import evaluate, format_evaluation

__all__ = [
    "ENGINES",
    "BatchResult",
    "VideoJob",
    "batch",
    "collect_videos",
    "default_jobs",
    "evaluate",
    "format_evaluation",
]
