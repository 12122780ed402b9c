"""The named steps of the pipeline, each a public function (see :mod:`formlab.pipeline`)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ..barbell.trajectory import BAR_METHODS, BarPath, bar_path, landmark_path
from ..core.errors import ConfigError, InputError
from ..core.text import with_article
from ..core.track import PoseTrack
from ..exercises import get_exercise
from ..form.thresholds import FormThresholds, load_thresholds, thresholds_for

# =============================================================================
# Load path
# =============================================================================
BAR_SMOOTHING_HZ = 4.0
"""Low-pass cut-off of the bar path used for the figures and the per-rep numbers (see
:meth:`formlab.barbell.BarPath.lowpass`: keeps a squat's 0.3 s bottom, removes tracker jitter)."""


PLATE_EXERCISES: frozenset[str] = frozenset(
    {"squat", "back_squat", "front_squat", "deadlift", "bench_press", "overhead_press", "curl"})
"""Exercises that may be done with a plate-loaded barbell: ``bar_method="auto"`` tries the plate tracker on them."""

PLATE_MIN_FOUND = 0.8
"""``bar_method="auto"`` keeps the plate's path only if the plate was found in at least this
fraction of the frames; otherwise the grip centre (gaps in the plate track would leave holes in
the per-rep numbers)."""

BAR_CHOICES: tuple[str, ...] = ("auto",) + BAR_METHODS


def load_path(track: PoseTrack, exercise: str, *, bar_method: str = "auto", video=None,
              lifter_height_m: float | None = None, scale=None, progress: bool = False) -> BarPath:
    """The path of the load, in metres: the bar for exercises that hold one, else the body point that moves.

    Exercises whose :attr:`~formlab.exercises.Exercise.load_point` is the
    wrists get :func:`formlab.barbell.bar_path`; the others (push-up:
    shoulders; lunge: hips) get :func:`formlab.barbell.landmark_path`.

    ``bar_method="auto"`` (default) uses the plate tracker when the video is
    given and the exercise may be done with a plate-loaded barbell
    (:data:`PLATE_EXERCISES`) and the plate is found in at least
    :data:`PLATE_MIN_FOUND` of the frames: on the hand-annotated sample it is
    ten times closer to the true bar end than the hands (0.3 cm against 6 cm
    RMS). Otherwise, or when no plate is seen (dumbbells, a front view, a
    bodyweight squat), the grip centre. ``path.info["auto"]`` says which and why.
    """
    ex = get_exercise(exercise)
    if set(ex.load_point) != {"left_wrist", "right_wrist"}:
        return landmark_path(track, ex.load_point, lifter_height_m=lifter_height_m, scale=scale)
    if bar_method != "auto":
        return bar_path(track, bar_method, video=video, lifter_height_m=lifter_height_m, scale=scale,
                        progress=progress)
    if video is None:
        why = "no video to track a plate in"
    elif ex.name not in PLATE_EXERCISES:
        why = f"{with_article(ex.name)} has no barbell plate"
    else:
        try:
            plate = bar_path(track, "plate", video=video, lifter_height_m=lifter_height_m, scale=scale,
                             progress=progress)
        except InputError as e:
            why = str(e).split(": ", 1)[-1].split("; the plate method")[0]
        else:
            found = plate.info.get("plate_found_fraction", 0.0)
            if found >= PLATE_MIN_FOUND:
                return dataclasses.replace(plate, info={**plate.info, "auto": f"plate found in {found:.0%} of frames"})
            why = f"plate found in only {found:.0%} of frames"
    grip = bar_path(track, "grip_centre", lifter_height_m=lifter_height_m, scale=scale)
    return dataclasses.replace(grip, info={**grip.info, "auto": f"grip centre: {why}"})


def _preset_name(exercise: str) -> str:
    """The thresholds preset of an exercise; before ``auto`` has chosen one, the squat's (the family
    :func:`analyze` counts a recognised squat as)."""
    return exercise if exercise != "auto" else "squat"


def resolve_thresholds(thresholds: FormThresholds | str | os.PathLike | None, exercise: str) -> FormThresholds:
    """Thresholds given as an object, a file (values left out: the exercise's preset) or None (the preset)."""
    preset = _preset_name(exercise)
    if thresholds is None:
        return thresholds_for(preset)
    if isinstance(thresholds, FormThresholds):
        return thresholds
    if isinstance(thresholds, (str, os.PathLike)):
        return load_thresholds(thresholds, preset)
    raise ConfigError(f"thresholds must be a FormThresholds or the path of a .toml/.json file, "
                      f"got {type(thresholds).__name__}")


def thresholds_source(thresholds: FormThresholds | str | os.PathLike | None, exercise: str) -> str:
    """How :func:`resolve_thresholds` got its thresholds, in words, for the summary."""
    preset = _preset_name(exercise)
    if thresholds is None:
        return f"preset {preset}"
    if isinstance(thresholds, FormThresholds):
        return "given as a FormThresholds object"
    return f"file {Path(thresholds).resolve()} (values left out: preset {preset})"


def require_a_person(source: Path, track: PoseTrack) -> None:
    """Refuse a video or photo in which nobody was found: every number and verdict would be empty,
    and an error says so where an empty result would look like a clean bill of health.
    (``formlab extract`` still returns such a track, with NaN in every frame.)"""
    if not track.detected.any():
        what = "the photo" if track.n_frames == 1 else f"any of the {track.n_frames} frames"
        raise InputError(f"{source}: no person found in {what}; nothing to analyse (is the lifter in the picture?)")


def check_video(path: str | os.PathLike) -> Path:
    """``path`` as a Path if it is an existing video file; otherwise a one-line :class:`InputError`."""
    source = Path(path)
    kind = media_kind_of(source)
    if kind != "video":
        raise InputError(f"{source}: reps need a video, got {with_article(kind)} "
                         f"(use analyze_photo for form feedback on a photo)")
    return source


def media_kind_of(source: Path) -> str:
    from ..io.media import media_kind

    if not source.exists():
        raise InputError(f"{source}: no such file")
    return media_kind(source)


