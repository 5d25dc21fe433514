"""Frames of the live graph: a labelled window that follows the newest layer, plus an overview.

A full drawing of a 177-layer graph takes about half a second, too slow to
repeat for every new layer. A frame draws only a window of a few rows around
one layer (the newest, or the one chosen with the history slider) with the
same boxes and labels as :func:`kit.draw`, and beside it a thumbnail of the
whole graph (boxes only, no text) with the window marked. Positions come from
:class:`kit.drawing.layout.IncrementalLayout`, so nothing moves between frames.

Used by ``kit.live`` (``kit/live_widget.py``).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox

from kit.drawing.glyphs import GlyphCache
from kit.drawing.static import (
    EDGE_COLOR,
    FONT_SIZE,
    GAP_X,
    GAP_Y,
    HIGHLIGHT_EDGE,
    LINE_HEIGHT,
    STYLE,
    GraphFigure,
    box_collection,
    box_label,
    glyph_cache,
)

#: Rows of labelled boxes shown around the focused layer.
WINDOW_ROWS = 9
#: Widest frame, in inches (at 80 dpi: 800 pixels).
MAX_WIDTH = 10.0
BOX_WIDTH = 2.9
OVERVIEW_WIDTH = 1.5
MARGIN = 0.15
TITLE_HEIGHT = 0.38
MAX_LINES = 3
#: The overview draws at least this many rows and columns, so small graphs are not blown up.
OVERVIEW_MIN_ROWS, OVERVIEW_MIN_COLUMNS = 24, 4
FADED_EDGE = "#9aa3ad"
WINDOW_COLOR = "#e0192f"


def draw_frame(
    graph, positions, *, focus=None, rows=WINDOW_ROWS, title="", figure=None, dpi=80, max_width=MAX_WIDTH
):
    """Draw the window of ``graph`` around ``focus`` and an overview of the whole.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes with the attributes of :func:`kit.graph_of` (as the live graph has).
    positions : dict
        node -> (x, row) from an incremental layout; nodes without one are skipped.
    focus : node, optional
        The layer to centre on and outline in red (default: none, window at the top).
    rows : int
        Rows of labelled boxes in the window.
    figure : GraphFigure, optional
        A figure to clear and draw on again (reusing it avoids building a new one).

    Returns
    -------
    GraphFigure
        With ``window`` = (first_row, last_row, x_low, x_high) (the rows and the
        x range in view, in layout units), ``labels`` (the nodes drawn with
        their text) and ``graph``.

    Example
    -------
    >>> import networkx as nx
    >>> from kit.drawing.layout import IncrementalLayout
    >>> g = nx.MultiDiGraph([("x", "dense")])
    >>> layout = IncrementalLayout()
    >>> _ = layout.place("x"), layout.place("dense", ["x"])
    >>> sorted(draw_frame(g, layout.positions, focus="dense").labels)
    ['dense', 'x']
    """
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows expects a positive integer, got {rows!r}")
    placed = {n: positions[n] for n in graph if n in positions}
    if focus is not None and focus not in placed:
        raise ValueError(f"focus expects a node of the graph with a position, got {focus!r}")
    step_x = BOX_WIDTH + GAP_X
    row_h = 2 * LINE_HEIGHT + 0.14 + GAP_Y
    first, last, low, high = _window(placed, focus, rows, max_width, step_x)
    everything = (
        bool(placed)
        and first <= min(r for _, r in placed.values())
        and last >= max(r for _, r in placed.values())
        and low <= min(x for x, _ in placed.values())
        and high >= max(x for x, _ in placed.values())
    )
    overview_w = 0.0 if everything or not placed else OVERVIEW_WIDTH
    main_w = (high - low + 1) * step_x + BOX_WIDTH + 2 * MARGIN  # half a column each side for lanes
    width = min(max_width, max(main_w + overview_w, 4.0))
    shown_rows = last - first + 1 if placed else 1
    height = TITLE_HEIGHT + shown_rows * row_h + MARGIN

    if figure is None:
        figure = GraphFigure(figsize=(width, height), dpi=dpi)
    else:
        figure.clear()
        figure.set_size_inches(width, height)
        figure.set_dpi(dpi)
    # No Axes: artists are placed in inches from the top left, which is several
    # times cheaper than building axes for every frame.
    inches = Affine2D().scale(1, -1).translate(0, height) + figure.dpi_scale_trans
    main_right = width - overview_w
    main_clip = TransformedBbox(Bbox([[0, TITLE_HEIGHT - 0.05], [main_right, height]]), inches)
    in_rows = [x for x, r in placed.values() if first <= r <= last]
    if in_rows and (max(in_rows) - min(in_rows)) * step_x + BOX_WIDTH + 2 * MARGIN <= main_right:
        low, high = min(in_rows), max(in_rows)  # the whole width of these rows fits: show it all
    left = (main_right - ((high - low) * step_x + BOX_WIDTH)) / 2 + BOX_WIDTH / 2

    def at(x, row):
        return left + (x - low) * step_x, TITLE_HEIGHT + (row - first) * row_h + row_h / 2

    # What the picture shows, in layout units: at least [low, high], more when there is room.
    view_low, view_high = low - left / step_x, low + (main_right - left) / step_x
    reach = BOX_WIDTH / step_x / 2
    visible = [
        n for n, (x, r) in placed.items() if first <= r <= last and view_low - reach < x < view_high + reach
    ]
    glyphs = glyph_cache(FONT_SIZE)
    labels = {n: _fit(box_label(graph, n, True), glyphs) for n in visible}
    box_h = {n: labels[n].count("\n") * LINE_HEIGHT + LINE_HEIGHT + 0.14 for n in visible}
    artists = _window_edges(graph, placed, (first, last), at, box_h, row_h, focus)
    artists += _window_boxes(graph, visible, at, placed, box_h, focus)
    lines = []
    for node in visible:
        x, y = at(*placed[node])
        texts = labels[node].split("\n")
        top = y - (len(texts) - 1) * LINE_HEIGHT / 2
        lines += [(x, top + i * LINE_HEIGHT, text) for i, text in enumerate(texts)]
    if not placed:
        lines.append((MARGIN, TITLE_HEIGHT + 0.2, "no layers yet: start with keras.Input(shape=...)"))
    if lines:
        artists.append(
            PathPatch(
                glyphs.path(lines, align="center" if placed else "left"),
                facecolor="#1b1f24",
                edgecolor="none",
                linewidth=0,
                zorder=5,
            )
        )
    for artist in artists:
        artist.set_transform(inches)
        artist.set_clip_box(main_clip)
        figure.add_artist(artist)
    if title:
        figure.add_artist(
            PathPatch(
                _title_glyphs().path([(MARGIN, 0.19, title)], align="left"),
                facecolor="#1b1f24",
                edgecolor="none",
                linewidth=0,
                transform=inches,
                zorder=5,
            )
        )
    if overview_w:
        box = (main_right + 0.05, TITLE_HEIGHT, width - MARGIN, height - MARGIN)
        for artist in draw_overview(
            graph, placed, focus=focus, window=(first, last, view_low, view_high), box=box, transform=inches
        ):
            figure.add_artist(artist)
    figure.graph, figure.labels = graph, labels
    figure.window = (first, last, view_low, view_high)
    return figure


def draw_overview(
    graph, positions, focus=None, window=None, box=(0.0, 0.0, 1.5, 6.0), transform=None
) -> list:
    """Artists for a thumbnail of the whole graph: boxes without text, thin edges, the window in red.

    ``box`` is (left, top, right, bottom) in the coordinates of ``transform``
    (inches from the top left in :func:`draw_frame`); positions (x, row) are
    scaled into it.
    """
    if not positions:
        return []
    nodes = list(positions)
    xy = np.array([positions[n] for n in nodes], dtype=float)
    x_min, x_max = xy[:, 0].min(), xy[:, 0].max()
    spare = max(0.0, OVERVIEW_MIN_COLUMNS - (x_max - x_min + 1)) / 2
    x_lo, x_hi = x_min - 0.6 - spare, x_max + 0.6 + spare
    row_hi = max(xy[:, 1].max(), OVERVIEW_MIN_ROWS - 1) + 0.6
    left, top, right, bottom = box
    to_box = (
        Affine2D()
        .translate(-x_lo, 0.6)
        .scale((right - left) / (x_hi - x_lo), (bottom - top) / (row_hi + 0.6))
        .translate(left, top)
    )
    half_w, half_h = 0.4, 0.32
    # One compound path per colour and one for all edges: cheap to build and draw.
    corners = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h], [0, 0]])
    box_codes = np.array([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], dtype=np.uint8)
    kinds = np.array([graph.nodes[n].get("kind", "layer") for n in nodes])
    artists = []
    for kind in sorted(set(kinds)):
        chosen = xy[kinds == kind]
        vertices = (chosen[:, None, :] + corners[None, :, :]).reshape(-1, 2)
        artists.append(
            PathPatch(
                Path(vertices, np.tile(box_codes, len(chosen))),
                linewidth=0,
                facecolor=STYLE.get(kind, STYLE["layer"])[1],
                edgecolor="none",
                alpha=0.75,
                zorder=2,
            )
        )
    segments = [(positions[u], positions[v]) for u, v in graph.edges() if u in positions and v in positions]
    if segments:
        codes = np.tile(np.array([Path.MOVETO, Path.LINETO], dtype=np.uint8), len(segments))
        artists.append(
            PathPatch(
                Path(np.array(segments, dtype=float).reshape(-1, 2), codes),
                facecolor="none",
                edgecolor=FADED_EDGE,
                linewidth=0.4,
                zorder=1,
            )
        )
    if window is not None:
        first, last, low, high = window
        artists.append(
            Rectangle(
                (low, first - 0.5),
                high - low,
                last - first + 1,
                facecolor="none",
                edgecolor=WINDOW_COLOR,
                linewidth=1.0,
                zorder=3,
            )
        )
    if focus is not None:
        x, row = positions[focus]
        artists.append(
            Rectangle(
                (x - half_w - 0.1, row - half_h - 0.1),
                2 * half_w + 0.2,
                2 * half_h + 0.2,
                facecolor=WINDOW_COLOR,
                edgecolor="none",
                zorder=4,
            )
        )
    for artist in artists:
        artist.set_transform(to_box if transform is None else to_box + transform)
    return artists


def png_bytes(figure, dpi=None) -> bytes:
    """The figure as PNG bytes (fast, lightly compressed)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi or figure.dpi)
    return buffer.getvalue()


# --- internals -------------------------------------------------------------


def _window(placed, focus, rows, max_width, step_x):
    """(first_row, last_row, x_low, x_high) of the window around ``focus``."""
    if not placed:
        return 0, 0, 0.0, 0.0
    all_rows = [r for _, r in placed.values()]
    top, bottom = min(all_rows), max(all_rows)
    if focus is None:
        first = top
    else:
        # Keep one row of what comes next below the focus when there is one.
        first = max(top, min(placed[focus][1] + 2, bottom + 1) - rows)
    last = min(bottom, first + rows - 1)
    xs = sorted(x for x, r in placed.values() if first <= r <= last)
    low, high = xs[0], xs[-1]
    columns = max(1.0, (max_width - OVERVIEW_WIDTH - 2 * MARGIN - BOX_WIDTH) / step_x - 1)
    if high - low > columns:
        centre = placed[focus][0] if focus is not None else (low + high) / 2
        low = min(max(low, centre - columns / 2), high - columns)
        high = low + columns
    return first, last, low, high


def _title_glyphs():
    if "bold" not in _TITLE:
        _TITLE["bold"] = GlyphCache(size=FONT_SIZE + 1.5, weight="bold")
    return _TITLE["bold"]


_TITLE: dict = {}


def _fit(text, glyphs):
    """At most MAX_LINES lines, each clipped to the box width."""
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [f"… {len(lines) - MAX_LINES + 1} more lines"]
    room = BOX_WIDTH - 0.16
    fitted = []
    for line in lines:
        if glyphs.width(line) > room:
            while line and glyphs.width(line + "…") > room:
                line = line[:-1]
            line += "…"
        fitted.append(line)
    return "\n".join(fitted)


def _window_boxes(graph, visible, at, placed, box_h, focus):
    if not visible:
        return []
    return [
        box_collection(
            (graph.nodes[node], at(*placed[node]), BOX_WIDTH, box_h[node], node == focus) for node in visible
        )
    ]


def _window_edges(graph, placed, rows, at, box_h, row_h, focus):
    """Edges touching the window; edges that skip rows run down the gap beside the boxes."""
    first, last = rows
    occupied: dict[int, list[float]] = {}
    for x, r in placed.values():
        occupied.setdefault(r, []).append(x)
    plain, into_focus, heads, head_colors = [], [], [], []
    artists = []
    default_h = LINE_HEIGHT * 2 + 0.14
    for u, v in set(graph.edges()):
        if u not in placed or v not in placed or u == v:
            continue
        (xu, ru), (xv, rv) = placed[u], placed[v]
        if max(ru, rv) < first or min(ru, rv) > last:
            continue
        (cxu, cyu), (cxv, cyv) = at(xu, ru), at(xv, rv)
        start = (cxu, cyu + box_h.get(u, default_h) / 2)
        end = (cxv, cyv - box_h.get(v, default_h) / 2 - 0.03)
        if rv - ru <= 1:
            route = [start, end]
        else:
            side = _free_side(occupied, xu, xv, ru, rv)
            lane = (max(xu, xv) + 0.5) if side > 0 else (min(xu, xv) - 0.5)
            lane_x = at(lane, ru)[0]
            route = [start, (lane_x, cyu + row_h / 2), (lane_x, cyv - row_h / 2), end]
        (into_focus if v == focus else plain).append(route)
        if first <= rv <= last:
            heads.append(end)
            head_colors.append(HIGHLIGHT_EDGE if v == focus else EDGE_COLOR)
    if plain:
        artists.append(LineCollection(plain, colors=EDGE_COLOR, linewidths=0.9, zorder=1))
    if into_focus:
        artists.append(LineCollection(into_focus, colors=HIGHLIGHT_EDGE, linewidths=1.4, zorder=1))
    if heads:
        tips = np.array(heads)
        arrow = np.array([[-0.035, -0.07], [0.035, -0.07], [0.0, 0.0]])
        artists.append(
            PolyCollection(
                tips[:, None, :] + arrow[None, :, :], facecolors=head_colors, edgecolors="none", zorder=3
            )
        )
    return artists


def _free_side(occupied, xu, xv, ru, rv):
    """+1 (right) or -1 (left): the side whose lane crosses fewer boxes between rows ru and rv."""
    costs = {}
    for side in (1, -1):
        lane = (max(xu, xv) + 0.5) if side > 0 else (min(xu, xv) - 0.5)
        costs[side] = sum(1 for r in range(ru + 1, rv) for x in occupied.get(r, ()) if abs(x - lane) < 0.5)
    return 1 if costs[1] <= costs[-1] else -1
