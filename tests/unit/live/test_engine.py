"""The live coach on constructed sets (the pose model replaced by the set's own landmarks).

Counts and failing checks per rep must be those of the offline pipeline on the same set, and each
failing check is cued once per rep, with the check's own cue text.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future

import numpy as np
import pytest
from support import lift_poses
from support import synthetic_pose as sp

from formlab.core.errors import ConfigError, InputError
from formlab.exercises import get_exercise
from formlab.live import LiveCoach, LiveStats, LiveUpdate
from formlab.live import engine as engine_module
from formlab.live.rep_judge import HISTORY_S, judging_lookahead_s
from formlab.pipeline import steps
from formlab.signal.cleaning import CleanOptions

FRAME = np.zeros((8, 8, 3), dtype=np.uint8)  # the fake model ignores the pixels


def constructed(exercise: str, pose, n_reps: int = 3):
    key = f"_live_{exercise}"
    sp.EXERCISE_POSES[key] = pose
    try:
        track, _ = sp.exercise_track(key, n_reps)
    finally:
        del sp.EXERCISE_POSES[key]
    return track


@pytest.fixture
def fake_model(monkeypatch):
    """Replace MediaPipe by a track's landmarks, frame by frame in push order."""
    feed: dict = {}

    class FakeStream:
        def __init__(self, options=None):
            self.row = 0

        def detect(self, rgb, time_s):
            track = feed["track"]
            i, self.row = self.row, self.row + 1
            if not np.isfinite(track.xy_px[i]).all():
                return None
            return (
                track.xy_px[i],
                track.z[i],
                track.visibility[i],
                track.presence[i],
                track.world_m[i],
            )

        def close(self):
            feed["closed"] = True

    monkeypatch.setattr(engine_module, "PoseStream", FakeStream)
    return feed


def live_run(feed, track, exercise, **options):
    feed["track"] = track
    updates = []
    fps = 1.0 / float(np.median(np.diff(track.time_s)))
    most = 2 * engine_module.KEEP_FRAMES_S * fps + 2  # frames kept at most (memory stays bounded)
    with LiveCoach(exercise, **options) as coach:
        for t in track.time_s:
            updates.append(coach.push(FRAME, t))
            assert len(coach._raw["xy"]) <= most
        updates.append(coach.finish())
        stats = coach.stats
    return updates, stats


def offline_failures(track, exercise, extra_checks=()):
    clean = steps.clean(track)
    detection = steps.count_reps(clean, exercise)
    table = detection.to_frame()
    th = steps.resolve_thresholds(None, exercise)
    lift = get_exercise(exercise).with_checks(extra_checks)
    judged = steps.judge(clean, lift, th, reps=table, raw=track)
    names = [c.name for c in lift.checks]
    return [{n for n in names if row[n] == "fail"} for _, row in judged.reps.iterrows()]


def test_shallow_push_ups_counted_and_cued_once_per_rep_as_offline(fake_model):
    track = constructed("push_up", lift_poses.push_up(bottom_deg=115.0))
    updates, stats = live_run(fake_model, track, "push_up")
    events = [e for u in updates for e in u.events]
    reps = [e for e in events if e["event"] == "rep"]
    cues = [e for e in events if e["event"] == "cue"]
    offline = offline_failures(track, "push_up")
    assert len(reps) == len(offline) == 3
    assert any(offline), "the constructed set should fail a check"
    for n, failed in enumerate(offline, start=1):
        said = [c["check"] for c in cues if c["rep"] == n]
        assert sorted(said) == sorted(failed)  # every failing check, once
    texts = {c.name: c.cue for c in get_exercise("push_up").checks}
    assert all(c["text"] == texts[c["check"]] for c in cues)
    assert all(c["latency_s"] > 0 for c in cues)
    assert stats == LiveStats(
        frames_in=track.n_frames,
        frames_processed=track.n_frames,
        frames_dropped=0,
        reps=3,
        cues=len(cues),
        frames_with_pose=track.n_frames,
    )
    assert fake_model["closed"]


def test_good_squats_counted_without_cues(fake_model):
    track = constructed("squat", sp.squat)
    updates, stats = live_run(fake_model, track, "squat")
    offline = offline_failures(track, "squat")
    assert stats.reps == len(offline) == 3
    assert stats.cues == sum(len(f) for f in offline)
    assert updates[-1].rep_count == 3
    assert set(updates[-1].verdicts) == set(get_exercise("squat").check_names)


def test_a_requested_optional_check_is_judged_and_cued_as_offline(fake_model):
    def heels_up(p):  # squats on the toes: the heels rise 0.1 m at the bottom (27 deg), toes down
        pose = sp.squat(p)
        for side in ("left", "right"):
            ankle = pose[f"{side}_ankle"]
            pose[f"{side}_foot_index"] = ankle + np.array([0.0, 0.06, 0.15])
            pose[f"{side}_heel"] = ankle + np.array([0.0, 0.06 - 0.1 * p, -0.05])
        return pose

    track = constructed("squat", heels_up)
    plain, _ = live_run(fake_model, track, "squat")
    assert "heels_down" not in plain[-1].verdicts  # optional: not judged unless asked for
    updates, stats = live_run(fake_model, track, "squat", extra_checks=["heels_down"])
    offline = offline_failures(track, "squat", ["heels_down"])
    assert stats.reps == len(offline) == 3
    assert "heels_down" in updates[-1].verdicts
    cues = [e for u in updates for e in u.events if e["event"] == "cue"]
    for n, failed in enumerate(offline, start=1):
        assert sorted(c["check"] for c in cues if c["rep"] == n) == sorted(failed)
    assert any("heels_down" in f for f in offline), "the constructed set should fail heels_down"
    with pytest.raises(ConfigError, match="its optional checks: heels_down"):
        LiveCoach("squat", extra_checks=["heel_down"])


def test_frames_without_anybody_are_counted(fake_model):
    track = constructed("squat", sp.squat, n_reps=1)
    empty = dataclasses.replace(track, xy_px=np.full_like(track.xy_px, np.nan))
    _, stats = live_run(fake_model, empty, "squat")
    assert stats.frames_processed == track.n_frames and stats.frames_with_pose == 0
    _, stats = live_run(fake_model, track, "squat")
    assert stats.frames_with_pose == track.n_frames


def test_an_update_carries_what_to_draw(fake_model):
    track = constructed("squat", sp.squat, n_reps=1)
    fake_model["track"] = track
    with LiveCoach("squat", announce_reps=False) as coach:
        u = coach.push(FRAME, float(track.time_s[0]))
    assert isinstance(u, LiveUpdate)
    assert u.landmarks_xy.shape == (33, 2) and u.visibility.shape == (33,)
    assert np.allclose(u.landmarks_xy, track.xy_px[0] / 8.0)  # normalised by the frame's size
    assert u.rep_count == 0 and u.events == ()


def test_rep_events_say_the_count_only_when_asked(fake_model):
    track = constructed("squat", sp.squat, n_reps=1)
    for announce in (True, False):
        fake_model["track"] = track
        with LiveCoach("squat", announce_reps=announce) as coach:
            events = [e for t in track.time_s for e in coach.push(FRAME, t).events]
        rep = next(e for e in events if e["event"] == "rep")
        assert ("text" in rep) == announce


def test_dropped_frames_are_counted(fake_model):
    track = constructed("squat", sp.squat, n_reps=1)
    fake_model["track"] = track
    with LiveCoach("squat") as coach:
        coach.push(FRAME, 0.0)
        coach.note_dropped(2)
        coach.push(FRAME, 0.1)
        assert coach.stats.frames_in == 4
        assert coach.stats.frames_dropped == 2
        assert coach.stats.frames_processed == 2


def test_bad_input_is_refused_in_one_line(fake_model):
    fake_model["track"] = constructed("squat", sp.squat, n_reps=1)
    with LiveCoach("squat") as coach:
        coach.push(FRAME, 1.0)
        with pytest.raises(InputError, match="increase strictly"):
            coach.push(FRAME, 1.0)
        with pytest.raises(InputError, match="RGB uint8"):
            coach.push(np.zeros((8, 8), dtype=np.uint8), 2.0)
    with pytest.raises(ConfigError, match="by name"):
        LiveCoach("auto")
    with pytest.raises(ConfigError, match="unknown exercise"):
        LiveCoach("squatt")


def test_a_rep_is_judged_while_frames_keep_coming(fake_model, monkeypatch):
    """push() returns the rep at once; its cues follow when judged, at the latest from finish()."""
    release = threading.Event()
    real_judge = engine_module.judge_rep

    def held_judge(*args, **kwargs):
        release.wait(timeout=30)
        return real_judge(*args, **kwargs)

    monkeypatch.setattr(engine_module, "judge_rep", held_judge)
    track = constructed("push_up", lift_poses.push_up(bottom_deg=115.0), n_reps=1)
    fake_model["track"] = track
    with LiveCoach("push_up") as coach:
        events = [e for t in track.time_s for e in coach.push(FRAME, t).events]
        assert [e["event"] for e in events] == ["rep"]  # judged, not yet cued: push did not wait
        release.set()
        last = coach.finish()
    assert [e["event"] for e in last.events] == ["cue"]
    assert last.events[0]["rep"] == 1 and last.verdicts["depth"] == "fail"


def test_a_long_session_keeps_a_bounded_buffer_and_still_judges(fake_model):
    key = "_live_long_push_up"
    sp.EXERCISE_POSES[key] = lift_poses.push_up(bottom_deg=115.0)
    try:
        track, _ = sp.exercise_track(key, 1, fps=10.0, lead_s=130.0)
    finally:
        del sp.EXERCISE_POSES[key]
    updates, stats = live_run(fake_model, track, "push_up")
    events = [e for u in updates for e in u.events]
    assert stats.reps == 1
    assert [e["check"] for e in events if e["event"] == "cue"] == ["depth"]
    assert engine_module.KEEP_FRAMES_S * 2 * 10.0 < track.n_frames  # the buffer had to be trimmed


def test_a_declared_load_reaches_the_load_aware_rules(fake_model):
    """The barbell rack's elbows_up is judged for a barbell (or an unknown load) and not assessable
    for dumbbells, as offline (a live coach cannot look for plates: the lifter says what they hold)."""
    track = constructed("front_squat", sp.squat)
    judged, _ = live_run(fake_model, track, "front_squat")
    assert judged[-1].verdicts["elbows_up"] in ("pass", "fail", "uncertain")
    dumbbells, _ = live_run(fake_model, track, "front_squat", load="dumbbell")
    assert dumbbells[-1].verdicts["elbows_up"] == "not_assessable"
    with pytest.raises(ConfigError, match="kettlebell"):
        LiveCoach("front_squat", load="kettlebell")


def test_a_rep_is_judged_on_the_frames_offline_judges_it_with(fake_model, monkeypatch):
    """Each rep waits for the frames after its end that offline's two-sided steps read (the view's
    average, the jitter's RMS), and takes the past since HISTORY_S before its start (the bones'
    reference lengths over as many frames as offline has there)."""
    windows = []
    real_judge = engine_module.judge_rep

    def spy(raw, *args, **kwargs):
        windows.append((raw.time_s[0], raw.time_s[-1], kwargs["start_frame"], kwargs["end_frame"]))
        return real_judge(raw, *args, **kwargs)

    monkeypatch.setattr(engine_module, "judge_rep", spy)
    key = "_live_spaced_squat"
    sp.EXERCISE_POSES[key] = sp.squat
    try:  # 12 s of standing first: more past than HISTORY_S
        track, _ = sp.exercise_track(key, 3, lead_s=12.0)
    finally:
        del sp.EXERCISE_POSES[key]
    _, stats = live_run(fake_model, track, "squat")
    th = steps.resolve_thresholds(None, "squat")
    lookahead = judging_lookahead_s(th, CleanOptions())
    assert lookahead == 0.5 * th.view.smoothing_window_s  # the furthest-reaching step by default
    end_of_clip = track.time_s[-1]
    settled = [w for w in windows if w[1] >= min(track.time_s[w[3]] + lookahead, end_of_clip)]
    early = [w for w in windows if w not in settled]
    assert stats.reps == len(settled) == len(early) == 3  # judged when confirmed, and once settled
    for _, last_s, _, end in settled:
        end_s = track.time_s[end]
        assert last_s < end_s + lookahead + 0.1 or last_s == end_of_clip  # and no longer waited
    for first_s, _, start, _ in windows:
        start_s = track.time_s[start]
        assert first_s == pytest.approx(max(start_s - HISTORY_S, 0.0), abs=0.05)


@pytest.fixture
def judged_inline(monkeypatch):
    """Judge each rep at once, inside push(): which frame a cue comes with no longer depends on timing."""

    class Inline:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, fn, *args, **kwargs):
            future = Future()
            future.set_result(fn(*args, **kwargs))
            return future

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(engine_module, "ThreadPoolExecutor", Inline)


def cue_frames(feed, track, exercise, **options):
    """(rep event, its frame's time) and (cue event, its frame's time), pushing ``track``'s frames."""
    feed["track"] = track
    reps, cues = [], []
    with LiveCoach(exercise, **options) as coach:
        for t in track.time_s:
            for e in coach.push(FRAME, t).events:
                (reps if e["event"] == "rep" else cues).append((e, float(t)))
        for e in coach.finish().events:
            (reps if e["event"] == "rep" else cues).append((e, np.inf))
        assert coach.stats.cues_not_confirmed == 0
        return reps, cues, coach.lookahead_s


def test_a_fault_decided_at_the_bottom_is_cued_when_the_rep_is_confirmed(fake_model, judged_inline):
    """Shallow push-ups: the depth missed at the bottom cannot be undone by the frames still to come
    after the rep's end, so its cue comes with the rep, before those frames have come."""
    track = constructed("push_up", lift_poses.push_up(bottom_deg=115.0))
    reps, cues, lookahead = cue_frames(fake_model, track, "push_up")
    assert [e["rep"] for e, _ in reps] == [1, 2, 3]
    assert sorted((e["rep"], e["check"]) for e, _ in cues) == [(n, "depth") for n in (1, 2, 3)]
    for cue, said_at in cues:
        rep, confirmed_at = next((e, t) for e, t in reps if e["rep"] == cue["rep"])
        assert said_at == confirmed_at < rep["end_s"] + lookahead
    # asked not to cue early, the coach waits for every rep's settled judgement
    reps, late, lookahead = cue_frames(fake_model, track, "push_up", early_cues=False)
    assert sorted((e["rep"], e["check"]) for e, _ in late) == [(n, "depth") for n in (1, 2, 3)]
    for cue, said_at in late:
        rep = next(e for e, _ in reps if e["rep"] == cue["rep"])
        assert said_at >= rep["end_s"] + lookahead - 1e-3  # end_s is rounded to the millisecond


def test_a_fault_read_after_the_rep_waits_for_its_frames(fake_model, judged_inline):
    """Push-ups that never lock out: the lockout is looked for after the rep's end, so no early
    judgement can decide it; it is cued once the frames after the end have come, as offline."""
    track = constructed("push_up", lift_poses.push_up(top_deg=140.0))
    assert all("full_lockout" in f for f in offline_failures(track, "push_up"))
    reps, cues, lookahead = cue_frames(fake_model, track, "push_up")
    lockout = [(e, t) for e, t in cues if e["check"] == "full_lockout"]
    assert sorted(e["rep"] for e, _ in lockout) == [e["rep"] for e, _ in reps]
    for cue, said_at in lockout:
        rep = next(e for e, _ in reps if e["rep"] == cue["rep"])
        assert said_at >= rep["end_s"] + lookahead - 1e-3  # end_s is rounded to the millisecond


def test_a_stopped_camera_still_cues_the_rep_waiting_for_its_frames(fake_model):
    """Stopped just after the last rep was confirmed, before the frames after its end came: the
    rep is judged on what there is and cued; no rep is made of the stop (last_rep=False)."""
    track = constructed("push_up", lift_poses.push_up(bottom_deg=115.0), n_reps=1)
    fake_model["track"] = track
    with LiveCoach("push_up") as coach:
        events = []
        for t in track.time_s:
            events += coach.push(FRAME, t).events
            if any(e["event"] == "rep" for e in events):
                break  # Ctrl-C: the rep's half second after its end never comes
        assert [e["event"] for e in events] == ["rep"]
        last = coach.finish(last_rep=False)
    assert [(e["event"], e["check"]) for e in last.events] == [("cue", "depth")]
    assert last.rep_count == 1
