"""The words that explain a drawing's conventions, the same in every picture and notebook.

``kit.draw`` prints these under its drawings, the live graph under its frames,
and the course quotes them where a convention first appears.

Used by ``kit.draw`` (``kit/drawing/static.py``) and the course notebooks.
"""

from __future__ import annotations

from kit.graph import Kind

__all__ = ["BOXES", "EDGES", "LEGEND", "legend_entries", "legend_lines"]

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


def legend_entries(graph, notes=None, highlighted=()) -> list[tuple[str, str]]:
    """``(symbol, "symbol: meaning")`` for the conventions a drawing of ``graph`` uses.

    ``notes`` are the drawing's edge labels, ``highlighted`` its red boxes.

    Example
    -------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("x", "dense")])
    >>> g.nodes["x"]["kind"], g.nodes["dense"]["kind"] = "input", "layer"
    >>> [symbol for symbol, _ in legend_entries(g)]
    ['green box', 'blue box', 'arrow']
    """
    nodes = [data for _, data in graph.nodes(data=True)]
    kinds = {data.get("kind") for data in nodes}
    notes = notes or {}
    used = {
        "green box": Kind.INPUT in kinds,
        "blue box": Kind.LAYER in kinds,
        "grey dashed box": Kind.OPERATION in kinds,
        "purple box": Kind.MODEL in kinds,
        "yellow box": any(data.get("shared") for data in nodes),
        "orange outline": any(data.get("is_output") for data in nodes),
        "red outline": bool(highlighted),
        "grey box with a stack": Kind.BLOCK in kinds,
        "arrow": graph.number_of_edges() > 0,
        "[i] on an arrow": any("[" in note for note in notes.values()),
        "[i] ×n on an arrow": any("×" in note for note in notes.values()),
    }
    return [(symbol, f"{symbol}: {meaning}") for symbol, meaning in LEGEND if used[symbol]]
