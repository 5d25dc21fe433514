"""Static drawings of layer graphs with matplotlib (no Graphviz).

Boxes, edges and arrowheads are each one collection of artists and every layer
has a single text artist, so a 177-layer ResNet50 renders in a fraction of a
second.

Used by every notebook of the course and by the live graph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import networkx as nx
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import FancyBboxPatch, PathPatch, Rectangle

from kit._text import format_shape, format_shapes, plural
from kit.drawing.blocks import collapse as collapse_blocks
from kit.drawing.blocks import find_blocks
from kit.drawing.figures import ShownFigure
from kit.drawing.glyphs import glyph_cache
from kit.drawing.layout import layered_layout
from kit.drawing.legend import legend_entries
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

FONT_SIZE = 9.0
LINE_HEIGHT = 1.3 * FONT_SIZE / 72
#: Longer label lines wrap (never cut) at a separator.
WRAP_CHARS = 48
GAP_X, GAP_Y = 0.25, 0.32  # inches between boxes
MARGIN = 0.3
DPI = 80
#: A JupyterLab cell shows about 1,600 px without shrinking the picture: 20 inches at 80 dpi.
CELL_WIDTH = 20.0
#: Graphs with more boxes than this are drawn with their repeated blocks collapsed.
FULL_LAYERS = 60
MIN_DPI = 60
MAX_PIXELS = 10e6  # keeps PNG encoding of 400+ layer graphs under a second

#: Face and edge colours by node kind.
STYLE = {
    Kind.INPUT: ("#d8f0da", "#2f7d3a"),
    Kind.LAYER: ("#e4edfb", "#3c6ea8"),
    Kind.OPERATION: ("#eeeeee", "#6f6f6f"),
    Kind.MODEL: ("#eee2f7", "#7a3ea1"),
    Kind.BLOCK: ("#eceff3", "#4a5563"),
}
SHARED_FACE = "#fff1bf"
OUTPUT_EDGE = "#c9480f"
HIGHLIGHT_EDGE = "#e0192f"
EDGE_COLOR = "#55606e"
CLUSTER_FACE = "#f7f1fb"


def draw(
    obj,
    show_shapes=True,
    expand_nested=False,
    highlight=None,
    *,
    collapse=None,
    expand_blocks=(),
    legend=True,
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
    collapse : bool or None
        Draw repeated blocks (a ResNet's residual blocks, an Inception's
        modules...) as one box each: None (default) when the graph has more
        than ``FULL_LAYERS`` boxes, True always, False never (the full graph,
        which grows downwards). :mod:`kit.drawing.blocks` says how blocks are found.
    expand_blocks : list of str
        Names of collapsed blocks to open (as printed on their boxes).
    legend : bool
        Explain the colours and edge labels used, under the drawing.

    Returns
    -------
    GraphFigure
        A matplotlib Figure that also records ``graph``, ``labels`` and ``centres``.

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
    title = title if title is not None else _title(graph)
    graph = _overview(graph, collapse, expand_blocks)
    wanted = _highlighted(graph, highlight)
    layout = layered_layout(graph)
    labels, grid = _labels_that_fit(graph, layout, show_shapes)
    if _content_width(layout, grid) > CELL_WIDTH and collapse is None and not expand_blocks:
        graph = _overview(graph, True, ())  # still too wide: collapse what repeats
        layout = layered_layout(graph)
        labels, grid = _labels_that_fit(graph, layout, show_shapes)
    notes = edge_notes(graph)
    title_lines = _title_lines(title, grid, layout)
    legend_rows = legend_entries(graph, notes, wanted) if legend else []
    figure, axes = _canvas(layout, grid, dpi, title_lines, legend_rows)
    top = _title_height(len(title_lines))
    centres = {node: grid.at(layout.positions[node], top) for node in graph}
    _draw_clusters(axes, graph, centres, grid.box_w, grid.box_h)
    _draw_edges(axes, graph, layout, centres, grid, notes, top)
    _draw_boxes(axes, graph, centres, grid.box_w, grid.box_h, wanted)
    _draw_labels(axes, centres, labels)
    _draw_text(
        axes,
        [(MARGIN, MARGIN + (i + 0.5) * TITLE_LINE, line) for i, line in enumerate(title_lines)],
        bold=True,
    )
    if legend_rows:
        _draw_legend(axes, legend_rows, MARGIN, top + layout.rows * grid.row_h + GAP_Y)
    figure.graph, figure.labels, figure.centres, figure.notes = graph, labels, centres, notes
    figure.title, figure.legend = "\n".join(title_lines), legend_rows
    figure.box_size = (grid.box_w, grid.box_h)
    return figure


TITLE_SIZE = FONT_SIZE + 1.5
TITLE_LINE = 1.3 * TITLE_SIZE / 72
LEGEND_LINE = 1.5 * FONT_SIZE / 72


@dataclass(frozen=True)
class _Grid:
    """Box sizes and row spacing of a drawing, in inches."""

    box_w: float
    box_h: dict
    row_h: float

    def at(self, point, top) -> tuple[float, float]:
        """The centre of the box at layout position (x, row), in inches from the top left."""
        x, row = point
        return MARGIN + self.box_w / 2 + x * (self.box_w + GAP_X), top + (row + 0.5) * self.row_h


def _grid(labels) -> _Grid:
    glyphs = glyph_cache(FONT_SIZE)
    box_w = max([1.0] + [glyphs.width(line) + 0.24 for text in labels.values() for line in text.split("\n")])
    box_h = {n: text.count("\n") * LINE_HEIGHT + LINE_HEIGHT + 0.16 for n, text in labels.items()}
    return _Grid(box_w, box_h, max(box_h.values(), default=0.4) + GAP_Y)


def _labels_that_fit(graph, layout, show_shapes):
    """Box labels and sizes, wrapped narrower when a wide graph would not fit a notebook cell."""
    labels = {node: box_label(graph, node, show_shapes) for node in graph}
    grid = _grid(labels)
    if _content_width(layout, grid) > CELL_WIDTH:
        room = (CELL_WIDTH - 2 * MARGIN - layout.width * GAP_X) / (layout.width + 1) - 0.24
        limit = max(12, int(room / glyph_cache(FONT_SIZE).width("m_0 ") * 4))
        labels = {node: box_label(graph, node, show_shapes, wrap=limit) for node in graph}
        grid = _grid(labels)
    return labels, grid


def _content_width(layout, grid) -> float:
    return 2 * MARGIN + layout.width * (grid.box_w + GAP_X) + grid.box_w


def _title_lines(title, grid, layout) -> list[str]:
    """The title, wrapped at ", " to the drawing's width (at least a notebook cell's)."""
    room = max(_content_width(layout, grid), CELL_WIDTH) - 2 * MARGIN
    bold = glyph_cache(TITLE_SIZE, "bold")
    lines = [""]
    for part in title.split(", "):
        joined = f"{lines[-1]}, {part}" if lines[-1] else part
        if lines[-1] and bold.width(joined) > room:
            lines[-1] += ","
            lines.append(part)
        else:
            lines[-1] = joined
    return lines


def _title_height(lines: int) -> float:
    return MARGIN + lines * TITLE_LINE + 0.15


def _canvas(layout, grid, dpi, title_lines, legend_rows):
    """A figure and full-size axes for ``layout``, in inches from the top left."""
    bold, glyphs = glyph_cache(TITLE_SIZE, "bold"), glyph_cache(FONT_SIZE)
    width = max(
        [_content_width(layout, grid), 2.5]
        + [bold.width(line) + 2 * MARGIN for line in title_lines]
        + [glyphs.width(text) + LEGEND_SWATCH + 2 * MARGIN for _, text in legend_rows]
    )
    legend_height = (GAP_Y + len(legend_rows) * LEGEND_LINE) if legend_rows else 0.0
    height = _title_height(len(title_lines)) + layout.rows * grid.row_h + legend_height + MARGIN
    dpi = max(MIN_DPI, min(dpi, (MAX_PIXELS / (width * height)) ** 0.5))  # huge full graphs: fewer pixels
    figure = GraphFigure(figsize=(width, height), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    return figure, axes


def _overview(graph, collapse, expand_blocks):
    """``graph`` with its repeated blocks collapsed, as ``collapse`` asks."""
    if collapse not in (None, True, False):
        raise ValueError(f"collapse expects None (automatic), True or False, got {collapse!r}")
    wanted = {expand_blocks} if isinstance(expand_blocks, str) else set(expand_blocks)
    if collapse is False or (collapse is None and len(graph) <= FULL_LAYERS and not wanted):
        return graph
    blocks = find_blocks(graph)
    unknown = sorted(wanted - {block.name for block in blocks})
    if unknown:
        known = ", ".join(block.name for block in blocks) or "none"
        raise ValueError(
            f"expand_blocks expects names of collapsed blocks; {', '.join(unknown)} not found (blocks: {known})"
        )
    return collapse_blocks(graph, [block for block in blocks if block.name not in wanted])


class GraphFigure(ShownFigure):
    """The figure of a layer graph; ``graph``, ``labels``, ``centres`` (inches
    from the top left), ``box_size`` (width, heights), ``notes`` (edge labels),
    ``title`` and ``legend`` record what was drawn."""

    graph = None
    labels: dict = {}
    centres: dict = {}
    notes: dict = {}
    title = ""
    legend: list = []
    box_size: tuple = (0.0, {})
    png_colours = 64


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

    return graph_of(obj, with_config=False)  # a drawing does not show settings


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


def _wrap(line: str, limit: int) -> list[str]:
    """``line`` cut at separators into pieces of about ``limit`` characters; nothing is dropped."""
    if len(line) <= limit:
        return [line]
    pieces = re.split(r"(?<=, )|(?= → )|(?= \+ )|(?<=: )|(?<=_)", line)
    lines = [""]
    for piece in pieces:
        if lines[-1].strip() and len(lines[-1]) + len(piece) > limit:
            lines.append("  " + piece.lstrip())
        else:
            lines[-1] += piece
    return lines


def box_label(graph, node, show_shapes, wrap=WRAP_CHARS):
    """The text of a layer's box: name and class, then each call's shapes (also for live frames).

    Lines longer than ``wrap`` characters wrap; nothing is shortened.
    """
    data = graph.nodes[node]
    head = f"{data.get('name', node)}: {data.get('class_name', '?')}"
    if data.get("shared"):
        head += f"  ×{data['calls']} calls"
    lines = [head]
    if data.get("wrapped"):
        lines.append(f"wraps {data['wrapped']}")
    if show_shapes:
        lines += _shape_lines(data)
    return "\n".join(piece for line in lines for piece in _wrap(line, wrap))


def _shape_lines(data) -> list[str]:
    outputs = data.get("output_shapes") or []
    inputs = data.get("input_shapes") or []
    if data.get("kind") == Kind.INPUT:
        return [_shapes(outputs[0])] if outputs else []
    calls = list(zip(data.get("node_indices", []), inputs, outputs))
    if len({(str(i), str(o)) for _, i, o in calls}) == 1:
        _, i, o = calls[0]
        return [f"{_shapes(i)} → {_shapes(o)}"]
    return [f"[{n}] {_shapes(i)} → {_shapes(o)}" for n, i, o in calls]


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
        if data.get("kind") == Kind.BLOCK:  # a stack: one more outline behind, offset
            patches.append(
                FancyBboxPatch((x - box_w / 2 + 0.05, y - h / 2 - 0.05), box_w, h, boxstyle="square,pad=0")
            )
            faces.append(face)
            edges.append(edge)
            widths.append(width)
            styles.append("-")
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
    collection = box_collection(
        (graph.nodes[node], centre, box_w, box_h[node], node in wanted) for node, centre in centres.items()
    )
    collection.set_gid("boxes")
    axes.add_collection(collection)


def edge_notes(graph) -> dict:
    """``(u, v) -> label`` for the edges whose tensor needs naming: ``[i]`` is call i of ``u``.

    An edge is labelled when ``u`` is called more than once in the graph, when
    the tensor comes from a call other than the first, or when several tensors
    go from ``u`` to ``v`` (``[0] ×4``: the same tensor passed four times).

    Example
    -------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("h", calls=1); g.add_node("add", calls=1)
    >>> for _ in range(4): _ = g.add_edge("h", "add", producer_node_index=0)
    >>> edge_notes(g)
    {('h', 'add'): '[0] ×4'}
    """
    indices: dict = {}
    for u, v, edge in graph.edges(data=True):
        indices.setdefault((u, v), []).append(edge.get("producer_node_index", 0))
    notes = {}
    for (u, v), found in indices.items():
        if graph.nodes[u].get("calls", 1) > 1 or len(found) > 1 or any(found):
            counts = Counter(found)
            notes[(u, v)] = " ".join(
                f"[{i}]" + (f" ×{n}" if n > 1 else "") for i, n in sorted(counts.items())
            )
    return notes


def _draw_edges(axes, graph, layout, centres, grid, notes, top):
    segments, heads = [], []
    for (u, v), route in layout.routes.items():
        points = [grid.at(p, top) for p in route]
        points[0] = (centres[u][0], centres[u][1] + grid.box_h[u] / 2)
        points[-1] = (centres[v][0], centres[v][1] - grid.box_h[v] / 2 - 0.03)
        segments.append(points)
        heads.append(points[-1])
    for u in nx.nodes_with_selfloops(graph):
        x, y = centres[u]
        half, right = grid.box_h[u] / 4, x + grid.box_w / 2
        segments.append(
            [(right, y + half), (right + 0.18, y + half), (right + 0.18, y - half), (right, y - half)]
        )
    axes.add_collection(LineCollection(segments, colors=EDGE_COLOR, linewidths=0.9, zorder=1))
    if heads:
        xs, ys = zip(*heads)
        axes.scatter(xs, ys, marker="v", s=16, color=EDGE_COLOR, zorder=3, linewidths=0)
    lines = []
    for (u, v), text in notes.items():
        if u == v:
            x, y = centres[u][0] + grid.box_w / 2 + 0.24, centres[u][1]
        else:
            route = layout.routes[(u, v)]
            x = (grid.at(route[-2], top)[0] + centres[v][0]) / 2 if len(route) > 1 else centres[v][0]
            x, y = x + 0.06, centres[v][1] - grid.box_h[v] / 2 - GAP_Y / 2
        lines.append((x, y, text))
    _draw_text(axes, lines, color=NOTE_COLOR, zorder=4)


def _draw_text(axes, lines, bold=False, color="#1b1f24", zorder=5):
    """Left-aligned lines of text as one filled path (much cheaper than Text artists)."""
    if not lines:
        return
    glyphs = glyph_cache(TITLE_SIZE, "bold") if bold else glyph_cache(FONT_SIZE)
    path = glyphs.path(lines, align="left")
    axes.add_artist(PathPatch(path, facecolor=color, edgecolor="none", linewidth=0, zorder=zorder))


def _draw_legend(axes, entries, left, top):
    """One line per convention: a small sample, then its words."""
    boxes, texts = [], []
    for i, (symbol, text) in enumerate(entries):
        y = top + (i + 0.5) * LEGEND_LINE
        sample = LEGEND_SAMPLES.get(symbol)
        if sample is not None:
            boxes.append(
                (
                    {"kind": sample[0], "shared": sample[1], "is_output": sample[2]},
                    (left + 0.2, y),
                    0.4,
                    0.13,
                    sample[3],
                )
            )
        elif symbol == "arrow":
            axes.add_collection(
                LineCollection([[(left + 0.05, y), (left + 0.33, y)]], colors=EDGE_COLOR, linewidths=0.9)
            )
            axes.scatter([left + 0.35], [y], marker=">", s=16, color=EDGE_COLOR, linewidths=0)
        else:
            texts.append((left, y, "[i]"))
        texts.append((left + LEGEND_SWATCH, y, text))
    if boxes:
        axes.add_collection(box_collection(boxes)).set_gid("legend")
    _draw_text(axes, [line for line in texts if line[2] != "[i]"])
    _draw_text(axes, [line for line in texts if line[2] == "[i]"], color=NOTE_COLOR)


#: The sample drawn before a legend line: (kind, shared, is_output, highlighted).
LEGEND_SAMPLES = {
    "green box": (Kind.INPUT, False, False, False),
    "blue box": (Kind.LAYER, False, False, False),
    "grey dashed box": (Kind.OPERATION, False, False, False),
    "purple box": (Kind.MODEL, False, False, False),
    "yellow box": (Kind.LAYER, True, False, False),
    "orange outline": (Kind.LAYER, False, True, False),
    "red outline": (Kind.LAYER, False, False, True),
    "grey box with a stack": (Kind.BLOCK, False, False, False),
}
#: Room for the sample before a legend line's words, in inches.
LEGEND_SWATCH = 0.55
NOTE_COLOR = "#8a5a00"


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
