"""The biceps curl: the hands raised towards the shoulders by bending the elbows, and nothing else.

A strict curl moves the forearms only: the upper arms stay by the body (the
elbows pinned, not swung forward to lift the weight with the shoulders), the
trunk stays still (no swing of the hips to heave it up), and each rep goes
from the arm extended to the elbow fully bent (coaching guides, e.g. the
NSCA's "Exercise Technique Manual for Resistance Training": elbows against
the torso, upper arms stationary, torso erect, full range of motion).

=================  =======================================  ==========================
check              measured value                           valid views
=================  =======================================  ==========================
elbows_pinned      upper_arm_from_trunk_deg                 oblique, side
no_swing           trunk_swing_deg                          oblique, side
full_range         elbow_range_deg, once per rep            oblique, side
=================  =======================================  ==========================

Why these views: the elbows drift forward, the trunk swings and the forearm
turns about the elbow in the sagittal plane; from the front all three lie in
the depth axis, which MediaPipe estimates worst.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..form.check import SAGITTAL, Check, Geometry, Threshold
from ..form.joints import elbow_angle_deg, lean_back_deg, upper_arm_from_trunk_deg
from ..form.measures import FrameData
from .arm_checks import ARM, BEST_WINDOW
from .base import Exercise, RepAngle, RepCondition
from .features import WRIST_ABOVE_SHOULDERS
from .rep_frames import reached_around_reps

# --------------------------------------------------------------------------- elbows pinned
ELBOWS_PINNED = Check(
    name="elbows_pinned",
    title="Elbows pinned",
    cue="Keep your elbows at your sides",
    value="upper_arm_from_trunk_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lambda data, th: upper_arm_from_trunk_deg(data),
    upper="max_upper_arm_from_trunk_deg",
    side_values="{side}_upper_arm_from_trunk_deg",
    geometry=Geometry(
        (("{side}_shoulder", "{side}_elbow"), ("shoulder_mid", "hip_mid")), None, "sagittal"
    ),
    thresholds=(
        Threshold(
            "max_upper_arm_from_trunk_deg",
            30.0,
            "deg",
            0,
            180,
            "Largest angle between the upper arm (shoulder->elbow) and the trunk's axis "
            "(shoulder midpoint->hip midpoint) during a rep.",
            "coaching guides (NSCA exercise technique manual: upper arms stationary, elbows by the "
            "torso); most lifters' elbows drift 10-20 deg forward at the top of a strict curl, and "
            "a front raise starts at about 30 deg. formlab's tolerance, not a study: tune it.",
        ),
    ),
    description="Elbows pinned: the angle between the upper arm and the trunk's axis "
    "(shoulder->elbow against the shoulder midpoint->hip midpoint line, in 3D world landmarks; "
    "the near arm in a side view). Swinging the elbows forward turns the curl into a front raise with the shoulders.",
)


# --------------------------------------------------------------------------- no swing
def _trunk_swing(data: FrameData, th: Any) -> np.ndarray:
    lean = lean_back_deg(data)
    finite = np.isfinite(lean)
    upright = float(np.median(lean[finite])) if finite.any() else np.nan
    return lean - upright


NO_SWING = Check(
    name="no_swing",
    title="Torso still",
    cue="Keep your torso still",
    value="trunk_swing_deg",
    unit="deg",
    views=SAGITTAL,
    measure=_trunk_swing,
    lower=lambda t: -t.max_trunk_swing_deg,
    upper="max_trunk_swing_deg",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "vertical", "sagittal"),
    thresholds=(
        Threshold(
            "max_trunk_swing_deg",
            10.0,
            "deg",
            0,
            90,
            "Largest lean of the trunk, back or forward, away from the lifter's own upright "
            "(its median over the clip).",
            "coaching guides (NSCA: torso erect and still; a 'cheat curl' swings the hips to "
            "start the weight); 10 deg is formlab's tolerance, well above the trunk's landmark "
            "jitter (1-3 deg) and below a visible heave. Not from a study: tune it.",
        ),
    ),
    description="Torso still: the trunk's lean in the sagittal plane (hip midpoint to shoulder "
    "midpoint, positive leaning back) minus its median over the clip, i.e. the lifter's own "
    "upright, so a camera that is not quite level or a lifter who stands slightly bent does not "
    "count as swinging. It must hold through the rep.",
)


# --------------------------------------------------------------------------- full range
def _elbow_range(data: FrameData, th: Any) -> np.ndarray:
    """Per rep: the extension before the curl (the rest before its top) minus the rep's most bent elbow."""
    elbow = elbow_angle_deg(data)
    extended, _ = reached_around_reps(data, elbow, "max", "before", th.best_window_s)
    out = np.full(len(data), np.nan)
    if data.reps is None:
        return out
    frames = data.frame_numbers
    for _, rep in data.reps.iterrows():
        inside = (frames >= rep["start_frame"]) & (frames <= rep["end_frame"])
        bent = elbow[inside & np.isfinite(elbow)]
        if bent.size:
            out[inside] = extended[inside] - float(np.min(bent))
    return out


def _rep_tops(data: FrameData, th: Any) -> np.ndarray:
    _, top = reached_around_reps(data, elbow_angle_deg(data), "min", "before", th.best_window_s)
    return top if data.reps is not None else np.zeros(len(data), bool)


FULL_RANGE = Check(
    name="full_range",
    title="Full range",
    cue="Extend fully, then curl up",
    value="elbow_range_deg",
    unit="deg",
    views=SAGITTAL,
    measure=_elbow_range,
    lower="min_elbow_range_deg",
    applies=_rep_tops,
    applies_column="full_range_frame",
    not_applicable="not the top of a rep (the range is judged once per rep, at its top; "
    "without reps it is not judged)",
    per_rep="best",
    geometry=ARM,
    thresholds=(
        Threshold(
            "min_elbow_range_deg",
            100.0,
            "deg",
            0,
            180,
            "Smallest change of the elbow angle (shoulder-elbow-wrist) from the arm extended "
            "before a rep to its top.",
            "coaching guides (NSCA: from the arms fully extended to the bar near the front "
            "deltoids) and the elbow's range (0-145 deg of flexion, AAOS); BlazePose measures a "
            "straight arm at about 155-160 deg (arm_checks' lockout source) and the top of a full "
            "curl at 40-60 deg, so a full rep spans 100-120 deg; a half rep about 60. Not from a "
            "study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Full range: per rep, the straightest elbow angle between the previous rep's top "
    "and this one's (the arm extended before the curl) minus the most bent elbow of the rep (its "
    "top), in 3D world landmarks, the near arm in a side view. A partial rep is still counted "
    "and flagged here. Needs reps: a photo or a track without reps is not judged.",
)

CURL = Exercise(
    name="curl",
    description="biceps curl with a barbell, dumbbells or a cable",
    signal=WRIST_ABOVE_SHOULDERS,
    turning_point="top",
    concentric="into",
    requires=(
        RepCondition(
            "elbow_angle_deg",
            max=120.0,
            why=(
                "at the top of a curl the elbow is bent well past a right angle (samples: 60-75 deg)"
            ),
        ),
    ),
    signature=(
        RepCondition(
            "wrist_above_nose_m",
            max=0.0,
            why="the hands stay below the face (a press goes overhead)",
        ),
        RepCondition("trunk_lean_deg", max=45.0, why="standing or sitting upright"),
        RepCondition(
            "hip_height_m",
            min=-0.05,
            max=0.05,
            at="change",
            why=(
                "only the arms move: the hips keep their height (in a squat the hands move relative to the "
                "shoulders too, but the hips drop)"
            ),
        ),
        RepCondition(
            "elbow_angle_deg",
            max=-45.0,
            at="change",
            why=(
                "the elbow bends from nearly straight to well flexed (samples: about -80 deg); holding a load "
                "at the shoulders and shifting it keeps the elbows bent"
            ),
        ),
    ),
    angles=(
        RepAngle(
            "min_elbow_angle_deg",
            "elbow_angle_deg",
            "min",
            "smallest elbow angle (top of the curl)",
        ),
        RepAngle(
            "max_elbow_angle_deg",
            "elbow_angle_deg",
            "max",
            "largest elbow angle (arm extension at the bottom)",
        ),
        RepAngle(
            "max_shoulder_angle_deg",
            "shoulder_angle_deg",
            "max",
            "largest hip-shoulder-elbow angle (elbows drifting forward)",
        ),
    ),
    views="side (best) or front",
    notes="Rep = top of the curl. Wrist height is taken relative to the shoulders, so leaning back does not "
    "make a rep and a body sway is not one.",
    checks=(ELBOWS_PINNED, NO_SWING, FULL_RANGE),
    plate_loaded=True,
    auto_order=50,
)
