"""A dip that ends with a step (walking a bar out of the rack, re-racking) is no squat rep,
offline and live alike; a rep with the feet planted is kept, feet landmarks drifting alone (the
hips staying) are no step, and unseen feet decide nothing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from support import synthetic_pose as sp

import formlab
from formlab.core.landmarks import FEET, LANDMARK_INDEX
from formlab.exercises import get_exercise
from formlab.exercises.features import lifter_shift_torso
from formlab.exercises.squat import SQUAT_LIFTER_SHIFT_TORSO
from formlab.live.rep_stream import RepStream

TORSO_PX = 400.0 * sp.TRUNK_M  # synthetic_pose draws 400 px per metre


def _stepped(track, from_frame: int, shift_torso: float):
    """The track with the whole lifter moved sideways by ``shift_torso`` torso lengths from ``from_frame`` on."""
    xy = track.xy_px.copy()
    xy[from_frame:, :, 0] += shift_torso * TORSO_PX
    return track.replace(step="stepped", params={}, xy_px=xy)


@pytest.mark.parametrize("shift", [0.0, 0.1, 0.25, 0.6])
def test_feet_shift_reads_the_constructed_step(shift):
    track, _ = sp.exercise_track("squat", 1)
    moved = _stepped(track, track.n_frames // 2, shift)
    assert lifter_shift_torso(moved.xy_px, moved.visibility) == pytest.approx(shift, abs=0.02)


def test_the_feet_drifting_alone_are_no_step():
    """Feet landmarks guessed at the picture's edge drift while the hips stay: the smaller shift counts."""
    track, _ = sp.exercise_track("squat", 1)
    xy = track.xy_px.copy()
    xy[track.n_frames // 2 :, list(FEET), 1] += 0.6 * TORSO_PX
    assert lifter_shift_torso(xy, track.visibility) == pytest.approx(0.0, abs=0.02)
    hips = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
    xy = track.xy_px.copy()
    xy[track.n_frames // 2 :, hips, 0] += (
        0.6 * TORSO_PX
    )  # the hips alone (sitting back): no step either
    assert lifter_shift_torso(xy, track.visibility) == pytest.approx(0.0, abs=0.02)


def test_feet_not_seen_decide_nothing():
    track, _ = sp.exercise_track("squat", 1)
    moved = _stepped(track, track.n_frames // 2, 0.6)
    hidden = moved.visibility.copy()
    hidden[:, list(FEET)] = 0.2  # behind the plates
    assert np.isnan(lifter_shift_torso(moved.xy_px, hidden))
    no_torso = moved.xy_px.copy()
    no_torso[:, LANDMARK_INDEX["left_shoulder"]] = np.nan
    assert np.isnan(lifter_shift_torso(no_torso, moved.visibility))


def _first_rep_ends_with_a_step(shift_torso: float):
    track, _ = sp.exercise_track("squat", 3)
    reps = formlab.detect_reps(track, "squat").to_frame()
    assert len(reps) == 3
    first = reps.iloc[0]
    # the step: over the last third of rep 1's way up; the lifter then stays where they stepped to
    a = int(first["turn_frame"] + 2 * (first["end_frame"] - first["turn_frame"]) // 3)
    b = int(first["end_frame"])
    xy = track.xy_px.copy()
    ramp = np.clip((np.arange(track.n_frames) - a) / max(b - a, 1), 0, 1)
    xy[..., 0] += (ramp * shift_torso * TORSO_PX)[:, None]
    return track.replace(step="stepped", params={}, xy_px=xy), reps


def test_offline_a_rep_ending_with_a_step_is_rejected_with_the_reason():
    stepped, before = _first_rep_ends_with_a_step(2 * SQUAT_LIFTER_SHIFT_TORSO)
    det = formlab.detect_reps(stepped, "squat")
    assert len(det.reps) == 2
    assert det.reps[0].turn_frame == before.iloc[1]["turn_frame"]
    reasons = [r["reason"] for r in det.rejected if "lifter moved" in r["reason"]]
    assert len(reasons) == 1 and "step" in reasons[0]


def test_offline_a_small_shift_keeps_every_rep():
    stepped, _ = _first_rep_ends_with_a_step(0.5 * SQUAT_LIFTER_SHIFT_TORSO)
    assert len(formlab.detect_reps(stepped, "squat").reps) == 3


def test_a_camera_cut_inside_a_rep_is_no_step():
    """An edited video cuts to another framing mid-rep: the picture moves, the lifter does not."""
    stepped, before = _first_rep_ends_with_a_step(0.0)
    first = before.iloc[0]
    cut = int(first["turn_frame"])  # the cut: at the bottom of rep 1, the new framing kept after
    xy = stepped.xy_px.copy()
    xy[cut:, :, 0] += 1.0 * TORSO_PX  # another camera: everything a torso length to the side
    meta = dataclasses.replace(stepped.meta, shot_starts=(int(stepped.frame[cut]),))
    edited = stepped.replace(step="cut", params={}, xy_px=xy, meta=meta)
    assert len(formlab.detect_reps(edited, "squat").reps) == 3
    # without the cut recorded the same picture reads as a step, and the rep is dropped
    unknown = edited.replace(step="no cut", params={}, meta=stepped.meta)
    assert len(formlab.detect_reps(unknown, "squat").reps) == 2
    # a real step inside the second shot still counts: shifts within the shots add up
    i = int(np.searchsorted(edited.frame, first["end_frame"]))
    span = slice(int(np.searchsorted(edited.frame, first["start_frame"])), i + 1)
    walked = xy.copy()
    walked[i - 3 : i + 1, :, 0] += 0.6 * TORSO_PX
    breaks = [cut - span.start]
    got = lifter_shift_torso(walked[span], edited.visibility[span], shot_breaks=breaks)
    assert got == pytest.approx(0.6, abs=0.05)


def test_shot_starts_survive_the_track_file(tmp_path):
    track, _ = sp.exercise_track("squat", 1)
    meta = dataclasses.replace(track.meta, shot_starts=(12, 40))
    assert type(meta).from_dict(meta.to_dict()).shot_starts == (12, 40)


def test_lifts_without_a_walk_out_do_not_check_the_feet():
    assert get_exercise("squat").max_lifter_shift_torso == SQUAT_LIFTER_SHIFT_TORSO
    for name in ("lunge", "jumping_jack", "deadlift", "push_up"):
        assert get_exercise(name).max_lifter_shift_torso is None, name


def test_live_stream_rejects_a_span_its_check_refuses():
    """RepStream asks ``span_check`` with the rep's start and the confirming sample, and rejects on a reason."""
    t = np.arange(0, 12, 1 / 30)
    x = 0.9 - 0.2 * (1 - np.cos(2 * np.pi * np.clip(t - 1, 0, None) / 3)) * (t < 10)
    asked = []

    def refuse_first(start: int, now: int) -> str:
        asked.append((start, now))
        return "the lifter moved 0.60 torso lengths (a step)" if len(asked) == 1 else ""

    stream = RepStream("bottom", None, None, refuse_first)
    for ti, xi in zip(t, x):
        stream.push(ti, xi)
    assert asked and all(start < now for start, now in asked)
    assert len(stream.reps) == len(asked) - 1
    assert any("lifter moved" in r["reason"] for r in stream.rejected)
