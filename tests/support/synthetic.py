"""Small media files made inside the tests: clips with rotation tags, variable frame rates,
odd sizes, broken containers. Nothing here is committed media; everything is written to tmp_path."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def pattern_frame(h: int, w: int, i: int = 0) -> np.ndarray:
    """An RGB frame with a red square in the top-left corner and a frame-number-dependent gray level."""
    a = np.full((h, w, 3), (i * 10) % 200 + 20, np.uint8)
    a[: h // 4, : w // 4] = (255, 0, 0)
    return a


def write_clip(
    path: Path,
    frames: Sequence[np.ndarray],
    *,
    fps: float = 10.0,
    times_s: Sequence[float] | None = None,
    rotation_deg: int = 0,
    codec: str = "libx264",
    pix_fmt: str = "yuv420p",
) -> Path:
    """Encode RGB frames into a video file with PyAV.

    ``times_s`` gives each frame's presentation time (variable frame rate);
    ``rotation_deg`` (counter-clockwise) goes into the display matrix the way
    phones tag portrait clips.
    """
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        s.width, s.height, s.pix_fmt = w, h, pix_fmt
        if times_s is not None:
            s.codec_context.time_base = Fraction(1, 1000)
        if rotation_deg:
            s.set_display_rotation(rotation_deg)
        for i, a in enumerate(frames):
            fr = av.VideoFrame.from_ndarray(np.ascontiguousarray(a), format="rgb24")
            if times_s is not None:
                fr.pts = round(times_s[i] * 1000)
                fr.time_base = Fraction(1, 1000)
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def write_empty_video(path: Path) -> Path:
    """A valid container with a video stream and no frames at all."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        c.start_encoding()  # write the header although no frame follows
    assert path.is_file()
    return path


def decode_first_frames(path: Path, n: int) -> list[np.ndarray]:
    """The first ``n`` frames of a real video as RGB arrays (for building test clips from samples)."""
    out = []
    with av.open(str(path)) as c:
        for fr in c.decode(video=0):
            out.append(np.ascontiguousarray(fr.to_ndarray(format="rgb24")))
            if len(out) == n:
                break
    return out


def write_truncated_clip(path: Path, n_frames: int = 200, keep_fraction: float = 0.6) -> Path:
    """An MP4 whose index (moov, written first) declares ``n_frames`` frames, cut after
    ``keep_fraction`` of its bytes: what an interrupted copy or upload leaves behind."""
    full = path.with_name(path.stem + "-full.mp4")
    with av.open(str(full), "w", options={"movflags": "faststart"}) as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 128, 96, "yuv420p"
        for i in range(n_frames):
            for p in s.encode(
                av.VideoFrame.from_ndarray(pattern_frame(96, 128, i), format="rgb24")
            ):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path
