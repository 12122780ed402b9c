"""Counting the reps of a lift in a pose track, or recognising the lift (``"auto"``).

:func:`detect_reps` computes the lift's rep signal
(:mod:`formlab.exercises.features`), keeps the turning points that meet its
pose conditions, and hands the rest to :func:`formlab.reps.find.find_reps`,
which knows nothing about poses (see there for what a rep is). With
``"auto"`` every candidate lift is tried and the one whose reps fit its
signature best is chosen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.track import PoseTrack
from ..exercises import (
    AUTO,
    NO_LIFT,
    Exercise,
    RepCondition,
    auto_candidates,
    check_exercise_name,
    get_exercise,
    pose_feature,
)
from ..exercises.features import lifter_shift_torso
from ..signal.cleaning import CleanOptions
from .detection import Rep, RepDetection, RepDetectorParams, TurningPoint
from .find import find_reps, smooth_signal


# =============================================================================
# Track level
# =============================================================================
def _feature(track: PoseTrack, name: str, params: RepDetectorParams) -> np.ndarray:
    """A pose feature smoothed like the rep signal, so that a check is not decided by one noisy frame."""
    return smooth_signal(track.time_s, pose_feature(track, name), params)


def _turn_mask(track: PoseTrack, checks, params: RepDetectorParams) -> np.ndarray:
    """Per-frame booleans: where a turning point may lie (the conditions read at the turn hold)."""
    ok = np.ones(track.n_frames, bool)
    for check in checks:
        if check.at == "turn":
            ok &= check.passes(_feature(track, check.feature, params))
    return ok


def _reached_mask(track: PoseTrack, checks, params: RepDetectorParams) -> np.ndarray | None:
    """Per-frame booleans: where the pose *shows* the turning position (every condition seen and met).

    Unlike the rejecting conditions, an unknown feature (NaN) is not evidence here.
    """
    if not checks:
        return None
    ok = np.ones(track.n_frames, bool)
    for check in checks:
        v = _feature(track, check.feature, params)
        ok &= np.isfinite(v) & check.passes(v)
    return ok


def _start_index(det: RepDetection, rep: Rep, prev_turn: int) -> int:
    """Sample index of the opposite extreme just before a rep's turning point (where 'start' checks are read)."""
    d = det.smoothed if det.turning_point == "top" else -det.smoothed
    i_turn = int(np.searchsorted(det.frame, rep.turn_frame))
    i_start = int(np.searchsorted(det.frame, rep.start_frame))
    lo = min(prev_turn, i_start)
    seg = d[lo : i_turn + 1]
    return lo + int(np.nanargmin(seg)) if np.isfinite(seg).any() else i_start


def _read_start(values: np.ndarray, i0: int, lo: int, hi: int, needs_seen: bool) -> float:
    """A feature at a rep's start; for a condition that ``needs_seen``, the nearest seen value.

    The start is the rep signal's extreme before the turn; when the feature
    is not seen there (a plate hides the knees at the set-up for a frame or
    two), the seen frame nearest to it between the previous turn (``lo``) and
    this one (``hi``) tells where the lifter started. None seen: NaN.
    """
    if np.isfinite(values[i0]) or not needs_seen:
        return float(values[i0])
    seen = np.flatnonzero(np.isfinite(values[lo : hi + 1])) + lo
    return float(values[seen[np.argmin(np.abs(seen - i0))]]) if seen.size else float("nan")


def _filter_reps(track: PoseTrack, det: RepDetection, checks, why: str) -> RepDetection:
    """Drop the reps that fail any of ``checks`` (read at the turn, the start, or on the change between)."""
    if not checks or not det.reps:
        return det
    values = {c.feature: _feature(track, c.feature, det.params) for c in checks}
    keep, prev = [], 0
    for rep in det.reps:
        i_turn = int(np.searchsorted(det.frame, rep.turn_frame))
        i0 = _start_index(det, rep, prev)
        lo, prev = min(prev, i0), i_turn
        ok = True
        for c in checks:
            v = values[c.feature]
            if c.at == "start":
                x = _read_start(v, i0, lo, i_turn, c.needs_seen)
            else:
                x = v[i_turn] if c.at == "turn" else v[i_turn] - v[i0]
            ok &= bool(c.passes(np.array([x]))[0])
        keep.append(ok)
    return _drop(det, keep, [why] * len(keep))


def _without_steps(
    track: PoseTrack, det: RepDetection, max_shift_torso: float | None
) -> RepDetection:
    """Drop the reps at whose end the lifter stands elsewhere than at their start (a walk-out's dip)."""
    if max_shift_torso is None or not det.reps:
        return det
    keep, why = [], []
    # around a cut the cleaning's outlier test (half its window each side) blends the two shots
    margin = (
        round(0.5 * (CleanOptions().outlier_window_s or 0.0) * track.fps) if track.fps > 0 else 0
    )
    for rep in det.reps:
        i0, i1 = np.searchsorted(track.frame, [rep.start_frame, rep.end_frame])
        span = slice(i0, i1 + 1)
        breaks = np.searchsorted(track.frame[span], track.meta.shot_starts).tolist()
        shift = lifter_shift_torso(
            track.xy_px[span], track.visibility[span], shot_breaks=breaks, break_margin=margin
        )
        keep.append(not shift > max_shift_torso)  # feet unseen (NaN): kept
        why.append(
            f"the lifter moved {shift:.2f} torso lengths, feet and hips (a step: walking out or racking)"
        )
    return _drop(det, keep, why)


def _drop(det: RepDetection, keep: Sequence[bool], why: Sequence[str]) -> RepDetection:
    """``det`` without the reps not kept (each rejected with its reason), the others renumbered."""
    if all(keep):
        return det
    rejected = list(det.rejected) + [
        {"frame": r.turn_frame, "time_s": r.turn_s, "depth": r.depth, "reason": w}
        for r, k, w in zip(det.reps, keep, why)
        if not k
    ]
    reps = [
        dataclasses.replace(r, number=n + 1)
        for n, r in enumerate(r for r, k in zip(det.reps, keep) if k)
    ]
    return dataclasses.replace(
        det, reps=tuple(reps), rejected=tuple(sorted(rejected, key=lambda r: r["frame"]))
    )


def _detect_one(
    track: PoseTrack,
    exercise: Exercise,
    params: RepDetectorParams | None,
    checks: Sequence[RepCondition],
) -> RepDetection:
    p = params if params is not None else RepDetectorParams().with_overrides(exercise.detector)
    signal = exercise.signal.compute(track)
    det = find_reps(
        track.time_s,
        signal,
        exercise.turning_point,
        p,
        frame=track.frame,
        allowed=_turn_mask(track, checks, p),
        reached=_reached_mask(track, exercise.reached, p),
        exercise=exercise.name,
        signal_name=exercise.signal.name,
    )
    det = _filter_reps(
        track, det, [c for c in checks if c.at != "turn"], "pose check failed at the start"
    )
    return _without_steps(track, det, exercise.max_lifter_shift_torso)


def detect_reps(
    track: PoseTrack, exercise: str | Exercise = "squat", params: RepDetectorParams | None = None
) -> RepDetection:
    """Count the reps of ``exercise`` in a pose track.

    Parameters
    ----------
    track : PoseTrack
        Ideally cleaned first (:func:`formlab.cleaning.clean_track`; this is
        what :func:`formlab.analyze.analyze` does).
    exercise : str or Exercise
        A name from :func:`formlab.exercises.exercise_names`, or ``"auto"``
        to let formlab choose (see Notes).
    params : RepDetectorParams, optional
        Detector settings. Default: ``RepDetectorParams()`` with the
        exercise's own overrides (:attr:`Exercise.detector`); given
        explicitly, they are used as they are.

    Returns
    -------
    RepDetection

    Notes
    -----
    With ``"auto"``, every exercise in
    :func:`formlab.exercises.auto_candidates` is tried with its pose conditions
    *and* its signature (the checks that tell it from the others, e.g. the
    hands below the knees before a deadlift lockout, above the head at an
    overhead-press lockout). The exercise with the most reps that pass them
    is chosen (ties: the larger share of its turning points that fit, then
    the first in ``auto_candidates()``), and its reps are then counted as
    for that exercise by name. ``RepDetection.auto`` records every
    candidate's count and the reason for the choice.

    ``"auto"`` here stops at the family (``squat``, ``deadlift``): every
    variant of a family counts its reps alike, and the variant's cues include
    what the plate tracker sees in the video's frames (a barbell on the back
    or in a front rack), which a pose track does not hold. The exact lift
    comes from :func:`formlab.analyze` with ``"auto"`` (which tracks the bar,
    then calls :func:`formlab.pipeline.variant.name_variant`); given a
    :class:`PoseTrack` instead of a video, it names the variant from the
    pose's cues alone, the bar's being unknown.
    """
    if not isinstance(track, PoseTrack):
        raise InputError(f"detect_reps needs a PoseTrack, got {type(track).__name__}")
    if isinstance(exercise, Exercise):
        return _detect_one(track, exercise, params, exercise.requires)
    name = check_exercise_name(exercise)
    if name != AUTO:
        ex = get_exercise(name)
        return _detect_one(track, ex, params, ex.requires)
    return _detect_auto(track, params)


def article_peaks(track: PoseTrack, turning_point: TurningPoint = "bottom") -> np.ndarray:
    """The article's way of finding reps, kept as a baseline: every peak of the raw wrist height.

    The article plots the wrist midpoint's height in raw pixels and suggests
    reading reps off it with :func:`scipy.signal.find_peaks`. This does
    exactly that, with SciPy's default parameters: the minima (``"bottom"``)
    or maxima (``"top"``) of minus the wrists' mean image y, over the frames
    where both wrists are known. It is not a rep detector: every wiggle of
    landmark jitter is a peak (see :func:`find_reps` for what a rep is).

    Returns
    -------
    ndarray of int
        Decoded-frame indices (``track.frame``) of the peaks.
    """
    from scipy.signal import find_peaks

    from ..core.landmarks import LANDMARK_INDEX

    if turning_point not in ("bottom", "top"):
        raise ConfigError(f"turning_point must be 'bottom' or 'top', got {turning_point!r}")
    wrists = [LANDMARK_INDEX["left_wrist"], LANDMARK_INDEX["right_wrist"]]
    height = -np.mean(track.xy_px[:, wrists, 1], axis=1)  # up positive, the article's -Y
    ok = np.isfinite(height)
    signal = height[ok] if turning_point == "top" else -height[ok]
    peaks, _ = find_peaks(signal)
    return np.asarray(track.frame)[ok][peaks]


def _detect_auto(track: PoseTrack, params: RepDetectorParams | None) -> RepDetection:
    scores = []
    for order, name in enumerate(auto_candidates()):
        ex = get_exercise(name)
        found = _detect_one(track, ex, params, ex.requires)
        fitting = _filter_reps(track, found, ex.signature, "does not look like " + name)
        share = fitting.count / found.count if found.count else 0.0
        scores.append((fitting.count, share, -order, name))
    scores.sort(reverse=True)
    count, share, _, name = scores[0]
    table = {n: c for c, _, _, n in sorted(scores, key=lambda s: -s[2])}
    if count == 0:
        final = _detect_one(track, NO_LIFT, params, ())
        rejected = tuple(
            {"frame": r.turn_frame, "time_s": r.turn_s, "depth": r.depth, "reason": "no lift fits"}
            for r in final.reps
        )
        return dataclasses.replace(
            final,
            reps=(),
            rejected=rejected,
            auto={
                "chosen": NO_LIFT.name,
                "signal": NO_LIFT.signal.name,
                "candidates": table,
                "reason": "none of the known lifts: no lift's reps fit its pose signature "
                "(no reps are guessed)",
            },
        )
    else:
        chosen = get_exercise(name)
        runner = scores[1]
        reason = (
            f"{chosen.name} ({chosen.turning_point}s of {chosen.signal.name}): {count} rep(s) fit its pose "
            f"signature ({share:.0%} of the turning points found); next best {runner[3]} with {runner[0]}"
        )
    final = _detect_one(track, chosen, params, chosen.requires)
    return dataclasses.replace(
        final,
        auto={
            "chosen": chosen.name,
            "signal": chosen.signal.name,
            "candidates": table,
            "reason": reason,
        },
    )
