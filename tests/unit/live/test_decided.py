"""Which faults a rep judged at its confirmation may be cued for at once (formlab.live.decided).

The per-frame table of a judgement is written by hand: one squat rep over frames 0-59 at 30 fps,
``feet_width`` (must hold through the rep) and ``depth`` (reached once, at its best frame).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from formlab.exercises import get_exercise
from formlab.live.decided import decided_failures
from formlab.pipeline.steps import resolve_thresholds

FPS = 30.0
N = 60


def judged(feet_fail_frames=(), depth_deg=None, depth_pick=20):
    """A feedback table and the rep's row: feet_width failing on the given frames, depth's values."""
    frame = np.arange(N)
    feet = np.full(N, "pass", dtype=object)
    feet[list(feet_fail_frames)] = "fail"
    if depth_deg is None:  # down to -20 deg (20 deg short of depth) at frame 20, back up to -60
        depth_deg = -20.0 - 40.0 * np.abs(frame - 20) / 40.0
    feedback = pd.DataFrame(
        {
            "frame": frame,
            "time_s": frame / FPS,
            "feet_width": feet,
            "hip_below_knee_deg": depth_deg,
            "depth": "not_assessable",
            "rep_bottom": frame == depth_pick,  # where depth is judged per frame
        }
    )
    row = pd.Series(
        {
            "rep": 1,
            "start_frame": 0,
            "end_frame": N - 1,
            "feet_width": "fail" if len(feet_fail_frames) else "pass",
            "depth": "fail",
            "depth_worst_frame": depth_pick,
        }
    )
    return feedback, row


@pytest.fixture(scope="module")
def squat():
    return get_exercise("squat"), resolve_thresholds(None, "squat")


def test_a_fault_held_on_settled_frames_is_decided_and_one_on_the_last_frames_is_not(squat):
    exercise, th = squat
    last_s = (N - 1) / FPS
    inside, at_the_end = range(10, 16), range(N - 5, N)  # 0.2 s, over min_fail_duration_s
    feedback, row = judged(feet_fail_frames=inside)
    assert "feet_width" in decided_failures(feedback, row, exercise, th, last_s - 0.5)
    feedback, row = judged(feet_fail_frames=at_the_end)
    assert "feet_width" not in decided_failures(feedback, row, exercise, th, last_s - 0.5)
    assert "feet_width" in decided_failures(feedback, row, exercise, th, last_s)  # once settled
    feedback, row = judged(feet_fail_frames=[12])  # one frame: not enough to fail even settled
    row["feet_width"] = "fail"
    assert "feet_width" not in decided_failures(feedback, row, exercise, th, last_s)


def test_a_best_missed_at_a_settled_frame_is_decided_while_the_rest_measures_worse(squat):
    exercise, th = squat
    settled_s = (N - 1) / FPS - 0.5  # frames 0-44 settled
    feedback, row = judged()
    assert decided_failures(feedback, row, exercise, th, settled_s) == ("depth",)
    # a frame not yet settled that measures better could still become the rep's best
    values = feedback["hip_below_knee_deg"].to_numpy().copy()
    values[55] = -10.0
    feedback, row = judged(depth_deg=values)
    assert decided_failures(feedback, row, exercise, th, settled_s) == ()
    values[55] = np.nan  # not measured yet: undecided too
    feedback, row = judged(depth_deg=values)
    assert decided_failures(feedback, row, exercise, th, settled_s) == ()
    # the best frame itself not settled yet
    feedback, row = judged()
    assert decided_failures(feedback, row, exercise, th, 10 / FPS) == ()
    # the same value on every frame of the rep (one read outside it): never decided early
    feedback, row = judged(depth_deg=np.full(N, -20.0), depth_pick=0)
    assert decided_failures(feedback, row, exercise, th, settled_s) == ()
    assert decided_failures(feedback, row, exercise, th, (N - 1) / FPS) == ("depth",)
