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
one person by itself, and can jump to someone else when it loses the lifter,
or follow a bystander from the start. :func:`find_identity_switches` detects
jumps from the track alone (the torso moving faster than a human can), and
:func:`follows_another_person` compares the followed pose with every person
MediaPipe sees on a few sample frames; either makes extraction re-run with
several poses and apply the rule above (:func:`follow_lifter`).

Edited videos cut between camera shots (:mod:`formlab.pose.cuts`): at a cut
the lifter appears elsewhere at another size, which is not a jump to another
person. The rule is applied within each shot, so the lifter is re-acquired
after every cut, and within a shot every frame where a body stands where the
chosen lifter works (:data:`LIFTER_SPOT_TORSO`, :data:`SAME_BODY_SCALE`) is
kept, even when linking broke the lifter's track in two.
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
    cuts: np.ndarray | None = None,
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

    cuts : ndarray of int, optional
        Indices of frames that start a new camera shot (:func:`formlab.pose.cuts.find_cuts`):
        a move across a cut is the camera's, not a jump.

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
    if cuts is not None and len(cuts):
        shot = np.searchsorted(np.asarray(cuts), np.arange(len(xy_px)), side="right")
        jump &= shot[prev] == shot[nxt]
    return nxt[jump]


def presence_score(pose_xy: np.ndarray, frame_size: tuple[int, int]) -> float:
    """How much one pose looks like the lifter in one frame: body height / frame height x centrality.

    Centrality is 1 at the centre of the frame and 0.5 at a corner (the module's rule).
    """
    width, height = frame_size
    centre, _ = torso_centre_and_scale(pose_xy)
    ys = pose_xy[:, 1]
    body_height = max(float(np.nanmax(ys) - np.nanmin(ys)) / height, 0.0)
    half_diag = float(np.hypot(width, height) / 2.0)
    off = float(np.linalg.norm(centre - np.array([width / 2.0, height / 2.0])))
    return body_height * (1.0 - 0.5 * min(1.0, off / half_diag))


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
            found = assigned.get(c)
            if found is None:
                found = _Person()
                people.append(found)
            p = found
            p.frames.append(f)
            p.poses.append(c)
            p.last_centre = centres[c]
            p.last_scale = float(scales[c]) if scales[c] > 0 else p.last_scale
            p.last_time = t
            p.centres.append(centres[c])
            p.scales.append(float(scales[c]))
            p.presence_score += presence_score(cands[c], frame_size)
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


LIFTER_SPOT_TORSO = 1.5
"""Torso lengths from the chosen lifter's usual place (median torso centre in the shot) within
which a body of the lifter's size is the lifter: a lift is done on one spot, and a squat moves the
torso centre by about one torso length. Frames where linking lost the lifter are kept this way."""

SAME_BODY_SCALE = 1.5
"""Largest ratio between a body's torso length and the lifter's median torso length for it to be
the lifter (bending forward shortens the torso in the image by up to about a third)."""

OTHER_PERSON_MARGIN = 1.25
"""How much higher :func:`presence_score` another person must have than the followed pose, on a
sample frame, for the single-person pass to be judged to follow the wrong person."""


def follows_another_person(
    followed: list[np.ndarray | None], seen: list[np.ndarray], frame_size: tuple[int, int]
) -> bool:
    """Whether the single-person pass missed or passed over the lifter on some sample frames.

    Parameters
    ----------
    followed : list of ndarray (33, 2) or None
        The pose the single-person pass kept on each sample frame (None: none).
    seen : list of ndarray, each (n_people, 33, 2)
        Every pose MediaPipe finds on the same frames when asked for several people.
    frame_size : (width, height) in pixels

    Returns
    -------
    bool
        True when on any sample frame someone is seen but nobody was followed,
        or another person scores :data:`OTHER_PERSON_MARGIN` times higher than
        the followed pose by the selection rule.
    """
    for pose, people in zip(followed, seen):
        if len(people) == 0:
            continue
        if pose is None or not np.isfinite(pose).all():
            return True
        mine = presence_score(pose, frame_size)
        best = max(presence_score(q, frame_size) for q in people)
        if best > OTHER_PERSON_MARGIN * mine:
            return True
    return False


def _fill_plainly_present(
    chosen: dict[int, int], candidates: list[np.ndarray], person: _Person
) -> int:
    """Add to ``chosen`` the frames where a body of the lifter's size stands on the lifter's spot."""
    spot = np.median(np.asarray(person.centres), axis=0)
    scales = np.asarray(person.scales)
    size = float(np.median(scales[scales > 0])) if (scales > 0).any() else 0.0
    if size <= 0:
        return 0
    added = 0
    for f, cands in enumerate(candidates):
        if f in chosen or len(cands) == 0:
            continue
        centres, s = torso_centre_and_scale(cands)
        ratio = np.maximum(s, 1e-9) / size
        d = np.linalg.norm(centres - spot, axis=1) / size
        ok = (d <= LIFTER_SPOT_TORSO) & (ratio <= SAME_BODY_SCALE) & (ratio >= 1 / SAME_BODY_SCALE)
        if ok.any():
            chosen[f] = int(np.flatnonzero(ok)[np.argmin(d[ok])])
            added += 1
    return added


def follow_lifter(
    candidates: list[np.ndarray],
    time_s: np.ndarray,
    frame_size: tuple[int, int],
    shots: list[tuple[int, int]] | None = None,
) -> tuple[list[tuple[int, int]], str]:
    """The lifter's pose in each frame: the rule applied within each camera shot.

    Parameters
    ----------
    candidates : list of ndarray, each (n_people_in_frame, 33, 2)
    time_s : ndarray, shape (n_frames,)
    frame_size : (width, height) in pixels
    shots : list of (start, stop), optional
        Index ranges of the camera shots (:func:`formlab.pose.cuts.shot_ranges`); default one shot.

    Returns
    -------
    picks : list of (frame index, candidate index)
    why : str
        How the lifter was chosen, for ``TrackMeta.person_selection``.
    """
    shots = shots or [(0, len(candidates))]
    picks: list[tuple[int, int]] = []
    reasons: list[str] = []
    filled = 0
    for a, b in shots:
        people = link_people(candidates[a:b], time_s[a:b], frame_size)
        person, why = choose_lifter(people)
        reasons.append(why)
        if person is None:
            continue
        chosen = dict(zip(person.frames, person.poses))
        filled += _fill_plainly_present(chosen, candidates[a:b], person)
        picks += [(a + f, k) for f, k in sorted(chosen.items())]
    longest = max(range(len(shots)), key=lambda i: shots[i][1] - shots[i][0])
    why = reasons[longest]
    if len(shots) > 1:
        why = (
            f"{len(shots)} camera shots; the lifter re-acquired after each cut by the same rule; "
            f"longest shot: {why}"
        )
    if filled:
        why += (
            f"; {filled} frame(s) where linking lost the lifter kept "
            f"(a body of the lifter's size on the lifter's spot)"
        )
    return picks, why


def merge_candidates(single, multi):
    """Poses of one frame from the single-person pass plus the multi-person pass's other bodies.

    A multi-person pose whose torso centre lies within ``JUMP_SLACK`` torso
    lengths of the single-pass pose is the same body; the single-pass pose comes first.
    """
    if single[0].shape[0] == 0:
        return multi
    if multi[0].shape[0] == 0:
        return single
    c1, s1 = torso_centre_and_scale(single[0][0])
    c2, _ = torso_centre_and_scale(multi[0])
    keep = np.linalg.norm(c2 - c1, axis=1) > JUMP_SLACK * max(float(s1), 1e-6)
    return tuple(np.concatenate([a, b[keep]], axis=0) for a, b in zip(single, multi))


def median_torso_px(track) -> float:
    """Median torso length (shoulder midpoint to hip midpoint) in pixels over a track (NaN without one)."""
    _, scale = torso_centre_and_scale(track.xy_px)
    scale = scale[np.isfinite(scale) & (scale > 0)]
    if scale.size == 0:
        return float("nan")
    return float(np.median(scale))
