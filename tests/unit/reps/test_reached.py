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
