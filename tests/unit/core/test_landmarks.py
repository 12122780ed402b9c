"""Landmark names, pairs and skeleton edges agree with MediaPipe's own definitions."""

import pytest

from formlab.core.landmarks import (
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    LEFT_RIGHT_PAIRS,
    MIRROR_INDEX,
    N_LANDMARKS,
    SKELETON_EDGES,
    edge_side,
    landmark_index,
    side_of,
)


def test_names_match_mediapipe_enum():
    from mediapipe.tasks.python.vision import PoseLandmark

    assert N_LANDMARKS == 33
    assert [m.name.lower() for m in PoseLandmark] == list(LANDMARK_NAMES)
    assert LANDMARK_NAMES[11] == "left_shoulder" and LANDMARK_INDEX["right_shoulder"] == 12


def test_edges_match_mediapipe_connections():
    from mediapipe.tasks.python.vision import PoseLandmarksConnections

    theirs = {frozenset((c.start, c.end)) for c in PoseLandmarksConnections.POSE_LANDMARKS}
    assert {frozenset(e) for e in SKELETON_EDGES} == theirs


def test_pairs_and_mirror_are_consistent():
    assert len(LEFT_RIGHT_PAIRS) == 16
    for left, right in LEFT_RIGHT_PAIRS:
        assert side_of(left) == "left" and side_of(right) == "right"
        assert MIRROR_INDEX[left] == right and MIRROR_INDEX[right] == left
        assert LANDMARK_NAMES[left].replace("left", "") == LANDMARK_NAMES[right].replace(
            "right", ""
        )
    assert MIRROR_INDEX[0] == 0  # nose
    assert (
        edge_side((11, 13)) == "left"
        and edge_side((12, 14)) == "right"
        and edge_side((11, 12)) == "centre"
    )


def test_landmark_index_errors_list_names():
    assert landmark_index("left_knee") == 25 and landmark_index(25) == 25
    with pytest.raises(KeyError, match="left_knee"):
        landmark_index("left_kneee")
    with pytest.raises(KeyError, match="out of range"):
        landmark_index(33)
