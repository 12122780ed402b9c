"""Annotated videos and pictures: the pose, the feedback, the reps and the bar path drawn on the footage.

:func:`write_annotated_video` streams the source video frame by frame
(:func:`formlab.media.iter_video_frames`), draws on each frame
(:mod:`formlab.drawing`) and encodes it with PyAV as **H.264 in MP4,
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
from ..form.check import NOT_ASSESSABLE
from ..io.media import iter_video_frames, media_kind, probe_video, read_image
from .overlay import FrameOverlay, draw_overlay

__all__ = ["write_annotated_video", "write_annotated_image", "annotate_frame", "save_worst_frames", "show_video",
           "held_verdict"]


# --------------------------------------------------------------------------- per-frame overlays
def _bar_positions(track: PoseTrack, bar_xy_px: Any) -> np.ndarray | None:
    """Bar positions aligned with the track's rows, shape (n_frames, 2), or None."""
    if bar_xy_px is None:
        return None
    if isinstance(bar_xy_px, pd.DataFrame):
        missing = [c for c in ("frame", "x_px", "y_px") if c not in bar_xy_px.columns]
        if missing:
            raise InputError(f"bar path table lacks the columns {missing}; expected frame, x_px, y_px")
        out = np.full((track.n_frames, 2), np.nan)
        pos = {int(f): i for i, f in enumerate(track.frame)}
        for f, x, y in bar_xy_px[["frame", "x_px", "y_px"]].itertuples(index=False):
            if int(f) in pos:
                out[pos[int(f)]] = (x, y)
        return out
    arr = np.asarray(bar_xy_px, dtype=float)
    if arr.shape != (track.n_frames, 2):
        raise InputError(f"bar positions must have shape ({track.n_frames}, 2) (one x_px, y_px per track frame), "
                         f"got {arr.shape}")
    return arr


def _rep_at(reps: pd.DataFrame | None, frame: int) -> pd.Series | None:
    """The row of the (last) rep whose start-to-end span holds ``frame``, or None."""
    if reps is None or not len(reps):
        return None
    inside = reps[(reps["start_frame"] <= frame) & (reps["end_frame"] >= frame)]
    return inside.iloc[-1] if len(inside) else None


def held_verdict(frames: np.ndarray, time_s: np.ndarray, verdict: np.ndarray, reps: pd.DataFrame | None,
                 hold_s: float) -> np.ndarray:
    """The verdict of a check judged once per rep (depth, lockout) to show on each frame of the track.

    Such a check is judged at a single frame per rep (depth: its lowest
    point), which on video flashes by in a few hundredths of a second. So the
    verdict is held:
    inside a rep, from the rep's turning point (or the judged frame, if that
    comes first) until the rep's end; outside any rep (no reps table), from
    the judged frame for ``hold_s`` seconds.

    Parameters
    ----------
    frames : ndarray (n,)
        Decoded-frame numbers of the track's rows.
    time_s : ndarray (n,)
        Their times in seconds.
    verdict : ndarray (n,) of str
        The check's feedback column: a verdict at judged frames,
        ``"not_assessable"`` elsewhere.
    reps : DataFrame or None
        ``start_frame``, ``end_frame`` and, optionally, ``turn_frame``.
    hold_s : float
        How long a verdict judged outside any rep stays.

    Returns
    -------
    ndarray (n,) of str
        The verdict to draw on each row; a later verdict replaces an
        earlier one where their spans overlap.
    """
    frames = np.asarray(frames)
    t = np.asarray(time_s, dtype=float)
    status = np.asarray(verdict, dtype=object)
    held = np.full(len(status), NOT_ASSESSABLE, dtype=object)
    for k in np.flatnonzero(status != NOT_ASSESSABLE):
        f = frames[k]
        rep = _rep_at(reps, f)
        if rep is not None:
            first = min(f, rep["turn_frame"]) if "turn_frame" in rep and pd.notna(rep["turn_frame"]) else f
            span = (frames >= first) & (frames <= rep["end_frame"])
        else:
            span = (t >= t[k]) & (t <= t[k] + hold_s)
        held[span] = status[k]
    return held


class _Overlays:
    """Builds the :class:`FrameOverlay` of any decoded frame from the track, feedback, reps and bar path."""

    def __init__(self, track: PoseTrack, feedback: pd.DataFrame | None, reps: pd.DataFrame | None,
                 bar_xy_px: Any, trail_s: float, hold_s: float, min_visibility: float):
        self.track = track
        self.feedback = feedback
        self.rows = {int(f): i for i, f in enumerate(track.frame)}
        frames = np.asarray(track.frame, dtype=np.int64)
        self._order = np.argsort(frames, kind="stable")
        self._sorted_frames = frames[self._order]
        steps = np.diff(self._sorted_frames)
        steps = steps[steps > 0]
        # a track made with stride s has a pose every s frames; the frames between show the last one
        self._step = int(np.median(steps)) if steps.size else 1
        self.bar = _bar_positions(track, bar_xy_px)
        self.trail_s = trail_s
        self.min_visibility = min_visibility
        self.checks = checks_of(feedback) if feedback is not None else ()
        if feedback is not None and len(feedback) != track.n_frames:
            raise InputError(f"the feedback table has {len(feedback)} rows but the track {track.n_frames} frames; "
                             "compute it from this track")
        self.turns = np.sort(reps["turn_frame"].to_numpy()) if reps is not None and "turn_frame" in reps else None
        self.rep_lines: list[tuple[int, str]] = []
        if reps is not None and feedback is not None and len(reps):
            summary = judge.judge_reps(feedback, reps, self.checks, thresholds_of(feedback))
            for _, r in summary.iterrows():
                verdict = r["messages"] if r["failed_checks"] else "good"
                self.rep_lines.append((int(r["end_frame"]), f"rep {r['rep']}: {verdict}"))
        self._held = {}  # checks judged once per rep: their verdict stays on screen (see held_verdict)
        if feedback is not None:
            for c in self.checks:
                if c.per_rep == "best":
                    self._held[c.name] = held_verdict(
                        feedback["frame"].to_numpy(), feedback["time_s"].to_numpy(dtype=float),
                        feedback[c.name].astype(str).to_numpy(dtype=object), reps, hold_s)

    def _row(self, frame_index: int) -> int | None:
        """The track row drawn on a decoded frame: its own, else the last analysed frame less than a stride before."""
        row = self.rows.get(int(frame_index))
        if row is not None:
            return row
        i = int(np.searchsorted(self._sorted_frames, int(frame_index), side="right")) - 1
        if i < 0 or int(frame_index) - self._sorted_frames[i] >= self._step:
            return None
        return int(self._order[i])

    def __call__(self, frame_index: int, time_s: float) -> FrameOverlay:
        row = self._row(frame_index)
        rep_count = None if self.turns is None else int(np.sum(self.turns <= frame_index))
        footer = ""
        for end, text in self.rep_lines:
            if frame_index > end:
                footer = text
        if row is None:
            return FrameOverlay(rep_count=rep_count, footer=footer)
        statuses = None
        view = ""
        if self.feedback is not None:
            fb = self.feedback.iloc[row]
            statuses = {c.name: str(fb[c.name]) for c in self.checks}
            for name, held in self._held.items():
                statuses[name] = str(held[row])
            view = str(fb["view"])
        trail = None
        if self.bar is not None:
            t = self.track.time_s
            keep = (t <= t[row]) & (t >= t[row] - self.trail_s)
            trail = self.bar[keep]
        return FrameOverlay(xy_px=self.track.xy_px[row], visibility=self.track.visibility[row], statuses=statuses,
                            titles={c.name: c.title for c in self.checks}, cues={c.name: c.cue for c in self.checks},
                            view=view, rep_count=rep_count, trail_xy_px=trail, footer=footer,
                            min_visibility=self.min_visibility)


def annotate_frame(rgb: np.ndarray, track: PoseTrack, feedback: pd.DataFrame | None = None, frame: int = 0, *,
                   reps: pd.DataFrame | None = None, bar_xy_px: Any = None, trail_s: float = 2.0,
                   highlight: str | None = None, min_visibility: float = 0.5,
                   footer: str | None = None) -> np.ndarray:
    """Draw the annotation of decoded frame number ``frame`` on ``rgb`` and return the new picture.

    Convenient in notebooks; :func:`write_annotated_video` does the same for every frame.
    ``footer`` replaces the bottom line (by default the verdict of the last finished rep).
    """
    ov = _Overlays(track, feedback, reps, bar_xy_px, trail_s, 1.5, min_visibility)(frame, 0.0)
    if highlight is not None:
        ov = dataclasses.replace(ov, highlight=highlight)
    if footer is not None:
        ov = dataclasses.replace(ov, footer=footer)
    return draw_overlay(rgb, ov)


# --------------------------------------------------------------------------- video
def _even(n: int) -> int:
    return n - (n % 2)


def write_annotated_video(video: str | os.PathLike, track: PoseTrack, feedback: pd.DataFrame | None,
                          output: str | os.PathLike, *, reps: pd.DataFrame | None = None, bar_xy_px: Any = None,
                          trail_s: float = 2.0, hold_s: float = 1.5, crf: int = 23,
                          preset: str = "veryfast", min_visibility: float = 0.5, progress: bool = True,
                          start_frame: int = 0, end_frame: int | None = None,
                          max_height_px: int | None = None) -> Path:
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
    hold_s : float
        Without reps, how long the verdict of a check judged at one frame (depth) stays on screen.

    crf : int
        x264 constant rate factor, 0-51 (23 is x264's default: visually clean
        at a few Mbit/s for 1080p).
    preset : str
        x264 speed preset ("veryfast" trades a slightly larger file for about
        twice the speed of "medium").
    progress : bool
        Show a progress bar (tqdm; a widget in notebooks).
    start_frame, end_frame : int
        Half-open range of decoded frames to render (default: all), e.g. the
        reps only; the video then starts at 0 s.
    max_height_px : int, optional
        Scale the picture down (after drawing, so the annotation keeps its
        proportions) to at most this height, e.g. 480 for a small video to
        embed in a notebook.

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
    from PIL import Image
    from tqdm.auto import tqdm

    output = Path(output)
    if output.suffix.lower() != ".mp4":
        raise OutputError(f"{output}: annotated videos are written as .mp4 (H.264), got {output.suffix!r}")
    if not 0 <= int(crf) <= 51:
        raise ConfigError(f"crf = {crf} is out of range [0, 51]")
    info = probe_video(video)
    if track.meta.width_px and (info.width_px, info.height_px) != (track.meta.width_px, track.meta.height_px):
        raise InputError(f"{video}: the video is {info.width_px}x{info.height_px} px but the track was made from "
                         f"{track.meta.width_px}x{track.meta.height_px} px frames")
    if max_height_px is not None and int(max_height_px) < 16:
        raise ConfigError(f"max_height_px = {max_height_px} is too small; use at least 16 (or None for full size)")
    overlays = _Overlays(track, feedback, reps, bar_xy_px, trail_s, hold_s, min_visibility)
    shrink = min(1.0, int(max_height_px) / info.height_px) if max_height_px else 1.0
    size = (max(2, int(round(info.width_px * shrink))), max(2, int(round(info.height_px * shrink))))
    width, height = _even(size[0]), _even(size[1])
    n_frames = (min(end_frame, info.n_frames) if end_frame is not None and info.n_frames else
                end_frame if end_frame is not None else info.n_frames)
    n_frames = max(0, n_frames - int(start_frame)) if n_frames else None
    fps = info.fps if np.isfinite(info.fps) and info.fps > 0 else (track.fps if np.isfinite(track.fps) else 30.0)
    rate = Fraction(fps).limit_denominator(1001)
    time_base = Fraction(1, 90000)

    with atomic_path(output) as tmp:
        container = av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = width, height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = time_base
            stream.options = {"crf": str(int(crf)), "preset": preset}
            last_pts = -1
            first_s = None
            bar = tqdm(total=n_frames or None, desc=f"annotating {Path(video).name}", unit="frame",
                       disable=not progress)
            try:
                for fr in iter_video_frames(video, start_frame=int(start_frame), end_frame=end_frame):
                    rgb = draw_overlay(fr.rgb, overlays(fr.index, fr.time_s))
                    if shrink < 1.0:
                        rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.BILINEAR))
                    rgb = rgb[:height, :width]
                    vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
                    first_s = fr.time_s if first_s is None else first_s
                    pts = max(int(round((fr.time_s - first_s) / time_base)), last_pts + 1)
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
def _save_png(rgb: np.ndarray, path: Path) -> Path:
    from PIL import Image

    return atomic_write(path, lambda tmp: Image.fromarray(rgb).save(tmp, format="PNG"))


def _read_frames(source: str | os.PathLike, frames: set[int]) -> dict[int, np.ndarray]:
    """The RGB pixels of some frames of a video (one decoding pass), or of a photo (frame 0)."""
    if media_kind(source) == "image":
        return {f: read_image(source)[0] for f in frames}
    found: dict[int, np.ndarray] = {}
    if frames:
        for fr in iter_video_frames(source, start_frame=min(frames), end_frame=max(frames) + 1):
            if fr.index in frames:
                found[fr.index] = fr.rgb
    missing = sorted(set(frames) - set(found))
    if missing:
        raise InputError(f"{source}: has no frame {missing[0]}")
    return found


def write_annotated_image(image: str | os.PathLike, track: PoseTrack, feedback: pd.DataFrame | None,
                          output: str | os.PathLike, *, min_visibility: float = 0.5) -> Path:
    """Annotate a single photo (a one-frame track) and save it as PNG, atomically."""
    output = Path(output)
    if output.suffix.lower() != ".png":
        raise OutputError(f"{output}: annotated pictures are written as .png, got {output.suffix!r}")
    rgb = read_image(image)[0]
    frame = int(track.frame[0]) if track.n_frames else 0
    return _save_png(annotate_frame(rgb, track, feedback, frame, min_visibility=min_visibility), output)


def _worst_caption(worst: pd.Series, reps: pd.DataFrame | None) -> str:
    """The bottom line of a worst-frame picture: which rep, which frame, the value, the advice.

    Said outright because the video's own bottom line (the last *finished*
    rep's verdict) would name the previous rep on a frame inside a rep."""
    f = int(worst["frame"])
    where = f"frame {f}"
    rep = _rep_at(reps, f)
    if rep is not None:
        where = f"rep {int(rep['rep'])}, " + where
    # three significant digits: a failing ratio of 0.76 must not print as the 0.8 limit
    value = f"{float(worst['value']):.3g} {worst['unit']}".rstrip() if pd.notna(worst["value"]) else ""
    return f"worst {worst['check']}: {where}" + (f", {value}" if value else "") + f": {worst['message']}"


def save_worst_frames(source: str | os.PathLike, track: PoseTrack, feedback: pd.DataFrame,
                      out_dir: str | os.PathLike, *, reps: pd.DataFrame | None = None, bar_xy_px: Any = None,
                      min_visibility: float = 0.5) -> pd.DataFrame:
    """Save, for each check that failed, the annotated frame where it failed worst as a PNG.

    With ``reps``, only frames inside reps and checks that failed in a rep
    count (see :func:`formlab.form.judge.worst_frames`).

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
    out_dir = ensure_dir(out_dir)
    pixels = _read_frames(source, {int(f) for f in worst["frame"]})
    paths = []
    for _, w in worst.iterrows():
        rgb = pixels[int(w["frame"])]
        picture = annotate_frame(rgb, track, feedback, int(w["frame"]), reps=reps, bar_xy_px=bar_xy_px,
                                 highlight=w["check"], min_visibility=min_visibility, footer=_worst_caption(w, reps))
        paths.append(_save_png(picture, out_dir / f"worst_{w['check']}_frame{int(w['frame'])}.png"))
    worst["path"] = paths
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
