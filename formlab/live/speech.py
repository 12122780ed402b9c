"""Saying cues aloud where the machine can: ``spd-say``, ``espeak-ng`` or ``espeak``, without waiting.

Speech must never hold up the coach (a cue takes a second to say; the next
frame is 33 ms away), so the speaker is started as a separate process and
not waited for. Where none of the programs is on the PATH (a server, a
container) :class:`Speaker` says nothing and ``formlab live`` prints the cue
instead, as it always also does.
"""

from __future__ import annotations

import shutil
import subprocess

__all__ = ["SPEECH_PROGRAMS", "Speaker"]

SPEECH_PROGRAMS: tuple[tuple[str, ...], ...] = (
    ("spd-say", "--wait-timeout", "0"),
    ("espeak-ng",),
    ("espeak",),
)
"""Programs tried in order, with the arguments put before the text: speech-dispatcher first (the
desktop's own voice), then eSpeak NG and eSpeak."""


class Speaker:
    """Speaks text with the first program of :data:`SPEECH_PROGRAMS` found (or not at all)."""

    def __init__(self, enabled: bool = True) -> None:
        self.command: tuple[str, ...] | None = None
        if enabled:
            for program in SPEECH_PROGRAMS:
                if shutil.which(program[0]):
                    self.command = program
                    break
        self._running: list[subprocess.Popen] = []

    @property
    def available(self) -> bool:
        """Whether anything will be heard."""
        return self.command is not None

    def say(self, text: str) -> None:
        """Start saying ``text`` and return at once."""
        if self.command is None:
            return
        self._running = [p for p in self._running if p.poll() is None]
        try:
            self._running.append(
                subprocess.Popen(
                    [*self.command, text],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        except OSError:  # the program vanished or cannot run: stay silent rather than stop coaching
            self.command = None

    def close(self, timeout_s: float = 5.0) -> None:
        """Let the last cues finish (up to ``timeout_s``), so a short clip's last cue is heard."""
        for p in self._running:
            try:
                p.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                p.kill()
        self._running = []
