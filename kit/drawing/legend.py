"""The words that explain a drawing's conventions, the same in every picture and notebook.

``kit.draw`` prints these under its drawings, the live graph under its frames,
and the course quotes them where a convention first appears.

Used by ``kit.draw`` (``kit/drawing/static.py``) and the course notebooks.
"""

from __future__ import annotations

__all__ = ["BOXES", "EDGES", "LEGEND", "legend_lines"]

#: What a box's colour and outline say, in the order a learner meets them.
BOXES = (
    ("green box", "an Input"),
    ("blue box", "a layer"),
    ("grey dashed box", "a keras.ops operation"),
    ("purple box", "a model used as a layer (expand_nested=True opens it)"),
    ("yellow box", "a shared layer, called more than once (one line per call)"),
    ("orange outline", "a model output"),
    ("red outline", "highlighted"),
    ("grey box with a stack", "repeated blocks drawn as one box (collapse=False opens them)"),
)

#: What edges and their labels say.
EDGES = (
    ("arrow", "a tensor, from the layer that made it to the layer that uses it"),
    ("[i] on an arrow", "the tensor is the output of call i of the layer it leaves (node i)"),
    ("[i] ×n on an arrow", "the same tensor is passed n times to the same call"),
)

LEGEND = BOXES + EDGES


def legend_lines(entries=LEGEND) -> list[str]:
    """One ``"symbol: meaning"`` line per convention.

    Example
    -------
    >>> legend_lines()[0]
    'green box: an Input'
    """
    return [f"{symbol}: {meaning}" for symbol, meaning in entries]
