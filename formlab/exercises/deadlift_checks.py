"""The deadlift's own form checks: set-up, the pull off the floor, the bar's line, lockout, the back.

=================================  ======================================  ================  ========
check                              measured value                          judged            views
=================================  ======================================  ================  ========
hips_set                           setup_hip_height_ratio                  set-up            all
hips_and_shoulders_rise_together   hip_rise_lead_ratio                     off the floor     all
bar_close_to_legs                  bar_from_midfoot_ratio                  the pull          side
full_lockout                       lockout_flexion_deg                     the top (best)    side, oblique
no_hyperextension                  lean_back_deg                           the top, a hold   side, oblique
neutral_back                       (none: BlazePose has no spine points)   never             -
=================================  ======================================  ================  ========

The phases come from the reps table (:mod:`formlab.reps`): a deadlift rep
starts with the bar at its lowest (the set-up), turns at lockout (the bar at
its highest) and ends back on the floor. ``hips_set`` reads the set-up in
the half second before the start (the detector marks the start once the
rise shows, after lift-off). A clip without a rep that shows a lockout
held is still judged by ``no_hyperextension``. Without reps (a photo) the
phase-bound checks do not apply. Heights are the world landmarks' vertical
axis (metres, y down), which every camera view shows; the lean and the bar's
line need the lifter's sagittal plane in the picture.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..form.check import ALL_VIEWS, SAGITTAL, Check, Geometry, Threshold
from ..form.measures import FrameData
from .bar_checks import BAR_OVER_MIDFOOT
from .deadlift_measures import (
    hip_rise_lead,
    holding_at_lockout,
    lean_back_deg,
    lockout_flexion,
    midpoint,
    phase_mask,
    setup_hip_height,
)


# --------------------------------------------------------------------------- when each applies
def _at_setup(data: FrameData, th: Any) -> np.ndarray:
    return phase_mask(data, "setup", th.window_s)


def _at_top(data: FrameData, th: Any) -> np.ndarray:
    return phase_mask(data, "top", th.window_s)


def _at_top_or_hold(data: FrameData, th: Any) -> np.ndarray:
    if data.reps is not None and len(data.reps):
        return phase_mask(data, "top", th.window_s)
    return holding_at_lockout(data, th)


def _off_the_floor(data: FrameData, th: Any) -> np.ndarray:
    return np.isfinite(hip_rise_lead(data, th))


def _bar_below_hips(data: FrameData, th: Any) -> np.ndarray:
    w = data.track.world_m
    wrist_y, hip_y = midpoint(w, "wrist")[:, 1], midpoint(w, "hip")[:, 1]
    with np.errstate(invalid="ignore"):
        return phase_mask(data, "pull", 0.0) & (wrist_y > hip_y)


_WINDOW = Threshold(
    "window_s",
    0.15,
    "s",
    0,
    2,
    "Half-width of the window around the rep's start (set-up) or turn (lockout) in which it is judged.",
    "formlab: about 5 frames at 30 fps either side of the frame the rep detector marks, which may "
    "miss the exact moment by a frame or two.",
)

HIPS_SET = Check(
    name="hips_set",
    title="Hips set",
    cue="Set hips between knees and shoulders",
    value="setup_hip_height_ratio",
    unit="ratio",
    views=ALL_VIEWS,
    measure=setup_hip_height,
    lower="min_hip_height_ratio",
    upper="max_hip_height_ratio",
    applies=_at_setup,
    applies_column="at_setup",
    not_applicable="not the set-up of a rep (judged within hips_set.window_s of each rep's start)",
    geometry=Geometry((("knee_mid", "hip_mid"), ("hip_mid", "shoulder_mid")), None, "sagittal"),
    description="At the set-up the hips sit above the knees and below the shoulders: hips at the "
    "knees make the pull a squat that pushes the bar forward around the knees; hips at the "
    "shoulders make it a stiff-legged pull that loads the lower back. Where between them depends "
    "on the lifter's proportions, so the band is the range 99 % of lifters set up by the coaching "
    "rules fall in: inside it, proportions and a faulty set-up cannot be told apart by the hips' "
    "height alone.",
    thresholds=(
        Threshold(
            "min_hip_height_ratio",
            0.1,
            "ratio",
            -1,
            1,
            "Lowest hip height at set-up, as a fraction of the knee-to-shoulder height (0: hips at knee height).",
            "Derived (tests/benchmarks/derive_hips_set.py): Rippetoe, Starting Strength (3rd ed.), sets "
            "the pull up by three rules, bar over the mid-foot, shins on the bar, shoulders over it or a "
            "little ahead, and the hips fall where the lifter's proportions put them. Lifters set up so "
            "(shoulders 0-10 cm ahead of the bar), segment lengths varying by 3.5 % around Winter's "
            "(2009) fractions of stature: 99 % lie within 0.10-0.80 (median 0.48); below 0.10 almost "
            "no lifter following the rules sets up (the hips dropped, the shoulders behind the bar). "
            "The band's own uncertainty, over the assumptions (CV 3-4 %, shoulders -2 to +12 cm): "
            "lower bound 0.01-0.17.",
        ),
        Threshold(
            "max_hip_height_ratio",
            0.8,
            "ratio",
            0,
            2,
            "Highest hip height at set-up, as a fraction of the knee-to-shoulder height (1: hips at shoulder height).",
            "Derived with min_hip_height_ratio (tests/benchmarks/derive_hips_set.py): the 99.5th "
            "percentile of lifters set up by Rippetoe's rules is 0.80; above it the hips are up and the "
            "knees straight, the shoulders far ahead of the bar (a stiff-legged pull). The band's own "
            "uncertainty over the assumptions: upper bound 0.77-0.88. Measured on the seen clips "
            "(eval_form.SEEN, the set-up before lift-off): good 0.46-0.78, hips set high 0.84-0.88 "
            "(bad009, bad012): inside that uncertainty, so a high set-up is flagged only under the "
            "central assumptions.",
        ),
        Threshold(
            "setup_s",
            0.5,
            "s",
            0.05,
            3,
            "Time before each rep's start over which the set-up is read (the position held before "
            "the bar leaves the floor; its median).",
            "formlab: the rep's start is marked once a tenth of the rise shows, 0.1-0.3 s after lift-off "
            "on the seen clips (bad009: lift-off ~14, start 21); 0.5 s back reaches the still set-up "
            "without reaching back to the bend down to the bar.",
        ),
        _WINDOW,
    ),
)

HIPS_AND_SHOULDERS_RISE_TOGETHER = Check(
    name="hips_and_shoulders_rise_together",
    title="Hips and chest rise together",
    cue="Chest up with the hips",
    value="hip_rise_lead_ratio",
    unit="ratio",
    views=ALL_VIEWS,
    measure=hip_rise_lead,
    upper="max_hip_lead_ratio",
    applies=_off_the_floor,
    applies_column="off_the_floor",
    not_applicable="not the first part of a pull",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "horizontal", "sagittal"),
    description="Off the floor the back angle holds: hips and shoulders rise at the same rate. Hips "
    "that shoot up first (knees straightening early) leave the lower back to lift the bar.",
    thresholds=(
        Threshold(
            "max_hip_lead_ratio",
            0.2,
            "torso lengths",
            0,
            2,
            "Largest amount by which the hips may out-rise the shoulders off the floor, in torso lengths.",
            "formlab: 0.2 torso lengths (about 10 cm) before the back angle visibly changes (the lead "
            "is cos(lean at set-up) - cos(lean now): from a 70 deg set-up, the back tipping 12 deg "
            "toward horizontal); coaching texts (Rippetoe; NSCA Essentials, 4th ed.) ask for a "
            "constant back angle until the bar passes the knees. Seen clips: -0.22 to -0.04, the "
            "shoulders leading, in good and bad pulls alike.",
        ),
        Threshold(
            "rise_fraction",
            0.5,
            "ratio",
            0.1,
            1,
            "Part of each pull (from set-up toward lockout, by time) in which it is judged.",
            "formlab: the first half of the pull, about until the bar passes the knees.",
        ),
        Threshold(
            "setup_s",
            0.5,
            "s",
            0.05,
            3,
            "Time before each rep's start over which the set-up the rise is measured from is read "
            "(its median).",
            "formlab: as hips_set.setup_s; the rep's start is marked 0.1-0.3 s after lift-off, and hips "
            "that shoot up do so as the bar leaves the floor, before that frame.",
        ),
    ),
)

BAR_CLOSE_TO_LEGS = dataclasses.replace(
    BAR_OVER_MIDFOOT,
    name="bar_close_to_legs",
    title="Bar close to the legs",
    applies=_bar_below_hips,
    applies_column="pull_below_hips",
    not_applicable="not the pull below the hips",
    description="The bar travels in a vertical line over the middle of the foot, dragging up the "
    "shins and thighs; a bar out in front adds a lever arm to the lower back. Judged while the "
    "bar is below the hips in the pull (the squat's bar_over_midfoot, read where a deadlift needs it).",
)

FULL_LOCKOUT = Check(
    name="full_lockout",
    title="Full lockout",
    cue="Stand tall: hips and knees straight",
    value="lockout_flexion_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lockout_flexion,
    upper="max_lockout_flexion_deg",
    applies=_at_top,
    applies_column="at_lockout",
    not_applicable="not the top of a rep",
    per_rep="best",
    geometry=Geometry(
        (("shoulder_mid", "hip_mid"), ("hip_mid", "knee_mid"), ("knee_mid", "ankle_mid")),
        None,
        "sagittal",
    ),
    description="The pull ends standing tall: knees and hips extended.",
    thresholds=(
        Threshold(
            "max_lockout_flexion_deg",
            25.0,
            "deg",
            0,
            90,
            "Largest bend left in the knee or the hip at the top of the rep.",
            "formlab: MediaPipe's hip angle of a person standing upright reads 160-170 deg (the hip "
            "landmark sits in front of the joint); 25 deg of flexion is a hitch, not a lockout.",
        ),
        _WINDOW,
    ),
)

NO_HYPEREXTENSION = Check(
    name="no_hyperextension",
    title="No leaning back",
    cue="Stand straight, do not lean back",
    value="lean_back_deg",
    unit="deg",
    views=SAGITTAL,
    measure=lean_back_deg,
    upper="max_lean_back_deg",
    applies=_at_top_or_hold,
    applies_column="at_lockout_or_hold",
    not_applicable="not the top of a rep (in a clip without a rep: not a lockout held)",
    geometry=Geometry((("hip_mid", "shoulder_mid"),), "vertical", "sagittal"),
    description="At lockout the lifter stands straight; leaning back past vertical (hyperextending "
    "the lower back, over-squeezing) adds load to the spine and nothing to the lift. Judged in "
    "each rep's lockout only (within window_s of the top), never in the pull. A clip without a "
    "rep that shows the lockout held is judged on the frames standing at lockout: a coach who "
    "sees a lifter lean back at the top cues it whether or not the pull was filmed, and the "
    "lean is the same fault in a hold. From the front or behind, the lean is along the camera's "
    "axis, which MediaPipe's depth estimate cannot be trusted for: not assessable, never a pass.",
    thresholds=(
        Threshold(
            "max_lean_back_deg",
            10.0,
            "deg",
            0,
            45,
            "Largest lean of the trunk behind vertical at lockout.",
            "NSCA Essentials (4th ed.): finish erect, without hyperextension; 10 deg is beyond the "
            "few degrees of a tall stance and of the landmarks' noise.",
        ),
        Threshold(
            "max_hold_flexion_deg",
            25.0,
            "deg",
            0,
            90,
            "In a clip without a rep, the frames judged are those with knee and hip bent at most this much "
            "and the hands between knees and hips (a lockout held).",
            "formlab: full_lockout's max_lockout_flexion_deg (MediaPipe's hip angle of an upright person "
            "reads 160-170 deg); leaning back bends the measured hip angle by the lean, so 25 deg keeps a "
            "10-15 deg lean back judged.",
        ),
        Threshold(
            "max_hold_hands_above_hips_m",
            0.25,
            "m",
            0,
            1,
            "In a clip without a rep, the hands of a lockout held may read up to this much above the hip "
            "landmarks (they hang at the thighs, below the hip joints).",
            "Measured: in side views where the plate hides the hips, MediaPipe puts the hip landmark "
            "below the hands at lockout, 0.1-0.2 m on the seen clips with a rep (deadliftAI-bichraix "
            "good007, good015, good018, bad012) and 0.07-0.21 m in bad003's hold; the deadlift's "
            "signature allows 0.25 m for the same reason (a curl or a press ends with the hands at the "
            "shoulders, 0.3 m and more above the hips).",
        ),
        _WINDOW,
    ),
)


def _no_spine(data: FrameData, th: Any) -> np.ndarray:
    return np.full(len(data), np.nan)


NEUTRAL_BACK = Check(
    name="neutral_back",
    title="Neutral back",
    cue="Keep your back flat",
    value="spine_flexion_deg",
    unit="deg",
    views=ALL_VIEWS,
    measure=_no_spine,
    upper="max_spine_flexion_deg",
    unmeasurable=(
        "BlazePose has no landmarks on the spine: the trunk is one line from hips to shoulders, "
        "so a rounded or over-arched back cannot be seen"
    ),
    description="A rounded or over-arched back. Not measured: BlazePose gives no point between "
    "the hips and the shoulders. The proxy tried, the ears' angle off the hip-to-shoulder line in "
    "the lifter's sagittal plane (set-up and first half of the pull), separates the seen clips by "
    "4 deg only (neutral good004, good007, good015, good018: +1 to +16 deg, head in line or up; "
    "rounded bad005: -10, bad009: -3), less than the ears' landmark noise, and it reads the head and "
    "neck, not the lower back a coach means (a rounded lumbar spine with the head up reads neutral).",
    thresholds=(
        Threshold(
            "max_spine_flexion_deg",
            20.0,
            "deg",
            0,
            90,
            "Largest flexion of the lumbar spine (not measured by formlab).",
            "Kept for a pose model with spine landmarks; coaching texts allow no visible rounding.",
        ),
    ),
)

DEADLIFT_CHECKS = (
    HIPS_SET,
    HIPS_AND_SHOULDERS_RISE_TOGETHER,
    BAR_CLOSE_TO_LEGS,
    FULL_LOCKOUT,
    NO_HYPEREXTENSION,
    NEUTRAL_BACK,
)
