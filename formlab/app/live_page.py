"""The app's "Coach live" page: the browser's camera in, the lifter's reps, verdicts and spoken cues out.

The page is :class:`formlab.live.widget.LiveCoachWidget` (the widget of notebook 06) with the
lift and the pose model chosen above it. Changing either replaces the coach (the previous one is
closed, its camera and pose model released). The camera needs a secure page: ``formlab app`` on
127.0.0.1 is one; a phone reaching the app over the network with ``--host 0.0.0.0`` is not
(plain http), and the page says so when the browser refuses the camera.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..exercises import exercise_names
from .session import SessionFolder

LIVE_MODELS: tuple[str, ...] = ("lite", "full")
"""Pose models offered live: ``lite`` keeps up with 30 fps on two cores (README, live tables)."""

INTRO = (
    "<p>Film yourself from the side, press <b>Start camera</b>, and lift. Each rep is counted once "
    "you are back at the start; its faults are spoken once per rep and listed below the preview. "
    "The checks and thresholds are those of <i>Analyse a video</i> (each lift's defaults). "
    "The camera works on this computer's own address (127.0.0.1) or over https.</p>"
)


class CoachLivePage:
    """The "Coach live" page of :func:`formlab.app.build_app`.

    Parameters
    ----------
    session : SessionFolder
        The session (the live coach writes no file; kept for the page interface).

    Attributes
    ----------
    title : str
    widget : ipywidgets.Widget
    coach : LiveCoachWidget or None
        The current coach (None until the page is built, and after :meth:`close`).
    """

    title = "Coach live"

    def __init__(self, session: SessionFolder):
        self.session = session
        self.lift = w.Dropdown(options=exercise_names(), value="squat", description="Lift")
        self.model = w.Dropdown(options=LIVE_MODELS, value="lite", description="Model")
        self.area = w.VBox([])
        row = w.HBox([self.lift, self.model])
        row.add_class("formlab-row")
        self.widget = w.VBox([w.HTML(INTRO), row, self.area])
        self.coach: Any = None
        self.lift.observe(self._rebuild, names="value")
        self.model.observe(self._rebuild, names="value")
        self._rebuild()

    def _rebuild(self, _change=None) -> None:
        from ..live.widget import LiveCoachWidget

        self.close()
        self.coach = LiveCoachWidget(exercise=self.lift.value, model=self.model.value)
        self.area.children = [self.coach]

    def close(self) -> None:
        """Close the current coach (its camera and pose model)."""
        if self.coach is not None:
            self.coach.close()
            self.coach = None
