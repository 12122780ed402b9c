"""Annotated videos and pictures: the pose, the feedback, the reps and the bar path drawn on the footage.

:func:`write_annotated_video` streams the source video frame by frame
(:func:`formlab.media.iter_video_frames`), scales it so that its short side is
at most :data:`VIDEO_SHORT_SIDE_PX` (720 px; ``max_short_side_px=None`` keeps the
source's size), draws on each frame (:mod:`formlab.viz.overlay`) and encodes it
with PyAV (x264 preset ``superfast``, all cores) as **H.264 in MP4,
yuv420p, even width and height, moov atom first** ("faststart"): the one
combination every browser (Chromium, Firefox, Safari) and Google Colab play
inline. (OpenCV's ``mp4v`` fourcc, as in the article, writes MPEG-4 Part 2,
which browsers refuse.) Memory stays flat whatever the video's length, and
the file appears under its name only when complete.

:func:`show_video` displays a video inline in a notebook;
:func:`save_worst_frames` saves, for each failed check, the annotated frame
where it failed worst as a PNG; :func:`write_annotated_image` does a single
photo.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, InputError, OutputError
from ..core.files import atomic_path, atomic_write, ensure_dir
from ..core.track import PoseTrack
from ..exercises import checks_of, thresholds_of
from ..form import judge
from ..io.frame_cache import video_frames
from ..io.media import iter_video_frames, media_kind, probe_video, read_image
from .frame_overlays import Overlays, annotate_frame, held_verdict, rep_at
from .overlay import draw_overlay

__all__ = [
    "annotate_frame",
    "held_verdict",
    "save_worst_frames",
    "show_video",
    "write_annotated_image",
    "write_annotated_video",
]


# --------------------------------------------------------------------------- video
VIDEO_SHORT_SIDE_PX = 720
"""Default size of an annotated video: its short side at most this many pixels (720p, the source's
size when smaller). A phone's 1080x1920 clip has 2.25 times the pixels of 720x1280, every one of
which is scaled, drawn on and encoded, while a phone or a laptop shows both alike; pass
``max_short_side_px=None`` (``formlab analyze --video-size full``) to keep the source's size."""


def _even(n: int) -> int:
    return n - (n % 2)


def _scaled(overlay, factor: float):
    """``overlay`` with its positions multiplied by ``factor`` (to draw on a resized frame)."""
    if factor == 1.0:
        return overlay
    return dataclasses.replace(
        overlay,
        xy_px=None if overlay.xy_px is None else overlay.xy_px * factor,
        trail_xy_px=None if overlay.trail_xy_px is None else overlay.trail_xy_px * factor,
    )


def _to_i420(rgb: np.ndarray, cv2) -> np.ndarray:
    """An RGB frame (even width and height) as planar YUV 4:2:0, the encoder's input.

    OpenCV converts with the same BT.601 limited-range matrix as FFmpeg's scaler, which
    PyAV would otherwise run on each RGB frame inside ``encode`` (luma within one level,
    chroma averaged over 2x2 pixels alike), in a fraction of its time: about 2 ms instead of
    6-8 ms per 608x1080 frame, measured on squatAnalysis-rohanx01__squat at load 10 (issue 15).
    """
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)


def _shrunk(rgb: np.ndarray, max_short_side_px: int | None) -> tuple[np.ndarray, float]:
    """``rgb`` scaled so that its short side is at most ``max_short_side_px``, and the factor."""
    import cv2

    h, w = rgb.shape[:2]
    factor = min(1.0, int(max_short_side_px) / min(h, w)) if max_short_side_px else 1.0
    if factor >= 1.0:
        return rgb, 1.0
    size = (max(2, round(w * factor)), max(2, round(h * factor)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR), factor


def write_annotated_video(
    video: str | os.PathLike,
    track: PoseTrack,
    feedback: pd.DataFrame | None,
    output: str | os.PathLike,
    *,
    reps: pd.DataFrame | None = None,
    bar_xy_px: Any = None,
    trail_s: float = 2.0,
    hold_s: float = 1.5,
    crf: int = 23,
    preset: str = "superfast",
    min_visibility: float = 0.5,
    progress: bool = True,
    start_frame: int = 0,
    end_frame: int | None = None,
    max_height_px: int | None = None,
    max_short_side_px: int | None = VIDEO_SHORT_SIDE_PX,
    cancel: threading.Event | None = None,
    image_to_scene: Any = None,
) -> Path:
    """Write ``video`` with the pose, the feedback, the rep counter and the bar path drawn on every frame.

    Parameters
    ----------
    video : path
        The source video (the one ``track`` was extracted from).
    track : PoseTrack
        Its pose track.
    feedback : DataFrame or None
        From :func:`formlab.feedback.evaluate_form` on ``track`` (None: skeleton only).
    output : path
        Where to write the MP4 (``.mp4``). Written to a temporary file in the
        same folder and moved into place when complete.
    reps : DataFrame, optional
        Reps table (``rep``, ``start_frame``, ``turn_frame``, ``end_frame``):
        a counter that goes up at each rep's turning point, the depth verdict
        from each rep's turning point to its end (see :func:`held_verdict`), and
        the verdict of the last finished rep at the bottom.
    bar_xy_px : array (n_frames, 2) or DataFrame (``frame``, ``x_px``, ``y_px``), optional
        Bar positions in pixels, one per track frame, drawn as a trail of the
        last ``trail_s`` seconds.
    image_to_scene : array (n_frames, 2, 3), optional
        When the camera moved, each frame's transform to scene pixels (``BarPath.image_to_scene``):
        the trail is then drawn through the bar's past positions in the room, carried into each
        frame's picture (:func:`~formlab.viz.frame_overlays.trail_in_frame`), not through the
        pixels where the bar was seen, which hold the camera's own motion.
    hold_s : float
        Without reps, how long the verdict of a check judged at one frame (depth) stays on screen.

    crf : int
        x264 constant rate factor, 0-51 (23 is x264's default: visually clean
        at a few Mbit/s for 1080p).
    preset : str
        x264 speed preset ("superfast" trades a somewhat larger file, at the
        same quality, for about three times the speed of "medium"; the
        encoder uses all cores).
    progress : bool
        Show a progress bar (tqdm; a widget in notebooks).
    start_frame, end_frame : int
        Half-open range of decoded frames to render (default: all), e.g. the
        reps only; the video then starts at 0 s.
    max_height_px : int, optional
        Scale the picture down (after drawing, so the annotation keeps its
        proportions) to at most this height, e.g. 480 for a small video to
        embed in a notebook.
    max_short_side_px : int or None
        Scale each frame down, before drawing, so that its short side is at
        most this many pixels (default :data:`VIDEO_SHORT_SIDE_PX`; None: the
        source's size). The annotation is drawn at the new size.
    cancel : threading.Event, optional
        When set (from another thread), writing stops with an
        :class:`OutputError` and nothing is left behind.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    InputError
        If the video cannot be read or does not match the track.
    OutputError, ConfigError
        If ``output`` is not an ``.mp4`` in a writable folder, or ``crf`` is out of range.

    Notes
    -----
    A track made with ``stride`` > 1 has poses on every ``stride``-th frame;
    the frames between show the last analysed frame's pose and verdicts, so
    the annotation does not flicker.
    """
    import av
    import cv2

    from ..core.stages import progress_bar as tqdm

    output = Path(output)
    if output.suffix.lower() != ".mp4":
        raise OutputError(
            f"{output}: annotated videos are written as .mp4 (H.264), got {output.suffix!r}"
        )
    if not 0 <= int(crf) <= 51:
        raise ConfigError(f"crf = {crf} is out of range [0, 51]")
    info = probe_video(video)
    if track.meta.width_px and (info.width_px, info.height_px) != (
        track.meta.width_px,
        track.meta.height_px,
    ):
        raise InputError(
            f"{video}: the video is {info.width_px}x{info.height_px} px but the track was made from "
            f"{track.meta.width_px}x{track.meta.height_px} px frames"
        )
    if max_height_px is not None and int(max_height_px) < 16:
        raise ConfigError(
            f"max_height_px = {max_height_px} is too small; use at least 16 (or None for full size)"
        )
    if max_short_side_px is not None and int(max_short_side_px) < 16:
        raise ConfigError(
            f"max_short_side_px = {max_short_side_px} is too small; use at least 16 (or None)"
        )
    overlays = Overlays(
        track, feedback, reps, bar_xy_px, trail_s, hold_s, min_visibility, image_to_scene
    )
    short = min(info.width_px, info.height_px)
    first = min(1.0, int(max_short_side_px) / short) if max_short_side_px else 1.0
    drawn = (max(2, round(info.width_px * first)), max(2, round(info.height_px * first)))
    shrink = min(1.0, int(max_height_px) / drawn[1]) if max_height_px else 1.0
    size = (max(2, round(drawn[0] * shrink)), max(2, round(drawn[1] * shrink)))
    width, height = _even(size[0]), _even(size[1])
    n_frames: int | None = (
        min(end_frame, info.n_frames)
        if end_frame is not None and info.n_frames
        else end_frame
        if end_frame is not None
        else info.n_frames
    )
    n_frames = max(0, n_frames - int(start_frame)) if n_frames else None
    fps = (
        info.fps
        if np.isfinite(info.fps) and info.fps > 0
        else (track.fps if np.isfinite(track.fps) else 30.0)
    )
    rate = Fraction(fps).limit_denominator(1001)
    time_base = Fraction(1, 90000)

    with atomic_path(output) as tmp:
        container = av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = width, height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = time_base
            stream.options = {"crf": str(int(crf)), "preset": preset, "threads": "auto"}
            last_pts = -1
            first_s = None
            bar = tqdm(
                total=n_frames or None,
                desc=f"video: {Path(video).name}",
                unit="frame",
                disable=not progress,
            )
            try:
                for fr in iter_video_frames(
                    video, start_frame=int(start_frame), end_frame=end_frame
                ):
                    if cancel is not None and cancel.is_set():
                        raise OutputError(f"{output}: writing the annotated video was cancelled")
                    rgb = fr.rgb
                    if first < 1.0:
                        rgb = cv2.resize(rgb, drawn, interpolation=cv2.INTER_LINEAR)
                    rgb = draw_overlay(rgb, _scaled(overlays(fr.index, fr.time_s), first))
                    if shrink < 1.0:
                        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
                    rgb = np.ascontiguousarray(rgb[:height, :width])
                    vf = av.VideoFrame.from_ndarray(_to_i420(rgb, cv2), format="yuv420p")
                    first_s = fr.time_s if first_s is None else first_s
                    pts = max(round((fr.time_s - first_s) / time_base), last_pts + 1)
                    vf.pts, vf.time_base = pts, time_base
                    last_pts = pts
                    for packet in stream.encode(vf):
                        container.mux(packet)
                    bar.update(1)
                for packet in stream.encode():
                    container.mux(packet)
            finally:
                bar.close()
        finally:
            container.close()
    return output


# --------------------------------------------------------------------------- pictures
PNG_COMPRESS_LEVEL = 1
"""zlib level of the annotated pictures (worst frames, photos). Measured on a 1080x1920 worst
frame of barpath-lukestynes__small-squat: level 1 writes it in 0.13 s and 672 kB, Pillow's default
(6) in 0.42 s and 603 kB; a re-analysis writes one per failed check (issue 15)."""


def _save_png(rgb: np.ndarray, path: Path) -> Path:
    from PIL import Image

    return atomic_write(
        path,
        lambda tmp: Image.fromarray(rgb).save(tmp, format="PNG", compress_level=PNG_COMPRESS_LEVEL),
    )


def _read_frames(source: str | os.PathLike, frames: set[int]) -> dict[int, np.ndarray]:
    """The RGB pixels of some frames of a video, or of a photo (frame 0).

    A video's frames come from :func:`formlab.io.frame_cache.video_frames` (kept ones from
    the cache, the rest in one decoding pass).
    """
    if media_kind(source) == "image":
        return {f: read_image(source)[0] for f in frames}
    found = video_frames(source, frames)
    missing = sorted(set(frames) - set(found))
    if missing:
        raise InputError(f"{source}: has no frame {missing[0]}")
    return found


def write_annotated_image(
    image: str | os.PathLike,
    track: PoseTrack,
    feedback: pd.DataFrame | None,
    output: str | os.PathLike,
    *,
    min_visibility: float = 0.5,
) -> Path:
    """Annotate a single photo (a one-frame track) and save it as PNG, atomically."""
    output = Path(output)
    if output.suffix.lower() != ".png":
        raise OutputError(
            f"{output}: annotated pictures are written as .png, got {output.suffix!r}"
        )
    rgb = read_image(image)[0]
    frame = int(track.frame[0]) if track.n_frames else 0
    return _save_png(
        annotate_frame(rgb, track, feedback, frame, min_visibility=min_visibility), output
    )


def _worst_caption(worst: pd.Series, reps: pd.DataFrame | None) -> str:
    """The bottom line of a worst-frame picture: which rep, which frame, the value, the advice.

    Said outright because the video's own bottom line (the last *finished*
    rep's verdict) would name the previous rep on a frame inside a rep. It says
    "single frame" because ``reps.csv`` reports another worst value for the same
    check and rep: the worst the rep *held* for ``rep_summary.min_fail_duration_s``
    (the value its verdict rests on), milder than the one worst frame and at
    another frame (issue 14).
    """
    f = int(worst["frame"])
    where = f"frame {f}"
    rep = rep_at(reps, f)
    if rep is not None:
        where = f"rep {int(rep['rep'])}, " + where
    # three significant digits: a failing ratio of 0.76 must not print as the 0.8 limit
    value = (
        f"{float(worst['value']):.3g} {worst['unit']}".rstrip() if pd.notna(worst["value"]) else ""
    )
    return (
        f"worst single frame of {worst['check']}: {where}"
        + (f", {value}" if value else "")
        + f": {worst['message']}"
    )


def save_worst_frames(
    source: str | os.PathLike,
    track: PoseTrack,
    feedback: pd.DataFrame,
    out_dir: str | os.PathLike,
    *,
    reps: pd.DataFrame | None = None,
    bar_xy_px: Any = None,
    min_visibility: float = 0.5,
    max_short_side_px: int | None = VIDEO_SHORT_SIDE_PX,
) -> pd.DataFrame:
    """Save, for each check that failed, the annotated frame where it failed worst as a PNG.

    With ``reps``, only frames inside reps and checks that failed in a rep
    count (see :func:`formlab.form.judge.worst_frames`). Each picture is
    scaled, before drawing, to the annotated video's size: its short side at
    most ``max_short_side_px`` (default :data:`VIDEO_SHORT_SIDE_PX`, 720 px; None
    keeps the source's). A 1080x1920 frame drawn and PNG-encoded at full size
    took 0.2-0.4 s per picture, most of a re-analysis with new thresholds (issue 15);
    a phone or a laptop shows a 720x1280 picture alike.

    Returns
    -------
    DataFrame
        :func:`formlab.form.judge.worst_frames` plus a ``path`` column
        (``<out_dir>/worst_<check>_frame<N>.png``). Empty when nothing failed.
    """
    worst = judge.worst_frames(feedback, checks_of(feedback), thresholds_of(feedback), reps=reps)
    if worst.empty:  # no folder for no pictures
        worst["path"] = []
        return worst
    if max_short_side_px is not None and int(max_short_side_px) < 16:
        raise ConfigError(
            f"max_short_side_px = {max_short_side_px} is too small; use at least 16 (or None)"
        )
    out_dir = ensure_dir(out_dir)
    pixels = _read_frames(source, {int(f) for f in worst["frame"]})
    # what annotate_frame draws, its overlays built once for all the pictures
    overlays = Overlays(track, feedback, reps, bar_xy_px, 2.0, 1.5, min_visibility)
    paths = []
    for _, w in worst.iterrows():
        frame = int(w["frame"])
        rgb, factor = _shrunk(pixels[frame], max_short_side_px)
        overlay = dataclasses.replace(
            _scaled(overlays(frame, 0.0), factor),
            highlight=w["check"],
            footer=_worst_caption(w, reps),
        )
        picture = draw_overlay(rgb, overlay)
        paths.append(_save_png(picture, out_dir / f"worst_{w['check']}_frame{frame}.png"))
    worst["path"] = pd.Series(paths, index=worst.index, dtype=object)
    return worst


# --------------------------------------------------------------------------- notebooks
def show_video(path: str | os.PathLike, *, width: int | None = 480, embed: bool = True):
    """Show an MP4 inline in Jupyter or Colab.

    With ``embed=True`` (default) the video is put into the notebook as a
    data URL, which works everywhere (Colab cannot reach files in the
    runtime by URL) at the cost of notebook size; ``embed=False`` links the
    file, which must then be below the notebook server's root.
    """
    from IPython.display import HTML

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such video")
    size = f' width="{int(width)}"' if width else ""
    if embed:
        src = "data:video/mp4;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    else:
        src = path.as_posix()
    return HTML(f'<video controls loop muted playsinline{size} src="{src}"></video>')
