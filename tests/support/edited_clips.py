"""Edited clips built from sample clips inside the tests: camera shots cut together, a bystander added.

Everything is written to the test's own folder; no media is committed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from formlab.io.media import iter_video_frames, probe_video, read_image

from .synthetic import write_clip


def frames_of(path: Path) -> list[np.ndarray]:
    """Every decoded RGB frame of a video."""
    return [f.rgb for f in iter_video_frames(path)]


def other_shot(
    rgb: np.ndarray, zoom: float, centre_frac: tuple[float, float], mirror: bool = False
) -> np.ndarray:
    """The frame as a second camera would show it: zoomed in on ``centre_frac`` (x, y as fractions
    of the frame, after mirroring it left to right if ``mirror``)."""
    if mirror:
        rgb = rgb[:, ::-1]
    h, w = rgb.shape[:2]
    cw, ch = w / zoom, h / zoom
    cx = min(max(centre_frac[0] * w, cw / 2), w - cw / 2)
    cy = min(max(centre_frac[1] * h, ch / 2), h - ch / 2)
    box = (round(cx - cw / 2), round(cy - ch / 2), round(cx + cw / 2), round(cy + ch / 2))
    out = Image.fromarray(np.ascontiguousarray(rgb)).crop(box).resize((w, h), Image.BILINEAR)
    return np.asarray(out)


def in_other_shot(
    xy_px: np.ndarray,
    size: tuple[int, int],
    zoom: float,
    centre_frac: tuple[float, float],
    mirror: bool = False,
) -> np.ndarray:
    """Where image points of the original frame appear in :func:`other_shot`'s framing (px)."""
    w, h = size
    x = w - xy_px[..., 0] if mirror else xy_px[..., 0]
    cw, ch = w / zoom, h / zoom
    cx = min(max(centre_frac[0] * w, cw / 2), w - cw / 2)
    cy = min(max(centre_frac[1] * h, ch / 2), h - ch / 2)
    left, top = round(cx - cw / 2), round(cy - ch / 2)
    return np.stack([(x - left) * zoom, (xy_px[..., 1] - top) * zoom], axis=-1)


def cut_together(shots: list[list[np.ndarray]], path: Path, fps: float) -> Path:
    """Write shots one after another (hard cuts, no transition) as one clip."""
    return write_clip(path, [f for shot in shots for f in shot], fps=fps)


def person_cutout(photo: Path, height_px: int) -> tuple[np.ndarray, np.ndarray]:
    """The person of a photo (its central box) scaled to ``height_px``, and an opaque mask."""
    rgb, _ = read_image(photo)
    h, w = rgb.shape[:2]
    box = rgb[int(0.3 * h) : int(0.98 * h), int(0.22 * w) : int(0.78 * w)]
    scale = height_px / box.shape[0]
    size = (max(1, round(box.shape[1] * scale)), height_px)
    cut = np.asarray(Image.fromarray(box).resize(size, Image.BILINEAR))
    return cut, np.ones(cut.shape[:2], bool)


def with_bystander(
    frames: list[np.ndarray], cutout: np.ndarray, top_left_frac: tuple[float, float]
) -> list[np.ndarray]:
    """Frames with a second person pasted in (the same place in every frame: someone standing by)."""
    out = []
    for rgb in frames:
        h, w = rgb.shape[:2]
        x0, y0 = round(top_left_frac[0] * w), round(top_left_frac[1] * h)
        ch, cw = min(cutout.shape[0], h - y0), min(cutout.shape[1], w - x0)
        f = rgb.copy()
        f[y0 : y0 + ch, x0 : x0 + cw] = cutout[:ch, :cw]
        out.append(f)
    return out


def clip_fps(path: Path) -> float:
    """Nominal frame rate of a clip."""
    return probe_video(path).fps
