"""The One-Euro filter: the adaptive low-pass MediaPipe smooths landmarks with, on real timestamps."""

from __future__ import annotations

import math

import numpy as np

from ..core.config import Settings, param, settings
from ..core.errors import InputError
from .filters import as_2d, as_time, check_positive

__all__ = [
    "MEDIAPIPE_IMAGE_ONE_EURO",
    "MEDIAPIPE_WORLD_ONE_EURO",
    "OneEuroParams",
    "OneEuroStream",
    "one_euro",
]


@settings
class OneEuroParams(Settings):
    """Parameters of a One-Euro filter (Casiez, Roussel & Vogel, CHI 2012).

    The One-Euro filter is an exponential smoother whose cut-off rises with
    the signal's speed: still landmarks are smoothed hard (no jitter), fast
    ones hardly at all (little lag). The two presets
    :data:`MEDIAPIPE_IMAGE_ONE_EURO` and :data:`MEDIAPIPE_WORLD_ONE_EURO` are
    the values of MediaPipe's legacy pose graph
    (``mediapipe/modules/pose_landmark/pose_landmark_filtering.pbtxt``), whose
    smoothed output is what MediaPipe's own video conformance test expects.
    """

    name = "one_euro"
    min_cutoff_hz: float = param(
        default=1.0,
        unit="Hz",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Cut-off frequency when the landmark is still. Lower = less jitter.",
        source="Casiez et al. 2012 start at 1 Hz; MediaPipe's presets use 0.05 Hz (image) and 0.1 Hz (world).",
    )
    beta: float = param(
        default=0.0,
        unit="",
        lo=0,
        hi=None,
        meaning="How fast the cut-off rises with speed: cutoff = min_cutoff_hz + beta * |speed|, speed in scaled "
        "units per second (see scale_by_object). Higher = less lag when moving.",
        source="Casiez et al. 2012 start at 0 (a plain low-pass); MediaPipe's presets use 80 and 40.",
    )
    derivate_cutoff_hz: float = param(
        default=1.0,
        unit="Hz",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Cut-off of the low-pass filter applied to the speed estimate itself.",
        source="Casiez et al. 2012 and MediaPipe: 1 Hz.",
    )
    scale_by_object: bool = param(
        default=True,
        meaning="Divide speeds by the person's size in the image (the object scale), so the same movement is "
        "smoothed the same way whether the lifter fills the frame or stands far away.",
        source="MediaPipe does this for image landmarks and not for world landmarks, already in metres.",
    )


MEDIAPIPE_IMAGE_ONE_EURO = OneEuroParams(
    min_cutoff_hz=0.05, beta=80.0, derivate_cutoff_hz=1.0, scale_by_object=True
)
"""MediaPipe's legacy smoothing of image landmarks: min cut-off 0.05 Hz (an EMA weight of
about 0.01 per frame at 30 fps on a still landmark), beta 80 (weight about 0.94 when moving
fast), derivative cut-off 1 Hz, speeds divided by the person's size in pixels."""

MEDIAPIPE_WORLD_ONE_EURO = OneEuroParams(
    min_cutoff_hz=0.1, beta=40.0, derivate_cutoff_hz=1.0, scale_by_object=False
)
"""MediaPipe's legacy smoothing of world landmarks: 0.1 Hz, beta 40, 1 Hz, on metres
(no object scaling: world landmarks are already in real units)."""


# =============================================================================
# Signal functions (plain arrays, time along axis 0)
# =============================================================================
def one_euro(
    values,
    time_s,
    *,
    min_cutoff_hz: float,
    beta: float,
    derivate_cutoff_hz: float = 1.0,
    value_scale=1.0,
) -> np.ndarray:
    """One-Euro filter along time, with real timestamps.

    A causal (real-time) exponential smoother whose cut-off frequency rises
    with the signal's speed. Every column is filtered separately; a NaN sample
    resets that column's filter (output NaN), and the next finite sample
    starts it afresh, as MediaPipe does when it loses the pose.

    Parameters
    ----------
    values : array_like, shape (n_samples, ...)
        Signal(s), time along the first axis.
    time_s : array_like, shape (n_samples,)
        Strictly increasing timestamps in seconds. The interval to the
        previous sample sets each step's smoothing weight, so a 5 fps video is
        smoothed in the same real-time terms as a 60 fps one.
    min_cutoff_hz, beta, derivate_cutoff_hz : float
        See :class:`OneEuroParams`.
    value_scale : float or array_like of shape (n_samples,)
        Factor applied to the speed before it raises the cut-off (MediaPipe
        uses ``1 / object scale`` for image landmarks, see :func:`object_scale_px`).

    Returns
    -------
    ndarray, same shape as ``values``

    Notes
    -----
    Per step, with ``dt`` the interval to the previous sample and
    ``alpha(f) = 1 / (1 + 1 / (2 pi f dt))``::

        speed   = (x - x_prev_raw) * value_scale / dt
        speed_f = speed_f_prev + alpha(derivate_cutoff_hz) * (speed - speed_f_prev)
        cutoff  = min_cutoff_hz + beta * |speed_f|
        x_f     = x_f_prev + alpha(cutoff) * (x - x_f_prev)

    This is MediaPipe's ``OneEuroFilter`` (``mediapipe/util/filtering/
    one_euro_filter.cc``) with one difference at the start: MediaPipe passes
    a sample stamped exactly 0 through unfiltered and only starts the filter
    on the next one; here the first sample starts it (its output equals its
    input in both cases).
    """
    v2, shape = as_2d(values)
    n = v2.shape[0]
    t = as_time(time_s, n)
    scale = (
        np.broadcast_to(np.asarray(value_scale, dtype=float), (n,))
        if np.ndim(value_scale) <= 1
        else None
    )
    if scale is None:
        raise InputError(
            f"value_scale must be a number or one value per sample, got shape {np.shape(value_scale)}"
        )
    stream = OneEuroStream(
        v2.shape[1],
        min_cutoff_hz=min_cutoff_hz,
        beta=beta,
        derivate_cutoff_hz=derivate_cutoff_hz,
    )
    out = np.full_like(v2, np.nan)
    for i in range(n):
        out[i] = stream.step(v2[i], t[i], scale[i])
    return out.reshape(shape)


class OneEuroStream:
    """The One-Euro filter of :func:`one_euro`, one sample at a time (for live video).

    :func:`one_euro` runs this over a whole array; a live coach calls
    :meth:`step` as each frame arrives, so both smooth exactly alike (one
    implementation, see :func:`one_euro` for the equations and the NaN rule).

    Parameters
    ----------
    n_columns : int
        Number of values filtered side by side (e.g. 33 landmarks x 2 coordinates).
    min_cutoff_hz, beta, derivate_cutoff_hz : float
        See :class:`OneEuroParams`.
    """

    def __init__(
        self, n_columns: int, *, min_cutoff_hz: float, beta: float, derivate_cutoff_hz: float = 1.0
    ) -> None:
        for name, v in (
            ("min_cutoff_hz", min_cutoff_hz),
            ("derivate_cutoff_hz", derivate_cutoff_hz),
        ):
            check_positive(name, v)
        check_positive("beta", beta, allow_zero=True)
        self.min_cutoff_hz = float(min_cutoff_hz)
        self.beta = float(beta)
        self.derivate_cutoff_hz = float(derivate_cutoff_hz)
        self._x_f = np.full(n_columns, np.nan)  # filtered value
        self._x_raw = np.full(n_columns, np.nan)  # previous raw value
        self._dx_f = np.zeros(n_columns)  # filtered speed
        self._live = np.zeros(n_columns, dtype=bool)
        self._t_prev: float | None = None

    def step(self, values, time_s: float, value_scale: float = 1.0) -> np.ndarray:
        """Filter one sample (``n_columns`` values at ``time_s`` seconds); returns the smoothed values.

        ``time_s`` must increase from call to call; ``value_scale`` as in :func:`one_euro`.
        """
        x = np.asarray(values, dtype=float).reshape(-1)
        ok = np.isfinite(x)
        live = self._live
        if self._t_prev is not None:
            dt = float(time_s) - self._t_prev
            if not dt > 0:
                raise InputError(
                    f"time_s must increase from sample to sample, got {time_s} after {self._t_prev}"
                )
            cont = ok & live
            if cont.any():
                s = float(value_scale) if math.isfinite(value_scale) else 1.0
                two_pi = 2.0 * math.pi
                speed = (x[cont] - self._x_raw[cont]) * s / dt
                a_d = 1.0 / (1.0 + 1.0 / (two_pi * self.derivate_cutoff_hz * dt))
                self._dx_f[cont] += a_d * (speed - self._dx_f[cont])
                cutoff = self.min_cutoff_hz + self.beta * np.abs(self._dx_f[cont])
                a = 1.0 / (1.0 + 1.0 / (two_pi * cutoff * dt))
                self._x_f[cont] += a * (x[cont] - self._x_f[cont])
        start = ok & ~live
        self._x_f[start] = x[start]
        self._dx_f[start] = 0.0
        self._x_raw = np.where(ok, x, np.nan)
        self._x_f[~ok] = np.nan
        self._dx_f[~ok] = 0.0
        self._live = ok
        self._t_prev = float(time_s)
        return self._x_f.copy()
