"""The rep detector's settings, and what it finds: :class:`Rep` and :class:`RepDetection`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.config import Settings, param, settings

TurningPoint = Literal["bottom", "top"]


# =============================================================================
# Parameters
# =============================================================================
@settings
class RepDetectorParams(Settings):
    """Settings of the rep detector, in seconds, hertz and fractions of the movement (never frames).

    Each field carries its unit, valid range, meaning and the reason for its
    default (listed below); :meth:`with_overrides` applies a lift's own
    values (:attr:`formlab.exercises.Exercise.detector`).
    """

    name = "rep_detector"
    cutoff_hz: float = param(
        default=2.0,
        unit="Hz",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Low-pass cut-off applied to the signal (zero-phase 2nd-order Butterworth). Lowered automatically "
        "to 80 % of the Nyquist frequency on low-frame-rate videos.",
        source="formlab: reps last 0.8 s (jumping jacks) to 5 s (slow squats), i.e. below ~1.2 Hz; 2 Hz keeps their "
        "shape and timing and removes landmark jitter.",
    )
    max_gap_s: float = param(
        default=0.5,
        unit="s",
        lo=0,
        hi=None,
        meaning="Gaps in the signal (frames without a pose) up to this long are interpolated; a longer gap splits "
        "the clip into parts treated like separate clips (a rep must be seen going into its turning point "
        "within one part).",
        source="formlab: half a second is shorter than any rep's descent.",
    )
    min_prominence_frac: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        lo_open=True,
        meaning="A turning point must be at least this fraction of the movement's range deep on both sides.",
        source="formlab, on the sample clips: real reps are 0.7-1.0 and the largest non-rep (a barbell walk-out) "
        "0.31 of the range; 0.5 sits between and still accepts a set whose shallowest rep is half as deep "
        "as its deepest.",
    )
    min_prominence_m: float = param(
        default=0.05,
        unit="m",
        lo=0,
        hi=None,
        meaning="Absolute floor on that depth, in the signal's units: a clip with no movement does not make reps "
        "out of jitter.",
        source="formlab: smoothed world landmarks of a still person vary by 1-2 cm; the shallowest sample reps "
        "(push-ups with a small range of motion) are ~0.08 m.",
    )
    min_distance_s: float = param(
        default=0.5,
        unit="s",
        lo=0,
        hi=None,
        meaning="Two reps' turning points are at least this far apart; of two closer ones the deeper is kept.",
        source="formlab: faster than two reps per second is not strength training (jumping jacks override this "
        "to 0.4 s).",
    )
    min_width_s: float = param(
        default=0.2,
        unit="s",
        lo=0,
        hi=None,
        meaning="The turning region, measured at half the rep's depth, lasts at least this long: a one-frame "
        "tracking glitch is not a rep.",
        source="formlab: the fastest sample reps (jumping jacks) are ~0.4 s wide.",
    )
    turn_band_frac: float = param(
        default=0.05,
        unit="",
        lo=0,
        hi=1,
        hi_open=True,
        meaning="The reported turning point is the middle of the stretch where the signal is within this fraction "
        "of the rep's depth of its extreme (the middle of a pause or a hold; the extreme itself for a quick "
        "turn; the stretch's first frame when it runs to the end of the clip).",
        source="formlab: wider than the jitter left after smoothing, narrower than a real pause.",
    )
    boundary_frac: float = param(
        default=0.1,
        unit="",
        lo=0,
        hi=1,
        lo_open=True,
        hi_open=True,
        meaning="A rep starts at the last frame before its turning point where the signal was within this fraction "
        "of the rep's depth of the resting level before it, and ends at the first frame after where it is "
        "back within this fraction of the resting level after it.",
        source="formlab: a tenth of the movement, above the resting jitter.",
    )
    boundary_cutoff_hz: float = param(
        default=6.0,
        unit="Hz",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="The start and end are read from the signal low-passed at this cut-off rather than at cutoff_hz: "
        "the heavier smoothing that makes turning points robust also rounds off the moment a lift starts "
        "or stops and would lengthen every phase by ~0.1 s.",
        source="the classic cut-off for human movement (Winter, Biomechanics and Motor Control of Human Movement): "
        "keeps the timing, removes frame-to-frame jitter.",
    )
    settle_s: float = param(
        default=0.1,
        unit="s",
        lo=0,
        hi=None,
        meaning="A turning point the clip ends at counts only if the signal came within turn_band_frac of it at "
        "least this long before the end (the lifter reached it and held, as at a deadlift lockout that "
        "ends the clip).",
        source="formlab: three frames at 30 fps; a clip that ends while the lifter still moves does not count the "
        "unfinished rep.",
    )
    rest_speed_frac: float = param(
        default=0.25,
        unit="",
        lo=0,
        hi=1,
        meaning="A turning point the clip ends at also counts when, over its last rest_window_s, the signal moves at "
        "most this fraction of its fastest speed on the way into it: the lifter decelerated into the turning "
        "position (a pull that reaches lockout as the clip is cut), rather than being cut mid-movement.",
        source="formlab: a lift slows to under a quarter of its peak bar speed in the last few frames before "
        "lockout (deadlift bar-speed profiles, e.g. the sticking-point literature); a cut mid-pull keeps most "
        "of it.",
    )
    rest_window_s: float = param(
        default=0.2,
        unit="s",
        lo=0,
        hi=2,
        meaning="The time at the end of a clip over which rest_speed_frac is read.",
        source="formlab: six frames at 30 fps, enough for a speed above the frame-to-frame jitter.",
    )

    max_speed_per_s: float = param(
        default=20.0,
        unit="m/s",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Fastest change of the signal between two consecutive samples that is movement; a faster step "
        "(a camera cut, a switch to another body, a pose that falls apart and is found again) splits the "
        "signal there like a long gap, and no filter smooths across it. Lifts whose signal is one body "
        "part's height set their own, lower (the deadlift: 8 m/s).",
        source="physics: a body part falling freely from standing reach (2 m) reaches 6.3 m/s; the jumping "
        "jack's opening, a sum of several heights, changes at up to 8.4 m/s on constructed poses with 1 cm "
        "landmark noise, so the default leaves every lift's movement whole; measured on the sample clips: "
        "steps of 9-14 m/s only where the pose jumps (deadliftAI-bichraix good004 at frames 54-56, good009 "
        "at the cut before frame 4).",
    )
    reached_window_s: float = param(
        default=0.2,
        unit="s",
        lo=0,
        hi=2,
        meaning="A turning point broken off by a gap in the pose (a camera cut, the lifter hidden) also counts when "
        "the lift's 'reached' pose conditions hold within this time after the pose comes back (the lifter seen "
        "at lockout on the far side of the gap).",
        source="formlab: six frames at 30 fps, the first frames after a cut or a re-acquired pose; later frames "
        "would be another moment of the lift.",
    )

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> RepDetectorParams:
        """A copy with some fields changed (a lift's own settings); unknown names raise :class:`ConfigError`."""
        return self.updated(overrides or {})


# =============================================================================
# Results
# =============================================================================
@dataclass(frozen=True)
class Rep:
    """One repetition.

    Attributes
    ----------
    number : int
        1-based rep number.
    start_frame, turn_frame, end_frame : int
        0-based decoded frame indices (those of the source video) where the
        movement into the turning point starts, the turning point, and where
        the movement out of it ends.
    start_s, turn_s, end_s : float
        The same moments in seconds from the start of the video.
    depth : float
        How deep the turning point is, in the signal's units (metres for the
        built-in exercises): the smaller of the movement into it and out of it
        (only into it for a rep cut by the end of the clip).
    complete : bool
        False if the clip ended before the movement out of the turning point
        was finished (``end_*`` is then the last frame seen).
    """

    number: int
    start_frame: int
    turn_frame: int
    end_frame: int
    start_s: float
    turn_s: float
    end_s: float
    depth: float
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        """The rep as a plain dict."""
        return dataclasses.asdict(self)


REP_COLUMNS = (
    "rep",
    "start_frame",
    "turn_frame",
    "end_frame",
    "start_s",
    "turn_s",
    "end_s",
    "depth_m",
    "complete",
)
"""Columns of :meth:`RepDetection.to_frame`."""


REPR_MAX_FRAMES = 6
"""Turning-point frames a :class:`RepDetection`'s repr lists before it cuts the list short."""


@dataclass(frozen=True, eq=False)
class RepDetection:
    """Reps found in a signal, with everything needed to show how.

    Attributes
    ----------
    reps : tuple of Rep
    exercise : str
        The exercise (for ``"auto"``: the one chosen).
    signal_name : str
        Name of the signal (units in the name), e.g. ``"hip_height_m"``.
    turning_point : {"bottom", "top"}
    time_s, frame : ndarray
        Timestamps and frame indices of the signal's samples.
    signal, smoothed : ndarray
        The raw signal and the smoothed one the turning points were taken from
        (NaN in gaps).
    range : float
        The movement's range the relative threshold refers to (signal units).
    threshold : float
        The depth a turning point needed.
    params : RepDetectorParams
    rejected : tuple of dict
        Candidate turning points that were not reps, each with its frame,
        time, depth and the reason (for plots and debugging).
    auto : dict or None
        For ``exercise="auto"``: the reps each candidate exercise found and
        why the chosen one was chosen.
    """

    reps: tuple[Rep, ...]
    exercise: str
    signal_name: str
    turning_point: TurningPoint
    time_s: np.ndarray
    frame: np.ndarray
    signal: np.ndarray
    smoothed: np.ndarray
    range: float
    threshold: float
    params: RepDetectorParams
    rejected: tuple[Mapping[str, Any], ...] = ()
    auto: Mapping[str, Any] | None = None

    @property
    def count(self) -> int:
        """Number of reps."""
        return len(self.reps)

    @property
    def turn_frames(self) -> list[int]:
        """0-based frame index of each rep's turning point."""
        return [r.turn_frame for r in self.reps]

    def to_frame(self) -> pd.DataFrame:
        """One row per rep: :data:`REP_COLUMNS` (``depth_m`` is the rep's depth in the signal's units)."""
        rows = [
            {
                "rep": r.number,
                "start_frame": r.start_frame,
                "turn_frame": r.turn_frame,
                "end_frame": r.end_frame,
                "start_s": r.start_s,
                "turn_s": r.turn_s,
                "end_s": r.end_s,
                "depth_m": r.depth,
                "complete": r.complete,
            }
            for r in self.reps
        ]
        return pd.DataFrame(rows, columns=list(REP_COLUMNS))

    def __repr__(self) -> str:
        """One line: the signal arrays inside would flood a notebook cell.

        ``<RepDetection 2 reps of front_squat at bottoms of hip_height_m, 614 samples, turns at frames 212, 431>``;
        past :data:`REPR_MAX_FRAMES` turning points the list ends in ``...``.
        """
        n = self.count
        auto = " (auto)" if self.auto else ""
        frames = ", ".join(str(f) for f in self.turn_frames[:REPR_MAX_FRAMES])
        if n > REPR_MAX_FRAMES:
            frames += ", ..."
        turns = f", turns at frames {frames}" if n else ""
        return (
            f"<RepDetection {n} rep{'s' if n != 1 else ''} of {self.exercise}{auto} "
            f"at {self.turning_point}s of {self.signal_name}, {len(self.time_s)} samples{turns}>"
        )

    def describe(self) -> str:
        """One line: how many reps of what, found on which signal."""
        how = (
            f"{self.count} rep{'s' if self.count != 1 else ''} of {self.exercise} "
            f"({self.turning_point}s of {self.signal_name})"
        )
        if self.auto:
            how += f"; auto: {self.auto.get('reason', '')}"
        return how
