"""Constructed poses for the form checks of the pressing, pushing, curling and jumping lifts.

Each builder returns ``pose(p) -> {landmark: (x, y, z)}`` in the lifter's own frame (metres, hip
midpoint at the origin, x to the lifter's left, y down, z forward), as
:mod:`support.synthetic_pose` expects, with the quantity a check measures set exactly (an elbow
angle, a bend at the hip, a lean), so that a check's passing and failing cases are built, not found.
:func:`judged` runs a lift's checks on a constructed set and returns the per-frame and per-rep verdicts.
"""

from __future__ import annotations

import numpy as np

import formlab
from formlab.exercises import get_exercise
from support import synthetic_pose as sp

UPPER_ARM_M, FOREARM_M = sp.UPPER_ARM_M, sp.FOREARM_M


def arm_with_angle(shoulder, direction, elbow_deg, bend):
    """Elbow and wrist of an arm whose wrist lies along ``direction`` from the shoulder, bent to ``elbow_deg``.

    ``bend`` is the unit direction (perpendicular to ``direction``) the elbow points to.
    """
    a, b = UPPER_ARM_M, FOREARM_M
    d = np.sqrt(a * a + b * b - 2 * a * b * np.cos(np.radians(elbow_deg)))
    t = (a * a - b * b + d * d) / (2 * d)
    off = np.sqrt(max(a * a - t * t, 0.0))
    direction = np.asarray(direction, float) / np.linalg.norm(direction)
    elbow = shoulder + t * direction + off * np.asarray(bend, float)
    return elbow, shoulder + d * direction


def lerp(a, b, p):
    return a + (b - a) * p


def judged(exercise, pose, *, view="side", n_reps=3, checks=None, **timing):
    """Per-frame feedback and per-rep verdicts of ``exercise``'s checks on a constructed set of ``pose``.

    The pose is registered under a private name for :func:`support.synthetic_pose.exercise_track`;
    the reps come from formlab's own rep detection of ``exercise``.
    """
    key = f"_constructed_{exercise}"
    sp.EXERCISE_POSES[key] = pose
    try:
        track, _ = sp.exercise_track(key, n_reps, view=view, **timing)
    finally:
        del sp.EXERCISE_POSES[key]
    reps = formlab.detect_reps(track, exercise).to_frame()
    assert len(reps) == n_reps, f"{exercise}: constructed set gave {len(reps)} reps, not {n_reps}"
    names = checks or list(get_exercise(exercise).check_names)
    feedback = formlab.evaluate_form(track, exercise, reps=reps, checks=names)
    per_rep = formlab.form_per_rep(feedback, reps)
    return feedback, per_rep


def rep_verdicts(per_rep, check):
    """The check's verdict in every rep, as a set."""
    return set(per_rep[check].astype(str))


def push_up(*, bottom_deg=70.0, top_deg=175.0, pike_deg=0.0, incline_deg=15.0):
    """A push-up: face down, head forward, the elbows bending from ``top_deg`` to ``bottom_deg``.

    The body is straight but for ``pike_deg`` at the hips (positive: hips up, negative: sagging),
    the shoulder->ankle line rising ``incline_deg`` towards the head; the hands stay under the shoulders.
    """

    def pose(p):
        b, half = np.radians(incline_deg), np.radians(pike_deg) / 2
        to_shoulder = np.array([0.0, -np.sin(b - half), np.cos(b - half)])
        to_ankle = np.array([0.0, np.sin(b + half), -np.cos(b + half)])
        pts = {}
        for side, sx in (("left", 1), ("right", -1)):
            hip = np.array([sx * sp.HIP_HALF_M, 0.0, 0.0])
            shoulder = np.array([sx * sp.SHOULDER_HALF_M, 0.0, 0.0]) + sp.TRUNK_M * to_shoulder
            ankle = hip + (sp.THIGH_M + sp.SHIN_M) * to_ankle
            elbow, wrist = arm_with_angle(
                shoulder, (0, 1, 0), lerp(top_deg, bottom_deg, p), (0, 0, -1)
            )
            pts.update(
                {
                    f"{side}_shoulder": shoulder,
                    f"{side}_elbow": elbow,
                    f"{side}_wrist": wrist,
                    f"{side}_knee": (hip + ankle) / 2,
                    f"{side}_ankle": ankle,
                }
            )
        pts["nose"] = (pts["left_shoulder"] + pts["right_shoulder"]) / 2 + 0.25 * to_shoulder
        return pts

    return pose


def curl(*, bottom_deg=165.0, top_deg=45.0, drift_deg=0.0, swing_deg=0.0):
    """A standing curl: the elbows bend from ``bottom_deg`` to ``top_deg``.

    At the top the upper arms have drifted ``drift_deg`` forward of the trunk and the trunk leans
    ``swing_deg`` back (both grow with the phase, from 0 at the bottom).
    """

    def pose(p):
        drift = np.radians(drift_deg * p)

        def arms(side, sx, shoulder):
            down = np.array([0.0, np.cos(drift), np.sin(drift)])  # the upper arm, turned forward
            elbow = shoulder + UPPER_ARM_M * down
            turn = drift + np.radians(180.0 - lerp(bottom_deg, top_deg, p))
            return elbow, elbow + FOREARM_M * np.array([0.0, np.cos(turn), np.sin(turn)])

        upper = sp._upper(0.0, arms)
        lean = -swing_deg * p  # negative tips the top of the body back
        upper = {k: sp._rot_x(v, lean) for k, v in upper.items()}
        return {**sp._legs(0.89), **upper}

    return pose


def jumping_jack(*, top_arm_deg=170.0, top_feet_apart_m=0.7):
    """A jumping jack: the arms swing in the frontal plane from 15 deg off straight down to
    ``top_arm_deg`` (180: straight up), the feet from 0.2 m to ``top_feet_apart_m`` apart."""

    def pose(p):
        b = np.radians(lerp(15.0, top_arm_deg, p))

        def arms(side, sx, shoulder):
            direction = np.array([sx * np.sin(b), np.cos(b), 0.0])
            return (
                shoulder + UPPER_ARM_M * direction,
                shoulder + (UPPER_ARM_M + FOREARM_M) * direction,
            )

        stance_half = lerp(0.1, top_feet_apart_m / 2, p)
        return {**sp._legs(0.89 - 0.05 * p, stance_half=stance_half), **sp._upper(2, arms)}

    return pose


FOOT = {"heel": np.array([0.0, 0.05, -0.07]), "foot_index": np.array([0.0, 0.05, 0.18])}
"""Heel and toe relative to the ankle: a 0.25 m foot whose middle is 0.055 m ahead of the ankle."""
FOOT_M = 0.25
MIDFOOT_Z_M = 0.055


def with_feet(pts):
    """``pts`` with heels and toes placed on each ankle (see :data:`FOOT`)."""
    for side in ("left", "right"):
        for part, offset in FOOT.items():
            pts[f"{side}_{part}"] = pts[f"{side}_ankle"] + offset
    return pts


def overhead_press(*, top_deg=175.0, bar_ahead_foot=0.0, lean_back_deg=0.0):
    """A standing press: the elbows open from 70 deg (bar at the shoulders) to ``top_deg``.

    At lockout the wrists lie ``bar_ahead_foot`` foot lengths ahead of the mid-foot (until the lean
    is applied), and the upper body leans back ``lean_back_deg`` (growing with the phase).
    """

    def pose(p):
        elbow_deg = lerp(70.0, top_deg, p)
        d = np.sqrt(
            UPPER_ARM_M**2
            + FOREARM_M**2
            - 2 * UPPER_ARM_M * FOREARM_M * np.cos(np.radians(elbow_deg))
        )
        tz = MIDFOOT_Z_M + bar_ahead_foot * FOOT_M

        def arms(side, sx, shoulder):
            direction = np.array([0.0, -np.sqrt(d * d - tz * tz), tz]) / d
            return arm_with_angle(shoulder, direction, elbow_deg, (sx, 0.0, 0.0))

        upper = {k: sp._rot_x(v, -lean_back_deg * p) for k, v in sp._upper(0.0, arms).items()}
        return with_feet({**sp._legs(0.89), **upper})

    return pose


def bench_press(
    *,
    top_deg=175.0,
    bottom_arm_deg=-15.0,
    forearm_tilt_deg=0.0,
    touch_torso=0.3,
    lockout_torso=0.0,
):
    """Lying face up (head towards -z), the bar pressed from the chest to ``top_deg`` at the elbow.

    The upper arms (out to the sides) rise from ``bottom_arm_deg`` above the horizontal at the
    bottom; the forearms lean ``forearm_tilt_deg`` outwards from vertical throughout, so the elbow
    angle is ``90 + arm + tilt``. The bar's path from the side (the J-curve): at the bottom the
    wrists lie ``touch_torso`` torso lengths from the shoulder joints towards the hips (the upper
    arms swung towards the hips about the vertical), at the top ``lockout_torso`` (the whole arm
    tilted about the shoulders' left-right axis). Both are rigid turns of the arm: the arm's
    lengths, the wrists' height at the bottom and the elbow angle at the top stay as built.
    """
    top_arm_deg = top_deg - 90.0 - forearm_tilt_deg
    phi = np.radians(forearm_tilt_deg)

    def arm(alpha, swing):
        elbow = UPPER_ARM_M * np.array(
            [np.cos(alpha) * np.cos(swing), -np.sin(alpha), np.cos(alpha) * np.sin(swing)]
        )
        return elbow, elbow + FOREARM_M * np.array([np.sin(phi), -np.cos(phi), 0.0])

    bottom = np.radians(bottom_arm_deg)
    swing_bottom = np.arcsin(touch_torso * sp.TRUNK_M / (UPPER_ARM_M * np.cos(bottom)))
    top_height = arm(np.radians(top_arm_deg), 0.0)[1][1]  # the wrist's y at the top (negative: up)
    tilt_top = np.arcsin(lockout_torso * sp.TRUNK_M / top_height)

    def pose(p):
        alpha = np.radians(lerp(top_arm_deg, bottom_arm_deg, p))
        tilt = (1.0 - p) * tilt_top
        c, s_ = np.cos(tilt), np.sin(tilt)
        turn = np.array(
            [[1.0, 0.0, 0.0], [0.0, c, -s_], [0.0, s_, c]]
        )  # about the x (left-right) axis
        pts = {}
        for side, sx in (("left", 1), ("right", -1)):
            shoulder = np.array([sx * sp.SHOULDER_HALF_M, 0.0, -sp.TRUNK_M])
            mirror = np.array([sx, 1.0, 1.0])
            elbow, wrist = (turn @ (mirror * v) for v in arm(alpha, p * swing_bottom))
            pts.update(
                {
                    f"{side}_shoulder": shoulder,
                    f"{side}_elbow": shoulder + elbow,
                    f"{side}_wrist": shoulder + wrist,
                    f"{side}_knee": np.array([sx * 0.15, -0.05, 0.42]),
                    f"{side}_ankle": np.array([sx * 0.2, 0.4, 0.55]),
                }
            )
        pts["nose"] = np.array([0.0, -0.1, -sp.TRUNK_M - 0.2])
        return pts

    return pose


def lunge(*, front_knee_deg=90.0, knee_in_m=0.0, lean_deg=5.0):
    """A lunge on the left leg: the front knee bends to ``front_knee_deg`` (shin vertical), the rear
    knee drops back and down; the front knee moves ``knee_in_m`` towards the midline at the bottom
    and the trunk leans ``lean_deg`` forward (both growing with the phase)."""

    def pose(p):
        beta = np.radians(lerp(0.0, 180.0 - front_knee_deg, p))  # front thigh from vertical
        gamma, eps = np.radians(20.0 * p), np.radians(70.0 * p)  # rear thigh and shin, tilted back
        hip_l, hip_r = np.array([sp.HIP_HALF_M, 0.0, 0.0]), np.array([-sp.HIP_HALF_M, 0.0, 0.0])
        knee_l = hip_l + sp.THIGH_M * np.array([0.0, np.cos(beta), np.sin(beta)])
        knee_l = knee_l - np.array([knee_in_m * p, 0.0, 0.0])
        ankle_l = hip_l + np.array(
            [0.0, sp.THIGH_M * np.cos(beta) + sp.SHIN_M, sp.THIGH_M * np.sin(beta)]
        )
        knee_r = hip_r + sp.THIGH_M * np.array([0.0, np.cos(gamma), -np.sin(gamma)])
        ankle_r = knee_r + sp.SHIN_M * np.array([0.0, np.cos(eps), -np.sin(eps)])
        legs = {
            "left_knee": knee_l,
            "left_ankle": ankle_l,
            "right_knee": knee_r,
            "right_ankle": ankle_r,
        }
        return {**legs, **sp._upper(lean_deg * p, lambda s, sx, sh: sp._hanging(s, sx, sh))}

    return pose
