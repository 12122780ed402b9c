"""Every form check on constructed poses just inside and just outside its threshold,
in every camera view it claims and in one it does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.constructed_posture import SQUAT_BOTTOM, STANDING, make_track, with_changes
from support.front_squat import (
    CHECKS,
    FRONT_SQUAT,
    TH,
    measure_table,
    pass_interval,
    statuses_of_table,
)

from formlab import ConfigError, evaluate_form
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS, STATUSES, UNCERTAIN

# yaw angles standing for each view (see formlab.view)
YAWS = {"front": [0.0, 10.0], "oblique": [45.0, -45.0], "side": [90.0, -90.0], "back": [180.0]}


PHOTO_AS_REP = pd.DataFrame({"rep": [1], "start_frame": [0], "turn_frame": [0], "end_frame": [0]})


def status_of(check: str, posture, yaw: float, exercise: str = "front_squat", **kw) -> str:
    if check == "depth":  # depth is judged at a rep's bottom: say the photo is one
        kw.setdefault("reps", PHOTO_AS_REP)
    fb = evaluate_form(make_track(posture, yaw), exercise, checks=[check], **kw)
    assert fb["view"].iloc[0] == view_of(yaw)
    return fb[check].iloc[-1]


def view_of(yaw: float) -> str:
    return next(v for v, ys in YAWS.items() if yaw in ys)


def claimed(check: str) -> list[float]:
    return [y for v in CHECKS[check].views for y in YAWS[v]]


def unclaimed(check: str) -> list[float]:
    return [y for v, ys in YAWS.items() if v not in CHECKS[check].views for y in ys]


# (check, posture builder taking the measured value, threshold, passing side, step)
ARMS = with_changes(STANDING, upper_arm_elevation_deg=-10.0)
CASES = {
    "elbows_up": (
        lambda v: with_changes(STANDING, upper_arm_elevation_deg=v),
        -TH.elbows_up.max_upper_arm_drop_deg,
        "above",
        1.0,
    ),
    "start_position": (
        lambda v: with_changes(
            STANDING, upper_arm_elevation_deg=-60.0, wrist_below_shoulder_ratio=v
        ),
        TH.start_position.max_wrist_shoulder_height_ratio,
        "below",
        0.01,
    ),
    "knees_out": (
        lambda v: with_changes(SQUAT_BOTTOM, ankle_width_m=0.40, knee_width_m=0.40 * v),
        1 - TH.knees_out.max_knee_narrowing_ratio,
        "above",
        0.01,
    ),
    "feet_width": (
        lambda v: with_changes(STANDING, ankle_width_m=0.36 * v, knee_width_m=0.36 * v),
        TH.feet_width.min_ankle_shoulder_ratio,
        "above",
        0.01,
    ),
    "head_neutral": (
        lambda v: with_changes(STANDING, head_pitch_deg=v),
        -TH.head_neutral.max_head_drop_deg,
        "above",
        1.0,
    ),
    "depth": (
        lambda v: with_changes(SQUAT_BOTTOM, thigh_deg=v, knee_width_m=0.20, ankle_width_m=0.20),
        TH.depth.min_hip_below_knee_deg,
        "above",
        1.0,
    ),
    "torso_upright": (
        lambda v: with_changes(STANDING, torso_lean_deg=v),
        TH.torso_upright.max_torso_lean_deg,
        "below",
        1.0,
    ),
}


def inside_outside(check: str):
    build, threshold, passing, step = CASES[check]
    sign = 1 if passing == "above" else -1
    return build(threshold + sign * step), build(threshold - sign * step)


@pytest.mark.parametrize("check", list(CASES))
def test_measure_matches_construction(check):
    """The constructed poses give the measured value they were built for (so the cases below are 'just' in/out)."""
    build, threshold, _, step = CASES[check]
    fb = evaluate_form(
        make_track(build(threshold + step / 2), 0.0 if check != "torso_upright" else 90.0),
        "front_squat",
        checks=[check],
        reps=PHOTO_AS_REP,
    )
    assert fb[CHECKS[check].value].iloc[0] == pytest.approx(threshold + step / 2, abs=step / 10)


@pytest.mark.parametrize("check", list(CASES))
def test_pass_inside_fail_outside_in_every_claimed_view(check):
    inside, outside = inside_outside(check)
    for yaw in claimed(check):
        assert status_of(check, inside, yaw) == PASS, (check, yaw)
        assert status_of(check, outside, yaw) == FAIL, (check, yaw)


@pytest.mark.parametrize("check", list(CASES))
def test_not_assessable_in_views_not_claimed(check):
    inside, outside = inside_outside(check)
    others = unclaimed(check)
    if not others:  # depth claims every view: only a frame without a pose is not assessable
        track = make_track([inside, outside], 0.0)
        nan = np.full_like(track.xy_px, np.nan)
        track = track.replace(xy_px=nan, world_m=np.full_like(track.world_m, np.nan))
        reps = pd.DataFrame({"rep": [1], "start_frame": [0], "turn_frame": [1], "end_frame": [1]})
        fb = evaluate_form(track, "front_squat", checks=[check], reps=reps)
        assert (fb["view"] == "unknown").all() and (fb[check] == NOT_ASSESSABLE).all()
        return
    for yaw in others:
        assert status_of(check, inside, yaw) == NOT_ASSESSABLE, (check, yaw)
        assert status_of(check, outside, yaw) == NOT_ASSESSABLE, (check, yaw)


def test_start_position_wrist_above_shoulder_and_below_elbow():
    limit = TH.start_position.max_wrist_shoulder_height_ratio

    def up(v):
        return with_changes(STANDING, upper_arm_elevation_deg=-60.0, wrist_below_shoulder_ratio=v)

    assert status_of("start_position", up(-(limit - 0.01)), 0.0) == PASS
    assert status_of("start_position", up(-(limit + 0.01)), 0.0) == FAIL  # pressed overhead
    # wrists level with the shoulders but under the elbows: not a front rack
    assert (
        status_of("start_position", with_changes(STANDING, upper_arm_elevation_deg=-1.0), 90.0)
        == PASS
    )
    assert (
        status_of("start_position", with_changes(STANDING, upper_arm_elevation_deg=1.0), 90.0)
        == FAIL
    )
    # arms hanging: wrists a torso length below the shoulders
    assert status_of("start_position", up(1.0), 0.0) == FAIL


def test_feet_width_upper_limit():
    hi = TH.feet_width.max_ankle_shoulder_ratio
    wide = lambda v: with_changes(STANDING, ankle_width_m=0.36 * v, knee_width_m=0.36 * v)  # noqa: E731
    for yaw in claimed("feet_width"):
        assert status_of("feet_width", wide(hi - 0.01), yaw) == PASS
        assert status_of("feet_width", wide(hi + 0.01), yaw) == FAIL
    assert status_of("feet_width", wide(hi + 0.01), 90.0) == NOT_ASSESSABLE


def test_knees_out_only_judged_while_knees_bent():
    caved = with_changes(STANDING, ankle_width_m=0.40, knee_width_m=0.30)
    assert status_of("knees_out", caved, 0.0) == NOT_ASSESSABLE
    gate = TH.knees_out.min_knee_flexion_deg
    # shin lean alone bends the knee by exactly that angle
    bent = lambda deg: with_changes(caved, shin_lean_deg=deg)  # noqa: E731
    assert status_of("knees_out", bent(gate - 2), 0.0) == NOT_ASSESSABLE
    assert status_of("knees_out", bent(gate + 2), 0.0) == FAIL


def test_depth_judged_only_at_a_rep_bottom():
    """A frame that is not a rep bottom is not judged, however high the hips; nor is a photo on its own."""
    shallow = with_changes(SQUAT_BOTTOM, thigh_deg=-30.0)
    assert status_of("depth", shallow, 90.0) == FAIL  # the photo declared a rep
    photo = evaluate_form(make_track(shallow, 90.0), "front_squat", checks=["depth"])
    assert photo["depth"].iloc[0] == NOT_ASSESSABLE and not photo["rep_bottom"].iloc[0]
    standing_then_bottom = make_track([STANDING] * 20 + [shallow] * 3 + [STANDING] * 20, 90.0)
    fb = evaluate_form(standing_then_bottom, "front_squat", checks=["depth"])
    assert (fb.loc[:19, "depth"] == NOT_ASSESSABLE).all() and (fb["depth"] == FAIL).sum() == 1


def test_heels_down_against_standing_baseline():
    limit = TH.heels_down.max_heel_rise_deg
    for rise, expected in ((limit - 1, PASS), (limit + 1, FAIL)):
        postures = [STANDING] * 15 + [with_changes(STANDING, heel_rise_deg=rise)]
        for yaw in claimed("heels_down"):
            fb = evaluate_form(make_track(postures, yaw), "squat", checks=["heels_down"])
            assert fb["heel_rise_deg"].iloc[-1] == pytest.approx(rise, abs=1e-6)
            assert fb["heels_down"].iloc[-1] == expected, (rise, yaw)
        for yaw in unclaimed("heels_down"):
            fb = evaluate_form(make_track(postures, yaw), "squat", checks=["heels_down"])
            assert fb["heels_down"].iloc[-1] == NOT_ASSESSABLE, (rise, yaw)
    # a single photo has no standing baseline
    assert (
        status_of("heels_down", with_changes(STANDING, heel_rise_deg=40), 90.0, "squat")
        == NOT_ASSESSABLE
    )


def test_thresholds_change_the_verdict():
    posture = with_changes(STANDING, upper_arm_elevation_deg=-40.0)
    assert status_of("elbows_up", posture, 0.0) == PASS
    strict = TH.updated({"elbows_up.max_upper_arm_drop_deg": 30})
    assert status_of("elbows_up", posture, 0.0, thresholds=strict) == FAIL


def test_elbows_arm_rules():
    m = pd.DataFrame(
        {
            "left_upper_arm_elevation_deg": [-62.0, -62.0, np.nan],
            "right_upper_arm_elevation_deg": [-30.0, -40.0, -50.0],
        }
    )
    for side in ("left", "right"):  # hands in the rack
        m[f"{side}_wrist_below_shoulder_ratio"] = 0.0
        m[f"{side}_wrist_above_elbow_ratio"] = 0.3
    expect = {"mean": [FAIL, FAIL, FAIL], "both": [PASS, PASS, FAIL], "either": [FAIL, FAIL, FAIL]}
    m.loc[0, "right_upper_arm_elevation_deg"] = -26.0  # mean -44: passes the mean rule
    expect["mean"][0] = PASS
    for rule, statuses in expect.items():
        status, value = statuses_of_table("elbows_up", m, TH.updated({"elbows_up.arm_rule": rule}))
        assert list(status) == statuses, rule
    # a side without landmarks is ignored, not counted as a pass or a fail
    assert value[2] == -50.0


def test_far_side_and_unseen_landmarks_are_not_used():
    """In a side view the far arm is ignored; with both arms unseen, the check cannot judge."""
    track = make_track(
        with_changes(STANDING, upper_arm_elevation_deg=-60.0), 90.0, far_side_visibility=0.02
    )
    fb = evaluate_form(track, "front_squat", checks=["elbows_up"])
    assert np.isnan(fb["left_upper_arm_elevation_deg"].iloc[0])
    assert fb["right_upper_arm_elevation_deg"].iloc[0] == pytest.approx(-60.0)
    hidden = make_track(with_changes(STANDING, upper_arm_elevation_deg=-60.0), 0.0, visibility=0.1)
    assert (
        evaluate_form(hidden, "front_squat", checks=["elbows_up"])["elbows_up"].iloc[0]
        == NOT_ASSESSABLE
    )


def test_cues_defined_with_each_check_and_short():
    cues = {name: c.cue for name, c in CHECKS.items()}
    assert cues["elbows_up"] == "Raise your elbows"
    assert cues["knees_out"] == "Push your knees out"
    for name, cue in cues.items():
        assert 0 < len(cue.split()) <= 6, name
    assert STATUSES == (PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE)


def test_declared_views():
    """The views each check claims (documented in formlab.exercises.checks): widths need a frontal view, the
    sagittal lean and the foot a side view, arms and face are hidden from behind."""
    expected = {
        "start_position": {"front", "oblique", "side"},
        "elbows_up": {"front", "oblique", "side"},
        "knees_out": {"front", "back"},
        "feet_width": {"front", "back"},
        "head_neutral": {"front", "oblique", "side"},
        "depth": {"front", "oblique", "side", "back"},
        "torso_upright": {"oblique", "side"},
        "heels_down": {"side"},
        "hips_level": {"front", "back"},
        "bar_over_midfoot": {"side"},
    }
    assert {name: set(c.views) for name, c in CHECKS.items()} == expected


def test_elbows_judged_only_in_the_rack():
    hanging = with_changes(STANDING, upper_arm_elevation_deg=-89.0, wrist_below_shoulder_ratio=1.1)
    assert status_of("start_position", hanging, 0.0) == FAIL
    assert status_of("elbows_up", hanging, 0.0) == NOT_ASSESSABLE
    racked_low = with_changes(
        STANDING, upper_arm_elevation_deg=-60.0, wrist_below_shoulder_ratio=0.1
    )
    assert status_of("elbows_up", racked_low, 0.0) == FAIL


# --------------------------------------------------------------------------- pass_interval
def _measures_at(check: str, values: np.ndarray) -> pd.DataFrame:
    """Measures where ``check`` applies (rack, bent knees, rep bottom) and its value is ``values``."""
    n = len(values)
    m = pd.DataFrame({"knee_flexion_deg": np.full(n, 90.0), "rep_bottom": np.ones(n, bool)})
    for side in ("left", "right"):
        m[f"{side}_wrist_below_shoulder_ratio"] = values if check == "start_position" else 0.0
        m[f"{side}_wrist_above_elbow_ratio"] = 0.3
        m[f"{side}_upper_arm_elevation_deg"] = values if check == "elbows_up" else 0.0
    if check not in ("start_position", "elbows_up"):
        m[CHECKS[check].value] = values
    return m


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "elbows_up.max_upper_arm_drop_deg": 30.0,
            "start_position.max_wrist_shoulder_height_ratio": 0.4,
            "knees_out.max_knee_narrowing_ratio": 0.05,
            "feet_width.min_ankle_shoulder_ratio": 1.0,
            "feet_width.max_ankle_shoulder_ratio": 1.2,
            "head_neutral.max_head_drop_deg": 20.0,
            "depth.min_hip_below_knee_deg": 5.0,
            "torso_upright.max_torso_lean_deg": 30.0,
            "heels_down.max_heel_rise_deg": 10.0,
        },
    ],
)
def test_pass_interval_is_where_the_margin_is_not_negative(check, changes):
    th = TH.updated(changes)
    lo, hi = pass_interval(check, th)
    assert lo is not None or hi is not None
    eps = 1e-3
    probes, expected = [], []
    for bound, inside_sign in ((lo, +1), (hi, -1)):
        if bound is not None:
            probes += [bound + inside_sign * eps, bound - inside_sign * eps]
            expected += [True, False]
    margin = measure_table(check, _measures_at(check, np.array(probes)), th).margin
    assert list(margin >= 0) == expected, (check, lo, hi, margin)


def test_unknown_check_names_the_lift_and_its_checks():
    with pytest.raises(
        ConfigError, match="front_squat has no check 'biceps'; its checks: start_position"
    ):
        FRONT_SQUAT.check("biceps")


def test_a_collapsed_face_gives_no_head_pitch():
    # a face hidden behind a plate is still output by BlazePose, shrunk, its ear->eye direction random
    from formlab.core.landmarks import LANDMARK_INDEX
    from formlab.form.measures import head_pitch_deg
    from formlab.form.view import estimate_view

    down = with_changes(STANDING, head_pitch_deg=-70.0)  # would fail head_neutral if measured
    track = make_track([STANDING] * 5 + [down], yaw_deg=90.0)
    world = track.world_m.copy()
    frac = TH.head_neutral.min_ear_eye_length_frac
    for side in ("left", "right"):
        ear, eye = LANDMARK_INDEX[f"{side}_ear"], LANDMARK_INDEX[f"{side}_eye"]
        world[5, eye] = world[5, ear] + (frac - 0.1) * (
            world[5, eye] - world[5, ear]
        )  # just too short
        world[4, eye] = world[4, ear] + (frac + 0.1) * (
            world[4, eye] - world[4, ear]
        )  # just long enough
    track = track.replace(world_m=world)
    pitch = head_pitch_deg(track, estimate_view(track), 0.5, frac)
    assert np.isnan(pitch[5]) and np.isfinite(pitch[:5]).all()
    fb = evaluate_form(track, "front_squat", checks=["head_neutral"])
    assert fb["head_neutral"].iloc[5] == NOT_ASSESSABLE and fb["head_neutral"].iloc[4] == PASS
    lax = TH.updated({"head_neutral": {"min_ear_eye_length_frac": 0.0}})  # the check back on
    assert (
        evaluate_form(track, "front_squat", lax, checks=["head_neutral"])["head_neutral"].iloc[5]
        == FAIL
    )
