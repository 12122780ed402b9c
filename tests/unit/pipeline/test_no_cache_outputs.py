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


def test_kept_figures_are_copied_without_a_fork(raw, tmp_path, monkeypatch):
    from formlab.outputs import saving

    result = formlab.analyze(raw, "squat")
    forks = []

    class Counted(saving._Forked):
        def __init__(self, writer, *args):
            forks.append(writer)
            super().__init__(writer, *args)

    monkeypatch.setattr(saving, "_Forked", Counted)
    result.save(tmp_path / "a", [outputs.write_figures, outputs.write_summary])
    result.save(tmp_path / "b", [outputs.write_figures, outputs.write_summary])
    assert forks == ([outputs.write_figures] if saving._can_fork() else [])  # the first run only
    for name in ("bar_path.png", "bar_position.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
