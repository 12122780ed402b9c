"""Reps confirmed as they happen: :class:`RepStream`, the causal counterpart of :func:`formlab.reps.find.find_reps`.

Offline, :func:`~formlab.reps.find.find_reps` sees the whole signal and
keeps the turning points that are reps. Live, a rep has to be announced a
moment after it ends, with only the past to go on. :class:`RepStream` takes
the rep signal one sample at a time and confirms a rep when

1. its turning point has been passed: the signal went at least the threshold
   depth into an extreme (``d`` rose from its lowest level since the last
   rep, ``d`` being the signal for a ``"top"`` lift and minus it for a
   ``"bottom"`` one) and
2. the lifter is back: the signal has come back to within ``boundary_frac``
   of the depth from the level it started from, or (a lifter who stands a
   little lower than before the set) it came back at least the threshold
   depth and has made no new low for ``rest_window_s``.

The depth of a rep is, as offline, the shallower of the way in and the way
out. The rules are :class:`~formlab.reps.detection.RepDetectorParams`' own, read
causally:

* depth at least ``max(min_prominence_frac * range, min_prominence_m)``,
  ``range`` being the deepest rep confirmed so far (or this one): the
  movement-relative threshold, with only the movement seen so far;
* width at half depth at least ``min_width_s``;
* turning point at least ``min_distance_s`` after the last rep's (a later
  rep cannot replace an earlier one that was already announced);
* the exercise's pose conditions (read at the turn, the start, or on the
  change between; the caller passes a function that reads them).

The signal is first low-passed at the detector's ``cutoff_hz``, as offline,
but causally: two first-order stages in series (:class:`OneEuroStream` with
``beta = 0`` is exactly a first-order low-pass on real timestamps), each at
``cutoff_hz / 0.644`` so that the pair is 3 dB down at ``cutoff_hz``. This
delays the signal by :attr:`RepStream.delay_s` (0.10 s at 2 Hz), which is
taken off the times reported.

The turning point, start and end are reported as :func:`find_reps` does: the
middle of the band within ``turn_band_frac`` of the extreme, the last sample
before it near the lowest level before it, the first after it back near the
lowest level after it (so far), start and end read on the signal low-passed
at ``boundary_cutoff_hz`` (causally too, and its own delay taken off).
Nothing beyond the end is needed: a rep is confirmed at the sample that shows
the lifter back (the low-pass's delay later).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.errors import ConfigError
from ..reps.detection import RepDetectorParams, TurningPoint
from ..signal.one_euro import OneEuroStream

__all__ = ["CASCADE_3DB", "RepStream", "StreamRep"]

CASCADE_3DB = math.sqrt(math.sqrt(2.0) - 1.0)
"""Where two identical first-order low-passes in series are 3 dB down, as a fraction of each
one's own cut-off (0.644): each stage is set to ``cutoff_hz / CASCADE_3DB``."""


@dataclass(frozen=True)
class StreamRep:
    """A rep confirmed by :class:`RepStream` (sample indices count the samples pushed, from 0)."""

    number: int
    start_index: int
    turn_index: int
    end_index: int
    start_s: float
    turn_s: float
    end_s: float
    depth: float
    confirmed_s: float


ConditionCheck = Callable[[int, int], str]
"""``(start_index, turn_index) -> ""`` if the lift's pose conditions hold, else the reason; the
start is the opposite extreme before the turn (the lowest ``d`` since the last rep), as offline.
The indices are those of the low-passed signal, not yet moved back by :attr:`RepStream.delay_s`:
the features read there must be low-passed alike (:meth:`RepStream.new_lowpass`), as offline
reads them on features smoothed like the signal."""

SpanCheck = Callable[[int, int], str]
"""``(start_index, now_index) -> ""`` if a rep from its start to the sample that confirms it is one,
else the reason; real sample indices (moved back by the delay), read on unfiltered data (the feet
and hips at the rep's start and now: a walk-out's dip ends with a step, see
:attr:`formlab.exercises.Exercise.max_lifter_shift_torso`)."""


class RepStream:
    """Online rep detector on a one-dimensional signal (see the module docstring).

    Parameters
    ----------
    turning_point : {"bottom", "top"}
        Whether reps are the signal's minima or maxima.
    params : RepDetectorParams, optional
        The lift's detector settings (``cutoff_hz`` and the end-of-clip rules
        are for whole clips; :meth:`finish` applies ``settle_s``).
    conditions : callable, optional
        Reads the lift's pose conditions for a candidate (see :data:`ConditionCheck`).
    span_check : callable, optional
        Judges the candidate's span once its start is known (see :data:`SpanCheck`).
    """

    def __init__(
        self,
        turning_point: TurningPoint = "bottom",
        params: RepDetectorParams | None = None,
        conditions: ConditionCheck | None = None,
        span_check: SpanCheck | None = None,
    ) -> None:
        if turning_point not in ("bottom", "top"):
            raise ConfigError(f"turning_point must be 'bottom' or 'top', got {turning_point!r}")
        self.turning_point = turning_point
        self.params = params or RepDetectorParams()
        self.conditions = conditions
        self.span_check = span_check
        self._stages_hz = self.params.cutoff_hz / CASCADE_3DB
        self._last_finite_s: float | None = None
        self.reps: list[StreamRep] = []
        self.rejected: list[dict] = []
        self._t: list[float] = []
        self._d: list[float] = []
        self._range = 0.0
        # _start: lowest d since the last rep (or the start), where the movement began; _peak: highest
        # d since _start, the candidate turning point; _low: lowest d since the last rep, the opposite
        # extreme, where "start" conditions are read
        self._start = self._peak = self._low = -1
        self._after = -1  # lowest d since _peak: the resting level the lifter came back to
        self._lowpass = self.new_lowpass()
        self._fine_hz = self.params.boundary_cutoff_hz / CASCADE_3DB
        self._f: list[float] = []  # the signal low-passed at boundary_cutoff_hz, for start and end
        self._fine = self.new_lowpass(self._fine_hz)

    def new_lowpass(self, stage_hz: float | None = None) -> list[OneEuroStream]:
        """The two stages of the causal low-pass (see the module docstring), for the signal or a feature."""
        hz = self._stages_hz if stage_hz is None else stage_hz
        return [OneEuroStream(1, min_cutoff_hz=hz, beta=0.0) for _ in range(2)]

    @property
    def delay_s(self) -> float:
        """Delay of the causal low-pass at low frequencies (two stages of ``1 / (2 pi f)`` each)."""
        return 2.0 / (2.0 * math.pi * self._stages_hz)

    @property
    def n_samples(self) -> int:
        """Samples pushed so far."""
        return len(self._t)

    @property
    def range(self) -> float:
        """Depth of the deepest rep confirmed so far (the movement's range, in the signal's units)."""
        return self._range

    def threshold(self, depth: float) -> float:
        """Least depth a rep of ``depth`` must have, given the reps seen so far."""
        p = self.params
        return max(p.min_prominence_frac * max(self._range, depth), p.min_prominence_m)

    def push(self, time_s: float, value: float) -> StreamRep | None:
        """Add one sample (NaN: unknown); returns the rep it confirms, if any."""
        i = len(self._t)
        self._t.append(float(time_s))
        x = float(value)
        if not np.isfinite(
            x
        ):  # no pose in this frame: skipped (a short gap is bridged, as offline)
            self._d.append(float("nan"))
            self._f.append(float("nan"))
            return None
        if self._last_finite_s is not None and time_s - self._last_finite_s > self.params.max_gap_s:
            # a gap too long to bridge: the low-pass starts afresh; the rep under way is kept, so
            # that a lifter lost by the pose model while standing up still completes the rep
            self._lowpass = self.new_lowpass()
            self._fine = self.new_lowpass(self._fine_hz)
        self._last_finite_s = float(time_s)
        sign = 1.0 if self.turning_point == "top" else -1.0
        self._f.append(sign * _filtered(self._fine, x, time_s))
        d = sign * _filtered(self._lowpass, x, time_s)
        self._d.append(d)
        if self._low < 0 or d < self._d[self._low]:
            self._low = i
        if self._start < 0 or d < self._d[self._start]:
            if self._start >= 0 and self._peak > self._start:
                self._after = i
                rep = self._try_confirm(i)
                if rep is not None:
                    return rep
            self._start = self._peak = self._after = i
            return None
        if d >= self._d[self._peak]:
            self._peak = self._after = i
            return None
        if d < self._d[self._after]:
            self._after = i
        return self._try_confirm(i)

    def finish(self) -> StreamRep | None:
        """At the end of the stream: the last rep if its turning point was reached and held.

        As :func:`find_reps` counts a rep cut short by the end of the clip
        (a deadlift lockout the clip ends on): the signal came within
        ``turn_band_frac`` of the extreme at least ``settle_s`` before the end.
        """
        if self._start < 0 or self._peak <= self._start:
            return None
        depth = self._d[self._peak] - self._d[self._start]
        lo, _ = self._band(self._peak, self.params.turn_band_frac * depth)
        if self._t[-1] - self._t[lo] < self.params.settle_s:
            return None
        last = len(self._t) - 1
        return self._confirm(last, last, require_return=False)

    # ------------------------------------------------------------------ internals
    def _band(self, peak: int, drop: float) -> tuple[int, int]:
        """Index range around ``peak`` where d stays within ``drop`` of its value (gaps bridged)."""
        d, level = self._d, self._d[peak] - drop
        lo = k = peak
        while k - 1 > self._start and not d[k - 1] < level:  # NaN (a bridged gap) does not end it
            k -= 1
            lo = k if np.isfinite(d[k]) else lo
        hi = k = peak
        while k + 1 < len(d) and not d[k + 1] < level:
            k += 1
            hi = k if np.isfinite(d[k]) else hi
        return lo, hi

    def _try_confirm(self, i: int) -> StreamRep | None:
        """Confirm the candidate if the lifter is back (see the module docstring), else wait."""
        p, d = self.params, self._d
        left = d[self._peak] - d[self._start]
        if d[self._peak] - d[i] >= (1.0 - p.boundary_frac) * left:
            return self._confirm(i, i)  # back near the level the movement started from
        # or back at another resting level, as deep a return as a rep needs, held there (no new
        # low for rest_window_s): the lifter stands a little lower than at the start of the set
        right = d[self._peak] - d[self._after]
        if right < self.threshold(left) or self._t[i] - self._t[self._after] < p.rest_window_s:
            return None
        level = d[self._after] + p.boundary_frac * right
        end = next(k for k in range(self._peak, self._after + 1) if d[k] <= level)
        return self._confirm(i, end)

    def _shift(self, k: int, delta_s: float) -> int:
        """The sample nearest to ``delta_s`` seconds after sample ``k`` (among those pushed)."""
        t, when = self._t, self._t[k] + delta_s
        j = int(np.searchsorted(t, when))
        if j > 0 and (j >= len(t) or abs(t[j - 1] - when) <= abs(t[j] - when)):
            j -= 1
        return j

    def _undelayed(self, k: int) -> int:
        """The sample nearest to ``delay_s`` before sample ``k``: when it really happened."""
        return self._shift(k, -self.delay_s)

    def _boundaries(self, i: int, require_return: bool) -> tuple[int, int] | None:
        """Start and end as offline: on the signal low-passed at ``boundary_cutoff_hz``, real samples.

        The start is the last sample before the turning point within ``boundary_frac`` of the
        depth above the lowest level before it; the end, the first after it as close to the lowest
        level after it (up to now). None if the fine signal is missing there.
        """
        p, f = self.params, np.asarray(self._f)
        fine_delay = 2.0 / (2.0 * math.pi * self._fine_hz)
        off = fine_delay - self.delay_s  # from the signal's samples to the fine signal's
        a = self._shift(max(min(self._low, self._start), 0), off)
        pk = self._shift(self._peak, off)
        if not (np.isfinite(f[a : pk + 1]).any() and np.isfinite(f[pk])):
            return None
        base = a + int(np.nanargmin(f[a : pk + 1]))
        level = f[base] + p.boundary_frac * (f[pk] - f[base])
        begin = base + int(np.flatnonzero(f[base : pk + 1] <= level)[-1])
        end = i
        if require_return:
            base_r = pk + int(np.nanargmin(f[pk : i + 1]))
            level_r = f[base_r] + p.boundary_frac * (f[pk] - f[base_r])
            end = pk + int(np.flatnonzero(f[pk : i + 1] <= level_r)[0])
        return self._shift(begin, -fine_delay), self._shift(end, -fine_delay)

    def _reject(self, reason: str, turn: int, depth: float, i: int) -> None:
        self.rejected.append({"time_s": self._t[turn], "depth": depth, "reason": reason})
        self._start = self._peak = self._after = i  # look for the next movement from here

    def _confirm(self, i: int, end: int, require_return: bool = True) -> StreamRep | None:
        """Check the rules on the candidate; ``i`` is the current sample, ``end`` where the rep ended."""
        p = self.params
        t, d = self._t, self._d
        start, peak = self._start, self._peak
        left = d[peak] - d[start]
        right = d[peak] - min(d[self._after], d[i]) if require_return else left
        depth = min(left, right)  # as offline: the shallower side
        lo, hi = self._band(peak, p.turn_band_frac * depth)
        mid_t = 0.5 * (t[lo] + t[hi])
        turn = lo + int(np.argmin(np.abs(np.asarray(t[lo : hi + 1]) - mid_t)))
        if depth < self.threshold(depth):
            self._reject(f"too shallow ({depth:.3g} < {self.threshold(depth):.3g})", turn, depth, i)
            return None
        half_lo, half_hi = self._band(peak, 0.5 * depth)
        left_w = t[peak] - t[half_lo]
        width = (t[half_hi] - t[half_lo]) if require_return else 2 * left_w
        if width < p.min_width_s:
            self._reject(f"too brief ({width:.3g} s wide at half depth)", turn, depth, i)
            return None
        if self.reps and t[turn] - self.reps[-1].turn_s < p.min_distance_s:
            self._reject(f"within {p.min_distance_s:g} s of the last rep", turn, depth, i)
            return None
        level = d[start] + p.boundary_frac * left
        begin = start + max(k for k in range(peak - start + 1) if d[start + k] <= level)
        if self.conditions is not None:  # on features low-passed alike: read at the delayed indices
            why = self.conditions(min(self._low, begin), turn)
            if why:
                self._reject(why, turn, depth, i)
                return None
        begin, turn, end = (self._undelayed(k) for k in (begin, turn, end))
        fine = self._boundaries(i, require_return)
        if fine is not None:
            begin, end = fine
        why = self.span_check(begin, i) if self.span_check is not None else ""
        if why:
            self._reject(why, turn, depth, i)
            return None
        rep = StreamRep(
            number=len(self.reps) + 1,
            start_index=begin,
            turn_index=turn,
            end_index=end,
            start_s=t[begin],
            turn_s=t[turn],
            end_s=t[end],
            depth=depth,
            confirmed_s=t[i],
        )
        self.reps.append(rep)
        self._range = max(self._range, depth)
        self._start = self._peak = self._low = self._after = i
        return rep


def _filtered(stages: list[OneEuroStream], x: float, time_s: float) -> float:
    """``x`` through the stages of a causal low-pass."""
    for stage in stages:
        x = float(stage.step([x], time_s)[0])
    return x
