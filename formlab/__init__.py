"""formlab: from a video of a lift to numbers and pictures a coach can trust.

The public API is short and flat; everything else lives in one module per
concept (``formlab.reps``, ``formlab.barbell``, ``formlab.feedback``, ...).

>>> import formlab
>>> track = formlab.extract("squat.mp4")                      # doctest: +SKIP
>>> result = formlab.analyze("squat.mp4", "front_squat")      # doctest: +SKIP
>>> result.reps, result.feedback                              # doctest: +SKIP
"""

from ._version import __version__
from .analyze import Analysis, PhotoAnalysis, analyze, analyze_photo
from .barbell import BarPath, PixelScale, bar_path
from .cleaning import CleanOptions, clean_track
from .errors import ConfigError, FormlabError, InputError, ModelError, OutputError, SampleError
from .exercises import exercise_names
from .extract import ExtractOptions, PoseExtractor, extract
from .feedback import evaluate_form, form_per_rep
from .filtering import smooth_track
from .landmarks import LANDMARK_INDEX, LANDMARK_NAMES, LEFT_RIGHT_PAIRS, SKELETON_EDGES
from .models import resolve_model
from .plate_tracker import track_plate
from .reps import RepDetectorParams, detect_reps
from .samples import fetch as fetch_sample
from .samples import list_samples
from .thresholds import FormThresholds, load_thresholds, save_thresholds, thresholds_for
from .timeseries import butterworth_lowpass
from .track import PoseTrack, TrackMeta, load_track

__all__ = [
    "__version__",
    # pose tracks
    "extract", "ExtractOptions", "PoseExtractor", "PoseTrack", "TrackMeta", "load_track", "resolve_model",
    "LANDMARK_NAMES", "LANDMARK_INDEX", "LEFT_RIGHT_PAIRS", "SKELETON_EDGES",
    # samples
    "fetch_sample", "list_samples",
    # signals
    "clean_track", "CleanOptions", "smooth_track", "butterworth_lowpass",
    "bar_path", "BarPath", "PixelScale", "track_plate",
    "detect_reps", "RepDetectorParams", "exercise_names",
    # form feedback
    "evaluate_form", "form_per_rep", "FormThresholds", "thresholds_for", "load_thresholds", "save_thresholds",
    # the whole job
    "analyze", "analyze_photo", "Analysis", "PhotoAnalysis",
    # errors
    "FormlabError", "InputError", "ConfigError", "OutputError", "ModelError", "SampleError",
]
