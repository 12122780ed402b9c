"""The live coach in a notebook: the browser's camera in, skeleton, reps, verdicts and spoken cues out.

:class:`LiveCoachWidget` is an `anywidget <https://anywidget.dev>`_ whose front
end (``widget.js`` beside this module) opens the browser's camera, shows the
preview and sends frames to the kernel as JPEG bytes in comm messages, each
with its time stamp. The kernel decodes a frame (Pillow), gives it to a
:class:`~formlab.live.engine.LiveCoach` and answers with the landmarks, the
rep count, the verdicts of the last judged rep and the new rep/cue events;
the browser draws the skeleton over the preview (formlab's colours, those of
:mod:`formlab.viz.style`), speaks each cue (speech synthesis, a short beep
where speech is unavailable) and shows its text.

Why the browser and not the kernel opens the camera: the kernel may run on a
remote server or in Colab, where it has no camera; the comm channel is the one
path that works in JupyterLab, Notebook 7, Colab and on a remote server alike,
and needs no local files.

Why at most two frames in flight: the engine is synchronous (a frame's pose
takes tens of milliseconds on a laptop CPU). The browser sends a frame only
while fewer than :data:`DEFAULT_FRAMES_IN_FLIGHT` are unanswered; frames
grabbed meanwhile are dropped and counted (``LiveCoach.note_dropped``), so the
delay never grows. One in flight would leave the kernel idle for the rest of
each round trip (JPEG, websocket, drawing); the second keeps it busy.
"""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import numpy as np
import traitlets
from PIL import Image, UnidentifiedImageError

from ..core.errors import FormlabError, InputError
from ..core.landmarks import N_LANDMARKS, SKELETON_EDGES, edge_side, side_of
from ..exercises.registry import get_exercise
from ..pipeline.steps import resolve_thresholds
from ..viz.skeleton import FAINT_BELOW_VISIBILITY
from ..viz.style import SIDE_RGB, STATUS_RGB

if TYPE_CHECKING:
    from .engine import LiveCoach, LiveStats

_JS = Path(__file__).with_name("widget.js")
_log = logging.getLogger(__name__)

DEFAULT_MAX_FPS = 30.0
"""Frames per second the browser grabs at most (a camera gives 30; lower it to spare a slow kernel)."""

DEFAULT_SEND_WIDTH_PX = 640
"""Frames are scaled down to this width before sending: the pose models see 256 px anyway."""

DEFAULT_FRAMES_IN_FLIGHT = 2
"""Frames sent and not yet answered, at most. With one, the kernel idles for the rest of each
round trip (JPEG, websocket, drawing): in notebook 6 through JupyterLab on the shared 2-core
machine (load 5-8) a round trip took 75-128 ms (p50) of which the kernel's work 36-67 ms, and
34-44 % of the camera's frames were judged. A second frame waiting in the kernel's queue keeps it
busy: 51-59 % judged in two runs at load 6-7, at the price of the wait in the queue (round trip
118-172 ms p50); more would only queue up older frames."""

DEFAULT_JPEG_QUALITY = 0.8
"""JPEG quality of the frames sent (0-1): 0.8 keeps a 640 px frame near 40 kB."""


def front_end_style() -> dict[str, Any]:
    """What the browser needs to draw in formlab's style: edges with their side, colours, faint level."""
    return {
        "edges": [[a, b, edge_side((a, b))] for a, b in SKELETON_EDGES],
        "landmark_sides": [side_of(i) for i in range(N_LANDMARKS)],
        "sides": {k: list(v) for k, v in SIDE_RGB.items()},
        "verdicts": {k: list(v) for k, v in STATUS_RGB.items()},
        "faint_below_visibility": FAINT_BELOW_VISIBILITY,
    }


def decode_jpeg(data: bytes | memoryview) -> np.ndarray:
    """A JPEG (or PNG) frame sent by the browser as an RGB uint8 ``(H, W, 3)`` array; InputError if unreadable."""
    try:
        with Image.open(io.BytesIO(bytes(data))) as im:
            return np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError):
        raise InputError(
            f"live frame from the browser: {len(data)} bytes that are not a JPEG or PNG image"
        ) from None


def update_message(update, seq: int, process_ms: float) -> dict[str, Any]:
    """A :class:`~formlab.live.engine.LiveUpdate` as the JSON the browser draws from."""
    xy = update.landmarks_xy
    vis = update.visibility
    return {
        "type": "update",
        "seq": seq,
        "t_s": float(update.t_s),
        "landmarks_xy": None if xy is None else np.round(np.asarray(xy, float), 4).tolist(),
        "visibility": None if vis is None else np.round(np.asarray(vis, float), 3).tolist(),
        "rep_count": int(update.rep_count),
        "verdicts": dict(update.verdicts),
        "events": [dict(e) for e in update.events],
        "process_ms": round(process_ms, 1),
    }


class LiveCoachWidget(anywidget.AnyWidget):
    """The live coach on the browser's camera, for JupyterLab, Notebook 7 and Colab.

    Parameters
    ----------
    exercise : str
        A registered lift (``formlab exercises``); checked here, so a typo
        fails before the camera opens.
    model : str
        Pose model: ``"lite"`` (default: fastest, the live goal is set for
        it), ``"full"`` or ``"heavy"``.
    thresholds : FormThresholds or path, optional
        As :func:`formlab.analyze` takes them (default: the lift's own);
        checked here.
    max_fps : float
        Frames the browser grabs per second at most; 0 for every camera frame.
    frames_in_flight : int
        Frames sent and not yet answered, at most (see :data:`DEFAULT_FRAMES_IN_FLIGHT`).
    announce_reps : bool
        Say each rep's number as well as the cues.

    Attributes
    ----------
    events : list of dict
        Every rep and cue event of the session, as the engine logs them.
    coach : LiveCoach or None
        The running engine (None before Start and after Stop).
    stats : LiveStats or None
        The last session's engine statistics (frames in, processed, dropped, reps, cues).
    """

    _esm = _JS
    exercise = traitlets.Unicode().tag(sync=True)
    model = traitlets.Unicode("lite").tag(sync=True)
    max_fps = traitlets.Float(DEFAULT_MAX_FPS).tag(sync=True)
    send_width = traitlets.Int(DEFAULT_SEND_WIDTH_PX).tag(sync=True)
    jpeg_quality = traitlets.Float(DEFAULT_JPEG_QUALITY).tag(sync=True)
    frames_in_flight = traitlets.Int(DEFAULT_FRAMES_IN_FLIGHT).tag(sync=True)
    speak = traitlets.Bool(True).tag(sync=True)
    announce_reps = traitlets.Bool(True).tag(sync=True)
    style = traitlets.Dict().tag(sync=True)
    browser_stats = traitlets.Dict().tag(sync=True)
    """Set by the browser: frames sent and dropped, p50 latency (ms) from grab to drawn reply."""

    def __init__(
        self,
        exercise: str,
        *,
        model: str = "lite",
        thresholds=None,
        max_fps: float = DEFAULT_MAX_FPS,
        frames_in_flight: int = DEFAULT_FRAMES_IN_FLIGHT,
        announce_reps: bool = True,
        **kwargs,
    ):
        name = get_exercise(exercise).name  # ConfigError naming the accepted lifts
        # a bad thresholds file fails here, not after the camera opened
        resolved = resolve_thresholds(thresholds, name)
        if max_fps < 0:
            raise InputError(f"max_fps must be >= 0 (0: every camera frame), got {max_fps}")
        if (
            isinstance(frames_in_flight, bool)
            or not isinstance(frames_in_flight, int)
            or frames_in_flight < 1
        ):
            raise InputError(f"frames_in_flight must be an integer >= 1, got {frames_in_flight!r}")
        super().__init__(
            exercise=name,
            model=model,
            max_fps=float(max_fps),
            frames_in_flight=frames_in_flight,
            announce_reps=announce_reps,
            style=front_end_style(),
            **kwargs,
        )
        self.add_class("formlab-live-widget")
        self.thresholds = resolved
        self.events: list[dict] = []
        self.coach: LiveCoach | None = None
        self.stats: LiveStats | None = None
        self.process_ms: list[float] = []
        self._last_t_s = -np.inf
        self.on_msg(self._on_message)

    # ---------------------------------------------------------------- messages
    def _on_message(self, _widget, content: dict, buffers: list) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "start":
                self._start()
            elif kind == "frame":
                self._frame(content, buffers)
            elif kind == "stop":
                self._stop(int(content.get("dropped", 0)))
        except FormlabError as exc:
            self._stop(0)
            self.send({"type": "error", "message": str(exc)})
        except Exception as exc:
            # a bug, not bad input: shown in the widget (the kernel's log is out of sight) and logged
            self._stop(0)
            self.send({"type": "error", "message": f"{type(exc).__name__}: {exc}"})
            _log.exception("live coach: message %r failed", kind)

    def _start(self) -> None:
        from .engine import LiveCoach

        self._stop(0)
        self.events.clear()
        self.process_ms.clear()
        self._last_t_s = -np.inf
        self.coach = LiveCoach(
            self.exercise,
            thresholds=self.thresholds,
            model=self.model,
            announce_reps=self.announce_reps,
        )
        self.send({"type": "ready", "exercise": self.exercise, "model": self.model})

    def _frame(self, content: dict, buffers: list) -> None:
        if self.coach is None:  # a frame that crossed a Stop on the wire
            return
        if len(buffers) != 1:
            raise InputError(f"live frame message with {len(buffers)} buffers, expected one JPEG")
        if content.get("dropped"):
            self.coach.note_dropped(int(content["dropped"]))
        t_s = float(content["t_s"])
        if not t_s > self._last_t_s:
            raise InputError(
                f"live frame at {t_s} s after one at {self._last_t_s} s: time must increase"
            )
        self._last_t_s = t_s
        started = time.perf_counter()
        update = self.coach.push(decode_jpeg(buffers[0]), t_s)
        process_ms = (time.perf_counter() - started) * 1000
        self.process_ms.append(process_ms)
        self.events.extend(dict(e) for e in update.events)
        self.send(update_message(update, int(content.get("seq", 0)), process_ms))

    def close(self) -> None:
        """Release the pose model (if a session is running) and the widget."""
        self._stop(0)
        super().close()

    def _stop(self, dropped: int) -> None:
        coach = getattr(
            self, "coach", None
        )  # None also when __init__ failed (close() from __del__)
        self.coach = None
        if coach is None:
            return
        if dropped:
            coach.note_dropped(dropped)
        final = coach.finish()  # reps still being judged: their cues are not lost on Stop
        self.events.extend(dict(e) for e in final.events)
        if final.events and self.comm is not None:
            self.send(update_message(final, -1, 0.0))
        self.stats = coach.stats
        coach.close()
