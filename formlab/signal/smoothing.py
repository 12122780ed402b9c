"""Smoothing and gap filling of pose tracks.

Track versions of the signal filters in :mod:`formlab.timeseries`; each
returns a new :class:`~formlab.PoseTrack` and records its step and parameters
in the track's provenance:

* :func:`one_euro_filter` and :func:`smooth_track` - MediaPipe's own landmark
  smoothing (the legacy pose pipeline's One-Euro filters), on real timestamps;
* :func:`butterworth_filter`, :func:`savgol_filter` - zero-phase alternatives
  for offline analysis;
* :func:`filter_by_confidence` - remove positions MediaPipe is unsure about;
* :func:`interpolate_gaps` - fill short gaps.

Visibility and presence are never changed: they keep saying how sure
MediaPipe was about the original detection. A removed position is NaN; a
filled one has a finite position and the original (possibly NaN) visibility.
"""

from __future__ import annotations

from typing import Literal, cast

import numpy as np

from ..core.errors import ConfigError, InputError
from ..core.track import PoseTrack
from .filters import butterworth_lowpass, fill_gaps, is_number, savgol_smooth
from .one_euro import MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO, OneEuroParams, one_euro

__all__ = [
    "butterworth_filter",
    "filter_by_confidence",
    "interpolate_gaps",
    "object_scale_px",
    "one_euro_filter",
    "savgol_filter",
    "smooth_track",
]


Part = Literal["image", "world"]
_PARTS: tuple[Part, ...] = ("image", "world")


def _check_parts(parts) -> tuple[Part, ...]:
    parts = (parts,) if isinstance(parts, str) else tuple(parts)
    bad = [p for p in parts if p not in _PARTS]
    if bad or not parts:
        raise ConfigError(f"parts must be a selection of {list(_PARTS)}, got {list(parts)!r}")
    return cast(tuple[Part, ...], parts)  # each checked against _PARTS just above


def check_track(track) -> PoseTrack:
    if not isinstance(track, PoseTrack):
        raise InputError(f"expected a formlab PoseTrack, got {type(track).__name__}")
    return track


def _image_stack(track: PoseTrack) -> np.ndarray:
    """Image landmarks as (T, 33, 3) pixels: x, y and z scaled by the width like x (as MediaPipe does)."""
    w = float(track.meta.width_px or 1)
    return np.concatenate([track.xy_px, (track.z * w)[..., None]], axis=-1)


def _from_image_stack(track: PoseTrack, stack: np.ndarray) -> dict:
    w = float(track.meta.width_px or 1)
    return {"xy_px": stack[..., :2], "z": stack[..., 2] / w}


def _filter_parts(track: PoseTrack, parts, fn_image, fn_world) -> dict:
    changes: dict = {}
    if "image" in parts:
        changes.update(_from_image_stack(track, fn_image(_image_stack(track))))
    if "world" in parts:
        changes["world_m"] = fn_world(track.world_m)
    return changes


def _nan_landmarks(track: PoseTrack, mask: np.ndarray) -> dict:
    """Arrays with the positions (image, depth, world) of masked (frame, landmark) cells set to NaN."""
    xy = track.xy_px.copy()
    z = track.z.copy()
    world = track.world_m.copy()
    xy[mask] = np.nan
    z[mask] = np.nan
    world[mask] = np.nan
    return {"xy_px": xy, "z": z, "world_m": world}


def object_scale_px(track: PoseTrack) -> np.ndarray:
    """The person's size in the image per frame, as MediaPipe's smoothing measures it.

    ``(width + height) / 2`` of the axis-aligned bounding box of the frame's
    landmarks, in pixels (NaN landmarks ignored; NaN for frames without a pose, and for
    frames whose seen landmarks have no extent, e.g. a single one).

    Notes
    -----
    This is ``GetObjectScale`` of MediaPipe's ``LandmarksSmoothingCalculator``
    (``mediapipe/calculators/util/landmarks_smoothing_calculator.cc``),
    computed on landmarks already converted to pixels (x times the image
    width, y times the height). Dividing speeds by it makes the One-Euro
    filter's behaviour independent of how large the lifter appears. (The
    legacy pose graph could instead pass a region of interest derived from
    its two auxiliary landmarks, which formlab does not receive from the
    Tasks API; the bounding box is the calculator's own fallback.)
    """
    import warnings

    xy = check_track(track).xy_px
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        span = np.nanmax(xy, axis=1) - np.nanmin(xy, axis=1)  # (T, 2)
    size = span.mean(axis=1)
    # a frame with one landmark seen (or all at one pixel) has no size: NaN, as for no pose,
    # which the filter treats as unscaled (:meth:`OneEuroStream.step`) instead of dividing by 0
    return np.where(size > 0, size, np.nan)


Timing = Literal["real", "legacy_30fps"]
LEGACY_FRAME_INTERVAL_S = 1.0 / 30.0
"""Frame interval MediaPipe's legacy Python Solutions API stamps on every frame it is
given (``SolutionBase.process`` adds 33 333 us per call), whatever the video's real rate."""


def _filter_time(track: PoseTrack, timing: str) -> np.ndarray:
    if timing == "real":
        return track.time_s
    if timing == "legacy_30fps":
        return np.arange(track.n_frames) * LEGACY_FRAME_INTERVAL_S
    raise ConfigError(f"timing must be 'real' or 'legacy_30fps', got {timing!r}")


def one_euro_filter(
    track: PoseTrack,
    image: OneEuroParams | None = MEDIAPIPE_IMAGE_ONE_EURO,
    world: OneEuroParams | None = MEDIAPIPE_WORLD_ONE_EURO,
    *,
    timing: Timing = "real",
) -> PoseTrack:
    """Smooth a track with One-Euro filters, as MediaPipe's legacy pose pipeline did.

    Parameters
    ----------
    track : PoseTrack
    image : OneEuroParams or None
        Filter for the image landmarks (x, y in pixels and the relative depth
        ``z`` scaled by the image width, the way MediaPipe does). ``None``
        leaves them unchanged. Default: :data:`MEDIAPIPE_IMAGE_ONE_EURO`.
    world : OneEuroParams or None
        Filter for the world landmarks (metres). ``None`` leaves them
        unchanged. Default: :data:`MEDIAPIPE_WORLD_ONE_EURO`.
    timing : {"real", "legacy_30fps"}
        ``"real"`` (default) filters on the track's real timestamps, so the
        cut-offs mean the same in seconds at any frame rate.
        ``"legacy_30fps"`` reproduces MediaPipe's legacy Python Solutions API,
        which stamps consecutive frames 1/30 s apart whatever the video's rate
        (:data:`LEGACY_FRAME_INTERVAL_S`): use it only to compare with outputs
        of that API, such as MediaPipe's expected landmarks for its
        ``pose_squats`` test video (a 5 fps clip, so that API smoothed it as if
        it were played six times slower).

    Returns
    -------
    PoseTrack
        With step ``"one_euro_filter"`` in the provenance.

    Notes
    -----
    The filter runs on the track's real timestamps (``track.time_s``), so a
    video re-encoded at 5 fps is smoothed in the same real-time terms as the
    original at 30 fps. It is causal (each output depends only on the past):
    it lags slightly on fast movements, which is why :func:`butterworth_filter`
    (zero phase) is offered for offline analysis of timing.
    A missing pose (NaN) resets the filter, as MediaPipe does.
    """
    track = check_track(track)
    time_s = _filter_time(track, timing)
    if image is None and world is None:
        raise ConfigError(
            "one_euro_filter needs parameters for the image or the world landmarks (both are None)"
        )
    changes: dict = {}
    if image is not None:
        scale = 1.0 / object_scale_px(track) if image.scale_by_object else 1.0
        stack = one_euro(
            _image_stack(track),
            time_s,
            min_cutoff_hz=image.min_cutoff_hz,
            beta=image.beta,
            derivate_cutoff_hz=image.derivate_cutoff_hz,
            value_scale=scale,
        )
        changes.update(_from_image_stack(track, stack))
    if world is not None:
        if world.scale_by_object:
            raise ConfigError(
                "world landmarks are in metres: use OneEuroParams(scale_by_object=False) for them"
            )
        changes["world_m"] = one_euro(
            track.world_m,
            time_s,
            min_cutoff_hz=world.min_cutoff_hz,
            beta=world.beta,
            derivate_cutoff_hz=world.derivate_cutoff_hz,
        )
    params = {
        "image": image.to_dict() if image else None,
        "world": world.to_dict() if world else None,
        "timing": timing,
    }
    return track.replace(step="one_euro_filter", params=params, **changes)


def butterworth_filter(
    track: PoseTrack,
    cutoff_hz: float = 6.0,
    *,
    order: int = 4,
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Zero-phase low-pass Butterworth filter on a track's landmark positions.

    Parameters
    ----------
    track : PoseTrack
    cutoff_hz : float
        Cut-off in Hz; default 6 Hz (see :func:`butterworth_lowpass` for why).
        Must be below half the frame rate: a 5 fps video allows at most 2.5 Hz.
    order : int
        Order of the filter before the forward-backward pass.
    parts : tuple of {"image", "world"}
        Which positions to filter (image x, y and z; world x, y, z).

    Returns
    -------
    PoseTrack
        With step ``"butterworth_filter"`` in the provenance. Gaps (NaN) are
        kept; each stretch between gaps is filtered separately.
    """
    track = check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return butterworth_lowpass(a, cutoff_hz, time_s=track.time_s, order=order)

    changes = _filter_parts(track, parts, f, f)
    return track.replace(
        step="butterworth_filter",
        params={"cutoff_hz": float(cutoff_hz), "order": int(order), "parts": list(parts)},
        **changes,
    )


def savgol_filter(
    track: PoseTrack,
    window_s: float = 0.25,
    *,
    polyorder: int = 2,
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Savitzky-Golay smoothing of a track's landmark positions, window in seconds.

    Parameters
    ----------
    track : PoseTrack
    window_s : float
        Window length in seconds. The default, 0.25 s, is about a quarter of
        the fastest phase of a lift (a concentric of about 1 s), short enough
        not to flatten the bottom of a squat.
    polyorder : int
        Degree of the local polynomial (2 keeps turning points).
    parts : tuple of {"image", "world"}

    Returns
    -------
    PoseTrack
        With step ``"savgol_filter"`` in the provenance.
    """
    track = check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return savgol_smooth(a, window_s, time_s=track.time_s, polyorder=polyorder)

    changes = _filter_parts(track, parts, f, f)
    return track.replace(
        step="savgol_filter",
        params={"window_s": float(window_s), "polyorder": int(polyorder), "parts": list(parts)},
        **changes,
    )


def filter_by_confidence(
    track: PoseTrack,
    min_visibility: float | None = None,
    min_presence: float | None = 0.5,
) -> PoseTrack:
    """Remove (set to NaN) the positions MediaPipe is unsure about.

    Parameters
    ----------
    track : PoseTrack
    min_visibility : float in [0, 1] or None
        Landmarks whose visibility (probability of not being occluded) is
        below this lose their positions. ``None`` (default) keeps them.
    min_presence : float in [0, 1] or None
        Landmarks whose presence (probability of being inside the frame) is
        below this lose their positions. Default 0.5.

    Returns
    -------
    PoseTrack
        With step ``"filter_by_confidence"``; image, depth and world
        positions of the removed landmarks are NaN, visibility and presence
        are unchanged.

    Notes
    -----
    Visibility is not used by default because in the side views lifters are
    filmed from, the far arm and leg are occluded (visibility often below
    0.3) but their positions, inferred from the body, are still usable and
    needed for left/right averages. Presence below 0.5 means MediaPipe thinks
    the landmark is outside the picture (e.g. feet cut off by the frame
    edge), where its position is a guess; 0.5 is MediaPipe's own default
    presence threshold.
    """
    track = check_track(track)
    mask = np.zeros(track.visibility.shape, dtype=bool)
    for name, thr, arr in (
        ("min_visibility", min_visibility, track.visibility),
        ("min_presence", min_presence, track.presence),
    ):
        if thr is None:
            continue
        if not is_number(thr) or not 0.0 <= thr <= 1.0:
            raise ConfigError(f"{name} must be between 0 and 1 or None, got {thr!r}")
        mask |= np.isfinite(arr) & (arr < thr)
    return track.replace(
        step="filter_by_confidence",
        params={
            "min_visibility": min_visibility,
            "min_presence": min_presence,
            "n_removed": int(mask.sum()),
        },
        **_nan_landmarks(track, mask),
    )


def interpolate_gaps(
    track: PoseTrack,
    max_gap_s: float = 0.3,
    *,
    method: Literal["linear", "pchip"] = "linear",
    parts: tuple[Part, ...] = _PARTS,
) -> PoseTrack:
    """Fill short gaps in landmark positions by interpolation over time.

    Parameters
    ----------
    track : PoseTrack
    max_gap_s : float
        Longest gap (missing time) to fill, in seconds. Default 0.3 s: about
        10 frames at 30 fps, the limit Sports2D uses. Over 0.3 s a squatting
        bar moves at most a few centimetres away from a straight line, so
        the interpolation error stays below MediaPipe's own noise; longer
        gaps stay NaN and are reported as missing.
    method : {"linear", "pchip"}
        See :func:`fill_gaps`.
    parts : tuple of {"image", "world"}

    Returns
    -------
    PoseTrack
        With step ``"interpolate_gaps"``. Frames before the first and after
        the last detection are never filled.
    """
    track = check_track(track)
    parts = _check_parts(parts)

    def f(a):
        return fill_gaps(a, track.time_s, max_gap_s, method=method)

    changes = _filter_parts(track, parts, f, f)
    before = int(np.isnan(track.xy_px[..., 0]).sum())
    after = int(np.isnan(changes.get("xy_px", track.xy_px)[..., 0]).sum())
    return track.replace(
        step="interpolate_gaps",
        params={
            "max_gap_s": float(max_gap_s),
            "method": method,
            "parts": list(parts),
            "n_filled": before - after,
        },
        **changes,
    )


def smooth_track(track: PoseTrack, *, timing: Timing = "real") -> PoseTrack:
    """Formlab's default smoothing: MediaPipe's legacy One-Euro filters on real timestamps.

    Image landmarks: min cut-off 0.05 Hz, beta 80, derivative cut-off 1 Hz,
    speeds scaled by the person's size; world landmarks: 0.1 Hz, 40, 1 Hz.
    (:data:`MEDIAPIPE_IMAGE_ONE_EURO`, :data:`MEDIAPIPE_WORLD_ONE_EURO`.)

    Notes
    -----
    These are the filters of the MediaPipe pipeline whose output MediaPipe's
    own video conformance test expects. formlab runs them on the track's real
    timestamps (``timing="real"``), so that a cut-off in hertz means the same
    at 5, 30 or 60 fps; on a 30 fps video this is exactly MediaPipe's legacy
    behaviour. ``timing="legacy_30fps"`` reproduces the legacy Python API,
    which assumes 30 fps for every video (see :func:`one_euro_filter`).
    """
    return one_euro_filter(track, MEDIAPIPE_IMAGE_ONE_EURO, MEDIAPIPE_WORLD_ONE_EURO, timing=timing)
