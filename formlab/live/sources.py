"""Where live frames come from: a camera (OpenCV) or a video file (PyAV) played as one.

:func:`open_source` turns the ``SOURCE`` of ``formlab live`` into a
:class:`FrameSource`: an iterator of ``(rgb, t_s)`` frames, RGB ``uint8`` and
C-contiguous, stamped in seconds from the first frame. A camera's frames are
stamped when they are read (they arrive in real time whatever the caller
does); a file's carry their presentation times (the player decides whether
to wait for them, :mod:`formlab.live.player`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import InputError
from ..io.media import iter_video_frames, probe_video
from ..io.samples import resolve_source
from ..pose.native import quiet_native_stderr

__all__ = ["FrameSource", "open_source"]

_CAMERA = re.compile(r"^(\d+|/dev/video\d+)$")


@dataclass
class FrameSource:
    """Frames of a camera or a file; iterate for ``(rgb, t_s)``.

    Attributes
    ----------
    name : str
        The source as given (for messages and the log).
    live : bool
        True for a camera (frames arrive at their own pace), False for a file.
    """

    name: str
    live: bool
    _frames: Iterator[tuple[np.ndarray, float]]

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        return self._frames


def open_source(text: str) -> FrameSource:
    """A camera index (``0``), a device (``/dev/video0``), a video file or ``sample:NAME``.

    Raises
    ------
    InputError
        One line naming the source: no such file, not a video, or a camera that cannot be opened.
    """
    text = str(text)
    if _CAMERA.match(text) and not Path(text).is_file():
        return FrameSource(text, True, _camera_frames(text))
    path = resolve_source(text)
    if not path.exists():
        raise InputError(f"{text}: no such file (nor a camera index or /dev/videoN)")
    probe_video(path)  # an unreadable or non-video file fails here, naming it
    return FrameSource(text, False, _file_frames(path))


def _file_frames(path: Path) -> Iterator[tuple[np.ndarray, float]]:
    for fr in iter_video_frames(path):
        yield fr.rgb, fr.time_s


def _camera_frames(text: str) -> Iterator[tuple[np.ndarray, float]]:
    import cv2

    device: int | str = int(text) if text.isdigit() else text
    with quiet_native_stderr():  # OpenCV and FFmpeg explain a missing camera at length on stderr
        cap = cv2.VideoCapture(device)
        opened = cap.isOpened()
    if not opened:
        cap.release()
        raise InputError(f"{text}: the camera cannot be opened (is it connected and free?)")

    def frames() -> Iterator[tuple[np.ndarray, float]]:
        t0 = None
        try:
            while True:
                ok, bgr = cap.read()
                if not ok:
                    return
                now = time.monotonic()
                t0 = now if t0 is None else t0
                yield np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)), now - t0
        finally:
            cap.release()

    return frames()
