"""The deadlift's measures: phases of its reps and the values its checks judge.

Pure functions of a :class:`~formlab.form.measures.FrameData` (a track, its
reps table and the posture columns), each cached on it by its column name;
:mod:`formlab.exercises.deadlift_checks` declares the checks that judge them.
Heights are the world landmarks' vertical axis (metres, y down).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..form.measures import FrameData

__all__ = [
    "hip_height_between",
    "hip_rise_lead",
    "holding_at_lockout",
    "lean_back_deg",
    "lockout_flexion",
    "midpoint",
    "phase_mask",
    "setup_hip_height",
]

_I = LANDMARK_INDEX


def midpoint(world: np.ndarray, part: str) -> np.ndarray:
    """The midpoint of the left and right ``part`` (``"hip"``, ``"knee"``, ...) in every frame."""
    return 0.5 * (world[:, _I[f"left_{part}"]] + world[:, _I[f"right_{part}"]])


def phase_mask(data: FrameData, phase: str, window_s: float) -> np.ndarray:
    """Frames of each rep's phase: ``"setup"`` (within ``window_s`` of the start), ``"top"`` (of the turn).

    ``"before"``: the ``window_s`` *before* each rep's start (and after the
    previous rep's end): the position held before the bar leaves the floor.
    The rep detector marks the start where the bar's rise begins to show (a
    tenth of the way up, :class:`formlab.reps.RepDetectorParams`), so frames
    after it are already the pull, with the hips rising out of the set-up.
    ``"pull"``: from the start to the turn (the concentric). No reps: none.
    """
    n = len(data)
    mask = np.zeros(n, bool)
    if data.reps is None or n == 0:
        return mask
    frames = data.frame_numbers
    t = data.column("time_s")
    prev_end = -1
    for _, rep in data.reps.iterrows():
        start, turn, end = (int(rep[c]) for c in ("start_frame", "turn_frame", "end_frame"))
        if phase == "pull":
            mask |= (frames >= start) & (frames <= turn)
            continue
        if phase == "before":
            at = np.flatnonzero(frames == start)
            if at.size:
                mask |= (t >= t[at[0]] - window_s) & (frames <= start) & (frames > prev_end)
            prev_end = end
            continue
        at = np.flatnonzero(frames == (start if phase == "setup" else turn))
        if at.size:
            mask |= (np.abs(t - t[at[0]]) <= window_s) & (frames >= start) & (frames <= end)
    return mask


# --------------------------------------------------------------------------- measures
def hip_height_between(data: FrameData, th: Any = None) -> np.ndarray:
    """Where the hips sit between the knees (0) and the shoulders (1), by height."""

    def compute():
        w = data.track.world_m
        knee, hip, sh = (
            midpoint(w, "knee")[:, 1],
            midpoint(w, "hip")[:, 1],
            midpoint(w, "shoulder")[:, 1],
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            return (knee - hip) / (knee - sh)

    return data.cached("hip_height_between_ratio", compute)


def _placed(data: FrameData, segments: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Frames where every one of ``segments`` (midpoint pairs) keeps its 3-D length.

    As :mod:`formlab.form.uncertainty` judges a rigid segment: its length
    within ``uncertainty.max_segment_error`` of its median over the track,
    else its landmarks are misplaced (a plate hiding the knees).
    """
    w = data.track.world_m
    limit = float(data.thresholds.uncertainty.max_segment_error)
    ok = np.ones(len(data), bool)
    for a, b in segments:
        length = np.linalg.norm(midpoint(w, a) - midpoint(w, b), axis=-1)
        finite = np.isfinite(length)
        if finite.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                ok &= finite & (np.abs(length / np.median(length[finite]) - 1.0) <= limit)
    return ok


def setup_hip_height(data: FrameData, th: Any) -> np.ndarray:
    """The hips' height between knees and shoulders held at the set-up, shown at each rep's start.

    The median of :func:`hip_height_between` over the ``setup_s`` before each
    rep's start (the still position before the bar leaves the floor), given
    to the frames within ``window_s`` of the start where ``hips_set`` is
    judged (a rep's verdict reads only its own frames); NaN elsewhere. The
    detector's start lags lift-off by 0.1-0.3 s, by which time hips set high
    have already dropped toward a good pull's position.

    The value's uncertainty is estimated on the frames where it is judged,
    not on those it is read from; so the set-up is read only from frames whose
    shank, thigh and trunk keep their length (:func:`_placed`), and when most of the
    set-up's frames do not (the plate hiding the knees: deadliftAI-bichraix
    good009, good011) the set-up is not measured (NaN: not assessable), not
    read off the few that remain.
    """

    def compute():
        ratio = hip_height_between(data)
        out = np.full(len(data), np.nan)
        if data.reps is None:
            return out
        # the shank too: a shank off its length has a misplaced end, and the knee may be it
        placed = _placed(data, (("ankle", "knee"), ("knee", "hip"), ("hip", "shoulder")))
        held = phase_mask(data, "before", th.setup_s) & np.isfinite(ratio)
        judged = phase_mask(data, "setup", th.window_s)
        frames = data.frame_numbers
        prev_start = -1
        for _, rep in data.reps.iterrows():
            start, end = int(rep["start_frame"]), int(rep["end_frame"])
            this = (frames >= start) & (frames <= end) & judged
            read = held & (frames > prev_start) & (frames <= start)
            if not read.any():  # no frame before the start (the clip starts with the pull)
                read = this & np.isfinite(ratio)
            if 2 * np.count_nonzero(read & placed) > np.count_nonzero(read):
                out[this] = float(np.median(ratio[read & placed]))
            prev_start = start
        return out

    return data.cached("setup_hip_height_ratio", compute)


def _torso_m(data: FrameData) -> float:
    w = data.track.world_m
    length = np.linalg.norm(midpoint(w, "shoulder") - midpoint(w, "hip"), axis=-1)
    finite = length[np.isfinite(length)]
    return float(np.median(finite)) if finite.size else np.nan


def hip_rise_lead(data: FrameData, th: Any) -> np.ndarray:
    """How much further the hips have risen than the shoulders since the set-up, in torso lengths.

    Only the difference of the two rises counts, so the origin of the heights
    does not (MediaPipe's world landmarks are centred on the hips): it is the
    shrinking of the trunk's vertical extent, ``cos(lean at set-up) - cos(lean
    now)`` torso lengths, the back tipping toward horizontal as hips that
    shoot up rise while the shoulders stay low. Measured in each rep from its start frame through the first
    ``rise_fraction`` of the way to lockout (off the floor, where hips that
    shoot up show); NaN elsewhere.

    The set-up it is measured from is the median over the ``setup_s`` before
    the rep's start (as ``hips_set`` reads it), not the start frame: the
    detector marks the start once a tenth of the bar's rise shows, 0.1-0.3 s
    after lift-off, and hips that shoot up do so as the bar breaks from the
    floor, before that frame. A median over the still set-up also carries
    less landmark noise than one frame, whose error would otherwise be part
    of every value of the rep (and of its uncertainty, the raw track's value
    measured from its own noisy start frame). No frame before the start (the
    clip starts with the pull): the start frame.
    """

    def compute():
        w = data.track.world_m
        hip_up, sh_up = -midpoint(w, "hip")[:, 1], -midpoint(w, "shoulder")[:, 1]
        out = np.full(len(data), np.nan)
        if data.reps is None:
            return out
        frames = data.frame_numbers
        torso = _torso_m(data)
        trunk_up = hip_up - sh_up  # minus the trunk's vertical extent
        held = phase_mask(data, "before", th.setup_s) & np.isfinite(trunk_up)
        prev_start = -1
        for _, rep in data.reps.iterrows():
            start, turn = int(rep["start_frame"]), int(rep["turn_frame"])
            at = np.flatnonzero(frames == start)
            before = held & (frames > prev_start) & (frames <= start)
            prev_start = start
            if not at.size or turn <= start:
                continue
            ref = float(np.median(trunk_up[before])) if before.any() else trunk_up[at[0]]
            stop = start + th.rise_fraction * (turn - start)
            sel = (frames >= start) & (frames <= stop)
            out[sel] = (trunk_up[sel] - ref) / torso
        return out

    return data.cached("hip_rise_lead_ratio", compute)


def _forward_unit(data: FrameData) -> np.ndarray:
    """The lifter's forward direction (heel to toe, horizontal), per frame, from the seen foot."""
    w = data.track.world_m
    fwd = 0.5 * (
        (w[:, _I["left_foot_index"]] - w[:, _I["left_heel"]])
        + (w[:, _I["right_foot_index"]] - w[:, _I["right_heel"]])
    )
    fwd[:, 1] = 0.0
    norm = np.linalg.norm(fwd, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return fwd / norm


def lean_back_deg(data: FrameData, th: Any = None) -> np.ndarray:
    """The trunk's lean behind vertical, degrees, in the lifter's forward-up plane (negative: forward)."""

    def compute():
        w = data.track.world_m
        v = midpoint(w, "shoulder") - midpoint(w, "hip")
        fwd = _forward_unit(data)
        ahead = np.einsum("ij,ij->i", v, fwd)
        up = -v[:, 1]
        return -np.degrees(np.arctan2(ahead, up))

    return data.cached("lean_back_deg", compute)


def lockout_flexion(data: FrameData, th: Any = None) -> np.ndarray:
    """The more bent of knee and hip at each frame: 180 minus the smaller of the two angles, degrees."""

    def compute():
        w = data.track.world_m

        def angle(a, b, c):
            u, v = a - b, c - b
            cos = np.einsum("ij,ij->i", u, v) / (
                np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
            )
            return np.degrees(np.arccos(np.clip(cos, -1, 1)))

        with np.errstate(invalid="ignore", divide="ignore"):
            knee = angle(midpoint(w, "hip"), midpoint(w, "knee"), midpoint(w, "ankle"))
            hip = angle(midpoint(w, "shoulder"), midpoint(w, "hip"), midpoint(w, "knee"))
            return 180.0 - np.fmin(knee, hip)

    return data.cached("lockout_flexion_deg", compute)


def holding_at_lockout(data: FrameData, th: Any) -> np.ndarray:
    """Frames that show a lockout held: hips and knees extended, the hands between knees and hips.

    Judged only in clips without a rep: a clip of the top of a pull (a
    lockout hold, the end of a cut pull) still shows how the lifter stands.
    "Between knees and hips" allows the hands up to ``max_hold_hands_above_hips_m``
    above the hip landmarks: in a side view the plate hides the hips at
    lockout and MediaPipe puts their landmark below the hands (measured
    0.07-0.21 m), so a strict "below the hips" found no hold where one is seen.
    """
    w = data.track.world_m
    wrist_y, hip_y, knee_y = (
        midpoint(w, "wrist")[:, 1],
        midpoint(w, "hip")[:, 1],
        midpoint(w, "knee")[:, 1],
    )
    with np.errstate(invalid="ignore"):
        extended = lockout_flexion(data) <= th.max_hold_flexion_deg
        below_hips = wrist_y > hip_y - th.max_hold_hands_above_hips_m  # y down
        return extended & below_hips & (wrist_y < knee_y)  # and above the knees
