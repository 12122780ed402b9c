"""``formlab live --record``: the preview the lifter saw, written as an MP4 (atomically).

Each processed frame is drawn with formlab's frame overlay
(:func:`formlab.viz.overlay.draw_overlay`: skeleton, rep counter, the last
rep's verdicts and the last cue) and encoded at its own timestamp, so the
recording plays at the speed the coach saw it, dropped frames included as
gaps. The file appears under its name only when complete.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import OutputError
from ..core.files import atomic_path
from ..viz.overlay import FrameOverlay, draw_overlay
from .engine import LiveUpdate

__all__ = ["LiveRecorder"]

TIME_BASE = Fraction(1, 90000)
"""MPEG's 90 kHz clock: fine enough for any camera's timestamps."""


class LiveRecorder:
    """Writes annotated frames to ``path`` (``.mp4``); use as a context manager."""

    def __init__(self, path: str | Path, *, titles=None, cues=None) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() != ".mp4":
            raise OutputError(
                f"{self.path}: the recording is written as .mp4, got {self.path.suffix!r}"
            )
        self._titles, self._cues = titles, cues
        self._stack = contextlib.ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(self.path))  # checks the folder now
        self._container: Any = None  # av's OutputContainer, opened at the first frame (its size)
        self._stream: Any = None
        self._last_pts = -1
        self._footer = ""

    def __enter__(self) -> LiveRecorder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._flush(complete=exc_type is None)
        except BaseException as e:  # the temporary file is removed, nothing is left behind
            self._stack.__exit__(type(e), e, e.__traceback__)
            raise
        self._stack.__exit__(exc_type, exc, tb)

    def note(self, text: str) -> None:
        """Show ``text`` (the last cue) at the bottom of the following frames."""
        self._footer = text

    def write(self, rgb: np.ndarray, update: LiveUpdate) -> None:
        """Draw ``update`` on ``rgb`` and encode it at ``update.t_s``."""
        import av

        h, w = rgb.shape[:2]
        xy = update.landmarks_xy * np.array([w, h]) if update.landmarks_xy is not None else None
        overlay = FrameOverlay(
            xy_px=xy,
            visibility=update.visibility,
            statuses=update.verdicts or None,
            titles=self._titles,
            cues=self._cues,
            rep_count=update.rep_count,
            footer=self._footer,
        )
        drawn = draw_overlay(rgb, overlay)[: h - h % 2, : w - w % 2]
        if self._container is None:
            self._container = av.open(str(self._tmp), mode="w", format="mp4")
            self._stream = self._container.add_stream("libx264", rate=30)
            self._stream.width, self._stream.height = drawn.shape[1], drawn.shape[0]
            self._stream.pix_fmt = "yuv420p"
            self._stream.codec_context.time_base = TIME_BASE
            self._stream.options = {"preset": "ultrafast", "crf": "23"}
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(drawn), format="rgb24")
        pts = max(round(update.t_s / TIME_BASE), self._last_pts + 1)
        frame.pts, frame.time_base = pts, TIME_BASE
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def _flush(self, complete: bool) -> None:
        if self._container is None:
            if complete:
                raise OutputError(f"{self.path}: no frame was processed; nothing recorded")
            return
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            self._container.close()
