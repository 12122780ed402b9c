"""Pose tracks of constructed exercise sets: a stick figure moved by simple kinematics.

Each exercise is a function ``pose(p) -> {landmark: (x, y, z)}`` of a phase ``p`` in [0, 1] (0 at
rest, 1 at the far end of the movement) in the lifter's own frame (metres, hip midpoint at the
origin, x to the lifter's left, y down, z forward). :func:`exercise_track` strings reps together
(cosine descent and return, rests in between), turns the figure to face a side or the camera, and
fills a :class:`formlab.PoseTrack` (world landmarks hip-centred as MediaPipe's; image coordinates
an orthographic projection). Landmarks not modelled (face, hands, feet) sit next to their
neighbours. No media involved: these tracks test the exercise definitions on movements no sample
video shows (bench press, overhead press, lunge), from the side and from the front.
"""

from __future__ import annotations

import numpy as np

from formlab.core.landmarks import LANDMARK_NAMES
from formlab.core.track import PoseTrack, TrackMeta

SHOULDER_HALF_M = 0.18
HIP_HALF_M = 0.1
TRUNK_M = 0.5
THIGH_M = SHIN_M = 0.45
UPPER_ARM_M = 0.3
FOREARM_M = 0.28


def _rot_x(v, deg):
    """Rotate about the lateral axis: positive tips the top of the body forward (+z)."""
    a = np.radians(deg)
    x, y, z = v
    return np.array([x, y * np.cos(a) + z * np.sin(a), -y * np.sin(a) + z * np.cos(a)])


def _legs(hip_height, stance_half=0.12, split=0.0):
    """Knees and ankles for hips ``hip_height`` above the ankles; feet ``split`` m fore/aft (lunge)."""
    out = {}
    for side, sx, dz in (("left", 1, split), ("right", -1, -split)):
        ankle = np.array([sx * stance_half, hip_height, dz])
        hip = np.array([sx * HIP_HALF_M, 0.0, 0.0])
        d = np.linalg.norm(ankle - hip)
        d = min(d, THIGH_M + SHIN_M - 1e-6)
        mid = (hip + ankle) / 2
        bend = np.sqrt(max(THIGH_M**2 - (d / 2) ** 2, 0.0))
        out[f"{side}_knee"] = mid + np.array([0.0, 0.0, bend])  # knees bend forward
        out[f"{side}_ankle"] = ankle
    return out


def _upper(lean_deg, arm):
    """Shoulders on a trunk leaning ``lean_deg`` forward; ``arm(side, shoulder) -> (elbow, wrist)``."""
    out = {}
    for side, sx in (("left", 1), ("right", -1)):
        shoulder = _rot_x(np.array([sx * SHOULDER_HALF_M, -TRUNK_M, 0.0]), lean_deg)
        elbow, wrist = arm(side, sx, shoulder)
        out[f"{side}_shoulder"], out[f"{side}_elbow"], out[f"{side}_wrist"] = shoulder, elbow, wrist
    out["nose"] = _rot_x(np.array([0.0, -TRUNK_M - 0.2, 0.08]), lean_deg)
    return out


def _hanging(side, sx, shoulder, forward=0.0):
    elbow = shoulder + np.array([0.0, UPPER_ARM_M, forward / 2])
    return elbow, elbow + np.array([0.0, FOREARM_M, forward / 2])


def squat(p):
    h = 0.89 - 0.45 * p

    def rack(side, sx, sh):  # front rack: elbows forward, hands at the shoulders
        elbow = sh + np.array([0.0, 0.1, 0.28])
        return elbow, sh + np.array([-sx * 0.02, 0.0, 0.12])

    return {**_legs(h), **_upper(10 + 25 * p, rack)}


def deadlift(p):
    h = 0.89 - 0.3 * p
    lean = 5 + 65 * p

    def arms(side, sx, sh):  # arms hang straight down whatever the lean
        return sh + np.array([0.0, UPPER_ARM_M, 0.0]), sh + np.array(
            [0.0, UPPER_ARM_M + FOREARM_M, 0.0]
        )

    return {**_legs(h), **_upper(lean, arms)}


def curl(p):
    def arms(side, sx, sh):
        elbow = sh + np.array([0.0, UPPER_ARM_M, 0.02])
        a = np.radians(10 + 130 * p)  # forearm angle from straight down, rotating forward and up
        return elbow, elbow + FOREARM_M * np.array([0.0, np.cos(a), np.sin(a)])

    return {**_legs(0.89), **_upper(3, arms)}


def overhead_press(p):
    def arms(side, sx, sh):
        wrist = sh + np.array([sx * 0.05, -0.05 - 0.5 * p, 0.12 * (1 - p)])
        elbow = (sh + wrist) / 2 + np.array([sx * 0.12 * (1 - p), 0.12 * (1 - p), 0.0])
        return elbow, wrist

    return {**_legs(0.89), **_upper(2, arms)}


def jumping_jack(p):
    def arms(side, sx, sh):
        b = np.radians(15 + 155 * p)  # arm angle from straight down, in the frontal plane
        direction = np.array([sx * np.sin(b), np.cos(b), 0.0])
        return sh + UPPER_ARM_M * direction, sh + (UPPER_ARM_M + FOREARM_M) * direction

    return {**_legs(0.89 - 0.05 * p, stance_half=0.1 + 0.25 * p), **_upper(2, arms)}


def lunge(p):
    h = 0.89 - 0.4 * p
    legs = _legs(h, stance_half=0.1, split=0.1 + 0.35 * p)
    legs["right_knee"] = legs["right_knee"] + np.array(
        [0.0, 0.2 * p, -0.35 * p]
    )  # rear knee drops back and down
    return {**legs, **_upper(5, lambda side, sx, sh: _hanging(side, sx, sh))}


def push_up(p):
    """Plank (body horizontal, face down) lowered by bending the arms; the hands stay on the floor."""
    body = 90 - 12 * p  # whole body pitched forward; lowering the shoulders tilts it slightly
    arm_len = 0.58 - 0.25 * p  # vertical shoulder-to-floor distance shrinks as the elbows bend
    pts = {}
    for name, v in {**_legs(0.9, stance_half=0.1), **_upper(0, lambda s, sx, sh: (sh, sh))}.items():
        pts[name] = _rot_x(v, body)
    for side in ("left", "right"):
        sh = pts[f"{side}_shoulder"]
        wrist = sh + np.array([0.0, arm_len, 0.0])
        pts[f"{side}_wrist"] = wrist
        pts[f"{side}_elbow"] = (sh + wrist) / 2 + np.array([0.0, 0.0, -0.12 * p - 0.01])
    return pts


def bench_press(p):
    """Lying on the back on a bench (trunk horizontal, head forward in the body frame = towards -z after
    rotation), knees bent over the end of the bench, bar pressed up from the chest (p=1) to lockout (p=0)."""
    pts = {}
    upper = _upper(0, lambda s, sx, sh: (sh, sh))
    for name, v in upper.items():
        pts[name] = _rot_x(v, -90)  # shoulders go behind the hips, at hip height (lying back)
    pts["nose"] = pts["nose"] + np.array([0.0, -0.12, 0.0])
    for side, sx in (("left", 1), ("right", -1)):
        pts[f"{side}_knee"] = np.array([sx * 0.15, -0.05, 0.42])
        pts[f"{side}_ankle"] = np.array([sx * 0.2, 0.4, 0.55])
        sh = pts[f"{side}_shoulder"]
        wrist = sh + np.array([sx * 0.1, -(0.62 - 0.4 * p), 0.05])
        pts[f"{side}_wrist"] = wrist
        pts[f"{side}_elbow"] = (sh + wrist) / 2 + np.array([sx * 0.15 * p, 0.0, 0.0])
    return pts


EXERCISE_POSES = {
    "squat": squat,
    "deadlift": deadlift,
    "curl": curl,
    "overhead_press": overhead_press,
    "jumping_jack": jumping_jack,
    "lunge": lunge,
    "push_up": push_up,
    "bench_press": bench_press,
}

_NEAREST = {  # landmarks not modelled -> the modelled one they sit next to
    "nose": None,
    "left_eye_inner": "nose",
    "left_eye": "nose",
    "left_eye_outer": "nose",
    "right_eye_inner": "nose",
    "right_eye": "nose",
    "right_eye_outer": "nose",
    "left_ear": "nose",
    "right_ear": "nose",
    "mouth_left": "nose",
    "mouth_right": "nose",
    "left_pinky": "left_wrist",
    "right_pinky": "right_wrist",
    "left_index": "left_wrist",
    "right_index": "right_wrist",
    "left_thumb": "left_wrist",
    "right_thumb": "right_wrist",
    "left_heel": "left_ankle",
    "right_heel": "right_ankle",
    "left_foot_index": "left_ankle",
    "right_foot_index": "right_ankle",
}


def phases(n_reps, fps, *, down_s=1.2, up_s=0.9, rest_s=1.0, lead_s=2.0, tail_s=2.0, hold_s=0.0):
    """Time stamps and a phase p(t) in [0, 1] with ``n_reps`` excursions; returns (t, p, times of p=1)."""
    period = down_s + hold_s + up_s + rest_s
    t = np.arange(0.0, lead_s + n_reps * period - rest_s + tail_s, 1.0 / fps)
    p = np.zeros_like(t)
    peaks = []
    for k in range(n_reps):
        ph = t - (lead_s + k * period)
        peaks.append(lead_s + k * period + down_s + hold_s / 2)
        m = (ph >= 0) & (ph < down_s)
        p[m] = 0.5 * (1 - np.cos(np.pi * ph[m] / down_s))
        p[(ph >= down_s) & (ph < down_s + hold_s)] = 1.0
        m = (ph >= down_s + hold_s) & (ph < down_s + hold_s + up_s)
        p[m] = 0.5 * (1 + np.cos(np.pi * (ph[m] - down_s - hold_s) / up_s))
    return t, p, np.array(peaks)


def exercise_track(
    exercise, n_reps=5, fps=30.0, *, view="side", noise_m=0.0, seed=0, pose=None, **timing
):
    """A PoseTrack of ``n_reps`` reps of ``exercise`` seen from the ``"side"``, ``"front"`` or ``"back"``.

    ``pose`` (a function of the phase, as in :data:`EXERCISE_POSES`) replaces the exercise's own
    (a variant: another hold of the arms). Returns (track, times at the far end of each rep's
    movement (p = 1)).
    """
    t, p, peaks = phases(n_reps, fps, **timing)
    pose = pose or EXERCISE_POSES[exercise]
    # side: the lifter faces the right of the picture; back: away from the camera
    yaw = {"side": 90.0, "front": 0.0, "back": 180.0}[view]
    c, s = np.cos(np.radians(yaw)), np.sin(np.radians(yaw))
    rng = np.random.default_rng(seed)
    n = t.size
    world = np.zeros((n, len(LANDMARK_NAMES), 3))
    for i, pi in enumerate(p):
        pts = pose(pi)
        for side, sx in (("left", 1), ("right", -1)):
            pts[f"{side}_hip"] = np.array([sx * HIP_HALF_M, 0.0, 0.0])
        for j, name in enumerate(LANDMARK_NAMES):
            v = pts[name] if name in pts else pts[_NEAREST[name]]
            # body frame (x left, y down, z forward) -> camera (x right, y down, z away): the lifter faces the
            # camera at yaw 0 (their left on the picture's right), and the picture's right at yaw 90
            xb, yb, zb = v
            world[i, j] = [c * xb + s * zb, yb, s * xb - c * zb]
    world += rng.normal(0, noise_m, world.shape) if noise_m else 0.0
    world -= (world[:, 23] + world[:, 24])[
        :, None, :
    ] / 2  # hip-centred, as MediaPipe's world landmarks
    scale_px = 400.0
    lowest = np.max(world[:, :, 1], axis=1)  # feet (or whatever is lowest) stand on the floor line
    ground_px = 900.0
    xy = np.empty((n, len(LANDMARK_NAMES), 2))
    xy[..., 0] = 540.0 + world[..., 0] * scale_px
    xy[..., 1] = ground_px + (world[..., 1] - lowest[:, None]) * scale_px
    meta = TrackMeta(
        source=f"synthetic_{exercise}_{view}.mp4",
        fps=float(fps),
        width_px=1080,
        height_px=1080,
        model_variant="synthetic",
    )
    ones = np.ones((n, len(LANDMARK_NAMES)))
    track = PoseTrack(
        xy_px=xy,
        z=world[..., 2],
        visibility=ones,
        presence=ones,
        world_m=world,
        time_s=t,
        frame=np.arange(n),
        meta=meta,
    )
    return track, peaks
