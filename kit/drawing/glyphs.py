"""Cheap text for big drawings: many labels as one filled path.

A matplotlib ``Text`` artist lays out and rasterises its glyphs on every draw,
which dominates the rendering of a 177-layer graph. Here each character's
outline is computed once, and all the labels of a drawing become a single
compound path drawn in one call.

Used by ``kit.draw`` (``kit/drawing/static.py``).
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.path import Path
from matplotlib.textpath import TextPath

__all__ = ["POINTS_PER_INCH", "GlyphCache", "glyph_cache"]

POINTS_PER_INCH = 72.0


class GlyphCache:
    """Outlines and advances of characters at one font size, in inches.

    Example
    -------
    >>> cache = GlyphCache(size=8)
    >>> cache.width("Dense") > cache.width("D") > 0
    True
    """

    def __init__(self, size: float = 7.5, family: str = "DejaVu Sans", weight: str = "normal"):
        self.size = size
        self.prop = FontProperties(family=family, size=size, weight=weight)
        self.font = get_font(findfont(self.prop))
        self._glyphs: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}

    def glyph(self, char: str):
        """``(vertices, codes, advance)`` of ``char``; vertices in inches, y pointing up."""
        cached = self._glyphs.get(char)
        if cached is None:
            outline = Path(np.zeros((0, 2))) if char.isspace() else TextPath((0, 0), char, prop=self.prop)
            self.font.set_size(self.size, POINTS_PER_INCH)
            # linearHoriAdvance is in 1/65536 pixels; at 72 dpi a pixel is a point.
            advance = self.font.load_char(ord(char)).linearHoriAdvance / 65536.0 / POINTS_PER_INCH
            vertices = np.asarray(outline.vertices, dtype=float) / POINTS_PER_INCH
            codes = outline.codes if outline.codes is not None else np.full(len(vertices), Path.LINETO)
            cached = (vertices, np.asarray(codes, dtype=np.uint8), advance)
            self._glyphs[char] = cached
        return cached

    def width(self, text: str) -> float:
        """Width of ``text`` in inches."""
        return sum(self.glyph(char)[2] for char in text)

    def path(self, lines, align: str = "center") -> Path:
        """One path for many lines of text.

        Parameters
        ----------
        lines : iterable of (x, y, text)
            Anchor in inches on axes whose y axis grows downward; ``y`` is the
            vertical middle of the line, ``x`` its centre (or left edge with
            ``align="left"``).
        """
        pieces, shifts, codes = [], [], []
        middle = 0.36 * self.size / POINTS_PER_INCH
        for x, y, text in lines:
            cursor = x - self.width(text) / 2 if align == "center" else x
            for char in text:
                vertices, glyph_codes, advance = self.glyph(char)
                if len(vertices):
                    pieces.append(vertices)
                    codes.append(glyph_codes)
                    shifts.append((cursor, y + middle, len(vertices)))
                cursor += advance
        if not pieces:
            return Path(np.zeros((0, 2)))
        vertices = np.concatenate(pieces)
        counts = [count for _, _, count in shifts]
        offset_x = np.repeat([sx for sx, _, _ in shifts], counts)
        offset_y = np.repeat([sy for _, sy, _ in shifts], counts)
        placed = np.column_stack((vertices[:, 0] + offset_x, offset_y - vertices[:, 1]))
        return Path(placed, np.concatenate(codes))


@functools.cache
def glyph_cache(size: float, weight: str = "normal") -> GlyphCache:
    """The one :class:`GlyphCache` of a font size and weight, shared by every drawing.

    Example
    -------
    >>> glyph_cache(7.5) is glyph_cache(7.5) is not glyph_cache(7.5, "bold")
    True
    """
    return GlyphCache(size=size, weight=weight)
