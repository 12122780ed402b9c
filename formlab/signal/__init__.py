"""Signals over time: filters on plain arrays, spectra, and the cleaning of pose tracks.

* :mod:`~formlab.signal.filters` - NaN- and timestamp-aware filters on arrays (Butterworth,
  Savitzky-Golay, gap filling, Hampel outliers), every parameter in seconds or hertz;
* :mod:`~formlab.signal.one_euro` - MediaPipe's adaptive landmark filter;
* :mod:`~formlab.signal.spectrum` - Welch spectra and where a movement sinks into the noise;
* :mod:`~formlab.signal.smoothing` - the same filters on pose tracks, with provenance;
* :mod:`~formlab.signal.cleaning` - swaps, outliers, impossible bones, and formlab's default chain.
"""

from .cleaning import (
    CleanOptions,
    clean_track,
    fix_left_right_swaps,
    reject_implausible_bones,
    reject_outliers,
)
from .filters import butterworth_lowpass, fill_gaps, hampel_outliers, sample_rate_hz, savgol_smooth
from .one_euro import MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO, OneEuroParams, one_euro
from .smoothing import (
    butterworth_filter,
    filter_by_confidence,
    interpolate_gaps,
    one_euro_filter,
    savgol_filter,
    smooth_track,
)
from .spectrum import band_edge_hz, power_spectrum

__all__ = [
    "MEDIAPIPE_IMAGE_ONE_EURO",
    "MEDIAPIPE_WORLD_ONE_EURO",
    "CleanOptions",
    "OneEuroParams",
    "band_edge_hz",
    "butterworth_filter",
    "butterworth_lowpass",
    "clean_track",
    "fill_gaps",
    "filter_by_confidence",
    "fix_left_right_swaps",
    "hampel_outliers",
    "interpolate_gaps",
    "one_euro",
    "one_euro_filter",
    "power_spectrum",
    "reject_implausible_bones",
    "reject_outliers",
    "sample_rate_hz",
    "savgol_filter",
    "savgol_smooth",
    "smooth_track",
]
