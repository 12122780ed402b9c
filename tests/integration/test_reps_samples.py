"""Rep counts on every sample video with a hand count: the named exercise and ``auto``."""

import numpy as np
import pytest
from support.exact_lifts import exact_lift

from formlab.io.samples import sample_info, sample_names
from formlab.pipeline import analyze

VIDEOS = [
    n for n in sample_names("video") if sample_info(n).get("reps") and sample_info(n).get("sha256")
]

# Hand-marked turning points are "+-3 frames by eye" (registry README); the curl's are later than the bar's
# highest point by 6-9 frames on reps 3-5 (see tests/benchmarks/eval_reps.py and the issue notes), so this
# test allows 0.35 s; the evaluation script reports the 0.25 s goal.
TIMING_TOLERANCE_S = 0.35


@pytest.mark.media
@pytest.mark.parametrize("name", VIDEOS)
def test_exact_count_and_turning_points(name, sample_path):
    info = sample_info(name)
    result = analyze(sample_path(name), info["exercise"])
    assert result.detection.count == info["reps"], result.detection.rejected
    times = dict(zip(result.track.frame.tolist(), result.track.time_s.tolist()))
    true_s = np.array([times[f] for f in info["rep_frames"]])
    got_s = np.array([r.turn_s for r in result.detection.reps])
    assert np.max(np.abs(got_s - true_s)) <= TIMING_TOLERANCE_S, got_s - true_s


@pytest.mark.media
@pytest.mark.parametrize("name", VIDEOS)
def test_exact_count_with_auto(name, sample_path):
    info = sample_info(name)
    result = analyze(sample_path(name), "auto")
    assert result.detection.count == info["reps"], result.detection.auto
    assert result.exercise == exact_lift(name), result.detection.auto["reason"]  # the exact lift
