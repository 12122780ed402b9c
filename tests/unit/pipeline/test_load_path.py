"""Where ``bar_method="auto"`` looks for a plate, and the plate tracker's cached answer."""

from __future__ import annotations

import numpy as np
from support.constructed_posture import STANDING, make_track

from formlab.barbell.plate import PlateTrack
from formlab.pipeline import plate_cache, steps


def test_no_plate_searched_in_a_front_view(tmp_path):
    """A plate is edge-on from the front: the video is not even opened."""
    track = make_track([STANDING] * 40, yaw_deg=0.0)
    why = steps.plate_not_worth_tracking(track, tmp_path / "not-read.mp4")
    assert why is not None and "front" in why


def test_a_side_view_is_probed_around_the_rep_first(tmp_path, monkeypatch):
    """From the side the tracker first looks at half a second around the rep, and stops there."""
    import formlab.barbell.plate as plate

    probed = []

    def no_plate(video, track, options=None, progress=False):
        probed.append((track.frame.copy(), options))
        return plate_track(track.n_frames, found=False)

    monkeypatch.setattr(plate, "track_plate", no_plate)
    track = make_track([STANDING] * 120, yaw_deg=90.0)  # 4 s at 30 fps
    why = steps.plate_not_worth_tracking(track, tmp_path / "v.mp4", around_frame=60)
    assert (
        why is not None
        and why.startswith("no plate found in a 0.5 s probe")
        and "(seen in 0% " in why
    )
    ((frames, options),) = probed
    assert frames.min() >= 60 - 8 and frames.max() <= 60 + 8 and len(frames) >= 14
    assert options.find_bar_end is False  # the probe only asks whether there is a plate
    probed.clear()
    short = make_track([STANDING] * 25, yaw_deg=90.0)  # under twice the probe: no probe
    assert steps.plate_not_worth_tracking(short, tmp_path / "v.mp4") is None and not probed


def plate_track(n: int, found: bool = True) -> PlateTrack:
    rng = np.random.default_rng(0)
    centre = rng.normal(500, 20, (n, 2))
    centre[3 if found else slice(None)] = np.nan
    return PlateTrack(
        frame=np.arange(n),
        time_s=np.arange(n) / 30.0,
        centre_xy_px=centre,
        radius_px=np.full(n, 80.0),
        bar_end_xy_px=centre + 3.0,
        how=np.array(["circle"] * n, dtype=object),
        bar_end_how=np.array(["centre"] * n, dtype=object),
        info={"held_by_lifter": {"held": True, "reason": "ok"}, "bar_end_model": {"used": False}},
    )


def test_plate_cache_keeps_a_plate_track_or_a_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path))
    track = make_track([STANDING] * 10, yaw_deg=90.0)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not a real video, only hashed")
    key = plate_cache.plate_key(track, video, "auto", {"probe": 0.5})
    assert plate_cache.load_plate(key) is None
    stored = plate_track(10)
    plate_cache.store_plate(key, stored)
    loaded = plate_cache.load_plate(key)
    assert isinstance(loaded, PlateTrack)
    np.testing.assert_array_equal(loaded.centre_xy_px, stored.centre_xy_px)
    assert list(loaded.how) == list(stored.how) and loaded.info == stored.info
    other = plate_cache.plate_key(track, video, "auto", {"probe": 1.0})
    assert other != key  # other settings, other entry
    plate_cache.store_plate(other, "no plate-sized circle found near the hands")
    assert plate_cache.load_plate(other) == "no plate-sized circle found near the hands"
    moved = track.replace(xy_px=track.xy_px + 1.0)
    assert plate_cache.plate_key(moved, video, "auto", {"probe": 0.5}) != key  # another pose
    from formlab.io import cache

    monkeypatch.setattr(cache, "source_digest", lambda *globs: "edited " + " ".join(globs))
    assert plate_cache.plate_key(track, video, "auto", {"probe": 0.5}) != key  # the tracker edited
    monkeypatch.undo()
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path))
    next(tmp_path.glob("plates/*.npz")).write_bytes(b"broken")
    assert {plate_cache.load_plate(k) is None for k in (key, other)} == {True, False}


def test_a_plate_once_tracked_is_recalled_wherever_the_probe_would_look(tmp_path, monkeypatch):
    """A re-run as another lift (another first rep) finds the cached plate track; no video is read."""
    import formlab.barbell.plate as plate

    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def found(video, track, options=None, progress=False):
        calls.append(track.n_frames)
        return plate_track(track.n_frames)

    monkeypatch.setattr(plate, "track_plate", found)
    track = make_track([STANDING] * 120, yaw_deg=90.0)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"hashed, never decoded")
    first = steps._plate_outcome(track, video, 30)
    assert isinstance(first, PlateTrack) and len(calls) == 2
    assert 13 <= calls[0] <= 17 and calls[1] == 120  # the probe (0.5 s), then the whole track
    again = steps._plate_outcome(track, video, 90)
    assert isinstance(again, PlateTrack) and len(calls) == 2  # recalled
    np.testing.assert_array_equal(again.centre_xy_px, first.centre_xy_px)
    steps._plate_outcome(track, video, 90, cache=False)
    assert len(calls) == 4  # without the cache, tracked again


def test_camera_motion_is_measured_only_when_asked_or_when_the_picture_moves(tmp_path, monkeypatch):
    """``camera``: "static" never reads the video; "auto" asks the background probe (whatever the
    lift) and measures only when it says the picture moved; answers are cached."""
    import pytest

    from formlab.barbell.camera_motion import unmeasured
    from formlab.core.errors import ConfigError
    from formlab.pipeline import camera

    measured, probed = [], []
    probe_says = [False]

    def fake_measure(video, track, options=None, progress=False):
        measured.append(video)
        return unmeasured(track, "stand-in")

    def fake_probe(video, track, options=None):
        probed.append(video)
        return probe_says[0], "background moved at most 1 px"

    monkeypatch.setattr(camera, "estimate_camera_motion", fake_measure)
    monkeypatch.setattr(camera, "background_seems_to_move", fake_probe)
    monkeypatch.setenv("FORMLAB_CACHE_DIR", str(tmp_path / "cache"))
    track = make_track([STANDING] * 40, yaw_deg=90.0)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"not read: the key uses the track's recorded hash")
    assert (
        "declared static"
        in camera.camera_motion_of(track, "squat", "static", video, None).describe()
    )
    assert probed == [] and measured == []
    for lift in ("squat", "lunge"):  # the background decides, whether the feet move or not
        still = camera.camera_motion_of(track, lift, "auto", video, None, cache=False)
        assert "taken as static, background moved at most 1 px" in still.describe()
    assert measured == [] and probed == [video, video]
    camera.camera_motion_of(track, "squat", "auto", video, None)  # probed once, then cached
    camera.camera_motion_of(track, "squat", "auto", video, None)
    assert len(probed) == 3 and measured == []
    probe_says[0] = True
    camera.camera_motion_of(track, "squat", "auto", video, None, cache=False)
    assert measured == [video] and len(probed) == 4
    measured.clear()
    camera.camera_motion_of(track, "squat", "moving", video, None)
    camera.camera_motion_of(track, "squat", "moving", video, None)
    assert measured == [video] and len(probed) == 4  # "moving" measures, once (cached)
    with pytest.raises(ConfigError, match="needs the video"):
        camera.camera_motion_of(track, "squat", "moving", None, None)
    with pytest.raises(ConfigError, match="'sideways' is not one of: auto, static, moving"):
        camera.camera_motion_of(track, "squat", "sideways", video, None)
