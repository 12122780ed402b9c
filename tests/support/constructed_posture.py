"""Constructed postures for the form-check tests: a stick figure with exact, chosen angles.

A body is built in its own frame (x: the lifter's left, y: down, z: the
lifter's forward; metres, hip midpoint at the origin) from a few posture
parameters, turned by a yaw angle in front of the camera, and projected
orthographically into a picture. The result is a :class:`formlab.PoseTrack`
whose world landmarks follow formlab's conventions (camera axes, hip-centred)
and whose pixels are consistent with them, so every measure of
:mod:`formlab.posture` can be predicted exactly.

Yaw follows :mod:`formlab.view`: 0 faces the camera, +90 shows the lifter's
right side, 180 the back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from formlab.core.landmarks import LANDMARK_INDEX, N_LANDMARKS
from formlab.core.track import PoseTrack, TrackMeta

UPPER_ARM_M = 0.30
FOREARM_M = 0.26
THIGH_M = 0.42
SHANK_M = 0.42
SHOULDER_HALF_M = 0.18
HIP_HALF_M = 0.10
TORSO_M = 0.50
PX_PER_M = 500.0
IMAGE_W, IMAGE_H = 1000, 1000


@dataclass(frozen=True)
class Posture:
    """Posture parameters (angles in degrees, distances in metres or ratios).

    upper_arm_elevation_deg : shoulder->elbow above horizontal, pointing forward.
    wrist_below_shoulder_ratio : wrist height below the shoulder, in torso lengths.
    thigh_deg : knee->hip line below horizontal, i.e. ``hip_below_knee_deg``
        (-90 standing: the knee straight below the hip).
    shin_lean_deg : shank's forward lean from vertical.
    knee_width_m, ankle_width_m : distance between the knees / ankles.
    head_pitch_deg : ear->eye line above horizontal.
    torso_lean_deg : forward lean of the torso from vertical.
    heel_rise_deg : rotation of the foot about the toe (heel up).
    """

    upper_arm_elevation_deg: float = -10.0
    wrist_below_shoulder_ratio: float = 0.0
    thigh_deg: float = -90.0
    shin_lean_deg: float = 0.0
    knee_width_m: float = 0.36
    ankle_width_m: float = 0.36
    head_pitch_deg: float = 0.0
    torso_lean_deg: float = 0.0
    heel_rise_deg: float = 0.0


STANDING = Posture()
SQUAT_BOTTOM = Posture(thigh_deg=5.0, shin_lean_deg=30.0, torso_lean_deg=30.0)


def _unit(elevation_deg: float) -> np.ndarray:
    """Unit vector pointing forward and up by ``elevation_deg`` in body axes (left, down, forward)."""
    e = np.radians(elevation_deg)
    return np.array([0.0, -np.sin(e), np.cos(e)])


def body_points(p: Posture) -> dict[str, np.ndarray]:
    """Landmarks in body axes (left, down, forward), hip midpoint at the origin."""
    pts: dict[str, np.ndarray] = {}
    lean = np.radians(p.torso_lean_deg)
    up_torso = np.array([0.0, -np.cos(lean), np.sin(lean)])
    for s, sign in (("left", 1.0), ("right", -1.0)):
        hip = np.array([sign * HIP_HALF_M, 0.0, 0.0])
        e = np.radians(p.thigh_deg)  # the hip lies thigh_deg below the knee
        knee = hip + THIGH_M * np.array([0.0, -np.sin(e), np.cos(e)])
        knee[0] = sign * p.knee_width_m / 2
        phi = np.radians(p.shin_lean_deg)
        ankle = knee + SHANK_M * np.array([0.0, np.cos(phi), -np.sin(phi)])
        ankle[0] = sign * p.ankle_width_m / 2
        toe = ankle + np.array([0.0, 0.07, 0.15])
        heel = ankle + np.array([0.0, 0.07, -0.06])
        r = np.radians(p.heel_rise_deg)  # turn heel and ankle about the toe, heel going up

        def about_toe(q: np.ndarray, toe: np.ndarray = toe, r: float = r) -> np.ndarray:
            d = q - toe
            return toe + np.array(
                [d[0], d[1] * np.cos(r) + d[2] * np.sin(r), -d[1] * np.sin(r) + d[2] * np.cos(r)]
            )

        pts.update(
            {
                f"{s}_hip": hip,
                f"{s}_knee": knee,
                f"{s}_ankle": about_toe(ankle),
                f"{s}_heel": about_toe(heel),
                f"{s}_foot_index": toe,
            }
        )
        shoulder = TORSO_M * up_torso + np.array([sign * SHOULDER_HALF_M, 0.0, 0.0])
        elbow = shoulder + UPPER_ARM_M * _unit(p.upper_arm_elevation_deg)
        wrist_y = shoulder[1] + p.wrist_below_shoulder_ratio * TORSO_M
        wrist = np.array([shoulder[0], wrist_y, shoulder[2] + 0.08])
        pts.update(
            {
                f"{s}_shoulder": shoulder,
                f"{s}_elbow": elbow,
                f"{s}_wrist": wrist,
                f"{s}_pinky": wrist + [0, 0, 0.03],
                f"{s}_index": wrist + [0, -0.01, 0.04],
                f"{s}_thumb": wrist + [0, -0.02, 0.02],
            }
        )
        head = TORSO_M * up_torso + 0.18 * up_torso
        ear = head + np.array([sign * 0.075, 0.0, 0.0])
        eye = ear + 0.09 * _unit(
            p.head_pitch_deg
        )  # straight ahead of the ear, so the pitch is exact
        pts.update(
            {
                f"{s}_ear": ear,
                f"{s}_eye": eye,
                f"{s}_eye_inner": eye + [-sign * 0.01, 0, 0],
                f"{s}_eye_outer": eye + [sign * 0.01, 0, 0],
                f"mouth_{s}": eye + [0, 0.06, 0],
            }
        )
    pts["nose"] = (pts["left_eye"] + pts["right_eye"]) / 2 + np.array([0.0, 0.03, 0.02])
    return pts


def to_camera(body: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Body axes (left, down, forward) -> camera axes (x right, y down, z away), turned by ``yaw_deg``."""
    facing = np.stack([body[..., 0], body[..., 1], -body[..., 2]], axis=-1)  # facing the camera
    a = np.radians(yaw_deg)
    x = facing[..., 0] * np.cos(a) - facing[..., 2] * np.sin(a)
    z = facing[..., 0] * np.sin(a) + facing[..., 2] * np.cos(a)
    return np.stack([x, facing[..., 1], z], axis=-1)


def pose_arrays(p: Posture, yaw_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """World landmarks (33, 3) (hip-centred, camera axes) and pixels (33, 2) of one posture."""
    pts = body_points(p)
    body = np.array([pts[n] for n in sorted(pts, key=LANDMARK_INDEX.__getitem__)])
    assert body.shape == (N_LANDMARKS, 3)
    world = to_camera(body, yaw_deg)
    hips = (world[LANDMARK_INDEX["left_hip"]] + world[LANDMARK_INDEX["right_hip"]]) / 2
    world = world - hips
    px = world[:, :2] * PX_PER_M + np.array([IMAGE_W / 2, IMAGE_H / 2])
    return world, px


def make_track(
    postures: list[Posture] | Posture,
    yaw_deg: float = 0.0,
    fps: float = 30.0,
    visibility: float = 0.99,
    far_side_visibility: float | None = None,
) -> PoseTrack:
    """A track with one frame per posture, all seen from ``yaw_deg``."""
    if isinstance(postures, Posture):
        postures = [postures]
    worlds, pxs = zip(*(pose_arrays(p, yaw_deg) for p in postures))
    n = len(postures)
    vis = np.full((n, N_LANDMARKS), visibility)
    if far_side_visibility is not None:
        far = "left" if yaw_deg > 0 else "right"
        for name, i in LANDMARK_INDEX.items():
            if far in name:
                vis[:, i] = far_side_visibility
    world = np.stack(worlds)
    return PoseTrack(
        xy_px=np.stack(pxs),
        z=world[:, :, 2] / 2,
        visibility=vis,
        presence=np.full((n, N_LANDMARKS), 0.99),
        world_m=world,
        time_s=np.arange(n) / fps,
        frame=np.arange(n),
        meta=TrackMeta(source="synthetic", fps=fps, width_px=IMAGE_W, height_px=IMAGE_H),
    )


def with_changes(p: Posture, **changes) -> Posture:
    return replace(p, **changes)


def squat_reps(n_reps=2, fps=30.0, rep_s=2.0, bottoms=(5.0, 5.0), elbows=(-10.0, -10.0), yaw=90.0):
    """A side-view track of squats: standing, down to thigh angle ``bottoms[k]``, up; one second standing between."""
    postures, reps = [], []
    frame = 0
    stand_n, rep_n = int(fps), int(rep_s * fps)
    for k in range(n_reps):
        postures += [with_changes(STANDING, upper_arm_elevation_deg=elbows[k])] * stand_n
        frame += stand_n
        start = frame
        for i in range(rep_n + 1):
            depth = np.sin(np.pi * i / rep_n)  # 0 -> 1 -> 0
            postures.append(
                with_changes(
                    SQUAT_BOTTOM,
                    thigh_deg=-90 + depth * (90 + bottoms[k]),
                    shin_lean_deg=30 * depth,
                    torso_lean_deg=30 * depth,
                    upper_arm_elevation_deg=elbows[k],
                    knee_width_m=0.20,
                    ankle_width_m=0.20,
                )
            )
        reps.append(
            {
                "rep": k + 1,
                "start_frame": start,
                "turn_frame": start + rep_n // 2,
                "end_frame": start + rep_n,
            }
        )
        frame += rep_n + 1
    postures += [STANDING] * stand_n
    return make_track(postures, yaw, fps=fps), pd.DataFrame(reps)
