"""Posture measures for form feedback: segment orientations and body-relative widths.

Everything here is measured per frame from a :class:`~formlab.track.PoseTrack`
and returned as plain columns with units in their names. The form checks
(:mod:`formlab.checks`) compare these columns with thresholds; nothing here
judges anything.

Conventions
-----------
* **World landmarks** (metres, hip-centred, camera axes: x right in the
  picture, y *down*, z away from the camera) are used for angles and for
  distances, because they are three-dimensional: an angle measured in the
  picture changes with the camera's position, a 3D angle does not.
* **Vertical** is the world y axis, i.e. the camera is assumed roughly level.
  An *elevation* is the angle of a vector above the horizontal plane
  (positive up, negative down, in [-90, 90] deg).
* **Distances are ratios**: widths across the body are divided by another
  width, heights by the torso length (shoulder midpoint to hip midpoint), so
  they do not depend on the lifter's size or distance to the camera.
* **Widths across the body** are measured along the lifter's own left-right
  axis (the hip line), so a staggered stance or a slight turn does not
  change them.
* **Left/right** are the lifter's. One-sided measures (an arm, a leg, the
  face) are NaN on a side whose landmarks MediaPipe scores below
  ``thresholds.landmarks.min_visibility``, and, in a side or oblique view,
  on the side facing away from the camera: that side is partly hidden behind
  the body and MediaPipe guesses it (on ``ai-trainer__right_posture``, an
  oblique view, the far thigh's hip-below-knee angle differs from the near
  one's by 12 deg although both "look" visible). Combined columns are the
  mean of the sides used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.geometry import (
    angle_from_vertical_deg,
    joint_angle_deg,
    lateral_distance,
    midpoint,
)
from ..core.landmarks import LANDMARK_INDEX
from ..core.track import PoseTrack
from .thresholds import FormThresholds
from .view import estimate_view

SIDES = ("left", "right")


def elevation_deg(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Angle of the segment ``start -> end`` above the horizontal plane, degrees (3D points).

    +90 straight up, 0 horizontal, -90 straight down; NaN where a point is missing.
    """
    return 90.0 - angle_from_vertical_deg(start, end)


def torso_length_m(world_m: np.ndarray) -> np.ndarray:
    """Distance from the hip midpoint to the shoulder midpoint, metres."""
    w = np.asarray(world_m, dtype=float)
    i = LANDMARK_INDEX
    shoulders = midpoint(w[:, i["left_shoulder"]], w[:, i["right_shoulder"]])
    hips = midpoint(w[:, i["left_hip"]], w[:, i["right_hip"]])
    return np.linalg.norm(shoulders - hips, axis=-1)


def width_ratio(world_m: np.ndarray, part: str, reference: str) -> np.ndarray:
    """Distance between the left and right ``part`` over that of the ``reference`` pair, along the hip line."""
    w = np.asarray(world_m, dtype=float)
    i = LANDMARK_INDEX
    axis = (w[:, i["right_hip"]], w[:, i["left_hip"]])
    width = lateral_distance(w[:, i[f"left_{part}"]], w[:, i[f"right_{part}"]], *axis)
    ref = lateral_distance(w[:, i[f"left_{reference}"]], w[:, i[f"right_{reference}"]], *axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ref > 0, width / ref, np.nan)


def _seen(track: PoseTrack, names: list[str], min_visibility: float) -> np.ndarray:
    vis = track.visibility[:, [LANDMARK_INDEX[n] for n in names]]
    with np.errstate(invalid="ignore"):
        return np.all(vis >= min_visibility, axis=-1)


def _mean_of_seen(*columns: np.ndarray) -> np.ndarray:
    stack = np.vstack(columns)
    n = np.sum(np.isfinite(stack), axis=0)
    with np.errstate(invalid="ignore"):
        return np.where(n > 0, np.nansum(stack, axis=0) / np.maximum(n, 1), np.nan)


def heel_angle_px_deg(track: PoseTrack, side: str) -> np.ndarray:
    """Rise of the heel->toe line in the picture, degrees (positive: heel higher than the toe).

    Meaningful only where the foot lies in the image plane (a side view).
    """
    heel = track.xy_px[:, LANDMARK_INDEX[f"{side}_heel"]]
    toe = track.xy_px[:, LANDMARK_INDEX[f"{side}_foot_index"]]
    return np.degrees(np.arctan2(toe[:, 1] - heel[:, 1], np.abs(toe[:, 0] - heel[:, 0])))


def measure_posture(track: PoseTrack, thresholds: FormThresholds | None = None,
                    view: pd.DataFrame | None = None) -> pd.DataFrame:
    """Measure, per frame, every quantity the form checks need.

    Parameters
    ----------
    track : PoseTrack
        One person's landmarks (a video's or a single image's).
    thresholds : FormThresholds, optional
        Uses ``landmarks.min_visibility`` (which sides count as seen) and the
        ``heels_down`` baseline settings.
    view : DataFrame, optional
        The result of :func:`formlab.view.estimate_view` (computed when not
        given): decides which side is used in side and oblique views, and the
        heel baseline uses standing frames seen from the side only.

    Returns
    -------
    DataFrame
        One row per frame with ``frame``, ``time_s`` and:

        ``{side}_upper_arm_elevation_deg``
            shoulder->elbow vector above the horizontal (negative: pointing down).
        ``{side}_wrist_above_elbow_ratio``
            height of the wrist above the elbow, in torso lengths.
        ``{side}_wrist_below_shoulder_ratio``
            height of the wrist below the shoulder, in torso lengths (negative: above).
        ``{side}_knee_flexion_deg``, ``knee_flexion_deg``
            180 minus the hip-knee-ankle angle (0: straight leg); the mean of the seen legs.
        ``{side}_hip_below_knee_deg``, ``hip_below_knee_deg``
            angle of the knee->hip line below the horizontal (positive: hip lower than knee).
        ``knee_ankle_width_ratio``
            distance between the knees over distance between the ankles, along the left-right axis.
        ``ankle_shoulder_width_ratio``
            distance between the ankles over distance between the shoulders, along the left-right axis.
        ``head_pitch_deg``
            ear->eye line above the horizontal, mean of the seen sides (negative: looking down);
            a side whose ear->eye distance has collapsed (face hidden) is not seen.
        ``torso_lean_deg``
            hip-midpoint->shoulder-midpoint line from vertical.
        ``heel_rise_deg``
            rise of the near foot's heel->toe line in the picture above its standing baseline
            (NaN without a baseline of at least ``heels_down.min_baseline_s``).
    """
    th = thresholds or FormThresholds()
    if view is None:
        view = estimate_view(track, th.view)
    views = view["view"].to_numpy(dtype=object)
    facing = view["side_facing_camera"].to_numpy(dtype=object)
    vmin = th.landmarks.min_visibility
    w = track.world_m
    i = LANDMARK_INDEX
    out: dict[str, np.ndarray] = {"frame": track.frame, "time_s": track.time_s}
    torso = torso_length_m(w)
    turned = np.isin(views, ["side", "oblique"])
    usable = {s: ~turned | (facing == s) for s in SIDES}

    for s in SIDES:
        sh, el, wr = w[:, i[f"{s}_shoulder"]], w[:, i[f"{s}_elbow"]], w[:, i[f"{s}_wrist"]]
        arm_seen = _seen(track, [f"{s}_shoulder", f"{s}_elbow"], vmin) & usable[s]
        hand_seen = arm_seen & _seen(track, [f"{s}_wrist"], vmin)
        out[f"{s}_upper_arm_elevation_deg"] = np.where(arm_seen, elevation_deg(sh, el), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{s}_wrist_above_elbow_ratio"] = np.where(hand_seen, (el[:, 1] - wr[:, 1]) / torso, np.nan)
            out[f"{s}_wrist_below_shoulder_ratio"] = np.where(hand_seen, (wr[:, 1] - sh[:, 1]) / torso, np.nan)

    for s in SIDES:
        hip, knee, ankle = w[:, i[f"{s}_hip"]], w[:, i[f"{s}_knee"]], w[:, i[f"{s}_ankle"]]
        leg_seen = _seen(track, [f"{s}_hip", f"{s}_knee", f"{s}_ankle"], vmin) & usable[s]
        out[f"{s}_knee_flexion_deg"] = np.where(leg_seen, 180.0 - joint_angle_deg(hip, knee, ankle), np.nan)
        thigh_seen = _seen(track, [f"{s}_hip", f"{s}_knee"], vmin) & usable[s]
        out[f"{s}_hip_below_knee_deg"] = np.where(thigh_seen, elevation_deg(hip, knee), np.nan)
    out["knee_flexion_deg"] = _mean_of_seen(out["left_knee_flexion_deg"], out["right_knee_flexion_deg"])
    out["hip_below_knee_deg"] = _mean_of_seen(out["left_hip_below_knee_deg"], out["right_hip_below_knee_deg"])

    legs_seen = _seen(track, ["left_knee", "right_knee", "left_ankle", "right_ankle"], vmin)
    feet_seen = _seen(track, ["left_ankle", "right_ankle", "left_shoulder", "right_shoulder"], vmin)
    out["knee_ankle_width_ratio"] = np.where(legs_seen, width_ratio(w, "knee", "ankle"), np.nan)
    out["ankle_shoulder_width_ratio"] = np.where(feet_seen, width_ratio(w, "ankle", "shoulder"), np.nan)

    pitches = []
    for s in SIDES:
        ear, eye = w[:, i[f"{s}_ear"]], w[:, i[f"{s}_eye"]]
        face_seen = _seen(track, [f"{s}_ear", f"{s}_eye"], vmin) & usable[s] & _face_not_collapsed(
            ear, eye, th.head_neutral.min_ear_eye_length_frac)
        pitches.append(np.where(face_seen, elevation_deg(ear, eye), np.nan))
    out["head_pitch_deg"] = _mean_of_seen(*pitches)

    out["torso_lean_deg"] = angle_from_vertical_deg(midpoint(w[:, i["left_hip"]], w[:, i["right_hip"]]),
                                                    midpoint(w[:, i["left_shoulder"]], w[:, i["right_shoulder"]]))

    out["heel_rise_deg"] = _heel_rise_deg(track, th, views, facing)
    return pd.DataFrame(out)


def _face_not_collapsed(ear: np.ndarray, eye: np.ndarray, min_frac: float) -> np.ndarray:
    """Frames whose ear->eye distance is at least ``min_frac`` of its median over the track.

    A face hidden or turned away is not missing from BlazePose's output: it is
    guessed, with high visibility, and shrunk; its ear->eye direction then
    swings from frame to frame (see ``head_neutral.min_ear_eye_length_frac``).
    """
    length = np.linalg.norm(eye - ear, axis=1)
    with np.errstate(invalid="ignore"):
        median = np.nanmedian(length) if np.isfinite(length).any() else np.nan
        return length >= min_frac * median


def _heel_rise_deg(track: PoseTrack, th: FormThresholds, views: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Near foot's heel angle minus that foot's standing baseline (see :func:`measure_posture`).

    The near foot is the one on the side facing the camera, or the better
    seen one where the view does not say.
    """
    hd = th.heels_down
    vmin = th.landmarks.min_visibility
    n = track.n_frames
    fps = track.fps
    n_needed = int(np.ceil(hd.min_baseline_s * fps)) if np.isfinite(fps) and fps > 0 else n + 1
    side_view = views == "side"
    rises, scores = [], []
    for s in SIDES:
        angle = heel_angle_px_deg(track, s)
        seen = _seen(track, [f"{s}_heel", f"{s}_foot_index"], vmin)
        flexion = 180.0 - joint_angle_deg(*(track.world_m[:, LANDMARK_INDEX[f"{s}_{j}"]] for j in ("hip", "knee", "ankle")))
        with np.errstate(invalid="ignore"):
            standing = seen & side_view & (flexion < hd.standing_max_knee_flexion_deg)
        if int(np.sum(standing)) >= max(1, n_needed):
            baseline = float(np.nanmedian(angle[standing]))
            rises.append(np.where(seen, angle - baseline, np.nan))
        else:
            rises.append(np.full(n, np.nan))
        vis = track.visibility[:, [LANDMARK_INDEX[f"{s}_heel"], LANDMARK_INDEX[f"{s}_foot_index"]]]
        scores.append(np.nan_to_num(np.mean(vis, axis=-1), nan=-1.0))
    near_left = np.where(facing == "left", True, np.where(facing == "right", False, scores[0] >= scores[1]))
    return np.where(near_left, rises[0], rises[1])
