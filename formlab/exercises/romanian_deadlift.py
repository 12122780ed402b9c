"""The Romanian deadlift: a hip hinge from standing, soft knees, the bar lowered to about mid-shin.

It starts standing with the bar at the thighs, pushes the hips back with the
knees soft until the bar reaches about mid-shin, and stands up again: the bar
does not touch the floor between reps. Its reps are counted as the deadlift's
(the lockout at the top), and it is judged by the deadlift checks that fit a
hinge from the top (lockout, no lean back, the bar close to the legs, the
back) and by its own: the knees stay soft. The set-up checks of a pull from
the floor (``hips_set``, ``hips_and_shoulders_rise_together``) do not apply:
the hips are high by design and there is no floor to leave.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..form.check import SAGITTAL, Check, Geometry, Threshold
from ..form.measures import FrameData
from .base import RepCondition, VariantCue
from .checks import KNEES_OUT
from .deadlift import DEADLIFT
from .deadlift_checks import BAR_CLOSE_TO_LEGS, FULL_LOCKOUT, NEUTRAL_BACK, NO_HYPEREXTENSION


# --------------------------------------------------------------------------- soft knees
def _hinged(data: FrameData, th: Any) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return data.column("torso_lean_deg") >= th.min_hinge_deg


SOFT_KNEES = Check(
    name="soft_knees",
    title="Soft knees",
    cue="Hips back, knees soft",
    value="knee_flexion_deg",
    unit="deg",
    views=SAGITTAL,
    upper="max_knee_flexion_deg",
    applies=_hinged,
    not_applicable="the torso is not hinged forward beyond soft_knees.min_hinge_deg",
    geometry=Geometry(
        (("{side}_hip", "{side}_knee"), ("{side}_knee", "{side}_ankle")), None, "sagittal"
    ),
    thresholds=(
        Threshold(
            "max_knee_flexion_deg",
            40.0,
            "deg",
            0,
            120,
            "Largest knee flexion while hinged forward.",
            "coaching texts on the Romanian deadlift (NSCA Exercise Technique Manual, 4th ed.): knees "
            "slightly flexed, 15-30 deg, kept while the hips move back; 40 leaves room for landmark noise "
            "(about 5 deg at the knee). Bent further, the lift turns into a squat or a pull from the floor.",
        ),
        Threshold(
            "min_hinge_deg",
            30.0,
            "deg",
            0,
            90,
            "Smallest forward lean of the torso at which the knees are judged (the hinge).",
            "formlab: standing at lockout leans under 20 deg (the deadlift samples: 15-20); the hinge of "
            "the lowering leans 45-80.",
        ),
    ),
    description="In a Romanian deadlift the hips move back and the knees stay soft: the knee "
    "flexion (180 minus the hip-knee-ankle angle, 3D) stays small while the torso is hinged.",
)


# --------------------------------------------------------------------------- how auto tells it
FROM_STANDING = (
    VariantCue(
        "start_knee_flexion_deg",
        max=35.0,
        why=(
            "the knees stay soft at the bottom of the hinge (15-30 deg, NSCA); a pull from the floor starts "
            "with them well bent (the labelled deadlifts: 50-138)"
        ),
        required=True,
    ),
    VariantCue(
        "start_bar_above_ankles_m",
        min=0.2,
        why=(
            "the bar turns around at about mid-shin or higher (a shin is 0.4-0.45 m long), not on the floor "
            "(0.0-0.19 m above the ankles on the labelled deadlifts)"
        ),
    ),
)

HINGE_SIGNATURE = (
    RepCondition(
        "wrist_above_hip_m",
        max=-0.15,
        at="start",
        why="the hands reach down the legs at the bottom of the hinge, as before a deadlift's pull",
    ),
    RepCondition(
        "trunk_lean_deg",
        min=30.0,
        at="start",
        why="hinged forward at the bottom (45-80 deg); squats and lunges stay more upright with the hands low",
    ),
    RepCondition(
        "knee_flexion_deg",
        max=50.0,
        at="start",
        why=(
            "soft knees at the bottom (15-30 deg): the deadlift's signature asks the hips to rise 0.1 m from "
            "the set-up, which a hinge with soft knees does not, so the hinge has a signature of its own"
        ),
    ),
    RepCondition(
        "wrist_above_hip_m",
        max=0.25,
        why="at lockout the bar hangs at the thighs (the deadlift's bound)",
    ),
)
"""What ``auto`` looks for in a hinge's reps; tried after the deadlift (a pull from the floor fits both,
and :mod:`~formlab.exercises.variants` then tells them apart). A pose condition that cannot be
measured passes, so this signature alone is weak (a clip of the end of a pull, the legs unseen, fits
it): ``auto`` keeps a lift found only by it when its variant cues, the soft knees measured, confirm
it, and otherwise names no lift (:func:`formlab.pipeline.variant.name_variant`)."""

ROMANIAN_DEADLIFT = dataclasses.replace(
    DEADLIFT,
    name="romanian_deadlift",
    description="Romanian deadlift: a hinge from standing, soft knees, the bar to about mid-shin",
    checks=(
        SOFT_KNEES,
        BAR_CLOSE_TO_LEGS,
        FULL_LOCKOUT,
        NO_HYPEREXTENSION,
        KNEES_OUT,
        NEUTRAL_BACK,
    ),
    signature=HINGE_SIGNATURE,
    auto_order=35,
    variant_of="deadlift",
    variant_cues=FROM_STANDING,
    notes=__doc__.split("\n\n")[1].replace("\n", " "),
)
