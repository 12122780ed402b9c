"""formlab: from a video of a lift to numbers and pictures a coach can trust.

The public API is short and flat; everything else lives in one module per
concept (``formlab.reps``, ``formlab.barbell``, ``formlab.feedback``, ...).

>>> import formlab
>>> track = formlab.extract("squat.mp4")                      # doctest: +SKIP
>>> result = formlab.analyze("squat.mp4", "front_squat")      # doctest: +SKIP
>>> result.reps, result.feedback                              # doctest: +SKIP
"""

from ._version import __version__
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
from .pipeline import Analysis, PhotoAnalysis, analyze, analyze_photo
from .pipeline.batch import BatchResult, batch
from .pipeline.feedback import (
    evaluate_form,
    explain_frame,
    form_per_rep,
    status_counts,
    worst_frames,
)
from .pose.extract import ExtractOptions, PoseExtractor, extract
from .reps import RepDetectorParams, detect_reps
from .signal.cleaning import CleanOptions, clean_track
from .signal.filters import butterworth_lowpass
from .signal.smoothing import smooth_track

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
