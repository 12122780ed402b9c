"""The live coach: frames in as they arrive, skeleton, rep count, verdicts and cues out.

:class:`LiveCoach` is causal end to end. Each :meth:`LiveCoach.push` runs

1. the pose model on the frame (:class:`formlab.pose.stream.PoseStream`:
   MediaPipe's VIDEO mode on the arrival times);
2. MediaPipe's own One-Euro smoothing of the landmarks, one sample at a time
   (:class:`formlab.signal.one_euro.OneEuroStream` with the presets
   :func:`formlab.clean_track` uses offline);
3. the lift's rep signal (:mod:`formlab.exercises.features`) and its pose
   conditions on the smoothed frame, fed to :class:`~formlab.live.rep_stream.RepStream`,
   which confirms a rep once its turning point is passed and the lifter is back;
4. on a confirmed rep, its event at once, and the rep judged at once on the
   frames so far, exactly as ``formlab analyze`` judges it
   (:func:`formlab.live.rep_judge.judge_rep`, in a thread of its own so that
   the frames keep coming): a cue for each fault already decided, one the
   frames still to come cannot undo (:func:`formlab.live.decided.decided_failures`:
   a depth missed at the bottom, a fault held long enough well inside the rep);
5. once the frames its verdicts depend on have come
   (:func:`~formlab.live.rep_judge.judging_lookahead_s` after its end, 0.5 s
   by default), the rep judged again on them, as offline: its verdicts, and a
   cue for each failing check not cued yet (:class:`~formlab.live.cues.CueGate`:
   at most one per check per rep).

The caller owns the clock: ``push`` is synchronous, and frames that arrive
while it is busy are dropped by the caller and reported with
:meth:`LiveCoach.note_dropped` (the widget, ``formlab live`` and the benchmark
all do this).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.landmarks import N_LANDMARKS
from ..core.track import PoseTrack, TrackMeta
from ..exercises import AUTO, check_exercise_name, get_exercise, pose_feature
from ..exercises.features import lifter_shift_torso
from ..form.thresholds import FormThresholds
from ..pipeline import steps
from ..pipeline.variant import check_load
from ..pose.options import ExtractOptions
from ..pose.stream import PoseStream
from ..reps.detection import RepDetectorParams
from ..signal.cleaning import CleanOptions
from ..signal.one_euro import MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO, OneEuroStream
from ..signal.smoothing import object_scale_px
from .cues import CueGate, cue_event, rep_event
from .decided import judged_early
from .rep_judge import HISTORY_S, judge_rep, judging_lookahead_s
from .rep_stream import RepStream, StreamRep

__all__ = ["KEEP_FRAMES_S", "LiveCoach", "LiveStats", "LiveUpdate"]

KEEP_FRAMES_S = 60.0
"""Seconds of past frames kept for judging reps (a rep and :data:`~formlab.live.rep_judge.HISTORY_S`
before it): memory stays bounded in a session of any length."""


@dataclass(frozen=True)
class LiveStats:
    """Counters of a live session (``frames_in`` = processed + dropped).

    ``frames_with_pose``: processed frames in which the pose model found a
    person; 0 at the end of a source means nobody was in view, which
    ``formlab live`` says rather than report "0 reps" as if a set was seen.
    ``cues_not_confirmed``: cues given at a rep's confirmation for a fault
    decided then (:mod:`formlab.live.decided`) that its judgement once its
    frames had settled did not fail (a cue offline would not give; 0 on every
    sample clip).
    """

    frames_in: int
    frames_processed: int
    frames_dropped: int
    reps: int
    cues: int
    frames_with_pose: int = 0
    cues_not_confirmed: int = 0

    def to_dict(self) -> dict:
        """Plain dict, for the log's summary line."""
        return asdict(self)


@dataclass(frozen=True)
class LiveUpdate:
    """What one :meth:`LiveCoach.push` gives back: what to draw and what to say.

    Attributes
    ----------
    t_s : float
        The frame's timestamp.
    landmarks_xy : ndarray (33, 2) or None
        Smoothed landmarks in normalised image coordinates (x right, y down, 0-1); None without a pose.
    visibility : ndarray (33,) or None
        MediaPipe's visibility of each landmark.
    rep_count : int
        Reps confirmed so far.
    verdicts : dict
        Check -> ``"pass"``/``"fail"``/``"uncertain"``/``"not_assessable"`` of the last judged rep.
    events : tuple of dict
        New events since the last push, exactly the JSON lines of the log:
        ``{"event": "rep", "rep": N, "t_s": ..., "turn_s": ..., "end_s": ...}`` (``t_s``
        when it was confirmed; plus ``"text"``, the count to say, when reps are
        announced) and ``{"event": "cue", "check": NAME, "rep": N, "t_s": ...,
        "latency_s": ..., "text": ...}``, ``latency_s`` counted from the rep's turning
        point. A fault decided when the rep is confirmed is cued as soon as the rep
        is judged (in a thread, while frames keep coming); the others about
        :attr:`LiveCoach.lookahead_s` after the rep's end, once its frames have
        settled; all at the latest from :meth:`LiveCoach.finish`.
    """

    t_s: float
    landmarks_xy: np.ndarray | None
    visibility: np.ndarray | None
    rep_count: int
    verdicts: dict[str, str]
    events: tuple[dict, ...]


class LiveCoach:
    """Live coaching of one lift (see the module docstring).

    Parameters
    ----------
    exercise : str
        A lift by name (``"auto"`` is not available live: a lift is recognised from whole reps).
    thresholds : FormThresholds or path, optional
        As for :func:`formlab.analyze` (default: the lift's own).
    model : {"lite", "full", "heavy"} or path
        The pose model; ``"lite"`` keeps up with 30 fps on a small machine.
    announce_reps : bool
        Whether rep events carry the count to say (``"text"``).
    clean_options : CleanOptions, optional
        The cleaning applied to a rep's frames before it is judged (as in ``analyze``).
    extra_checks : sequence of str
        Optional checks of the lift to judge and cue as well (``heels_down``), as
        ``extra_checks`` of :func:`formlab.analyze`; a name the lift does not have is a
        ConfigError naming its optional checks.
    load : {"auto", "barbell", "dumbbell", "bodyweight"}
        What the lift is done with, as ``load`` of :func:`formlab.analyze`. A live coach
        cannot look for plates: ``"auto"`` is the lift's own load, else the barbell the
        load-aware rules were written for; say ``"dumbbell"`` for dumbbells in a front rack.
    early_cues : bool
        Judge a rep when it is confirmed and cue the faults already decided (the default);
        False: every cue waits for the judgement once the rep's frames have settled.

    Attributes
    ----------
    lookahead_s : float
        Seconds a rep waits after its end before it is judged for its verdicts
        (:func:`~formlab.live.rep_judge.judging_lookahead_s` of the thresholds,
        cleaning and checks: 0.5 s by default, 1.5 s for a lift whose lockout is
        looked for after the rep), so that its last frames are judged as offline;
        a fault decided earlier is cued when the rep is confirmed.
    """

    def __init__(
        self,
        exercise: str,
        *,
        thresholds: FormThresholds | str | None = None,
        model: str = "lite",
        announce_reps: bool = True,
        clean_options: CleanOptions | None = None,
        extra_checks: Sequence[str] = (),
        load: str = "auto",
        early_cues: bool = True,
    ) -> None:
        name = check_exercise_name(exercise)
        self.load = check_load(load)
        if name == AUTO:
            raise ConfigError(
                "live coaching needs the lift by name (--exercise auto recognises a lift from whole reps)"
            )
        self.exercise = get_exercise(name).with_checks(extra_checks)
        self.thresholds = steps.resolve_thresholds(thresholds, name)
        self.clean_options = CleanOptions.coerce(clean_options)
        self.announce_reps, self.early_cues = bool(announce_reps), bool(early_cues)
        self._cue_texts = {c.name: c.cue for c in self.exercise.checks}
        params = RepDetectorParams().with_overrides(self.exercise.detector)
        self._reps = RepStream(
            self.exercise.turning_point, params, self._conditions, self._feet_stayed
        )
        self._gate = CueGate()
        self._pose = PoseStream(ExtractOptions(model=model))
        self._last_pose_s: float | None = None
        self._new_filters()
        self._features: dict[str, list[float]] = {c.feature: [] for c in self.exercise.requires}
        self._feature_filters = {f: self._reps.new_lowpass() for f in self._features}
        self._raw: dict[str, list[np.ndarray]] = {
            k: [] for k in ("xy", "z", "vis", "pres", "world")
        }
        self._time: list[float] = []
        self._raw_from = 0  # index (among the frames pushed) of the oldest frame kept in _raw
        self._frames_in = self._dropped = self._with_pose = 0
        self._verdicts: dict[str, str] = {}
        self._size: tuple[int, int] | None = None
        self._closed = False
        self._judging = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formlab-live-judge")
        self._reach_s = judging_lookahead_s(self.thresholds, self.clean_options)
        self.lookahead_s = judging_lookahead_s(
            self.thresholds, self.clean_options, self.exercise.checks
        )
        self._waiting: list[StreamRep] = []  # confirmed, waiting for the frames after their end
        # being judged: the rep, the stream time and wall clock when handed over, whether early
        self._pending: list[tuple[StreamRep, float, float, Future, bool]] = []
        self._early_cued: dict[int, set[str]] = {}  # rep -> checks cued at its confirmation
        self._not_confirmed = 0
        _warm_up()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LiveCoach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the pose model and the judging thread (a rep still being judged is not cued)."""
        if not self._closed:
            self._judging.shutdown(wait=True, cancel_futures=True)
            self._pose.close()
            self._closed = True

    @property
    def stats(self) -> LiveStats:
        """Frames in, processed and dropped; reps and cues so far."""
        return LiveStats(
            frames_in=self._frames_in + self._dropped,
            frames_processed=self._frames_in,
            frames_dropped=self._dropped,
            reps=len(self._reps.reps),
            cues=self._gate.given,
            frames_with_pose=self._with_pose,
            cues_not_confirmed=self._not_confirmed,
        )

    def note_dropped(self, n: int = 1) -> None:
        """Count ``n`` frames the caller dropped because :meth:`push` was busy."""
        self._dropped += int(n)

    # ------------------------------------------------------------------ frames
    def push(self, frame_rgb: np.ndarray, t_s: float) -> LiveUpdate:
        """Run pose on one RGB ``uint8`` (H, W, 3) frame stamped ``t_s`` seconds and update the state.

        Timestamps must increase strictly from push to push.
        """
        clock = time.perf_counter()
        if self._closed:
            raise InputError("LiveCoach.push: the coach is closed")
        t = float(t_s)
        if not np.isfinite(t) or (self._time and t <= self._time[-1]):
            last = self._time[-1] if self._time else None
            raise InputError(f"LiveCoach.push: t_s must increase strictly, got {t_s} after {last}")
        frame = np.asarray(frame_rgb)
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise InputError(
                f"LiveCoach.push: frame must be RGB uint8 of shape (H, W, 3), got {frame.dtype} {frame.shape}"
            )
        h, w = frame.shape[:2]
        self._size = (w, h)
        pose = self._pose.detect(frame, t)
        self._frames_in += 1
        self._with_pose += pose is not None
        self._time.append(t)
        nan = np.nan
        xy, z, vis, pres, world = pose or (
            np.full((N_LANDMARKS, 2), nan),
            np.full(N_LANDMARKS, nan),
            np.full(N_LANDMARKS, nan),
            np.full(N_LANDMARKS, nan),
            np.full((N_LANDMARKS, 3), nan),
        )
        for key, a in zip(("xy", "z", "vis", "pres", "world"), (xy, z, vis, pres, world)):
            self._raw[key].append(a)
        if t - self._time[self._raw_from] > 2 * KEEP_FRAMES_S:  # a long session: forget the oldest
            drop = int(np.searchsorted(self._time, t - KEEP_FRAMES_S)) - self._raw_from
            for frames in self._raw.values():
                del frames[:drop]
            self._raw_from += drop
        if pose is None:  # skipped by the smoothers: a short gap is bridged, as cleaning fills it
            xy_s, world_s = xy, world
        else:
            if (
                self._last_pose_s is not None
                and t - self._last_pose_s > self.clean_options.max_gap_s
            ):
                self._new_filters()  # a gap the cleaning would not fill: start the smoothing afresh
            self._last_pose_s = t
            scale = float(object_scale_px(_one_frame(xy, z, vis, pres, world, t))[0])
            xy_s = self._xy_filter.step(xy.reshape(-1), t, 1.0 / scale).reshape(N_LANDMARKS, 2)
            world_s = self._world_filter.step(world.reshape(-1), t).reshape(N_LANDMARKS, 3)
        one = _one_frame(xy_s, z, vis, pres, world_s, t)
        for feature, values in self._features.items():
            values.append(self._lowpassed(feature, float(pose_feature(one, feature)[0]), t))
        value = float(self.exercise.signal.compute(one)[0])
        events: list[dict] = []
        rep = self._reps.push(t, value)
        if rep is not None:
            events += self._on_rep(rep, t, clock, early=True)
        self._judge_due(t, clock, final=False)
        events += self._judged(wait=False)
        return LiveUpdate(
            t_s=t,
            landmarks_xy=(xy_s / np.array([w, h])) if pose is not None else None,
            visibility=vis.copy() if pose is not None else None,
            rep_count=len(self._reps.reps),
            verdicts=dict(self._verdicts),
            events=tuple(events),
        )

    def finish(self, *, last_rep: bool = True) -> LiveUpdate:
        """End of the stream: a last rep held at its turning point (``last_rep``), the last cues.

        Judges the reps still waiting for the frames after their end (there
        will be none) and waits for those being judged, so that their cues are
        not lost. ``formlab live`` calls it when a file ends, counting a last
        rep the clip ends on as ``analyze`` does (a deadlift lockout), and with
        ``last_rep=False`` when a camera's session is stopped (a lifter
        stopping the coach mid-rep has not done one).
        """
        clock = time.perf_counter()
        t = self._time[-1] if self._time else 0.0
        rep = self._reps.finish() if last_rep else None
        events = self._on_rep(rep, t, clock, early=False) if rep is not None else []
        self._judge_due(t, clock, final=True)  # no more frames to wait for
        events += self._judged(wait=True)  # every rep's cues before the stream ends
        return LiveUpdate(
            t_s=t,
            landmarks_xy=None,
            visibility=None,
            rep_count=len(self._reps.reps),
            verdicts=dict(self._verdicts),
            events=tuple(events),
        )

    # ------------------------------------------------------------------ internals
    def _new_filters(self) -> None:
        """Fresh One-Euro filters (MediaPipe's presets, as :func:`formlab.clean_track` uses)."""
        image, world = MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO
        self._xy_filter = OneEuroStream(
            N_LANDMARKS * 2,
            min_cutoff_hz=image.min_cutoff_hz,
            beta=image.beta,
            derivate_cutoff_hz=image.derivate_cutoff_hz,
        )
        self._world_filter = OneEuroStream(
            N_LANDMARKS * 3,
            min_cutoff_hz=world.min_cutoff_hz,
            beta=world.beta,
            derivate_cutoff_hz=world.derivate_cutoff_hz,
        )

    def _lowpassed(self, feature: str, value: float, t: float) -> float:
        """``value`` low-passed like the rep signal (NaN skipped), so conditions read as offline."""
        if not np.isfinite(value):
            return float("nan")
        for stage in self._feature_filters[feature]:
            value = float(stage.step([value], t)[0])
        return value

    def _conditions(self, start: int, turn: int) -> str:
        """The lift's pose conditions for a candidate rep: "" if they hold, else why not."""
        for c in self.exercise.requires:
            v = self._features[c.feature]
            x = v[turn] if c.at == "turn" else v[start] if c.at == "start" else v[turn] - v[start]
            if not bool(c.passes(np.array([x]))[0]):
                return f"pose check failed: {c.describe()}"
        return ""

    def _feet_stayed(self, start: int, now: int) -> str:
        """The reason the rep is none if the lift keeps its feet planted and the lifter stepped since its start."""
        limit = self.exercise.max_lifter_shift_torso
        first = max(start - self._raw_from, 0)
        if limit is None or now - self._raw_from < first + 1:
            return ""
        sl = slice(first, now - self._raw_from + 1)
        shift = lifter_shift_torso(np.stack(self._raw["xy"][sl]), np.stack(self._raw["vis"][sl]))
        if shift > limit:
            return f"the lifter moved {shift:.2f} torso lengths, feet and hips (a step: walking out or racking)"
        return ""

    def _window(self, rep: StreamRep) -> PoseTrack:
        """The raw frames from :data:`HISTORY_S` before the rep's start (or the oldest kept) to now."""
        t = np.asarray(self._time)
        first = max(int(np.searchsorted(t, rep.start_s - HISTORY_S)), self._raw_from)
        sl = slice(first - self._raw_from, len(t) - self._raw_from)
        w, h = self._size or (0, 0)
        return PoseTrack(
            xy_px=np.stack(self._raw["xy"][sl]),
            z=np.stack(self._raw["z"][sl]),
            visibility=np.stack(self._raw["vis"][sl]),
            presence=np.stack(self._raw["pres"][sl]),
            world_m=np.stack(self._raw["world"][sl]),
            time_s=t[first:],
            frame=np.arange(first, len(t)),
            meta=TrackMeta(source="live", width_px=w, height_px=h),
        )

    def _on_rep(self, rep: StreamRep, t: float, clock: float, early: bool) -> list[dict]:
        """The rep's event now, and (``early``) its judging on the frames so far for the decided faults.

        Its judging for the verdicts waits for the frames after its end; a rep
        confirmed once they have come needs no early judging.
        """
        event = rep_event(rep.number, rep.confirmed_s)
        event["turn_s"] = round(rep.turn_s, 3)
        event["end_s"] = round(rep.end_s, 3)
        if self.announce_reps:
            event["text"] = str(rep.number)
        if early and self.early_cues and t < rep.end_s + self.lookahead_s:
            self._submit(rep, t, clock, settled_s=t - self._reach_s)
        self._waiting.append(rep)
        return [event]

    def _submit(self, rep: StreamRep, t: float, clock: float, settled_s: float | None) -> None:
        """Hand the rep's frames so far to the judging thread (``settled_s``: early, see :mod:`.decided`)."""
        judge = functools.partial(
            judge_rep,
            self._window(rep),
            self.exercise,
            self.thresholds,
            rep=rep.number,
            start_frame=rep.start_index,
            turn_frame=rep.turn_index,
            end_frame=rep.end_index,
            clean_options=self.clean_options,
            load=self.load,
        )
        if settled_s is None:
            future = self._judging.submit(judge)
        else:
            future = self._judging.submit(
                judged_early, judge, self.exercise, self.thresholds, settled_s
            )
        self._pending.append((rep, t, clock, future, settled_s is not None))

    def _judge_due(self, t: float, clock: float, final: bool) -> None:
        """Hand the reps whose frames have all come (``final``: every rep) to the judging thread.

        A rep is due once a frame :attr:`lookahead_s` past its end has come:
        offline judges its last frames with those after them. Judging takes
        40-300 ms, several frame intervals: done inside :meth:`push` it would
        drop frames.
        """
        while self._waiting and (final or t >= self._waiting[0].end_s + self.lookahead_s):
            self._submit(self._waiting.pop(0), t, clock, settled_s=None)

    def _judged(self, wait: bool) -> list[dict]:
        """Cue events of the reps judged since the last call, in rep order (``wait``: all of them)."""
        events: list[dict] = []
        while self._pending and (wait or self._pending[0][3].done()):
            rep, t, clock, future, early = self._pending.pop(0)
            judged = future.result()
            cued = self._early_cued.setdefault(rep.number, set())
            if early:
                cued.update(judged.failed)
            else:  # the rep's verdicts; a fault cued early that they do not fail was cued wrongly
                self._verdicts = judged.verdicts
                self._not_confirmed += len(cued - set(judged.failed))
                del self._early_cued[rep.number]
            # when the cue is out, on the stream's clock: the frame that handed the rep over plus the wait
            said_s = t + (time.perf_counter() - clock)
            for check, text in self._gate.cues(rep.number, judged.failed, self._cue_texts):
                events.append(cue_event(check, rep.number, said_s, said_s - rep.turn_s, text))
        return events


def _warm_up() -> None:
    """Import now what judging a rep imports lazily.

    SciPy's signal module takes about a second to import on a small machine:
    the first rep's cue would otherwise come a second late.
    """
    import scipy.interpolate
    import scipy.signal  # noqa: F401


def _one_frame(xy, z, vis, pres, world, t: float) -> PoseTrack:
    """A one-frame track, so that a frame's signal and features are computed by the offline code."""
    return PoseTrack(
        xy_px=xy[None],
        z=z[None],
        visibility=vis[None],
        presence=pres[None],
        world_m=world[None],
        time_s=np.array([t]),
        frame=np.zeros(1, dtype=np.int64),
    )
