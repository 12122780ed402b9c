"""Numbers per rep: range of motion, phase durations, bar velocity, bar drift and joint angles.

:func:`rep_metrics` turns a :class:`~formlab.reps.RepDetection` plus the path
of the load (the barbell, or the body part that carries the load) into a
table with one row per rep. The path is passed as plain arrays sampled at the
detection's frames (``x_m`` horizontal, ``y_m`` vertical *up*, metres), so any
bar tracker can feed it. Joint angles come from the pose track's world
landmarks (3D), through :data:`formlab.exercises.POSE_FEATURES`.

Definitions (columns of the table)
----------------------------------
``rom_m``
    Vertical range of the load path over the rep (highest minus lowest point
    from the rep's start to its end).
``eccentric_s``, ``concentric_s``
    Durations of the lowering and lifting phases. The rep (from its start to
    its end) is split where the load is lowest (squat, bench press, push-up,
    lunge: the concentric phase is the movement *out of* the turning point)
    or highest (deadlift, curl, press: the movement *into* it). That is the
    moment the load's velocity changes sign, the convention of
    velocity-based training; it can differ by a few hundredths of a second
    from the rep signal's turning point (the hips and the bar do not turn at
    exactly the same instant). A phase cut by the end of the clip is NaN.
``mean_concentric_velocity_mps``
    Net upward displacement of the load during the concentric phase divided
    by its duration (the "mean concentric velocity" of velocity-based
    training).
``peak_concentric_velocity_mps``
    Highest upward velocity during the concentric phase, from a
    Savitzky-Golay derivative (:func:`formlab.timeseries.savgol_smooth`,
    window ``velocity_window_s``).
``horizontal_drift_cm``
    Horizontal range of the load path over the rep (the width of the bar
    path in the sagittal view), in centimetres.
``signal_range_m``
    The rep's depth in the rep signal (e.g. the hip drop above the ankles).
plus the exercise's angles (:attr:`formlab.exercises.Exercise.angles`), in degrees.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..core.errors import InputError
from ..core.track import PoseTrack
from ..exercises import Exercise, get_exercise, pose_feature
from ..signal.filters import savgol_smooth
from .detection import RepDetection

VELOCITY_WINDOW_S = 0.25
"""Window of the Savitzky-Golay derivative used for velocities: about a quarter of the
shortest concentric phase of a strength exercise (~1 s), so that the peak is kept while
frame-to-frame jitter (which a plain difference would turn into velocity spikes) is not."""

BASE_COLUMNS: tuple[str, ...] = (
    "rep",
    "start_frame",
    "turn_frame",
    "end_frame",
    "start_s",
    "turn_s",
    "end_s",
    "complete",
    "signal_range_m",
    "rom_m",
    "eccentric_s",
    "concentric_s",
    "mean_concentric_velocity_mps",
    "peak_concentric_velocity_mps",
    "horizontal_drift_cm",
)
"""Columns every reps table has; the exercise's angle columns follow."""


def _as_path(name: str, values, n: int) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.shape != (n,):
        raise InputError(
            f"{name} must have one value per frame of the detection ({n}), got shape {a.shape}"
        )
    return a


def _index(frames: np.ndarray, frame: int) -> int:
    return int(np.searchsorted(frames, frame))


def _nan_range(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(a.max() - a.min()) if a.size else float("nan")


def rep_metrics(
    detection: RepDetection,
    exercise: str | Exercise,
    *,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    track: PoseTrack | None = None,
    velocity_window_s: float = VELOCITY_WINDOW_S,
) -> pd.DataFrame:
    """One row per rep with the measures of the module docstring.

    Parameters
    ----------
    detection : RepDetection
        The reps (from :func:`formlab.reps.detect_reps`).
    exercise : str or Exercise
        Decides which phase is concentric and which angles are reported.
    x_m, y_m : array_like, shape (n_frames,)
        Horizontal and vertical (up positive) position of the load in metres
        at each frame of ``detection`` (NaN where unknown).
    track : PoseTrack, optional
        The (cleaned) pose track the detection was made on, for the joint
        angles; without it the angle columns are NaN.
    velocity_window_s : float
        Window of the velocity derivative (see :data:`VELOCITY_WINDOW_S`).

    Returns
    -------
    pandas.DataFrame
        :data:`BASE_COLUMNS` then one column per exercise angle.
    """
    ex = get_exercise(exercise)
    t = detection.time_s
    frames = detection.frame
    n = t.size
    x = _as_path("x_m", x_m, n)
    y = _as_path("y_m", y_m, n)
    if track is not None and track.n_frames != n:
        raise InputError(f"track has {track.n_frames} frames but the detection {n}")
    vy = savgol_smooth(y, velocity_window_s, time_s=t, deriv=1) if n >= 3 else np.full(n, np.nan)
    features = (
        {a.feature: pose_feature(track, a.feature) for a in ex.angles} if track is not None else {}
    )

    rows = []
    for rep in detection.reps:
        i0, it, i1 = (
            _index(frames, rep.start_frame),
            _index(frames, rep.turn_frame),
            _index(frames, rep.end_frame),
        )
        window = y[i0 : i1 + 1]
        split = it
        if np.isfinite(window).any():
            split = i0 + int(
                np.nanargmax(window) if ex.concentric == "into" else np.nanargmin(window)
            )
        into_s = t[split] - t[i0]
        out_s = t[i1] - t[split] if rep.complete else float("nan")
        if ex.concentric == "into":
            con, ecc, c0, c1 = into_s, out_s, i0, split
        else:
            con, ecc, c0, c1 = out_s, into_s, split, i1
        con_ok = np.isfinite(con) and con > 0
        mean_v = (y[c1] - y[c0]) / con if con_ok else float("nan")
        seg_v = vy[c0 : c1 + 1]
        peak_v = float(np.nanmax(seg_v)) if con_ok and np.isfinite(seg_v).any() else float("nan")
        row = {
            "rep": rep.number,
            "start_frame": rep.start_frame,
            "turn_frame": rep.turn_frame,
            "end_frame": rep.end_frame,
            "start_s": rep.start_s,
            "turn_s": rep.turn_s,
            "end_s": rep.end_s,
            "complete": rep.complete,
            "signal_range_m": rep.depth,
            "rom_m": _nan_range(y[i0 : i1 + 1]),
            "eccentric_s": float(ecc),
            "concentric_s": float(con),
            "mean_concentric_velocity_mps": float(mean_v),
            "peak_concentric_velocity_mps": peak_v,
            "horizontal_drift_cm": 100.0 * _nan_range(x[i0 : i1 + 1]),
        }
        for a in ex.angles:
            v = features.get(a.feature)
            if v is None:
                row[a.column] = float("nan")
                continue
            seg = v[i0 : i1 + 1]
            if a.reduce == "at_turn":
                row[a.column] = float(v[it])
            elif not np.isfinite(seg).any():
                row[a.column] = float("nan")
            else:
                row[a.column] = float(np.nanmin(seg) if a.reduce == "min" else np.nanmax(seg))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(BASE_COLUMNS) + [a.column for a in ex.angles])


def summarize_reps(table: pd.DataFrame) -> dict[str, Any]:
    """Set-level summary of a reps table (JSON-friendly: NaN becomes None).

    Returns ``{"reps": count, "mean_over_reps": {column: mean}, "velocity_loss_pct": value}`` where the
    means cover ``rom_m``, ``eccentric_s``, ``concentric_s``, ``mean_concentric_velocity_mps``,
    ``peak_concentric_velocity_mps`` and ``horizontal_drift_cm`` (reps where the value is known), and
    ``velocity_loss_pct`` is the drop of mean concentric velocity from the fastest rep to the last one
    (a common fatigue measure in velocity-based training; None with fewer than two known values).
    """

    def clean(v: float) -> float | None:
        return None if v is None or not np.isfinite(v) else round(float(v), 4)

    means: dict[str, float | None] = {}
    for col in (
        "rom_m",
        "eccentric_s",
        "concentric_s",
        "mean_concentric_velocity_mps",
        "peak_concentric_velocity_mps",
        "horizontal_drift_cm",
    ):
        vals = table[col].to_numpy(dtype=float) if col in table else np.array([])
        vals = vals[np.isfinite(vals)]
        means[col] = clean(float(vals.mean())) if vals.size else None
    v = table["mean_concentric_velocity_mps"].to_numpy(dtype=float) if len(table) else np.array([])
    v = v[np.isfinite(v)]
    loss = clean(100.0 * (v.max() - v[-1]) / v.max()) if v.size >= 2 and v.max() > 0 else None
    return {"reps": len(table), "mean_over_reps": means, "velocity_loss_pct": loss}
