"""The deadlift: the bar pulled from the floor to lockout (conventional; the family ``auto`` finds first).

``auto`` finds a deadlift's reps as this lift's, then tells a pull from the
floor (this lift) from a Romanian deadlift (:mod:`~formlab.exercises.romanian_deadlift`)
by where each pull starts (:data:`FROM_THE_FLOOR`).
"""

from __future__ import annotations

from .base import Exercise, RepAngle, RepCondition, VariantCue
from .checks import HEELS_DOWN, KNEES_OUT
from .deadlift_checks import (
    BAR_CLOSE_TO_LEGS,
    FULL_LOCKOUT,
    HIPS_AND_SHOULDERS_RISE_TOGETHER,
    HIPS_SET,
    NEUTRAL_BACK,
    NO_HYPEREXTENSION,
)
from .features import BAR_HEIGHT_ABOVE_FEET

FROM_THE_FLOOR = (
    VariantCue(
        "start_knee_flexion_deg",
        min=45.0,
        why=(
            "a pull from the floor starts with the knees well bent, the hips between the knees and the "
            "shoulders (coaching); the labelled deadlift clips start at 50-138 deg (deadliftAI-bichraix), "
            "a Romanian deadlift keeps them soft (15-30)"
        ),
    ),
    VariantCue(
        "start_bar_above_ankles_m",
        max=0.25,
        why=(
            "the bar starts on the floor: a 45 cm plate holds it 0.225 m above the floor, about 0.15 m above "
            "the ankle joints (the labelled clips: 0.0-0.19 m); a Romanian deadlift turns around at mid-shin "
            "or higher"
        ),
    ),
)
"""How ``auto`` tells a conventional deadlift from a Romanian one."""

DEADLIFT = Exercise(
    name="deadlift",
    description="deadlift from the floor (conventional, sumo, trap-bar; the Romanian: romanian_deadlift)",
    signal=BAR_HEIGHT_ABOVE_FEET,
    turning_point="top",
    concentric="into",
    requires=(
        RepCondition(
            "wrist_above_knee_m",
            max=0.0,
            at="start",
            why=(
                "a pull starts with the bar below the knees (from the floor; mid-shin in a Romanian "
                "deadlift): a clip that shows only a lockout hold or the lowering has no pull to count "
                "(deadliftAI-bichraix bad003, good013); it must be seen: a clip or a cut that opens on a "
                "lifter already pulling, the hands or knees not yet found, shows no pull from below the "
                "knees (deadliftAI-bichraix bad004: found a frame before the bar is 0.24 m above them)"
            ),
            needs_seen=True,
        ),
        RepCondition(
            "trunk_lean_deg",
            max=45.0,
            why=(
                "at lockout the lifter stands tall (the samples: 15-20 deg); bent over means the bar is not locked out"
            ),
        ),
    ),
    reached=(
        RepCondition(
            "trunk_lean_deg",
            max=25.0,
            why=(
                "standing tall at lockout: the trunk within 25 deg of vertical (the seen clips' lockouts read "
                "12-20 deg; at the knees in the pull it reads 40-60 deg)"
            ),
        ),
        RepCondition(
            "wrist_above_knee_m",
            min=0.0,
            why="the bar above the knees, i.e. pulled, not still on the floor",
        ),
    ),
    # the bar's height above the feet is one body part's height: it cannot change faster than a
    # falling bar (6.3 m/s from 2 m); a faster step is the pose jumping (a cut, a pose found again)
    detector={"max_speed_per_s": 8.0},
    signature=(
        RepCondition(
            "wrist_above_hip_m",
            max=-0.15,
            at="start",
            why=(
                "the hands reach down to the bar before the pull (samples: -0.20 to -0.26 m below the hips); "
                "in a squat they hold the bar on the shoulders or reach forward (-0.02 to 0.40 m), and arms "
                "hanging from an upright trunk (a lunge with dumbbells) reach about -0.1 m"
            ),
        ),
        RepCondition(
            "trunk_lean_deg",
            min=30.0,
            at="start",
            why=(
                "bent over the bar before the pull (samples: 40-55 deg); squats and lunges stay more upright "
                "when the hands are low"
            ),
        ),
        RepCondition(
            "hip_height_m", min=0.1, at="change", why="the hips rise from the set-up to lockout"
        ),
        RepCondition(
            "wrist_above_hip_m",
            max=0.25,
            why=(
                "at lockout the bar hangs at the thighs; MediaPipe's hip landmark reads 0.1-0.2 m below "
                "the hands there in side views where a plate hides the hips (deadliftAI-bichraix good007, "
                "good015, good018, bad012), while a curl or a press ends with the hands at the shoulders "
                "or above (0.3 m and more)"
            ),
        ),
    ),
    angles=(
        RepAngle(
            "start_hip_angle_deg", "hip_angle_deg", "min", "smallest hip angle (set-up position)"
        ),
        RepAngle(
            "start_knee_flexion_deg",
            "knee_flexion_deg",
            "max",
            "largest knee flexion (set-up position; 0 = straight)",
        ),
        RepAngle(
            "lockout_hip_angle_deg",
            "hip_angle_deg",
            "at_turn",
            "hip angle at lockout (180 = fully open)",
        ),
        RepAngle(
            "max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"
        ),
    ),
    views="side or front; hands, hips and ankles in the picture",
    notes="Rep = lockout (bar highest). The bar is the wrist midpoint above the feet, so walking up to the bar "
    "and bending down to set up is the movement away from a lockout, never a rep; a clip that ends at "
    "lockout counts that pull, and so does one cut (or whose pose is lost) as the lifter stands tall "
    "with the bar above the knees (`reached`).",
    checks=(
        HIPS_SET,
        HIPS_AND_SHOULDERS_RISE_TOGETHER,
        BAR_CLOSE_TO_LEGS,
        FULL_LOCKOUT,
        NO_HYPEREXTENSION,
        KNEES_OUT,
        NEUTRAL_BACK,
    ),
    # heels_down: in side views of the deadlift the plate hides the feet, and the heel's measured
    # rise reads 25-49 deg on clips labelled good (deadliftAI-bichraix good015, good018): not on by default
    optional_checks=(HEELS_DOWN,),
    plate_loaded=True,
    auto_order=30,
    variant_cues=FROM_THE_FLOOR,
    load="barbell",
)
