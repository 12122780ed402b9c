"""Tuning the form thresholds and the rep detector with sliders, on one video, with live plots.

:class:`ThresholdTuner` loads a video once (pose track from the cache,
cleaned; frames decoded once at low resolution and kept as JPEG) and then
shows, in plain ipywidgets:

* a slider (or a drop-down) for every threshold of the lift's checks,
  built from the thresholds' own declarations (range, unit, meaning:
  :func:`formlab.form.thresholds.threshold_table`), grouped by check;
* sliders for the rep detector: smoothing cut-off, peak prominence, minimum
  time between reps and minimum rep width (:class:`formlab.RepDetectorParams`);
* a frame slider with the annotated frame (pose, check status, rep counter, bar
  trail: in the room when the camera moved) and each check's value and verdict in that frame;
* one plot per check of its measured value over the clip with its threshold
  line(s) and verdicts (:func:`formlab.viz.timeline.plot_feedback_timeline`),
  and a plot of the rep signal with the detected reps
  (:func:`formlab.viz.bar_figures.plot_rep_detection`), as inline PNG images;
* counts of failing frames and reps per check;
* an export button that writes the thresholds to TOML or JSON for
  ``formlab analyze VIDEO --thresholds FILE``.

The tuner runs the steps of :func:`formlab.analyze` (:mod:`formlab.pipeline.steps`), and only
those a change affects: a threshold re-runs ``judge`` (tens of milliseconds) and redraws the
plots whose content changed; a detector setting re-runs ``count_reps``, ``measure_reps`` and
``judge``. The bar path is the one ``analyze`` finds (``follow_load``), computed once. Plots are
PNG images in ``ipywidgets.Image`` (no ipympl, which Colab cannot load without a CDN).

Every widget carries CSS classes (``formlab-...``, :data:`CSS`) for browser tests and styles.
"""

from __future__ import annotations

import html
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ConfigError, FormlabError, InputError
from ..core.frames import rows_of
from ..exercises import get_exercise, save_thresholds, thresholds_for
from ..form import report
from ..form.thresholds import FormThresholds
from ..pipeline import steps
from ..reps.detection import RepDetection, RepDetectorParams
from ..viz.frame_overlays import annotate_frame, scaled_scene_transforms
from .controls import (
    CSS,
    FrameCache,
    add_classes,
    detector_widgets,
    jpeg,
    png,
    side_by_side,
    threshold_widgets,
)

__all__ = ["ThresholdTuner"]


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

    def __init__(
        self,
        video: str | os.PathLike | None,
        exercise: str = "front_squat",
        *,
        thresholds=None,
        detector: RepDetectorParams | None = None,
        track=None,
        frame_height_px: int = 480,
        plot_dpi: int = 72,
        progress: bool = True,
    ):
        import ipywidgets as w

        lift = get_exercise(exercise)
        self.exercise = lift.name
        self.checks = lift.checks
        if not self.checks:
            raise ConfigError(f"exercise {self.exercise!r} has no form checks to tune")
        raw = track
        if track is None:
            if video is None:
                raise InputError("ThresholdTuner needs a video or a track")
            raw = steps.extract(Path(video), progress=progress)
            track = steps.clean(raw)
        if track.n_frames < 2:
            raise InputError(
                f"{track.meta.source}: ThresholdTuner needs a video (got {track.n_frames} frame)"
            )
        self.video = None if video is None else Path(video)
        self.track = track
        self.raw = (
            None if raw is track else raw
        )  # a given track: no raw one to measure jitter against
        self.plot_dpi = int(plot_dpi)
        self._thresholds = thresholds if thresholds is not None else thresholds_for(self.exercise)
        if not isinstance(self._thresholds, FormThresholds):
            raise ConfigError(
                f"thresholds must be a formlab.FormThresholds, got {type(self._thresholds).__name__}"
            )
        base = RepDetectorParams().with_overrides(lift.detector)
        self._detector_base = detector if detector is not None else base
        # the bar as formlab analyze finds it (the plate where one is seen), once: no slider changes it
        self.load = steps.load_path_of(
            track, raw, self.exercise, video=self.video, progress=progress
        )

        # frames and the track in their scale (heavy: once)
        if self.video is not None:
            self.frames: FrameCache | None = FrameCache(
                self.video, frame_height_px, progress=progress
            )
            scale = self.frames.scale
            self._canvas: np.ndarray | None = None
            width_px = self.frames.size[0]
        else:
            self.frames = None
            h = float(track.meta.height_px or np.nanmax(track.xy_px[..., 1]) * 1.1)
            scale = min(1.0, frame_height_px / h)
            width = float(track.meta.width_px or np.nanmax(track.xy_px[..., 0]) * 1.1)
            self._canvas = np.full((round(h * scale), round(width * scale), 3), 40, np.uint8)
            width_px = self._canvas.shape[1]
        self._small_track = track.replace(
            step="scaled for display", params={"scale": scale}, xy_px=track.xy_px * scale
        )
        self._bar_small = self.load.path.xy_px * scale
        self._scene_small = scaled_scene_transforms(self.load.path.image_to_scene, scale)

        # controls
        self.threshold_sliders = threshold_widgets(self._thresholds)
        self.detector_sliders = detector_widgets(self._detector_base)
        frames = np.asarray(track.frame)
        self.frame_slider = add_classes(
            w.IntSlider(
                value=int(frames[0]),
                min=int(frames[0]),
                max=int(frames[-1]),
                step=1,
                description="frame",
                continuous_update=True,
                layout=w.Layout(width="520px"),
            ),
            CSS["frame"],
        )
        self.overlay = add_classes(
            w.Image(format="jpeg", layout=w.Layout(width=f"{width_px}px", max_width="100%")),
            CSS["overlay"],
        )
        self.frame_table = add_classes(w.HTML(), CSS["frame_table"])
        self.rep_plot = add_classes(
            w.Image(format="png", layout=w.Layout(width="100%")), CSS["rep_plot"]
        )
        self.reps_label = add_classes(w.HTML(), CSS["reps"])
        self.feedback_plots = {
            c.name: add_classes(
                w.Image(format="png", layout=w.Layout(width="100%")),
                CSS["feedback_plot"],
                f"{CSS['feedback_plot']}-{c.name}",
            )
            for c in self.checks
        }
        self.counts_table = add_classes(w.HTML(), CSS["counts"])
        self.export_path = add_classes(
            w.Text(
                value=str(Path("results") / "thresholds.toml"),
                description="file",
                layout=w.Layout(width="320px"),
            ),
            CSS["export_path"],
        )
        self.export_button = add_classes(
            w.Button(description="Export thresholds", icon="download", button_style="primary"),
            CSS["export_button"],
        )
        self.export_status = add_classes(w.HTML(), CSS["export_status"])
        self.message = add_classes(w.HTML(), CSS["message"])
        self.timing = add_classes(w.HTML(), CSS["timing"])

        # state
        self._detector = self._detector_from_sliders()
        self.detection: RepDetection | None = None
        self.reps: pd.DataFrame | None = None
        self.feedback: pd.DataFrame | None = None
        self.per_rep: pd.DataFrame | None = None
        self.counts: pd.DataFrame | None = None
        self._panel_keys: dict[str, Any] = {}
        self.last_update_s = float("nan")
        self._update(reps_changed=True)
        turns: list[int] = [] if self.reps is None else self.reps["turn_frame"].tolist()
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
        """The thresholds the sliders show (a :class:`~formlab.FormThresholds`)."""
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

        try:
            ensure_dir(Path(path).parent)
            written = save_thresholds(self._thresholds, Path(path))
        except (FormlabError, OSError) as e:
            self.export_status.value = (
                f"<span style='color:#c0392b'>not written: {html.escape(str(e))}</span>"
            )
            return None
        source = self.video.name if self.video is not None else "VIDEO"
        self.export_status.value = (
            f"wrote <code>{html.escape(str(written))}</code>; use it with "
            f"<code>formlab analyze {html.escape(source)} --exercise {self.exercise} "
            f"--thresholds {html.escape(str(path))}</code>"
        )
        return written

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------------- reactions
    def _detector_from_sliders(self) -> RepDetectorParams:
        return self._detector_base.with_overrides(
            {k: float(s.value) for k, s in self.detector_sliders.items()}
        )

    def _on_threshold(self, _change=None) -> None:
        values = {k: wdg.value for k, wdg in self.threshold_sliders.items()}
        try:
            self._thresholds = self._thresholds.updated(values)
        except ConfigError as e:
            self.message.value = (
                f"<span style='color:#c0392b'>{html.escape(str(e))} (last valid values kept)</span>"
            )
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
    def _update(self, reps_changed: bool) -> None:
        """Re-run the steps a change affects: ``judge`` always, the reps only for a detector change."""
        t0 = time.perf_counter()
        if reps_changed:
            self.detection = steps.count_reps(self.track, self.exercise, self._detector)
            self.reps = steps.measure_reps(self.detection, self.load, self.track)
            self._draw_reps(self.detection)
        th, path = self._thresholds, self.load.path
        judged = steps.judge(self.track, self.exercise, th, self.reps, raw=self.raw, bar=path)
        self.feedback, self.per_rep = judged.feedback, judged.reps
        self.counts = report.status_counts(self.feedback, self.checks, self.per_rep)
        self._draw_counts(self.counts)
        self._draw_feedback_plots(self.feedback)
        self._draw_frame()
        self.last_update_s = time.perf_counter() - t0
        self.timing.value = f"<small>updated in {self.last_update_s:.2f} s</small>"

    # ----------------------------------------------------------------- drawing
    def _draw_reps(self, d: RepDetection) -> None:
        from ..viz.bar_figures import plot_rep_detection

        self.rep_plot.value = png(plot_rep_detection(d), self.plot_dpi)
        turns = ", ".join(f"{r.turn_s:.2f} s (frame {r.turn_frame})" for r in d.reps) or "none"
        self.reps_label.value = (
            f"<b><span class='formlab-rep-count'>{d.count}</span> rep{'s' if d.count != 1 else ''}"
            f"</b> of {html.escape(d.exercise)}; turning points: {turns}"
        )

    def _draw_feedback_plots(self, feedback: pd.DataFrame) -> None:
        from ..viz.timeline import plot_feedback_timeline

        for check in (
            self.checks
        ):  # reps are not shaded here: a detector change redraws only what it changes
            name = check.name
            key = (
                feedback[name].astype(str).to_numpy(),
                feedback[check.value].to_numpy(dtype=float),
                check.pass_interval(self._thresholds.section(name)),
            )
            old = self._panel_keys.get(name)
            if old is not None and _same_key(old, key):
                continue
            fig = plot_feedback_timeline(
                feedback,
                checks=[name],
                thresholds=self._thresholds,
                width_in=9.0,
                panel_height_in=1.5,
            )
            self.feedback_plots[name].value = png(fig, self.plot_dpi)
            self._panel_keys[name] = key

    def _draw_counts(self, counts: pd.DataFrame) -> None:
        rows = []
        for name, r in counts.iterrows():
            reps = f"{int(r['failed_reps'])}" + (
                f" (rep {r['failed_rep_numbers']})" if r["failed_rep_numbers"] else ""
            )
            rows.append(
                f"<tr data-check='{name}'><td>{html.escape(str(r['title']))}</td>"
                f"<td class='fail-frames' data-check='{name}'>{int(r['fail_frames'])}</td>"
                f"<td>{r['fail_s']:.1f}</td><td>{int(r['pass_frames'])}</td>"
                f"<td>{int(r['not_assessable_frames'])}</td>"
                f"<td class='failed-reps' data-check='{name}'>{reps}</td></tr>"
            )
        self.counts_table.value = (
            "<style>.formlab-counts-table td, .formlab-counts-table th {padding: 1px 12px 1px 0}</style>"
            "<table class='formlab-counts-table'><thead><tr><th>check</th><th>failing frames</th><th>failing s</th>"
            "<th>passing frames</th><th>not assessable</th><th>failed reps</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )

    def _draw_frame(self) -> None:
        if self.feedback is None:
            return
        frame = int(self.frame_slider.value)
        row = int(rows_of(np.asarray(self.track.frame), np.array([frame]))[0])
        rgb = self.frames.get(frame) if self.frames is not None else self._canvas
        assert rgb is not None  # without a video, the blank canvas made in __init__
        if row >= 0:
            picture = annotate_frame(
                rgb,
                self._small_track,
                self.feedback,
                frame,
                reps=self.reps,
                bar_xy_px=self._bar_small,
                image_to_scene=self._scene_small,
                min_visibility=self._thresholds.landmarks.min_visibility,
            )
            table = report.explain_frame(self.feedback, row, self.checks, self._thresholds)
            self.frame_table.value = _frame_table_html(table, float(self.track.time_s[row]), frame)
        else:
            picture = rgb
            self.frame_table.value = f"<i>frame {frame}: no pose</i>"
        self.overlay.value = jpeg(picture)

    def _layout(self) -> Any:
        import ipywidgets as w

        titles = {c.name: c.title for c in self.checks}

        def header(text):
            return w.HTML(f"<b>{html.escape(text)}</b>")

        sections: dict[str, list] = {}
        for key, widget in self.threshold_sliders.items():
            sections.setdefault(key.split(".")[0], []).append(widget)
        threshold_box = []
        for section, widgets in sections.items():
            title = titles.get(section, section.replace("_", " "))
            threshold_box += [header(f"{title} [{section}]"), *widgets]
        controls = w.VBox(
            [
                header("Form thresholds"),
                *threshold_box,
                header("Rep detector"),
                *self.detector_sliders.values(),
                w.HBox([self.export_path, self.export_button]),
                self.export_status,
                self.message,
                self.timing,
            ],
        )
        plots = add_classes(
            w.VBox([self.feedback_plots[c.name] for c in self.checks]), CSS["feedback_plots"]
        )
        return add_classes(
            w.VBox(
                [
                    side_by_side(
                        (controls, 540),
                        (w.VBox([self.frame_slider, self.overlay, self.frame_table]), 560),
                    ),
                    header("Failing frames and reps per check"),
                    self.counts_table,
                    header("Reps"),
                    self.reps_label,
                    self.rep_plot,
                    header(
                        "Each check over the clip (threshold dashed, failing side shaded; verdict strip at the bottom)"
                    ),
                    plots,
                ]
            ),
            CSS["tuner"],
        )


def _same_key(a, b) -> bool:
    return (
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True) and a[2] == b[2]
    )


def _frame_table_html(table: pd.DataFrame, time_s: float, frame: int) -> str:
    from ..viz.style import STATUS_COLOURS

    rows = []
    for _name, r in table.iterrows():
        colour = STATUS_COLOURS.get(r["status"], "#999")
        value = "" if not np.isfinite(r["value"]) else f"{r['value']:.2f}"
        lo, hi = r["passes_from"], r["passes_to"]
        passes = (
            f"{lo:g} to {hi:g}"
            if np.isfinite(lo) and np.isfinite(hi)
            else f"&ge; {lo:g}"
            if np.isfinite(lo)
            else f"&le; {hi:g}"
            if np.isfinite(hi)
            else ""
        )
        rows.append(
            f"<tr><td>{html.escape(r['title'])}</td><td>{value} {html.escape(r['unit'])}</td>"
            f"<td>{passes}</td><td style='color:{colour};font-weight:bold'>{r['status']}</td>"
            f"<td><small>{html.escape(r['why'])}</small></td></tr>"
        )
    return (
        f"<div>frame {frame}, {time_s:.2f} s</div><table><thead><tr><th>check</th><th>value</th>"
        f"<th>passes</th><th>verdict</th><th>why</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
