"""Tuning the form thresholds and the rep detector with sliders, on one video, with live plots.

:class:`ThresholdTuner` loads a video once (pose track from the cache,
cleaned; frames decoded once at low resolution and kept as JPEG) and then
shows, in plain ipywidgets:

* a slider (or a drop-down) for every threshold of the exercise's checks,
  built from the threshold dataclasses' own metadata (range, unit, meaning:
  :func:`formlab.thresholds.threshold_table`), grouped by check;
* sliders for the rep detector: smoothing cut-off, peak prominence, minimum
  time between reps and minimum rep width (:class:`formlab.reps.RepDetectorParams`);
* a frame slider with the annotated frame (pose, check status, rep counter,
  bar trail) and a table of every check's value and verdict in that frame;
* one plot per check of its measured value over the clip with its threshold
  line(s) and verdicts (:func:`formlab.feedback_plots.plot_feedback_timeline`),
  and a plot of the rep signal with the detected reps
  (:func:`formlab.plots.plot_rep_detection`), as inline PNG images;
* counts of failing frames and reps per check;
* an export button that writes the thresholds to TOML or JSON for
  ``formlab analyze VIDEO --thresholds FILE``.

Only what a change affects is recomputed: a threshold re-evaluates the
feedback (tens of milliseconds) and redraws the plots whose content changed;
a detector setting also re-detects the reps. Plots are PNG images in
``ipywidgets.Image`` (no ipympl, which Colab cannot load without a CDN).

Every widget carries CSS classes (``formlab-...``, see :data:`CSS`) so that
browser tests and custom styles can find them.
"""

from __future__ import annotations

import html
import io
import math
import os
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, FormlabError, InputError
from ..reps.detect import RepDetectorParams

__all__ = ["ThresholdTuner", "FrameCache", "threshold_widgets", "detector_widgets", "DETECTOR_SLIDERS", "CSS",
           "slider_step"]

CSS = {
    "tuner": "formlab-tuner",
    "threshold": "formlab-threshold",
    "detector": "formlab-detector",
    "frame": "formlab-frame-slider",
    "overlay": "formlab-overlay",
    "frame_table": "formlab-frame-table",
    "feedback_plots": "formlab-feedback-plots",
    "feedback_plot": "formlab-feedback-plot",
    "rep_plot": "formlab-rep-plot",
    "reps": "formlab-reps",
    "counts": "formlab-counts",
    "export_path": "formlab-export-path",
    "export_button": "formlab-export-button",
    "export_status": "formlab-export-status",
    "message": "formlab-message",
    "timing": "formlab-timing",
}
"""CSS classes of the tuner's widgets. A threshold widget also has ``formlab-threshold-<section>-<name>``,
a detector slider ``formlab-detector-<name>``, a check's plot ``formlab-feedback-plot-<check>``."""

DETECTOR_SLIDERS: dict[str, dict[str, Any]] = {
    "cutoff_hz": {"min": 0.5, "max": 6.0, "step": 0.25, "label": "smoothing cut-off (Hz)",
                  "meaning": "Low-pass cut-off applied to the rep signal before its turning points are read."},
    "min_prominence_frac": {"min": 0.05, "max": 1.0, "step": 0.05, "label": "peak prominence (x range)",
                            "meaning": "How deep a turning point must be, as a fraction of the deepest rep's depth."},
    "min_distance_s": {"min": 0.1, "max": 5.0, "step": 0.1, "label": "min. time between reps (s)",
                       "meaning": "Two reps' turning points are at least this far apart (the shortest rep)."},
    "min_width_s": {"min": 0.05, "max": 2.0, "step": 0.05, "label": "min. rep width (s)",
                    "meaning": "How long a rep's turning region lasts at half its depth, at least."},
}
"""The rep-detector settings shown as sliders, with the slider ranges.

The ranges are narrower than what :class:`~formlab.reps.RepDetectorParams`
accepts: they span what makes sense for strength exercises (reps of 0.5-5 s).
"""

GENERAL_SECTIONS: tuple[str, ...] = ("view", "landmarks", "rep_summary")
"""Threshold sections shown for every exercise (the others are shown when the exercise runs their check)."""


# --------------------------------------------------------------------------- building the controls
def slider_step(lo: float, hi: float, default: float | None = None) -> float:
    """A slider step of about a hundredth of the range, rounded up to 1, 2 or 5 times a power of ten.

    Coarse enough that a few key presses make a visible change (1 deg on a
    0-90 deg range, 0.01 on a 0-1 ratio). If ``default`` does not lie on that
    grid (counted from ``lo``), the step is refined (halved, then a fifth, a
    tenth...) until it does, so the slider can show the default exactly.
    """
    span = float(hi) - float(lo)
    if not math.isfinite(span) or span <= 0:
        raise ConfigError(f"slider range [{lo}, {hi}] is empty or not finite")
    raw = span / 100.0
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if raw <= m * power * (1 + 1e-9))
    if default is not None and math.isfinite(float(default)):
        for divisor in (1, 2, 5, 10, 20, 50, 100):
            q = (float(default) - float(lo)) / (step / divisor)
            if abs(q - round(q)) < 1e-6:
                return step / divisor
    return step


def _readout_format(step: float) -> str:
    decimals = max(0, -int(math.floor(math.log10(step) + 1e-9)))
    return f".{decimals}f"


def _add_classes(widget, *classes: str):
    for c in classes:
        widget.add_class(c)
    return widget


def threshold_widgets(thresholds, sections: Sequence[str] | None = None) -> dict[str, Any]:
    """One widget per threshold: ``{"section.name": FloatSlider or Dropdown}``, built from the field metadata.

    Sliders span each field's valid range (:func:`formlab.thresholds.threshold_table`'s
    ``min``/``max``) with :func:`slider_step`; fields with choices get a
    drop-down. Each description names the field and its unit; the tooltip is
    the field's meaning.

    Parameters
    ----------
    thresholds : FormThresholds
        Current values.
    sections : sequence of str, optional
        Sections to include (default: all).
    """
    import ipywidgets as w

    from ..form.thresholds import threshold_table

    table = threshold_table(thresholds)
    if sections is not None:
        unknown = sorted(set(sections) - set(table["section"]))
        if unknown:
            raise ConfigError(f"unknown threshold section {unknown[0]!r}")
        table = table[table["section"].isin(list(sections))]
    out: dict[str, Any] = {}
    style = {"description_width": "250px"}
    layout = w.Layout(width="520px")
    for row in table.itertuples(index=False):
        key = f"{row.section}.{row.name}"
        unit = f" ({row.unit})" if row.unit else ""
        if row.choices:
            widget = w.Dropdown(options=list(row.choices), value=row.value, description=f"{row.name}{unit}",
                                style=style, layout=layout)
        else:
            lo, hi = float(row.min), float(row.max)
            step = slider_step(lo, hi, row.default)
            widget = w.FloatSlider(value=float(row.value), min=lo, max=hi, step=step, description=f"{row.name}{unit}",
                                   continuous_update=False, readout_format=_readout_format(step), style=style,
                                   layout=layout)
        widget.tooltip = f"{row.meaning} Default {row.default!r}."
        _add_classes(widget, CSS["threshold"], f"{CSS['threshold']}-{row.section}-{row.name}")
        out[key] = widget
    return out


def detector_widgets(params: RepDetectorParams) -> dict[str, Any]:
    """Sliders for the rep-detector settings of :data:`DETECTOR_SLIDERS`, set to ``params`` (clipped to the slider)."""
    import ipywidgets as w

    out = {}
    for name, spec in DETECTOR_SLIDERS.items():
        value = float(np.clip(getattr(params, name), spec["min"], spec["max"]))
        slider = w.FloatSlider(value=value, min=spec["min"], max=spec["max"], step=spec["step"],
                               description=spec["label"], continuous_update=False,
                               readout_format=_readout_format(spec["step"]),
                               style={"description_width": "250px"}, layout=w.Layout(width="520px"))
        slider.tooltip = spec["meaning"]
        _add_classes(slider, CSS["detector"], f"{CSS['detector']}-{name}")
        out[name] = slider
    return out


# --------------------------------------------------------------------------- frames
class FrameCache:
    """A video's frames decoded once, scaled down and kept as JPEG bytes (about 20 kB a frame).

    Parameters
    ----------
    video : path
    height_px : int
        Height of the kept frames (the width follows the aspect ratio).
    quality : int
        JPEG quality (85: no visible artefacts at this size).
    progress : bool
        Show a progress bar while decoding.

    Attributes
    ----------
    scale : float
        Kept size over the video's size (multiply image coordinates by it).
    size : (int, int)
        Width and height of the kept frames.
    """

    def __init__(self, video: str | os.PathLike, height_px: int = 360, *, quality: int = 85, progress: bool = True):
        from PIL import Image
        from tqdm.auto import tqdm

        from ..io.media import iter_video_frames, probe_video

        if int(height_px) < 16:
            raise ConfigError(f"height_px = {height_px} is too small; use at least 16")
        info = probe_video(video)
        self.scale = min(1.0, int(height_px) / info.height_px)
        self.size = (max(1, int(round(info.width_px * self.scale))), max(1, int(round(info.height_px * self.scale))))
        self._jpeg: dict[int, bytes] = {}
        bar = tqdm(total=info.n_frames or None, desc=f"decoding {Path(video).name}", unit="frame", disable=not progress)
        try:
            for fr in iter_video_frames(video):
                buf = io.BytesIO()
                Image.fromarray(fr.rgb).resize(self.size, Image.BILINEAR).save(buf, format="JPEG", quality=quality)
                self._jpeg[int(fr.index)] = buf.getvalue()
                bar.update(1)
        finally:
            bar.close()
        if not self._jpeg:
            raise InputError(f"{video}: no frames could be decoded")

    def __len__(self) -> int:
        return len(self._jpeg)

    @property
    def nbytes(self) -> int:
        """Memory held by the JPEG bytes."""
        return sum(len(b) for b in self._jpeg.values())

    def get(self, frame: int) -> np.ndarray:
        """The RGB array of decoded frame ``frame`` (the nearest kept one if it is missing)."""
        from PIL import Image

        if frame not in self._jpeg:
            keys = np.fromiter(self._jpeg, dtype=int)
            frame = int(keys[np.argmin(np.abs(keys - frame))])
        return np.asarray(Image.open(io.BytesIO(self._jpeg[frame])).convert("RGB"))


# --------------------------------------------------------------------------- the tuner
def _png(fig, dpi: int) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def _jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=88)
    return buf.getvalue()


class ThresholdTuner:
    """Sliders for every threshold and the rep detector of one video, with live plots and counts.

    Parameters
    ----------
    video : path or None
        The video. Its pose track is extracted (from the cache when already
        done) and cleaned, unless ``track`` is given; its frames are decoded
        once at ``frame_height_px``. Without a video (``None``, with
        ``track``), frames are drawn on a plain background.
    exercise : str
        Decides the checks and the default thresholds and detector settings.
    thresholds : FormThresholds, optional
        Starting thresholds (default: the exercise's preset).
    detector : RepDetectorParams, optional
        Starting detector settings (default: the exercise's).
    track : PoseTrack, optional
        A pose track to use as it is (e.g. already cleaned).
    frame_height_px : int
        Height of the frames shown (480 px keeps a 600-frame clip in about 18 MB).
    plot_dpi : int
        Resolution of the plots (72: quick to draw and to send).
    progress : bool
        Progress bars while extracting and decoding.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Everything, ready to display (displaying the tuner shows it).
    threshold_sliders : dict
        ``{"section.name": widget}``; set ``.value`` to change a threshold.
    detector_sliders : dict
        ``{name: FloatSlider}`` for :data:`DETECTOR_SLIDERS`.
    frame_slider : ipywidgets.IntSlider
        The frame shown (decoded-frame number).
    last_update_s : float
        How long the last change took to recompute and redraw.

    Examples
    --------
    >>> tuner = ThresholdTuner(formlab.fetch_sample("squatAnalysis-rohanx01__squat"))   # doctest: +SKIP
    >>> tuner                                      # shows the widgets in a notebook  # doctest: +SKIP
    >>> tuner.threshold_sliders["elbows_up.max_upper_arm_drop_deg"].value = 60         # doctest: +SKIP
    >>> tuner.counts.loc["elbows_up", "fail_frames"]                                    # doctest: +SKIP
    >>> tuner.export("my_thresholds.toml")                                              # doctest: +SKIP
    """

    def __init__(self, video: str | os.PathLike | None, exercise: str = "front_squat", *, thresholds=None,
                 detector: RepDetectorParams | None = None, track=None, frame_height_px: int = 480,
                 plot_dpi: int = 72, progress: bool = True):
        import ipywidgets as w

        from ..exercises import get_exercise
        from ..form.feedback import checks_for
        from ..form.thresholds import FormThresholds, thresholds_for
        from ..signal.cleaning import clean_track

        self.exercise = get_exercise(exercise).name
        self.checks = checks_for(self.exercise)
        if not self.checks:
            raise ConfigError(f"exercise {self.exercise!r} has no form checks to tune")
        if video is None and track is None:
            raise InputError("ThresholdTuner needs a video or a track")
        if track is None:
            from ..pose.extract import extract

            track = clean_track(extract(video, progress=progress))
        if track.n_frames < 2:
            raise InputError(f"{track.meta.source}: ThresholdTuner needs a video (got {track.n_frames} frame)")
        self.video = None if video is None else Path(video)
        self.track = track
        self.plot_dpi = int(plot_dpi)
        self._thresholds = thresholds if thresholds is not None else thresholds_for(self.exercise)
        if not isinstance(self._thresholds, FormThresholds):
            raise ConfigError(f"thresholds must be a formlab.FormThresholds, got {type(self._thresholds).__name__}")
        base = RepDetectorParams().with_overrides(get_exercise(self.exercise).detector)
        self._detector_base = detector if detector is not None else base

        # frames and the track in their scale (heavy: once)
        if self.video is not None:
            self.frames: FrameCache | None = FrameCache(self.video, frame_height_px, progress=progress)
            scale = self.frames.scale
            self._canvas = None
        else:
            self.frames = None
            h = float(track.meta.height_px or np.nanmax(track.xy_px[..., 1]) * 1.1)
            scale = min(1.0, frame_height_px / h)
            width = float(track.meta.width_px or np.nanmax(track.xy_px[..., 0]) * 1.1)
            self._canvas = np.full((int(round(h * scale)), int(round(width * scale)), 3), 40, np.uint8)
        self._small_track = track.replace(step="scaled for display", params={"scale": scale},
                                          xy_px=track.xy_px * scale)
        self._bar_small = self._bar_trail(track) * scale

        # controls
        sections = [s for s in GENERAL_SECTIONS] + [c for c in self.checks]
        self.threshold_sliders = threshold_widgets(self._thresholds, sections)
        self.detector_sliders = detector_widgets(self._detector_base)
        frames = np.asarray(track.frame)
        self.frame_slider = _add_classes(
            w.IntSlider(value=int(frames[0]), min=int(frames[0]), max=int(frames[-1]), step=1, description="frame",
                        continuous_update=True, layout=w.Layout(width="520px")), CSS["frame"])
        height_px = self._canvas.shape[0] if self.frames is None else self.frames.size[1]
        width_px = self._canvas.shape[1] if self.frames is None else self.frames.size[0]
        self.overlay = _add_classes(w.Image(format="jpeg", layout=w.Layout(width=f"{width_px}px",
                                                                            height=f"{height_px}px")), CSS["overlay"])
        self.frame_table = _add_classes(w.HTML(), CSS["frame_table"])
        self.rep_plot = _add_classes(w.Image(format="png", layout=w.Layout(width="100%")), CSS["rep_plot"])
        self.reps_label = _add_classes(w.HTML(), CSS["reps"])
        self.feedback_plots = {c: _add_classes(w.Image(format="png", layout=w.Layout(width="100%")),
                                               CSS["feedback_plot"], f"{CSS['feedback_plot']}-{c}")
                               for c in self.checks}
        self.counts_table = _add_classes(w.HTML(), CSS["counts"])
        self.export_path = _add_classes(w.Text(value=str(Path("results") / "thresholds.toml"), description="file",
                                               layout=w.Layout(width="320px")), CSS["export_path"])
        self.export_button = _add_classes(w.Button(description="Export thresholds", icon="download",
                                                   button_style="primary"), CSS["export_button"])
        self.export_status = _add_classes(w.HTML(), CSS["export_status"])
        self.message = _add_classes(w.HTML(), CSS["message"])
        self.timing = _add_classes(w.HTML(), CSS["timing"])

        # state
        self._detector = self._detector_from_sliders()
        self.detection = None
        self.reps = None
        self.feedback = None
        self.per_rep = None
        self.counts = None
        self._panel_keys: dict[str, Any] = {}
        self.last_update_s = float("nan")
        self._update(reps_changed=True)
        turns = self.reps["turn_frame"].tolist() if self.reps is not None and len(self.reps) else []
        self.frame_slider.value = int(turns[0]) if turns else int(frames[len(frames) // 2])
        self._draw_frame()

        for widget in self.threshold_sliders.values():
            widget.observe(self._on_threshold, names="value")
        for widget in self.detector_sliders.values():
            widget.observe(self._on_detector, names="value")
        self.frame_slider.observe(lambda _: self._draw_frame(), names="value")
        self.export_button.on_click(lambda _: self.export(self.export_path.value))
        self.widget = self._layout()

    # ----------------------------------------------------------------- public
    @property
    def thresholds(self):
        """The thresholds the sliders show (a :class:`~formlab.thresholds.FormThresholds`)."""
        return self._thresholds

    @property
    def detector(self) -> RepDetectorParams:
        """The rep-detector settings the sliders show."""
        return self._detector

    def export(self, path: str | os.PathLike) -> Path | None:
        """Write the current thresholds to ``path`` (``.toml`` or ``.json``) and say how to use them.

        The folder is created if needed (the export box's default is
        ``results/thresholds.toml``). Returns the path written, or None after showing the error (a bad
        suffix or an unwritable folder) in the export status.
        """
        from ..core.files import ensure_dir
        from ..form.thresholds import save_thresholds

        try:
            ensure_dir(Path(path).parent)
            written = save_thresholds(self._thresholds, Path(path))
        except (FormlabError, OSError) as e:
            self.export_status.value = f"<span style='color:#c0392b'>not written: {html.escape(str(e))}</span>"
            return None
        source = self.video.name if self.video is not None else "VIDEO"
        self.export_status.value = (f"wrote <code>{html.escape(str(written))}</code>; use it with "
                                    f"<code>formlab analyze {html.escape(source)} --exercise {self.exercise} "
                                    f"--thresholds {html.escape(str(path))}</code>")
        return written

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------------- reactions
    def _detector_from_sliders(self) -> RepDetectorParams:
        return self._detector_base.with_overrides({k: float(s.value) for k, s in self.detector_sliders.items()})

    def _on_threshold(self, _change=None) -> None:
        values = {k: wdg.value for k, wdg in self.threshold_sliders.items()}
        try:
            self._thresholds = self._thresholds.updated(values)
        except ConfigError as e:
            self.message.value = f"<span style='color:#c0392b'>{html.escape(str(e))} (last valid values kept)</span>"
            return
        self.message.value = ""
        self._update(reps_changed=False)

    def _on_detector(self, _change=None) -> None:
        try:
            self._detector = self._detector_from_sliders()
        except ConfigError as e:  # pragma: no cover (the slider ranges are valid)
            self.message.value = f"<span style='color:#c0392b'>{html.escape(str(e))}</span>"
            return
        self.message.value = ""
        self._update(reps_changed=True)

    # ----------------------------------------------------------------- computing
    def _bar_trail(self, track) -> np.ndarray:
        """Bar positions (grip centre, 4 Hz low-pass, as ``formlab analyze``) for the overlay's trail."""
        from ..barbell.trajectory import bar_path

        try:
            return bar_path(track, "grip_centre").lowpass(4.0).xy_px
        except FormlabError:
            return np.full((track.n_frames, 2), np.nan)

    def _update(self, reps_changed: bool) -> None:
        from ..form.feedback import evaluate_form, form_per_rep, status_counts
        from ..reps.detect import detect_reps

        t0 = time.perf_counter()
        if reps_changed:
            self.detection = detect_reps(self.track, self.exercise, self._detector)
            self.reps = self.detection.to_frame()
            self._draw_reps()
        self.feedback = evaluate_form(self.track, self.exercise, self._thresholds, reps=self.reps)
        self.per_rep = form_per_rep(self.feedback, self.reps)
        self.counts = status_counts(self.feedback, self.per_rep)
        self._draw_counts()
        self._draw_feedback_plots()
        self._draw_frame()
        self.last_update_s = time.perf_counter() - t0
        self.timing.value = f"<small>updated in {self.last_update_s:.2f} s</small>"

    # ----------------------------------------------------------------- drawing
    def _draw_reps(self) -> None:
        from ..viz.bar_figures import plot_rep_detection

        d = self.detection
        self.rep_plot.value = _png(plot_rep_detection(d), self.plot_dpi)
        turns = ", ".join(f"{r.turn_s:.2f} s (frame {r.turn_frame})" for r in d.reps) or "none"
        self.reps_label.value = (f"<b><span class='formlab-rep-count'>{d.count}</span> rep{'s' if d.count != 1 else ''}"
                                 f"</b> of {html.escape(d.exercise)}; turning points: {turns}")

    def _draw_feedback_plots(self) -> None:
        from ..form.checks import CHECKS, pass_interval
        from ..viz.check_figures import plot_feedback_timeline

        for name in self.checks:  # reps are not shaded here: a detector change redraws only what it changes
            column = CHECKS[name].value_column
            key = (self.feedback[name].astype(str).to_numpy(), self.feedback[column].to_numpy(dtype=float),
                   pass_interval(name, self._thresholds))
            old = self._panel_keys.get(name)
            if old is not None and _same_key(old, key):
                continue
            fig = plot_feedback_timeline(self.feedback, checks=[name], thresholds=self._thresholds,
                                         width_in=9.0, panel_height_in=1.5)
            self.feedback_plots[name].value = _png(fig, self.plot_dpi)
            self._panel_keys[name] = key

    def _draw_counts(self) -> None:
        rows = []
        for name, r in self.counts.iterrows():
            reps = f"{int(r['failed_reps'])}" + (f" (rep {r['failed_rep_numbers']})" if r["failed_rep_numbers"] else "")
            rows.append(f"<tr data-check='{name}'><td>{html.escape(str(r['title']))}</td>"
                        f"<td class='fail-frames' data-check='{name}'>{int(r['fail_frames'])}</td>"
                        f"<td>{r['fail_s']:.1f}</td><td>{int(r['pass_frames'])}</td>"
                        f"<td>{int(r['not_assessable_frames'])}</td>"
                        f"<td class='failed-reps' data-check='{name}'>{reps}</td></tr>")
        self.counts_table.value = (
            "<style>.formlab-counts-table td, .formlab-counts-table th {padding: 1px 12px 1px 0}</style>"
            "<table class='formlab-counts-table'><thead><tr><th>check</th><th>failing frames</th><th>failing s</th>"
            "<th>passing frames</th><th>not assessable</th><th>failed reps</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")

    def _draw_frame(self) -> None:
        from ..form.feedback import explain_frame
        from ..viz.video import annotate_frame

        if self.feedback is None:
            return
        frame = int(self.frame_slider.value)
        rows = np.flatnonzero(np.asarray(self.track.frame) == frame)
        rgb = self.frames.get(frame) if self.frames is not None else self._canvas
        if rows.size:
            picture = annotate_frame(rgb, self._small_track, self.feedback, frame, reps=self.reps,
                                     bar_xy_px=self._bar_small, min_visibility=self._thresholds.landmarks.min_visibility)
            table = explain_frame(self.feedback, int(rows[0]), self._thresholds)
            self.frame_table.value = _frame_table_html(table, float(self.track.time_s[rows[0]]), frame)
        else:
            picture = rgb
            self.frame_table.value = f"<i>frame {frame}: no pose</i>"
        self.overlay.value = _jpeg(picture)

    def _layout(self):
        import ipywidgets as w

        from ..form.checks import CHECKS

        def header(text):
            return w.HTML(f"<b>{html.escape(text)}</b>")

        sections: dict[str, list] = {}
        for key, widget in self.threshold_sliders.items():
            sections.setdefault(key.split(".")[0], []).append(widget)
        threshold_box = []
        for section, widgets in sections.items():
            title = CHECKS[section].title if section in CHECKS else section.replace("_", " ")
            threshold_box += [header(f"{title} [{section}]"), *widgets]
        controls = w.VBox([header("Form thresholds"), *threshold_box,
                           header("Rep detector"), *self.detector_sliders.values(),
                           w.HBox([self.export_path, self.export_button]), self.export_status, self.message,
                           self.timing], layout=w.Layout(width="540px"))
        frame_box = w.VBox([self.frame_slider, self.overlay, self.frame_table], layout=w.Layout(width="560px"))
        plots = _add_classes(w.VBox([self.feedback_plots[c] for c in self.checks]), CSS["feedback_plots"])
        return _add_classes(w.VBox([
            w.HBox([controls, frame_box]),
            header("Failing frames and reps per check"), self.counts_table,
            header("Reps"), self.reps_label, self.rep_plot,
            header("Each check over the clip (threshold dashed, failing side shaded; verdict strip at the bottom)"),
            plots]), CSS["tuner"])


def _same_key(a, b) -> bool:
    return np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True) and a[2] == b[2]


def _frame_table_html(table: pd.DataFrame, time_s: float, frame: int) -> str:
    from ..viz.check_figures import STATUS_COLOURS

    rows = []
    for name, r in table.iterrows():
        colour = STATUS_COLOURS.get(r["status"], "#999")
        value = "" if not np.isfinite(r["value"]) else f"{r['value']:.2f}"
        lo, hi = r["passes_from"], r["passes_to"]
        passes = (f"{lo:g} to {hi:g}" if np.isfinite(lo) and np.isfinite(hi) else
                  f"&ge; {lo:g}" if np.isfinite(lo) else f"&le; {hi:g}" if np.isfinite(hi) else "")
        rows.append(f"<tr><td>{html.escape(r['title'])}</td><td>{value} {html.escape(r['unit'])}</td>"
                    f"<td>{passes}</td><td style='color:{colour};font-weight:bold'>{r['status']}</td>"
                    f"<td><small>{html.escape(r['why'])}</small></td></tr>")
    return (f"<div>frame {frame}, {time_s:.2f} s</div><table><thead><tr><th>check</th><th>value</th>"
            f"<th>passes</th><th>verdict</th><th>why</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
