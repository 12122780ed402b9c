"""The bodyweight squat (air squat): no load, the arms free to reach forward for balance.

It counts and judges its reps as every squat does (:mod:`formlab.exercises.squat`),
with no rack or bar checks. Without a load on the shoulders the lifter
balances by reaching the arms forward and sitting back, so the torso may lean
as far as the squat family's default allows.
"""

from __future__ import annotations

from .base import VariantCue
from .squat import NO_BARBELL, SQUAT, squat_variant

ARMS_FREE = (
    VariantCue(
        "load_forward_torso",
        min=0.4,
        why=(
            "the arms reach forward (or the hands are clasped at arm's length) for balance: 0.45-0.7 torso "
            "lengths in front of the shoulders (testvideo-yuyoujiang__squat, tfjs-models__pose_squats); a "
            "held load sits on the shoulders or against the chest, within 0.45"
        ),
    ),
    NO_BARBELL,
)
"""How ``auto`` tells a bodyweight squat. Hands on the hips or crossed on the chest fit no variant's
cues: such a squat is named ``squat`` with the variant uncertain."""

BODYWEIGHT_SQUAT = squat_variant(
    "bodyweight_squat",
    "bodyweight squat (air squat): no load, arms free",
    checks=SQUAT.checks,
    notes=__doc__.split("\n\n")[1].replace("\n", " "),
    variant_cues=ARMS_FREE,
    load="bodyweight",
)
