"""The reps, load path and per-rep numbers kept for re-analyses: reused only for the same inputs."""

import numpy as np
import pytest
from support.synthetic_pose import exercise_track

import formlab
from formlab.io.cache import cache_dir
from formlab.pipeline import step_cache, steps
from formlab.reps.detection import RepDetectorParams


@pytest.fixture
def raw(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    track, _ = exercise_track("squat", n_reps=2, noise_m=0.01, seed=3)
    return track


@pytest.fixture
def counted(monkeypatch):
    """How many times the reps were counted (the step the cache saves)."""
    calls = []
    real = steps.count_reps

    def count(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(steps, "count_reps", count)
    return calls


def entries():
    return sorted(cache_dir("steps").glob("*.npz"))


def test_a_kept_result_is_the_computed_one(raw, counted):
    fresh = formlab.analyze(raw, "squat", cache=False)
    first = formlab.analyze(raw, "squat")
    again = formlab.analyze(raw, "squat", thresholds=formlab.thresholds_for("squat"))
    assert len(counted) == 2 and len(entries()) == 1  # the no-cache run and the first cached one
    for result in (first, again):
        assert step_cache.same(result.detection, fresh.detection)
        assert step_cache.same(result.path, fresh.path)
        assert step_cache.same(result.raw_path, fresh.raw_path)
        assert step_cache.same(result.reps, fresh.reps)
        assert step_cache.same(result.feedback, fresh.feedback)


def test_no_cache_neither_reads_nor_writes(raw, counted):
    formlab.analyze(raw, "squat")
    formlab.analyze(raw, "squat", cache=False)
    assert len(counted) == 2 and len(entries()) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"exercise": "front_squat"},
        {"detector": RepDetectorParams(cutoff_hz=1.5)},
        {"bar_method": "wrist_midpoint"},
        {"camera": "static"},
        {"lifter_height_m": 1.9},
        {"plate_diameter_m": 0.35},
        {"load": "dumbbell"},
        {"clean_options": {"smoothing": "butterworth"}},  # another cleaned track
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_changed_input_is_computed_anew(raw, counted, change):
    formlab.analyze(raw, "squat")
    exercise = change.pop("exercise", "squat")
    formlab.analyze(raw, exercise, **change)
    assert len(counted) == 2 and len(entries()) == 2


def test_another_raw_track_is_computed_anew(raw, counted):
    formlab.analyze(raw, "squat")
    formlab.analyze(raw.replace(xy_px=raw.xy_px + 0.5), "squat")
    assert len(counted) == 2


def test_other_code_is_computed_anew(raw, counted, monkeypatch):
    formlab.analyze(raw, "squat")
    monkeypatch.setattr(step_cache, "code_digest", lambda: "other code")
    formlab.analyze(raw, "squat")
    assert len(counted) == 2


def test_the_code_digest_covers_the_steps_sources(monkeypatch):
    import formlab.io.cache as cache

    before = step_cache.code_digest()
    step_cache.code_digest.cache_clear()
    monkeypatch.setattr(cache, "source_digest", lambda *patterns: "edited " + " ".join(patterns))
    try:
        assert step_cache.code_digest() != before
    finally:
        step_cache.code_digest.cache_clear()


def test_a_broken_entry_is_computed_again(raw, counted):
    formlab.analyze(raw, "squat")
    (entry,) = entries()
    entry.write_bytes(b"not an entry")
    formlab.analyze(raw, "squat")
    assert len(counted) == 2 and entry.stat().st_size > 1000  # stored again


def test_what_would_not_read_back_equal_is_not_kept(raw, tmp_path):
    kept = step_cache.store("k1", (np.arange(3), {"a": 1.5, "b": (1, "x")}))
    assert kept and step_cache.same(
        step_cache.load("k1"), (np.arange(3), {"a": 1.5, "b": (1, "x")})
    )
    assert not step_cache.store("k2", {"f": lambda: 0})  # a function: not stored
    assert not step_cache.store("k3", np.array([object(), 1], dtype=object))
    assert step_cache.load("k2") is None and step_cache.load("k3") is None
