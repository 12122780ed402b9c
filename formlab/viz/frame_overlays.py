"""What is drawn on each frame of an annotated video.

The pose, the verdicts (held on screen for checks judged once per rep), the
rep counter and the bar's trail.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..core.track import PoseTrack
from ..exercises import checks_of, thresholds_of
from ..form import judge
from ..form.check import NOT_ASSESSABLE
from .overlay import FrameOverlay, draw_overlay


# --------------------------------------------------------------------------- per-frame overlays
def _bar_positions(track: PoseTrack, bar_xy_px: Any) -> np.ndarray | None:
    """Bar positions aligned with the track's rows, shape (n_frames, 2), or None."""
    if bar_xy_px is None:
        return None
    if isinstance(bar_xy_px, pd.DataFrame):
        missing = [c for c in ("frame", "x_px", "y_px") if c not in bar_xy_px.columns]
        if missing:
            raise InputError(
                f"bar path table lacks the columns {missing}; expected frame, x_px, y_px"
            )
        out = np.full((track.n_frames, 2), np.nan)
        pos = {int(f): i for i, f in enumerate(track.frame)}
        for f, x, y in bar_xy_px[["frame", "x_px", "y_px"]].itertuples(index=False):
            if int(f) in pos:
                out[pos[int(f)]] = (x, y)
        return out
    arr = np.asarray(bar_xy_px, dtype=float)
    if arr.shape != (track.n_frames, 2):
        raise InputError(
            f"bar positions must have shape ({track.n_frames}, 2) (one x_px, y_px per track frame), "
            f"got {arr.shape}"
        )
    return arr


def _camera_transforms(track: PoseTrack, image_to_scene: Any) -> np.ndarray | None:
    """Per-frame image-to-scene transforms, shape (n_frames, 2, 3), checked, or None."""
    if image_to_scene is None:
        return None
    a = np.asarray(image_to_scene, dtype=float)
    if a.shape != (track.n_frames, 2, 3):
        raise InputError(
            f"image_to_scene must have shape ({track.n_frames}, 2, 3) (one transform per track "
            f"frame), got {a.shape}"
        )
    return a


def trail_in_frame(
    bar_xy_px: np.ndarray, image_to_scene: np.ndarray | None, rows: np.ndarray, row: int
) -> np.ndarray:
    """Bar positions of ``rows`` as they lie in the picture of track row ``row``.

    Parameters
    ----------
    bar_xy_px : ndarray (n, 2)
        The bar in each frame's own image pixels.
    image_to_scene : ndarray (n, 2, 3) or None
        Each frame's transform to scene pixels (:class:`~formlab.barbell.camera_motion.CameraMotion`);
        None for a static camera.
    rows : ndarray of int
        The past rows the trail is drawn through, oldest first.
    row : int
        The row whose picture the trail is drawn on.

    Returns
    -------
    ndarray (len(rows), 2)
        With a static camera the positions themselves. When the camera moved, each position is
        carried into the scene with its own frame's transform and back into the current picture
        with the inverse of the current frame's: a frame's own pixels would draw the camera's
        sway into the trail, whereas this trail shows where the bar went in the room, drawn
        over the room as it is now seen.
    """
    pts = bar_xy_px[rows]
    if image_to_scene is None:
        return pts
    a = image_to_scene[rows]
    scene = np.einsum("nij,nj->ni", a[:, :, :2], pts) + a[:, :, 2]
    now = image_to_scene[row]
    return (scene - now[:, 2]) @ np.linalg.inv(now[:, :2]).T


def scaled_scene_transforms(image_to_scene: Any, scale: float) -> np.ndarray | None:
    """The image-to-scene transforms of a picture shown ``scale`` times its size (None stays None).

    A display (the tuner's frame) scales both the picture and the scene by the same factor, so
    each transform keeps its rotation and zoom and only its shift scales: a point ``p`` of the
    picture maps to ``s (M p + t) = M (s p) + s t``. Without this a scaled picture's trail would
    be carried through the full-size shifts and drawn off the bar.
    """
    if image_to_scene is None:
        return None
    a = np.array(image_to_scene, dtype=float)
    a[..., 2] *= float(scale)
    return a


def rep_at(reps: pd.DataFrame | None, frame: int) -> pd.Series | None:
    """The row of the (last) rep whose start-to-end span holds ``frame``, or None."""
    if reps is None or not len(reps):
        return None
    inside = reps[(reps["start_frame"] <= frame) & (reps["end_frame"] >= frame)]
    return inside.iloc[-1] if len(inside) else None


def held_verdict(
    frames: np.ndarray,
    time_s: np.ndarray,
    verdict: np.ndarray,
    reps: pd.DataFrame | None,
    hold_s: float,
) -> np.ndarray:
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
        rep = rep_at(reps, f)
        if rep is not None:
            first = (
                min(f, rep["turn_frame"])
                if "turn_frame" in rep and pd.notna(rep["turn_frame"])
                else f
            )
            span = (frames >= first) & (frames <= rep["end_frame"])
        else:
            span = (t >= t[k]) & (t <= t[k] + hold_s)
        held[span] = status[k]
    return held


class Overlays:
    """Builds the :class:`FrameOverlay` of any decoded frame from the track, feedback, reps and bar path."""

    def __init__(
        self,
        track: PoseTrack,
        feedback: pd.DataFrame | None,
        reps: pd.DataFrame | None,
        bar_xy_px: Any,
        trail_s: float,
        hold_s: float,
        min_visibility: float,
        image_to_scene: Any = None,
    ):
        self.track = track
        self.image_to_scene = _camera_transforms(track, image_to_scene)
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
            raise InputError(
                f"the feedback table has {len(feedback)} rows but the track {track.n_frames} frames; "
                "compute it from this track"
            )
        self.reps = reps
        self.turns = (
            np.sort(reps["turn_frame"].to_numpy())
            if reps is not None and "turn_frame" in reps
            else None
        )
        self.rep_lines: list[tuple[int, str]] = []
        if reps is not None and feedback is not None and len(reps):
            summary = judge.judge_reps(feedback, reps, self.checks, thresholds_of(feedback))
            for _, r in summary.iterrows():
                verdict = r["messages"] if r["failed_checks"] else "good"
                self.rep_lines.append((int(r["end_frame"]), f"rep {r['rep']}: {verdict}"))
        # each check's text per row, read once: a pandas row per frame cost more than drawing it
        self._statuses: dict[str, np.ndarray] = {}
        self._views: np.ndarray | None = None
        if feedback is not None:
            for c in self.checks:
                self._statuses[c.name] = feedback[c.name].astype(str).to_numpy(dtype=object)
                if c.per_rep == "best":  # judged once per rep: held on screen (see held_verdict)
                    self._statuses[c.name] = held_verdict(
                        feedback["frame"].to_numpy(),
                        feedback["time_s"].to_numpy(dtype=float),
                        self._statuses[c.name],
                        reps,
                        hold_s,
                    )
            self._views = feedback["view"].astype(str).to_numpy(dtype=object)
        self._rep_spans = (
            (
                reps["start_frame"].to_numpy(),
                reps["end_frame"].to_numpy(),
                reps["rep"].to_numpy(),
            )
            if reps is not None and len(reps)
            else None
        )

    def rep_number(self, frame_index: int) -> int:
        """The rep the counter shows: the one the frame is in, else the reps finished (turns passed).

        Inside rep 2 before its turning point this is 2, as the worst-frame
        caption of that frame says ("rep 2"); counting turning points alone
        would still show 1 there.
        """
        if self._rep_spans is not None:  # as rep_at: the last rep whose span holds the frame
            start, end, number = self._rep_spans
            inside = np.flatnonzero((start <= frame_index) & (end >= frame_index))
            if inside.size:
                return int(number[inside[-1]])
        return int(np.sum(self.turns <= frame_index)) if self.turns is not None else 0

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
        """The overlay of decoded frame ``frame_index``."""
        row = self._row(frame_index)
        rep_count = None if self.turns is None else self.rep_number(frame_index)
        footer = ""
        for end, text in self.rep_lines:
            if frame_index > end:
                footer = text
        if row is None:
            return FrameOverlay(rep_count=rep_count, footer=footer)
        statuses = None
        view = ""
        if self._views is not None:
            statuses = {c.name: str(self._statuses[c.name][row]) for c in self.checks}
            view = str(self._views[row])
        trail = None
        if self.bar is not None:
            t = self.track.time_s
            keep = (t <= t[row]) & (t >= t[row] - self.trail_s)
            trail = trail_in_frame(self.bar, self.image_to_scene, np.flatnonzero(keep), row)
        return FrameOverlay(
            xy_px=self.track.xy_px[row],
            visibility=self.track.visibility[row],
            statuses=statuses,
            titles={c.name: c.title for c in self.checks},
            cues={c.name: c.cue for c in self.checks},
            view=view,
            rep_count=rep_count,
            trail_xy_px=trail,
            footer=footer,
            min_visibility=self.min_visibility,
        )


def annotate_frame(
    rgb: np.ndarray,
    track: PoseTrack,
    feedback: pd.DataFrame | None = None,
    frame: int = 0,
    *,
    reps: pd.DataFrame | None = None,
    bar_xy_px: Any = None,
    trail_s: float = 2.0,
    highlight: str | None = None,
    min_visibility: float = 0.5,
    footer: str | None = None,
    image_to_scene: Any = None,
) -> np.ndarray:
    """Draw the annotation of decoded frame number ``frame`` on ``rgb`` and return the new picture.

    Convenient in notebooks; :func:`write_annotated_video` does the same for every frame.
    ``footer`` replaces the bottom line (by default the verdict of the last finished rep).
    ``image_to_scene`` (``BarPath.image_to_scene``) draws the trail where the bar went in the
    room when the camera moved (:func:`trail_in_frame`).
    """
    ov = Overlays(track, feedback, reps, bar_xy_px, trail_s, 1.5, min_visibility, image_to_scene)(
        frame, 0.0
    )
    if highlight is not None:
        ov = dataclasses.replace(ov, highlight=highlight)
    if footer is not None:
        ov = dataclasses.replace(ov, footer=footer)
    return draw_overlay(rgb, ov)
