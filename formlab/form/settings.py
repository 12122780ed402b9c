"""The thresholds every lift shares.

How the camera view is decided, which landmarks are trusted, and how frames
become a rep's verdict.
"""

from __future__ import annotations

from ..core.config import Settings, param, settings


# =============================================================================
# Settings every lift shares
# =============================================================================
@settings
class ViewThresholds(Settings):
    """How the camera view (front / oblique / side / back) is decided from the pose.

    See :mod:`formlab.form.view`. The body's yaw is the angle between the line
    from the right to the left shoulder/hip and the camera's x axis: 0 deg
    when the lifter faces the camera, +-90 deg in a side view, 180 deg from
    behind.
    """

    name = "view"
    front_max_yaw_deg: float = param(
        default=30.0,
        unit="deg",
        lo=0,
        hi=90,
        meaning="Largest |yaw| still called a front view (and smallest |180 - yaw| a back view).",
        source="formlab: a third of a quarter turn. Up to 30 deg the left-right axis keeps "
        ">= 87 % of its length in the picture (cos 30), so widths measured across the body "
        "depend mostly on the picture and little on MediaPipe's estimated depth.",
    )
    side_min_yaw_deg: float = param(
        default=60.0,
        unit="deg",
        lo=0,
        hi=90,
        meaning="Smallest |yaw| (or |180 - yaw|) called a side view; between the two limits the view is oblique.",
        source="formlab: symmetric to front_max_yaw_deg; beyond 60 deg the sagittal plane keeps "
        ">= 87 % of its extent in the picture (sin 60).",
    )
    image_cue_weight: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        meaning="Weight of the image cue (shoulder and hip widths in pixels relative to torso length) "
        "against the world-landmark cue (orientation of the shoulder and hip lines) in the yaw magnitude.",
        source="formlab: equal weights. On the sample clips the two cues differ by 2-10 deg in the "
        "median frame (5-27 deg at the 90th percentile); the image cue does not depend on MediaPipe's "
        "depth estimate, the world cue tells front from back and left from right.",
    )
    smoothing_window_s: float = param(
        default=1.0,
        unit="s",
        lo=0,
        hi=30,
        meaning="Width of the centred moving window over which the yaw is averaged before the view is decided "
        "(0: no smoothing).",
        source="formlab: a lifter does not turn within a rep, while single-frame yaw jitters by about "
        "10 deg; one second spans less than one rep at normal tempo.",
    )

    def _check_consistency(self) -> None:
        from ..core.errors import ConfigError

        if self.front_max_yaw_deg > self.side_min_yaw_deg:
            raise ConfigError(
                f"view.front_max_yaw_deg = {self.front_max_yaw_deg} must not exceed "
                f"view.side_min_yaw_deg = {self.side_min_yaw_deg}"
            )


@settings
class LandmarkThresholds(Settings):
    """Which landmarks are trusted enough to measure with."""

    name = "landmarks"
    min_visibility: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        meaning="A landmark whose MediaPipe visibility is below this is treated as unseen: a one-sided "
        "measure (an arm, a leg, an ear) uses only the sides whose landmarks all pass.",
        source="MediaPipe's own drawing utilities hide landmarks below 0.5. In the side view of "
        "squatAnalysis-rohanx01__squat the far elbow scores 0.01-0.23, the near one 0.74-0.99.",
    )


@settings
class RepSummaryThresholds(Settings):
    """How the per-frame verdicts become a verdict per rep."""

    name = "rep_summary"
    min_fail_duration_s: float = param(
        default=0.1,
        unit="s",
        lo=0,
        hi=10,
        meaning="A check that must hold through a rep fails in it only if it fails for at least this long in "
        "total within the rep (checks judged once per rep, such as depth, are exempt).",
        source="formlab: three frames at 30 fps, so that a single-frame landmark glitch does not flag a rep.",
    )


@settings
class UncertaintyThresholds(Settings):
    """How the uncertainty of a measured value is estimated from the clip (:mod:`formlab.form.uncertainty`)."""

    name = "uncertainty"
    z: float = param(
        default=1.0,
        unit="sd",
        lo=0,
        hi=5,
        meaning="A value closer to its threshold than z times its uncertainty is 'uncertain', neither pass "
        "nor fail (0: no uncertain verdicts).",
        source="formlab: one standard deviation. A verdict that a re-filmed set could flip by noise alone "
        "is not one a coach would sign; z = 1 keeps the band narrow enough that clear passes and fails "
        "stay decided on the sample clips.",
    )
    jitter_window_s: float = param(
        default=0.5,
        unit="s",
        lo=0.05,
        hi=10,
        meaning="Width of the centred window over which the landmark jitter (the measured value on the raw "
        "track minus the same value on the cleaned track) is averaged into an RMS.",
        source="formlab: half a second, shorter than a rep's bottom or lockout, long enough to hold "
        "15 frames at 30 fps.",
    )
    max_segment_error: float = param(
        default=0.4,
        unit="ratio",
        lo=0.05,
        hi=5,
        meaning="A measured body segment (thigh, shin, trunk, upper arm) whose 3-D length differs from its "
        "median over the clip by more than this fraction means its landmarks are misplaced (occluded by a "
        "plate, the far side guessed): checks drawn on it are not assessable in that frame.",
        source="measured on the sample clips: the 99th percentile of the length error is 0.11-0.31 for "
        "the legs and trunk where the body is in plain view; arms reach 0.76 where a plate or the other "
        "arm hides them.",
    )
    max_segment_turn_deg_per_s: float = param(
        default=1500.0,
        unit="deg/s",
        lo=100,
        hi=100000,
        meaning="A rigid body segment a check is drawn on (thigh, shin, trunk, upper arm) whose direction "
        "changes between neighbouring frames faster than this means the pose jumped between two readings "
        "of the body: checks drawn on it are not assessable in those frames (100000: off).",
        source="formlab: about twice the fastest segment turns of the lifts coached (arms in a jumping "
        "jack sweep 180 deg in about 0.25 s, 720 deg/s; trunks turn at a few hundred deg/s in a fast "
        "pull); a trunk read bent over in one frame and upright in the next at 30 fps turns 2700 deg/s "
        "(deadliftAI-bichraix bad016).",
    )


GENERAL_SECTIONS: dict[str, type[Settings]] = {
    "view": ViewThresholds,
    "landmarks": LandmarkThresholds,
    "rep_summary": RepSummaryThresholds,
    "uncertainty": UncertaintyThresholds,
}
"""Sections every thresholds file has, whatever the lift: not checks, but how every check is judged."""
