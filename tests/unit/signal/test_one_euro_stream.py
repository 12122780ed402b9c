"""The One-Euro filter one sample at a time is the array filter, sample for sample."""

from __future__ import annotations

import numpy as np
import pytest

from formlab.core.errors import InputError
from formlab.signal.one_euro import OneEuroStream, one_euro


def test_stream_equals_the_array_filter_with_gaps_and_a_varying_rate():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.02, 0.05, 200))
    x = np.cumsum(rng.normal(0, 1, (200, 3)), axis=0)
    x[50:55, 1] = np.nan  # a gap in one column resets it alone
    scale = rng.uniform(0.5, 2.0, 200)
    whole = one_euro(x, t, min_cutoff_hz=0.5, beta=2.0, derivate_cutoff_hz=1.5, value_scale=scale)
    stream = OneEuroStream(3, min_cutoff_hz=0.5, beta=2.0, derivate_cutoff_hz=1.5)
    steps = np.array([stream.step(x[i], t[i], scale[i]) for i in range(200)])
    np.testing.assert_array_equal(steps, whole)
    assert np.isnan(steps[50:55, 1]).all() and np.isfinite(steps[50:55, 0]).all()


def test_stream_smooths_a_still_signal_and_follows_a_fast_one():
    stream = OneEuroStream(1, min_cutoff_hz=1.0, beta=0.0)
    out = [stream.step([v], i / 30) for i, v in enumerate([0.0] * 10 + [1.0] * 3)]
    assert 0 < out[-1][0] < 1  # a first-order low-pass: on its way to the step


def test_stream_refuses_time_going_backwards():
    stream = OneEuroStream(1, min_cutoff_hz=1.0, beta=0.0)
    stream.step([0.0], 1.0)
    with pytest.raises(InputError, match="increase"):
        stream.step([0.0], 1.0)
