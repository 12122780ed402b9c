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


def handheld_motion(n: int, fps: float, amplitude_px: float, seed: int = 0) -> np.ndarray:
    """A phone's sway: per frame (n, 2, 3) the similarity taking the scene to the picture.

    Smooth shifts of about ``amplitude_px`` (two slow sine waves and a low-passed random walk per
    axis), a rotation within about 1.5 degrees and a zoom of 1.1 +- 0.03, so the warped frame stays
    inside the original (no black borders).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    walk = np.cumsum(rng.normal(0, 1, (n, 2)), axis=0)
    k = max(1, int(fps))
    walk = np.array([np.convolve(w, np.ones(k) / k, mode="same") for w in walk.T]).T
    walk /= max(1e-9, float(np.abs(walk).max()))
    shift = amplitude_px * (
        0.5 * np.column_stack([np.sin(2 * np.pi * 0.3 * t), np.sin(2 * np.pi * 0.23 * t + 1)])
        + 0.5 * walk
    )
    angle = np.deg2rad(1.5) * np.sin(2 * np.pi * 0.17 * t)
    zoom = 1.1 + 0.03 * np.sin(2 * np.pi * 0.11 * t)
    c, s = zoom * np.cos(angle), zoom * np.sin(angle)
    out = np.zeros((n, 2, 3))
    out[:, 0, 0], out[:, 0, 1], out[:, 1, 0], out[:, 1, 1] = c, -s, s, c
    out[:, :, 2] = shift
    return out


def film_handheld(frames: list[np.ndarray], motion: np.ndarray) -> list[np.ndarray]:
    """The frames as a swaying phone would show them: ``motion[i]`` (about the frame's centre) applied."""
    import cv2

    h, w = frames[0].shape[:2]
    centre = np.array([w / 2, h / 2])
    out = []
    for rgb, m in zip(frames, motion, strict=True):
        a = m.copy()
        a[:, 2] = centre + m[:, 2] - m[:, :2] @ centre
        out.append(
            cv2.warpAffine(rgb, a, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        )
    return out


def about_centre(motion: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """``motion`` as applied by :func:`film_handheld`: (n, 2, 3) affines in pixel coordinates."""
    w, h = size_px
    centre = np.array([w / 2, h / 2])
    out = motion.copy()
    out[:, :, 2] = centre + motion[:, :, 2] - np.einsum("nij,j->ni", motion[:, :, :2], centre)
    return out
