"""Live coaching: a camera (or a video played as one) in, rep count, verdicts and spoken cues out.

See :mod:`formlab.live.engine` for how a frame is handled and ``formlab live`` for the command.
"""

from .engine import LiveCoach, LiveStats, LiveUpdate

__all__ = ["LiveCoach", "LiveStats", "LiveUpdate"]
