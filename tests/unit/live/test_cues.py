"""The rule of cues: at most one per failing check per rep, with the check's own text."""

from __future__ import annotations

from formlab.live.cues import CueGate, cue_event, rep_event


def test_one_cue_per_check_per_rep():
    gate = CueGate()
    texts = {"depth": "Squat deeper", "knees_out": "Knees out"}
    assert gate.cues(1, ["depth", "knees_out", "depth"], texts) == [
        ("depth", "Squat deeper"),
        ("knees_out", "Knees out"),
    ]
    assert gate.cues(1, ["depth", "knees_out"], texts) == []  # the same rep judged again: silence
    assert gate.cues(2, ["depth"], texts) == [("depth", "Squat deeper")]  # the next rep may repeat
    assert gate.given == 3


def test_a_check_without_text_is_said_in_words():
    assert CueGate().cues(1, ["hips_level"], {}) == [("hips_level", "Hips level")]


def test_events_are_the_log_lines():
    assert rep_event(3, 4.56789) == {"event": "rep", "rep": 3, "t_s": 4.568}
    e = cue_event("depth", 3, 5.0, 0.8, "Squat deeper")
    assert e == {
        "event": "cue",
        "check": "depth",
        "rep": 3,
        "t_s": 5.0,
        "latency_s": 0.8,
        "text": "Squat deeper",
    }
