"""Drawing a pose and its feedback onto a picture.

Pure functions on ``uint8`` RGB arrays (H, W, 3): each returns a new array and
leaves its input untouched. Sizes (line widths, fonts) scale with the picture,
so a 480 px photo and a 4K frame look alike, except that text never gets
smaller than :data:`MIN_TEXT_PX` (word spaces would vanish). The skeleton and
the bar's trail, which change every frame, are drawn with OpenCV on the array
itself; the panels (text in DejaVu Sans, which ships with matplotlib) are set
with Pillow once per content and laid over each frame, which keeps an annotated
video's drawing to a few milliseconds per frame (issue 15).

Colours are those of every formlab picture (:mod:`formlab.viz.style`): the
lifter's LEFT side orange, the RIGHT side blue, the midline white; verdicts
green (pass), red (fail), amber (uncertain) and grey (not assessable).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..core.landmarks import SKELETON_EDGES, edge_side, side_of
from ..form.check import FAIL, NOT_ASSESSABLE, UNCERTAIN
from .style import SIDE_RGB, STATUS_RGB, TRAIL_RGB


@dataclass(frozen=True)
class FrameOverlay:
    """Everything drawn on one frame besides the picture itself.

    Attributes
    ----------
    xy_px : ndarray (33, 2) or None
        Landmarks in pixels (NaN: not drawn).
    visibility : ndarray (33,) or None
        Landmarks below ``min_visibility`` are drawn thin and dashed-looking (faded).
    statuses : mapping check name -> verdict
        Shown as a list in the top-left panel, in the mapping's order.
    titles, cues : mapping check name -> text
        Each check's short name (the panel's lines) and what to tell the
        lifter when it fails (shown below the list); default: the check's
        name in words.
    view : str
        Camera view shown in the panel header ("" to omit).
    rep_count : int or None
        Rep counter shown top-right (None: no counter).
    trail_xy_px : ndarray (n, 2) or None
        Recent bar positions, oldest first, drawn as a fading line.
    highlight : str or None
        A check to emphasise (used for the worst-frame pictures).
    footer : str
        A line of text at the bottom (e.g. the last rep's verdict).
    """

    xy_px: np.ndarray | None = None
    visibility: np.ndarray | None = None
    statuses: Mapping[str, str] | None = None
    titles: Mapping[str, str] | None = None
    cues: Mapping[str, str] | None = None
    view: str = ""
    rep_count: int | None = None
    trail_xy_px: np.ndarray | None = None
    highlight: str | None = None
    footer: str = ""
    min_visibility: float = 0.5


def _unit(image: Image.Image) -> float:
    """Drawing unit in pixels: 1 for a 540 px short side."""
    return max(0.6, min(image.size) / 540.0)


MIN_TEXT_PX = 13
"""Smallest font size drawn, in pixels. Below it a word space shrinks to the
width of the gaps between letters (2 px at 10 px in Pillow's default font), so
on a 640x360 video "Raise your elbows" reads as "Raiseyourelbows", the more so
after H.264 blurs it."""


def text_size_px(image_size_px: Sequence[int], base_px: float, min_px: int = MIN_TEXT_PX) -> int:
    """Font size in pixels for text of ``base_px`` at the 540 px reference, scaled with the picture.

    Parameters
    ----------
    image_size_px : (width, height)
        The picture's size; text scales with its short side, so portrait and
        landscape frames get the same size.
    base_px : float
        The size on a picture whose short side is 540 px.
    min_px : int
        Floor, so that small videos keep readable letters and visible word spaces.
    """
    return max(int(min_px), round(base_px * min(image_size_px) / 540.0))


def _font_file() -> Path | None:
    """DejaVu Sans as shipped with matplotlib (a dependency), or None when it is not there.

    Why not Pillow's default font: its word space is 0.22 em, about the gap
    between two letters at small sizes, and Pillow < 10.1 has only a fixed
    11 px bitmap font. DejaVu Sans was made for screens (space 0.32 em, wide
    letters, large x-height). Found without importing matplotlib, which is slow.
    """
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=16)
def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_file()
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size_px)
        except OSError:  # unreadable file: fall back to Pillow's own font
            pass
    try:
        return ImageFont.load_default(size=size_px)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        return ImageFont.load_default()


def _unit_px(shape: Sequence[int]) -> float:
    """:func:`_unit` of an array of shape (H, W, ...)."""
    return max(0.6, min(shape[0], shape[1]) / 540.0)


_SHIFT = 4
"""Fractional bits of the coordinates given to OpenCV (1/16 px: lines land where Pillow's would)."""


def _pt(p: np.ndarray) -> tuple[int, int]:
    return (round(float(p[0]) * (1 << _SHIFT)), round(float(p[1]) * (1 << _SHIFT)))


def draw_skeleton(
    rgb: np.ndarray,
    xy_px: np.ndarray,
    visibility: np.ndarray | None = None,
    min_visibility: float = 0.5,
) -> np.ndarray:
    """Draw the 35 skeleton edges and the joints on ``rgb``, in place; left orange, right blue, midline white.

    OpenCV's anti-aliased lines on the array itself: a frame of an annotated
    video is drawn in a fraction of the time a round trip through Pillow takes
    (issue 15). Landmarks below ``min_visibility`` are drawn dimmer and thinner.
    """
    import cv2

    u = _unit_px(rgb.shape)
    width = max(2, round(3 * u))
    xy = np.asarray(xy_px, dtype=float)
    finite = np.isfinite(xy).all(axis=1)
    seen = (
        np.ones(len(xy), bool)
        if visibility is None
        else np.nan_to_num(visibility, nan=0.0) >= min_visibility
    )
    for a, b in SKELETON_EDGES:
        if not (finite[a] and finite[b]):
            continue
        both = seen[a] and seen[b]
        color = tuple(int(c * (1.0 if both else 0.45)) for c in SIDE_RGB[edge_side((a, b))])
        thick = width if both else max(1, width // 2)
        cv2.line(rgb, _pt(xy[a]), _pt(xy[b]), color, thick, cv2.LINE_AA, _SHIFT)
    r = max(2.0, 3.5 * u)
    radius = round(float(r) * (1 << _SHIFT))
    for i in np.flatnonzero(finite):
        if 1 <= i <= 10:  # face points other than the nose are clutter
            continue
        color = SIDE_RGB[side_of(int(i))] if seen[i] else (90, 90, 90)
        cv2.circle(rgb, _pt(xy[i]), radius, color, -1, cv2.LINE_AA, _SHIFT)
        cv2.circle(rgb, _pt(xy[i]), radius, (0, 0, 0), 1, cv2.LINE_AA, _SHIFT)
    return rgb


def draw_trail(rgb: np.ndarray, trail_xy_px: np.ndarray) -> np.ndarray:
    """Draw a polyline through recent bar positions (oldest first), older parts dimmer; in place."""
    import cv2

    pts = np.asarray(trail_xy_px, dtype=float)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) == 0:
        return rgb
    u = _unit_px(rgb.shape)
    n = len(pts)
    width = max(2, round(3 * u))
    for k in range(1, n):
        f = 0.35 + 0.65 * k / (n - 1)
        color = tuple(int(c * f) for c in TRAIL_RGB)
        cv2.line(rgb, _pt(pts[k - 1]), _pt(pts[k]), color, width, cv2.LINE_AA, _SHIFT)
    radius = round(5.0 * u * (1 << _SHIFT))
    cv2.circle(rgb, _pt(pts[-1]), radius, TRAIL_RGB, -1, cv2.LINE_AA, _SHIFT)
    cv2.circle(rgb, _pt(pts[-1]), radius, (0, 0, 0), 1, cv2.LINE_AA, _SHIFT)
    return rgb


def _panel(image: Image.Image, box: Sequence[float], alpha: float = 0.6) -> Image.Image:
    """Darken a rectangle of the picture (a translucent black panel), in place."""
    x0, y0, x1, y1 = (round(v) for v in box)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(image.size[0], x1), min(image.size[1], y1)
    if x1 > x0 and y1 > y0:
        region = np.asarray(image.crop((x0, y0, x1, y1)), dtype=np.float32)
        image.paste(Image.fromarray((region * (1.0 - alpha)).astype(np.uint8)), (x0, y0))
    return image


_STATUS_SUFFIX = {NOT_ASSESSABLE: "  (n/a)", UNCERTAIN: "  (unsure)"}
"""Written after a check's name in the panel, so a verdict reads without its colour too."""


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def draw_status_panel(
    image: Image.Image,
    statuses: Mapping[str, str],
    view: str = "",
    highlight: str | None = None,
    titles: Mapping[str, str] | None = None,
    cues: Mapping[str, str] | None = None,
) -> Image.Image:
    """Top-left panel: the view, then one line per check with a coloured dot; failing cues below."""
    u = _unit(image)
    size = text_size_px(image.size, 15)
    font, big = _font(size), _font(int(size * 1.35))
    names = list(statuses)
    titles = titles or {}
    cues = cues or {}
    labels = {n: titles.get(n, _words(n)) + _STATUS_SUFFIX.get(statuses[n], "") for n in names}
    lines = ([f"view: {view}"] if view else []) + list(labels.values())
    fails = [cues.get(n, _words(n)) for n in names if statuses[n] == FAIL]
    line_h = int(size * 1.35)
    pad = int(8 * u)
    measure = ImageDraw.Draw(image)
    text_w = max([measure.textlength(t, font=font) for t in lines] + [0]) + size * 1.4
    msg_w = max([measure.textlength(m + "!", font=big) for m in fails] + [0])
    w = max(text_w, msg_w) + 2 * pad
    h = (
        len(lines) * line_h
        + len(fails) * int(size * 1.8)
        + 2 * pad
        + (int(size * 0.4) if fails else 0)
    )
    image = _panel(image, (pad, pad, pad + w, pad + h))
    d = ImageDraw.Draw(image)
    y = 2 * pad
    x = 2 * pad
    if view:
        d.text((x, y), f"view: {view}", font=font, fill=(220, 220, 220))
        y += line_h
    for n in names:
        color = STATUS_RGB.get(statuses[n], STATUS_RGB[NOT_ASSESSABLE])
        r = size * 0.36
        cy = y + size * 0.55
        d.ellipse([x, cy - r, x + 2 * r, cy + r], fill=color)
        weight = (255, 255, 255) if n != highlight else (255, 230, 0)
        d.text(
            (x + size * 1.1, y),
            labels[n],
            font=font,
            fill=weight if statuses[n] != NOT_ASSESSABLE else (170, 170, 170),
        )
        y += line_h
    y += int(size * 0.4)
    for m in fails:
        d.text((x, y), m + "!", font=big, fill=STATUS_RGB[FAIL])
        y += int(size * 1.8)
    return image


def draw_rep_counter(image: Image.Image, rep_count: int) -> Image.Image:
    """Top-right badge "Rep N": the rep under way, or the last one finished ("Reps 0" before the first)."""
    u = _unit(image)
    size = text_size_px(image.size, 26)
    font = _font(size)
    text = f"Rep {rep_count}" if rep_count > 0 else "Reps 0"
    d = ImageDraw.Draw(image)
    tw = d.textlength(text, font=font)
    pad = int(8 * u)
    x1 = image.size[0] - pad
    image = _panel(image, (x1 - tw - 2 * pad, pad, x1, pad + size * 1.3 + pad))
    ImageDraw.Draw(image).text(
        (x1 - tw - pad, pad + pad * 0.6), text, font=font, fill=(255, 255, 255)
    )
    return image


def draw_footer(image: Image.Image, text: str) -> Image.Image:
    """A line of text on a dark band at the bottom, wrapped at words where the picture is too narrow.

    A worst frame's caption on a portrait clip ran past the right edge (issue 14):
    it is wrapped into as many lines as it needs (:func:`footer_lines`), the band
    growing upwards; a caption that fits is drawn exactly as before.
    """
    if not text:
        return image
    u = _unit(image)
    size = text_size_px(image.size, 15)
    font = _font(size)
    pad = int(8 * u)
    h = image.size[1]
    lines = footer_lines(image.size, text)
    step = size * 1.3
    top = h - pad - size * 1.6 - step * (len(lines) - 1)
    image = _panel(image, (pad, top, image.size[0] - pad, h - pad))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((2 * pad, top + size * 0.25 + i * step), line, font=font, fill=(255, 255, 255))
    return image


def footer_lines(size: tuple[int, int], text: str) -> list[str]:
    """The lines :func:`draw_footer` draws ``text`` in on a picture of ``size`` (width, height).

    Greedy word wrap on the font's measured widths, within the band's inner
    width (the picture less two paddings each side); a single word longer
    than that stays on its own line.
    """
    font = _font(text_size_px(size, 15))
    room = size[0] - 4 * int(8 * _unit_px((size[1], size[0])))  # the text starts 2 pads in
    measure = ImageDraw.Draw(Image.new("L", (1, 1))).textlength
    lines: list[str] = []
    for word in text.split(" "):
        if lines and measure(f"{lines[-1]} {word}", font=font) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class _Sprite:
    """A panel drawn once, laid over any frame of its size: ``out = frame * keep / 255 + ink``.

    Rendered by drawing the panel with Pillow on a black and on a white
    picture: on black the result is the panel's own ink (colour times
    coverage), and white minus black is how much of the background shows
    through (the translucent panel keeps 40 %, letters none). Laying it over
    a frame is then two array operations on the panel's box, and gives the
    same pixels Pillow would have drawn on that frame.
    """

    box: tuple[int, int, int, int]  # y0, y1, x0, x1
    keep: np.ndarray  # uint16, 0-255: background kept
    ink: np.ndarray  # uint16

    def paint(self, rgb: np.ndarray) -> None:
        y0, y1, x0, x1 = self.box
        region = rgb[y0:y1, x0:x1]
        mixed = (region.astype(np.uint16) * self.keep + 127) // 255 + self.ink
        region[...] = np.minimum(mixed, 255).astype(np.uint8)


def _render_sprite(size: tuple[int, int], draw) -> _Sprite | None:
    """The :class:`_Sprite` of ``draw(image) -> image`` on a picture of ``size`` (None: draws nothing)."""
    black = np.asarray(draw(Image.new("RGB", size, (0, 0, 0))), dtype=np.int16)
    white = np.asarray(draw(Image.new("RGB", size, (255, 255, 255))), dtype=np.int16)
    keep = np.clip(white - black, 0, 255)
    touched = ((keep < 255) | (black > 0)).any(axis=2)
    if not touched.any():
        return None
    ys, xs = np.flatnonzero(touched.any(axis=1)), np.flatnonzero(touched.any(axis=0))
    y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
    return _Sprite(
        (y0, y1, x0, x1),
        keep[y0:y1, x0:x1].astype(np.uint16),
        black[y0:y1, x0:x1].astype(np.uint16),
    )


def _items(mapping: Mapping[str, str] | None) -> tuple | None:
    return None if mapping is None else tuple(mapping.items())


@lru_cache(maxsize=256)
def _status_sprite(size, statuses, view, highlight, titles, cues) -> _Sprite | None:
    return _render_sprite(
        size,
        lambda im: draw_status_panel(
            im,
            dict(statuses),
            view,
            highlight,
            None if titles is None else dict(titles),
            None if cues is None else dict(cues),
        ),
    )


@lru_cache(maxsize=64)
def _counter_sprite(size, rep_count: int) -> _Sprite | None:
    return _render_sprite(size, lambda im: draw_rep_counter(im, rep_count))


@lru_cache(maxsize=64)
def _footer_sprite(size, text: str) -> _Sprite | None:
    return _render_sprite(size, lambda im: draw_footer(im, text))


def _as_rgb(rgb: np.ndarray) -> np.ndarray:
    """A writable uint8 (H, W, 3) copy of a grey, RGB or RGBA picture."""
    a = np.asarray(rgb)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    elif a.shape[2] == 4:
        a = a[:, :, :3]
    return np.array(a, dtype=np.uint8, order="C", copy=True)


def draw_overlay(rgb: np.ndarray, overlay: FrameOverlay) -> np.ndarray:
    """Draw a :class:`FrameOverlay` on a copy of an RGB frame and return it (uint8, same shape).

    The trail and the skeleton, which change every frame, are drawn with
    OpenCV on the array; the panels (checks, rep counter, footer), which
    change a few times per video, are set with Pillow once per content and
    size and then laid over each frame (:class:`_Sprite`).
    """
    out = _as_rgb(rgb)
    if overlay.trail_xy_px is not None:
        draw_trail(out, overlay.trail_xy_px)
    if overlay.xy_px is not None:
        draw_skeleton(out, overlay.xy_px, overlay.visibility, overlay.min_visibility)
    size = (out.shape[1], out.shape[0])
    sprites = []
    if overlay.statuses or overlay.view:
        sprites.append(
            _status_sprite(
                size,
                _items(overlay.statuses or {}),
                overlay.view,
                overlay.highlight,
                _items(overlay.titles),
                _items(overlay.cues),
            )
        )
    if overlay.rep_count is not None:
        sprites.append(_counter_sprite(size, int(overlay.rep_count)))
    if overlay.footer:
        sprites.append(_footer_sprite(size, overlay.footer))
    for sprite in sprites:
        if sprite is not None:
            sprite.paint(out)
    return out
