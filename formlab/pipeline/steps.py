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
    NONE,
    Exercise,
    check_thresholds_file,
    exercises,
    get_exercise,
    load_thresholds,
    thresholds_for,
)
from ..form.thresholds import FormThresholds
from ..reps.detect import detect_reps
from ..reps.detection import RepDetection, RepDetectorParams
from ..reps.metrics import rep_metrics
from ..signal.cleaning import CleanOptions, clean_track
from .camera import camera_motion_of, path_in_scene
from .feedback import evaluate_form, form_per_rep


# =============================================================================
# extract, clean, count_reps
# =============================================================================
def extract(source: Path, options=None, *, cache: bool = True, progress: bool = False) -> PoseTrack:
    """Step 1: the pose track of a video (:func:`formlab.extract`), with someone in it."""
    from ..pose.extract import extract as extract_track

    raw = extract_track(source, options, cache=cache, progress=progress)
    assert isinstance(raw, PoseTrack)  # a video's track (a list is for a folder of images)
    require_a_person(source, raw)
    return raw


def clean(raw: PoseTrack, options: CleanOptions | None = None, *, cache: bool = False) -> PoseTrack:
    """Step 2: swaps, outliers and gaps removed, landmarks smoothed (:func:`formlab.clean_track`).

    With ``cache`` the cleaned track is kept in (and read back from) formlab's cache
    (:mod:`formlab.pipeline.clean_cache`): what a re-analysis of a cached track needs.
    """
    if cache:
        from .clean_cache import clean as cached_clean

        return cached_clean(raw, options)
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

PLATE_VIEWS: tuple[str, ...] = ("side", "oblique")
"""Camera views in which ``bar_method="auto"`` looks for a plate: a plate is a circle only when the
camera looks along the bar; from the front or the back it is edge-on (a thin upright bar), so the
tracker cannot find it and would only cost a pass over the video."""

PLATE_MIN_VIEW_FRACTION = 0.5
"""``bar_method="auto"`` tracks the plate only if at least this fraction of the frames with a pose
are seen from one of :data:`PLATE_VIEWS` (most of the set filmed from the side)."""

PLATE_PROBE_S = 0.5
"""Before tracking the plate through the whole video, ``bar_method="auto"`` tracks it (without the
sleeve-end search) in this many seconds around the first rep's turning point, where the bar is
surely in the lifter's hands, and goes on only if it is found there in at least
:data:`PLATE_PROBE_MIN_FOUND` of the frames. On a clip without a plate (dumbbells, a bodyweight
squat) this stops the search after half a second of video instead of a pass over all of it (5-8 s
on the sample clips, issue 15)."""

PLATE_PROBE_MIN_FOUND = 0.5
"""Fraction of the probe's frames in which the plate must be found. Lower than
:data:`PLATE_MIN_FOUND` because the tracker spends its first frames seeding (3 frames must agree):
measured on the sample clips, the two with a plate have it in 87 % of a 0.5 s probe, the dumbbell
and bodyweight squats in 0 %."""


def follow_load(
    track: PoseTrack,
    exercise: str,
    *,
    bar_method: str = "auto",
    video=None,
    lifter_height_m: float | None = None,
    plate_diameter_m: float | None = None,
    scale=None,
    progress: bool = False,
    around_frame: int | None = None,
    cache: bool = True,
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
    The plate is not searched for at all when most frames are filmed from
    the front or the back (:data:`PLATE_VIEWS`), nor beyond a probe of
    :data:`PLATE_PROBE_S` around ``around_frame`` (default: the middle of
    the track) when the probe does not find it (:func:`plate_not_worth_tracking`).
    With ``cache``, the plate tracker's answer is kept beside the cached pose
    tracks (:mod:`formlab.pipeline.plate_cache`), so a re-analysis of the same
    video with other thresholds or another lift does not read the video again.
    ``plate_diameter_m`` (default 0.45 m) is the tracked plate's outer diameter, for the scale;
    a hand-based path does not use it.
    """
    ex = get_exercise(exercise)
    if set(ex.load_point) != {"left_wrist", "right_wrist"}:
        return landmark_path(track, ex.load_point, lifter_height_m=lifter_height_m, scale=scale)
    if bar_method == "plate" and video is not None:
        plate = _plate_outcome(track, video, None, probe=False, progress=progress, cache=cache)
        return bar_path(
            track,
            "plate",
            plate=plate,
            lifter_height_m=lifter_height_m,
            plate_diameter_m=plate_diameter_m,
            scale=scale,
        )
    if bar_method != "auto":
        return bar_path(
            track,
            bar_method,  # type: ignore[arg-type]  # the user's text: bar_path checks it, naming the methods
            video=video,
            lifter_height_m=lifter_height_m,
            scale=scale,
            progress=progress,
        )
    searched = (
        "not_searched"  # info["plate_search"]: whether a plate was looked for (see load_evidence)
    )
    if video is None:
        why = "no video to track a plate in"
    elif not ex.plate_loaded:
        why = f"{with_article(ex.name)} has no barbell plate"
    else:
        outcome = _plate_outcome(track, video, around_frame, progress=progress, cache=cache)
        if isinstance(outcome, str):
            why = outcome
            searched = "not_searched" if outcome.startswith("no plate looked for") else "not_found"
        else:
            searched = "not_found"
            try:
                plate = bar_path(
                    track,
                    "plate",
                    plate=outcome,
                    lifter_height_m=lifter_height_m,
                    plate_diameter_m=plate_diameter_m,
                    scale=scale,
                )
            except InputError as e:
                why = _plate_failure(e)
            else:
                found = plate.info.get("plate_found_fraction", 0.0)
                if found >= PLATE_MIN_FOUND:
                    warn = plate.info.get("scale_check", {}).get("warning", "")
                    choice = f"plate found in {found:.0%} of frames" + (f"; {warn}" if warn else "")
                    info = {**plate.info, "auto": choice, "plate_search": "found"}
                    return dataclasses.replace(plate, info=info)
                why = f"plate found in only {found:.0%} of frames"
    grip = bar_path(track, "grip_centre", lifter_height_m=lifter_height_m, scale=scale)
    jitter_m = grip.info.get("jitter_m", float("nan"))
    uncertainty = (
        f"; hand-based path, jitter +-{100 * jitter_m:.1f} cm" if jitter_m == jitter_m else ""
    )
    info = {**grip.info, "auto": f"grip centre: {why}{uncertainty}", "plate_search": searched}
    return dataclasses.replace(grip, info=info)


def _plate_outcome(
    track: PoseTrack,
    video,
    around_frame: int | None,
    *,
    probe: bool = True,
    progress: bool = False,
    cache: bool = True,
):
    """The plate track of ``video``, or (with ``probe``) why it is not worth tracking; cached.

    The plate track is kept under a key of the video, the track and the
    tracker's options alone, so that any later run finds it (another lift
    may put the probe at another rep); a reason not to track, under a key
    that adds the probe's settings and place.
    """
    from ..barbell.plate import PlateTrackerOptions, track_plate
    from .plate_cache import load_plate, plate_key, store_plate

    options = {"options": PlateTrackerOptions().to_dict()}
    plate_at = plate_key(track, video, "plate", options)
    probe_settings = [PLATE_VIEWS, PLATE_MIN_VIEW_FRACTION, PLATE_PROBE_S, PLATE_PROBE_MIN_FOUND]
    why_at = plate_key(
        track, video, "probe", {**options, "probe": probe_settings, "at": around_frame}
    )
    if cache:
        for key in (plate_at, why_at) if probe else (plate_at,):
            found = load_plate(key)
            if found is not None:
                return found
    why = plate_not_worth_tracking(track, video, around_frame, progress=progress) if probe else None
    if why is None:
        try:
            plate = track_plate(video, track, progress=progress)
        except InputError as e:
            if not probe:
                raise
            why = _plate_failure(e)
        else:
            if cache:
                store_plate(plate_at, plate)
            return plate
    if cache:
        store_plate(why_at, why)
    return why


def _plate_failure(error: InputError) -> str:
    """The reason in the plate method's error, without the file name and the advice."""
    return str(error).split(": ", 1)[-1].split("; the plate method")[0]


def plate_not_worth_tracking(
    track: PoseTrack, video, around_frame: int | None = None, *, progress: bool = False
) -> str | None:
    """Why tracking the plate through the whole video would be wasted, or None when it may pay.

    Two cheap looks before the expensive pass: the camera view (a plate is
    a circle only from the side, :data:`PLATE_VIEWS`), then the plate tracker on
    :data:`PLATE_PROBE_S` seconds around ``around_frame`` (a rep's turning
    point: the bar is then in the lifter's hands). The probe is left out when
    the track is not much longer than it.
    """
    import numpy as np

    from ..barbell.plate import PlateTrackerOptions, track_plate
    from ..form.view import estimate_view

    views = estimate_view(track)["view"].astype(str).to_numpy()
    seen = views[views != "unknown"]
    if seen.size and np.isin(seen, PLATE_VIEWS).mean() < PLATE_MIN_VIEW_FRACTION:
        names, counts = np.unique(seen, return_counts=True)
        return (
            f"no plate looked for: filmed from the {names[np.argmax(counts)]}, where it is edge-on"
        )
    t = np.asarray(track.time_s, dtype=float)
    if t[-1] - t[0] <= 2 * PLATE_PROBE_S:
        return None
    rows = np.flatnonzero(np.asarray(track.frame) == around_frame)  # none for None
    centre_s = t[rows[0]] if len(rows) else (t[0] + t[-1]) / 2
    centre_s = min(max(centre_s, t[0] + PLATE_PROBE_S / 2), t[-1] - PLATE_PROBE_S / 2)
    keep = np.flatnonzero(np.abs(t - centre_s) <= PLATE_PROBE_S / 2)
    try:
        probe = track_plate(
            video,
            track.select_frames(keep),
            PlateTrackerOptions(find_bar_end=False),
            progress=progress,
        )
    except InputError as e:
        return _plate_failure(e)
    found = float(probe.found.mean()) if len(probe.found) else 0.0
    if found < PLATE_PROBE_MIN_FOUND:
        first = int(track.frame[keep[0]])
        return (
            f"no plate found in a {PLATE_PROBE_S:g} s probe from frame {first} "
            f"(seen in {found:.0%} of its frames)"
        )
    return None


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
    plate_diameter_m: float | None = None,
    progress: bool = False,
    detection: RepDetection | None = None,
    cache: bool = True,
    camera: str = "auto",
) -> LoadPath:
    """Step 4: :func:`follow_load` on the cleaned track, in scene coordinates, low-passed, and its raw counterpart.

    ``detection`` (step 3's reps) tells the plate probe where a rep is, and
    :func:`camera_motion_of` when the lifter's feet are planted.
    """
    turns = detection.turn_frames if detection is not None else []
    full = follow_load(
        track,
        exercise,
        bar_method=bar_method,
        video=video,
        lifter_height_m=lifter_height_m,
        plate_diameter_m=plate_diameter_m,
        progress=progress,
        around_frame=turns[0] if turns else None,
        cache=cache,
    )
    raw_path = (
        full
        if full.method == "plate"
        else follow_load(raw, exercise, bar_method=full.method, scale=full.scale)
    )
    motion = camera_motion_of(
        track, exercise, camera, video, detection, progress=progress, cache=cache
    )
    full = path_in_scene(full, track, motion)
    raw_path = path_in_scene(raw_path, track, motion)
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

    For ``"auto"`` (the lift not known yet) a file is checked only as far as
    it can be without the lift (every setting valid for some lift running
    that check) and the squat's thresholds are returned: call again once the
    lift is known, which validates the file against it (``"none"``: no check runs, none used).
    """
    if isinstance(thresholds, FormThresholds):
        return thresholds
    if thresholds is not None and not isinstance(thresholds, (str, os.PathLike)):
        raise ConfigError(
            f"thresholds must be a FormThresholds or the path of a .toml/.json file, "
            f"got {type(thresholds).__name__}"
        )
    if exercise == AUTO and thresholds is not None:
        check_thresholds_file(thresholds, tuple(exercises()))
    if thresholds is None or exercise in (AUTO, NONE):
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
