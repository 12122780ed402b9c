"""Drawing the pose and the feedback on a picture."""

from __future__ import annotations

import numpy as np
from constructed_posture import STANDING, make_track

from formlab.checks import FAIL, NOT_ASSESSABLE, PASS
from formlab.drawing import LEFT_COLOR, RIGHT_COLOR, STATUS_COLORS, TRAIL_COLOR, FrameOverlay, draw_overlay
from formlab.landmarks import LANDMARK_INDEX


def colour_near(img: np.ndarray, xy, color, r: int = 2) -> bool:
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = img[y - r:y + r + 1, x - r:x + r + 1].reshape(-1, 3).astype(int)
    return bool(np.any(np.abs(patch - np.array(color)).sum(axis=1) < 30))


def test_left_and_right_in_their_colours_and_input_untouched():
    track = make_track(STANDING, 0.0)
    rgb = np.zeros((1000, 1000, 3), np.uint8)
    out = draw_overlay(rgb, FrameOverlay(xy_px=track.xy_px[0], visibility=track.visibility[0]))
    assert not rgb.any() and out.shape == rgb.shape and out.dtype == np.uint8
    i = LANDMARK_INDEX
    left_thigh = (track.xy_px[0, i["left_hip"]] + track.xy_px[0, i["left_knee"]]) / 2
    right_thigh = (track.xy_px[0, i["right_hip"]] + track.xy_px[0, i["right_knee"]]) / 2
    assert colour_near(out, left_thigh, LEFT_COLOR) and not colour_near(out, left_thigh, RIGHT_COLOR)
    assert colour_near(out, right_thigh, RIGHT_COLOR) and not colour_near(out, right_thigh, LEFT_COLOR)
    # the lifter's left appears on the right of the picture when facing the camera
    assert left_thigh[0] > right_thigh[0]


def test_status_panel_counter_and_trail():
    rgb = np.full((540, 960, 3), 255, np.uint8)
    trail = np.array([[700.0, 400.0], [720.0, 380.0], [740.0, 360.0]])
    statuses = {"elbows_up": FAIL, "depth": PASS, "knees_out": NOT_ASSESSABLE}
    out = draw_overlay(rgb, FrameOverlay(statuses=statuses, view="front", rep_count=3, trail_xy_px=trail))
    panel = out[:200, :400]
    for status in (FAIL, PASS, NOT_ASSESSABLE):
        assert np.any(np.abs(panel.astype(int) - STATUS_COLORS[status]).sum(axis=2) < 30), status
    assert out[5:60, -150:].mean() < 200  # dark badge with the rep counter, top right
    assert colour_near(out, trail[-1], TRAIL_COLOR, r=3)
    nothing_failed = draw_overlay(rgb, FrameOverlay(statuses={"depth": PASS}))
    red = np.abs(nothing_failed.astype(int) - STATUS_COLORS[FAIL]).sum(axis=2) < 30
    assert not red.any()  # no failure message when nothing fails


def test_nan_landmarks_are_skipped():
    xy = np.full((33, 2), np.nan)
    out = draw_overlay(np.zeros((100, 100, 3), np.uint8), FrameOverlay(xy_px=xy))
    assert not out.any()
