"""The lunge: one leg forward, the rear knee towards the floor; each leg's bottom is one rep.

Coaches ask for the front knee bent to about a right angle at the bottom, the
knees tracking over the feet (not caving in) and the trunk upright (e.g. ACE's
exercise library and the NSCA's exercise technique manual: front thigh about
parallel to the floor, front knee over the foot, torso erect).

=================  ===============================================  ==========================
check              measured value                                   valid views
=================  ===============================================  ==========================
front_knee_depth   front_knee_angle_deg, once per rep (smallest)    oblique, side
knees_out          knee_ankle_width_ratio (knees bent)              front, back
head_neutral       head_pitch_deg                                   front, oblique, side
torso_upright      torso_lean_deg                                   oblique, side
=================  ===============================================  ==========================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.geometry import joint_angle_deg
from ..core.landmarks import LANDMARK_INDEX
from ..form.check import SAGITTAL, Check, Geometry, Threshold
from ..form.measures import FrameData
from .arm_checks import BEST_WINDOW
from .base import Exercise, RepAngle, RepCondition
from .checks import HEAD_NEUTRAL, HEELS_DOWN, KNEES_OUT, TORSO_UPRIGHT
from .features import HIP_HEIGHT_LOWEST_FOOT, HIPS
from .rep_frames import best_frames
from .squat import KNEE_BENT


# --------------------------------------------------------------------------- front knee depth
def front_knee_angle_deg(data: FrameData) -> np.ndarray:
    """The hip-knee-ankle angle of the front leg, degrees: the leg whose knee is higher.

    At the bottom of a lunge the rear knee drops towards the floor and the
    front one stays at about hip height, whichever leg leads and whatever the
    view. Both legs are used, the far one of a side view too: a lunge splits
    them fore and aft, so the far leg is not behind the near one. NaN where a
    leg's hip, knee or ankle is not seen.
    """

    def compute() -> np.ndarray:
        w, vis = data.track.world_m, data.track.visibility
        angles, heights = [], []
        for s in ("left", "right"):
            idx = [LANDMARK_INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle")]
            with np.errstate(invalid="ignore"):
                seen = np.all(vis[:, idx] >= data.min_visibility, axis=-1)
            angle = joint_angle_deg(*(w[:, k] for k in idx))
            angles.append(np.where(seen, angle, np.nan))
            heights.append(np.where(seen, -w[:, idx[1], 1], -np.inf))  # y down: knee height
        left_front = heights[0] >= heights[1]
        return np.where(left_front, angles[0], angles[1])

    return data.cached("front_knee_angle_deg", compute)


def _bottoms(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, front_knee_angle_deg(data), "min", th.best_window_s)


FRONT_KNEE_DEPTH = Check(
    name="front_knee_depth",
    title="Front knee depth",
    cue="Lunge deeper",
    value="front_knee_angle_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lambda data, th: front_knee_angle_deg(data),
    upper="max_front_knee_angle_deg",
    applies=_bottoms,
    applies_column="front_knee_depth_frame",
    not_applicable="not the bottom of a rep (judged once per rep, at its most bent front knee; "
    "a photo alone is no rep)",
    per_rep="best",
    geometry=Geometry((("{side}_hip", "{side}_knee"), ("{side}_knee", "{side}_ankle")), None),
    thresholds=(
        Threshold(
            "max_front_knee_angle_deg",
            100.0,
            "deg",
            0,
            180,
            "Largest hip-knee-ankle angle of the front leg at the bottom of a rep.",
            "coaching guides (ACE, NSCA: lower until the front thigh is about parallel to the "
            "floor, the front knee at about 90 deg); 100 deg leaves 10 deg for landmark error. "
            "formlab's tolerance, not a study: tune it.",
        ),
        BEST_WINDOW,
    ),
    description="Front knee depth: at the bottom of each rep the front knee (the higher one) is "
    "bent to about a right angle, measured as the hip-knee-ankle angle in 3D world landmarks and "
    "judged once per rep at its most bent frame. A shallow lunge is still counted and flagged here.",
)

LUNGE = Exercise(
    name="lunge",
    description="lunge (forward, reverse, walking, split squat), each leg's bottom is one rep",
    signal=HIP_HEIGHT_LOWEST_FOOT,
    turning_point="bottom",
    concentric="out_of",
    requires=(KNEE_BENT,),
    signature=(
        RepCondition(
            "knee_height_difference_m",
            min=0.15,
            why="the rear knee drops towards the floor, the front knee stays high",
        ),
        RepCondition("trunk_lean_deg", max=45.0, why="the trunk stays upright"),
    ),
    angles=(
        RepAngle(
            "max_knee_flexion_deg",
            "knee_flexion_deg",
            "max",
            "largest knee flexion (mean of both legs; 0 = straight)",
        ),
        RepAngle(
            "max_left_knee_flexion_deg", "left_knee_flexion_deg", "max", "largest left knee flexion"
        ),
        RepAngle(
            "max_right_knee_flexion_deg",
            "right_knee_flexion_deg",
            "max",
            "largest right knee flexion",
        ),
        RepAngle(
            "max_trunk_lean_deg", "trunk_lean_deg", "max", "largest forward lean of the trunk"
        ),
    ),
    load_point=HIPS,
    views="side (best) or front",
    notes="Rep = bottom of the hips. The hip height is taken above the LOWER ankle (the front foot, which "
    "stays flat) so stepping and alternating legs do not move the reference; walking lunges travel, "
    "which a body-relative signal ignores. Designed from the movement: no sample clip shows a lunge.",
    checks=(
        FRONT_KNEE_DEPTH,
        KNEES_OUT.with_defaults(
            max_knee_narrowing_ratio=(
                0.15,
                "coaching guides (NSCA, ACE: the front knee tracks over the foot, not inside it) "
                "with the article's 15 % for the squat; the rear knee drops under its hip, so a "
                "narrowing of the knees is the front knee caving in. A lunge on a line (feet one "
                "behind the other) has no ankle width to compare with: tune it.",
            )
        ),
        HEAD_NEUTRAL,
        TORSO_UPRIGHT.with_defaults(
            max_torso_lean_deg=(
                30.0,
                "formlab's coaching heuristic: a lunge is done upright. Not from a study: tune it.",
            )
        ),
    ),
    optional_checks=(HEELS_DOWN,),
    auto_order=20,
)
