"""Reps: finding them in a signal, counting a lift's in a pose track, and the numbers of each rep.

* :mod:`~formlab.reps.find` - turning points of a one-dimensional signal that
  are reps (plain arrays, seconds and relative depths, no poses);
* :mod:`~formlab.reps.detect` - a lift's reps in a pose track, or the lift
  recognised (``"auto"``), with :func:`article_peaks`, the article's baseline;
* :mod:`~formlab.reps.metrics` - per-rep range of motion, phase durations,
  velocity, drift and joint angles.
"""

from .detect import article_peaks, detect_reps
from .detection import Rep, RepDetection, RepDetectorParams
from .find import find_reps
from .metrics import rep_metrics, summarize_reps

__all__ = [
    "Rep",
    "RepDetection",
    "RepDetectorParams",
    "article_peaks",
    "detect_reps",
    "find_reps",
    "rep_metrics",
    "summarize_reps",
]
