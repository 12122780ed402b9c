"""Pose on frames as they arrive (a camera, a live preview): :class:`PoseStream`.

:class:`~formlab.pose.extract.PoseExtractor` reads a whole video; a live coach
has one frame at a time, stamped when it arrived. This runs the same
landmarker (built by the extractor, so the model is found and checked the
same way) in VIDEO mode on those arrival times: MediaPipe then tracks the
person from frame to frame instead of searching the whole picture each time,
which is both faster and steadier.
"""

from __future__ import annotations

import numpy as np

from ..core.landmarks import N_LANDMARKS
from .extract import PoseExtractor, _check_rgb, _result_arrays
from .native import quiet_native_stderr
from .options import ExtractOptions

__all__ = ["PoseStream", "StreamPose"]

StreamPose = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""One frame's pose: ``(xy_px (33, 2), z (33,), visibility (33,), presence (33,), world_m (33, 3))``."""


class PoseStream:
    """MediaPipe's PoseLandmarker in VIDEO mode, fed one frame at a time.

    Parameters
    ----------
    options : ExtractOptions, optional
        Model and confidences (range, stride and the person-switch check are
        for whole videos and are not used here: one person is followed by
        MediaPipe's tracker).

    Examples
    --------
    >>> with PoseStream(ExtractOptions(model="lite")) as ps:  # doctest: +SKIP
    ...     pose = ps.detect(rgb, 0.033)
    """

    def __init__(self, options: ExtractOptions | None = None) -> None:
        self._extractor = PoseExtractor(options)
        self.model_file = self._extractor.model_file
        self._landmarker = self._extractor._landmarker("video", 1, fresh=True)
        self._last_ms = -1
        self._seen_person = (
            False  # LiteRT logs on the first inference with a person: quiet until then
        )

    def __enter__(self) -> PoseStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the native graph."""
        self._extractor.close()

    def detect(self, rgb: np.ndarray, time_s: float) -> StreamPose | None:
        """The pose in one RGB ``uint8`` frame stamped ``time_s`` seconds; None if nobody is seen.

        Timestamps are turned into strictly increasing milliseconds, as
        MediaPipe's VIDEO mode requires (two frames within a millisecond get
        consecutive stamps).
        """
        import mediapipe as mp

        frame = _check_rgb(rgb)  # C-contiguous: MediaPipe finds no pose in a strided array
        ms = max(round(float(time_s) * 1000.0), self._last_ms + 1)
        self._last_ms = ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame)
        if self._seen_person:
            result = self._landmarker.detect_for_video(image, ms)
        else:
            with quiet_native_stderr(keep_python=True):
                result = self._landmarker.detect_for_video(image, ms)
            self._seen_person = bool(result.pose_landmarks)
        xy, z, vis, pres, world = _result_arrays(result, frame.shape[1], frame.shape[0])
        if xy.shape[0] == 0:
            return None
        assert xy.shape[1] == N_LANDMARKS
        return xy[0], z[0], vis[0], pres[0], world[0]
