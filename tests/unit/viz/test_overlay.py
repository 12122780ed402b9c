"""Drawing the pose and the feedback on a picture."""

from __future__ import annotations

import numpy as np
from support.constructed_posture import STANDING, make_track

from formlab.core.landmarks import LANDMARK_INDEX
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS
from formlab.viz.overlay import FrameOverlay, draw_overlay, text_size_px
from formlab.viz.style import SIDE_RGB, STATUS_RGB, TRAIL_RGB


def colour_near(img: np.ndarray, xy, color, r: int = 2) -> bool:
    x, y = round(xy[0]), round(xy[1])
    patch = img[y - r : y + r + 1, x - r : x + r + 1].reshape(-1, 3).astype(int)
    return bool(np.any(np.abs(patch - np.array(color)).sum(axis=1) < 30))


def test_left_and_right_in_their_colours_and_input_untouched():
    track = make_track(STANDING, 0.0)
    rgb = np.zeros((1000, 1000, 3), np.uint8)
    out = draw_overlay(rgb, FrameOverlay(xy_px=track.xy_px[0], visibility=track.visibility[0]))
    assert not rgb.any() and out.shape == rgb.shape and out.dtype == np.uint8
    i = LANDMARK_INDEX
    left_thigh = (track.xy_px[0, i["left_hip"]] + track.xy_px[0, i["left_knee"]]) / 2
    right_thigh = (track.xy_px[0, i["right_hip"]] + track.xy_px[0, i["right_knee"]]) / 2
    assert colour_near(out, left_thigh, SIDE_RGB["left"]) and not colour_near(
        out, left_thigh, SIDE_RGB["right"]
    )
    assert colour_near(out, right_thigh, SIDE_RGB["right"]) and not colour_near(
        out, right_thigh, SIDE_RGB["left"]
    )
    # the lifter's left appears on the right of the picture when facing the camera
    assert left_thigh[0] > right_thigh[0]


def test_status_panel_counter_and_trail():
    rgb = np.full((540, 960, 3), 255, np.uint8)
    trail = np.array([[700.0, 400.0], [720.0, 380.0], [740.0, 360.0]])
    statuses = {"elbows_up": FAIL, "depth": PASS, "knees_out": NOT_ASSESSABLE}
    out = draw_overlay(
        rgb, FrameOverlay(statuses=statuses, view="front", rep_count=3, trail_xy_px=trail)
    )
    panel = out[:200, :400]
    for status in (FAIL, PASS, NOT_ASSESSABLE):
        assert np.any(np.abs(panel.astype(int) - STATUS_RGB[status]).sum(axis=2) < 30), status
    assert out[5:60, -150:].mean() < 200  # dark badge with the rep counter, top right
    assert colour_near(out, trail[-1], TRAIL_RGB, r=3)
    nothing_failed = draw_overlay(rgb, FrameOverlay(statuses={"depth": PASS}))
    red = np.abs(nothing_failed.astype(int) - STATUS_RGB[FAIL]).sum(axis=2) < 30
    assert not red.any()  # no failure message when nothing fails


def test_nan_landmarks_are_skipped():
    xy = np.full((33, 2), np.nan)
    out = draw_overlay(np.zeros((100, 100, 3), np.uint8), FrameOverlay(xy_px=xy))
    assert not out.any()


def blank_runs_px(band: np.ndarray) -> list[int]:
    """Widths of the ink-free column runs between the first and last inked column of a text band."""
    ink = (band.astype(int).max(axis=2) > 150).any(axis=0)
    cols = np.flatnonzero(ink)
    runs, n = [], 0
    for c in ink[cols[0] : cols[-1] + 1]:
        if c:
            runs, n = [*runs, n] if n else runs, 0
        else:
            n += 1
    return runs


def footer_band(text: str, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    out = draw_overlay(np.zeros((h, w, 3), np.uint8), FrameOverlay(footer=text))
    return out[int(h * 0.8) :, : w // 2]


def test_footer_letters_and_word_spaces_readable_on_small_and_full_hd_video():
    """Word gaps are wider than any gap between letters; at 640x360 they used to be the same 2 px."""
    for size in ((640, 360), (360, 640), (1920, 1080)):
        spaced, joined = (
            blank_runs_px(footer_band("Squat deeper", size)),
            blank_runs_px(footer_band("Squatdeeper", size)),
        )
        word_gap, letter_gap = max(spaced), max(joined)
        assert word_gap >= letter_gap + 2 and word_gap >= 4, (size, spaced, joined)
    assert text_size_px((640, 360), 15) >= 13 and text_size_px((1920, 1080), 15) == 30


def test_panels_laid_over_a_frame_look_as_if_pillow_drew_them_on_it():
    """The panels are drawn once per content and laid over each frame; the pixels are Pillow's."""
    from PIL import Image

    from formlab.viz.overlay import draw_footer, draw_rep_counter, draw_status_panel

    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
    statuses = {"depth": FAIL, "knees_out": PASS, "heels": NOT_ASSESSABLE}
    fast = draw_overlay(
        rgb, FrameOverlay(statuses=statuses, view="side", rep_count=2, footer="rep 1: good")
    )
    image = Image.fromarray(rgb)
    image = draw_status_panel(image, statuses, "side")
    image = draw_rep_counter(image, 2)
    slow = np.asarray(draw_footer(image, "rep 1: good"), dtype=int)
    diff = np.abs(fast.astype(int) - slow)
    assert diff.max() <= 2, diff.max()  # rounding only
    assert (fast != rgb).any(axis=2).mean() > 0.05  # and there is something drawn


def test_a_long_footer_is_wrapped_inside_a_portrait_frame():
    """A worst frame's caption ran past the right edge of a 720x1280 frame (issue 14)."""
    from PIL import Image

    from formlab.viz.overlay import draw_footer, footer_lines

    caption = "worst single frame of elbows_up: rep 2, frame 514, -81 deg: Raise your elbows"
    width, height = 720, 1280
    lines = footer_lines((width, height), caption)
    assert len(lines) >= 2 and " ".join(lines) == caption
    out = np.asarray(draw_footer(Image.new("RGB", (width, height)), caption), dtype=int)
    pad = int(8 * max(0.6, min(width, height) / 540.0))
    assert not out[:, width - pad :].any()  # nothing drawn right of the band: no letter cut off
    assert out[height - 3 * pad :, : width - pad].any()
    assert footer_lines((width, height), "rep 1: good") == ["rep 1: good"]  # as before


def test_a_grey_or_rgba_picture_is_drawn_on_in_colour():
    track = make_track(STANDING, 0.0)
    grey = np.zeros((1000, 1000), np.uint8)
    rgba = np.zeros((1000, 1000, 4), np.uint8)
    for picture in (grey, rgba):
        out = draw_overlay(picture, FrameOverlay(xy_px=track.xy_px[0]))
        assert out.shape == (1000, 1000, 3) and out.any()
