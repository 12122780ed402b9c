"""The background probe behind camera='auto' (formlab.barbell.camera_probe)."""

from __future__ import annotations

import numpy as np
import pytest
from support.synthetic import write_clip

from formlab.barbell.camera_motion import camera_seems_to_move
from formlab.barbell.camera_probe import background_seems_to_move
from formlab.core.track import PoseTrack, TrackMeta

W, H, N, FPS = 320, 240, 40, 20.0
LIFTER = (slice(60, 200), slice(130, 190))  # rows, columns of the lifter in every picture


def _texture(seed: int, h: int, w: int) -> np.ndarray:
    import cv2

    rng = np.random.default_rng(seed)
    a = cv2.GaussianBlur(rng.uniform(0, 255, (h, w)).astype(np.float32), (0, 0), 2.0)
    a = (a - a.min()) / (a.max() - a.min()) * 255
    return np.repeat(a.astype(np.uint8)[..., None], 3, axis=2)


def _lifter_track() -> PoseTrack:
    """A lifter the camera keeps framed: shoulders, hips and planted feet at the same pixels."""
    xy = np.full((N, 33, 2), np.nan)
    xy[:, [11, 12], :] = [[140, 70], [180, 70]]
    xy[:, [23, 24], :] = [[140, 130], [180, 130]]
    xy[:, [27, 28, 29, 30, 31, 32], :] = [160, 195]
    return PoseTrack(
        xy_px=xy,
        z=np.zeros((N, 33)),
        visibility=np.ones((N, 33)),
        presence=np.ones((N, 33)),
        world_m=np.zeros((N, 33, 3)),
        time_s=np.arange(N) / FPS,
        frame=np.arange(N),
        meta=TrackMeta(source="synthetic", width_px=W, height_px=H),
    )


def _film(pan_px: float, seed: int = 0, plain_wall: bool = False) -> list[np.ndarray]:
    """A wall panned across by ``pan_px`` over the clip, the lifter fixed in the picture."""
    wall = _texture(seed, H, W + 64)
    if plain_wall:
        wall[:] = 128
    lifter = _texture(seed + 1, H, W)[LIFTER]
    frames = []
    for i in range(N):
        x = round(pan_px * i / (N - 1))
        f = wall[:, x : x + W].copy()
        f[LIFTER] = np.roll(lifter, 3 * i, axis=0)  # the lifter itself moves
        frames.append(f)
    return frames


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    return {
        name: write_clip(folder / f"{name}.mp4", _film(pan, plain_wall=plain), fps=FPS)
        for name, pan, plain in (("pan", 30, False), ("tripod", 0, False), ("plain", 30, True))
    }


def test_a_slow_pan_that_keeps_the_feet_still_is_seen_on_the_background(clips):
    track = _lifter_track()
    assert not camera_seems_to_move(track)[0]  # the feet cannot tell
    moves, why = background_seems_to_move(clips["pan"], track)
    assert moves, why
    shift = float(why.split("moved ")[1].split(" px")[0])
    frame = int(why.split(" and ")[1].split(" ")[0])
    assert abs(shift - 30 * frame / (N - 1)) <= 1.5  # the pan applied by that frame


def test_a_tripod_clip_stays_static(clips):
    moves, why = background_seems_to_move(clips["tripod"], _lifter_track())
    assert not moves, why
    assert "at most" in why


def test_a_plain_wall_cannot_vouch_for_a_pan(clips):
    moves, why = background_seems_to_move(clips["plain"], _lifter_track())
    assert not moves, why
