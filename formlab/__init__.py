"""formlab: from a video of a lift to numbers and pictures a coach can trust."""
from ._version import __version__
from .barbell import BarPath, PixelScale, bar_path
from .errors import ConfigError, FormlabError, InputError, ModelError, OutputError, SampleError
from .extract import ExtractOptions, PoseExtractor, extract
from .feedback import evaluate_form, form_per_rep
from .cleaning import CleanOptions, clean_track
from .filtering import smooth_track
from .timeseries import butterworth_lowpass
from .landmarks import LANDMARK_INDEX, LANDMARK_NAMES, LEFT_RIGHT_PAIRS, SKELETON_EDGES
from .models import resolve_model
from .plate_tracker import track_plate
from .samples import fetch as fetch_sample, list_samples
from .thresholds import FormThresholds, load_thresholds, save_thresholds, thresholds_for
from .track import PoseTrack, TrackMeta, load_track
