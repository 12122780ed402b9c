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
from .base import VariantCue
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

ROMANIAN_DEADLIFT = dataclasses.replace(
    DEADLIFT,
    name="romanian_deadlift",
    description="Romanian deadlift: a hinge from standing, soft knees, the bar to about mid-shin",
    checks=(SOFT_KNEES, BAR_CLOSE_TO_LEGS, FULL_LOCKOUT, NO_HYPEREXTENSION, KNEES_OUT, NEUTRAL_BACK),
    auto_order=None,
    variant_of="deadlift",
    variant_cues=FROM_STANDING,
    notes=__doc__.split("\n\n")[1].replace("\n", " "),
)
