"""The whole job: :func:`analyze` (a video) and :func:`analyze_photo` (a photo)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..barbell.camera_motion import check_camera_mode
from ..barbell.scale import check_plate_diameter
from ..core.errors import ConfigError, InputError
from ..core.files import sha256_file
from ..core.stages import Stages
from ..core.track import PoseTrack
from ..exercises import check_exercise_name, checks_of
from ..form.report import photo_reasons
from ..form.thresholds import FormThresholds
from ..io.samples import resolve_source
from ..reps.detection import RepDetectorParams
from ..signal.cleaning import CleanOptions
from . import step_cache, steps
from .checks import check_extra_checks, lift_with_checks
from .results import Analysis, PhotoAnalysis
from .variant import check_load, name_variant, resolve_load, with_load


# =============================================================================
# The analysis
# =============================================================================
def analyze(
    video: str | os.PathLike | PoseTrack,
    exercise: str = "squat",
    *,
    extract_options=None,
    clean_options: CleanOptions | None = None,
    detector: RepDetectorParams | None = None,
    bar_method: str = "auto",
    camera: str = "auto",
    lifter_height_m: float | None = None,
    plate_diameter_m: float | None = None,
    thresholds: FormThresholds | str | os.PathLike | None = None,
    cache: bool = True,
    progress: bool = False,
    stages: Stages | None = None,
    load: str = "auto",
    extra_checks: Sequence[str] = (),
) -> Analysis:
    """Analyse a video of a set: reps, load path and per-rep numbers.

    Parameters
    ----------
    video : path or PoseTrack
        A video file (or ``"sample:NAME"``, see :func:`formlab.list_samples`), or a
        pose track already extracted (e.g. loaded with :func:`formlab.load_track`).
    exercise : str
        A name from :func:`formlab.exercises.exercise_names`, or ``"auto"``.
    extract_options : ExtractOptions, optional
        Pose extraction settings (:class:`formlab.ExtractOptions`).
    clean_options : CleanOptions, optional
        Track cleaning settings (:class:`formlab.cleaning.CleanOptions`).
    detector : RepDetectorParams, optional
        Rep detector settings (default: the exercise's own).
    bar_method : {"auto", "grip_centre", "wrist_midpoint", "plate"}
        How the bar is placed (:func:`formlab.barbell.bar_path`); ``"plate"``
        tracks the plate in the video (side views; needs a video input).
    camera : {"auto", "static", "moving"}
        Whether the camera moved (a handheld phone): ``"moving"`` measures its motion on the
        background and gives the path in scene coordinates (:mod:`formlab.barbell.camera_motion`);
        ``"auto"`` does so when the background of a few frames moved; ``"static"`` never. ``Analysis.path``
        says which (``info["camera"]``).
    lifter_height_m : float, optional
        The lifter's height, for the pixel-to-metre scale (default: from the
        body's own segments).
    plate_diameter_m : float, optional
        The tracked plate's outer diameter in metres, for the scale (default 0.45 m: bumper and
        20 kg / 45 lb iron plates); a plate-scale warning says when plate and body disagree.
    thresholds : FormThresholds or path, optional
        Form-check thresholds, or a ``.toml``/``.json`` file of them (values
        left out take the lift's defaults); default: the lift's defaults
        (:func:`formlab.thresholds_for`).
    cache : bool
        Reuse cached pose tracks, cleaned tracks and plate tracks (keyed by their content).
    progress : bool
        Show a progress bar per step, named after it (and the frames of
        extraction and plate tracking).
    stages : Stages, optional
        Records each step's time (and shows a bar named after it when its
        ``progress`` is on); the CLI passes the same one on to the writers.
    load : {"auto", "barbell", "dumbbell", "bodyweight"}
        What the lift is done with, for the checks whose rule depends on it
        (the barbell front rack's ``elbows_up`` is not assessable with
        dumbbells). ``"auto"``: from the video and the lift
        (:func:`formlab.pipeline.variant.resolve_load`); the summary says which and why.
    extra_checks : sequence of str
        Optional checks of the lift to run as well (``("heels_down",)``; ``formlab
        exercises`` lists them "on request"): their verdicts join the default
        checks' in every table and the summary. A name the lift does not have is
        a ConfigError naming its optional checks; under ``"auto"`` a name no
        candidate lift has is one too, and one the recognised lift lacks a warning.

    Returns
    -------
    Analysis

    Raises
    ------
    ConfigError
        Unknown exercise (checked before anything slow happens).
    InputError
        Missing or unreadable video, or an image (reps need a video).
    """
    requested = check_exercise_name(exercise)
    check_camera_mode(camera)
    if plate_diameter_m is not None:
        check_plate_diameter(plate_diameter_m, "plate_diameter_m")
    load_kind = check_load(load)
    extra = check_extra_checks(extra_checks, requested)  # before the slow part, as a bad file
    th = steps.resolve_thresholds(thresholds, requested)  # a bad file fails before the slow part
    stages = stages or Stages(progress=progress)
    video_path = None
    if isinstance(video, PoseTrack):
        raw = video
        source = Path(video.meta.source or "track")
        steps.require_a_person(source, raw)
    else:
        source = video_path = steps.check_video(resolve_source(video))
        with stages.stage("pose"):
            raw = steps.extract(source, extract_options, cache=cache, progress=progress)
    if raw.n_frames < 2:
        raise InputError(f"{source}: only {raw.n_frames} frame(s); reps need a video")
    with stages.stage("cleaning"):
        track = steps.clean(raw, clean_options, cache=cache)
    settings = {
        "exercise": requested,
        "detector": detector.to_dict() if detector is not None else None,
        "bar_method": bar_method,
        "camera": camera,
        "lifter_height_m": lifter_height_m,
        "plate_diameter_m": plate_diameter_m,
        "load": load_kind,
        "video": None if video_path is None else raw.meta.source_sha256 or sha256_file(video_path),
    }
    key = step_cache.steps_key(raw, track, settings) if cache else None
    kept = step_cache.load(key) if key is not None else None
    table = None
    if kept is not None:  # the same tracks and settings: only the thresholds changed
        detection, followed, table = kept
    else:
        detection, followed = _reps_and_load_path(
            track,
            raw,
            requested,
            detector,
            stages,
            bar_method=bar_method,
            camera=camera,
            video=video_path,
            lifter_height_m=lifter_height_m,
            plate_diameter_m=plate_diameter_m,
            progress=progress,
            cache=cache,
            load_kind=load_kind,
        )
    lift = detection.exercise
    # one stage (one progress line): the per-rep numbers (unless kept), then the verdicts
    with stages.stage("feedback"):
        if table is None:
            table = steps.measure_reps(detection, followed, track)
            if key is not None:
                step_cache.store(key, (detection, followed, table))
        if requested == "auto":  # now against the recognised lift (a named one's: checked above)
            th = steps.resolve_thresholds(thresholds, lift)
        judged = steps.judge(
            track, lift_with_checks(lift, extra), th, reps=table, raw=raw, bar=followed.path
        )
    assert judged.reps is not None  # judge rates each rep when given the reps
    return Analysis(
        source=source,
        exercise_requested=requested,
        exercise=lift,
        raw_track=raw,
        track=track,
        detection=detection,
        path=followed.path,
        raw_path=followed.raw,
        reps=judged.reps,
        thresholds=th,
        feedback=judged.feedback,
        thresholds_source=steps.thresholds_source(thresholds, lift),
        cache=cache,
    )


def _reps_and_load_path(
    track: PoseTrack,
    raw: PoseTrack,
    requested: str,
    detector: RepDetectorParams | None,
    stages: Stages,
    *,
    load_kind: str,
    video: Path | None,
    cache: bool,
    **options,
) -> tuple[steps.RepDetection, steps.LoadPath]:
    """Steps 3 and 4 of :func:`analyze`: the reps, then the load's path (and, for ``"auto"``, the variant)."""
    with stages.stage("reps"):
        detection = steps.count_reps(track, requested, detector)
    lift = detection.exercise
    with stages.stage("load path"):
        followed = steps.load_path_of(
            track, raw, lift, video=video, detection=detection, cache=cache, **options
        )
        if requested == "auto":  # the exact lift: the family's variant, from the load and the hold
            detection = name_variant(track, detection, followed.path, detector)
        held = resolve_load(load_kind, detection.exercise, followed.path)
        followed = steps.LoadPath(
            path=with_load(followed.path, held), raw=with_load(followed.raw, held)
        )
    return detection, followed


def analyze_photo(
    image: str | os.PathLike,
    exercise: str = "front_squat",
    *,
    extract_options=None,
    thresholds: FormThresholds | str | os.PathLike | None = None,
    cache: bool = True,
    extra_checks: Sequence[str] = (),
) -> PhotoAnalysis:
    """Form feedback on one photo: the pose and each check the camera view allows.

    Parameters
    ----------
    image : path
        A photo (jpg, png, webp, bmp).
    exercise : str
        The exercise shown (``"auto"`` needs a video: a photo has no movement to recognise).
    thresholds : FormThresholds or path, optional
        As in :func:`analyze`.
    extra_checks : sequence of str
        As in :func:`analyze`.

    Returns
    -------
    PhotoAnalysis

    Notes
    -----
    Squat depth is not judged on a photo: nothing says the photo shows the
    bottom of a rep (see :func:`formlab.feedback.evaluate_form`).
    """
    name = check_exercise_name(exercise)
    if name == "auto":
        raise ConfigError("--exercise auto needs a video; name the exercise shown in the photo")
    th = steps.resolve_thresholds(thresholds, name)
    lift = lift_with_checks(name, check_extra_checks(extra_checks, name))
    source = resolve_source(image)
    if steps.media_kind_of(source) != "image":
        raise InputError(f"{source}: not a photo")
    track = steps.extract(source, extract_options, cache=cache)
    judged = steps.judge(track, lift, th)
    return PhotoAnalysis(
        source=source,
        exercise=name,
        raw_track=track,
        thresholds=th,
        feedback=photo_reasons(judged.feedback, checks_of(judged.feedback), th),
        thresholds_source=steps.thresholds_source(thresholds, name),
        cache=cache,
    )
