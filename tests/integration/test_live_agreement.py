"""Online equals offline on sample clips: the live coach fed the landmarks ``analyze`` found.

The pose model is replaced by the clip's own raw landmarks, frame by frame (every frame pushed,
none dropped), so that what is compared is the live path's reps and judging against offline's,
not two runs of MediaPipe. Each clip is one whose rep failed a check differently live before a fix:

* ``tfjs-models__pose_squats`` (5 fps): rep 2's ``feet_width`` is failed on the rep's last frame,
  whose camera view offline averages over the frames after it; live judged it at the window's
  edge (not assessable, "an oblique view") until the coach waited for those frames (its cue still
  waits for them: judged when the rep is confirmed, that fault is not decided yet);
* ``squatAnalysis-rohanx01__squat``: rep 1's ``start_position`` (0.178 +- 0.075 against 0.25)
  fails offline by a hair; with a second of past frames the bones' reference lengths, taken over
  the frames judged, made it ``uncertain`` live until the coach judged the rep with the past
  offline has (:data:`formlab.live.rep_judge.HISTORY_S`).
"""

from __future__ import annotations

import numpy as np
import pytest

import formlab
from formlab.exercises import get_exercise
from formlab.io import samples
from formlab.live import LiveCoach
from formlab.live import engine as engine_module

pytestmark = pytest.mark.media

FRAME = np.zeros((8, 8, 3), dtype=np.uint8)  # the replayed landmarks ignore the pixels


def replay(monkeypatch, raw) -> None:
    """Make the live coach's pose model return ``raw``'s landmarks in push order."""

    class Replay:
        def __init__(self, options=None):
            self.row = 0

        def detect(self, rgb, time_s):
            i, self.row = self.row, self.row + 1
            if not np.isfinite(raw.xy_px[i]).all():
                return None
            return raw.xy_px[i], raw.z[i], raw.visibility[i], raw.presence[i], raw.world_m[i]

        def close(self):
            pass

    monkeypatch.setattr(engine_module, "PoseStream", Replay)


def failing_per_rep(reps, checks) -> dict[int, set[str]]:
    return {int(r["rep"]): {c for c in checks if r[c] == "fail"} for _, r in reps.iterrows()}


@pytest.mark.parametrize(
    ("name", "check", "rep", "waits"),
    [
        ("tfjs-models__pose_squats", "feet_width", 2, True),
        ("squatAnalysis-rohanx01__squat", "start_position", 1, False),
    ],
)
def test_live_fails_the_checks_offline_fails_rep_by_rep(monkeypatch, name, check, rep, waits):
    lift = str(samples.sample_info(name)["exercise"])
    offline = formlab.analyze(samples.fetch(name), lift, extract_options={"model": "lite"})
    checks = [c.name for c in get_exercise(lift).checks if c.name in offline.reps.columns]
    expected = failing_per_rep(offline.reps, checks)
    assert check in expected[rep], "the clip no longer shows the case this test is about"
    found = str((offline.summary().get("load") or {}).get("load", "unknown"))
    raw = offline.raw_track
    replay(monkeypatch, raw)
    live: dict[int, set[str]] = {}
    with LiveCoach(lift, load="auto" if found == "unknown" else found) as coach:
        events = [e for t in raw.time_s for e in coach.push(FRAME, float(t)).events]
        events += coach.finish().events
    for e in events:
        live.setdefault(e["rep"], set())
        if e["event"] == "cue":
            live[e["rep"]].add(e["check"])
    assert live == expected
    assert coach.stats.cues_not_confirmed == 0  # no early cue its settled judgement did not fail
    reps = {e["rep"]: e for e in events if e["event"] == "rep"}
    cues = {(e["rep"], e["check"]): e["t_s"] for e in events if e["event"] == "cue"}
    assert all(t >= reps[n]["t_s"] for (n, _), t in cues.items())  # never before the rep
    if waits:  # failed on the rep's last frame, whose view needs the frames after it: not decided
        settled_s = min(reps[rep]["end_s"] + coach.lookahead_s, float(raw.time_s[-1]))
        assert cues[(rep, check)] >= settled_s - 1e-3
