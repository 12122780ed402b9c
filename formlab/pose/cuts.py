"""Hard cuts between camera shots, found from the frames themselves.

An edited exercise video cuts from one camera shot to another: between two
frames the whole picture changes at once, and the lifter appears somewhere
else, at another size. Without knowing about the cut, that looks like the
pose jumping to another person (:func:`formlab.pose.persons.find_identity_switches`).

Each analysed frame is reduced to a tiny grey thumbnail (its *signature*,
:data:`SIGNATURE_PX` square, box-averaged so that noise and small movements
average out). The difference between consecutive signatures (mean absolute
grey-level change, 0 to 1) stays small while people move, and the camera
pans slowly; at a cut it jumps for one frame. A frame starts a new shot when
its difference is both large in itself (:data:`CUT_MIN_DIFF`) and many times
the typical difference around it (:data:`CUT_RATIO`), so that a quickly
moving or shaking camera does not produce cuts.
"""

from __future__ import annotations

import itertools

import numpy as np

SIGNATURE_PX = 16
"""Side of the grey thumbnail compared between frames (px): coarse enough that a lifter's
movement changes a few of its 256 cells a little, while a cut changes nearly all of them."""

CUT_MIN_DIFF = 0.08
"""Smallest mean grey-level change (fraction of full scale) that can be a cut. Measured with
:func:`signature_differences` on 10 sample videos: between consecutive frames of one shot the
change stays at or below 0.073 (``sports2d__demo``, a moving camera; 0.051 on
``testvideo-yuyoujiang__squat``, below 0.02 on the others); across cuts between two framings of
one sample clip it is 0.09 (the same spot zoomed 1.3x) to 0.23 (mirrored and zoomed;
tests/integration/test_following.py)."""

CUT_RATIO = 4.0
"""A cut's change must be this many times the median change of the frames around it
(:data:`CUT_CONTEXT` on each side): a camera that moves all the time is not cutting all the time."""

CUT_CONTEXT = 7
"""Frames on each side whose changes give the typical change a cut is compared with."""


def frame_signature(rgb: np.ndarray) -> np.ndarray:
    """The grey thumbnail of an RGB frame (``SIGNATURE_PX`` square, values 0 to 1, float32).

    Box averages of the frame's grey level: cheap (the frame is first
    subsampled to about 64 px on its short side) and insensitive to noise.
    """
    h, w = rgb.shape[:2]
    step = max(1, min(h, w) // (SIGNATURE_PX * 4))
    small = rgb[::step, ::step].astype(np.float32)
    grey = small @ np.array([0.299, 0.587, 0.114], np.float32)
    hs, ws = grey.shape
    rows = np.linspace(0, hs, SIGNATURE_PX + 1).astype(int)
    cols = np.linspace(0, ws, SIGNATURE_PX + 1).astype(int)
    sums = np.add.reduceat(np.add.reduceat(grey, rows[:-1], axis=0), cols[:-1], axis=1)
    counts = np.outer(np.diff(rows), np.diff(cols))
    return (sums / np.maximum(counts, 1) / 255.0).astype(np.float32)


def signature_differences(signatures: np.ndarray) -> np.ndarray:
    """Mean absolute change between consecutive signatures; element 0 is 0 (no frame before it)."""
    s = np.asarray(signatures, dtype=np.float32)
    if len(s) < 2:
        return np.zeros(len(s))
    d = np.abs(np.diff(s, axis=0)).reshape(len(s) - 1, -1).mean(axis=1)
    return np.concatenate([[0.0], d]).astype(float)


def is_cut(before: np.ndarray, after: np.ndarray, *, min_diff: float = CUT_MIN_DIFF) -> bool:
    """Whether two consecutive signatures differ as much as a cut can (no context: while streaming).

    A quick test made frame by frame; :func:`find_cuts` decides on the whole video.
    """
    return float(np.abs(after - before).mean()) >= min_diff


def find_cuts(
    signatures: np.ndarray,
    *,
    min_diff: float = CUT_MIN_DIFF,
    ratio: float = CUT_RATIO,
    context: int = CUT_CONTEXT,
) -> np.ndarray:
    """Indices of the frames that start a new camera shot (never 0).

    Parameters
    ----------
    signatures : ndarray, shape (n_frames, SIGNATURE_PX, SIGNATURE_PX)
        :func:`frame_signature` of each analysed frame, in order.

    Returns
    -------
    ndarray of int
        Ascending indices ``i`` such that frame ``i`` belongs to another shot than frame ``i - 1``.
    """
    d = signature_differences(signatures)
    cuts = []
    for i in range(1, len(d)):
        if d[i] < min_diff:
            continue
        around = np.concatenate([d[max(1, i - context) : i], d[i + 1 : i + 1 + context]])
        typical = float(np.median(around)) if around.size else 0.0
        if d[i] >= ratio * typical:
            cuts.append(i)
    return np.asarray(cuts, dtype=int)


def shot_ranges(n_frames: int, cuts: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` index ranges of the shots between ``cuts`` (one shot without cuts)."""
    bounds = [0, *(int(c) for c in cuts), n_frames]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]
