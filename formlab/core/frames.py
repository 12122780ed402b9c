"""From decoded-frame numbers to table rows: the one place that does it.

Every per-frame result (a pose track, the feedback table, the bar path, the
rep signal) is indexed by the *decoded frame number* of the source video
(``frame``, 0-based; with a stride or a frame range not every number is
there). Code that needs "the row of frame 212" asks here, so that a missing
frame is handled the same way everywhere.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .errors import InputError

How = Literal["exact", "at_or_before", "at_or_after"]


def row_of(frames: np.ndarray, frame: int, how: How = "exact") -> int:
    """The row of ``frame`` in a sorted array of frame numbers.

    Parameters
    ----------
    frames : array of int
        The frame numbers of a table's rows, increasing.
    frame : int
        The frame wanted.
    how : {"exact", "at_or_before", "at_or_after"}
        ``"exact"``: that frame or an InputError; ``"at_or_before"``: the
        last row whose frame is not after it (the pose drawn on a frame that
        was not analysed, with a stride); ``"at_or_after"``: the first row
        whose frame is not before it (a rep boundary in a subsampled signal).

    Raises
    ------
    InputError
        When no row fits (the message gives the frames the table holds).
    """
    f = np.asarray(frames)
    if f.size == 0:
        raise InputError(f"frame {frame}: the table has no rows")
    if how == "exact":
        i = int(np.searchsorted(f, frame))
        if i < f.size and f[i] == frame:
            return i
    elif how == "at_or_before":
        i = int(np.searchsorted(f, frame, side="right")) - 1
        if i >= 0:
            return i
    elif how == "at_or_after":
        i = int(np.searchsorted(f, frame, side="left"))
        if i < f.size:
            return i
    else:
        raise ValueError(f"how must be 'exact', 'at_or_before' or 'at_or_after', got {how!r}")
    raise InputError(f"frame {frame} is not in the table (frames {int(f[0])}..{int(f[-1])})")


def rows_of(frames: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Rows of several frames at once (-1 where a frame is not in the table)."""
    f = np.asarray(frames)
    w = np.asarray(wanted)
    if f.size == 0:
        return np.full(w.shape, -1)
    pos = np.clip(np.searchsorted(f, w), 0, f.size - 1)
    return np.where(f[pos] == w, pos, -1)


def within(frames: np.ndarray, start: int, end: int) -> np.ndarray:
    """Boolean mask of the rows whose frame lies in ``[start, end]`` (a rep, inclusive)."""
    f = np.asarray(frames)
    return (f >= start) & (f <= end)
