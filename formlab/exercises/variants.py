"""Which variant of a lift a clip shows: front, back, goblet or bodyweight squat; conventional or Romanian deadlift.

``auto`` first finds the family whose reps fit (:func:`formlab.reps.detect_reps`:
a squat, a deadlift), because every variant of a family counts its reps the
same way. This module then names the variant, from what the pose shows about
the load and the set-up, measured once over the clip's reps
(:data:`~formlab.exercises.features.VARIANT_FEATURES`):

* where the hands hold the load: at the shoulders in front (front rack), at
  the chest (goblet), reaching forward or swinging free (no load), and how
  much they move against the shoulders (a held load moves with the torso);
* whether a barbell plate was tracked, and where the bar sits against the
  shoulders (on the upper back, or forward on the front of the shoulders);
* for the deadlift, where each pull starts: knees well bent with the bar low
  (from the floor) or soft knees with the bar at mid-shin (Romanian).

Each variant declares its cues (:class:`~formlab.exercises.base.VariantCue`,
with the reason for each bound) in its own module. A variant *fits* when
none of its cues is contradicted and at least one is confirmed; exactly one
fitting variant is named. None, or more than one, leaves the variant
``uncertain``: the family's name is kept, and formlab does not guess. A cue
marked ``required`` must also be measured (a Romanian deadlift is named only
when its soft knees are seen).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from ..form.view import estimate_view
from .base import Exercise
from .features import VARIANT_FEATURES, pose_feature
from .registry import exercises

UNCERTAIN = "uncertain"
"""The variant named when the evidence fits no variant, or more than one."""

FRONTAL_VIEWS = ("front", "back")
"""Views in which the distance between the hands is read: from the side, the pose model guesses where
the far wrist is (squatAnalysis-rohanx01__squat: 2.3 shoulder widths for dumbbells on the shoulders)."""

SPREAD_PERCENTILES = (10.0, 90.0)
"""The range of the hands' position over the reps is read between these percentiles, so that a few
frames of misplaced hands do not make a held load look free (formlab's choice)."""


@dataclass(frozen=True)
class VariantDecision:
    """What :func:`recognise_variant` decided, and on which evidence.

    Attributes
    ----------
    family : str
        The lift whose reps were found (``squat``, ``deadlift``).
    name : str
        The lift to run: the variant, or the family when the variant is uncertain.
    variant : str
        The variant's name, ``"uncertain"``, or the family's name when it has no variants.
    features : dict
        The :data:`~formlab.exercises.features.VARIANT_FEATURES` the candidates' cues read,
        as measured (None: unknown).
    scores : dict
        Per candidate: ``score`` (confirmed cues / cues known), and the cues ``met``,
        ``failed`` and ``unknown``, each described with its bounds.
    reason : str
        The decision in words.
    """

    family: str
    name: str
    variant: str
    features: Mapping[str, float | None] = field(default_factory=dict)
    scores: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, for ``summary.json``'s ``auto.variant``."""
        return {
            "family": self.family,
            "variant": self.variant,
            "chosen": self.name,
            "features": dict(self.features),
            "scores": {k: dict(v) for k, v in self.scores.items()},
            "reason": self.reason,
        }


def variants_of(family: str) -> list[Exercise]:
    """The lifts ``auto`` may name for ``family``: its declared variants, and itself if it has cues."""
    return [
        ex
        for name, ex in exercises().items()
        if ex.variant_cues and (ex.variant_of == family or name == family)
    ]


def _hands_apart(track: PoseTrack) -> np.ndarray:
    """Per frame: the wrists' distance over the shoulders' distance (world landmarks)."""
    w = track.world_m
    i = LANDMARK_INDEX
    wrists = np.linalg.norm(w[:, i["left_wrist"]] - w[:, i["right_wrist"]], axis=-1)
    shoulders = np.linalg.norm(w[:, i["left_shoulder"]] - w[:, i["right_shoulder"]], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return wrists / np.where(shoulders > 0, shoulders, np.nan)


def _median(values: np.ndarray) -> float:
    v = values[np.isfinite(values)]
    return float(np.median(v)) if v.size else float("nan")


def _spread(values: np.ndarray) -> float:
    v = values[np.isfinite(values)]
    if v.size < 3:
        return float("nan")
    lo, hi = np.percentile(v, SPREAD_PERCENTILES)
    return float(hi - lo)


def variant_features(
    track: PoseTrack,
    reps: Sequence[tuple[int, int, int]],
    evidence: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The :data:`~formlab.exercises.features.VARIANT_FEATURES` of a clip, measured over its reps.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track.
    reps : sequence of (start_frame, turn_frame, end_frame)
        Decoded-frame numbers of each rep (:attr:`formlab.reps.Rep.start_frame`, ...).
    evidence : mapping, optional
        Values measured elsewhere (``barbell_seen``, ``bar_forward_torso``:
        from the plate tracker, see :func:`formlab.pipeline.variant.load_evidence`);
        the features not given and not measurable from the pose are NaN.
    """
    out = {name: float("nan") for name in VARIANT_FEATURES}
    frames = np.asarray(track.frame)
    inside = np.zeros(track.n_frames, bool)
    starts: list[int] = []
    bar = pose_feature(track, "wrist_above_ankle_m")
    previous_turn = 0
    for start, turn, end in reps:
        i0, it, i1 = (int(np.searchsorted(frames, f)) for f in (start, turn, end))
        inside[i0 : i1 + 1] = True
        # where a pull starts: the bar at its lowest since the previous rep's turn
        seg = bar[min(previous_turn, i0) : it + 1]
        if np.isfinite(seg).any():
            starts.append(min(previous_turn, i0) + int(np.nanargmin(seg)))
        previous_turn = it
    if inside.any():
        up = pose_feature(track, "hands_above_shoulders_torso")[inside]
        forward = pose_feature(track, "hands_forward_torso")[inside]
        out["load_above_shoulders_torso"] = _median(up)
        out["load_forward_torso"] = _median(forward)
        spreads = [v for v in (_spread(up), _spread(forward)) if np.isfinite(v)]
        out["load_spread_torso"] = max(spreads) if spreads else float("nan")
        frontal = inside & np.isin(
            estimate_view(track)["view"].astype(str).to_numpy(), FRONTAL_VIEWS
        )
        if frontal.any():
            out["hands_apart_shoulders"] = _median(_hands_apart(track)[frontal])
    if starts:
        knee = pose_feature(track, "knee_flexion_deg")
        out["start_knee_flexion_deg"] = _median(knee[starts])
        out["start_bar_above_ankles_m"] = _median(bar[starts])
    for name, value in (evidence or {}).items():
        if name in out and value is not None:
            out[name] = float(value)
    return out


def _judge(ex: Exercise, features: Mapping[str, float]) -> dict[str, Any]:
    met: list[str] = []
    failed: list[str] = []
    unknown: list[str] = []
    for cue in ex.variant_cues:
        holds = cue.holds(features[cue.feature])
        (unknown if holds is None else met if holds else failed).append(cue.describe())
    known = len(met) + len(failed)
    missing = [c.describe() for c in ex.variant_cues if c.required and c.describe() in unknown]
    return {
        "score": round(len(met) / known, 3) if known else None,
        "fits": not failed and not missing and bool(met),
        "met": met,
        "failed": failed,
        "unknown": unknown,
    }


def recognise_variant(
    track: PoseTrack,
    family: str,
    reps: Sequence[tuple[int, int, int]],
    evidence: Mapping[str, float] | None = None,
) -> VariantDecision:
    """Name the variant of ``family`` a clip shows, or say it is uncertain.

    Parameters
    ----------
    track : PoseTrack
    family : str
        The lift ``auto`` found (``"squat"``, ``"deadlift"``, ...).
    reps : sequence of (start_frame, turn_frame, end_frame)
        The reps found for it.
    evidence : mapping, optional
        Features measured outside the pose (see :func:`variant_features`).

    Returns
    -------
    VariantDecision
        For a family without variants: the family itself, nothing measured.
    """
    candidates = variants_of(family)
    if not candidates:
        return VariantDecision(family, family, family, reason=f"{family} has no variants")
    features = variant_features(track, reps, evidence)
    scores = {ex.name: _judge(ex, features) for ex in candidates}
    fitting = [name for name, s in scores.items() if s["fits"]]
    used = {c.feature for ex in candidates for c in ex.variant_cues}
    shown = {
        k: (None if not np.isfinite(v) else round(v, 3)) for k, v in features.items() if k in used
    }
    if len(fitting) == 1:
        name = fitting[0]
        cues = "; ".join(scores[name]["met"])
        return VariantDecision(
            family, name, name, shown, scores, f"{name}: every measured cue holds ({cues})"
        )
    if fitting:
        why = f"the evidence fits {' and '.join(fitting)} alike"
    else:
        why = "no variant's cues all hold (" + "; ".join(
            f"{n}: {', '.join(s['failed']) or 'nothing measured'}" for n, s in scores.items()
        )
        why += ")"
    return VariantDecision(family, family, UNCERTAIN, shown, scores, f"variant uncertain: {why}")
