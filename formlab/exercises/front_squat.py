"""The front squat: a squat with the load in a front rack, and the article's rack checks.

The article ("Less Pain, More Gain: Lift Weights With Your AI Trainer")
coaches this lift: the bar in the rack (wrists above the elbows, close to the
shoulders), elbows up, knees not caving in, feet about shoulder width. formlab
adds depth, a neutral head and an upright torso, as every squat gets.

=================  =======================================  ==========================
check              measured value                           valid views
=================  =======================================  ==========================
start_position     wrist_below_shoulder_ratio (+ wrist      front, oblique, side
                   above elbow)
elbows_up          upper_arm_elevation_deg (in the rack)    front, oblique, side
=================  =======================================  ==========================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import ARMS_AND_FACE, Check, Geometry, Threshold
from ..form.measures import FrameData
from .bar_checks import BAR_OVER_MIDFOOT
from .base import VariantCue
from .checks import nan_reduce, stack_sides
from .squat import BAR_AT_THE_SHOULDERS, SQUAT_CHECKS, squat_variant


# --------------------------------------------------------------------------- start position
def _rack_margin(data: FrameData, th: Any) -> tuple[np.ndarray, np.ndarray]:
    below = stack_sides(data, "{side}_wrist_below_shoulder_ratio")
    above = stack_sides(data, "{side}_wrist_above_elbow_ratio")
    per_arm = np.minimum(
        th.max_wrist_shoulder_height_ratio - np.abs(below), above - th.min_wrist_above_elbow_ratio
    )
    margin = nan_reduce(np.nanmin, per_arm)  # every seen arm must be in the rack
    worst = np.nanargmin(np.where(np.isfinite(per_arm), per_arm, np.inf), axis=0)
    value = np.where(np.isfinite(margin), below[worst, np.arange(below.shape[1])], np.nan)
    return value, margin


START_POSITION = Check(
    name="start_position",
    title="Bar in the front rack",
    cue="Rack the bar on your shoulders",
    value="wrist_below_shoulder_ratio",
    unit="ratio",
    views=ARMS_AND_FACE,
    margin=_rack_margin,
    lower=lambda t: -t.max_wrist_shoulder_height_ratio,
    upper="max_wrist_shoulder_height_ratio",
    not_applicable="the wrists or elbows are not seen",
    side_values="{side}_wrist_below_shoulder_ratio",
    geometry=Geometry(
        (("{side}_shoulder", "{side}_elbow"), ("{side}_elbow", "{side}_wrist")),
        "horizontal",
        "sagittal",
        label_segment=1,
    ),
    thresholds=(
        Threshold(
            "max_wrist_shoulder_height_ratio",
            0.25,
            "torso lengths",
            0,
            2,
            "Largest vertical distance between a wrist and its shoulder.",
            "formlab, from the samples: in the rack the wrists sit within 0.13 torso lengths of the "
            "shoulders (the article's photos, squatAnalysis-rohanx01__squat); overhead they are "
            "0.4-0.5 above, hanging 1.0 below. 0.25 (about 12 cm) sits between.",
        ),
        Threshold(
            "min_wrist_above_elbow_ratio",
            0.0,
            "torso lengths",
            -1,
            1,
            "Smallest height of a wrist above its elbow (negative: the wrist may be below).",
            "the article: wrists above the elbows. 0 (level) because with the elbows high the forearm "
            "can be close to horizontal (0.05-0.09 on ai-trainer__500_perfect).",
        ),
    ),
    description="Start position: the bar (or dumbbells) in the front rack. Both criteria are vertical distances, "
    "measured on every seen arm in world landmarks and divided by the lifter's torso length "
    "(shoulder midpoint to hip midpoint), so they mean the same for tall and short lifters and in "
    "every camera view. Every seen arm must pass. The article describes the rack as 'wrists above "
    "the elbows and close to the shoulders'. Closeness is judged vertically (the hands at shoulder "
    "height): MediaPipe's estimated depth of the hands in a front view is too poor for the forward "
    "distance. On ai-trainer__500_perfect it puts the left wrist 0.40 m in front of the shoulder "
    "while the photo shows the hand on the shoulder.",
)


# --------------------------------------------------------------------------- elbows up
_ARM_RULES = {"mean": np.nanmean, "both": np.nanmax, "either": np.nanmin}


def _upper_arm_elevation(data: FrameData, th: Any) -> np.ndarray:
    return nan_reduce(_ARM_RULES[th.arm_rule], stack_sides(data, "{side}_upper_arm_elevation_deg"))


def rack_load(data: FrameData) -> str:
    """The load in the rack: ``info["load"]`` of the load's path (:func:`formlab.pipeline.variant.resolve_load`).

    ``"unknown"`` without a path (a photo) or when nothing told: the rule is then
    the barbell rack's, as the article wrote it.
    """
    info = getattr(data.bar, "info", None) or {}
    return str(info.get("load", "unknown"))


BARBELL_RACK_LOADS = ("barbell", "unknown")
"""The loads the barbell rack's ``elbows_up`` rule is judged for. A dumbbell rests on the shoulder
with its handle in the hand and the elbow pointing down and forward (squatAnalysis-rohanx01__squat:
upper arms 45-85 deg below the horizontal, standing included): a rule for a bar resting on the
front of the shoulders does not fit it, so it is not assessable there."""


def _in_rack(data: FrameData, th: Any) -> np.ndarray:
    """Frames with a barbell in the front rack, where elbows up is judged.

    With the arms hanging or pressing overhead, "Raise your elbows" would be noise;
    with dumbbells at the shoulders, the barbell rack's rule does not apply.
    """
    if rack_load(data) not in BARBELL_RACK_LOADS:
        return np.zeros(len(data), bool)
    _, rack = _rack_margin(data, data.thresholds.start_position)
    with np.errstate(invalid="ignore"):
        return rack >= 0


ELBOWS_UP = Check(
    name="elbows_up",
    title="Elbows up",
    cue="Raise your elbows",
    value="upper_arm_elevation_deg",
    unit="deg",
    views=ARMS_AND_FACE,
    measure=_upper_arm_elevation,
    lower=lambda t: -t.max_upper_arm_drop_deg,
    applies=_in_rack,
    not_applicable="no barbell in the front rack in this frame: the start-position check fails, or the load "
    "is dumbbells (resting on the shoulders with the elbows down: the barbell rack's rule does not fit them; "
    "analyze(load='barbell') or --load barbell if it is a bar)",
    side_values="{side}_upper_arm_elevation_deg",
    geometry=Geometry((("{side}_shoulder", "{side}_elbow"),), "horizontal", "sagittal"),
    thresholds=(
        Threshold(
            "max_upper_arm_drop_deg",
            45.0,
            "deg",
            0,
            90,
            "Largest angle the upper arms may point below the horizontal.",
            "the article (45 deg).",
        ),
        Threshold(
            "arm_rule",
            "mean",
            "",
            None,
            None,
            "How the two arms combine: 'mean' compares the mean elevation of the seen arms; 'both' fails "
            "only when every seen arm is too low (the article); 'either' fails when any seen arm is.",
            "formlab: the far arm's landmarks are estimated less well, so the mean of the seen arms is "
            "judged. On the article's bad photo (ai-trainer__715_low_elbows: -42.6 and -65.8 deg) the "
            "article's 'both' rule passes, the mean (-54 deg) fails, as the article's author judged.",
            choices=("mean", "both", "either"),
        ),
    ),
    description="Elbows up: the upper arms point forward, not down, in the front rack. The upper arm's "
    "elevation is the angle of the shoulder->elbow vector above the horizontal plane, measured in 3D "
    "world landmarks (a front camera cannot see how far forward the elbows point); negative means "
    "below horizontal. In side and oblique views only the arm facing the camera is used. The check "
    "is judged only in frames where the start-position check finds the bar in the front rack, and only "
    "for a barbell (or an unknown load, as on a photo): with dumbbells it is not assessable.",
)


# --------------------------------------------------------------------------- how auto tells it
FRONT_RACK_CUES = (
    BAR_AT_THE_SHOULDERS,
    VariantCue(
        "load_above_shoulders_torso",
        min=-0.25,
        max=0.3,
        why=(
            "in a front rack the hands are at the shoulders (start_position allows 0.25 torso lengths; "
            "squatAnalysis-rohanx01__squat: about 0); held at the chest (goblet) they are 0.2-0.5 below, "
            "free arms hang lower still (testvideo-yuyoujiang__squat: -0.5 to -0.9)"
        ),
    ),
    VariantCue(
        "load_forward_torso",
        min=-0.2,
        max=0.35,
        why=(
            "the hands rest on or just in front of the shoulders (squatAnalysis-rohanx01__squat: about 0); "
            "arms reaching forward or clasped at arm's length put them 0.45-0.7 ahead "
            "(tfjs-models__pose_squats, testvideo-yuyoujiang__squat)"
        ),
    ),
    VariantCue(
        "load_spread_torso",
        max=0.45,
        why=(
            "a racked load moves with the shoulders (squatAnalysis-rohanx01__squat: 0.3, the far wrist "
            "included); free arms swing forward at the bottom"
        ),
    ),
    VariantCue(
        "hands_apart_shoulders",
        max=1.4,
        why=(
            "seen from the front, the hands sit at the shoulders: dumbbells on them (about 1 shoulder "
            "width), a barbell held just outside them (a clean grip, 1.1-1.3); a back squat grips the bar "
            "wide (1.5-2). Coaching grip widths: no sample clip shows a front-view front squat"
        ),
    ),
    VariantCue(
        "bar_forward_torso",
        min=0.12,
        why=(
            "a front-racked bar lies on the front of the shoulders, ahead of the shoulder joints; a back-squat "
            "bar sits over them (gymassist__side_squat, barpath-lukestynes__small-squat: 0.05). No sample "
            "clip shows a barbell front squat from the side: this bound is the geometry of the rack, "
            "not a measurement"
        ),
    ),
)


FRONT_SQUAT = squat_variant(
    "front_squat",
    "front squat: a barbell or dumbbells in a front rack (load at the shoulders, in front)",
    checks=(START_POSITION, ELBOWS_UP, *SQUAT_CHECKS, BAR_OVER_MIDFOOT),
    variant_cues=FRONT_RACK_CUES,
)
