"""formlab: from a video of a lift to numbers and pictures a coach can trust.

The public API is short and flat; everything else lives in one module per
concept (``formlab.reps``, ``formlab.barbell``, ``formlab.feedback``, ...).

>>> import formlab
>>> track = formlab.extract("squat.mp4")                      # doctest: +SKIP
>>> result = formlab.analyze("squat.mp4", "front_squat")      # doctest: +SKIP
>>> result.reps, result.feedback                              # doctest: +SKIP
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_PUBLIC: dict[str, str | tuple[str, str]] = {
    "BarPath": ".barbell",
    "PixelScale": ".barbell",
    "bar_path": ".barbell",
    "track_plate": ".barbell",
    "ConfigError": ".core.errors",
    "FormlabError": ".core.errors",
    "FormlabWarning": ".core.errors",
    "InputError": ".core.errors",
    "ModelError": ".core.errors",
    "OutputError": ".core.errors",
    "SampleError": ".core.errors",
    "LANDMARK_INDEX": ".core.landmarks",
    "LANDMARK_NAMES": ".core.landmarks",
    "LEFT_RIGHT_PAIRS": ".core.landmarks",
    "SKELETON_EDGES": ".core.landmarks",
    "PoseTrack": ".core.track",
    "TrackMeta": ".core.track",
    "load_track": ".core.track",
    "Exercise": ".exercises",
    "exercise_names": ".exercises",
    "get_exercise": ".exercises",
    "load_thresholds": ".exercises",
    "save_thresholds": ".exercises",
    "thresholds_for": ".exercises",
    "Check": ".form.check",
    "FormThresholds": ".form.thresholds",
    "resolve_model": ".io.models",
    "fetch_sample": (".io.samples", "fetch"),
    "list_samples": ".io.samples",
    "Analysis": ".pipeline",
    "PhotoAnalysis": ".pipeline",
    "analyze": ".pipeline",
    "analyze_photo": ".pipeline",
    "BatchResult": ".pipeline.batch",
    "batch": ".pipeline.batch",
    "evaluate_form": ".pipeline.feedback",
    "explain_frame": ".pipeline.feedback",
    "form_per_rep": ".pipeline.feedback",
    "status_counts": ".pipeline.feedback",
    "worst_frames": ".pipeline.feedback",
    "ExtractOptions": ".pose.extract",
    "PoseExtractor": ".pose.extract",
    "extract": ".pose.extract",
    "RepDetectorParams": ".reps",
    "detect_reps": ".reps",
    "CleanOptions": ".signal.cleaning",
    "clean_track": ".signal.cleaning",
    "butterworth_lowpass": ".signal.filters",
    "smooth_track": ".signal.smoothing",
}
"""Where each public name lives: its module (and its name there, when it differs).

Imported on first use (PEP 562), so that ``import formlab`` and every ``formlab`` command pay
only for what they use: the whole package imports pandas, SciPy, matplotlib, OpenCV and MediaPipe,
2 s on the shared machine, most of a re-analysis of a cached track (issue 15)."""

if TYPE_CHECKING:  # the names as a type checker and an editor see them
    from .barbell import BarPath, PixelScale, bar_path, track_plate
    from .core.errors import (
        ConfigError,
        FormlabError,
        FormlabWarning,
        InputError,
        ModelError,
        OutputError,
        SampleError,
    )
    from .core.landmarks import (
        LANDMARK_INDEX,
        LANDMARK_NAMES,
        LEFT_RIGHT_PAIRS,
        SKELETON_EDGES,
    )
    from .core.track import PoseTrack, TrackMeta, load_track
    from .exercises import (
        Exercise,
        exercise_names,
        get_exercise,
        load_thresholds,
        save_thresholds,
        thresholds_for,
    )
    from .form.check import Check
    from .form.thresholds import FormThresholds
    from .io.models import resolve_model
    from .io.samples import fetch as fetch_sample
    from .io.samples import list_samples
    from .pipeline.analyze import analyze, analyze_photo
    from .pipeline.batch import BatchResult, batch
    from .pipeline.feedback import (
        evaluate_form,
        explain_frame,
        form_per_rep,
        status_counts,
        worst_frames,
    )
    from .pipeline.results import Analysis, PhotoAnalysis
    from .pose.extract import ExtractOptions, PoseExtractor, extract
    from .reps import RepDetectorParams, detect_reps
    from .signal.cleaning import CleanOptions, clean_track
    from .signal.filters import butterworth_lowpass
    from .signal.smoothing import smooth_track


def __getattr__(name: str) -> Any:
    """Import a public name (or a sub-package, ``formlab.io``) on first use, then keep it."""
    where = _PUBLIC.get(name)
    if where is None:
        if name.startswith("__"):  # asked by inspect, pickle, doctest: not a sub-package
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module, attr = (where, name) if isinstance(where, str) else where
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


__all__ = [
    "LANDMARK_INDEX",
    "LANDMARK_NAMES",
    "LEFT_RIGHT_PAIRS",
    "SKELETON_EDGES",
    "Analysis",
    "BarPath",
    "BatchResult",
    "Check",
    "CleanOptions",
    "ConfigError",
    "Exercise",
    "ExtractOptions",
    "FormThresholds",
    # errors
    "FormlabError",
    "FormlabWarning",
    "InputError",
    "ModelError",
    "OutputError",
    "PhotoAnalysis",
    "PixelScale",
    "PoseExtractor",
    "PoseTrack",
    "RepDetectorParams",
    "SampleError",
    "TrackMeta",
    "__version__",
    # the whole job
    "analyze",
    "analyze_photo",
    "bar_path",
    "batch",
    "butterworth_lowpass",
    # signals
    "clean_track",
    "detect_reps",
    "evaluate_form",
    # lifts and form feedback
    "exercise_names",
    "explain_frame",
    # pose tracks
    "extract",
    # samples
    "fetch_sample",
    "form_per_rep",
    "get_exercise",
    "list_samples",
    "load_thresholds",
    "load_track",
    "resolve_model",
    "save_thresholds",
    "smooth_track",
    "status_counts",
    "thresholds_for",
    "track_plate",
    "worst_frames",
]
