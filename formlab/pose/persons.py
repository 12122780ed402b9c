"""Following one lifter when a camera sees more than one person.

MediaPipe reports up to ``num_poses`` people per frame with no identity.
formlab links those detections into per-person tracks and keeps one person,
by a rule stated here and recorded in every result:

    **the largest, most central, most continuous and most stationary
    person**: each linked track scores the sum, over the frames it is seen
    in, of its body height as a fraction of the frame height times its
    centrality (1 at the centre of the frame, 0.5 at a corner), divided by
    ``1 + travel / 2`` where ``travel`` is how far (median, in torso
    lengths) the torso strays from its median position. Long tracks of big,
    central people who stay in one place win: a lifter works on one spot,
    while a passer-by crosses the frame.

With ``num_poses=1`` (the default, and about twice as fast) MediaPipe tracks
one person by itself, and can jump to someone else when it loses the lifter.
:func:`find_identity_switches` detects such jumps from the track alone (the
torso moving faster than a human can), so that extraction can re-run with
several poses and apply the rule above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.landmarks import TORSO

SELECTION_RULE = (
    "largest, most central, most continuous and most stationary person "
    "(score = sum over frames of body height / frame height x centrality, / (1 + travel in torso lengths / 2))"
)


def torso_centre_and_scale(xy_px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Torso centre (px) and torso length (px) of poses.

    Parameters
    ----------
    xy_px : ndarray, shape (..., 33, 2)

    Returns
    -------
    centre : ndarray, shape (..., 2)
        Mean of shoulders and hips.
    scale : ndarray, shape (...)
        Distance from the shoulder midpoint to the hip midpoint: a body size
        that does not change when arms or legs move.
    """
    shoulders = xy_px[..., [11, 12], :].mean(axis=-2)
    hips = xy_px[..., [23, 24], :].mean(axis=-2)
    centre = xy_px[..., list(TORSO), :].mean(axis=-2)
    scale = np.linalg.norm(shoulders - hips, axis=-1)
    return centre, scale


MAX_TORSO_SPEED = 6.0
"""Torso lengths per second the body centre can move: about 3 m/s for a 0.5 m torso,
faster than any lift or jump. Used to tell a real movement from a jump to another person."""

JUMP_SLACK = 0.75
"""Torso lengths of apparent movement allowed between any two frames, for landmark noise."""

GAP_TORSO_SPEED = 2.0
"""Torso lengths per second a person is assumed to cover while unseen for longer than
``SPRINT_S`` (about 1 m/s: walking out of view and back), when re-linking after a gap."""

SPRINT_S = 0.2
"""Gaps up to this long allow ``MAX_TORSO_SPEED``; longer ones add ``GAP_TORSO_SPEED`` per second."""


def allowed_travel(
    dt_s: float | np.ndarray, max_speed: float = MAX_TORSO_SPEED, slack: float = JUMP_SLACK
):
    """Torso lengths a person can plausibly move in ``dt_s`` seconds (see the constants above)."""
    dt = np.abs(dt_s)
    return (
        slack
        + max_speed * np.minimum(dt, SPRINT_S)
        + GAP_TORSO_SPEED * np.maximum(dt - SPRINT_S, 0.0)
    )


def find_identity_switches(
    xy_px: np.ndarray,
    time_s: np.ndarray,
    *,
    max_speed: float = MAX_TORSO_SPEED,
    slack: float = JUMP_SLACK,
) -> np.ndarray:
    """Indices of frames where a single-person track jumps to another body.

    Between consecutive frames with a pose (gaps allowed), the torso centre
    may move at most ``slack + max_speed * dt`` torso lengths; more than that
    is a different person.

    Parameters
    ----------
    xy_px : ndarray, shape (n_frames, 33, 2)
        Image landmarks (NaN where no pose).
    time_s : ndarray, shape (n_frames,)

    Returns
    -------
    ndarray of int
        Track indices of the first frame after each jump.
    """
    centre, scale = torso_centre_and_scale(xy_px)
    ok = np.flatnonzero(np.isfinite(centre).all(axis=1) & np.isfinite(scale) & (scale > 0))
    if ok.size < 2:
        return np.zeros(0, dtype=int)
    prev, nxt = ok[:-1], ok[1:]
    dt = np.abs(time_s[nxt] - time_s[prev])
    ref_scale = np.maximum(scale[prev], scale[nxt])
    moved = np.linalg.norm(centre[nxt] - centre[prev], axis=1) / ref_scale
    size_ratio = np.maximum(scale[prev], scale[nxt]) / np.minimum(scale[prev], scale[nxt])
    jump = (moved > allowed_travel(dt, max_speed, slack)) | ((size_ratio > 2.0) & (dt < 0.5))
    return nxt[jump]


@dataclass
class _Person:
    frames: list[int] = field(default_factory=list)
    poses: list[int] = field(default_factory=list)  # index of the candidate within its frame
    last_centre: np.ndarray | None = None
    last_scale: float = 1.0
    last_time: float = 0.0
    presence_score: float = 0.0
    centres: list[np.ndarray] = field(default_factory=list)
    scales: list[float] = field(default_factory=list)

    @property
    def travel(self) -> float:
        """Median distance of the torso from its median position, in median torso lengths."""
        c = np.asarray(self.centres)
        scale = float(np.median(self.scales)) if self.scales else 0.0
        if len(c) < 2 or scale <= 0:
            return 0.0
        d = np.linalg.norm(c - np.median(c, axis=0), axis=1)
        return float(np.median(d)) / scale

    @property
    def score(self) -> float:
        return self.presence_score / (1.0 + self.travel / 2.0)


def link_people(
    candidates: list[np.ndarray],
    time_s: np.ndarray,
    frame_size: tuple[int, int],
    *,
    max_speed: float = MAX_TORSO_SPEED,
    slack: float = JUMP_SLACK,
    max_gap_s: float = 1.0,
) -> list[_Person]:
    """Link per-frame detections into people by torso position.

    Parameters
    ----------
    candidates : list of ndarray, each (n_people_in_frame, 33, 2)
        Image landmarks of every pose MediaPipe found in each frame.
    time_s : ndarray, shape (n_frames,)
    frame_size : (width, height) in pixels

    Returns
    -------
    list
        Linked people with the frames and candidate indices they were seen
        in, and their selection score (see module docstring).
    """
    from scipy.optimize import linear_sum_assignment

    width, height = frame_size
    centre_px = np.array([width / 2.0, height / 2.0])
    half_diag = float(np.hypot(width, height) / 2.0)
    people: list[_Person] = []
    for f, cands in enumerate(candidates):
        if len(cands) == 0:
            continue
        t = float(time_s[f])
        centres, scales = torso_centre_and_scale(cands)
        active = [p for p in people if t - p.last_time <= max_gap_s]
        cost = np.full((len(active), len(cands)), np.inf)
        for i, p in enumerate(active):
            allowed = allowed_travel(t - p.last_time, max_speed, slack)
            ref = np.maximum(p.last_scale, scales)
            d = np.linalg.norm(centres - p.last_centre, axis=1) / ref
            cost[i] = np.where(d <= allowed, d, np.inf)
        assigned: dict[int, _Person] = {}
        if active:
            finite = np.where(np.isfinite(cost), cost, 1e9)
            rows, cols = linear_sum_assignment(finite)
            for r, c in zip(rows, cols):
                if np.isfinite(cost[r, c]):
                    assigned[c] = active[r]
        for c in range(len(cands)):
            p = assigned.get(c)
            if p is None:
                p = _Person()
                people.append(p)
            ys = cands[c][:, 1]
            body_height = float(np.nanmax(ys) - np.nanmin(ys)) / height
            centrality = 1.0 - 0.5 * min(
                1.0, float(np.linalg.norm(centres[c] - centre_px)) / half_diag
            )
            p.frames.append(f)
            p.poses.append(c)
            p.last_centre = centres[c]
            p.last_scale = float(scales[c]) if scales[c] > 0 else p.last_scale
            p.last_time = t
            p.centres.append(centres[c])
            p.scales.append(float(scales[c]))
            p.presence_score += max(body_height, 0.0) * centrality
    return people


def choose_lifter(people: list[_Person]) -> tuple[_Person | None, str]:
    """The person with the highest score, and a sentence saying how they were chosen."""
    if not people:
        return None, "no person detected"
    best = max(people, key=lambda p: p.score)
    if len(people) == 1:
        return best, "one person detected"
    return best, (
        f"{len(people)} people detected; kept the {SELECTION_RULE}: "
        f"seen in {len(best.frames)} frames, score {best.score:.2f} vs next best "
        f"{sorted(p.score for p in people)[-2]:.2f}"
    )


def median_torso_px(track) -> float:
    """Median torso length (shoulder midpoint to hip midpoint) in pixels over a track (NaN without one)."""
    _, scale = torso_centre_and_scale(track.xy_px)
    scale = scale[np.isfinite(scale) & (scale > 0)]
    if scale.size == 0:
        return float("nan")
    return float(np.median(scale))
