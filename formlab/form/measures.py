"""What the form checks measure: segment orientations and body-relative widths, per frame.

Everything here is measured per frame from a :class:`~formlab.PoseTrack`
and returned as plain columns with units in their names. The form checks
(:mod:`formlab.form.check`) compare these columns with thresholds; nothing here
judges anything. :class:`FrameData` gathers, once per track, what every
check may measure from (the track, the camera view, these measures, the
reps and the bar path), so that checks are pure functions of it.

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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from .view import estimate_view

if TYPE_CHECKING:
    from .thresholds import FormThresholds

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


def measure_posture(
    track: PoseTrack, min_visibility: float = 0.5, view: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Measure, per frame, the posture quantities several checks share.

    Parameters
    ----------
    track : PoseTrack
        One person's landmarks (a video's or a single image's).
    min_visibility : float
        Landmarks MediaPipe scores below this are unseen (``landmarks.min_visibility``).
    view : DataFrame, optional
        The result of :func:`formlab.form.view.estimate_view` (computed when not
        given): decides which side is used in side and oblique views.

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
        ``torso_lean_deg``
            hip-midpoint->shoulder-midpoint line from vertical.

    Measures with settings of their own (the head's pitch, the heel's rise)
    are computed by the checks that use them (:func:`head_pitch_deg`,
    :func:`heel_rise_deg`).
    """
    if view is None:
        view = estimate_view(track)
    views = view["view"].to_numpy(dtype=object)
    facing = view["side_facing_camera"].to_numpy(dtype=object)
    vmin = min_visibility
    w = track.world_m
    i = LANDMARK_INDEX
    out: dict[str, np.ndarray] = {"frame": track.frame, "time_s": track.time_s}
    torso = torso_length_m(w)
    usable = usable_sides(views, facing)

    for s in SIDES:
        sh, el, wr = w[:, i[f"{s}_shoulder"]], w[:, i[f"{s}_elbow"]], w[:, i[f"{s}_wrist"]]
        arm_seen = _seen(track, [f"{s}_shoulder", f"{s}_elbow"], vmin) & usable[s]
        hand_seen = arm_seen & _seen(track, [f"{s}_wrist"], vmin)
        out[f"{s}_upper_arm_elevation_deg"] = np.where(arm_seen, elevation_deg(sh, el), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{s}_wrist_above_elbow_ratio"] = np.where(
                hand_seen, (el[:, 1] - wr[:, 1]) / torso, np.nan
            )
            out[f"{s}_wrist_below_shoulder_ratio"] = np.where(
                hand_seen, (wr[:, 1] - sh[:, 1]) / torso, np.nan
            )

    for s in SIDES:
        hip, knee, ankle = w[:, i[f"{s}_hip"]], w[:, i[f"{s}_knee"]], w[:, i[f"{s}_ankle"]]
        leg_seen = _seen(track, [f"{s}_hip", f"{s}_knee", f"{s}_ankle"], vmin) & usable[s]
        out[f"{s}_knee_flexion_deg"] = np.where(
            leg_seen, 180.0 - joint_angle_deg(hip, knee, ankle), np.nan
        )
        thigh_seen = _seen(track, [f"{s}_hip", f"{s}_knee"], vmin) & usable[s]
        out[f"{s}_hip_below_knee_deg"] = np.where(thigh_seen, elevation_deg(hip, knee), np.nan)
    out["knee_flexion_deg"] = _mean_of_seen(
        out["left_knee_flexion_deg"], out["right_knee_flexion_deg"]
    )
    out["hip_below_knee_deg"] = _mean_of_seen(
        out["left_hip_below_knee_deg"], out["right_hip_below_knee_deg"]
    )

    legs_seen = _seen(track, ["left_knee", "right_knee", "left_ankle", "right_ankle"], vmin)
    feet_seen = _seen(track, ["left_ankle", "right_ankle", "left_shoulder", "right_shoulder"], vmin)
    out["knee_ankle_width_ratio"] = np.where(legs_seen, width_ratio(w, "knee", "ankle"), np.nan)
    out["ankle_shoulder_width_ratio"] = np.where(
        feet_seen, width_ratio(w, "ankle", "shoulder"), np.nan
    )

    out["torso_lean_deg"] = angle_from_vertical_deg(
        midpoint(w[:, i["left_hip"]], w[:, i["right_hip"]]),
        midpoint(w[:, i["left_shoulder"]], w[:, i["right_shoulder"]]),
    )
    return pd.DataFrame(out)


def usable_sides(views: np.ndarray, facing: np.ndarray) -> dict[str, np.ndarray]:
    """Per side, the frames in which it may be measured: all but the far side of a side or oblique view."""
    turned = np.isin(views, ["side", "oblique"])
    return {s: ~turned | (facing == s) for s in SIDES}


def head_pitch_deg(
    track: PoseTrack,
    view: pd.DataFrame,
    min_visibility: float = 0.5,
    min_ear_eye_length_frac: float = 0.6,
) -> np.ndarray:
    """The ear->eye line above the horizontal, degrees, mean of the seen sides (negative: looking down).

    A side counts as seen when its ear and eye pass ``min_visibility``, it is
    not the far side of a side or oblique view, and its ear->eye distance is
    at least ``min_ear_eye_length_frac`` of its median over the track (a
    face hidden or turned away is guessed and shrunk by BlazePose; see
    :func:`_face_not_collapsed`).
    """
    views = view["view"].to_numpy(dtype=object)
    usable = usable_sides(views, view["side_facing_camera"].to_numpy(dtype=object))
    w = track.world_m
    pitches = []
    for s in SIDES:
        ear, eye = w[:, LANDMARK_INDEX[f"{s}_ear"]], w[:, LANDMARK_INDEX[f"{s}_eye"]]
        face_seen = (
            _seen(track, [f"{s}_ear", f"{s}_eye"], min_visibility)
            & usable[s]
            & _face_not_collapsed(ear, eye, min_ear_eye_length_frac)
        )
        pitches.append(np.where(face_seen, elevation_deg(ear, eye), np.nan))
    return _mean_of_seen(*pitches)


def heel_rise_deg(
    track: PoseTrack,
    view: pd.DataFrame,
    min_visibility: float = 0.5,
    standing_max_knee_flexion_deg: float = 20.0,
    min_baseline_s: float = 0.3,
) -> np.ndarray:
    """Rise of the near foot's heel->toe line in the picture above its standing baseline, degrees.

    The near foot is the one on the side facing the camera, or the better
    seen one where the view does not say. The baseline is the median of the
    frames seen from the side with the knee flexed less than
    ``standing_max_knee_flexion_deg``; without ``min_baseline_s`` of them
    the rise is NaN (a single photo has no baseline).
    """
    views = view["view"].to_numpy(dtype=object)
    facing = view["side_facing_camera"].to_numpy(dtype=object)
    n = track.n_frames
    fps = track.fps
    n_needed = int(np.ceil(min_baseline_s * fps)) if np.isfinite(fps) and fps > 0 else n + 1
    side_view = views == "side"
    rises, scores = [], []
    for s in SIDES:
        angle = heel_angle_px_deg(track, s)
        seen = _seen(track, [f"{s}_heel", f"{s}_foot_index"], min_visibility)
        flexion = 180.0 - joint_angle_deg(
            *(track.world_m[:, LANDMARK_INDEX[f"{s}_{j}"]] for j in ("hip", "knee", "ankle"))
        )
        with np.errstate(invalid="ignore"):
            standing = seen & side_view & (flexion < standing_max_knee_flexion_deg)
        if int(np.sum(standing)) >= max(1, n_needed):
            baseline = float(np.nanmedian(angle[standing]))
            rises.append(np.where(seen, angle - baseline, np.nan))
        else:
            rises.append(np.full(n, np.nan))
        vis = track.visibility[:, [LANDMARK_INDEX[f"{s}_heel"], LANDMARK_INDEX[f"{s}_foot_index"]]]
        scores.append(np.nan_to_num(np.mean(vis, axis=-1), nan=-1.0))
    near_left = np.where(
        facing == "left", True, np.where(facing == "right", False, scores[0] >= scores[1])
    )
    return np.where(near_left, rises[0], rises[1])


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


# =============================================================================
# Everything a check measures from
# =============================================================================
@dataclass(eq=False)
class FrameData:
    """What the checks of one track measure from, computed once and shared.

    Attributes
    ----------
    track : PoseTrack
        The (cleaned) track.
    thresholds : FormThresholds
        The lift's thresholds (checks read their own section; the shared
        sections decide the view and which landmarks are seen).
    view : DataFrame
        :func:`formlab.form.view.estimate_view` of the track.
    posture : DataFrame
        :func:`measure_posture` of the track.
    reps : DataFrame or None
        The reps table (``rep``, ``start_frame``, ``turn_frame``, ``end_frame``, ...).
    extra : dict
        Columns added by checks (their measured values), by name.
    raw : FrameData or None
        The same measures on the raw (uncleaned) track, with the same camera
        view, when it is known: the difference is the landmark jitter that
        :mod:`formlab.form.uncertainty` turns into each value's uncertainty.
    bar : object or None
        The load's path (:class:`formlab.barbell.BarPath`) for checks that
        measure the bar (bar over mid-foot), when it was followed.
    """

    track: PoseTrack
    thresholds: FormThresholds
    view: pd.DataFrame
    posture: pd.DataFrame
    reps: pd.DataFrame | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    raw: FrameData | None = None
    bar: Any = None

    @classmethod
    def of(
        cls,
        track: PoseTrack,
        thresholds: FormThresholds,
        reps: pd.DataFrame | None = None,
        *,
        raw_track: PoseTrack | None = None,
        bar: Any = None,
    ) -> FrameData:
        """Measure ``track`` with ``thresholds``' shared sections (and ``raw_track`` with the same view)."""
        view = estimate_view(track, thresholds.view)
        vmin = thresholds.landmarks.min_visibility
        posture = measure_posture(track, vmin, view=view)
        raw = None
        if raw_track is not None:
            if len(raw_track.frame) != len(track.frame) or not np.array_equal(
                raw_track.frame, track.frame
            ):
                raise ValueError("the raw track must hold the same frames as the cleaned track")
            raw = cls(
                track=raw_track,
                thresholds=thresholds,
                view=view,
                posture=measure_posture(raw_track, vmin, view=view),
                reps=reps,
                bar=bar,
            )
        return cls(
            track=track,
            thresholds=thresholds,
            view=view,
            posture=posture,
            reps=reps,
            raw=raw,
            bar=bar,
        )

    @classmethod
    def from_table(cls, table: pd.DataFrame, thresholds: FormThresholds) -> FrameData:
        """The measured columns of a feedback table as a FrameData (without a track).

        Checks then read the columns the table holds; a check that would
        need the track itself raises a KeyError naming the column.
        """
        view = table[
            [c for c in ("frame", "time_s", "view", "yaw_deg", "side_facing_camera") if c in table]
        ]
        return cls(track=None, thresholds=thresholds, view=view, posture=table)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.posture)

    @property
    def frame_numbers(self) -> np.ndarray:
        """The decoded-frame number of every row (``0..n-1`` where the table has no ``frame``)."""
        return self.column("frame").astype(int) if self.has("frame") else np.arange(len(self))

    @property
    def views(self) -> np.ndarray:
        """The camera view of every frame (object array of view names)."""
        return self.view["view"].to_numpy(dtype=object)

    @property
    def min_visibility(self) -> float:
        """Landmarks scored below this are unseen (``landmarks.min_visibility``)."""
        return float(self.thresholds.landmarks.min_visibility)

    def has(self, name: str) -> bool:
        """Whether a column of that name is measured."""
        return name in self.extra or name in self.posture.columns or name in self.view.columns

    def column(self, name: str) -> np.ndarray:
        """A measured column by name (posture measures, the view's columns, or a check's value)."""
        if name in self.extra:
            return self.extra[name]
        if name in self.posture.columns:
            column = self.posture[name]
            return column.to_numpy(dtype=bool if column.dtype == bool else float)
        if name in self.view.columns:
            return self.view[name].to_numpy()
        raise KeyError(f"no measured column {name!r}")

    def cached(self, name: str, compute) -> np.ndarray:
        """``extra[name]``, computed by ``compute()`` the first time it is asked for."""
        if name not in self.extra:
            self.extra[name] = np.asarray(compute(), dtype=float)
        return self.extra[name]
