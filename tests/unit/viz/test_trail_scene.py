"""The bar's trail with a moving camera: drawn where the bar went in the room, in today's picture."""

from __future__ import annotations

import numpy as np
import pytest
from support.constructed_posture import STANDING, make_track

from formlab import InputError
from formlab.viz.frame_overlays import Overlays, annotate_frame, trail_in_frame
from formlab.viz.overlay import TRAIL_RGB

N = 40
FPS = 30.0


def similarity(shift_px, angle_rad, zoom):
    """A 2x3 image-to-scene similarity."""
    c, s = zoom * np.cos(angle_rad), zoom * np.sin(angle_rad)
    return np.array([[c, -s, shift_px[0]], [s, c, shift_px[1]]])


def apply(a, xy):
    return xy @ a[:, :2].T + a[:, 2]


def moving_camera(seed=0):
    """A swaying, zooming camera (image -> scene per frame) and a bar moving in the room.

    Returns the transforms, the bar in the scene and the bar as each frame's picture shows it.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(N) / FPS
    shifts = np.column_stack([60 * np.sin(2 * t), 40 * np.cos(3 * t) - 40]) + rng.normal(
        0, 3, (N, 2)
    )
    transforms = np.stack(
        [similarity(shifts[k], 0.05 * np.sin(4 * t[k]), 1 + 0.05 * np.sin(t[k])) for k in range(N)]
    )
    transforms[0] = similarity((0, 0), 0.0, 1.0)
    bar_scene = np.column_stack([300 + 10 * np.sin(5 * t), 250 + 120 * np.cos(2 * t)])
    bar_image = np.array(
        [
            apply(np.linalg.inv(np.vstack([a, [0, 0, 1]]))[:2], p)
            for a, p in zip(transforms, bar_scene)
        ]
    )
    return transforms, bar_scene, bar_image


def test_trail_lands_on_the_bars_past_positions_in_the_current_picture():
    transforms, bar_scene, bar_image = moving_camera()
    row = N - 1
    rows = np.arange(N - 20, N)
    got = trail_in_frame(bar_image, transforms, rows, row)
    to_image = np.linalg.inv(np.vstack([transforms[row], [0, 0, 1]]))[:2]
    truth = apply(to_image, bar_scene[rows])
    np.testing.assert_allclose(got, truth, atol=1e-6)
    # each frame's own pixels are not the path in the room: the camera's sway is in them
    assert np.abs(bar_image[rows] - truth).max() > 20
    # the newest point is where the bar is seen now
    np.testing.assert_allclose(got[-1], bar_image[row], atol=1e-6)


def test_static_camera_keeps_each_frames_pixels():
    _, _, bar_image = moving_camera()
    rows = np.arange(5, 15)
    np.testing.assert_array_equal(trail_in_frame(bar_image, None, rows, 14), bar_image[rows])


def test_overlays_draw_the_scene_trail_on_the_picture():
    transforms, bar_scene, bar_image = moving_camera(seed=1)
    track = make_track([STANDING] * N, fps=FPS)
    row = N - 1
    ov = Overlays(track, None, None, bar_image, 1.0, 1.5, 0.5, transforms)(int(track.frame[row]), 0)
    to_image = np.linalg.inv(np.vstack([transforms[row], [0, 0, 1]]))[:2]
    past = track.time_s >= track.time_s[row] - 1.0
    np.testing.assert_allclose(ov.trail_xy_px, apply(to_image, bar_scene[past]), atol=1e-6)

    # and in pixels: the trail's colour is on the true past positions, not on the swayed ones
    rgb = annotate_frame(
        np.zeros((600, 700, 3), np.uint8),
        track,
        frame=int(track.frame[row]),
        bar_xy_px=bar_image,
        trail_s=1.0,
        image_to_scene=transforms,
    )

    def trail_colour_at(xy):
        x, y = np.round(xy).astype(int)
        patch = rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).astype(int)
        return np.abs(patch - np.array(TRAIL_RGB)).sum(axis=1).min() < 200

    mid = int(np.flatnonzero(past)[len(np.flatnonzero(past)) // 2])
    assert trail_colour_at(apply(to_image, bar_scene[mid]))
    assert not trail_colour_at(bar_image[mid])


def test_transforms_of_the_wrong_shape_are_refused():
    transforms, _, bar_image = moving_camera()
    track = make_track([STANDING] * N, fps=FPS)
    with pytest.raises(InputError, match="image_to_scene must have shape"):
        Overlays(track, None, None, bar_image, 1.0, 1.5, 0.5, transforms[:-1])


def test_the_annotated_video_draws_the_trail_in_the_room(tmp_path):
    """End to end: a written video's last frame shows the trail on the bar's true past positions."""
    import av
    from support.synthetic import write_clip

    from formlab.viz.video import write_annotated_video

    transforms, bar_scene, bar_image = moving_camera(seed=2)
    track = make_track([STANDING] * N, fps=FPS)
    w, h = track.meta.width_px, track.meta.height_px
    clip = write_clip(tmp_path / "in.mp4", [np.zeros((h, w, 3), np.uint8)] * N, fps=FPS)
    out = write_annotated_video(
        clip,
        track,
        None,
        tmp_path / "out.mp4",
        bar_xy_px=bar_image,
        trail_s=1.0,
        image_to_scene=transforms,
        max_short_side_px=None,
        progress=False,
    )
    with av.open(str(out)) as c:
        last = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)][-1]
    to_image = np.linalg.inv(np.vstack([transforms[-1], [0, 0, 1]]))[:2]
    past = np.flatnonzero(track.time_s >= track.time_s[-1] - 1.0)
    mid = int(past[len(past) // 2])

    def near_trail(xy):
        x, y = np.round(xy).astype(int)
        patch = last[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3).astype(int)
        return np.abs(patch - np.array(TRAIL_RGB)).sum(axis=1).min() < 150

    assert near_trail(apply(to_image, bar_scene[mid]))
    assert not near_trail(bar_image[mid])


@pytest.mark.parametrize("scale", [0.25, 0.5, 2.0])
def test_a_scaled_display_draws_the_scaled_trail(scale):
    """The tuner shows frames scaled down: its trail must be the full-size trail, scaled."""
    from formlab.viz.frame_overlays import scaled_scene_transforms

    transforms, _, bar_image = moving_camera(seed=3)
    rows, row = np.arange(10, 30), 29
    full = trail_in_frame(bar_image, transforms, rows, row)
    small = trail_in_frame(bar_image * scale, scaled_scene_transforms(transforms, scale), rows, row)
    np.testing.assert_allclose(small, full * scale, atol=1e-6)
    # the full-size shifts with scaled points would put the trail elsewhere
    assert np.abs(trail_in_frame(bar_image * scale, transforms, rows, row) - full * scale).max() > 5
    assert scaled_scene_transforms(None, scale) is None
