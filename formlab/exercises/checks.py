"""Form checks that several lifts run: knees out, feet width, head neutral, torso upright, heels down.

Each is declared once here with the defaults of the article's front squat
(or formlab's, with the reason); a lift that runs one imports it, and states
its own defaults with :meth:`formlab.form.check.Check.with_defaults` where
they differ (a back squat leans further forward than a front squat).
Checks that only one lift runs live in that lift's module.

=================  =======================================  ==========================
check              measured value                           valid views
=================  =======================================  ==========================
knees_out          knee_ankle_width_ratio (knees bent)      front, back
feet_width         ankle_shoulder_width_ratio               front, back
head_neutral       head_pitch_deg                           front, oblique, side
torso_upright      torso_lean_deg                           oblique, side
heels_down         heel_rise_deg                            side
=================  =======================================  ==========================

Why these views: widths across the body (knees, feet) need the left-right
axis in the picture, i.e. a front or back view; the face is hidden from
behind; the torso's forward lean and the foot's tilt lie in the sagittal
plane, which a front camera sees only through MediaPipe's depth estimate
(the lean) or not at all (the foot).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import ConfigError
from ..form.check import (
    ARMS_AND_FACE,
    FRONTAL,
    SAGITTAL,
    SIDE,
    Check,
    Geometry,
    Threshold,
)
from ..form.measures import FrameData, head_pitch_deg, heel_rise_deg


def stack_sides(data: FrameData, pattern: str) -> np.ndarray:
    """The left and right values of a per-side column pattern (``{side}_...``), stacked as (2, n_frames)."""
    return np.vstack([data.column(pattern.format(side=s)) for s in ("left", "right")])


def nan_reduce(fn, stack: np.ndarray) -> np.ndarray:
    """``fn(stack, axis=0)`` over the finite entries of each column; NaN where a column has none."""
    any_ = np.isfinite(stack).any(axis=0)
    safe = np.where(np.isfinite(stack), stack, np.nan)
    with np.errstate(invalid="ignore"):
        out = np.full(stack.shape[1], np.nan)
        if any_.any():
            out[any_] = fn(safe[:, any_], axis=0)
    return out


# --------------------------------------------------------------------------- knees out
def _knees_bent(data: FrameData, th: Any) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return data.column("knee_flexion_deg") > th.min_knee_flexion_deg


KNEES_OUT = Check(
    name="knees_out",
    title="Knees out",
    cue="Push your knees out",
    value="knee_ankle_width_ratio",
    unit="ratio",
    views=FRONTAL,
    lower=lambda t: 1.0 - t.max_knee_narrowing_ratio,
    applies=_knees_bent,
    not_applicable="the knees are not bent beyond knees_out.min_knee_flexion_deg",
    geometry=Geometry(
        (("left_knee", "right_knee"), ("left_ankle", "right_ankle")), None, "frontal", rigid=False
    ),
    thresholds=(
        Threshold(
            "min_knee_flexion_deg",
            50.0,
            "deg",
            0,
            170,
            "The check applies only while the mean knee flexion (0 = straight) exceeds this.",
            "the article (knee flexion beyond 50 deg).",
        ),
        Threshold(
            "max_knee_narrowing_ratio",
            0.15,
            "ratio",
            0,
            1,
            "Largest fraction by which the knee distance may fall below the ankle distance "
            "(fails when knee distance < (1 - this) x ankle distance).",
            "the article (15 %).",
        ),
    ),
    description="Knees not caving in, judged while the knees are bent. The distance between the knees is "
    "compared with the distance between the ankles, both measured along the lifter's left-right "
    "axis (the hip line) in world landmarks, so a staggered stance or a slight turn does not count "
    "as caving in.",
)


# --------------------------------------------------------------------------- feet width
def _feet_range_rule(th: Any) -> None:
    if th.min_ankle_shoulder_ratio >= th.max_ankle_shoulder_ratio:
        raise ConfigError(
            f"feet_width.min_ankle_shoulder_ratio = {th.min_ankle_shoulder_ratio} must be below "
            f"feet_width.max_ankle_shoulder_ratio = {th.max_ankle_shoulder_ratio}"
        )


FEET_WIDTH = Check(
    name="feet_width",
    title="Feet shoulder-width apart",
    cue="Set your feet shoulder-width apart",
    value="ankle_shoulder_width_ratio",
    unit="ratio",
    views=FRONTAL,
    lower="min_ankle_shoulder_ratio",
    upper="max_ankle_shoulder_ratio",
    threshold_rule=_feet_range_rule,
    geometry=Geometry(
        (("left_ankle", "right_ankle"), ("left_shoulder", "right_shoulder")),
        None,
        "frontal",
        rigid=False,
    ),
    thresholds=(
        Threshold(
            "min_ankle_shoulder_ratio",
            0.8,
            "ratio",
            0,
            5,
            "Narrowest stance: ankle distance over shoulder-landmark distance.",
            "formlab: about hip width or narrower fails (BlazePose's hip landmarks are about 0.6 "
            "shoulder widths apart); the article's margin (0.2) would accept feet together.",
        ),
        Threshold(
            "max_ankle_shoulder_ratio",
            1.7,
            "ratio",
            0,
            5,
            "Widest stance: ankle distance over shoulder-landmark distance.",
            "formlab: the article's good-form photos measure 1.38-1.52; 1.7 leaves room for a slightly "
            "wider stance and flags a sumo stance (about 2 and more).",
        ),
    ),
    description="Feet about shoulder width: ankle distance over shoulder distance, both measured along the "
    "lifter's left-right axis in world landmarks. The article accepts the ankle distance within "
    "+-80 % of the shoulder width (0.2-1.8), which never flags even feet together. BlazePose's "
    "shoulder landmarks mark the shoulder joints, narrower than the outside of the shoulders a coach "
    "means by 'shoulder width', and the article's own good-form photos measure 1.38-1.52 in these "
    "units; so formlab's range is centred above 1.",
)


# --------------------------------------------------------------------------- head neutral
def _head_pitch(data: FrameData, th: Any) -> np.ndarray:
    return head_pitch_deg(data.track, data.view, data.min_visibility, th.min_ear_eye_length_frac)


HEAD_NEUTRAL = Check(
    name="head_neutral",
    title="Head neutral",
    cue="Look forward, not down",
    value="head_pitch_deg",
    unit="deg",
    views=ARMS_AND_FACE,
    measure=_head_pitch,
    lower=lambda t: -t.max_head_drop_deg,
    geometry=Geometry((("{side}_ear", "{side}_eye"),), "horizontal", "sagittal", rigid=False),
    thresholds=(
        Threshold(
            "max_head_drop_deg",
            40.0,
            "deg",
            0,
            90,
            "Largest angle the ear->eye line may point below the horizontal.",
            "the article's notebook (40 deg).",
        ),
        Threshold(
            "min_ear_eye_length_frac",
            0.6,
            "ratio",
            0,
            1,
            "Shortest ear->eye distance, as a fraction of its median over the track, at which a side's "
            "head pitch is measured; shorter means the face is hidden or turned away and MediaPipe has "
            "collapsed it, so the direction is noise.",
            "formlab, on the sample videos: frames with a shorter segment have 2.5-13x larger "
            "frame-to-frame pitch jumps (median); on gymassist__side_squat, with the face behind the plate, "
            "the segment falls to 0.003-0.028 m against 0.062 m and the pitch swings by 50 deg; clips with "
            "a visible face lose under 2 % of frames.",
        ),
    ),
    description="Looking forward, not down: the ear->eye line's angle below the horizontal (3D).",
)


# --------------------------------------------------------------------------- torso upright
TORSO_UPRIGHT = Check(
    name="torso_upright",
    title="Torso upright",
    cue="Keep your chest up",
    value="torso_lean_deg",
    unit="deg",
    views=SAGITTAL,
    upper="max_torso_lean_deg",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "vertical", "sagittal"),
    thresholds=(
        Threshold(
            "max_torso_lean_deg",
            45.0,
            "deg",
            0,
            90,
            "Largest forward (or any) lean of the torso from vertical.",
            "formlab's coaching heuristic for the front squat: the rack is a shelf on the front of the "
            "shoulders and beyond 45 deg the bar rolls forward. The sample front squat "
            "(squatAnalysis-rohanx01__squat) leans 38-40 deg at the bottom of its reps. Not from a study: "
            "tune it.",
        ),
    ),
    description="Torso inclination: the shoulder-midpoint over hip-midpoint line from vertical (3D).",
)


# --------------------------------------------------------------------------- heels down
def _heel_rise(data: FrameData, th: Any) -> np.ndarray:
    return heel_rise_deg(
        data.track,
        data.view,
        data.min_visibility,
        th.standing_max_knee_flexion_deg,
        th.min_baseline_s,
    )


HEELS_DOWN = Check(
    name="heels_down",
    title="Heels down",
    cue="Keep your heels down",
    value="heel_rise_deg",
    unit="deg",
    views=SIDE,
    measure=_heel_rise,
    upper="max_heel_rise_deg",
    not_applicable="no standing baseline seen from the side",
    geometry=Geometry((("{side}_heel", "{side}_foot_index"),), "horizontal", "sagittal"),
    thresholds=(
        Threshold(
            "max_heel_rise_deg",
            15.0,
            "deg",
            0,
            90,
            "Largest rise of the heel->toe line above its standing baseline.",
            "formlab: a heel lifted 5 cm on a 20 cm heel-to-toe line tilts it by about 15 deg.",
        ),
        Threshold(
            "standing_max_knee_flexion_deg",
            20.0,
            "deg",
            0,
            90,
            "Frames with a knee flexion below this form the standing baseline.",
            "formlab: standing with soft knees measures under 15 deg on the samples.",
        ),
        Threshold(
            "min_baseline_s",
            0.3,
            "s",
            0,
            60,
            "Shortest total duration of standing frames needed for a baseline.",
            "formlab: about ten frames, enough for a median that resists the jitter.",
        ),
    ),
    description="Heels staying down: the heel->toe line's rise from the lifter's standing baseline, measured in "
    "the picture on the near foot in a side view (where the foot lies in the image plane), relative "
    "to the median of the standing frames of the same clip, because where BlazePose puts the heel "
    "landmark varies from person to person and shoe to shoe (-3 to +11 deg on the samples when "
    "standing flat). A single photo has no baseline: not assessable. BlazePose's foot landmarks "
    "rotate with the shin as the ankle bends: on testvideo-yuyoujiang__squat (heels flat, side view) "
    "this measure reaches 40 deg at the bottom of each rep, more than a real heel lift, so the check "
    "is optional (run only when asked for).",
)
