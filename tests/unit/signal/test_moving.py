"""formlab.signal.moving.moving_mean gives scipy.ndimage.uniform_filter1d's numbers (mode "nearest")."""

import numpy as np
import pytest
from scipy.ndimage import uniform_filter1d

from formlab.core.errors import ConfigError
from formlab.signal.moving import moving_mean


@pytest.mark.parametrize("n", [1, 2, 5, 64, 601])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 9, 16, 700])
def test_same_as_scipy(n, size):
    x = np.random.default_rng(n * 1000 + size).normal(scale=10.0, size=n)
    np.testing.assert_allclose(
        moving_mean(x, size), uniform_filter1d(x, size, mode="nearest"), atol=1e-9
    )


def test_along_the_first_axis_of_a_table():
    x = np.random.default_rng(1).normal(size=(40, 3))
    np.testing.assert_allclose(
        moving_mean(x, 6), uniform_filter1d(x, 6, axis=0, mode="nearest"), atol=1e-9
    )


def test_an_even_window_reaches_one_sample_further_back():
    # a step: with size 2, sample i averages i-1 and i
    np.testing.assert_allclose(moving_mean([0.0, 0.0, 2.0, 2.0], 2), [0.0, 0.0, 1.0, 2.0])


@pytest.mark.parametrize("size", [0, -3, 2.5, True])
def test_a_bad_size_is_a_config_error(size):
    with pytest.raises(ConfigError, match="size must be an integer"):
        moving_mean([1.0, 2.0], size)
