"""Annotated videos (H.264, streamed, atomic), worst-frame PNGs, annotated photos, the notebook helper."""

from __future__ import annotations

import tracemalloc

import av
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from support.constructed_posture import STANDING, make_track, with_changes

import formlab.viz.video as annotate
from formlab import InputError, OutputError, evaluate_form
from formlab.form.check import FAIL, NOT_ASSESSABLE, PASS
from formlab.io import samples
from formlab.io.media import probe_video
from formlab.pipeline.feedback import worst_frames
from formlab.viz.frame_overlays import Overlays

pytestmark = pytest.mark.media

SHORT = "tfjs-models__pose_squats"  # 65 frames at 5 fps
CLIP = "squatAnalysis-rohanx01__squat"


def reps_from_manifest(name: str, half: int) -> pd.DataFrame:
    turns = samples.sample_info(name)["rep_frames"]
    return pd.DataFrame(
        {
            "rep": range(1, len(turns) + 1),
            "start_frame": [max(0, t - half) for t in turns],
            "turn_frame": turns,
            "end_frame": [t + half for t in turns],
        }
    )


@pytest.fixture(scope="module")
def short_video(sample_path, sample_track, tmp_path_factory):
    src = sample_path(SHORT)
    track = sample_track(SHORT)
    reps = reps_from_manifest(SHORT, 5)
    fb = evaluate_form(track, "squat", reps=reps)
    bar = (track.landmark_xy_px("left_wrist") + track.landmark_xy_px("right_wrist")) / 2
    out = tmp_path_factory.mktemp("annotated") / "short.mp4"
    annotate.write_annotated_video(src, track, fb, out, reps=reps, bar_xy_px=bar, progress=False)
    return src, out


def test_h264_mp4_that_browsers_play(short_video):
    src, out = short_video
    info = probe_video(src)
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
        assert s.width % 2 == 0 and s.height % 2 == 0
        assert (s.width, s.height) == (
            info.width_px - info.width_px % 2,
            info.height_px - info.height_px % 2,
        )
        n = sum(1 for _ in c.decode(s))
    assert n == info.n_frames
    assert probe_video(out).duration_s == pytest.approx(info.duration_s, abs=1.5 / info.fps)
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # "faststart": playable while downloading
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_frames_are_annotated(short_video, sample_path):
    src, out = short_video
    with av.open(str(src)) as a, av.open(str(out)) as b:
        orig = next(a.decode(video=0)).to_ndarray(format="rgb24")
        ann = next(b.decode(video=0)).to_ndarray(format="rgb24")
    h, w = ann.shape[:2]
    diff = np.abs(orig[:h, :w].astype(int) - ann.astype(int)).sum(axis=2) > 60
    assert diff[: h // 4, : w // 2].mean() > 0.05  # the status panel, top left
    assert 0.005 < diff.mean() < 0.5  # skeleton and panels, not a different picture


def test_interrupted_write_leaves_nothing(sample_path, sample_track, tmp_path, monkeypatch):
    track = sample_track(SHORT)
    fb = evaluate_form(track, "squat")
    calls = {"n": 0}
    real = annotate.draw_overlay

    def failing(rgb, overlay):
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return real(rgb, overlay)

    monkeypatch.setattr(annotate, "draw_overlay", failing)
    with pytest.raises(KeyboardInterrupt):
        annotate.write_annotated_video(
            sample_path(SHORT), track, fb, tmp_path / "out.mp4", progress=False
        )
    assert list(tmp_path.iterdir()) == []


def test_bad_inputs(sample_path, sample_track, tmp_path):
    track = sample_track(SHORT)
    fb = evaluate_form(track, "squat")
    with pytest.raises(OutputError, match=r"out.avi: annotated videos are written as .mp4"):
        annotate.write_annotated_video(
            sample_path(SHORT), track, fb, tmp_path / "out.avi", progress=False
        )
    with pytest.raises(
        InputError, match="the video is 720x1280 px but the track was made from 608x1080"
    ):
        annotate.write_annotated_video(
            sample_path(SHORT), sample_track(CLIP), None, tmp_path / "o.mp4", progress=False
        )
    with pytest.raises(InputError, match="bar positions must have shape"):
        annotate.write_annotated_video(
            sample_path(SHORT),
            track,
            fb,
            tmp_path / "o.mp4",
            bar_xy_px=np.zeros((3, 2)),
            progress=False,
        )
    with pytest.raises(OutputError, match="does not exist"):
        annotate.write_annotated_video(
            sample_path(SHORT), track, fb, tmp_path / "no" / "o.mp4", progress=False
        )


def test_memory_stays_flat(sample_path, sample_track, tmp_path):
    """Frames are streamed: Python's peak memory is a few frames, not the clip (65 frames of 720x1280 = 180 MB)."""
    track = sample_track(SHORT)
    fb = evaluate_form(track, "squat")
    tracemalloc.start()
    try:
        annotate.write_annotated_video(
            sample_path(SHORT), track, fb, tmp_path / "long.mp4", progress=False
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    frame_bytes = 720 * 1280 * 3
    assert peak < 15 * frame_bytes, f"peak {peak / 1e6:.0f} MB"
    assert probe_video(tmp_path / "long.mp4").n_frames == track.n_frames == 65


def test_worst_frames_saved_as_png(sample_path, sample_track, tmp_path):
    track = sample_track(CLIP)
    reps = reps_from_manifest(CLIP, 36)
    fb = evaluate_form(track, "front_squat", reps=reps)
    saved = annotate.save_worst_frames(sample_path(CLIP), track, fb, tmp_path / "worst", reps=reps)
    assert list(saved["check"]) == list(worst_frames(fb, reps=reps)["check"]) and len(saved) >= 1
    for _, row in saved.iterrows():
        assert row["path"].name == f"worst_{row['check']}_frame{row['frame']}.png"
        with Image.open(row["path"]) as im:
            assert im.size == (608, 1080)
    assert "elbows_up" in set(saved["check"])


def test_worst_frames_drawn_at_the_videos_size(sample_path, sample_track, tmp_path):
    """Worst frames are scaled (short side at most ``max_short_side_px``) before drawing;
    ``None`` keeps the source's size and draws what :func:`annotate_frame` draws."""
    from formlab.core.landmarks import LANDMARK_INDEX
    from formlab.io.media import iter_video_frames
    from formlab.viz.style import SIDE_RGB

    track = sample_track(CLIP)
    reps = reps_from_manifest(CLIP, 36)
    fb = evaluate_form(track, "front_squat", reps=reps)
    small = annotate.save_worst_frames(
        sample_path(CLIP), track, fb, tmp_path / "small", reps=reps, max_short_side_px=304
    )
    full = annotate.save_worst_frames(
        sample_path(CLIP), track, fb, tmp_path / "full", reps=reps, max_short_side_px=None
    )
    assert list(small["frame"]) == list(full["frame"]) and len(small) >= 1
    row = full.iloc[0]
    frame = int(row["frame"])
    rgb = next(iter(iter_video_frames(sample_path(CLIP), start_frame=frame, end_frame=frame + 1)))
    expected = annotate.annotate_frame(
        rgb.rgb,
        track,
        fb,
        frame,
        reps=reps,
        highlight=row["check"],
        footer=annotate._worst_caption(row, reps),
    )
    assert np.array_equal(np.asarray(Image.open(row["path"])), expected)
    with Image.open(small.iloc[0]["path"]) as im:
        assert im.size == (304, 540)
        picture = np.asarray(im.convert("RGB")).astype(int)
    # the skeleton is drawn where the scaled landmarks are (the left hip in its colour)
    k = int(np.flatnonzero(track.frame == frame)[0])
    x, y = (track.xy_px[k, LANDMARK_INDEX["left_hip"]] * 0.5).round().astype(int)
    patch = picture[y - 3 : y + 4, x - 3 : x + 4].reshape(-1, 3)
    assert (np.abs(patch - SIDE_RGB["left"]).sum(axis=1) < 90).any()


def test_annotated_photo_and_inline_video(sample_path, sample_track, tmp_path, short_video):
    name = "ai-trainer__715_low_elbows"
    fb = evaluate_form(sample_track(name), "front_squat")
    out = annotate.write_annotated_image(
        sample_path(name), sample_track(name), fb, tmp_path / "photo.png"
    )
    with Image.open(out) as im:
        assert im.size == (480, 864)
    html = annotate.show_video(short_video[1]).data
    assert html.startswith("<video") and "data:video/mp4;base64," in html
    with pytest.raises(InputError):
        annotate.show_video(tmp_path / "missing.mp4")


def test_small_render_of_a_part_of_the_clip(sample_path, sample_track, tmp_path):
    """A shortened, downscaled render (for embedding in a notebook) starts at 0 s and keeps the annotation."""
    src, track = sample_path(SHORT), sample_track(SHORT)
    reps = reps_from_manifest(SHORT, 5)
    fb = evaluate_form(track, "squat", reps=reps)
    info = probe_video(src)
    out = annotate.write_annotated_video(
        src,
        track,
        fb,
        tmp_path / "part.mp4",
        reps=reps,
        progress=False,
        start_frame=20,
        end_frame=50,
        max_height_px=240,
    )
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.height == 240 and s.width % 2 == 0
        assert s.width == pytest.approx(info.width_px * 240 / info.height_px, abs=2)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(s)]
    assert len(frames) == 30
    assert probe_video(out).duration_s == pytest.approx(30 / info.fps, abs=1.5 / info.fps)
    # the picture is the annotated full-size frame 20, scaled down
    full = annotate.write_annotated_video(
        src,
        track,
        fb,
        tmp_path / "full.mp4",
        reps=reps,
        progress=False,
        start_frame=20,
        end_frame=21,
    )
    with av.open(str(full)) as c:
        big = next(c.decode(c.streams.video[0])).to_ndarray(format="rgb24")
    from formlab.io.media import iter_video_frames

    raw = next(iter_video_frames(src, start_frame=20, end_frame=21)).rgb
    size = frames[0].shape[1::-1]
    annotated = np.asarray(Image.fromarray(big).resize(size, Image.BILINEAR), dtype=float)
    plain = np.asarray(Image.fromarray(raw).resize(size, Image.BILINEAR), dtype=float)
    to_annotated, to_plain = np.abs(annotated - frames[0]).mean(), np.abs(plain - frames[0]).mean()
    assert to_annotated < 0.5 * to_plain, (
        to_annotated,
        to_plain,
    )  # codec noise only, and the drawing is there
    with pytest.raises(annotate.ConfigError):
        annotate.write_annotated_video(
            src, track, fb, tmp_path / "x.mp4", max_height_px=4, progress=False
        )


# --------------------------------------------------------------------------- depth verdict held on screen
def two_squats(bottoms_deg=(10.0, -30.0)):
    """Two 20-frame reps whose hips go to ``bottoms_deg`` below the knee at frames 10 and 30."""
    postures = []
    for bottom in bottoms_deg:
        thighs = list(np.linspace(-90.0, bottom, 11)) + list(np.linspace(bottom, -90.0, 10)[1:])
        postures += [
            with_changes(
                STANDING, thigh_deg=a, shin_lean_deg=0.3 * (a + 90), torso_lean_deg=0.3 * (a + 90)
            )
            for a in thighs
        ]
    # the rep detector's turning points need not be the lowest frames: here they come 2 frames earlier
    reps = pd.DataFrame(
        {"rep": [1, 2], "start_frame": [0, 20], "turn_frame": [8, 28], "end_frame": [19, 39]}
    )
    return make_track(postures), reps


def shown_depth(overlays, frames):
    return [overlays(int(f), 0.0).statuses["depth"] for f in frames]


def test_depth_verdict_shown_from_turning_point_to_rep_end():
    track, reps = two_squats()
    fb = evaluate_form(track, "squat", reps=reps)
    assert list(fb["frame"][fb["depth"] != NOT_ASSESSABLE]) == [10, 30]  # judged once per rep
    assert list(fb["depth"][fb["depth"] != NOT_ASSESSABLE]) == [PASS, FAIL]
    overlays = Overlays(track, fb, reps, None, 2.0, 1.5, 0.5)
    expected = [NOT_ASSESSABLE] * 8 + [PASS] * 12 + [NOT_ASSESSABLE] * 8 + [FAIL] * 12
    assert shown_depth(overlays, range(40)) == expected


def test_depth_verdict_stays_on_frames_between_analysed_ones():
    """A track made with stride 2 has poses on even frames; odd frames show the last pose and its verdicts."""
    full, reps = two_squats()
    track = full.select_frames(slice(None, None, 2))
    fb = evaluate_form(track, "squat", reps=reps)
    overlays = Overlays(track, fb, reps, None, 2.0, 1.5, 0.5)
    expected = [NOT_ASSESSABLE] * 8 + [PASS] * 12 + [NOT_ASSESSABLE] * 8 + [FAIL] * 12
    assert shown_depth(overlays, range(40)) == expected
    odd = overlays(31, 0.0)
    assert odd.xy_px is not None and np.array_equal(odd.xy_px, track.xy_px[15])  # frame 30's pose
    assert (
        overlays(41, 0.0).statuses is None
    )  # beyond the last analysed frame by a whole stride: nothing


def test_depth_verdict_without_reps_held_for_hold_s():
    track, _ = two_squats()
    fb = evaluate_form(track, "squat")
    judged = np.flatnonzero(fb["depth"] != NOT_ASSESSABLE)
    assert len(judged) == 2
    hold_s = 0.2  # 6 frames at 30 fps
    shown = np.array(shown_depth(Overlays(track, fb, None, None, 2.0, hold_s, 0.5), range(40)))
    t = track.time_s
    for k in judged:
        span = (t >= t[k]) & (t <= t[k] + hold_s)
        assert (shown[span] == fb["depth"][k]).all()
        assert shown[k - 1] == NOT_ASSESSABLE
    assert (shown != NOT_ASSESSABLE).sum() == 2 * round(hold_s * 30 + 1)


def test_a_worst_frame_picture_names_its_own_rep():
    from formlab.viz.video import _worst_caption

    reps = pd.DataFrame(
        {"rep": [1, 2], "start_frame": [10, 40], "turn_frame": [20, 50], "end_frame": [30, 60]}
    )
    row = pd.Series(
        {
            "check": "depth",
            "message": "Squat deeper",
            "frame": 49,
            "time_s": 1.6,
            "value": -13.63,
            "unit": "deg",
        }
    )
    # frame 49 is in rep 2, before its turning point: the video's counter says 2 there too
    overlays = Overlays(two_squats()[0], None, reps.assign(end_frame=[30, 60]), None, 2.0, 1.5, 0.5)
    assert overlays(49, 0.0).rep_count == 2 and overlays(35, 0.0).rep_count == 1
    assert overlays(5, 0.0).rep_count == 0 and overlays(61, 0.0).rep_count == 2
    assert (
        _worst_caption(row, reps)
        == "worst single frame of depth: rep 2, frame 49, -13.6 deg: Squat deeper"
    )
    assert (
        _worst_caption(row, None)
        == "worst single frame of depth: frame 49, -13.6 deg: Squat deeper"
    )
    feet = pd.Series(
        {
            "check": "feet_width",
            "message": "Set your feet shoulder-width apart",
            "frame": 49,
            "time_s": 1.6,
            "value": 0.76,
            "unit": "ratio",
        }
    )
    assert ", 0.76 ratio:" in _worst_caption(feet, reps)  # not rounded onto the 0.8 limit


def test_short_side_limited_before_drawing_and_cancel_leaves_nothing(
    sample_path, sample_track, tmp_path
):
    """``max_short_side_px`` (720 by default) scales frames before the annotation is drawn."""
    import threading

    src, track = sample_path(SHORT), sample_track(SHORT)
    info = probe_video(src)
    assert min(info.width_px, info.height_px) <= annotate.VIDEO_SHORT_SIDE_PX  # kept at its size
    out = annotate.write_annotated_video(
        src, track, None, tmp_path / "small.mp4", progress=False, end_frame=3, max_short_side_px=180
    )
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert min(s.width, s.height) == 180
        assert max(s.width, s.height) == pytest.approx(
            max(info.width_px, info.height_px) * 180 / min(info.width_px, info.height_px), abs=2
        )
        first = next(c.decode(s)).to_ndarray(format="rgb24")
    # the skeleton is drawn where the scaled landmarks are (left hip in its colour)
    from formlab.core.landmarks import LANDMARK_INDEX
    from formlab.viz.style import SIDE_RGB

    factor = 180 / min(info.width_px, info.height_px)
    x, y = (track.xy_px[0, LANDMARK_INDEX["left_hip"]] * factor).round().astype(int)
    patch = first[y - 3 : y + 4, x - 3 : x + 4].reshape(-1, 3).astype(int)
    assert (np.abs(patch - SIDE_RGB["left"]).sum(axis=1) < 90).any()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(OutputError, match="cancelled"):
        annotate.write_annotated_video(
            src, track, None, tmp_path / "never.mp4", progress=False, cancel=cancel
        )
    assert not list(tmp_path.glob("never*"))
