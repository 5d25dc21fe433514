"""A matplotlib ``Figure`` that shows itself in notebooks without pyplot.

A ``Figure`` made directly (never through pyplot, so nothing global changes)
only displays in Jupyter when the inline backend happens to be active. This one
always does, and saves PNGs with light compression: the kit's pictures are
mostly flat colour, so nothing is lost and large drawings save several times
faster. A figure made of a few flat colours (a layer graph) can also say so
with ``png_colours``: its PNG is then stored with a palette, three times
smaller and faster to write.

Used by ``kit.draw`` and ``kit.datasets.show``.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["PNG_COMPRESSION", "ShownFigure"]

PNG_COMPRESSION = 1


class ShownFigure(Figure):
    """A ``Figure`` with a PNG representation for IPython.

    Example
    -------
    >>> figure = ShownFigure(figsize=(2, 1))
    >>> figure._repr_png_()[:4]
    b'\\x89PNG'
    """

    #: Colours of the PNG palette; None keeps full colour (photos, plots).
    png_colours: int | None = None

    def savefig(self, fname, **kwargs):
        is_png = str(kwargs.get("format") or fname).lower().endswith("png")
        if is_png and self.png_colours and set(kwargs) <= {"format"}:
            return self._save_palette_png(fname)
        if is_png:
            kwargs.setdefault("pil_kwargs", {"compress_level": PNG_COMPRESSION})
        return super().savefig(fname, **kwargs)

    def _save_palette_png(self, fname):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        canvas = FigureCanvasAgg(self)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
        image = image.quantize(self.png_colours, method=Image.Quantize.FASTOCTREE)
        dpi = round(self.dpi)
        image.save(fname, format="png", compress_level=PNG_COMPRESSION, dpi=(dpi, dpi))

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()
