"""Fixing the plate track after the forward pass: wrong locks dropped, missed frames filled backwards.

The forward pass seeds only once the plate has been seen in a few frames in a row near the hands,
and after losing the plate it seeds again only later: the frames before a lock (a curl's first
reps while the pose settles, a deadlift's set-up) stay empty. Each such gap that ends at a frame
with a clear rim is filled here, backwards: the rim is fitted
(:func:`formlab.barbell.rim.fit_rim`) at the position predicted from the frames after it, with a
constant-velocity motion model, until it has not been found for ``max_lost_s``.

Only a crop around the plate's known position is kept for each gap frame (at most
:data:`MAX_GAP_S` seconds before the lock, a window of :data:`CROP_RADII` plate radii), so memory
does not grow with the video.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..core.track import PoseTrack
from .rim import fit_rim, fit_rim_outward, suspect

if TYPE_CHECKING:
    from .plate import PlateTrackerOptions

MAX_GAP_S = 4.0
"""Longest stretch before a lock that is filled backwards, in seconds (a lift's set-up)."""

CROP_RADII = 5.0
"""Half-size of the window kept around the plate's known position in each gap frame, in radii:
a bar moving 1.5 plate radii per second stays inside it for about three seconds."""


def _gaps(found: np.ndarray, confident: np.ndarray, max_frames: int) -> list[tuple[int, int]]:
    """(first, end) of each run of missing frames that ends at a confidently found frame."""
    out = []
    edges = np.flatnonzero(np.diff(np.r_[1, found.astype(int), 1]))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b < len(found) and confident[b]:
            out.append((max(int(a), int(b) - max_frames), int(b)))
    return out


def refill_backwards(
    video,
    track: PoseTrack,
    centre: np.ndarray,
    radius: np.ndarray,
    how: np.ndarray,
    confidence: np.ndarray,
    o: PlateTrackerOptions,
    *,
    min_confidence: float,
    progress: bool = False,
) -> int:
    """Fill gaps in place (``how`` = ``"rim"``), returning the number of frames filled."""
    from .plate_vision import read_frames

    fps = track.fps if np.isfinite(track.fps) and track.fps > 0 else 30.0
    found = np.isfinite(centre).all(axis=1)
    gaps = _gaps(found, confidence >= min_confidence, int(MAX_GAP_S * fps))
    if not gaps:
        return 0
    row_of = {int(f): i for i, f in enumerate(track.frame)}
    windows = {}
    for a, b in gaps:
        half = CROP_RADII * radius[b] if np.isfinite(radius[b]) else np.nan
        for i in range(a, b):
            windows[i] = (centre[b], half)
    crops: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    first, last = min(windows), max(windows)
    for fr in read_frames(
        video, int(track.frame[first]), int(track.frame[last]) + 1, progress, "refilling the plate"
    ):
        row = row_of.get(fr.index)
        if row is None or row not in windows or not np.isfinite(windows[row][1]):
            continue
        c, half = windows[row]
        h, w = fr.rgb.shape[:2]
        x0, y0 = int(max(0, c[0] - half)), int(max(0, c[1] - half))
        x1, y1 = int(min(w, c[0] + half)), int(min(h, c[1] + half))
        crops[row] = (fr.rgb[y0:y1, x0:x1].copy(), np.array([x0, y0], float))
    filled = 0
    for a, b in gaps:
        filled += _follow_back(a, b, crops, track, centre, radius, how, confidence, o)
    return filled


def _follow_back(a, b, crops, track, centre, radius, how, confidence, o) -> int:
    """Follow the rim from frame ``b`` back to ``a`` (see the module docstring)."""
    ahead = np.flatnonzero(np.isfinite(centre[b : b + 4]).all(axis=1)) + b
    pos = centre[b].copy()
    vel = np.zeros(2)
    if len(ahead) >= 2:
        dt = float(track.time_s[ahead[-1]] - track.time_s[ahead[0]])
        if dt > 0:
            vel = (centre[ahead[-1]] - centre[ahead[0]]) / dt
    r = float(radius[b]) if np.isfinite(radius[b]) else float(np.nanmedian(radius))
    t_last = float(track.time_s[b])
    filled = 0
    for i in range(b - 1, a - 1, -1):
        if i not in crops:
            break
        t = float(track.time_s[i])
        if t_last - t > o.max_lost_s:
            break
        dt = t_last - t
        pred = pos - vel * dt
        gate = r * max(0.25, o.max_speed_radii_per_s * dt)
        img, origin = crops[i]
        if img.shape[0] < 8 or img.shape[1] < 8:
            break
        rim = fit_rim(
            img,
            pred - origin,
            r,
            band=(0.75, 1.3),
            radius_range=(0.94 * r, 1.06 * r),
            max_shift=max(0.5, gate / r),
            hypotheses=300,
        )
        if suspect(rim, pred - origin, r):  # a faint rim: found from the inside
            rim = fit_rim_outward(img, pred - origin, r, (0.94 * r, 1.06 * r)) or rim
        if rim is None or rim.support < o.min_rim_support:
            vel = 0.5 * vel
            continue
        new = rim.centre_xy_px + origin
        vel = 0.5 * vel + 0.5 * (pos - new) / max(dt, 1e-6)
        pos, t_last = new, t
        centre[i], radius[i], how[i], confidence[i] = new, rim.radius_px, "rim", rim.support
        filled += 1
    return filled


def drop_unconfirmed_runs(centre, radius, how, confidence, min_confidence: float) -> int:
    """Forget runs of tracked frames without one clear rim, if other runs have one; frames dropped.

    A lock that never shows a clear rim (support >= ``min_confidence``) while the plate's rim is
    clear elsewhere in the clip followed something else: in ``formfit-jrplatin__curl`` a circle near
    the hands 170 px from the plate, before the plate was seen.
    """
    tracked = np.isfinite(centre).all(axis=1)
    edges = np.flatnonzero(np.diff(np.r_[0, tracked.astype(int), 0]))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    clear = [bool((confidence[a:b] >= min_confidence).any()) for a, b in runs]
    if not any(clear):
        return 0
    dropped = 0
    for (a, b), ok in zip(runs, clear, strict=True):
        if not ok:
            centre[a:b], radius[a:b], how[a:b], confidence[a:b] = np.nan, np.nan, "", 0.0
            dropped += b - a
    return dropped
