"""A deadlift set-up built from the coaching rules and the body's proportions (a sagittal stick figure).

Rippetoe (Starting Strength, 3rd ed., the deadlift) sets a lifter up by three
rules and lets the hips go where they then fall: the bar over the middle of
the foot, the shins touching the bar, the shoulder blades over the bar (the
shoulder joints over it or a little ahead, the arms straight). Where the
hips then sit depends on the lifter's proportions. This module places the
joints by those rules for given segment lengths, so that ``hips_set``'s band
can be derived (``tests/benchmarks/derive_hips_set.py``) and tested on poses
a good set-up can take.

Segment lengths are fractions of stature (Winter, Biomechanics and Motor
Control of Human Movement, 4th ed. 2009, after Drillis and Contini 1966):
hip to shoulder 0.288 (0.818 - 0.530), thigh 0.245, shank 0.246, upper arm
0.186 + forearm 0.146, ankle joint height 0.039. Coordinates: x forward
(toward the toes), y up, metres, the ankle joint at x = 0.
"""

from __future__ import annotations

import numpy as np

PROPORTIONS = {
    "trunk": 0.288,
    "thigh": 0.245,
    "shank": 0.246,
    "arm": 0.186 + 0.146,
    "ankle": 0.039,
}
"""Mean segment lengths as fractions of stature (Winter 2009, after Drillis and Contini)."""


def setup_joints(
    stature_m: float = 1.75,
    *,
    trunk: float = PROPORTIONS["trunk"],
    thigh: float = PROPORTIONS["thigh"],
    shank: float = PROPORTIONS["shank"],
    arm: float = PROPORTIONS["arm"],
    ankle: float = PROPORTIONS["ankle"],
    wrist_to_bar_m: float = 0.08,
    bar_height_m: float = 0.225,
    bar_ahead_of_ankle_m: float = 0.05,
    shank_behind_bar_m: float = 0.04,
    shoulders_ahead_of_bar_m: float = 0.05,
) -> dict[str, np.ndarray]:
    """Joint centres (x forward, y up, metres) of a set-up by the three rules; arrays broadcast.

    ``bar_height_m``: a 45 cm plate holds the bar 0.225 m up. The bar over
    the mid-foot lies ``bar_ahead_of_ankle_m`` in front of the ankle joint;
    the shin touching it puts the shank's axis ``shank_behind_bar_m`` behind
    the bar's centre at its height (the bar's radius and the shin's front
    half); the wrist hangs ``wrist_to_bar_m`` above the bar (the grip in the
    hand), the straight arm reaching up to a shoulder joint
    ``shoulders_ahead_of_bar_m`` in front of the bar. The hip is where the
    trunk from the shoulder meets the thigh from the knee, behind both.
    """
    h = np.asarray(stature_m, float)
    ankle_y = ankle * h
    tilt = np.arctan2(bar_ahead_of_ankle_m - shank_behind_bar_m, bar_height_m - ankle_y)
    knee = np.stack([shank * h * np.sin(tilt), ankle_y + shank * h * np.cos(tilt)], -1)
    wrist = np.stack(
        np.broadcast_arrays(bar_ahead_of_ankle_m, bar_height_m + wrist_to_bar_m), -1
    ).astype(float)
    reach = arm * h
    up = np.sqrt(reach**2 - np.asarray(shoulders_ahead_of_bar_m) ** 2)
    shoulder = np.stack(
        np.broadcast_arrays(bar_ahead_of_ankle_m + shoulders_ahead_of_bar_m, wrist[..., 1] + up),
        -1,
    ).astype(float)
    t, f = trunk * h, thigh * h
    d_vec = knee - shoulder
    d = np.linalg.norm(d_vec, axis=-1)
    a = (t**2 - f**2 + d**2) / (2 * d)
    off = np.sqrt(np.clip(t**2 - a**2, 0, None))
    u = d_vec / d[..., None]
    base = shoulder + a[..., None] * u
    perp = np.stack([-u[..., 1], u[..., 0]], -1)  # the side behind the line, toward the heels
    perp = np.where((perp[..., :1] > 0), -perp, perp)
    hip = base + off[..., None] * perp
    zero = np.zeros_like(ankle_y)
    return {
        "ankle": np.stack([zero, ankle_y], -1),
        "knee": knee,
        "hip": hip,
        "shoulder": shoulder,
        "wrist": wrist,
    }


def hip_height_ratio(joints: dict[str, np.ndarray]) -> np.ndarray:
    """Where the hips sit between knees (0) and shoulders (1), by height: ``hips_set``'s value."""
    knee, hip, sh = joints["knee"][..., 1], joints["hip"][..., 1], joints["shoulder"][..., 1]
    return (hip - knee) / (sh - knee)


def population_ratios(
    n: int = 20000,
    *,
    shoulders_ahead_m: tuple[float, float] = (0.0, 0.10),
    cv: float = 0.04,
    seed: int = 0,
) -> np.ndarray:
    """``hip_height_ratio`` of ``n`` lifters set up by the rules, their proportions varied.

    Each segment's fraction of stature varies independently by ``cv``
    (coefficient of variation); stature 1.50-1.95 m; the grip 6-10 cm below
    the wrist; the mid-foot 3-7 cm ahead of the ankle; the shank's axis 3-5
    cm behind the bar; the shoulders ``shoulders_ahead_m`` ahead of the bar
    (uniform).
    """
    rng = np.random.default_rng(seed)

    def vary(mean):
        return mean * (1 + cv * rng.standard_normal(n))

    joints = setup_joints(
        rng.uniform(1.50, 1.95, n),
        trunk=vary(PROPORTIONS["trunk"]),
        thigh=vary(PROPORTIONS["thigh"]),
        shank=vary(PROPORTIONS["shank"]),
        arm=vary(PROPORTIONS["arm"]),
        ankle=vary(PROPORTIONS["ankle"]),
        wrist_to_bar_m=rng.uniform(0.06, 0.10, n),
        bar_ahead_of_ankle_m=rng.uniform(0.03, 0.07, n),
        shank_behind_bar_m=rng.uniform(0.03, 0.05, n),
        shoulders_ahead_of_bar_m=rng.uniform(*shoulders_ahead_m, n),
    )
    return hip_height_ratio(joints)
