"""Checks on the bar's line and on the hips' balance that several lifts share.

==================  =========================  ==========================  =======
check               measured value             judged                      views
==================  =========================  ==========================  =======
bar_over_midfoot    bar_from_midfoot_ratio     through each rep            side
hips_level          hip_shift_ratio            knees bent                  front
==================  =========================  ==========================  =======

The bar is the load's path (:mod:`formlab.barbell`: the plate's centre where
it was followed, else the grip centre). A lift that runs one of these imports
it and states its own defaults with :meth:`formlab.form.check.Check.with_defaults`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.landmarks import LANDMARK_INDEX
from ..form.check import FRONTAL, SIDE, Check, Geometry, Threshold
from ..form.measures import FrameData

_I = LANDMARK_INDEX


def bar_from_midfoot(data: FrameData, th: Any = None) -> np.ndarray:
    """Horizontal distance of the bar from the mid-foot in the picture, in torso lengths.

    The bar is the load's path (the plate's centre where it was followed,
    else the grip centre); the mid-foot is the middle of heel and toe of the
    side facing the camera. Only a side view puts this distance in the picture.
    """

    def compute():
        xy = data.track.xy_px
        n = len(data)
        if data.bar is not None:
            bar_x = np.full(n, np.nan)
            frames = data.frame_numbers
            pos = {int(f): k for k, f in enumerate(np.asarray(data.bar.frame))}
            idx = np.array([pos.get(int(f), -1) for f in frames])
            ok = idx >= 0
            bar_x[ok] = np.asarray(data.bar.x_px, float)[idx[ok]]
        else:
            bar_x = 0.5 * (xy[:, _I["left_wrist"], 0] + xy[:, _I["right_wrist"], 0])
        facing = data.view["side_facing_camera"].to_numpy(dtype=object)
        mid = {
            s: 0.5 * (xy[:, _I[f"{s}_heel"], 0] + xy[:, _I[f"{s}_foot_index"], 0])
            for s in ("left", "right")
        }
        midfoot = np.where(facing == "right", mid["right"], mid["left"])
        torso_px = np.linalg.norm(
            0.5 * (xy[:, _I["left_shoulder"]] + xy[:, _I["right_shoulder"]])
            - 0.5 * (xy[:, _I["left_hip"]] + xy[:, _I["right_hip"]]),
            axis=-1,
        )
        finite = torso_px[np.isfinite(torso_px)]
        scale = float(np.median(finite)) if finite.size else np.nan
        return np.abs(bar_x - midfoot) / scale

    return data.cached("bar_from_midfoot_ratio", compute)


def hip_shift(data: FrameData, th: Any = None) -> np.ndarray:
    """Sideways offset of the hip midpoint from the ankle midpoint along the hip line, in torso lengths."""

    def compute():
        w = data.track.world_m
        left, right = w[:, _I["left_hip"]], w[:, _I["right_hip"]]
        axis = left - right
        axis[:, 1] = 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
            hip = 0.5 * (left + right)
            ankle = 0.5 * (w[:, _I["left_ankle"]] + w[:, _I["right_ankle"]])
            shoulder = 0.5 * (w[:, _I["left_shoulder"]] + w[:, _I["right_shoulder"]])
            torso = np.nanmedian(np.linalg.norm(shoulder - hip, axis=-1))
            return np.abs(np.einsum("ij,ij->i", hip - ankle, axis)) / torso

    return data.cached("hip_shift_ratio", compute)


def _in_rep(data: FrameData, th: Any) -> np.ndarray:
    n = len(data)
    if data.reps is None:
        return np.ones(n, bool)
    frames = data.frame_numbers
    mask = np.zeros(n, bool)
    for _, rep in data.reps.iterrows():
        mask |= (frames >= int(rep["start_frame"])) & (frames <= int(rep["end_frame"]))
    return mask


def _knees_bent_in_rep(data: FrameData, th: Any) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return _in_rep(data, th) & (data.column("knee_flexion_deg") > th.min_knee_flexion_deg)


BAR_OVER_MIDFOOT = Check(
    name="bar_over_midfoot",
    title="Bar over mid-foot",
    cue="Keep the bar over mid-foot",
    value="bar_from_midfoot_ratio",
    unit="ratio",
    views=SIDE,
    measure=bar_from_midfoot,
    upper="max_bar_from_midfoot_ratio",
    applies=_in_rep,
    applies_column="in_rep",
    not_applicable="not inside a rep",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "vertical", "sagittal", rigid=False),
    description="The bar stays over the middle of the foot, the lifter's balance point: a bar that "
    "drifts forward or back of it is a balance the lifter has to fight.",
    thresholds=(
        Threshold(
            "max_bar_from_midfoot_ratio",
            0.3,
            "torso lengths",
            0,
            2,
            "Largest horizontal distance between the bar and the mid-foot in a rep, in torso lengths.",
            "Rippetoe, Starting Strength: the bar over the middle of the foot in every barbell lift "
            "standing on the floor; 0.3 torso lengths (about 15 cm) allows for the hands' estimate of "
            "the bar where no plate is followed.",
        ),
    ),
)

HIPS_LEVEL = Check(
    name="hips_level",
    title="Hips level",
    cue="Keep your hips centred",
    value="hip_shift_ratio",
    unit="ratio",
    views=FRONTAL,
    measure=hip_shift,
    upper="max_hip_shift_ratio",
    applies=_knees_bent_in_rep,
    applies_column="knees_bent_in_rep",
    not_applicable="the knees are not bent within a rep",
    geometry=Geometry((("left_hip", "right_hip"), ("left_ankle", "right_ankle")), None, "frontal"),
    description="Seen from the front, the hips stay centred over the feet: a hip shifting to one "
    "side loads one leg more than the other (a sign of a weaker side or a mobility limit).",
    thresholds=(
        Threshold(
            "max_hip_shift_ratio",
            0.15,
            "torso lengths",
            0,
            1,
            "Largest sideways shift of the hips from the middle of the feet in a rep, in torso lengths.",
            "formlab: about 7 cm for a 50 cm torso, a shift a coach sees from the front; beyond "
            "MediaPipe's 2-3 cm hip-centre noise in a front view.",
        ),
        Threshold(
            "min_knee_flexion_deg",
            30.0,
            "deg",
            0,
            120,
            "Knee bend beyond which the hips' shift is judged (standing between reps is not).",
            "formlab: as knees_out; a shift matters under load in the squat, not while walking out.",
        ),
    ),
)
