"""The form checks: what each one measures, where it is valid, and what it tells the lifter.

Each :class:`Check` turns the posture measures of :mod:`formlab.posture` into
a *margin* per frame, in the measure's own unit: positive or zero passes,
negative fails, NaN means the check cannot judge that frame (a side not seen,
the knees not bent, not a rep bottom). A check also declares the camera views
(:mod:`formlab.view`) in which its measure means something; elsewhere it
reports ``"not_assessable"``, never a pass or a fail it cannot back.

The feedback messages are defined here and nowhere else (:data:`MESSAGES`).

=================  =======================================  ==========================
check              measure (column)                         valid views
=================  =======================================  ==========================
start_position     wrist_below_shoulder_ratio (+ above      front, oblique, side
                   elbow)
elbows_up          upper_arm_elevation_deg (in the rack)    front, oblique, side
knees_out          knee_ankle_width_ratio (knees bent)      front, back
feet_width         ankle_shoulder_width_ratio               front, back
head_neutral       head_pitch_deg                           front, oblique, side
depth              hip_below_knee_deg (rep bottoms)         front, oblique, side, back
torso_upright      torso_lean_deg                           oblique, side
heels_down         heel_rise_deg                            side
=================  =======================================  ==========================

Why these views: widths across the body (knees, feet) need the left-right
axis in the picture, i.e. a front or back view; the arms and the face are
hidden from behind; the torso's forward lean and the foot's tilt lie in the
sagittal plane, which a front camera sees only through MediaPipe's depth
estimate (the lean) or not at all (the foot). Heights (depth, the rack) are
vertical and show in every view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .thresholds import FormThresholds

PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"
STATUSES: tuple[str, ...] = (PASS, FAIL, NOT_ASSESSABLE)
"""The values of a check column."""

MarginFn = Callable[[pd.DataFrame, FormThresholds], "tuple[np.ndarray, np.ndarray]"]


@dataclass(frozen=True)
class Check:
    """One form check.

    Attributes
    ----------
    name : str
        Column name in the feedback table (``"elbows_up"``).
    title : str
        Short human name ("Elbows up").
    message : str
        What to tell the lifter when it fails ("Raise your elbows").
    views : frozenset of str
        Camera views in which the check is valid.
    value_column : str
        The measured value the check reports (its unit is in the name).
    unit : str
        ``"deg"`` or ``"ratio"``.
    evaluate : callable
        ``evaluate(measures, thresholds) -> (value, margin)``, both arrays of
        shape (n_frames,); margin >= 0 passes, < 0 fails, NaN: cannot judge.
    """

    name: str
    title: str
    message: str
    views: frozenset
    value_column: str
    unit: str
    evaluate: MarginFn

    def status(self, measures: pd.DataFrame, thresholds: FormThresholds,
               view: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(status, value, margin)`` per frame; ``status`` is one of :data:`STATUSES`."""
        value, margin = self.evaluate(measures, thresholds)
        valid = np.isin(np.asarray(view, dtype=object), list(self.views)) & np.isfinite(margin)
        status = np.where(valid, np.where(margin >= 0, PASS, FAIL), NOT_ASSESSABLE).astype(object)
        return status, np.asarray(value, dtype=float), np.where(valid, margin, np.nan)


def _col(m: pd.DataFrame, name: str) -> np.ndarray:
    return m[name].to_numpy(dtype=float)


def _stack_sides(m: pd.DataFrame, pattern: str) -> np.ndarray:
    return np.vstack([_col(m, pattern.format(side=s)) for s in ("left", "right")])


def _nan_reduce(fn, stack: np.ndarray) -> np.ndarray:
    any_ = np.isfinite(stack).any(axis=0)
    safe = np.where(np.isfinite(stack), stack, np.nan)
    with np.errstate(invalid="ignore"):
        out = np.full(stack.shape[1], np.nan)
        if any_.any():
            out[any_] = fn(safe[:, any_], axis=0)
    return out


# --------------------------------------------------------------------------- the checks
def _start_position(m: pd.DataFrame, th: FormThresholds):
    t = th.start_position
    below = _stack_sides(m, "{side}_wrist_below_shoulder_ratio")
    above = _stack_sides(m, "{side}_wrist_above_elbow_ratio")
    per_arm = np.minimum(t.max_wrist_shoulder_height_ratio - np.abs(below), above - t.min_wrist_above_elbow_ratio)
    margin = _nan_reduce(np.nanmin, per_arm)  # every seen arm must be in the rack
    worst = np.nanargmin(np.where(np.isfinite(per_arm), per_arm, np.inf), axis=0)
    value = np.where(np.isfinite(margin), below[worst, np.arange(below.shape[1])], np.nan)
    return value, margin


def _elbows_up(m: pd.DataFrame, th: FormThresholds):
    """Judged only while the bar is in the front rack: with the arms hanging or pressing
    overhead, "Raise your elbows" would be noise."""
    t = th.elbows_up
    arms = _stack_sides(m, "{side}_upper_arm_elevation_deg")
    reduce = {"mean": np.nanmean, "both": np.nanmax, "either": np.nanmin}[t.arm_rule]
    value = _nan_reduce(reduce, arms)
    _, rack = _start_position(m, th)
    with np.errstate(invalid="ignore"):
        in_rack = rack >= 0
    return value, np.where(in_rack, value + t.max_upper_arm_drop_deg, np.nan)


def _knees_out(m: pd.DataFrame, th: FormThresholds):
    t = th.knees_out
    value = _col(m, "knee_ankle_width_ratio")
    with np.errstate(invalid="ignore"):
        bent = _col(m, "knee_flexion_deg") > t.min_knee_flexion_deg
    return value, np.where(bent, value - (1.0 - t.max_knee_narrowing_ratio), np.nan)


def _feet_width(m: pd.DataFrame, th: FormThresholds):
    t = th.feet_width
    value = _col(m, "ankle_shoulder_width_ratio")
    return value, np.minimum(value - t.min_ankle_shoulder_ratio, t.max_ankle_shoulder_ratio - value)


def _head_neutral(m: pd.DataFrame, th: FormThresholds):
    value = _col(m, "head_pitch_deg")
    return value, value + th.head_neutral.max_head_drop_deg


def _depth(m: pd.DataFrame, th: FormThresholds):
    value = _col(m, "hip_below_knee_deg")
    bottom = m["rep_bottom"].to_numpy(dtype=bool) if "rep_bottom" in m else np.zeros(len(m), bool)
    return value, np.where(bottom, value - th.depth.min_hip_below_knee_deg, np.nan)


def _torso_upright(m: pd.DataFrame, th: FormThresholds):
    value = _col(m, "torso_lean_deg")
    return value, th.torso_upright.max_torso_lean_deg - value


def _heels_down(m: pd.DataFrame, th: FormThresholds):
    value = _col(m, "heel_rise_deg")
    return value, th.heels_down.max_heel_rise_deg - value


_FRONTAL = frozenset({"front", "back"})
_ARMS = frozenset({"front", "oblique", "side"})

CHECKS: dict[str, Check] = {c.name: c for c in (
    Check("start_position", "Bar in the front rack", "Rack the bar on your shoulders", _ARMS,
          "wrist_below_shoulder_ratio", "ratio", _start_position),
    Check("elbows_up", "Elbows up", "Raise your elbows", _ARMS,
          "upper_arm_elevation_deg", "deg", _elbows_up),
    Check("knees_out", "Knees out", "Push your knees out", _FRONTAL,
          "knee_ankle_width_ratio", "ratio", _knees_out),
    Check("feet_width", "Feet shoulder-width apart", "Set your feet shoulder-width apart", _FRONTAL,
          "ankle_shoulder_width_ratio", "ratio", _feet_width),
    Check("head_neutral", "Head neutral", "Look forward, not down", _ARMS,
          "head_pitch_deg", "deg", _head_neutral),
    Check("depth", "Depth", "Squat deeper", frozenset({"front", "oblique", "side", "back"}),
          "hip_below_knee_deg", "deg", _depth),
    Check("torso_upright", "Torso upright", "Keep your chest up", frozenset({"oblique", "side"}),
          "torso_lean_deg", "deg", _torso_upright),
    Check("heels_down", "Heels down", "Keep your heels down", frozenset({"side"}),
          "heel_rise_deg", "deg", _heels_down),
)}
"""All checks by name, in the order they are reported."""

MESSAGES: dict[str, str] = {name: c.message for name, c in CHECKS.items()}
"""The feedback message of every check: the one place they are defined."""


def get_check(name: str) -> Check:
    """The check called ``name``; a :class:`KeyError` listing the known ones otherwise."""
    if name not in CHECKS:
        raise KeyError(f"unknown check {name!r}; expected one of: {', '.join(CHECKS)}")
    return CHECKS[name]


def pass_interval(name: str, thresholds: FormThresholds) -> tuple[float | None, float | None]:
    """The interval of a check's measured value (its ``value_column``) that passes, as ``(low, high)``.

    ``None`` is an open end. This is what a plot draws as the threshold
    line(s) of a check; the verdict itself also depends on when the check
    applies (elbows up only with the bar in the rack, knees out only with the
    knees bent, depth only at rep bottoms) and, for the start position, on a
    second criterion (wrists not below the elbows) that the interval does not
    show.

    Raises
    ------
    KeyError
        For an unknown check name.
    """
    get_check(name)
    th = thresholds
    return {
        "start_position": (-th.start_position.max_wrist_shoulder_height_ratio,
                           th.start_position.max_wrist_shoulder_height_ratio),
        "elbows_up": (-th.elbows_up.max_upper_arm_drop_deg, None),
        "knees_out": (1.0 - th.knees_out.max_knee_narrowing_ratio, None),
        "feet_width": (th.feet_width.min_ankle_shoulder_ratio, th.feet_width.max_ankle_shoulder_ratio),
        "head_neutral": (-th.head_neutral.max_head_drop_deg, None),
        "depth": (th.depth.min_hip_below_knee_deg, None),
        "torso_upright": (None, th.torso_upright.max_torso_lean_deg),
        "heels_down": (None, th.heels_down.max_heel_rise_deg),
    }[name]
