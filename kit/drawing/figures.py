"""A matplotlib ``Figure`` that shows itself in notebooks without pyplot.

A ``Figure`` made directly (never through pyplot, so nothing global changes)
only displays in Jupyter when the inline backend happens to be active. This one
always does, and saves PNGs with light compression: the kit's pictures are
mostly flat colour, so nothing is lost and large drawings save several times
faster.

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

    def savefig(self, fname, **kwargs):
        if str(kwargs.get("format") or fname).lower().endswith("png"):
            kwargs.setdefault("pil_kwargs", {"compress_level": PNG_COMPRESSION})
        return super().savefig(fname, **kwargs)

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()
