"""Array filters: the moving median of the outlier test is NumPy's ``nanmedian``, value for value."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formlab.signal.filters import nan_median_last


@pytest.mark.parametrize("width", [1, 2, 3, 8, 15])
def test_nan_median_is_numpys_nanmedian(width):
    rng = np.random.default_rng(width)
    a = rng.normal(size=(200, 6, width))
    a[rng.random(a.shape) < 0.3] = np.nan  # odd and even counts of values per window
    a[:5] = np.nan  # windows with nothing in them
    a[10, 0, : (width + 1) // 2] = np.inf  # infinities are values, not gaps
    a[11, 1, 0] = -np.inf
    a[12, 2] = 1.5  # ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        expected = np.nanmedian(a, axis=-1)
    np.testing.assert_array_equal(nan_median_last(a), expected)
