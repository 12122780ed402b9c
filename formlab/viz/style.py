"""One visual style for every figure and every frame overlay: colours, and how a figure is saved.

The same meaning has the same colour everywhere, in matplotlib figures and in
the annotated video alike:

* the lifter's **left** side orange and **right** side sky blue (Okabe-Ito
  colours, distinguishable with the common colour-vision deficiencies), the
  midline near-white (it shows on dark and light pictures);
* verdicts: ``pass`` green, ``fail`` red, ``uncertain`` amber, ``not_assessable`` grey;
* the bar's trail yellow; a rep's span orange, its turning point red.

Colours are defined once as 0-255 RGB (what Pillow draws with) and given to
matplotlib as hex strings by :func:`hex_colour`.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.errors import OutputError
from ..form.check import FAIL, NOT_ASSESSABLE, PASS, UNCERTAIN

RGB = tuple[int, int, int]

SIDE_RGB: Mapping[str, RGB] = {
    "left": (230, 159, 0),
    "right": (86, 180, 233),
    "centre": (242, 242, 242),
}
"""Colour of each side of the body (the person's left/right, see :mod:`formlab.core.landmarks`)."""

STATUS_RGB: Mapping[str, RGB] = {
    PASS: (46, 204, 64),
    FAIL: (255, 65, 54),
    UNCERTAIN: (255, 193, 7),
    NOT_ASSESSABLE: (150, 150, 150),
}
"""Colour of each verdict."""

TRAIL_RGB: RGB = (255, 220, 0)
"""The bar's recent path on the annotated video."""

REP_RGB: RGB = (244, 162, 97)
"""A rep's span in figures over time."""

TURN_RGB: RGB = (214, 40, 40)
"""A rep's turning point in figures."""

INK_RGB: RGB = (29, 53, 87)
"""Measured values drawn as lines (dark blue)."""


def hex_colour(rgb: RGB) -> str:
    """``(230, 159, 0)`` -> ``"#e69f00"`` (what matplotlib takes)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


SIDE_COLOURS: Mapping[str, str] = {k: hex_colour(v) for k, v in SIDE_RGB.items()}
""":data:`SIDE_RGB` as matplotlib colours."""

STATUS_COLOURS: Mapping[str, str] = {k: hex_colour(v) for k, v in STATUS_RGB.items()}
""":data:`STATUS_RGB` as matplotlib colours."""

REP_COLOUR, TURN_COLOUR, INK_COLOUR = hex_colour(REP_RGB), hex_colour(TURN_RGB), hex_colour(INK_RGB)


_OFF_SCREEN = contextvars.ContextVar("formlab_off_screen", default=False)


@contextmanager
def off_screen() -> Iterator[None]:
    """Inside this block, formlab's figure functions draw on figures that no GUI or notebook shows.

    Used by the writers of :mod:`formlab.outputs`, so that writing a PNG from a
    script, a server or a worker never needs (or switches) a matplotlib
    backend, and a figure written to a file does not also pop up in a notebook.
    Outside it, figures come from :mod:`matplotlib.pyplot` as usual.
    """
    token = _OFF_SCREEN.set(True)
    try:
        yield
    finally:
        _OFF_SCREEN.reset(token)


_FIGURE_KEYWORDS = ("figsize", "dpi", "constrained_layout", "layout", "facecolor")


def subplots(*args: Any, **kwargs: Any):
    """``matplotlib.pyplot.subplots``, or a figure no backend knows of inside :func:`off_screen`."""
    if not _OFF_SCREEN.get():
        import matplotlib.pyplot as plt

        return plt.subplots(*args, **kwargs)
    from matplotlib.figure import Figure

    fig = Figure(**{k: kwargs.pop(k) for k in _FIGURE_KEYWORDS if k in kwargs})
    return fig, fig.subplots(*args, **kwargs)


def figure(**kwargs: Any):
    """``matplotlib.pyplot.figure``, or a figure no backend knows of inside :func:`off_screen`."""
    if not _OFF_SCREEN.get():
        import matplotlib.pyplot as plt

        return plt.figure(**kwargs)
    from matplotlib.figure import Figure

    return Figure(**kwargs)


TITLE_CHAR_WIDTH_EM = 0.62
"""Average width of a title character, in ems of its font size (DejaVu Sans, matplotlib's default,
averages 0.55-0.6 em over mixed text: 0.62 errs towards wrapping); used by :func:`wrap_titles`."""


def wrap_titles(fig) -> None:
    """Wrap every axes title and the figure's suptitle to the room the figure has for it.

    A title is one line however long it is, and matplotlib cuts it at the figure's
    edges (``bar_path.png``'s title with the scale's uncertainty note ran ~180
    characters over a 6-inch figure, issue 14). Each line longer than the width
    available (the figure's width for a suptitle; for an axes title, twice the
    distance from its anchor to the nearer edge of the figure, or the distance to
    the far edge for a left- or right-aligned one) is wrapped at words with
    :func:`textwrap.fill`. Widths are estimated from the font size, so no renderer
    is needed.
    """
    import textwrap

    width_pt = fig.get_figwidth() * 72.0

    def wrap(text_artist, room_frac: float) -> None:
        text = text_artist.get_text()
        if not text:
            return
        chars = max(
            10, int(room_frac * width_pt / (TITLE_CHAR_WIDTH_EM * text_artist.get_fontsize()))
        )
        lines = text.split("\n")
        if max(len(line) for line in lines) > chars:
            text_artist.set_text("\n".join(textwrap.fill(line, chars) for line in lines))

    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None:
        wrap(suptitle, 0.96)
    for ax in fig.axes:
        box = ax.get_position()
        rooms = {
            "center": 2 * min(box.x0 + box.width / 2, 1 - box.x0 - box.width / 2),
            "left": 1 - box.x0,
            "right": box.x1,
        }
        for loc, room in rooms.items():
            wrap(
                ax._left_title
                if loc == "left"
                else ax._right_title
                if loc == "right"
                else ax.title,
                0.96 * room,
            )


def save_figure(
    fig, path: str | os.PathLike, *, dpi: int = 120, tight: bool = False, close: bool = True
) -> Path:
    """Write a matplotlib figure atomically (format from the suffix), reproducibly, and close it.

    The file is written to a temporary name and moved into place, so a reader
    never sees half a picture; PNGs carry no software-version metadata, so an
    unchanged figure is rewritten with identical bytes (``git status`` stays clean).
    ``tight`` trims the white margin (``bbox_inches="tight"``; the figure's
    pixel size then depends on its content).
    """
    from ..core.files import atomic_path

    path = Path(path)
    if not path.suffix:
        raise OutputError(f"{path}: a figure file needs a suffix (.png, .svg, .pdf)")
    metadata = {"Software": None} if path.suffix.lower() == ".png" else None
    wrap_titles(fig)
    try:
        with atomic_path(path) as tmp:
            fig.savefig(
                tmp,
                format=path.suffix[1:].lower(),
                dpi=dpi,
                bbox_inches="tight" if tight else None,
                metadata=metadata,
            )
    finally:
        if close:
            import matplotlib.pyplot as plt

            plt.close(
                fig
            )  # a pyplot figure is forgotten; any other is left to the garbage collector
    return path
