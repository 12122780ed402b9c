"""The same video gives the same plate track, run after run.

OpenCV's Hough transform on several threads returns circles that change from run to run (on
``deadliftAI-bichraix__good019`` the tracked centre moved by up to 19 px between two identical
runs): a bar path that changes when nothing changed cannot be trusted or cached. formlab runs
that one call on a single thread (:func:`formlab.barbell.plate_vision.find_circles`).
"""

from __future__ import annotations

import numpy as np
import pytest

import formlab
from formlab.barbell.plate import track_plate

CLIP = "deadliftAI-bichraix__good019"
"""A side-view pull whose rim gives the Hough transform many near-equal candidates."""


@pytest.mark.media
def test_two_runs_on_the_same_clip_give_the_same_track(sample_path, sample_track):
    clean = formlab.clean_track(sample_track(CLIP))
    first, second = (track_plate(sample_path(CLIP), clean) for _ in range(2))
    assert np.isfinite(first.centre_xy_px).any(), "the plate was not followed at all"
    np.testing.assert_array_equal(first.centre_xy_px, second.centre_xy_px)
    np.testing.assert_array_equal(first.radius_px, second.radius_px)
