"""The threshold-tuning widgets, wired without a browser: set a widget's value, check what changed.

These prove the Python side (a slider change recomputes the feedback or the
reps and redraws what changed); ``tests/test_browser_notebooks.py`` proves
that a user's key press in JupyterLab gets there.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from support.synthetic_pose import exercise_track

from formlab import ConfigError, load_thresholds, thresholds_for
from formlab.exercises import get_exercise
from formlab.form.thresholds import threshold_table
from formlab.interactive.controls import (
    CSS,
    DETECTOR_SLIDERS,
    detector_widgets,
    slider_step,
    threshold_widgets,
)
from formlab.interactive.tuner import ThresholdTuner
from formlab.reps import RepDetectorParams


# --------------------------------------------------------------------------- building blocks
def test_slider_step_is_about_a_hundredth_and_keeps_the_default_on_the_grid():
    assert slider_step(0, 90) == 1.0
    assert slider_step(0, 1) == 0.01
    assert slider_step(0, 5) == 0.05
    assert slider_step(0, 170) == 2.0
    assert slider_step(0, 2, 0.25) == 0.01  # 0.02 would miss 0.25
    assert slider_step(0, 60, 0.3) == pytest.approx(0.1)
    assert slider_step(-45, 45, 0.0) == 1.0
    with pytest.raises(ConfigError):
        slider_step(1, 1)


def test_threshold_widgets_follow_the_field_metadata():
    th = thresholds_for("front_squat")
    widgets = threshold_widgets(th)
    table = threshold_table(th)
    assert list(widgets) == [f"{r.section}.{r.name}" for r in table.itertuples()]
    for r in table.itertuples():
        wdg = widgets[f"{r.section}.{r.name}"]
        assert (
            CSS["threshold"] in wdg._dom_classes
            and f"formlab-threshold-{r.section}-{r.name}" in wdg._dom_classes
        )
        assert r.meaning in wdg.tooltip
        if r.choices:
            assert list(wdg.options) == list(r.choices) and wdg.value == r.value
        else:
            assert (wdg.min, wdg.max, wdg.value) == (r.min, r.max, r.value)
            assert r.unit in wdg.description and r.name in wdg.description
            q = (r.value - r.min) / wdg.step
            assert q == pytest.approx(round(q))  # the default lies on the slider's grid
    some = threshold_widgets(th, ["elbows_up"])
    assert list(some) == ["elbows_up.max_upper_arm_drop_deg", "elbows_up.arm_rule"]
    with pytest.raises(ConfigError, match="unknown threshold section"):
        threshold_widgets(th, ["biceps"])


def test_detector_widgets():
    params = RepDetectorParams(cutoff_hz=3.0, min_prominence_frac=0.4, min_distance_s=20.0)
    sliders = detector_widgets(params)
    assert list(sliders) == list(DETECTOR_SLIDERS)
    assert sliders["cutoff_hz"].value == 3.0 and sliders["min_prominence_frac"].value == 0.4
    assert (
        sliders["min_distance_s"].value == DETECTOR_SLIDERS["min_distance_s"]["max"]
    )  # clipped to the slider
    assert f"{CSS['detector']}-min_prominence_frac" in sliders["min_prominence_frac"]._dom_classes


# --------------------------------------------------------------------------- the tuner on a constructed set
@pytest.fixture(scope="module")
def synthetic_tuner():
    track, _ = exercise_track("squat", n_reps=3, view="side", noise_m=0.003)
    return ThresholdTuner(None, "front_squat", track=track, progress=False)


def test_tuner_starts_with_the_presets_and_finds_the_reps(synthetic_tuner):
    tu = synthetic_tuner
    assert tu.thresholds == thresholds_for("front_squat")
    assert tu.detection.count == 3 and "3</span> reps" in tu.reps_label.value
    assert set(tu.feedback_plots) == {c.name for c in tu.checks} and all(
        img.value[:4] == b"\x89PNG" for img in tu.feedback_plots.values()
    )
    assert (
        tu.rep_plot.value[:4] == b"\x89PNG" and tu.overlay.value[:2] == b"\xff\xd8"
    )  # PNG plots, JPEG frame
    assert tu.frame_slider.value == int(tu.reps["turn_frame"].iloc[0])
    assert "Elbows up" in tu.frame_table.value and "data-check='elbows_up'" in tu.counts_table.value
    assert CSS["tuner"] in tu.widget._dom_classes


def test_a_threshold_slider_changes_counts_and_only_its_plot(synthetic_tuner):
    tu = synthetic_tuner
    slider = tu.threshold_sliders["elbows_up.max_upper_arm_drop_deg"]
    before_fail = int(tu.counts.loc["elbows_up", "fail_frames"])
    plots_before = {c: img.value for c, img in tu.feedback_plots.items()}
    table_before = tu.counts_table.value
    slider.value = 10.0  # the constructed rack holds the upper arms about 20 deg below horizontal
    try:
        assert tu.thresholds.elbows_up.max_upper_arm_drop_deg == 10.0
        after_fail = int(tu.counts.loc["elbows_up", "fail_frames"])
        assert after_fail > before_fail
        assert after_fail == int((tu.feedback["elbows_up"] == "fail").sum())
        assert tu.counts_table.value != table_before
        changed = [c for c, img in tu.feedback_plots.items() if img.value != plots_before[c]]
        assert changed == ["elbows_up"]
        assert tu.last_update_s > 0
    finally:
        slider.value = 45.0
    assert int(tu.counts.loc["elbows_up", "fail_frames"]) == before_fail


def test_a_detector_slider_changes_the_reps(synthetic_tuner):
    tu = synthetic_tuner
    rep_plot, label = tu.rep_plot.value, tu.reps_label.value
    slider = tu.detector_sliders["min_width_s"]
    slider.value = 2.0  # wider than the constructed reps at half depth (about 1 s)
    try:
        assert tu.detector.min_width_s == 2.0
        assert tu.detection.count == 0 and "0</span> reps" in tu.reps_label.value
        assert tu.rep_plot.value != rep_plot and tu.reps_label.value != label
        assert (tu.feedback["depth"] == "not_assessable").all()  # no rep, no bottom to judge
    finally:
        slider.value = 0.2
    assert tu.detection.count == 3


def test_the_frame_slider_redraws_the_frame(synthetic_tuner):
    tu = synthetic_tuner
    picture, table = tu.overlay.value, tu.frame_table.value
    tu.frame_slider.value = int(tu.track.frame[5])
    assert tu.overlay.value != picture and tu.frame_table.value != table
    assert f"frame {int(tu.track.frame[5])}," in tu.frame_table.value


def test_an_invalid_combination_is_reported_and_not_applied(synthetic_tuner):
    tu = synthetic_tuner
    kept = tu.thresholds
    slider = tu.threshold_sliders["feet_width.min_ankle_shoulder_ratio"]
    slider.value = 3.0  # above the maximum (1.7)
    try:
        assert "must be below" in tu.message.value and tu.thresholds == kept
    finally:
        slider.value = 0.8
    assert tu.message.value == ""


def test_export_writes_a_file_formlab_analyze_reads(synthetic_tuner, tmp_path):
    tu = synthetic_tuner
    slider = tu.threshold_sliders["knees_out.max_knee_narrowing_ratio"]
    slider.value = 0.25
    try:
        for suffix in (".toml", ".json"):
            tu.export_path.value = str(tmp_path / f"mine{suffix}")
            tu.export_button.click()
            assert load_thresholds(tmp_path / f"mine{suffix}") == tu.thresholds
            assert "--thresholds" in tu.export_status.value
        assert load_thresholds(tmp_path / "mine.toml").knees_out.max_knee_narrowing_ratio == 0.25
        assert tu.export(tmp_path / "mine.yaml") is None and "not written" in tu.export_status.value
    finally:
        slider.value = 0.15


def test_tuner_arguments():
    track, _ = exercise_track("squat", n_reps=2, view="side")
    no_checks = dataclasses.replace(
        get_exercise("curl"), checks=()
    )  # every registered lift has some
    with pytest.raises(ConfigError, match="no form checks"):
        ThresholdTuner(None, no_checks, track=track, progress=False)
    with pytest.raises(Exception, match="needs a video or a track"):
        ThresholdTuner(None, "front_squat")
    with pytest.raises(ConfigError, match="FormThresholds"):
        ThresholdTuner(
            None, "front_squat", track=track, thresholds={"elbows_up": {}}, progress=False
        )


# --------------------------------------------------------------------------- on the sample clip
@pytest.mark.media
def test_tuner_on_the_front_rack_clip(sample_path):
    tu = ThresholdTuner(
        sample_path("squatAnalysis-rohanx01__squat"), progress=False, frame_height_px=240
    )
    assert tu.frames is not None and len(tu.frames) == tu.track.n_frames
    assert tu.frames.size[1] == 240 and tu.frames.nbytes < 20e6
    assert tu.detection.count == 2
    fails = int(tu.counts.loc["elbows_up", "fail_frames"])
    tu.threshold_sliders["elbows_up.max_upper_arm_drop_deg"].value = 70.0
    assert int(tu.counts.loc["elbows_up", "fail_frames"]) < fails
    plot = tu.rep_plot.value
    tu.detector_sliders[
        "min_prominence_frac"
    ].value = 1.0  # only the deepest rep is as deep as the range
    assert tu.detection.count == 1 and tu.rep_plot.value != plot
    picture = tu.overlay.value
    tu.frame_slider.value = 100
    assert tu.overlay.value != picture
    assert np.array_equal(tu.frames.get(100).shape[:2], (240, tu.frames.size[0]))
