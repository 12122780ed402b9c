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
   of the depth from the level it started from.

The rules are :class:`~formlab.reps.detection.RepDetectorParams`' own, read
causally:

* depth at least ``max(min_prominence_frac * range, min_prominence_m)``,
  ``range`` being the deepest rep confirmed so far (or this one): the
  movement-relative threshold, with only the movement seen so far;
* width at half depth at least ``min_width_s``;
* turning point at least ``min_distance_s`` after the last rep's (a later
  rep cannot replace an earlier one that was already announced);
* the exercise's pose conditions (read at the turn, the start, or on the
  change between; the caller passes a function that reads them).

The turning point, start and end are reported as :func:`find_reps` does: the
middle of the band within ``turn_band_frac`` of the extreme, the last sample
before it near the starting level, the first after it back near that level.
Nothing beyond the end is needed: the delay between the lifter getting back
and the rep being confirmed is zero samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.errors import ConfigError
from ..reps.detection import RepDetectorParams, TurningPoint

__all__ = ["RepStream", "StreamRep"]


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
start is the opposite extreme before the turn (the lowest ``d`` since the last rep), as offline."""


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
    """

    def __init__(
        self,
        turning_point: TurningPoint = "bottom",
        params: RepDetectorParams | None = None,
        conditions: ConditionCheck | None = None,
    ) -> None:
        if turning_point not in ("bottom", "top"):
            raise ConfigError(f"turning_point must be 'bottom' or 'top', got {turning_point!r}")
        self.turning_point = turning_point
        self.params = params or RepDetectorParams()
        self.conditions = conditions
        self.reps: list[StreamRep] = []
        self.rejected: list[dict] = []
        self._t: list[float] = []
        self._d: list[float] = []
        self._start = -1  # lowest d since the last rep (or the start): where the movement began
        self._peak = -1  # highest d since _start: the candidate turning point
        self._range = 0.0
        self._low = (
            -1
        )  # lowest d since the last rep: the opposite extreme, where "start" conditions are read

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
        d = float(value) if self.turning_point == "top" else -float(value)
        self._d.append(d)
        if not np.isfinite(d):
            return None
        if self._low < 0 or d < self._d[self._low]:
            self._low = i
        if self._start < 0 or d < self._d[self._start]:
            if self._start >= 0 and self._peak > self._start:
                rep = self._try_confirm(i)
                if rep is not None:
                    return rep
            self._start = i
            self._peak = i
            return None
        if d >= self._d[self._peak]:
            self._peak = i
            return None
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
        return self._confirm(len(self._t) - 1, require_return=False)

    # ------------------------------------------------------------------ internals
    def _band(self, peak: int, drop: float) -> tuple[int, int]:
        """Index range around ``peak`` where d stays within ``drop`` of its value (finite samples)."""
        d, level = self._d, self._d[peak] - drop
        lo = peak
        while lo - 1 > self._start and np.isfinite(d[lo - 1]) and d[lo - 1] >= level:
            lo -= 1
        hi = peak
        while hi + 1 < len(d) and np.isfinite(d[hi + 1]) and d[hi + 1] >= level:
            hi += 1
        return lo, hi

    def _try_confirm(self, i: int) -> StreamRep | None:
        depth = self._d[self._peak] - self._d[self._start]
        if self._d[self._peak] - self._d[i] < (1.0 - self.params.boundary_frac) * depth:
            return None  # not back near the starting level yet
        return self._confirm(i)

    def _reject(self, reason: str, turn: int, depth: float, i: int) -> None:
        self.rejected.append({"time_s": self._t[turn], "depth": depth, "reason": reason})
        self._start = self._peak = i  # look for the next movement from here

    def _confirm(self, i: int, require_return: bool = True) -> StreamRep | None:
        p = self.params
        t, d = self._t, self._d
        start, peak = self._start, self._peak
        depth = d[peak] - d[start]
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
        level = d[start] + p.boundary_frac * depth
        begin = start + max(k for k in range(peak - start + 1) if d[start + k] <= level)
        if self.conditions is not None:
            why = self.conditions(min(self._low, begin), turn)
            if why:
                self._reject(why, turn, depth, i)
                return None
        rep = StreamRep(
            number=len(self.reps) + 1,
            start_index=begin,
            turn_index=turn,
            end_index=i,
            start_s=t[begin],
            turn_s=t[turn],
            end_s=t[i],
            depth=depth,
            confirmed_s=t[i],
        )
        self.reps.append(rep)
        self._range = max(self._range, depth)
        self._start = self._peak = self._low = i
        return rep
