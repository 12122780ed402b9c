"""What :func:`formlab.analyze` returns: :class:`Analysis` (a video) and :class:`PhotoAnalysis` (a photo)."""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..barbell.trajectory import BAR_METHODS, BarPath
from ..core.errors import FormlabWarning
from ..core.files import json_float
from ..core.stages import Stages
from ..core.track import PoseTrack
from ..exercises import checks_of, get_exercise
from ..form.check import FAIL
from ..form.judge import check_columns
from ..form.report import form_summary
from ..form.thresholds import FormThresholds
from ..outputs import DEFAULT_WRITERS, PHOTO_WRITERS, Writer, save_outputs
from ..reps.detection import RepDetection
from ..reps.metrics import summarize_reps


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
    cache : bool
        Whether the writers may copy outputs from formlab's cache and keep
        theirs there (the pose CSV, the figures, decoded frames); False after
        ``analyze(..., cache=False)`` (``--no-cache``).
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
    cache: bool = True

    @property
    def kind(self) -> str:
        """``"video"``: what was analysed."""
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
        load = (
            f"bar={self.path.method}"
            if self.path.method in BAR_METHODS
            else f"load={self.path.method.replace('landmarks:', '')}"
        )
        return (
            f"<Analysis {Path(self.source).name}: {self.exercise}{auto}, {n} rep{'s' if n != 1 else ''}, "
            f"{self.track.n_frames} frames{rate}, {load}>"
        )

    @property
    def rep_frames(self) -> list[int]:
        """0-based decoded frame index of each rep's turning point."""
        return self.detection.turn_frames

    def with_reps_columns(self, columns: Mapping[str, Sequence[Any]]) -> Analysis:
        """A copy whose reps table has extra columns (one value per rep), e.g. per-rep form flags."""
        table = self.reps.copy()
        for name, values in columns.items():
            if len(values) != len(table):
                raise ValueError(f"column {name!r} has {len(values)} values for {len(table)} reps")
            table[name] = list(values)
        return dataclasses.replace(self, reps=table)

    def with_section(self, name: str, content: Any) -> Analysis:
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
            "fps": json_float(fps),
            "frames": int(self.track.n_frames),
            "frames_with_pose": int(self.raw_track.detected.sum()),
            "duration_s": json_float(float(self.track.time_s[-1]) if self.track.n_frames else 0.0),
            "reps": det.count,
            "rep_frames": det.turn_frames,
            "rep_times_s": [round(r.turn_s, 4) for r in det.reps],
            "turning_point": det.turning_point,
            "rep_signal": {"name": det.signal_name, "description": ex.signal.description},
            "detector": {
                **det.params.to_dict(),
                "range": json_float(det.range),
                "threshold": json_float(det.threshold),
            },
            "set": summarize_reps(self.reps),
            "bar_path": {
                "method": self.path.method,
                "scale": self.path.scale.to_dict(),
                "origin_px": list(self.path.origin_px),
                "origin": self.path.info.get("origin", ""),
                "lowpass_cutoff_hz": self.path.info.get("lowpass_cutoff_hz"),
                "choice": self.path.info.get("auto", "as requested"),
                "camera": self.path.info.get("camera", {}),
                "uncertainty": self.path.uncertainty_note(),
            },
            "formlab_version": __version__,
            "model": meta.model_variant,
            "person_selection": meta.person_selection,
            "warnings": list(self.raw_track.meta.warnings),
            "provenance": [dict(p) for p in meta.provenance],
        }
        if "load" in self.path.info:
            out["load"] = {
                "load": self.path.info["load"],
                "why": self.path.info.get("load_why", ""),
            }
        if det.auto:
            out["auto"] = dict(det.auto)
        out["form"] = {
            **form_summary(self.feedback, self.reps, checks_of(self.feedback), self.thresholds),
            "thresholds_source": self.thresholds_source,
        }
        out.update({k: v for k, v in self.sections.items()})
        return out

    def save(
        self,
        outdir: str | os.PathLike,
        writers: Sequence[Writer] | None = None,
        stages: Stages | None = None,
    ) -> list[Path]:
        """Write the outputs into ``outdir`` (created if needed) with ``writers`` (default :data:`DEFAULT_WRITERS`).

        The default writers that draw on the video's frames (the annotated
        video, the worst frames) are left out, with a :class:`FormlabWarning`,
        when the analysis was made from a track whose video is not at hand.
        ``stages`` records each output's time (see :func:`formlab.outputs.save_outputs`).
        """
        if writers is None:
            writers = DEFAULT_WRITERS
            if not Path(self.source).is_file():
                warnings.warn(
                    f"{self.source or 'the track'}: source video not found; the annotated video and "
                    f"worst frames are not written",
                    FormlabWarning,
                    stacklevel=2,
                )
                writers = tuple(w for w in writers if not getattr(w, "needs_source", False))
        return save_outputs(self, outdir, writers, stages)


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
    cache : bool
        As :attr:`Analysis.cache`.
    """

    source: Path
    exercise: str
    raw_track: PoseTrack
    thresholds: FormThresholds
    feedback: pd.DataFrame
    thresholds_source: str = ""
    cache: bool = True

    @property
    def kind(self) -> str:
        """``"image"``: what was analysed."""
        return "image"

    def __repr__(self) -> str:
        """One line: ``<PhotoAnalysis front.jpg: front_squat, pose found, 1 of 3 checks failed (elbows_up)>``."""
        pose = "pose found" if bool(self.raw_track.detected.any()) else "no pose found"
        checks = check_columns(self.feedback)
        failed = [c for c in checks if (self.feedback[c].astype(str) == FAIL).any()]
        verdict = f"{len(failed)} of {len(checks)} checks failed" + (
            f" ({', '.join(failed)})" if failed else ""
        )
        return f"<PhotoAnalysis {Path(self.source).name}: {self.exercise}, {pose}, {verdict}>"

    @property
    def track(self) -> PoseTrack:
        """The photo's one-frame pose track."""
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
            "form": {
                **form_summary(self.feedback, None, checks_of(self.feedback), self.thresholds),
                "thresholds_source": self.thresholds_source,
            },
            "formlab_version": __version__,
            "model": meta.model_variant,
            "person_selection": meta.person_selection,
        }

    def save(
        self, outdir: str | os.PathLike, writers: Sequence[Writer] | None = None
    ) -> list[Path]:
        """Write the outputs into ``outdir`` (default :data:`PHOTO_WRITERS`)."""
        return save_outputs(self, outdir, PHOTO_WRITERS if writers is None else writers)
