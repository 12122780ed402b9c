"""Bar trajectory: proxies, pixel scales, the plate tracker (on a drawn clip and on real videos)."""

from __future__ import annotations

import numpy as np
import pytest
from support.synthetic import write_clip

import formlab
from formlab import ConfigError, InputError, PoseTrack, TrackMeta, barbell
from formlab.barbell.plate import PlateTrackerOptions, track_plate
from formlab.core.landmarks import GRIP
from formlab.core.landmarks import LANDMARK_INDEX as IDX

M_PER_PX = 0.002  # the synthetic person: 2 mm per pixel


def lifter_track(
    n: int = 60, fps: float = 30.0, width: int = 640, height: int = 480, bar_xy=None
) -> PoseTrack:
    """A side-view 'lifter' standing still, hands following ``bar_xy`` (n, 2) px; world = image x 2 mm."""
    t = np.arange(n) / fps
    xy = np.zeros((n, 33, 2))
    xy[:, :11] = [320, 60]
    xy[:, [IDX["left_eye"], IDX["right_eye"]]] = [320, 60]
    xy[:, [11, 12]] = [320, 120]
    xy[:, [23, 24]] = [320, 245]  # torso 125 px = 0.25 m
    xy[:, [13, 14]] = [320, 180]
    xy[:, [25, 26]] = [330, 340]
    xy[:, [27, 28]] = [320, 430]
    xy[:, [29, 30]] = [300, 445]  # heels on the floor at y = 445
    xy[:, [31, 32]] = [360, 445]  # toes: mid-foot at x = 330
    if bar_xy is None:
        bar_xy = np.column_stack(
            [np.full(n, 330.0), 130 + 60 * (1 - np.cos(2 * np.pi * t / t[-1])) / 2]
        )
    for lm in GRIP:
        xy[:, lm] = bar_xy
    xy[:, IDX["left_wrist"]] += [0, 6]
    xy[:, IDX["right_wrist"]] += [0, 6]
    world = np.concatenate(
        [(xy - xy[:, [23, 24]].mean(axis=1, keepdims=True)) * M_PER_PX, np.zeros((n, 33, 1))],
        axis=-1,
    )
    world[:, list(GRIP), 2] = -0.1  # hands 10 cm nearer the camera than the hips
    return PoseTrack(
        xy_px=xy,
        z=np.zeros((n, 33)),
        visibility=np.full((n, 33), 0.9),
        presence=np.full((n, 33), 0.99),
        world_m=world,
        time_s=t,
        frame=np.arange(n),
        meta=TrackMeta(source="synthetic", fps=fps, width_px=width, height_px=height),
    )


# ----------------------------------------------------------------------------- scales
def test_scale_from_body_recovers_the_world_to_image_ratio():
    s = barbell.scale_from_body(lifter_track())
    assert s.m_per_px == pytest.approx(M_PER_PX, rel=1e-6)
    assert s.method == "body_segments"
    assert s.relative_sd == pytest.approx(barbell.BODY_SCALE_SYSTEMATIC, rel=0.05)


def test_scale_from_body_ignores_segments_pointing_at_the_camera():
    tr = lifter_track()
    world = tr.world_m.copy()
    world[:, [13, 14], 2] = (
        0.5  # elbows far in depth: upper arm and forearm foreshortened in the image
    )
    world[:, [13, 14], :2] = world[:, [11, 12], :2]
    s = barbell.scale_from_body(tr.replace(world_m=world))
    assert s.m_per_px == pytest.approx(M_PER_PX, rel=1e-6)


def test_scale_from_height():
    tr = lifter_track()
    stature_px = (445 - 60) / barbell.EYE_HEIGHT_FRACTION
    s = barbell.scale_from_height(tr, 1.80)
    assert s.m_per_px == pytest.approx(1.80 / stature_px)
    assert s.relative_sd == pytest.approx(0.03)
    with pytest.raises(ConfigError):
        barbell.scale_from_height(tr, 180)  # centimetres by mistake


def test_scale_errors():
    tr = lifter_track()
    with pytest.raises(InputError):
        barbell.scale_from_body(tr.replace(visibility=np.zeros((tr.n_frames, 33))))
    with pytest.raises(ConfigError):
        barbell.PixelScale(-1.0, 0.0, "given")


# ----------------------------------------------------------------------------- proxies
def test_grip_centre_path_in_metres_y_up_from_the_floor():
    tr = lifter_track()
    path = barbell.bar_path(tr)
    assert path.method == "grip_centre" and path.scale.method == "body_segments"
    # the grip is 130..190 px down the picture, the floor at 445 px, 2 mm per px
    np.testing.assert_allclose(path.y_m, (445 - path.y_px) * M_PER_PX)
    assert path.y_m[0] == pytest.approx(
        (445 - 130 - 1.5) * M_PER_PX
    )  # 2 of 8 grip points are 6 px lower
    assert np.nanargmin(path.y_m) == np.nanargmax(path.y_px)  # lowest bar = largest image y
    np.testing.assert_allclose(path.x_m, 0.0, atol=1e-12)  # over the mid-foot
    np.testing.assert_allclose(path.z_rel_m, -0.1)
    assert path.origin_px == (330.0, 445.0)


def test_a_hand_based_path_states_its_jitter_in_metres():
    path = barbell.bar_path(lifter_track())
    assert path.info["jitter_m"] == pytest.approx(path.info["jitter_px"] * path.scale.m_per_px)
    note = path.lowpass(4.0).uncertainty_note()  # kept through the smoothing the figures use
    assert f"hand-based, jitter +-{100 * path.info['jitter_m']:.1f} cm" in note
    assert note.endswith("image plane")


def test_wrist_midpoint_is_the_article_proxy():
    tr = lifter_track()
    path = barbell.bar_path(tr, "wrist_midpoint")
    np.testing.assert_allclose(path.y_px, tr.xy_px[:, [15, 16], 1].mean(axis=1))


def test_landmark_path_for_exercises_without_a_bar():
    tr = lifter_track()
    hips = barbell.landmark_path(tr)
    assert hips.method == "landmarks:left_hip+right_hip"
    np.testing.assert_allclose(hips.y_m, (445 - 245) * M_PER_PX)
    np.testing.assert_allclose(hips.z_rel_m, 0.0)
    wrist = barbell.landmark_path(tr, "left_wrist", scale=barbell.PixelScale(0.001, 0.0, "given"))
    np.testing.assert_allclose(wrist.y_px, tr.xy_px[:, 15, 1])
    with pytest.raises(ConfigError, match="left_hip"):
        barbell.landmark_path(tr, ("hip",))


def test_bar_path_table_and_lowpass():
    tr = lifter_track()
    path = barbell.bar_path(tr, scale=barbell.PixelScale(0.001, 0.0001, "given", "test"))
    df = path.to_frame()
    assert list(df.columns) == [
        "frame",
        "time_s",
        "x_px",
        "y_px",
        "x_m",
        "y_m",
        "z_rel_m",
        "x_scene_px",
        "y_scene_px",
    ]
    # without a camera motion the scene is the image
    np.testing.assert_array_equal(df["x_scene_px"], df["x_px"])
    assert df.attrs["method"] == "grip_centre" and df.attrs["scale"]["m_per_px"] == 0.001
    noisy = barbell.bar_path(
        tr.replace(xy_px=tr.xy_px + np.random.default_rng(0).normal(0, 3, tr.xy_px.shape))
    )
    smooth = noisy.lowpass(4.0)
    clean_y = path.y_px
    assert np.std(smooth.y_px - clean_y) < np.std(noisy.y_px - clean_y)
    assert smooth.info["lowpass_cutoff_hz"] == 4.0


def test_bar_path_errors():
    tr = lifter_track()
    with pytest.raises(ConfigError, match="grip_centre"):
        barbell.bar_path(tr, "barbell")
    with pytest.raises(ConfigError):
        barbell.bar_path(tr, "plate")
    with pytest.raises(ConfigError):
        barbell.bar_path(tr, plate_diameter_m=0.45)


def test_shape_rms_ignores_offset():
    a = np.column_stack([np.arange(10.0), np.arange(10.0) ** 2])
    assert barbell.shape_rms_px(a + [5, -7], a) == (pytest.approx(0.0), 1.0)
    b = a.copy()
    b[::2, 0] += 2.0
    b[3] = np.nan
    rms, cov = barbell.shape_rms_px(b, a)
    assert cov == 0.9 and rms == pytest.approx(1.0, abs=0.01)


# ----------------------------------------------------------------------------- plate tracker, drawn clip
def down_and_up(n, fps, x_px, sway_px, top_px, depth_px):
    """Plate centres (n, 2) of one rep: down ``depth_px`` and back up, swaying ``sway_px`` sideways."""
    t = np.arange(n) / fps
    phase = 2 * np.pi * t / t[-1]
    return np.column_stack(
        [x_px + sway_px * np.sin(phase), top_px + depth_px * (1 - np.cos(phase)) / 2]
    )


def drawn_plate_clip(path, n=45, fps=15.0):
    """A grey gym, a dark plate (radius 60 px) with a light hub going down and up; returns its centres."""
    import cv2

    centres = down_and_up(n, fps, x_px=300, sway_px=10, top_px=150, depth_px=120)
    rng = np.random.default_rng(0)
    frames = []
    for cx, cy in centres:
        img = np.full((480, 640, 3), 150, np.uint8)
        img[:, 100:120] = 90  # a rack upright
        cv2.circle(img, (round(cx), round(cy)), 60, (30, 30, 30), -1, lineType=cv2.LINE_AA)
        cv2.circle(img, (round(cx), round(cy)), 8, (200, 200, 200), -1, lineType=cv2.LINE_AA)
        img = np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)
        frames.append(img)
    write_clip(path, frames, fps=fps)
    return centres


def test_plate_tracker_follows_a_drawn_plate(tmp_path):
    video = tmp_path / "plate.mp4"
    centres = drawn_plate_clip(video)
    tr = lifter_track(n=len(centres), fps=15.0, bar_xy=centres + [0, 20])  # hands next to the hub
    plate = track_plate(video, tr)
    found = plate.found
    assert found.mean() >= 0.9
    err = np.linalg.norm(plate.centre_xy_px[found] - centres[found], axis=1)
    assert err.max() < 3.0
    assert plate.median_radius_px() == pytest.approx(60, abs=3)
    assert not plate.info["bar_end_model"]["used"]  # the hub is on the centre: bar end = centre
    np.testing.assert_allclose(plate.bar_end_xy_px[found], plate.centre_xy_px[found])
    path = barbell.bar_path(tr, "plate", plate=plate)
    assert path.scale.method == "plate_diameter"
    assert path.scale.m_per_px == pytest.approx(0.45 / 120, rel=0.05)
    # bar height: the plate centre's, in metres above the floor
    np.testing.assert_allclose(
        path.y_m[found], (445 - centres[found, 1]) * path.scale.m_per_px, atol=0.01
    )


def faint_rim_clip(path, n=30, fps=15.0, rim_px=70):
    """A plate whose rim is faint (dark grey on a dark floor) beside a bright painted ring at 0.8
    of its radius (as the red rim beside the white ring of good015's plate), going down and up."""
    import cv2

    centres = down_and_up(n, fps, x_px=300, sway_px=6, top_px=160, depth_px=90)
    rng = np.random.default_rng(1)
    frames = []
    for cx, cy in centres:
        img = np.full((480, 640, 3), 40, np.uint8)
        c, s = (round(16 * cx), round(16 * cy)), 16
        cv2.circle(img, c, rim_px * s, (54, 54, 54), -1, cv2.LINE_AA, 4)
        cv2.circle(img, c, round(0.8 * rim_px * s), (235, 235, 235), -1, cv2.LINE_AA, 4)
        cv2.circle(img, c, round(0.6 * rim_px * s), (54, 54, 54), -1, cv2.LINE_AA, 4)
        frames.append(np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8))
    write_clip(path, frames, fps=fps)
    return centres


def test_plate_tracker_keeps_a_faint_rim_beside_a_bright_ring(tmp_path):
    # the rim, searched at its own radius, is pulled off by the ring's edges on the same rays (24 px
    # off, as at good015's lockout); found from the inside (the clear ring, then outwards) it is kept
    video = tmp_path / "faint.mp4"
    centres = faint_rim_clip(video)
    tr = lifter_track(n=len(centres), fps=15.0, bar_xy=centres + [0, 20])
    plate = track_plate(video, tr, PlateTrackerOptions(find_bar_end=False))
    found = plate.found
    assert found.mean() >= 0.9
    err = np.linalg.norm(plate.centre_xy_px[found] - centres[found], axis=1)
    assert err.max() < 3.0
    assert plate.median_radius_px() == pytest.approx(70, abs=3)  # the rim, not the 56 px ring


def test_plate_tracker_checks_its_inputs(tmp_path):
    video = tmp_path / "plate.mp4"
    centres = drawn_plate_clip(video, n=10)
    tr = lifter_track(n=10, width=1280, height=720, bar_xy=centres)
    with pytest.raises(InputError, match="frame size"):
        track_plate(video, tr)
    with pytest.raises(ConfigError):
        PlateTrackerOptions(plate_radius_torso=(0.7, 0.2))


# ----------------------------------------------------------------------------- real videos
@pytest.fixture(scope="module")
def annotated():
    name = "barpath-lukestynes__small-squat"
    video = formlab.fetch_sample(name)
    track = formlab.clean_track(formlab.extract(video, progress=False))
    reference = np.loadtxt(formlab.fetch_sample(name + "_man_anno"), delimiter=",")
    return video, track, reference


@pytest.mark.media
def test_bar_path_accuracy_against_hand_annotation(annotated):
    """Goal of issue 3: the bar-end trajectory within 3 cm RMS (shape) of the hand-annotated one."""
    video, track, reference = annotated
    assert reference.shape == (track.n_frames, 2)
    plate_path = barbell.bar_path(track, "plate", video=video).lowpass(4.0)
    cm_per_px = 100 * plate_path.scale.m_per_px
    rms_px, coverage = barbell.shape_rms_px(plate_path.xy_px, reference)
    assert coverage >= 0.95
    assert rms_px * cm_per_px <= 3.0, f"plate tracker {rms_px:.1f} px = {rms_px * cm_per_px:.2f} cm"
    # the article's proxy is measured too, and it is the reason for the tracker
    proxy_px, proxy_cov = barbell.shape_rms_px(
        barbell.bar_path(track, "wrist_midpoint").xy_px, reference
    )
    assert proxy_cov == 1.0 and proxy_px > 3 * rms_px
    # the scale is the plate's, moved to the sleeve end, with a stated uncertainty
    assert plate_path.scale.method == "plate_diameter" and 0 < plate_path.scale.relative_sd < 0.05
    assert 0.5 < plate_path.info["bar_end"]["m"] + 1 < 2


@pytest.mark.media
def test_plate_tracker_on_a_black_plate_far_camera():
    """gymassist: black plate, 640x360, walk-out and 4 squats: found nearly everywhere, little jitter."""
    from formlab import signal as timeseries

    video = formlab.fetch_sample("gymassist__side_squat")
    track = formlab.clean_track(formlab.extract(video, progress=False))
    plate = track_plate(video, track)
    assert plate.found.mean() >= 0.95
    c = timeseries.fill_gaps(plate.centre_xy_px, track.time_s, 0.3)
    jitter = c - timeseries.butterworth_lowpass(c, 3.0, time_s=track.time_s)
    assert np.sqrt(np.nanmean((jitter**2).sum(axis=1))) < 0.1 * plate.median_radius_px()
    # the squats (frames 250-600, standing to bottom) move the bar down by more than a plate radius
    y = c[250:600, 1]
    assert np.nanmax(y) - np.nanmin(y) > 1.5 * plate.median_radius_px()


@pytest.mark.media
@pytest.mark.parametrize("name", ["tfjs-models__pose_squats", "testvideo-yuyoujiang__squat"])
def test_plate_tracker_refuses_videos_without_a_plate(name):
    """Bodyweight squats: round things near the hands (a head, a ball) are not taken for a plate."""
    video = formlab.fetch_sample(name)
    track = formlab.clean_track(formlab.extract(video, progress=False))
    plate = track_plate(video, track)
    assert not plate.found.any()
    assert plate.info["held_by_lifter"]["held"] is False and plate.info["held_by_lifter"]["reason"]
    with pytest.raises(InputError, match="grip_centre"):
        barbell.bar_path(track, "plate", plate=plate)


def test_repr_is_one_short_line_with_method_duration_range_and_scale():
    path = barbell.bar_path(
        lifter_track()
    )  # 60 frames at 30 fps; grip 128.5-188.5 px down, floor at 445 px
    text = repr(path)
    assert text.startswith(
        "<BarPath grip_centre: 60 samples over 2.0 s, y 0.51 to 0.63 m, 2 mm/px (body_segments"
    )
    assert "\n" not in text and "array" not in text and len(text) < 150
    assert repr(path.lowpass(4.0)).endswith(", low-passed 4 Hz>")
    hips = repr(barbell.landmark_path(lifter_track()))
    assert (
        hips.startswith("<BarPath landmarks:left_hip+right_hip: 60 samples")
        and "y 0.40 to 0.40 m" in hips
    )


# ----------------------------------------------------------------------------- a cut: seed again
CUT_FPS = 15.0
N, CUT = 40, 12
OLD, NEW = np.array([300.0, 200.0]), np.array([430.0, 250.0])  # the plate before and after the cut
OLD_R, NEW_R = 60, 48


def cut_clip(path, arc_deg: float = 200.0):
    """A dark plate; at ``CUT`` the shot changes: the plate is elsewhere and smaller, and where it
    was, a dark arc (a wheel, a hoop) of ``arc_deg`` degrees and the plate's old radius."""
    import cv2

    rng = np.random.default_rng(2)
    centres = np.zeros((N, 2))
    frames = []
    for k in range(N):
        img = np.full((480, 640, 3), 150, np.uint8)
        drift = np.array([0.0, 1.0 * k])  # the bar lowered slowly
        if k < CUT:
            c, r = OLD + drift, OLD_R
        else:
            c, r = NEW + drift, NEW_R
            centre = (round(OLD[0]), round(OLD[1]))
            cv2.ellipse(img, centre, (OLD_R, OLD_R), 0, 0, arc_deg, (30, 30, 30), 6, cv2.LINE_AA)
        cv2.circle(img, (round(c[0]), round(c[1])), r, (30, 30, 30), -1, cv2.LINE_AA)
        cv2.circle(img, (round(c[0]), round(c[1])), 7, (200, 200, 200), -1, cv2.LINE_AA)
        frames.append(np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8))
        centres[k] = c
    write_clip(path, frames, fps=CUT_FPS)
    return centres


def test_after_a_cut_the_plate_is_found_where_it_now_is(tmp_path):
    # the lock stays on the arc (support about 0.55: enough to confirm it, not a clear rim); it
    # must be dropped and the plate seeded again (deadliftAI-bichraix__good009's cut)
    video = tmp_path / "cut.mp4"
    centres = cut_clip(video)
    tr = lifter_track(n=N, fps=CUT_FPS, bar_xy=centres + [0, 15])  # the hands hold the bar
    plate = track_plate(video, tr, PlateTrackerOptions(find_bar_end=False))
    after = np.arange(CUT, N)
    err = np.linalg.norm(plate.centre_xy_px[after] - centres[after], axis=1)
    assert np.mean(err < 3.0) >= 0.8  # NaN (not found) counts as missed
