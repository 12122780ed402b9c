"""Where ``auto`` names the exact lift, and what load a lift is done with.

Step 3 (:func:`formlab.detect_reps`) recognises the family of lifts from the
movement (a squat, a deadlift). Once the load's path is known (step 4: a
plate tracked or not), :func:`name_variant` names the variant
(:func:`formlab.exercises.variants.recognise_variant`) and recounts the reps
as that lift's, and :func:`resolve_load` says what the lift is done with,
which the load-aware checks read (the barbell front rack's ``elbows_up``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..barbell.trajectory import BarPath
from ..core.errors import ConfigError
from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from ..exercises import NO_LIFT, NONE, get_exercise
from ..exercises.variants import recognise_variant
from ..reps.detect import detect_reps
from ..reps.detection import RepDetection, RepDetectorParams

LOADS: tuple[str, ...] = ("auto", "barbell", "dumbbell", "bodyweight")
"""The loads a lift may be declared to be done with (``analyze(load=...)``, ``--load``); ``auto``
takes it from the lift and the video (:func:`resolve_load`)."""


def check_load(load: str) -> str:
    """``load`` if it is one of :data:`LOADS`, else a ConfigError listing them."""
    if load not in LOADS:
        raise ConfigError(f"unknown load {load!r}; accepted: {', '.join(LOADS)}")
    return load


def load_evidence(
    track: PoseTrack, path: BarPath, reps: list[tuple[int, int, int]] | None = None
) -> dict[str, float]:
    """What the load's path says about a barbell: whether one was seen, and where it sits.

    ``barbell_seen`` is 1 when a plate was tracked, 0 when the plate tracker
    looked for one (a side view) and found none, NaN when it did not look.
    ``bar_forward_torso`` is the tracked plate centre's median horizontal
    distance in front of the shoulder midpoint, in the picture, in torso
    lengths (the way the lifter faces is the way the nose points), over the
    frames of ``reps`` (start, turn, end frame; default all frames: the
    walk-out to and from a rack is no rep); ``bar_above_shoulders_torso`` its
    height above the shoulder midpoint, alike. NaN without a plate.
    """
    search = path.info.get("plate_search")
    seen = 1.0 if path.method == "plate" else 0.0 if search == "not_found" else float("nan")
    forward = above = float("nan")
    if path.method == "plate" and len(path.x_px) == track.n_frames:
        xy = track.xy_px
        i = LANDMARK_INDEX
        shoulder = (xy[:, i["left_shoulder"]] + xy[:, i["right_shoulder"]]) / 2
        hip = (xy[:, i["left_hip"]] + xy[:, i["right_hip"]]) / 2
        torso = np.linalg.norm(shoulder - hip, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            nose = xy[:, i["nose"], 0] - shoulder[:, 0]
            facing = np.sign(np.nanmedian(nose)) if np.isfinite(nose).any() else np.nan
            ahead = facing * (np.asarray(path.x_px) - shoulder[:, 0]) / torso
            up = (shoulder[:, 1] - np.asarray(path.y_px)) / torso  # image y points down
        inside = np.ones(track.n_frames, bool)
        if reps:
            frame = np.asarray(track.frame)
            inside = np.zeros(track.n_frames, bool)
            for start, _, end in reps:
                inside |= (frame >= start) & (frame <= end)
        if np.isfinite(ahead[inside]).any():
            forward = float(np.nanmedian(ahead[inside]))
        if np.isfinite(up[inside]).any():
            above = float(np.nanmedian(up[inside]))
    return {"barbell_seen": seen, "bar_forward_torso": forward, "bar_above_shoulders_torso": above}


def name_variant(
    track: PoseTrack,
    detection: RepDetection,
    path: BarPath,
    detector: RepDetectorParams | None = None,
) -> RepDetection:
    """``auto``'s detection with the exact lift: the variant recognised, its reps recounted as its own.

    The evidence goes into ``detection.auto["variant"]``
    (:meth:`formlab.exercises.variants.VariantDecision.to_dict`). When the
    variant is uncertain the family is kept, and so is its detection.
    """
    if not detection.auto or detection.exercise == NONE:
        return detection
    reps = [(r.start_frame, r.turn_frame, r.end_frame) for r in detection.reps]
    family = get_exercise(detection.exercise).variant_of or detection.exercise
    decision = recognise_variant(track, family, reps, evidence=load_evidence(track, path, reps))
    auto = {**detection.auto, "variant": decision.to_dict()}
    if decision.name == detection.exercise:
        return dataclasses.replace(detection, auto=auto)
    if detection.exercise != family:
        # found only by a variant's own signature (the family's did not fit) and not confirmed by the
        # variant's cues: no lift fits, and no reps are guessed
        return _no_lift(track, detection, auto, decision.reason)
    exact = detect_reps(track, decision.name, detector)
    auto["chosen"] = decision.name
    auto["reason"] = f"{detection.auto.get('reason', '')}; {decision.reason}"
    return dataclasses.replace(exact, auto=auto)


def resolve_load(load: str, exercise: str, path: BarPath) -> dict[str, Any]:
    """What ``exercise`` is done with: ``{"load": ..., "why": ...}``.

    In order: the declared ``load``; a tracked plate (a barbell); the lift's
    own (:attr:`formlab.exercises.Exercise.load`: a back squat's barbell);
    for a squat variant whose load has no fixed kind (the front squat), no
    plate found where the tracker looked means dumbbells or kettlebells (a
    barbell squatted from a rack carries full-size plates, which the tracker
    finds from the side: gymassist__side_squat, barpath-lukestynes__small-squat);
    otherwise ``"unknown"``, which load-aware checks take for the barbell
    their rule was written for.
    """
    check_load(load)
    if load != "auto":
        return {"load": load, "why": "declared"}
    if path.method == "plate":
        return {"load": "barbell", "why": "a barbell plate was tracked"}
    ex = get_exercise(exercise)
    if ex.load:
        return {"load": ex.load, "why": f"{exercise} is done with it"}
    if path.info.get("plate_search") == "not_found" and ex.variant_of == "squat":
        return {
            "load": "dumbbell",
            "why": "no barbell plate found where the plate tracker looked (a side view): the load in the "
            "hands is taken for dumbbells or kettlebells (declare --load barbell if it is a bar)",
        }
    return {"load": "unknown", "why": "not told by the video (no plate looked for, or not a squat)"}


def with_load(path: BarPath, load: dict[str, Any]) -> BarPath:
    """The path with ``info["load"]`` (the load's kind) and ``info["load_why"]``, which the checks read."""
    return dataclasses.replace(
        path, info={**path.info, "load": load["load"], "load_why": load["why"]}
    )


def _no_lift(
    track: PoseTrack, detection: RepDetection, auto: dict[str, Any], why: str
) -> RepDetection:
    """``auto``'s answer for a movement no lift fits: the name ``none``, no reps, the evidence kept."""
    final = detect_reps(track, NO_LIFT)
    rejected = tuple(
        {"frame": r.turn_frame, "time_s": r.turn_s, "depth": r.depth, "reason": "no lift fits"}
        for r in final.reps
    )
    reason = (
        f"none of the known lifts: {detection.exercise}'s reps fit only its own signature and its "
        f"variant cues do not confirm it ({why}); no reps are guessed"
    )
    return dataclasses.replace(
        final,
        reps=(),
        rejected=rejected,
        auto={**auto, "chosen": NONE, "signal": NO_LIFT.signal.name, "reason": reason},
    )
