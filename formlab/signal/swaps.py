"""Momentary left/right label swaps, found with a Viterbi pass over each group of landmarks and undone."""

from __future__ import annotations

import math

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from ..pose.persons import median_torso_px
from .filters import check_positive, finite_runs
from .smoothing import check_track

_L, _R = "left_", "right_"

SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "face": ("eye_inner", "eye", "eye_outer", "ear"),
    "trunk": ("shoulder", "hip"),
    "arm": ("elbow", "wrist", "pinky", "index", "thumb"),
    "leg": ("knee", "ankle", "heel", "foot_index"),
}
"""Groups of bilateral landmarks whose left/right labels are checked together by
:func:`fix_left_right_swaps` (the mouth corners follow the face group)."""


def group_indices(group: str) -> tuple[list[int], list[int]]:
    """Landmark indices of a swap group: the left ones, then their right counterparts in the same order."""
    names = SWAP_GROUPS[group]
    left = [LANDMARK_INDEX[_L + n] for n in names]
    right = [LANDMARK_INDEX[_R + n] for n in names]
    if group == "face":
        left.append(LANDMARK_INDEX["mouth_left"])
        right.append(LANDMARK_INDEX["mouth_right"])
    return left, right


def _viterbi_swaps(
    pos_l: np.ndarray, pos_r: np.ndarray, dt: np.ndarray, penalty_per_s: float
) -> np.ndarray:
    """Most economical labelling of a run of frames: True where left and right should be exchanged.

    ``pos_l``/``pos_r``: (n, k, 2) positions in torso lengths. Cost of a
    labelling = sum over consecutive frames of the mean distance moved by
    the group's landmarks + ``penalty_per_s`` x time spent swapped.
    """
    n = pos_l.shape[0]
    # positions under each state: state 0 = as given, 1 = swapped
    states = np.stack(
        [np.stack([pos_l, pos_r], 1), np.stack([pos_r, pos_l], 1)], 0
    )  # (2, n, 2, k, 2)
    # move[s_prev][s_now][i - 1]: the mean distance moved from frame i - 1 to i, all at once (the
    # loop below then does scalar work only: judging a live rep runs this on 10 s of frames)
    step = states[None, :, 1:] - states[:, None, :-1]  # (s_prev, s_now, n - 1, 2, k, 2)
    dist = np.linalg.norm(step, axis=-1)
    move = np.ascontiguousarray(dist).reshape(2, 2, n - 1, -1).mean(axis=-1).tolist()
    stay = [0.0] + [penalty_per_s * float(d) for d in dt[1:]]  # cost of frame i swapped
    c0, c1 = 0.0, penalty_per_s * float(dt[0])
    back = [(0, 0)] * n  # back[i][s]: the best state of frame i - 1 before state s in frame i
    (m00, m01), (m10, m11) = move
    for i in range(1, n):
        j = i - 1
        a0, b0 = c0 + m00[j], c1 + m10[j]  # into state 0 from 0 and from 1
        a1, b1 = c0 + m01[j], c1 + m11[j]  # into state 1 from 0 and from 1
        p0, p1 = (0 if a0 <= b0 else 1), (0 if a1 <= b1 else 1)  # ties: the first, as argmin
        back[i] = (p0, p1)
        c0, c1 = (a0 if p0 == 0 else b0), (a1 if p1 == 0 else b1) + stay[i]
    path = np.zeros(n, dtype=bool)
    s = 0 if c0 <= c1 else 1
    for i in range(n - 1, -1, -1):
        path[i] = bool(s)
        s = back[i][s]
    return path


def fix_left_right_swaps(track: PoseTrack, penalty_per_s: float = 2.0) -> PoseTrack:
    """Detect and undo frames where MediaPipe exchanged a left and a right limb.

    For each group of bilateral landmarks (:data:`SWAP_GROUPS`: face, trunk,
    arms, legs) formlab chooses, over every stretch of frames in which the
    group is seen, the labelling (as given or exchanged, frame by frame) that
    makes the landmarks move least, with a penalty for overruling MediaPipe.
    Exchanged frames get their image, depth, world, visibility and presence
    values swapped between left and right.

    Parameters
    ----------
    track : PoseTrack
    penalty_per_s : float
        Cost of keeping a group relabelled, in torso lengths (of mean landmark
        movement saved) per second. A momentary swap costs two jumps of the
        distance between the two sides; it is undone when that is more than
        ``penalty_per_s`` x its duration. With the default 2.0, hands half a
        torso length apart are corrected if swapped for up to 0.5 s; longer
        consistent labellings are left to MediaPipe, which is usually right
        when it is consistent.

    Returns
    -------
    PoseTrack
        With step ``"fix_left_right_swaps"`` and the swapped frames per group.
    """
    track = check_track(track)
    penalty_per_s = check_positive("penalty_per_s", penalty_per_s)
    torso = median_torso_px(track)
    arrays = {
        "xy_px": track.xy_px.copy(),
        "z": track.z.copy(),
        "world_m": track.world_m.copy(),
        "visibility": track.visibility.copy(),
        "presence": track.presence.copy(),
    }
    swapped: dict[str, list[int]] = {}
    if math.isfinite(torso) and track.n_frames >= 3:
        # time each frame stands for (its interval to the previous one; the first gets the median)
        dt_all = np.diff(track.time_s, prepend=track.time_s[0] - np.median(np.diff(track.time_s)))
        for group in SWAP_GROUPS:
            left, right = group_indices(group)
            xy = track.xy_px / torso
            seen = np.asarray(np.isfinite(xy[:, left + right]).all(axis=(1, 2)))
            frames: list[int] = []
            for a, b in finite_runs(seen):
                if b - a < 3:
                    continue
                path = _viterbi_swaps(xy[a:b, left], xy[a:b, right], dt_all[a:b], penalty_per_s)
                idx = np.flatnonzero(path) + a
                if idx.size == 0:
                    continue
                for arr in arrays.values():
                    tmp = arr[idx][:, left].copy()
                    arr[idx[:, None], left] = arr[idx][:, right]
                    arr[idx[:, None], right] = tmp
                frames.extend(track.frame[idx].tolist())
            if frames:
                swapped[group] = frames
    return track.replace(
        step="fix_left_right_swaps",
        params={"penalty_per_s": float(penalty_per_s), "swapped_frames": swapped},
        **arrays,
    )
