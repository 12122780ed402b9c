"""A lift's ``reached`` pose conditions: a pull cut off by the clip's end counts once the lifter stands tall."""

from __future__ import annotations

import dataclasses

import numpy as np
from support.synthetic_pose import exercise_track

from formlab.exercises import get_exercise, pose_feature
from formlab.reps import detect_reps


def _cut_near_lockout(fraction):
    """One constructed deadlift, the clip ending once the bar has risen ``fraction`` of the way up."""
    track, far_ends = exercise_track("deadlift", 1, 30.0, view="side")
    lift = get_exercise("deadlift")
    bar = lift.signal.compute(track)
    after = track.time_s > far_ends[0]  # the pull starts from the set-up (the far end of the pose)
    low, high = np.nanmin(bar[after]), np.nanmax(bar[after])
    end = np.flatnonzero(after & (bar >= low + fraction * (high - low)))[0] + 1
    return track.select_frames(np.arange(end)), lift


def test_a_clip_ending_as_the_lifter_stands_tall_counts_the_pull():
    track, lift = _cut_near_lockout(0.97)
    assert pose_feature(track, "trunk_lean_deg")[-1] < 25  # standing tall in the last frame
    assert detect_reps(track, lift).count == 1
    # without the lift's 'reached' conditions, the signal alone (still rising) does not count it
    assert detect_reps(track, dataclasses.replace(lift, reached=())).count == 0


def test_a_clip_ending_mid_pull_does_not_count_it():
    track, lift = _cut_near_lockout(0.6)
    assert pose_feature(track, "trunk_lean_deg")[-1] > 25
    assert detect_reps(track, lift).count == 0


def test_a_clip_opening_mid_pull_with_the_legs_unseen_does_not_count_it():
    """A cut into a pull: the knees not yet found at its first frames, the bar above them soon after.

    The bar below the knees at the start is the only evidence of a pull from
    the floor; unseen, it is no evidence (the condition's ``needs_seen``).
    """
    track, far_ends = exercise_track("deadlift", 1, 30.0, view="side")
    lift = get_exercise("deadlift")
    assert detect_reps(track, lift).count == 1
    knee_y = pose_feature(track, "wrist_above_knee_m")
    after = track.time_s > far_ends[0]
    first = np.flatnonzero(after & (knee_y > 0.05))[0]  # the bar just above the knees
    cut = track.select_frames(np.arange(first - 4, track.n_frames))
    w = cut.world_m.copy()
    w[:5, 25:27] = np.nan  # the knees, not yet found in the clip's first frames
    cut = cut.replace(world_m=w)
    assert detect_reps(cut, lift).count == 0
    seen_or_not = tuple(dataclasses.replace(c, needs_seen=False) for c in lift.requires)
    assert detect_reps(cut, dataclasses.replace(lift, requires=seen_or_not)).count == 1


def test_a_set_up_hidden_past_a_filled_gap_still_counts_the_pull():
    """The knees hidden longer than a filled gap around the bar's lowest: the nearest seen frame counts.

    The set-up is held still, so the seen frames just after it show the bar
    below the knees where it started.
    """
    track, far_ends = exercise_track("deadlift", 1, 30.0, view="side")
    lift = get_exercise("deadlift")
    bar = lift.signal.compute(track)
    low = int(np.nanargmin(np.where(track.time_s > far_ends[0] - 0.5, bar, np.nan)))
    w = track.world_m.copy()
    w[low - 20 : low + 3, 25:27] = (
        np.nan
    )  # the knees hidden for 0.75 s (> max_gap_s) up to the set-up
    hidden = track.replace(world_m=w)
    assert not np.isfinite(pose_feature(hidden, "wrist_above_knee_m")[low])
    assert detect_reps(hidden, lift).count == 1


def test_a_set_up_whose_shins_read_short_behind_the_plate_still_counts_the_pull():
    """The plate hides the shins at the set-up: the pose puts the knees near the ankles, below the bar.

    The world shank then reads a fraction of its length (deadliftAI-bichraix
    good009, good011: 0.07-0.2 m against 0.34 m); such a knee is not where the
    pose puts it, and the bar below the highest a knee can be (the shank's
    length above the ankles) is a pull from below the knees.
    """
    track, far_ends = exercise_track("deadlift", 1, 30.0, view="side")
    lift = get_exercise("deadlift")
    bar = lift.signal.compute(track)
    low = int(np.nanargmin(np.where(track.time_s > far_ends[0] - 0.5, bar, np.nan)))
    w = track.world_m.copy()
    near = slice(max(low - 15, 0), low + 6)  # the set-up and the first frames off the floor
    for knee, ankle in ((25, 27), (26, 28)):  # each knee put 5 cm above its ankle, in front of it
        w[near, knee] = w[near, ankle] + np.array([0.05, -0.05, 0.0])
    hidden = track.replace(world_m=w)
    wrist_y = np.mean(w[low, 15:17, 1])
    assert wrist_y < np.mean(w[low, 25:27, 1])  # the misplaced knees are below the bar (y down)
    assert detect_reps(hidden, lift).count == 1
