"""``analyze(..., cache=False)`` (``--no-cache``) keeps no output in formlab's cache either."""

import pytest
from support.synthetic_pose import exercise_track

import formlab
from formlab import outputs
from formlab.io.cache import cache_dir

WRITERS = [outputs.write_reps_table, outputs.pose_writer("csv"), outputs.write_figures]
KINDS = ("pose_tables", "figures", "steps", "cleaned")


@pytest.fixture
def raw(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    track, _ = exercise_track("squat", n_reps=2, noise_m=0.01, seed=5)
    return track


def kept() -> dict[str, int]:
    return {kind: len(list(cache_dir(kind).glob("*"))) for kind in KINDS}


def test_no_cache_keeps_nothing(raw, tmp_path):
    result = formlab.analyze(raw, "squat", cache=False)
    assert result.cache is False
    result.save(tmp_path / "out", [*WRITERS, outputs.write_summary])
    assert (tmp_path / "out" / "bar_path.png").is_file()
    assert kept() == dict.fromkeys(KINDS, 0)


def test_with_the_cache_every_output_cache_is_filled(raw, tmp_path):
    formlab.analyze(raw, "squat").save(tmp_path / "out", [*WRITERS, outputs.write_summary])
    assert all(kept().values()), kept()
