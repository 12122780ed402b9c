"""The plate's diameter, given by the user, makes the scale (analyze, the CLI, follow_load)."""

from __future__ import annotations

import numpy as np
import pytest
from support.constructed_posture import STANDING, make_track

import formlab
from formlab.barbell.plate import PlateTrack
from formlab.cli import main
from formlab.core.errors import ConfigError
from formlab.pipeline import steps

N = 30
RADIUS_PX = 80.0


def _plate(n: int) -> PlateTrack:
    centre = np.random.default_rng(0).normal(500, 20, (n, 2))
    return PlateTrack(
        frame=np.arange(n),
        time_s=np.arange(n) / 30.0,
        centre_xy_px=centre,
        radius_px=np.full(n, RADIUS_PX),
        bar_end_xy_px=centre.copy(),
        how=np.array(["circle"] * n, dtype=object),
        bar_end_how=np.array(["centre"] * n, dtype=object),
        info={"held_by_lifter": {"held": True, "reason": "ok"}, "bar_end_model": {"used": False}},
    )


@pytest.mark.parametrize("bar_method", ["plate", "auto"])
def test_the_plates_diameter_sets_the_scale(tmp_path, monkeypatch, bar_method):
    monkeypatch.setattr(steps, "_plate_outcome", lambda *a, **k: _plate(N))
    track = make_track([STANDING] * N, yaw_deg=90.0)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not read: the plate track is given")
    scales = {
        d: steps.follow_load(
            track, "squat", bar_method=bar_method, video=video, plate_diameter_m=d
        ).scale
        for d in (None, 0.30)
    }
    assert scales[None].m_per_px == pytest.approx(0.45 / (2 * RADIUS_PX))
    assert scales[0.30].m_per_px == pytest.approx(0.30 / (2 * RADIUS_PX))
    assert "0.300 m" in scales[0.30].detail


def test_a_diameter_out_of_range_is_refused_before_anything_slow(tmp_path, capsys):
    with pytest.raises(ConfigError, match="plate_diameter_m must be a plate diameter in metres"):
        formlab.analyze(tmp_path / "missing.mp4", "squat", plate_diameter_m=4.5)
    assert main(["analyze", "x.mp4", "-o", str(tmp_path / "o"), "--plate-diameter", "45"]) == 2
    err = capsys.readouterr().err
    assert "--plate-diameter must be a plate diameter in metres between 0.1 and 0.6" in err
    assert not (tmp_path / "o").exists()


def test_batch_takes_the_plate_diameter_and_refuses_a_wrong_one_first(tmp_path, capsys):
    (tmp_path / "x.mp4").write_bytes(b"x")
    with pytest.raises(ConfigError, match="plate_diameter_m must be a plate diameter in metres"):
        formlab.batch(tmp_path / "x.mp4", tmp_path / "b", plate_diameter_m=4.5)
    assert not (tmp_path / "b").exists()
    argv = ["batch", str(tmp_path / "x.mp4"), "-o", str(tmp_path / "b"), "--plate-diameter", "45"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--plate-diameter must be a plate diameter in metres between 0.1 and 0.6" in err
    assert not (tmp_path / "b").exists()
