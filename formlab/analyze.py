"""``formlab analyze``: from a video of a set to reps, bar path, per-rep numbers and figures.

:func:`analyze` chains the steps, each a function of its own module:

1. pose track (:func:`formlab.extract`, cached by file content);
2. cleaning (:func:`formlab.cleaning.clean_track`);
3. reps (:func:`formlab.reps.detect_reps`, for a named exercise or ``"auto"``);
4. the load path in metres (:mod:`formlab.barbell`: the bar, or the body
   part that carries the load, see :func:`load_path`);
5. per-rep numbers (:func:`formlab.metrics.rep_metrics`) and a set summary;
6. form feedback (:func:`formlab.feedback.evaluate_form` per frame and
   :func:`formlab.feedback.form_per_rep` per rep) with the exercise's
   threshold preset or your own (:mod:`formlab.thresholds`).

A single photo gets step 1 and the form feedback only
(:func:`analyze_photo`, :class:`PhotoAnalysis`).

It returns an :class:`Analysis`; :meth:`Analysis.save` writes it through a list
of *writers* (:data:`DEFAULT_WRITERS`), each a function ``writer(analysis,
outdir) -> list of paths`` that writes one output atomically: ``summary.json``,
``reps.csv``, ``feedback.csv``, the pose track, the figures, the annotated
video and the worst frame of each failed check. Further outputs are added by
appending a writer, and further per-rep columns
or summary sections by :meth:`Analysis.with_reps_columns` and
:meth:`Analysis.with_section`, without touching the steps above.

:func:`register_cli` adds the ``analyze`` sub-command to ``formlab``'s parser.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._files import CSV_FLOAT_FORMAT, atomic_write, ensure_dir, staging_folder, swap_in
from ._text import with_article
from ._version import __version__
from .barbell import BAR_METHODS, LIFTER_HEIGHT_RANGE_M, BarPath, bar_path, landmark_path
from .checks import FAIL, MESSAGES, NOT_ASSESSABLE, PASS
from .cleaning import CleanOptions, clean_track
from .errors import ConfigError, FormlabWarning, InputError, OutputError
from .exercises import check_exercise_name, get_exercise
from .feedback import check_columns, evaluate_form, form_per_rep, save_feedback
from .metrics import rep_metrics, summarize_reps
from .reps import RepDetection, RepDetectorParams, detect_reps
from .thresholds import FormThresholds, load_thresholds, thresholds_for
from .track import PoseTrack

SUMMARY_FILE = "summary.json"
REPS_FILE = "reps.csv"
FEEDBACK_FILE = "feedback.csv"
POSE_FILE_STEM = "pose"
FIGURES = {"position": "bar_position.png", "path": "bar_path.png"}
ANNOTATED_VIDEO = "annotated.mp4"
ANNOTATED_IMAGE = "annotated.png"
WORST_FRAMES_DIR = "worst_frames"


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


# =============================================================================
# Result
# =============================================================================
@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything :func:`analyze` found.

    Attributes
    ----------
    source : Path
        The video.
    exercise_requested : str
        The name given (``"auto"`` included).
    exercise : str
        The exercise the reps were counted as (for ``"auto"``: the one chosen).
    raw_track, track : PoseTrack
        The extracted track and the cleaned one everything else uses.
    detection : RepDetection
    path : BarPath
        The load path in metres (:func:`load_path` of the cleaned track,
        low-passed at :data:`BAR_SMOOTHING_HZ`).
    raw_path : BarPath
        The same from the raw track with the same scale, unsmoothed (the
        figures' faint traces).
    reps : pandas.DataFrame
        One row per rep (see :mod:`formlab.metrics`), then each form check's
        verdict for the rep, its worst value (named after the measured
        value, e.g. ``depth_worst_hip_below_knee_deg``) and that value's
        frame, ``failed_checks`` and ``messages`` (see
        :func:`formlab.feedback.form_per_rep`).
    thresholds : FormThresholds
        The form-check thresholds used.
    feedback : pandas.DataFrame
        Per-frame form feedback (:func:`formlab.feedback.evaluate_form`).
    sections : dict
        Extra summary sections added by later steps.
    thresholds_source : str
        Where the thresholds came from (the exercise's preset, a file, or an
        object), recorded in the summary so a result can be reproduced.
    """

    source: Path
    exercise_requested: str
    exercise: str
    raw_track: PoseTrack
    track: PoseTrack
    detection: RepDetection
    path: BarPath
    raw_path: BarPath
    reps: pd.DataFrame
    thresholds: FormThresholds
    feedback: pd.DataFrame
    sections: Mapping[str, Any] = field(default_factory=dict)
    thresholds_source: str = ""

    @property
    def kind(self) -> str:
        return "video"

    def __repr__(self) -> str:
        """One line: the tracks, tables and arrays inside would flood a notebook cell.

        ``<Analysis squat.mp4: front_squat, 2 reps, 614 frames @ 29.97 fps, bar=plate>``;
        ``(auto)`` follows an exercise formlab chose, ``load=...`` replaces
        ``bar=...`` for exercises without a bar.
        """
        fps = self.track.meta.fps if math.isfinite(self.track.meta.fps) else self.track.fps
        rate = f" @ {fps:.4g} fps" if math.isfinite(fps) else ""
        auto = " (auto)" if self.exercise_requested == "auto" else ""
        n = self.detection.count
        load = (f"bar={self.path.method}" if self.path.method in BAR_METHODS
                else f"load={self.path.method.replace('landmarks:', '')}")
        return (f"<Analysis {Path(self.source).name}: {self.exercise}{auto}, {n} rep{'s' if n != 1 else ''}, "
                f"{self.track.n_frames} frames{rate}, {load}>")

    @property
    def rep_frames(self) -> list[int]:
        """0-based decoded frame index of each rep's turning point."""
        return self.detection.turn_frames

    def with_reps_columns(self, columns: Mapping[str, Sequence[Any]]) -> "Analysis":
        """A copy whose reps table has extra columns (one value per rep), e.g. per-rep form flags."""
        table = self.reps.copy()
        for name, values in columns.items():
            if len(values) != len(table):
                raise ValueError(f"column {name!r} has {len(values)} values for {len(table)} reps")
            table[name] = list(values)
        return dataclasses.replace(self, reps=table)

    def with_section(self, name: str, content: Any) -> "Analysis":
        """A copy with an extra JSON-serialisable section in the summary."""
        return dataclasses.replace(self, sections={**self.sections, name: content})

    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json``."""
        det = self.detection
        meta = self.track.meta
        fps = meta.fps if math.isfinite(meta.fps) else self.track.fps
        ex = get_exercise(self.exercise)
        out: dict[str, Any] = {
            "video": str(self.source),
            "exercise": self.exercise,
            "exercise_requested": self.exercise_requested,
            "fps": _json_float(fps),
            "frames": int(self.track.n_frames),
            "frames_with_pose": int(self.raw_track.detected.sum()),
            "duration_s": _json_float(float(self.track.time_s[-1]) if self.track.n_frames else 0.0),
            "reps": det.count,
            "rep_frames": det.turn_frames,
            "rep_times_s": [round(r.turn_s, 4) for r in det.reps],
            "turning_point": det.turning_point,
            "rep_signal": {"name": det.signal_name, "description": ex.signal.description},
            "detector": {**det.params.to_dict(), "range": _json_float(det.range),
                         "threshold": _json_float(det.threshold)},
            "set": summarize_reps(self.reps),
            "bar_path": {"method": self.path.method, "scale": self.path.scale.to_dict(),
                         "origin_px": list(self.path.origin_px), "origin": self.path.info.get("origin", ""),
                         "lowpass_cutoff_hz": self.path.info.get("lowpass_cutoff_hz"),
                         "choice": self.path.info.get("auto", "as requested")},
            "formlab_version": __version__,
            "model": meta.model_variant,
            "person_selection": meta.person_selection,
            "warnings": list(self.raw_track.meta.warnings),
            "provenance": [dict(p) for p in meta.provenance],
        }
        if det.auto:
            out["auto"] = dict(det.auto)
        out["form"] = {**form_summary(self.feedback, self.reps, self.thresholds),
                       "thresholds_source": self.thresholds_source}
        out.update({k: v for k, v in self.sections.items()})
        return out

    def save(self, outdir: str | os.PathLike, writers: Sequence["Writer"] | None = None) -> list[Path]:
        """Write the outputs into ``outdir`` (created if needed) with ``writers`` (default :data:`DEFAULT_WRITERS`).

        The default writers that draw on the video's frames (the annotated
        video, the worst frames) are left out, with a :class:`FormlabWarning`,
        when the analysis was made from a track whose video is not at hand.
        """
        if writers is None:
            writers = DEFAULT_WRITERS
            if not Path(self.source).is_file():
                warnings.warn(f"{self.source or 'the track'}: source video not found; the annotated video and "
                              f"worst frames are not written", FormlabWarning, stacklevel=2)
                writers = tuple(w for w in writers if not getattr(w, "needs_source", False))
        return _save(self, outdir, writers)


@dataclass(frozen=True, eq=False)
class PhotoAnalysis:
    """Form feedback on a single photo (:func:`analyze_photo`): no reps, no bar path.

    Attributes
    ----------
    source : Path
    exercise : str
    raw_track : PoseTrack
        The photo's one-frame pose track.
    thresholds : FormThresholds
    feedback : pandas.DataFrame
        One row: the measured values and each check's verdict.
    """

    source: Path
    exercise: str
    raw_track: PoseTrack
    thresholds: FormThresholds
    feedback: pd.DataFrame
    thresholds_source: str = ""

    @property
    def kind(self) -> str:
        return "image"

    def __repr__(self) -> str:
        """One line: ``<PhotoAnalysis front.jpg: front_squat, pose found, 1 of 3 checks failed (elbows_up)>``."""
        pose = "pose found" if bool(self.raw_track.detected.any()) else "no pose found"
        checks = check_columns(self.feedback)
        failed = [c for c in checks if (self.feedback[c].astype(str) == FAIL).any()]
        verdict = f"{len(failed)} of {len(checks)} checks failed" + (f" ({', '.join(failed)})" if failed else "")
        return f"<PhotoAnalysis {Path(self.source).name}: {self.exercise}, {pose}, {verdict}>"

    @property
    def track(self) -> PoseTrack:
        return self.raw_track

    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json`` for a photo (``reps`` is null: a photo has none)."""
        meta = self.raw_track.meta
        return {
            "video": None,
            "image": str(self.source),
            "exercise": self.exercise,
            "fps": None,
            "frames": 1,
            "frames_with_pose": int(self.raw_track.detected.sum()),
            "reps": None,
            "rep_frames": [],
            "form": {**form_summary(self.feedback, None, self.thresholds), "thresholds_source": self.thresholds_source},
            "formlab_version": __version__,
            "model": meta.model_variant,
            "person_selection": meta.person_selection,
        }

    def save(self, outdir: str | os.PathLike, writers: Sequence["Writer"] | None = None) -> list[Path]:
        """Write the outputs into ``outdir`` (default :data:`PHOTO_WRITERS`)."""
        return _save(self, outdir, PHOTO_WRITERS if writers is None else writers)


OUTPUT_NAMES: tuple[str, ...] = (SUMMARY_FILE, REPS_FILE, FEEDBACK_FILE, f"{POSE_FILE_STEM}.csv",
                                  f"{POSE_FILE_STEM}.csv.json", f"{POSE_FILE_STEM}.parquet", *FIGURES.values(),
                                  ANNOTATED_VIDEO, ANNOTATED_IMAGE, WORST_FRAMES_DIR)
"""Everything ``formlab analyze`` may write into an output folder; a new full run replaces all of it,
so a folder never mixes the outputs of two runs (other files in the folder are left alone)."""


def _save(analysis, outdir, writers) -> list[Path]:
    """Run the writers into a hidden staging folder inside ``outdir``, then swap the results in.

    Until every writer has finished, ``outdir`` is untouched: an error or an
    interruption (Ctrl-C) leaves the previous outputs, or nothing, never a
    mix. Then the results are swapped in all at once (:func:`formlab._files.swap_in`),
    ``summary.json`` last. A full run (one that writes ``summary.json``)
    replaces every earlier formlab output (:data:`OUTPUT_NAMES`), so that a
    ``--no-video`` run does not leave an older run's video beside its own
    results; a run with other writers replaces only what it writes.
    """
    import shutil

    folder = ensure_dir(outdir)
    try:
        staging = staging_folder(folder)
    except OSError as e:
        raise OutputError(f"{folder}: cannot write into the folder ({e.strerror})") from None
    try:
        written: list[Path] = []
        for writer in writers:
            written += list(writer(analysis, staging))
        replaced = OUTPUT_NAMES if any(w is write_summary for w in writers) else ()
        swap_in(staging, folder, replaced, last=SUMMARY_FILE)
        return [folder / p.relative_to(staging) if p.is_relative_to(staging) else p for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def form_summary(feedback: pd.DataFrame, reps: pd.DataFrame | None, thresholds: FormThresholds) -> dict[str, Any]:
    """The ``form`` section of ``summary.json``: per check, frame counts, failed reps and the message.

    A check counts as failed for the set when it failed in any rep (videos)
    or in the frame (photos).
    """
    checks: dict[str, Any] = {}
    failed: list[str] = []
    for name in check_columns(feedback):
        status = feedback[name].astype(str)
        entry: dict[str, Any] = {"frames": {v: int((status == v).sum()) for v in (PASS, FAIL, NOT_ASSESSABLE)},
                                 "message": MESSAGES[name]}
        if reps is not None and name in reps.columns:
            entry["failed_reps"] = [int(r) for r, v in zip(reps["rep"], reps[name]) if v == FAIL]
            is_failed = bool(entry["failed_reps"])
        else:
            is_failed = entry["frames"][FAIL] > 0
        if is_failed:
            failed.append(name)
        checks[name] = entry
    return {"exercise": feedback.attrs.get("exercise"), "checks": checks, "failed_checks": failed,
            "messages": [MESSAGES[n] for n in failed], "thresholds": thresholds.to_dict()}


def _json_float(v: float) -> float | None:
    return None if v is None or not math.isfinite(float(v)) else round(float(v), 6)


# =============================================================================
# Writers
# =============================================================================
Writer = Callable[[Analysis, Path], Sequence[Path]]


def write_summary(analysis: Analysis, outdir: Path) -> list[Path]:
    """``summary.json``: see :meth:`Analysis.summary`, plus ``outputs``, the files this run wrote."""
    outputs = sorted(p.name + ("/" if p.is_dir() else "") for p in outdir.iterdir() if not p.name.startswith("."))
    text = json.dumps({**analysis.summary(), "outputs": outputs + [SUMMARY_FILE]}, indent=2, allow_nan=False,
                      default=_json_default)
    return [atomic_write(outdir / SUMMARY_FILE, lambda p: p.write_text(text + "\n"))]


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return _json_float(float(o))
    if isinstance(o, (np.ndarray, tuple)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot write {type(o).__name__} to JSON")


def write_reps_table(analysis: Analysis, outdir: Path) -> list[Path]:
    """``reps.csv``: one row per rep (a header only when there are none).

    Floats have 6 significant digits (:data:`formlab._files.CSV_FLOAT_FORMAT`),
    as in ``feedback.csv``; frames and rep numbers stay integers.
    """
    return [atomic_write(outdir / REPS_FILE,
                         lambda p: analysis.reps.to_csv(p, index=False, float_format=CSV_FLOAT_FORMAT))]


def pose_writer(fmt: str = "csv") -> Writer:
    """A writer of the extracted pose track (``pose.csv`` with its JSON sidecar, or ``pose.parquet``)."""
    def write_pose(analysis: Analysis, outdir: Path) -> list[Path]:
        table = analysis.raw_track.save(outdir / f"{POSE_FILE_STEM}.{fmt}")
        sidecar = table.with_name(table.name + ".json")  # the CSV's metadata
        return [table, sidecar] if sidecar.is_file() else [table]

    return write_pose


def write_figures(analysis: Analysis, outdir: Path) -> list[Path]:
    """``bar_position.png`` (X/Y/Z over time, reps marked) and ``bar_path.png`` (sagittal path per rep)."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    from .plots import plot_bar_path, plot_bar_position, save_figure, turning_point_label

    p, raw, reps = analysis.path, analysis.raw_path, analysis.detection.reps
    name = Path(analysis.source).stem
    what = "bar" if p.method in BAR_METHODS else p.method.replace("landmarks:", "")
    turn = turning_point_label(analysis.detection)
    fig = plot_bar_position(p.time_s, p.x_m, p.y_m, p.z_rel_m, reps=reps, raw=(raw.x_m, raw.y_m, raw.z_rel_m),
                            title=f"{name}: {what} ({p.method}; {analysis.exercise})", turn_label=turn)
    out = [save_figure(fig, outdir / FIGURES["position"])]
    fig = plot_bar_path(p.time_s, p.x_m, p.y_m, reps, frame=p.frame, title=f"{name}: bar path per rep",
                        turn_label=turn)
    out.append(save_figure(fig, outdir / FIGURES["path"]))
    return out


def write_feedback(analysis, outdir: Path) -> list[Path]:
    """``feedback.csv``: one row per frame, measured values and each check's verdict."""
    return [save_feedback(analysis.feedback, outdir / FEEDBACK_FILE)]


def annotated_video_writer(progress: bool = False) -> Writer:
    """A writer of ``annotated.mp4`` (H.264): skeleton, check status, rep counter, bar-path trail."""
    def write_annotated(analysis: Analysis, outdir: Path) -> list[Path]:
        from .annotate import write_annotated_video

        bar = np.column_stack([analysis.path.x_px, analysis.path.y_px])
        return [write_annotated_video(analysis.source, analysis.track, analysis.feedback, outdir / ANNOTATED_VIDEO,
                                      reps=analysis.reps, bar_xy_px=bar, progress=progress)]

    write_annotated.needs_source = True  # draws on the video's frames
    return write_annotated


def write_worst_frames(analysis, outdir: Path) -> list[Path]:
    """``worst_frames/worst_<check>_frame<N>.png``: the annotated frame where each failed check failed worst."""
    from .annotate import save_worst_frames

    if not any((analysis.feedback[c].astype(str) == FAIL).any() for c in check_columns(analysis.feedback)):
        return []
    reps = analysis.reps if analysis.kind == "video" else None
    worst = save_worst_frames(analysis.source, analysis.track, analysis.feedback, outdir / WORST_FRAMES_DIR,
                              reps=reps)
    return [Path(p) for p in worst["path"]]


write_worst_frames.needs_source = True  # draws on the video's frames


def write_annotated_image(analysis: PhotoAnalysis, outdir: Path) -> list[Path]:
    """``annotated.png``: the photo with the skeleton and each check's verdict."""
    from .annotate import write_annotated_image as draw

    return [draw(analysis.source, analysis.raw_track, analysis.feedback, outdir / ANNOTATED_IMAGE)]


DEFAULT_WRITERS: tuple[Writer, ...] = (write_reps_table, write_feedback, pose_writer("csv"), write_figures,
                                       annotated_video_writer(), write_worst_frames, write_summary)
"""What ``formlab analyze`` writes for a video, in order. ``summary.json`` comes last: when it is
there, the run finished (an interrupted run leaves complete files only, never a partial one)."""

PHOTO_WRITERS: tuple[Writer, ...] = (write_feedback, pose_writer("csv"), write_annotated_image, write_summary)
"""What ``formlab analyze`` writes for a photo (``summary.json`` last)."""


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
    lifter_height_m: float | None = None,
    thresholds: FormThresholds | str | os.PathLike | None = None,
    cache: bool = True,
    progress: bool = False,
) -> Analysis:
    """Analyse a video of a set: reps, load path and per-rep numbers.

    Parameters
    ----------
    video : path or PoseTrack
        A video file, or a pose track already extracted (e.g. loaded with
        :func:`formlab.load_track`).
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
    lifter_height_m : float, optional
        The lifter's height, for the pixel-to-metre scale (default: from the
        body's own segments).
    thresholds : FormThresholds or path, optional
        Form-check thresholds, or a ``.toml``/``.json`` file of them (values
        left out take the exercise's preset); default: the exercise's preset
        (:func:`formlab.thresholds.thresholds_for`).
    cache : bool
        Reuse cached pose tracks (keyed by the video's content).
    progress : bool
        Show progress bars while extracting and while tracking the plate.

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
    resolve_thresholds(thresholds, requested)  # a bad file fails before the slow part
    video_path = None
    if isinstance(video, PoseTrack):
        raw = video
        source = Path(video.meta.source or "track")
    else:
        from .extract import extract

        source = video_path = check_video(video)
        raw = extract(source, extract_options, cache=cache, progress=progress)
    if raw.n_frames < 2:
        raise InputError(f"{source}: only {raw.n_frames} frame(s); reps need a video")
    _require_a_person(source, raw)
    track = clean_track(raw, clean_options)
    detection = detect_reps(track, requested, detector)
    ex = get_exercise(detection.exercise)
    full = load_path(track, ex.name, bar_method=bar_method, video=video_path, lifter_height_m=lifter_height_m,
                     progress=progress)
    path = full.lowpass(BAR_SMOOTHING_HZ)
    # the faint trace in the figures: the same point in the uncleaned track (the plate has no such version)
    raw_path = full if full.method == "plate" else load_path(raw, ex.name, bar_method=full.method, scale=full.scale)
    table = rep_metrics(detection, ex, x_m=path.x_m, y_m=path.y_m, track=track)
    th = resolve_thresholds(thresholds, ex.name)
    feedback = evaluate_form(track, ex.name, th, reps=table)
    table = form_per_rep(feedback, table, th)
    return Analysis(source=source, exercise_requested=requested, exercise=detection.exercise, raw_track=raw,
                    track=track, detection=detection, path=path, raw_path=raw_path, reps=table,
                    thresholds=th, feedback=feedback, thresholds_source=thresholds_source(thresholds, ex.name))


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


def analyze_photo(
    image: str | os.PathLike,
    exercise: str = "front_squat",
    *,
    extract_options=None,
    thresholds: FormThresholds | str | os.PathLike | None = None,
    cache: bool = True,
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

    Returns
    -------
    PhotoAnalysis

    Notes
    -----
    Squat depth is not judged on a photo: nothing says the photo shows the
    bottom of a rep (see :func:`formlab.feedback.evaluate_form`).
    """
    from .extract import extract
    from .media import media_kind

    name = check_exercise_name(exercise)
    if name == "auto":
        raise ConfigError("--exercise auto needs a video; name the exercise shown in the photo")
    th = resolve_thresholds(thresholds, name)
    source = Path(image)
    if media_kind(source) != "image":
        raise InputError(f"{source}: not a photo")
    track = extract(source, extract_options, cache=cache)
    _require_a_person(source, track)
    return PhotoAnalysis(source=source, exercise=name, raw_track=track, thresholds=th,
                         feedback=evaluate_form(track, name, th), thresholds_source=thresholds_source(thresholds, name))


def _require_a_person(source: Path, track: PoseTrack) -> None:
    """Refuse a video or photo in which nobody was found: every number and verdict would be empty,
    and an error says so where an empty result would look like a clean bill of health.
    (``formlab extract`` still returns such a track, with NaN in every frame.)"""
    if not track.detected.any():
        what = "the photo" if track.n_frames == 1 else f"any of the {track.n_frames} frames"
        raise InputError(f"{source}: no person found in {what}; nothing to analyse (is the lifter in the picture?)")


def check_video(path: str | os.PathLike) -> Path:
    """``path`` as a Path if it is an existing video file; otherwise a one-line :class:`InputError`."""
    source = Path(path)
    kind = _media_kind(source)
    if kind != "video":
        raise InputError(f"{source}: reps need a video, got {with_article(kind)} "
                         f"(use analyze_photo for form feedback on a photo)")
    return source


def _media_kind(source: Path) -> str:
    from .media import media_kind

    if not source.exists():
        raise InputError(f"{source}: no such file")
    return media_kind(source)


# =============================================================================
# Command line
# =============================================================================
def register_cli(subparsers, add_extract_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``formlab analyze VIDEO --exercise NAME -o OUTDIR`` to the ``formlab`` parser."""
    from .exercises import exercise_names

    p = subparsers.add_parser(
        "analyze", help="count reps, track the bar and measure each rep of a set",
        description="Count the reps of a set, track the bar (or the body part carrying the load), "
                    "measure each rep, check the lifter's form and draw it all. Writes summary.json, "
                    "reps.csv, feedback.csv, the pose track, figures, an annotated video and the worst "
                    "frame of each failed check into OUTDIR. Given a photo, writes the form feedback "
                    "on it (summary.json, feedback.csv, pose, annotated.png).")
    p.add_argument("input", help="video or photo, or sample:NAME")
    p.add_argument("--exercise", "-e", default="squat", metavar="NAME",
                   help=f"one of: {', '.join(exercise_names())} (default: squat)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (created if needed)")
    p.add_argument("--pose-format", choices=("csv", "parquet"), default="csv",
                   help="file format of the pose track (default: csv)")
    p.add_argument("--bar", choices=BAR_CHOICES, default="auto", dest="bar_method",
                   help="how to place the bar: auto (default: the plate tracked in the video when a plate "
                        "is seen, side views; else the centre of the grip), grip_centre, wrist_midpoint (the "
                        "article's), or plate")
    p.add_argument("--lifter-height", type=float, default=None, metavar="METRES", dest="lifter_height_m",
                   help="the lifter's height, for the pixel-to-metre scale (default: from the body's segments)")
    p.add_argument("--thresholds", default=None, metavar="FILE",
                   help="form-check thresholds (.toml or .json; values left out take the exercise's preset)")
    p.add_argument("--no-figures", action="store_true", help="do not draw the figures")
    p.add_argument("--no-video", action="store_true", help="do not write the annotated video")
    add_extract_options(p)
    p.set_defaults(func=cmd_analyze)


def _writers_for(args: argparse.Namespace, kind: str) -> list[Writer]:
    if kind == "image":
        return [write_feedback, pose_writer(args.pose_format), write_annotated_image, write_summary]
    writers: list[Writer] = [write_reps_table, write_feedback, pose_writer(args.pose_format)]
    if not args.no_figures:
        writers.append(write_figures)
    if not args.no_video:
        writers.append(annotated_video_writer(progress=not args.no_progress))
    return writers + [write_worst_frames, write_summary]


def _analyze_photo_cli(args: argparse.Namespace, source: Path, exercise: str, options, outdir: Path) -> int:
    photo = analyze_photo(source, exercise, extract_options=options, thresholds=args.thresholds,
                          cache=not args.no_cache)
    photo.save(outdir, _writers_for(args, "image"))
    failed = form_summary(photo.feedback, None, photo.thresholds)["failed_checks"]
    print(f"{outdir}: {photo.exercise} photo; " + (f"fails: {', '.join(failed)}" if failed else "no check fails"))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from .cli import _extract_options, _resolve_input

    exercise = check_exercise_name(args.exercise)
    options = _extract_options(args)
    low_m, high_m = LIFTER_HEIGHT_RANGE_M
    if args.lifter_height_m is not None and not low_m <= args.lifter_height_m <= high_m:
        # checked here, not after the slow extraction, and named as the user typed it
        raise ConfigError(f"--lifter-height must be a height in metres between {low_m} and {high_m}, "
                          f"got {args.lifter_height_m}")
    source = _resolve_input(args.input)
    kind = _media_kind(source)
    if kind not in ("video", "image"):
        raise InputError(f"{source}: formlab analyze takes one video or one photo, got {with_article(kind)}")
    if args.thresholds:
        resolve_thresholds(args.thresholds, exercise)  # a bad file fails before anything is written
    outdir = Path(args.output)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a folder")
    created = not outdir.exists()
    ensure_dir(outdir)  # fail on a read-only location before the slow part
    try:
        if kind == "image":
            return _analyze_photo_cli(args, source, exercise, options, outdir)
        result = analyze(source, exercise, extract_options=options, bar_method=args.bar_method,
                         lifter_height_m=args.lifter_height_m, thresholds=args.thresholds,
                         cache=not args.no_cache, progress=not args.no_progress)
        result.save(outdir, _writers_for(args, kind))
    except BaseException:
        if created and outdir.is_dir() and not any(outdir.iterdir()):
            outdir.rmdir()  # leave nothing behind for a run that produced nothing
        raise
    det = result.detection
    frames = ", ".join(str(f) for f in det.turn_frames) or "-"
    failed = form_summary(result.feedback, result.reps, result.thresholds)["failed_checks"]
    print(f"{outdir}: {det.describe()}; turning points at frames {frames}; "
          + (f"form: {', '.join(failed)} failed in some rep" if failed else "form: no check failed"))
    return 0
