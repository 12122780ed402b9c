"""Is what the plate tracker followed a plate on the lifter's bar? The hands as a prior, not a veto.

A round thing near the hands (a head in a bodyweight squat, a wheel, a shadow) can be followed as
well as a plate. The pose tells them apart, but it is not always right: MediaPipe guesses the
hands when a plate hides them, and at a deadlift's lockout it may put them 100 px off. So the
hands are one piece of evidence among three:

* the plate was **seen** (a circle or a fitted rim, not only the template) in most tracked frames,
  and its rim was clear (:data:`~formlab.barbell.rim.RIM_CONFIDENT`) in at least one;
* its **rim** was fitted with confidence (the median fraction of rays on the rim): a plate's rim is
  a sharp ellipse, a head or a shadow is not;
* it **moves with the hands**: either it stays next to them (median distance within
  ``max_hand_distance_radii`` plate radii, steady within ``max_hand_distance_sd_radii``), or,
  when the rim is confidently fitted, its vertical motion follows the hands' (correlation of the
  two heights at least ``min_hand_correlation``) within ``max_hand_distance_radii_rim`` radii.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..core.landmarks import GRIP
from ..core.track import PoseTrack
from .rim import RIM_CONFIDENT

if TYPE_CHECKING:
    from .plate import PlateTrackerOptions


def held_by_lifter(
    centre: np.ndarray,
    radius: np.ndarray,
    how: np.ndarray,
    confidence: np.ndarray,
    track: PoseTrack,
    o: PlateTrackerOptions,
) -> tuple[bool, dict]:
    """Whether the plate followed is on the lifter's bar, with the numbers and the reason."""
    tracked = np.isfinite(centre).all(axis=1)
    r = radius[np.isfinite(radius)]
    if tracked.sum() < 3 or r.size == 0:
        return False, {"held": False, "reason": "no plate-sized circle found near the hands"}
    r_med = float(np.median(r))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        grip = np.nanmean(track.xy_px[:, list(GRIP)], axis=1)
    dist = np.linalg.norm(centre - grip, axis=1) / r_med
    d = dist[np.isfinite(dist)]
    seen = float(np.mean(np.isin(how[tracked], ("circle", "rim"))))
    rim = float(np.median(confidence[tracked]))
    both = tracked & np.isfinite(grip).all(axis=1)
    corr = float("nan")
    if both.sum() >= 5 and np.std(centre[both, 1]) > 0 and np.std(grip[both, 1]) > 0:
        corr = float(np.corrcoef(centre[both, 1], grip[both, 1])[0, 1])
    stats = {
        "circle_fraction": seen,
        "rim_confidence": rim,
        "hand_distance_radii": float(np.median(d)) if d.size else float("nan"),
        "hand_distance_sd_radii": float(np.std(d)) if d.size else float("nan"),
        "hand_height_correlation": corr,
    }
    reasons = []
    best = float(confidence[tracked].max())
    if best < RIM_CONFIDENT:
        reasons.append(f"its rim is never clear (best confidence {best:.2f} < {RIM_CONFIDENT})")
    if seen < o.min_circle_fraction:
        reasons.append(f"seen as a circle in only {seen:.0%} of the frames")
    near = (
        stats["hand_distance_radii"] <= o.max_hand_distance_radii
        and stats["hand_distance_sd_radii"] <= o.max_hand_distance_sd_radii
    )
    follows = (
        rim >= o.min_rim_confidence
        and stats["hand_distance_radii"] <= o.max_hand_distance_radii_rim
        and corr >= o.min_hand_correlation
    )
    if not (near or follows):
        if not stats["hand_distance_radii"] <= o.max_hand_distance_radii:
            reasons.append(f"{stats['hand_distance_radii']:.1f} plate radii from the hands")
        if not stats["hand_distance_sd_radii"] <= o.max_hand_distance_sd_radii:
            reasons.append(
                f"not moving with the hands (distance varies by {stats['hand_distance_sd_radii']:.1f} radii)"
            )
        if rim < o.min_rim_confidence:
            reasons.append(f"its rim is not a clear ellipse (confidence {rim:.2f})")
        elif not corr >= o.min_hand_correlation:
            reasons.append(f"its height follows the hands' poorly (correlation {corr:.2f})")
        if not reasons:
            reasons.append(f"{stats['hand_distance_radii']:.1f} plate radii from the hands")
    held = not reasons
    return held, {
        "held": held,
        "reason": "; ".join(reasons) or "plate on the lifter's bar",
        **stats,
    }
