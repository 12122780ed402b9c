"""Named, timed stages (the CLI's progress, the benchmark's breakdown)."""

from __future__ import annotations

import time

import pytest

from formlab.core.stages import Stages


def test_each_stage_timed_in_order_and_summed_when_repeated():
    stages = Stages()
    with stages.stage("first"):
        time.sleep(0.02)
    with stages.stage("second"):
        pass
    with stages.stage("first"):
        time.sleep(0.02)
    stages.add("third", 1.5)
    assert list(stages.seconds) == ["first", "second", "third"]
    assert stages.seconds["first"] >= 0.04 > stages.seconds["second"]
    assert stages.total_s() == pytest.approx(sum(stages.seconds.values()))


def test_a_failing_stage_is_timed_and_the_error_passes_through():
    stages = Stages()
    with pytest.raises(KeyError), stages.stage("broken"):
        raise KeyError("x")
    assert "broken" in stages.seconds


def test_one_bar_named_after_the_stage(capsys):
    stages = Stages(progress=True)
    with stages.stage("figures") as bar:
        assert bar is not None and bar.desc == "figures"
    with stages.stage("video", bar=False) as bar:
        assert bar is None  # a stage with a bar of its own gets no second one
    assert Stages().stage("x").__enter__() is None  # no bars unless asked for
