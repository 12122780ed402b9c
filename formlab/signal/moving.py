"""A centred moving mean in plain NumPy, for the per-frame uncertainty of every verdict.

:func:`formlab.form.uncertainty.jitter_sd` needs a moving mean on every
analysis. ``scipy.ndimage.uniform_filter1d`` computes the same, but importing
``scipy.ndimage`` costs 0.4-1 s on the shared machine (SciPy parses docstrings
at import), most of what a re-analysis of a cached track with new thresholds
may take (issue 15). This module gives the same numbers (up to rounding) with
cumulative sums.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import ConfigError

__all__ = ["moving_mean"]


def moving_mean(values, size: int) -> np.ndarray:
    """Mean of each sample's window of ``size`` samples along the first axis, edges repeated.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Finite values (a NaN spreads over every window that holds it).
    size : int
        Window length in samples, at least 1. As in
        ``scipy.ndimage.uniform_filter1d(values, size, axis=0, mode="nearest")``,
        sample ``i``'s window is ``i - size // 2`` to ``i - size // 2 + size - 1``
        (centred for an odd ``size``, one sample further back for an even one),
        and samples beyond either end repeat the edge value.

    Returns
    -------
    ndarray of float, same shape as ``values``

    Raises
    ------
    ConfigError
        If ``size`` is not an integer of at least 1.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ConfigError(f"size must be an integer of at least 1, got {size!r}")
    x = np.asarray(values, dtype=float)
    n = x.shape[0] if x.ndim else 0
    if n == 0:
        return x.copy()
    before, after = size // 2, size - 1 - size // 2
    padded = np.concatenate(
        [np.repeat(x[:1], before, axis=0), x, np.repeat(x[-1:], after, axis=0)], axis=0
    )
    sums = np.cumsum(padded, axis=0)
    sums = np.concatenate([np.zeros_like(sums[:1]), sums], axis=0)
    return (sums[size:] - sums[:-size]) / size
