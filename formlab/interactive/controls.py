"""The controls of formlab's widgets: sliders built from documented settings, and decoded frames kept small.

Each threshold's slider spans its valid range and says its unit, with its
meaning as the tooltip, all read from the threshold's own declaration
(:func:`formlab.form.thresholds.threshold_table`); nothing here restates a
number. :class:`FrameCache` decodes a video once and keeps its frames as small
JPEGs, so a frame slider answers at once.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import ConfigError, InputError
from ..reps.detection import RepDetectorParams

__all__ = [
    "CSS",
    "DETECTOR_SLIDERS",
    "FrameCache",
    "add_classes",
    "detector_widgets",
    "jpeg",
    "png",
    "side_by_side",
    "slider_step",
    "threshold_widgets",
]

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
    "cutoff_hz": {
        "min": 0.5,
        "max": 6.0,
        "step": 0.25,
        "label": "smoothing cut-off (Hz)",
        "meaning": "Low-pass cut-off applied to the rep signal before its turning points are read.",
    },
    "min_prominence_frac": {
        "min": 0.05,
        "max": 1.0,
        "step": 0.05,
        "label": "peak prominence (x range)",
        "meaning": "How deep a turning point must be, as a fraction of the deepest rep's depth.",
    },
    "min_distance_s": {
        "min": 0.1,
        "max": 5.0,
        "step": 0.1,
        "label": "min. time between reps (s)",
        "meaning": "Two reps' turning points are at least this far apart (the shortest rep).",
    },
    "min_width_s": {
        "min": 0.05,
        "max": 2.0,
        "step": 0.05,
        "label": "min. rep width (s)",
        "meaning": "How long a rep's turning region lasts at half its depth, at least.",
    },
}
"""The rep-detector settings shown as sliders, with the slider ranges.

The ranges are narrower than what :class:`~formlab.reps.RepDetectorParams`
accepts: they span what makes sense for strength exercises (reps of 0.5-5 s).
"""


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
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f".{decimals}f"


def add_classes(widget, *classes: str):
    """Add CSS classes to a widget and return it."""
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
            widget = w.Dropdown(
                options=list(row.choices),
                value=row.value,
                description=f"{row.name}{unit}",
                style=style,
                layout=layout,
            )
        else:
            lo, hi = float(row.min), float(row.max)
            step = slider_step(lo, hi, row.default)
            widget = w.FloatSlider(
                value=float(row.value),
                min=lo,
                max=hi,
                step=step,
                description=f"{row.name}{unit}",
                continuous_update=False,
                readout_format=_readout_format(step),
                style=style,
                layout=layout,
            )
        widget.tooltip = f"{row.meaning} Default {row.default!r}."
        add_classes(widget, CSS["threshold"], f"{CSS['threshold']}-{row.section}-{row.name}")
        out[key] = widget
    return out


def detector_widgets(params: RepDetectorParams) -> dict[str, Any]:
    """Sliders for the rep-detector settings of :data:`DETECTOR_SLIDERS`, set to ``params`` (clipped to the slider)."""
    import ipywidgets as w

    out = {}
    for name, spec in DETECTOR_SLIDERS.items():
        value = float(np.clip(getattr(params, name), spec["min"], spec["max"]))
        slider = w.FloatSlider(
            value=value,
            min=spec["min"],
            max=spec["max"],
            step=spec["step"],
            description=spec["label"],
            continuous_update=False,
            readout_format=_readout_format(spec["step"]),
            style={"description_width": "250px"},
            layout=w.Layout(width="520px"),
        )
        slider.tooltip = spec["meaning"]
        add_classes(slider, CSS["detector"], f"{CSS['detector']}-{name}")
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

    def __init__(
        self,
        video: str | os.PathLike,
        height_px: int = 360,
        *,
        quality: int = 85,
        progress: bool = True,
    ):
        from PIL import Image
        from tqdm.auto import tqdm

        from ..io.media import iter_video_frames, probe_video

        if int(height_px) < 16:
            raise ConfigError(f"height_px = {height_px} is too small; use at least 16")
        info = probe_video(video)
        self.scale = min(1.0, int(height_px) / info.height_px)
        self.size = (
            max(1, round(info.width_px * self.scale)),
            max(1, round(info.height_px * self.scale)),
        )
        self._jpeg: dict[int, bytes] = {}
        bar = tqdm(
            total=info.n_frames or None,
            desc=f"decoding {Path(video).name}",
            unit="frame",
            disable=not progress,
        )
        try:
            for fr in iter_video_frames(video):
                buf = io.BytesIO()
                Image.fromarray(fr.rgb).resize(self.size, Image.Resampling.BILINEAR).save(
                    buf, format="JPEG", quality=quality
                )
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


def side_by_side(*columns: tuple[Any, int]) -> Any:
    """Columns of fixed width (``(widget, width_px)``) side by side, wrapping below each other when narrow.

    A plain ``HBox`` squeezes its children instead: in JupyterLab on a laptop
    screen (1366x768, the file browser open) the tuner's frame then covered its
    slider readouts. Each column keeps its width (at most the notebook's) and
    moves below the previous one when the row has no room.
    """
    import ipywidgets as w

    for widget, width_px in columns:
        widget.layout.width, widget.layout.max_width = f"{width_px}px", "100%"
        widget.layout.flex = "0 0 auto"
    return w.HBox([c for c, _ in columns], layout=w.Layout(flex_flow="row wrap"))


def png(fig, dpi: int) -> bytes:
    """A matplotlib figure as PNG bytes (for an ``ipywidgets.Image``); the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def jpeg(rgb: np.ndarray) -> bytes:
    """An RGB frame as JPEG bytes (for an ``ipywidgets.Image``)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=88)
    return buf.getvalue()
