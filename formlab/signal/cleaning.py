"""Removing glitches from pose tracks, and formlab's default cleaning chain.

MediaPipe occasionally throws a landmark far from the body for a frame or
two, labels the left knee as the right one, or guesses limbs that are out of
the picture. These functions find such positions and remove (NaN) or
relabel them; :func:`clean_track` chains them with gap filling and smoothing
(:mod:`formlab.filtering`) and is what ``formlab analyze`` runs:

* :func:`fix_left_right_swaps` - undo momentary left/right label swaps;
* :func:`reject_outliers` - Hampel test on each landmark's path;
* :func:`reject_implausible_bones` - limbs impossibly long in the picture;
* :func:`clean_track` with :class:`CleanOptions` - the whole chain.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.config import Settings, param, settings
from ..core.errors import ConfigError
from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from ..pose.persons import median_torso_px, torso_centre_and_scale
from .filters import hampel_outliers, is_number
from .smoothing import (
    _nan_landmarks,
    butterworth_filter,
    check_track,
    filter_by_confidence,
    interpolate_gaps,
    savgol_filter,
    smooth_track,
)
from .swaps import SWAP_GROUPS, fix_left_right_swaps

__all__ = [
    "BONES",
    "SWAP_GROUPS",
    "CleanOptions",
    "clean_track",
    "fix_left_right_swaps",
    "reject_implausible_bones",
    "reject_outliers",
]


def reject_outliers(
    track: PoseTrack,
    window_s: float = 0.5,
    *,
    n_sigma: float = 3.0,
    min_deviation_torso: float = 0.15,
) -> PoseTrack:
    """Remove landmark positions that jump away from their neighbours in time (Hampel).

    Each image coordinate of each landmark goes through
    :func:`hampel_outliers`; a landmark flagged in x or y loses its image,
    depth and world positions in that frame (NaN), to be filled by
    :func:`interpolate_gaps` when the gap is short.

    Parameters
    ----------
    track : PoseTrack
    window_s : float
        Window of the Hampel identifier in seconds. 0.5 s holds about half a
        squat phase: long enough for a robust median, short enough for the
        median model to follow the movement.
    n_sigma : float
        Threshold in robust standard deviations of the local jitter (3: Hampel's
        usual choice).
    min_deviation_torso : float
        Smallest deviation ever flagged, as a fraction of the median torso
        length (shoulders to hips, about 50 cm on an adult): 0.15, about
        7 cm, is several times MediaPipe's frame-to-frame jitter, so only real
        glitches (a wrist jumping onto a plate, a foot onto the other foot)
        are removed.

    Returns
    -------
    PoseTrack
        With step ``"reject_outliers"`` and the number of positions removed.
    """
    track = check_track(track)
    torso = median_torso_px(track)
    if not math.isfinite(torso) or track.n_frames < 3:
        return track.replace(step="reject_outliers", params={"window_s": window_s, "n_removed": 0})
    mask_xy = hampel_outliers(
        track.xy_px,
        window_s,
        time_s=track.time_s,
        n_sigma=n_sigma,
        min_deviation=min_deviation_torso * torso,
    )
    mask = np.asarray(mask_xy.any(axis=-1))
    return track.replace(
        step="reject_outliers",
        params={
            "window_s": float(window_s),
            "n_sigma": float(n_sigma),
            "min_deviation_torso": float(min_deviation_torso),
            "min_deviation_px": round(min_deviation_torso * torso, 2),
            "n_removed": int(mask.sum()),
        },
        **_nan_landmarks(track, mask),
    )


_L, _R = "left_", "right_"
BONES: tuple[tuple[int, int], ...] = tuple(
    (LANDMARK_INDEX[side + a], LANDMARK_INDEX[side + b])
    for side in (_L, _R)
    for a, b in (("shoulder", "elbow"), ("elbow", "wrist"), ("hip", "knee"), ("knee", "ankle"))
)
"""Limb bones checked by :func:`reject_implausible_bones`, as (proximal, distal) landmark indices:
upper arms, forearms, thighs and shanks."""

_EXTREMITIES: dict[int, tuple[int, ...]] = {
    LANDMARK_INDEX[side + joint]: tuple(LANDMARK_INDEX[side + p] for p in parts)
    for side in (_L, _R)
    for joint, parts in (("wrist", ("pinky", "index", "thumb")), ("ankle", ("heel", "foot_index")))
}
"""Hand and foot landmarks, removed together with their wrist or ankle."""


def reject_implausible_bones(
    track: PoseTrack, tolerance: float = 0.6, *, reference_percentile: float = 90.0
) -> PoseTrack:
    """Remove landmarks that make a limb bone impossibly long in the picture.

    For every limb bone (upper arm, forearm, thigh, shank; see :data:`BONES`)
    the image length is divided by the frame's torso length. The bone's
    reference is the ``reference_percentile`` of that ratio over the track
    (the bone seen at its full length); a frame where the ratio exceeds
    ``(1 + tolerance)`` times the reference is implausible. The landmark to
    blame is the elbow (knee) when both its bones are implausible, else the
    wrist (ankle) when the forearm (shank) is; shoulders and hips, anchored
    by the torso, are never blamed. A blamed wrist or ankle takes its hand or
    foot landmarks with it. Blamed landmarks lose their positions (NaN).

    Parameters
    ----------
    track : PoseTrack
    tolerance : float
        Allowed excess over the reference length. 0.6 leaves room for
        perspective (a limb swinging towards the camera looks longer than the
        torso leaning away) and for the reference being a percentile, while
        catching landmarks thrown far from their body.
    reference_percentile : float
        Percentile of the bone-to-torso ratio taken as the bone's full length.

    Returns
    -------
    PoseTrack
        With step ``"reject_implausible_bones"``.

    Notes
    -----
    Only *too long* bones are caught: a bone that looks too short may just
    point at the camera. World landmarks are not used because MediaPipe's
    world bone lengths vary by a factor of two or more over a lift when the
    limb is occluded (measured on the sample back squats), which would flag
    correct frames.
    """
    track = check_track(track)
    if not is_number(tolerance) or tolerance <= 0:
        raise ConfigError(f"tolerance must be a number > 0, got {tolerance!r}")
    if not is_number(reference_percentile) or not 50 <= reference_percentile <= 100:
        raise ConfigError(
            f"reference_percentile must be between 50 and 100, got {reference_percentile!r}"
        )
    import warnings

    _, torso = torso_centre_and_scale(track.xy_px)
    bad_bone = np.zeros((track.n_frames, len(BONES)), dtype=bool)
    for k, (a, b) in enumerate(BONES):
        ratio = np.linalg.norm(track.xy_px[:, a] - track.xy_px[:, b], axis=-1) / torso
        ok = np.isfinite(ratio)
        if ok.sum() < 10:
            continue
        ref = np.percentile(ratio[ok], reference_percentile)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            bad_bone[:, k] = ok & (ratio > (1.0 + tolerance) * ref)
    # blame (shoulders and hips, anchored by the torso, never): an elbow or knee when both its
    # bones are implausible, a wrist or ankle when its bone is and its elbow or knee is not
    mask = np.zeros(track.visibility.shape, dtype=bool)
    for k, (_root, mid) in enumerate(BONES[::2]):
        upper, lower = 2 * k, 2 * k + 1
        end = BONES[lower][1]
        mask[:, mid] = bad_bone[:, upper] & bad_bone[:, lower]
        mask[:, end] = bad_bone[:, lower] & ~mask[:, mid]
        for part in _EXTREMITIES[end]:
            mask[:, part] = mask[:, end]
    return track.replace(
        step="reject_implausible_bones",
        params={
            "tolerance": float(tolerance),
            "reference_percentile": float(reference_percentile),
            "n_removed": int(mask.sum()),
        },
        **_nan_landmarks(track, mask),
    )


@settings
class CleanOptions(Settings):
    """Settings of :func:`clean_track`, formlab's default cleaning chain; fields below."""

    name = "clean"
    fix_swaps: bool = param(
        default=True,
        meaning="Undo momentary left/right label swaps (fix_left_right_swaps).",
        source="formlab: BlazePose swaps the legs of a side view for a few frames at a time.",
    )
    swap_penalty_per_s: float = param(
        default=2.0,
        unit="torso lengths/s",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="How much a swapped labelling costs per second in the swap fix (its penalty_per_s).",
        source="formlab: a real swap of sides is rare; two torso lengths per second outweigh a momentary mix-up.",
    )
    outlier_window_s: float | None = param(
        default=0.5,
        unit="s",
        lo=0,
        hi=None,
        lo_open=True,
        optional=True,
        kind="number",
        meaning="Window of the Hampel outlier test (reject_outliers); None skips the test.",
        source="formlab: shorter than a rep's turn, longer than a glitch.",
    )
    outlier_n_sigma: float = param(
        default=3.0,
        unit="robust sd",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Threshold of the outlier test in robust standard deviations.",
        source="the usual Hampel threshold.",
    )
    outlier_min_deviation_torso: float = param(
        default=0.15,
        unit="torso lengths",
        lo=0,
        hi=None,
        meaning="Smallest deviation flagged as an outlier, in torso lengths (about 7 cm).",
        source="formlab: below it a jump is landmark jitter, not an outlier.",
    )
    bone_tolerance: float | None = param(
        default=0.6,
        unit="",
        lo=0,
        hi=None,
        lo_open=True,
        optional=True,
        kind="number",
        meaning="Allowed excess of a limb's image length over its full length (reject_implausible_bones); None "
        "skips the test.",
        source="formlab: perspective and estimation noise stay well below 60 %.",
    )
    min_presence: float | None = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        optional=True,
        kind="number",
        meaning="Positions of landmarks MediaPipe believes are outside the frame are removed (filter_by_confidence).",
        source="MediaPipe's own presence threshold.",
    )
    min_visibility: float | None = param(
        default=None,
        unit="",
        lo=0,
        hi=1,
        optional=True,
        kind="number",
        meaning="Optional visibility threshold; None keeps occluded landmarks (see filter_by_confidence for why).",
        source="formlab: an occluded landmark is estimated, usually well; checks decide for themselves.",
    )
    max_gap_s: float = param(
        default=0.3,
        unit="s",
        lo=0,
        hi=None,
        meaning="Gaps up to this long, including those left by the removals above, are interpolated.",
        source="formlab: shorter than any phase of a rep.",
    )
    smoothing: str = param(
        default="one_euro",
        choices=("one_euro", "butterworth", "savgol", "none"),
        meaning="The final smoothing: MediaPipe's legacy One-Euro filter on real timestamps (smooth_track), a "
        "Butterworth low-pass at cutoff_hz, Savitzky-Golay over window_s, or none.",
        source="MediaPipe's own filter (pose_landmark_filtering.pbtxt).",
    )
    cutoff_hz: float = param(
        default=6.0,
        unit="Hz",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Cut-off of the Butterworth option (lowered to 40 % of the frame rate on slow "
        "videos).",
        source="the classic cut-off for human movement (Winter).",
    )
    window_s: float = param(
        default=0.25,
        unit="s",
        lo=0,
        hi=None,
        lo_open=True,
        meaning="Window of the Savitzky-Golay option.",
        source="formlab: about a quarter of the fastest rep.",
    )


def clean_track(track: PoseTrack, options: CleanOptions | None = None) -> PoseTrack:
    """Formlab's default cleaning chain, the one ``formlab analyze`` runs.

    In order, each step recorded in the provenance:

    1. :func:`fix_left_right_swaps` - undo momentary left/right label swaps
       (first, because a swap looks like two outliers);
    2. :func:`reject_outliers` - remove positions that jump away from their
       neighbours in time (Hampel);
    3. :func:`reject_implausible_bones` - remove landmarks thrown far from
       their limb;
    4. :func:`filter_by_confidence` - remove landmarks MediaPipe places
       outside the frame;
    5. :func:`interpolate_gaps` - fill gaps up to ``max_gap_s`` (0.3 s),
       including those left by steps 2-4;
    6. smoothing, :func:`smooth_track` (MediaPipe's One-Euro filters on real
       timestamps) by default.

    Parameters
    ----------
    track : PoseTrack
    options : CleanOptions or dict, optional
        Defaults to ``CleanOptions()``; a dict sets some fields.

    Returns
    -------
    PoseTrack

    Notes
    -----
    Removal comes before smoothing because a smoother spreads a glitch over
    its neighbours, and gap filling comes before smoothing so that the
    smoother sees continuous stretches. On the MediaPipe conformance clip,
    where nothing is removed, the result equals :func:`smooth_track`.
    """
    track = check_track(track)
    o = CleanOptions.coerce(options)
    out = track
    if o.fix_swaps:
        out = fix_left_right_swaps(out, o.swap_penalty_per_s)
    if o.outlier_window_s is not None:
        out = reject_outliers(
            out,
            o.outlier_window_s,
            n_sigma=o.outlier_n_sigma,
            min_deviation_torso=o.outlier_min_deviation_torso,
        )
    if o.bone_tolerance is not None:
        out = reject_implausible_bones(out, o.bone_tolerance)
    if o.min_presence is not None or o.min_visibility is not None:
        out = filter_by_confidence(
            out, min_visibility=o.min_visibility, min_presence=o.min_presence
        )
    if o.max_gap_s > 0:
        out = interpolate_gaps(out, o.max_gap_s)
    if o.smoothing == "one_euro":
        out = smooth_track(out)
    elif o.smoothing == "butterworth":
        out = butterworth_filter(out, _safe_cutoff(out, o.cutoff_hz))
    elif o.smoothing == "savgol":
        out = savgol_filter(out, o.window_s)
    return out


def _safe_cutoff(track: PoseTrack, cutoff_hz: float) -> float:
    """The cut-off, lowered to 40 % of the frame rate (80 % of Nyquist) for low-frame-rate videos."""
    fs = track.fps
    return min(cutoff_hz, 0.4 * fs) if math.isfinite(fs) else cutoff_hz
