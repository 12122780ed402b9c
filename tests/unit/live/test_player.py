"""Feeding the coach: every frame as fast as possible, or in real time taking the newest frame when free."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from formlab.core.errors import InputError
from formlab.live.engine import LiveUpdate
from formlab.live.player import play
from formlab.live.sources import FrameSource, open_source


class SlowCoach:
    """Stands in for LiveCoach: takes ``busy_s`` per frame and counts what it sees."""

    def __init__(self, busy_s: float) -> None:
        self.busy_s = busy_s
        self.pushed: list[float] = []
        self.dropped = 0
        self.finished = False
        self.last_rep = None

    def push(self, rgb, t_s):
        time.sleep(self.busy_s)
        self.pushed.append(t_s)
        return LiveUpdate(t_s, None, None, 0, {}, ())

    def note_dropped(self, n=1):
        self.dropped += n

    def finish(self, *, last_rep=True):
        self.finished = True
        self.last_rep = last_rep
        return LiveUpdate(0.0, None, None, 0, {}, ())


def frames(n: int, fps: float):
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    return FrameSource("test", False, iter([(rgb, k / fps) for k in range(n)]))


def test_as_fast_as_possible_pushes_every_frame():
    coach = SlowCoach(0.0)
    result = play(frames(20, 30.0), coach, realtime=False)
    assert len(coach.pushed) == 20 and coach.dropped == 0 and coach.finished
    assert len(result.latency_s) == 20


def test_real_time_drops_frames_that_arrive_while_busy():
    """At 50 fps with 50 ms per frame, about every other frame or more arrives while busy."""
    coach = SlowCoach(0.05)
    start = time.perf_counter()
    result = play(frames(25, 50.0), coach, realtime=True)
    wall = time.perf_counter() - start
    assert coach.dropped + len(coach.pushed) == 25
    assert coach.dropped >= 8
    assert coach.pushed == sorted(coach.pushed)
    assert wall >= 24 / 50.0  # frames were delivered at their timestamps, not all at once
    assert min(result.latency_s) >= 0.05


def test_a_frame_arriving_while_busy_waits_and_only_a_newer_one_drops_it():
    """As a camera driver's one-frame buffer: when the coach is free it takes the newest frame
    at once instead of idling until the next arrives (a 15 ms frame at 60 fps: every other
    frame was dropped when a frame arriving while busy was dropped outright)."""
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    started, release = threading.Event(), threading.Event()

    class BlockingCoach(SlowCoach):
        def push(self, rgb, t_s):
            if t_s == 0.0:
                started.set()
                assert release.wait(5)
            return super().push(rgb, t_s)

    def camera():
        yield rgb, 0.0
        assert started.wait(5)  # the coach is busy with the first frame
        yield rgb, 0.1  # waits for it...
        yield rgb, 0.2  # ...until this newer one replaces it
        release.set()

    coach = BlockingCoach(0.0)
    play(FrameSource("0", True, camera()), coach, realtime=True)
    assert coach.pushed == [0.0, 0.2] and coach.dropped == 1


def test_real_time_keeps_every_frame_when_fast_enough():
    coach = SlowCoach(0.0)
    play(frames(15, 30.0), coach, realtime=True)
    assert coach.dropped == 0 and len(coach.pushed) == 15


def test_a_missing_file_or_camera_is_one_line_naming_it(tmp_path):
    with pytest.raises(InputError, match="nope.mp4: no such file"):
        open_source(str(tmp_path / "nope.mp4"))
    with pytest.raises(InputError, match="^/dev/video97: the camera cannot be opened"):
        open_source("/dev/video97")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    with pytest.raises(InputError, match="notes.mp4"):
        open_source(str(text))


def test_ctrl_c_ends_a_cameras_session_and_interrupts_a_file():
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)

    def stopped_after(n):
        for k in range(n):
            yield rgb, k / 100
        raise KeyboardInterrupt  # as Ctrl-C arrives

    coach = SlowCoach(0.0)
    result = play(FrameSource("0", True, stopped_after(5)), coach, realtime=True)
    assert result.stopped and len(coach.pushed) + coach.dropped == 5
    # the reps still waiting for their frames are judged; no rep is made of a stop mid-movement
    assert coach.finished and coach.last_rep is False
    with pytest.raises(KeyboardInterrupt):
        play(FrameSource("f.mp4", False, stopped_after(5)), SlowCoach(0.0), realtime=True)
