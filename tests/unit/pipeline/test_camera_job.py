"""The camera's motion is measured in a thread while the load is followed, with the same result."""

import threading

import pytest
from support.synthetic_pose import exercise_track

from formlab.barbell.camera_motion import unmeasured
from formlab.core.errors import ConfigError
from formlab.pipeline import camera, steps


@pytest.fixture
def track(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    return exercise_track("squat", n_reps=2, noise_m=0.01, seed=4)[0]


def test_the_camera_is_measured_while_the_load_is_followed(track, monkeypatch):
    followed = threading.Event()
    seen = {}
    real_follow = steps.follow_load

    def follow(*args, **kwargs):
        out = real_follow(*args, **kwargs)
        followed.set()
        return out

    def measure(track, *args, **kwargs):
        seen["thread"] = threading.current_thread().name
        # run one after the other, this would wait for ever: the load is followed meanwhile
        seen["overlapped"] = followed.wait(timeout=30)
        return unmeasured(track, "measured in the test")

    monkeypatch.setattr(steps, "follow_load", follow)
    monkeypatch.setattr(camera, "camera_motion_of", measure)
    load = steps.load_path_of(track, track, "squat")
    assert seen == {"thread": "formlab-camera", "overlapped": True}
    assert "measured in the test" in str(load.path.info["camera"])  # the thread's answer is used


def test_an_error_measuring_the_camera_is_raised_by_the_step(track):
    with pytest.raises(ConfigError, match="needs the video"):
        steps.load_path_of(track, track, "squat", camera="moving")
