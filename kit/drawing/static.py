"""Static drawings of layer graphs with matplotlib (no Graphviz).

Boxes, edges and arrowheads are each one collection of artists and every layer
has a single text artist, so a 177-layer ResNet50 renders in a fraction of a
second.

Used by every notebook of the course and by the live graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import FancyBboxPatch, PathPatch, Rectangle

from kit._text import format_shape, format_shapes, plural
from kit.drawing.figures import ShownFigure
from kit.drawing.glyphs import glyph_cache
from kit.drawing.layout import layered_layout
from kit.graph import Kind, size_of

__all__ = [
    "STYLE",
    "FONT_SIZE",
    "LINE_HEIGHT",
    "GraphFigure",
    "draw",
    "expanded",
    "box_label",
    "box_collection",
]

FONT_SIZE = 7.5
LINE_HEIGHT = 1.3 * FONT_SIZE / 72
MAX_LABEL_CHARS = 56
MAX_CALL_LINES = 3
GAP_X, GAP_Y = 0.25, 0.32  # inches between boxes
MARGIN = 0.3
DEFAULT_MAX_ROWS = 40
DPI = 80
MIN_DPI = 60
MAX_PIXELS = 10e6  # keeps PNG encoding of 400+ layer graphs under a second

#: Face and edge colours by node kind.
STYLE = {
    Kind.INPUT: ("#d8f0da", "#2f7d3a"),
    Kind.LAYER: ("#e4edfb", "#3c6ea8"),
    Kind.OPERATION: ("#eeeeee", "#6f6f6f"),
    Kind.MODEL: ("#eee2f7", "#7a3ea1"),
}
SHARED_FACE = "#fff1bf"
OUTPUT_EDGE = "#c9480f"
HIGHLIGHT_EDGE = "#e0192f"
EDGE_COLOR = "#55606e"
JUMP_COLOR = "#a9b2bd"
CLUSTER_FACE = "#f7f1fb"


def draw(
    obj,
    show_shapes=True,
    expand_nested=False,
    highlight=None,
    *,
    max_rows=DEFAULT_MAX_ROWS,
    title=None,
    dpi=DPI,
) -> GraphFigure:
    """Draw the layer graph of a model, of symbolic tensors, or of a ``kit.graph_of`` graph.

    Parameters
    ----------
    obj : keras.Model, KerasTensor, list of KerasTensor, or networkx graph
        What to draw; Keras objects go through :func:`kit.graph_of`.
    show_shapes : bool
        Print each call's input and output shapes in its box.
    expand_nested : bool
        Open models used as layers (and models wrapped by ``TimeDistributed``).
    highlight : str or list of str, optional
        Layer names to outline in red.
    max_rows : int
        Deeper graphs are folded into side-by-side columns of this many rows.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> import keras
    >>> x = keras.Input((784,), name="pixels")
    >>> figure = draw(keras.Model(x, keras.layers.Dense(10)(x)))
    >>> figure.graph.number_of_nodes(), figure.labels["pixels"].splitlines()[0]
    (2, 'pixels: InputLayer')
    """
    graph = _as_graph(obj)
    if expand_nested:
        graph = expanded(graph)
    wanted = _highlighted(graph, highlight)
    labels = {node: box_label(graph, node, show_shapes) for node in graph}
    layout = layered_layout(graph, max_rows=max_rows)
    grid = _grid(labels)
    figure, axes = _canvas(layout, grid, dpi)
    centres = {node: grid.at(layout.positions[node]) for node in graph}
    _draw_clusters(axes, graph, centres, grid.box_w, grid.box_h)
    _draw_edges(axes, graph, layout, centres, grid.box_w, grid.box_h, grid.at)
    _draw_boxes(axes, graph, centres, grid.box_w, grid.box_h, wanted)
    _draw_labels(axes, centres, labels)
    figure.graph, figure.labels, figure.centres = graph, labels, centres
    axes.text(
        MARGIN,
        MARGIN,
        title if title is not None else _title(graph),
        ha="left",
        va="top",
        fontsize=FONT_SIZE + 1.5,
        weight="bold",
    )
    return figure


@dataclass(frozen=True)
class _Grid:
    """Box sizes and row spacing of a drawing, in inches."""

    box_w: float
    box_h: dict
    row_h: float

    def at(self, point) -> tuple[float, float]:
        """The centre of the box at layout position (x, row), in inches from the top left."""
        x, row = point
        return MARGIN + self.box_w / 2 + x * (self.box_w + GAP_X), MARGIN + 0.35 + (row + 0.5) * self.row_h


def _grid(labels) -> _Grid:
    glyphs = glyph_cache(FONT_SIZE)
    box_w = max([1.4] + [glyphs.width(line) + 0.2 for text in labels.values() for line in text.split("\n")])
    box_h = {n: text.count("\n") * LINE_HEIGHT + LINE_HEIGHT + 0.14 for n, text in labels.items()}
    return _Grid(box_w, box_h, max(box_h.values(), default=0.4) + GAP_Y)


def _canvas(layout, grid, dpi):
    """A figure and full-size axes for ``layout``, in inches from the top left."""
    width = max(2 * MARGIN + layout.width * (grid.box_w + GAP_X) + grid.box_w, 2.5)
    height = 2 * MARGIN + 0.35 + layout.rows * grid.row_h
    dpi = max(MIN_DPI, min(dpi, (MAX_PIXELS / (width * height)) ** 0.5))  # very large graphs: fewer pixels
    figure = GraphFigure(figsize=(width, height), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    return figure, axes


class GraphFigure(ShownFigure):
    """The figure of a layer graph; ``graph``, ``labels`` and ``centres`` (inches
    from the top left) record what was drawn."""

    graph = None
    labels: dict = {}
    centres: dict = {}


def expanded(graph) -> nx.MultiDiGraph:
    """A copy of ``graph`` where every nested (or wrapped) model is replaced by its layers.

    Inner nodes are keyed ``"outer/inner"`` and carry ``cluster`` (the outer key).

    Example
    -------
    >>> import keras
    >>> x = keras.Input((4,), name="x")
    >>> inner = keras.Model(x, keras.layers.Dense(2, name="d")(x), name="inner")
    >>> y = keras.Input((4,), name="y")
    >>> sorted(expanded(kit.graph_of(inner(y))).nodes)  # doctest: +SKIP
    ['inner/d', 'inner/x', 'y']
    """
    result = nx.MultiDiGraph(**graph.graph)
    entry, exit_ = {}, {}
    for key, data in graph.nodes(data=True):
        inner = data.get("subgraph")
        if inner is None:
            result.add_node(key, **data)
            continue
        inner = expanded(inner)
        for inner_key, inner_data in inner.nodes(data=True):
            attributes = dict(
                inner_data,
                is_output=False,
                cluster=key,
                order=data.get("order", 0) + inner_data.get("order", 0) / 1000,
            )
            result.add_node(f"{key}/{inner_key}", **attributes)
        for u, v, edge in inner.edges(data=True):
            result.add_edge(f"{key}/{u}", f"{key}/{v}", **edge)
        entry[key] = [f"{key}/{k}" for k in inner.graph.get("inputs", [])]
        exit_[key] = [f"{key}/{k}" for k in inner.graph.get("outputs", [])]
        if data.get("is_output"):
            for name in exit_[key]:
                result.nodes[name]["is_output"] = True
    for u, v, edge in graph.edges(data=True):
        source = _pick(exit_.get(u), edge.get("tensor_index", 0), u)
        for target in _entry_points(result, entry.get(v), edge, v):
            result.add_edge(source, target, **edge)
    return result


def _entry_points(graph, inputs, edge, default) -> list:
    """Where an edge into an opened model lands: the Input it feeds, by name when it was passed in a dict.

    A keyword argument (``mask=``) is not an input: it goes to the layers that
    read the model's inputs.
    """
    if not inputs:
        return [default]
    if edge.get("keyword"):
        return sorted({v for u in inputs for v in graph.successors(u)}) or [default]
    by_name = {graph.nodes[key].get("name"): key for key in inputs}
    if edge.get("argument") in by_name:
        return [by_name[edge["argument"]]]
    return [_pick(inputs, edge.get("position", 0), default)]


# --- internals -------------------------------------------------------------


def _as_graph(obj):
    if isinstance(obj, nx.Graph):
        return obj
    from kit.graph import graph_of

    return graph_of(obj)


def _pick(names, index, default):
    if not names:
        return default
    return names[min(index, len(names) - 1)]


def _highlighted(graph, highlight):
    if highlight is None:
        return set()
    wanted = {highlight} if isinstance(highlight, str) else set(highlight)
    unknown = sorted(str(w) for w in wanted if w not in graph)
    if unknown:
        raise ValueError(
            f"highlight expects layer names of this graph; {', '.join(unknown)} "
            f"not found (known: {', '.join(sorted(map(str, graph))[:8])}...)"
        )
    return wanted


def _shapes(shapes):
    if not shapes:
        return "?"
    if len(shapes) > 1 and len(set(shapes)) == 1:
        return f"{len(shapes)} × {format_shape(shapes[0])}"
    return format_shapes(shapes, " + ")


def _clip(text):
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def box_label(graph, node, show_shapes):
    """The text of a layer's box: name and class, then each call's shapes (also for live frames)."""
    data = graph.nodes[node]
    head = f"{data.get('name', node)}: {data.get('class_name', '?')}"
    if data.get("shared"):
        head += f"  ×{data['calls']} calls"
    lines = [head]
    if data.get("wrapped"):
        lines.append(f"wraps {data['wrapped']}")
    if show_shapes:
        outputs = data.get("output_shapes") or []
        inputs = data.get("input_shapes") or []
        if data.get("kind") == Kind.INPUT and outputs:
            lines.append(_shapes(outputs[0]))
        else:
            calls = list(zip(data.get("node_indices", []), inputs, outputs))
            distinct = {(str(i), str(o)) for _, i, o in calls}
            if len(distinct) == 1:
                _, i, o = calls[0]
                lines.append(f"{_shapes(i)} → {_shapes(o)}")
            else:
                for n, i, o in calls[:MAX_CALL_LINES]:
                    lines.append(f"[{n}] {_shapes(i)} → {_shapes(o)}")
                if len(calls) > MAX_CALL_LINES:
                    lines.append(f"… {len(calls) - MAX_CALL_LINES} more calls")
    return "\n".join(_clip(line) for line in lines)


def _title(graph):
    # An expanded graph has no box for the nested model: its layers carry its parameters.
    params = sum(d.get("params", 0) for _, d in graph.nodes(data=True))
    name = graph.graph.get("name") or "graph"
    return f"{name}: {size_of(graph)}, {plural(params, 'parameter')}"


def box_collection(boxes):
    """One ``PatchCollection`` for many layer boxes, styled by kind.

    Parameters
    ----------
    boxes : iterable of (data, (x, y), width, height, highlighted)
        ``data`` is a node's attributes from :func:`kit.graph_of`; the centre and
        size are in the caller's coordinates. Also used by the live graph frames.
    """
    patches, faces, edges, widths, styles = [], [], [], [], []
    for data, (x, y), box_w, h, highlighted in boxes:
        face, edge = STYLE.get(data.get("kind"), STYLE[Kind.LAYER])
        width = 2.0 if data.get("kind") == Kind.MODEL else 1.0
        if data.get("shared"):
            face = SHARED_FACE
        if data.get("is_output"):
            edge, width = OUTPUT_EDGE, 2.0
        if highlighted:
            edge, width = HIGHLIGHT_EDGE, 3.0
        rounding = 0.12 if data.get("kind") == Kind.INPUT else 0.03
        patches.append(
            FancyBboxPatch(
                (x - box_w / 2, y - h / 2), box_w, h, boxstyle=f"round,pad=0,rounding_size={rounding}"
            )
        )
        faces.append(face)
        edges.append(edge)
        widths.append(width)
        styles.append("--" if data.get("kind") == Kind.OPERATION else "-")
    return PatchCollection(
        patches, facecolors=faces, edgecolors=edges, linewidths=widths, linestyles=styles, zorder=2
    )


def _draw_boxes(axes, graph, centres, box_w, box_h, wanted):
    axes.add_collection(
        box_collection(
            (graph.nodes[node], centre, box_w, box_h[node], node in wanted)
            for node, centre in centres.items()
        )
    )


def _draw_edges(axes, graph, layout, centres, box_w, box_h, at):
    segments, jumps, heads, notes = [], [], [], {}
    for u, v, edge in graph.edges(data=True):
        if graph.nodes[v].get("shared") or graph.number_of_edges(u, v) > 1:
            notes.setdefault((u, v), []).append(edge.get("node_index", 0))
    for (u, v), route in layout.routes.items():
        points = [at(p) for p in route]
        points[0] = (centres[u][0], centres[u][1] + box_h[u] / 2)
        points[-1] = (centres[v][0], centres[v][1] - box_h[v] / 2 - 0.03)
        piece = [points[0]]
        for previous, point in zip(points, points[1:]):
            if point[1] < previous[1]:  # the route continues in the next column
                piece.append((previous[0], previous[1] + 0.15))
                segments.append(piece)
                jumps.append([piece[-1], (point[0], point[1] - 0.15)])
                piece = [(point[0], point[1] - 0.15)]
            piece.append(point)
        segments.append(piece)
        heads.append(points[-1])
    for u in nx.nodes_with_selfloops(graph):
        x, y = centres[u]
        half = box_h[u] / 4
        right = x + box_w / 2
        segments.append(
            [(right, y + half), (right + 0.18, y + half), (right + 0.18, y - half), (right, y - half)]
        )
    axes.add_collection(LineCollection(segments, colors=EDGE_COLOR, linewidths=0.9, zorder=1))
    if jumps:
        axes.add_collection(
            LineCollection(jumps, colors=JUMP_COLOR, linewidths=0.7, linestyles=":", zorder=0)
        )
    if heads:
        xs, ys = zip(*heads)
        axes.scatter(xs, ys, marker="v", s=14, color=EDGE_COLOR, zorder=3, linewidths=0)
    for (u, v), indices in notes.items():
        text = "[" + ",".join(str(i) for i in sorted(indices)) + "]"
        if u == v:
            x, y = centres[u][0] + box_w / 2 + 0.2, centres[u][1]
        else:
            x, y = centres[v][0] + 0.05, centres[v][1] - box_h[v] / 2 - 0.12
            route = layout.routes[(u, v)]
            if len(route) > 1:
                x = (at(route[-2])[0] + centres[v][0]) / 2 + 0.05
        axes.text(x, y, text, fontsize=FONT_SIZE - 0.5, color="#8a5a00", ha="left", va="center", zorder=4)


def _draw_labels(axes, centres, labels):
    lines = []
    for node, (x, y) in centres.items():
        rows = labels[node].split("\n")
        top = y - (len(rows) - 1) * LINE_HEIGHT / 2
        lines += [(x, top + i * LINE_HEIGHT, row) for i, row in enumerate(rows)]
    path = glyph_cache(FONT_SIZE).path(lines)
    axes.add_artist(PathPatch(path, facecolor="#1b1f24", edgecolor="none", linewidth=0, zorder=5))


def _draw_clusters(axes, graph, centres, box_w, box_h):
    clusters = {}
    for node, data in graph.nodes(data=True):
        if data.get("cluster"):
            clusters.setdefault(data["cluster"].split("/")[0], []).append(node)
    for name, members in clusters.items():
        left = min(centres[n][0] for n in members) - box_w / 2 - 0.08
        right = max(centres[n][0] for n in members) + box_w / 2 + 0.08
        top = min(centres[n][1] - box_h[n] / 2 for n in members) - 0.22
        bottom = max(centres[n][1] + box_h[n] / 2 for n in members) + 0.08
        axes.add_patch(
            Rectangle(
                (left, top),
                right - left,
                bottom - top,
                facecolor=CLUSTER_FACE,
                edgecolor=STYLE[Kind.MODEL][1],
                linestyle="--",
                linewidth=1.0,
                zorder=0,
            )
        )
        axes.text(
            left + 0.06,
            top + 0.04,
            name,
            fontsize=FONT_SIZE,
            color=STYLE[Kind.MODEL][1],
            ha="left",
            va="top",
            style="italic",
            zorder=1,
        )
