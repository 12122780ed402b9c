"""What the live coach says, and the rule that it says each thing at most once per rep.

A cue is a check's own ``cue`` text (at most six words, :class:`formlab.form.check.Check`),
given when a confirmed rep fails that check. :class:`CueGate` holds the rule
"at most one cue per failing check per rep" in one place, so that a rep judged
twice (or a caller that asks again) never repeats itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["CueGate", "cue_event", "rep_event"]


def rep_event(rep: int, t_s: float) -> dict:
    """The log line of a confirmed rep: ``{"event": "rep", "rep": N, "t_s": ...}``."""
    return {"event": "rep", "rep": int(rep), "t_s": round(float(t_s), 3)}


def cue_event(check: str, rep: int, t_s: float, latency_s: float, text: str) -> dict:
    """The log line of a cue: the check, the rep, when it was given and how long after the rep's turning point."""
    return {
        "event": "cue",
        "check": check,
        "rep": int(rep),
        "t_s": round(float(t_s), 3),
        "latency_s": round(float(latency_s), 3),
        "text": text,
    }


class CueGate:
    """Lets through at most one cue per (rep, check).

    Examples
    --------
    >>> gate = CueGate()
    >>> gate.cues(1, ["depth", "depth"], {"depth": "Squat deeper"})
    [('depth', 'Squat deeper')]
    >>> gate.cues(1, ["depth"], {"depth": "Squat deeper"})
    []
    """

    def __init__(self) -> None:
        self._given: set[tuple[int, str]] = set()

    def cues(
        self, rep: int, failed: Sequence[str], texts: Mapping[str, str]
    ) -> list[tuple[str, str]]:
        """``(check, text)`` for each failed check of ``rep`` not yet cued, in the order given."""
        out = []
        for check in failed:
            key = (int(rep), str(check))
            if key in self._given:
                continue
            self._given.add(key)
            out.append((check, texts.get(check) or check.replace("_", " ").capitalize()))
        return out

    @property
    def given(self) -> int:
        """Number of cues let through so far."""
        return len(self._given)
