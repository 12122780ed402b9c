"""The named steps of the pipeline, each a public function with typed inputs and outputs.

:func:`formlab.analyze` is their composition, in this order; the widget tuner
(:mod:`formlab.interactive.tuner`) re-runs only the steps a slider changes::

    extract      video -> PoseTrack                     (formlab.extract, cached by content)
    clean        PoseTrack -> PoseTrack                 (formlab.clean_track)
    count_reps   PoseTrack, lift -> RepDetection        (formlab.detect_reps; "auto" recognises the lift)
    follow_load  PoseTrack, lift, video -> LoadPath     (the plate, the grip, or the body part carrying the load)
    measure_reps RepDetection, LoadPath -> reps table   (range of motion, velocity, angles per rep)
    judge        PoseTrack, lift, thresholds, reps -> Judgement (each check per frame and per rep)

Thresholds come from :func:`resolve_thresholds` (an object, a file, or the
lift's defaults); a bad file fails before any slow step.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..barbell.trajectory import BAR_METHODS, BarPath, bar_path, landmark_path
from ..core.errors import ConfigError, InputError
from ..core.text import with_article
from ..core.track import PoseTrack
from ..exercises import (
    AUTO,
    Exercise,
    auto_candidates,
    check_thresholds_file,
    get_exercise,
    load_thresholds,
    thresholds_for,
)
from ..form.thresholds import FormThresholds
from ..reps.detect import detect_reps
from ..reps.detection import RepDetection, RepDetectorParams
from ..reps.metrics import rep_metrics
from ..signal.cleaning import CleanOptions, clean_track
from .feedback import evaluate_form, form_per_rep


# =============================================================================
# extract, clean, count_reps
# =============================================================================
def extract(source: Path, options=None, *, cache: bool = True, progress: bool = False) -> PoseTrack:
    """Step 1: the pose track of a video (:func:`formlab.extract`), with someone in it."""
    from ..pose.extract import extract as extract_track

    raw = extract_track(source, options, cache=cache, progress=progress)
    require_a_person(source, raw)
    return raw


def clean(raw: PoseTrack, options: CleanOptions | None = None) -> PoseTrack:
    """Step 2: swaps, outliers and gaps removed, landmarks smoothed (:func:`formlab.clean_track`)."""
    return clean_track(raw, options)


def count_reps(
    track: PoseTrack, exercise: str, detector: RepDetectorParams | None = None
) -> RepDetection:
    """Step 3: the reps of ``exercise`` (``"auto"``: of the lift formlab recognises) (:func:`formlab.detect_reps`)."""
    return detect_reps(track, exercise, detector)


# =============================================================================
# Load path
# =============================================================================
BAR_SMOOTHING_HZ = 4.0
"""Low-pass cut-off of the bar path used for the figures and the per-rep numbers (see
:meth:`formlab.barbell.BarPath.lowpass`: keeps a squat's 0.3 s bottom, removes tracker jitter)."""


PLATE_MIN_FOUND = 0.8
"""``bar_method="auto"`` keeps the plate's path only if the plate was found in at least this
fraction of the frames; otherwise the grip centre (gaps in the plate track would leave holes in
the per-rep numbers)."""

BAR_CHOICES: tuple[str, ...] = ("auto", *BAR_METHODS)


def follow_load(
    track: PoseTrack,
    exercise: str,
    *,
    bar_method: str = "auto",
    video=None,
    lifter_height_m: float | None = None,
    scale=None,
    progress: bool = False,
) -> BarPath:
    """The path of the load, in metres: the bar for exercises that hold one, else the body point that moves.

    Exercises whose :attr:`~formlab.exercises.Exercise.load_point` is the
    wrists get :func:`formlab.barbell.bar_path`; the others (push-up:
    shoulders; lunge: hips) get :func:`formlab.barbell.landmark_path`.

    ``bar_method="auto"`` (default) uses the plate tracker when the video is
    given and the exercise may be done with a plate-loaded barbell
    (its :attr:`~formlab.exercises.Exercise.plate_loaded`) and the plate is found in at least
    :data:`PLATE_MIN_FOUND` of the frames: on the hand-annotated sample it is
    ten times closer to the true bar end than the hands (0.3 cm against 6 cm
    RMS). Otherwise, or when no plate is seen (dumbbells, a front view, a
    bodyweight squat), the grip centre. ``path.info["auto"]`` says which and why.
    """
    ex = get_exercise(exercise)
    if set(ex.load_point) != {"left_wrist", "right_wrist"}:
        return landmark_path(track, ex.load_point, lifter_height_m=lifter_height_m, scale=scale)
    if bar_method != "auto":
        return bar_path(
            track,
            bar_method,
            video=video,
            lifter_height_m=lifter_height_m,
            scale=scale,
            progress=progress,
        )
    if video is None:
        why = "no video to track a plate in"
    elif not ex.plate_loaded:
        why = f"{with_article(ex.name)} has no barbell plate"
    else:
        try:
            plate = bar_path(
                track,
                "plate",
                video=video,
                lifter_height_m=lifter_height_m,
                scale=scale,
                progress=progress,
            )
        except InputError as e:
            why = str(e).split(": ", 1)[-1].split("; the plate method")[0]
        else:
            found = plate.info.get("plate_found_fraction", 0.0)
            if found >= PLATE_MIN_FOUND:
                warn = plate.info.get("scale_check", {}).get("warning", "")
                choice = f"plate found in {found:.0%} of frames" + (f"; {warn}" if warn else "")
                return dataclasses.replace(plate, info={**plate.info, "auto": choice})
            why = f"plate found in only {found:.0%} of frames"
    grip = bar_path(track, "grip_centre", lifter_height_m=lifter_height_m, scale=scale)
    jitter_m = grip.info.get("jitter_m", float("nan"))
    uncertainty = (
        f"; hand-based path, jitter +-{100 * jitter_m:.1f} cm" if jitter_m == jitter_m else ""
    )
    return dataclasses.replace(grip, info={**grip.info, "auto": f"grip centre: {why}{uncertainty}"})


@dataclass(frozen=True)
class LoadPath:
    """Step 4's result: the load's path as the figures and the numbers use it.

    Attributes
    ----------
    path : BarPath
        Low-passed at :data:`BAR_SMOOTHING_HZ` (figures, per-rep numbers, overlay trail).
    raw : BarPath
        The same point in the uncleaned track with the same scale, unsmoothed
        (the figures' faint trace; for the plate, the tracked plate itself).
    """

    path: BarPath
    raw: BarPath


def load_path_of(
    track: PoseTrack,
    raw: PoseTrack,
    exercise: str,
    *,
    bar_method: str = "auto",
    video=None,
    lifter_height_m: float | None = None,
    progress: bool = False,
) -> LoadPath:
    """Step 4: :func:`follow_load` on the cleaned track, low-passed, and its raw counterpart."""
    full = follow_load(
        track,
        exercise,
        bar_method=bar_method,
        video=video,
        lifter_height_m=lifter_height_m,
        progress=progress,
    )
    raw_path = (
        full
        if full.method == "plate"
        else follow_load(raw, exercise, bar_method=full.method, scale=full.scale)
    )
    return LoadPath(path=full.lowpass(BAR_SMOOTHING_HZ), raw=raw_path)


# =============================================================================
# measure_reps, judge
# =============================================================================
def measure_reps(detection: RepDetection, load: LoadPath, track: PoseTrack) -> pd.DataFrame:
    """Step 5: one row per rep with its numbers (:func:`formlab.reps.metrics.rep_metrics`)."""
    ex = get_exercise(detection.exercise)
    return rep_metrics(detection, ex, x_m=load.path.x_m, y_m=load.path.y_m, track=track)


@dataclass(frozen=True, eq=False)
class Judgement:
    """Step 6's result: every check's verdict per frame and per rep.

    Attributes
    ----------
    feedback : DataFrame
        Per frame (:func:`evaluate_form`).
    reps : DataFrame or None
        The reps table with each check's verdict, value and frame per rep
        (:func:`form_per_rep`); None for a photo.
    """

    feedback: pd.DataFrame
    reps: pd.DataFrame | None


def judge(
    track: PoseTrack,
    exercise: str | Exercise,
    thresholds: FormThresholds,
    reps: pd.DataFrame | None = None,
    *,
    raw: PoseTrack | None = None,
    bar: object = None,
) -> Judgement:
    """Step 6: the lift's checks judged in every frame and, given the reps, once per rep.

    ``raw`` (the track before cleaning) lets each value's uncertainty include
    the landmark jitter; ``bar`` (the load's path) feeds checks on the bar.
    """
    feedback = evaluate_form(track, exercise, thresholds, reps=reps, raw_track=raw, bar=bar)
    per_rep = form_per_rep(feedback, reps, thresholds) if reps is not None else None
    return Judgement(feedback=feedback, reps=per_rep)


# =============================================================================
# Thresholds
# =============================================================================
def resolve_thresholds(
    thresholds: FormThresholds | str | os.PathLike | None, exercise: str
) -> FormThresholds:
    """Thresholds given as an object, a file (values left out: the lift's defaults) or None (the defaults).

    For ``"auto"`` (the lift not known yet) a file is checked against every
    candidate lift and the squat's thresholds are returned; call again once
    the lift is known.
    """
    if isinstance(thresholds, FormThresholds):
        return thresholds
    if thresholds is not None and not isinstance(thresholds, (str, os.PathLike)):
        raise ConfigError(
            f"thresholds must be a FormThresholds or the path of a .toml/.json file, "
            f"got {type(thresholds).__name__}"
        )
    if exercise == AUTO:
        if thresholds is not None:
            check_thresholds_file(thresholds, auto_candidates())
        return thresholds_for("squat")
    if thresholds is None:
        return thresholds_for(exercise)
    return load_thresholds(thresholds, exercise)


def thresholds_source(thresholds: FormThresholds | str | os.PathLike | None, exercise: str) -> str:
    """How :func:`resolve_thresholds` got its thresholds, in words, for the summary."""
    if thresholds is None:
        return f"defaults of {exercise}"
    if isinstance(thresholds, FormThresholds):
        return "given as a FormThresholds object"
    return f"file {Path(thresholds).resolve()} (values left out: defaults of {exercise})"


# =============================================================================
# Inputs
# =============================================================================
def require_a_person(source: Path, track: PoseTrack) -> None:
    """Refuse a video or photo in which nobody was found.

    Every number and verdict would be empty, and an error says so where an
    empty result would look like a clean bill of health (``formlab extract``
    still returns such a track, with NaN in every frame).
    """
    if not track.detected.any():
        what = "the photo" if track.n_frames == 1 else f"any of the {track.n_frames} frames"
        raise InputError(
            f"{source}: no person found in {what}; nothing to analyse (is the lifter in the picture?)"
        )


def check_video(path: str | os.PathLike) -> Path:
    """``path`` as a Path if it is an existing video file; otherwise a one-line :class:`InputError`."""
    source = Path(path)
    kind = media_kind_of(source)
    if kind != "video":
        raise InputError(
            f"{source}: reps need a video, got {with_article(kind)} "
            f"(use analyze_photo for form feedback on a photo)"
        )
    return source


def media_kind_of(source: Path) -> str:
    """What a file is (video, image, folder, ...); an InputError when it does not exist."""
    from ..io.media import media_kind

    if not source.exists():
        raise InputError(f"{source}: no such file")
    return media_kind(source)
