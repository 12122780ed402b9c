"""Checking that a pose model works before it is trusted: it loads and reproduces MediaPipe's landmarks.

A downloaded model could be truncated, replaced on the server, or altered on
the way; Google publishes no checksums for its ``.task`` files, so a hash
alone cannot say the file is the right one. Instead a downloaded bundle is
*run*: it must load in MediaPipe and, on MediaPipe's own static-image
conformance photo (sample ``tfjs-models__pose``, itself checked against its
SHA-256), put all 33 landmarks within MediaPipe's test tolerance of the
expected positions. Only then does it enter the cache
(:func:`formlab.io.models.resolve_model`), and its SHA-256 is recorded
next to it and in every track made with it.

The expected positions are MediaPipe's (Apache-2.0):
``mediapipe/python/solutions/pose_test.py`` at commit 7c331ad, the values
mirrored in tensorflow/tfjs-models
``pose-detection/src/blazepose_mediapipe/detector_test.ts``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..core.errors import ModelError

CONFORMANCE_SAMPLE = "tfjs-models__pose"
"""The sample photo of MediaPipe's static-image pose test (1000 x 667 px)."""

CONFORMANCE_TOLERANCE_PX = 11.0
"""Largest distance (px) of any landmark from its expected position: MediaPipe's own test tolerance."""

CONFORMANCE_EXPECTED_PX = np.array(
    [
        (463, 284),
        (470, 275),
        (473, 274),
        (476, 273),
        (464, 275),
        (464, 275),
        (463, 275),
        (494, 275),
        (473, 276),
        (470, 293),
        (464, 293),
        (544, 322),
        (450, 325),
        (626, 321),
        (371, 316),
        (697, 314),
        (300, 305),
        (717, 313),
        (279, 305),
        (719, 311),
        (279, 302),
        (711, 313),
        (285, 304),
        (521, 471),
        (465, 466),
        (608, 548),
        (357, 492),
        (701, 614),
        (350, 608),
        (707, 624),
        (362, 628),
        (732, 632),
        (306, 630),
    ],
    dtype=float,
)
"""Expected image positions (x, y in px) of the 33 landmarks on the conformance photo."""


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (MediaPipe's run to dozens of lines)."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def load_landmarker(path: str | os.PathLike, **options):
    """A MediaPipe ``PoseLandmarker`` (IMAGE mode unless ``running_mode`` is given) from ``path``.

    Raises
    ------
    ModelError
        One line naming the file when MediaPipe cannot load it (a zip with the
        right member names but broken contents, for example), instead of
        MediaPipe's many-line native error.
    """
    from mediapipe.tasks.python import BaseOptions, vision

    options.setdefault("running_mode", vision.RunningMode.IMAGE)
    try:
        return vision.PoseLandmarker.create_from_options(
            vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(path)), **options
            )
        )
    except (RuntimeError, ValueError, OSError) as e:
        raise ModelError(
            f"{path}: not a usable PoseLandmarker model; MediaPipe cannot load it ({first_line(e)})"
        ) from None


def conformance_error_px(path: str | os.PathLike) -> float:
    """Largest landmark error (px) of the model at ``path`` on MediaPipe's conformance photo.

    Raises
    ------
    ModelError
        If the model does not load or finds no pose on the photo.
    """
    import mediapipe as mp

    from .media import read_image
    from .samples import fetch

    rgb, _ = read_image(fetch(CONFORMANCE_SAMPLE))
    height, width = rgb.shape[:2]
    with load_landmarker(path, num_poses=1) as landmarker:
        try:
            result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"{path}: the model fails to run ({first_line(e)})") from None
    if not result.pose_landmarks:
        raise ModelError(f"{path}: the model finds no person on MediaPipe's conformance photo")
    found = np.array([(lm.x * width, lm.y * height) for lm in result.pose_landmarks[0]])
    return float(np.linalg.norm(found - CONFORMANCE_EXPECTED_PX, axis=1).max())


def verify_model(path: str | os.PathLike) -> float:
    """Raise :class:`ModelError` unless the model at ``path`` passes MediaPipe's conformance photo.

    Returns the largest landmark error in px (at most :data:`CONFORMANCE_TOLERANCE_PX`).
    """
    err = conformance_error_px(path)
    if err > CONFORMANCE_TOLERANCE_PX:
        raise ModelError(
            f"{Path(path)}: the model misplaces landmarks on MediaPipe's conformance photo by up to "
            f"{err:.1f} px (allowed {CONFORMANCE_TOLERANCE_PX:g} px); it is not the pose model it claims to be"
        )
    return err
