"""Feeding a :class:`~formlab.live.LiveCoach` from a source, in real time or as fast as possible.

:func:`play` is the loop ``formlab live`` and the benchmark share:

* **as fast as possible** (a file without ``realtime``): every frame is
  pushed, none dropped; the result is what the lifter would get on an
  infinitely fast machine;
* **in real time** (a camera, or a file with ``realtime``): a feeder thread
  delivers each frame at its timestamp (a camera's frames come at their own
  pace); a frame that arrives while the coach is still busy waits for it, and
  is dropped and counted (:meth:`LiveCoach.note_dropped`) when a newer one
  arrives first, so the coach always takes the newest frame. The time from
  each frame's arrival to its result is measured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .engine import LiveCoach, LiveUpdate
from .sources import FrameSource

__all__ = ["PlayResult", "play"]

OnUpdate = Callable[[np.ndarray, LiveUpdate], None]
"""Called with each processed frame and its update (drawing, printing, logging)."""


@dataclass
class PlayResult:
    """What a play-through measured.

    ``latency_s``: per processed frame, the wall-clock seconds from its arrival
    to its result, drawn (``on_update`` included). ``stopped``: a camera's
    session ended by Ctrl-C, its usual end (a file's Ctrl-C is an interruption
    and raises).
    """

    latency_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    stopped: bool = False

    def latency_ms(self, q: float) -> float:
        """The ``q``-th percentile of the arrival-to-result time, in milliseconds (NaN if none)."""
        if not self.latency_s:
            return float("nan")
        return float(np.percentile(self.latency_s, q) * 1000.0)


def play(
    source: FrameSource,
    coach: LiveCoach,
    *,
    realtime: bool,
    on_update: OnUpdate | None = None,
    finish: bool = True,
) -> PlayResult:
    """Push the frames of ``source`` into ``coach``; see the module docstring for the two modes.

    ``finish`` calls :meth:`LiveCoach.finish` at the end of a file (a last
    rep held at its turning point counts, as in ``analyze``). Ctrl-C ends a
    camera's session normally (``PlayResult.stopped``), so that its summary
    (and a "nobody in view" note) is still given, and the cues of the reps
    still waiting for the frames after their end (half a second) with it.
    """
    result = PlayResult()
    start = time.perf_counter()
    if realtime or source.live:
        try:
            _play_realtime(source, coach, on_update, result, paced=not source.live)
        except KeyboardInterrupt:
            if not source.live:
                raise
            result.stopped = True  # how a camera's session ends: what was coached so far stands
    else:
        for rgb, t_s in source:
            arrived = time.perf_counter()
            update = coach.push(rgb, t_s)
            if on_update is not None:
                on_update(rgb, update)
            result.latency_s.append(time.perf_counter() - arrived)
    if finish and (not source.live or result.stopped):
        update = coach.finish(last_rep=not source.live)
        if on_update is not None and update.events:
            on_update(None, update)  # type: ignore[arg-type]  # no frame: only events
    result.wall_s = time.perf_counter() - start
    return result


def _play_realtime(
    source: FrameSource,
    coach: LiveCoach,
    on_update: OnUpdate | None,
    result: PlayResult,
    *,
    paced: bool,
) -> None:
    """A feeder thread hands over frames as they arrive; the coach takes the newest when free.

    A frame that arrives while the coach is busy waits in a one-frame slot, as
    in a camera driver's buffer, and is dropped (counted) only if a newer one
    arrives before the coach is free: the coach never idles while a frame is
    waiting (at 60 fps a frame taking 15 ms would otherwise miss the next
    arrival and wait 16.7 ms for a new one), and never falls behind by more
    than the frame it is working on.
    """
    slot: list = []  # the newest frame not yet taken: (rgb, t_s, arrived), at most one
    ready = threading.Condition()
    ended = threading.Event()
    stop = threading.Event()
    failure: list[BaseException] = []

    def feed() -> None:
        t0 = None
        try:
            for rgb, t_s in source:
                if stop.is_set():
                    return
                if paced:
                    t0 = time.perf_counter() - t_s if t0 is None else t0
                    delay = t0 + t_s - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                arrived = time.perf_counter()
                with ready:
                    if slot:
                        slot.clear()
                        coach.note_dropped()  # replaced by a newer frame before the coach was free
                    slot.append((rgb, t_s, arrived))
                    ready.notify()
        except BaseException as e:  # reported in the main thread
            failure.append(e)
        finally:
            with ready:
                ended.set()
                ready.notify()

    feeder = threading.Thread(target=feed, name="formlab-live-feeder", daemon=True)
    feeder.start()
    try:
        while True:
            with ready:
                while not slot and not ended.is_set():
                    ready.wait(timeout=0.1)  # timed: Ctrl-C reaches the main thread at once
                if not slot:
                    break  # the source ended and every frame was taken
                rgb, t_s, arrived = slot.pop()
            update = coach.push(rgb, t_s)
            if on_update is not None:
                on_update(rgb, update)
            result.latency_s.append(time.perf_counter() - arrived)  # to the drawn result
    finally:
        stop.set()
        feeder.join(timeout=5.0)
    if failure:
        raise failure[0]
