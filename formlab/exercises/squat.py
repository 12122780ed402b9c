"""The squat (any kind: the family): its reps, its depth check, and what every squat shares.

Rep = the bottom of the hips. The hip height above the ankles is used rather
than the bar: it is visible in every view and with any load, while the hands
on a back-squat bar are often hidden. The front and back squat
(:mod:`~formlab.exercises.front_squat`, :mod:`~formlab.exercises.back_squat`)
count their reps the same way and add checks of their own; so do the goblet and
the bodyweight squat (:mod:`~formlab.exercises.goblet_squat`,
:mod:`~formlab.exercises.bodyweight_squat`). ``auto`` finds a squat's reps as
this lift's, then names the variant from where the load sits
(:mod:`~formlab.exercises.variants`); when it cannot tell, the squat is
judged as this lift, by the checks every squat shares.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import ALL_VIEWS, Check, Geometry, Threshold
from ..form.measures import FrameData
from .bar_checks import HIPS_LEVEL
from .base import Exercise, RepAngle, RepCondition, VariantCue
from .checks import FEET_WIDTH, HEAD_NEUTRAL, HEELS_DOWN, KNEES_OUT, TORSO_UPRIGHT
from .features import HIP_HEIGHT


# --------------------------------------------------------------------------- depth
def rep_bottoms(data: FrameData, th: Any) -> np.ndarray:
    """Boolean mask of the frames at which squat depth is judged.

    With a reps table: in each rep, the frame between ``start_frame`` and
    ``end_frame`` where the hip is lowest relative to the knee. Without one:
    frames whose knee flexion exceeds ``depth.min_knee_flexion_deg`` and is
    the largest within a centred window of ``depth.bottom_window_s`` that also
    holds frames before and after it (the movement into and out of the bottom
    was seen). A single photo therefore has no bottom: it may show the lifter
    on the way down (the article's ``ai-trainer__500_perfect`` is such a
    frame). To judge a photo as a bottom, pass ``reps`` with one rep whose
    frames are all 0.
    """
    n = len(data)
    bottom = np.zeros(n, bool)
    frames = data.frame_numbers
    depth = data.column("hip_below_knee_deg")
    if data.reps is not None:
        for _, rep in data.reps.iterrows():
            inside = (
                (frames >= rep["start_frame"]) & (frames <= rep["end_frame"]) & np.isfinite(depth)
            )
            if inside.any():
                idx = np.flatnonzero(inside)
                bottom[idx[np.argmax(depth[idx])]] = True
        return bottom
    flex = data.column("knee_flexion_deg")
    t = data.column("time_s")
    ok = np.isfinite(flex)
    if not ok.any():
        return bottom
    if not np.all(np.diff(t) >= 0) or not np.all(np.isfinite(t)):
        t = np.arange(n, dtype=float)
    lo = np.searchsorted(t, t - th.bottom_window_s / 2, side="left")
    hi = np.searchsorted(t, t + th.bottom_window_s / 2, side="right")
    filled = np.where(ok, flex, -np.inf)
    for k in np.flatnonzero(ok & (flex > th.min_knee_flexion_deg)):
        window = filled[lo[k] : hi[k]]
        seen_around = ok[lo[k] : k].any() and ok[k + 1 : hi[k]].any()
        if seen_around and k == lo[k] + int(np.argmax(window)):
            bottom[k] = True
    return bottom


DEPTH = Check(
    name="depth",
    title="Depth",
    cue="Squat deeper",
    value="hip_below_knee_deg",
    unit="deg",
    views=ALL_VIEWS,
    lower="min_hip_below_knee_deg",
    applies=rep_bottoms,
    applies_column="rep_bottom",
    not_applicable="not the bottom of a rep (depth is judged once per rep, at its lowest frame; a photo alone "
    "is no rep)",
    per_rep="best",
    side_values="{side}_hip_below_knee_deg",
    geometry=Geometry((("{side}_knee", "{side}_hip"),), "horizontal", "sagittal"),
    thresholds=(
        Threshold(
            "min_hip_below_knee_deg",
            0.0,
            "deg",
            -45,
            45,
            "Smallest hip-below-knee angle at the bottom of a rep.",
            "the IPF depth rule (hip crease below the top of the knee), translated to BlazePose's joint "
            "centres: both landmarks sit a few cm below those points, so the knee->hip line reaching the "
            "horizontal (0 deg) is the rule.",
        ),
        Threshold(
            "min_knee_flexion_deg",
            60.0,
            "deg",
            0,
            170,
            "Without a reps table, a frame is judged as a rep bottom only if its knee flexion exceeds "
            "this and is the largest within bottom_window_s.",
            "formlab: well above the flexion of standing (< 20 deg) and of walking (< 40 deg), well "
            "below any squat bottom (> 90 deg).",
        ),
        Threshold(
            "bottom_window_s",
            1.0,
            "s",
            0,
            10,
            "Width of the centred window in which a rep bottom must be the deepest frame "
            "(only without a reps table).",
            "formlab: shorter than one squat rep (2-4 s), longer than the jitter of the landmarks at "
            "the bottom.",
        ),
    ),
    description="Squat depth: the hip crease below the top of the knee at the bottom of each rep, measured as "
    "the angle of the knee->hip line below the horizontal (hip_below_knee_deg, positive when the hip "
    "joint is lower than the knee joint), on the seen legs, in world landmarks. The powerlifting "
    "rule compares the hip crease with the top of the knee; both sit a few centimetres above the "
    "line joining the hip and knee joint centres that BlazePose estimates, by similar amounts, so "
    "the rule amounts to that line reaching the horizontal. A 3 cm landmark error moves the angle by "
    "about 4 deg for a 0.42 m thigh.",
)


# --------------------------------------------------------------------------- what every squat shares
KNEE_BENT = RepCondition(
    "knee_flexion_deg",
    min=30.0,
    why=(
        "a squat or lunge bends the knees; standing, walking and a bar walk-out bend them less than "
        "~30 deg. A quarter squat reaches ~50 deg of flexion; the sample squats reach 75-130 deg"
    ),
)

SIGNATURE = (
    RepCondition(
        "wrist_above_hip_m",
        min=-0.1,
        why=(
            "at the bottom the hands hold the bar on the back or in a front rack, or reach forward: not below the "
            "hips (samples: -0.02 to 0.40 m); at the bottom of a deadlift they hang down to the bar (samples: -0.20 "
            "to -0.26 m)"
        ),
    ),
    RepCondition(
        "knee_height_difference_m",
        max=0.15,
        why="both knees at about the same height (in a lunge the rear knee is near the floor)",
    ),
    RepCondition(
        "trunk_lean_deg", max=60.0, at="start", why="standing upright between reps (not lying down)"
    ),
    RepCondition(
        "hip_height_m",
        max=-0.15,
        at="change",
        why=(
            "the hips drop at least 0.15 m (a quarter squat; the sample squats drop 0.33-0.52 m), more than the "
            "knee bend of landing a jump (0.10-0.14 m in the jumping-jack sample)"
        ),
    ),
)

ANGLES = (
    RepAngle(
        "max_knee_flexion_deg",
        "knee_flexion_deg",
        "max",
        "largest knee flexion (depth; 0 = straight)",
    ),
    RepAngle("min_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle"),
    RepAngle("max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"),
)

SQUAT_LIFTER_SHIFT_TORSO = 0.3
"""How far (torso lengths) a squatter may stand from where they stood at a rep's start when it ends.

A squat is done with the feet planted. Measured on the reps of the sample squat
clips (models full and lite), the lifter (the smaller of the feet's and the hips'
shifts, :func:`formlab.exercises.features.lifter_shift_torso`) ends 0.01-0.14
torso lengths from where they started; with the second shot of an edited clip
zoomed so that the feet sit at the picture's edge, 0.08 (the feet alone: 0.38).
Walking the bar out of the rack moves the lifter 0.37 (gymassist__side_squat,
the dip of the walk-out at 6-8 s, model lite): a dip that ends with a step is no
rep. Offline the walk-out's shallowness already gives it away against the deeper
reps that follow; a live coach, which cannot wait for them, needs this rule."""

NO_BARBELL = VariantCue(
    "barbell_seen",
    max=0.5,
    why=(
        "no barbell plate was found where the plate tracker looked (a side view): the load is not a "
        "plate-loaded bar (squatAnalysis-rohanx01__squat, testvideo-yuyoujiang__squat: 0; "
        "gymassist__side_squat, barpath-lukestynes__small-squat: 1)"
    ),
)
"""A cue the variants without a barbell share (goblet, bodyweight)."""

BAR_AT_THE_SHOULDERS = VariantCue(
    "bar_above_shoulders_torso",
    min=-0.4,
    max=0.3,
    why=(
        "a squatted bar rides at shoulder height, on the back or in a front rack (gymassist__side_squat "
        "-0.1, barpath-lukestynes__small-squat 0.0 torso lengths); a bar held in the hands hangs about "
        "a torso length below (the deadlift clips deadliftAI-bichraix good004, good009: -0.85)"
    ),
)
"""The bar's height, where a plate is tracked: a squat's bar is at the shoulders."""

SQUAT_CHECKS = (KNEES_OUT, FEET_WIDTH, HEAD_NEUTRAL, DEPTH, TORSO_UPRIGHT, HIPS_LEVEL)
"""The checks every squat runs, in report order (a front squat adds its rack checks before them)."""


def squat_variant(
    name: str,
    description: str,
    *,
    checks: tuple[Check, ...] = SQUAT_CHECKS,
    notes: str = "",
    auto_order: int | None = None,
    variant_cues: tuple[VariantCue, ...] = (),
    load: str = "",
) -> Exercise:
    """A squat: reps at the bottom of the hips, the squat signature and angles, and ``checks``.

    With ``variant_cues`` it is a variant of the ``squat`` that ``auto`` names
    (:mod:`formlab.exercises.variants`); ``load`` says what it is done with.
    """
    return Exercise(
        name=name,
        description=description,
        signal=HIP_HEIGHT,
        turning_point="bottom",
        concentric="out_of",
        requires=(KNEE_BENT,),
        signature=SIGNATURE,
        angles=ANGLES,
        checks=checks,
        optional_checks=(HEELS_DOWN,),
        plate_loaded=True,
        max_lifter_shift_torso=SQUAT_LIFTER_SHIFT_TORSO,
        auto_order=auto_order,
        variant_of="squat" if variant_cues else None,
        variant_cues=variant_cues,
        load=load,
        views="side, front or three-quarter; the whole body (hips and ankles) in the picture",
        notes=notes,
    )


SQUAT = squat_variant(
    "squat",
    "squat of any kind (bodyweight, goblet, barbell)",
    checks=tuple(
        c.with_defaults(
            max_torso_lean_deg=(
                55.0,
                (
                    "formlab's coaching heuristic: a bodyweight or goblet squat leans between a "
                    "front squat (45 deg) and a low-bar back squat (60 deg). Not from a study: tune it."
                ),
            )
        )
        if c is TORSO_UPRIGHT
        else c
        for c in SQUAT_CHECKS
    ),
    notes=__doc__.split("\n\n")[1].replace("\n", " "),
    auto_order=100,
)
