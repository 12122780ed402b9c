"""Shot cuts found from the frames, and the lifter followed across them (constructed data)."""

import numpy as np
import pytest

from formlab.pose.cuts import find_cuts, frame_signature, shot_ranges, signature_differences
from formlab.pose.persons import find_identity_switches, follow_lifter, follows_another_person


def scene(seed: int, h=90, w=160, shift=0):
    """A textured frame (a 'camera shot'), optionally panned by ``shift`` px."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (h // 10 + 1, w // 10 + 2, 3), dtype=np.uint8)
    big = np.kron(base, np.ones((10, 10, 1), np.uint8))
    return np.ascontiguousarray(big[:h, shift : shift + w])


def body(cx, cy, torso_px):
    """33 landmarks of an upright body: torso centre (cx, cy), torso length ``torso_px``."""
    xy = np.zeros((33, 2))
    xy[:, 0] = cx + np.linspace(-0.3, 0.3, 33) * torso_px
    xy[:, 1] = cy + np.linspace(-1.2, 2.0, 33) * torso_px
    xy[[11, 12], 1] = cy - 0.5 * torso_px  # shoulders
    xy[[23, 24], 1] = cy + 0.5 * torso_px  # hips
    return xy


def test_a_hard_cut_is_found_and_motion_within_a_shot_is_not():
    shot_a = [scene(1, shift=i % 3) for i in range(20)]  # a little camera shake
    shot_b = [scene(2, shift=i) for i in range(8)]  # another camera, panning
    sig = np.array([frame_signature(f) for f in shot_a + shot_b])
    assert sig.shape == (28, 16, 16) and 0 <= sig.min() and sig.max() <= 1
    assert find_cuts(sig).tolist() == [20]
    assert shot_ranges(28, find_cuts(sig)) == [(0, 20), (20, 28)]
    d = signature_differences(sig)
    assert d[20] > 3 * np.delete(d, 20).max()


def test_a_camera_that_moves_all_the_time_does_not_cut_all_the_time():
    frames = [scene(3, w=160, shift=4 * i) for i in range(12)]  # a fast pan: big changes everywhere
    assert find_cuts(np.array([frame_signature(f) for f in frames])).size == 0


def test_a_move_across_a_cut_is_not_a_jump_to_another_person():
    t = np.arange(10) / 30.0
    xy = np.array([body(100, 100, 50)] * 5 + [body(400, 150, 80)] * 5)
    assert find_identity_switches(xy, t).tolist() == [5]
    assert find_identity_switches(xy, t, cuts=np.array([5])).size == 0


def test_the_lifter_is_re_acquired_in_each_shot():
    t = np.arange(40) / 30.0
    size = (640, 360)
    bystander = body(40, 60, 15)  # small, in a corner, in every frame
    lifter_a, lifter_b = body(320, 130, 60), body(150, 110, 75)  # another place after the cut
    cands = [np.array([lifter_a if f < 20 else lifter_b, bystander]) for f in range(40)]
    picks, why = follow_lifter(cands, t, size, shots=[(0, 20), (20, 40)])
    assert [f for f, _ in picks] == list(range(40)) and all(k == 0 for _, k in picks)
    assert "2 camera shots" in why
    picks_one_shot, _ = follow_lifter(cands, t, size)  # without the cut: half the set would be lost
    assert len(picks_one_shot) == 20


@pytest.mark.parametrize("gap_s", [1.5, 3.0])
def test_frames_where_the_lifter_is_plainly_present_are_never_dropped(gap_s):
    """Linking breaks the lifter's track at a long gap; the frames after it are still the lifter's."""
    fps = 30.0
    n_gap = int(gap_s * fps)
    n = 40 + n_gap + 60  # frames: before the gap, unseen, after it
    lifter = [body(320, 150 + 20 * np.sin(i / 5), 60) for i in range(n)]
    walker = [body(620 - 2 * i, 120, 35) for i in range(n)]  # a passer-by further back
    cands = []
    for i in range(n):
        seen = [walker[i]] if 40 <= i < 40 + n_gap else [lifter[i], walker[i]]
        cands.append(np.array(seen))
    picks, why = follow_lifter(cands, np.arange(n) / fps, (640, 360))
    kept = {f for f, _ in picks}
    present = {i for i in range(n) if not 40 <= i < 40 + n_gap}
    assert kept == present
    assert all(np.allclose(cands[f][k], lifter[f]) for f, k in picks)
    assert "linking lost the lifter kept" in why


def test_a_followed_bystander_is_noticed():
    size = (640, 360)
    lifter, bystander = body(320, 130, 60), body(60, 60, 20)
    seen = [np.array([lifter, bystander])] * 3
    assert follows_another_person([bystander] * 3, seen, size)
    assert not follows_another_person([lifter] * 3, seen, size)
    assert follows_another_person([None, lifter, lifter], seen, size)  # missed on one frame
    assert not follows_another_person([None] * 3, [np.zeros((0, 33, 2))] * 3, size)  # nobody there
