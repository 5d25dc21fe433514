"""Frames of the live graph: a labelled window that follows the newest layer, plus an overview.

A full drawing of a 177-layer graph takes about half a second, too slow to
repeat for every new layer. A frame draws only a window of a few rows around
one layer (the newest, or the one chosen with the history slider) with the
same boxes and labels as :func:`kit.draw`, and beside it a thumbnail of the
whole graph (boxes only, no text) with the window marked. Positions come from
:class:`kit.drawing.layout.IncrementalLayout`, so nothing moves between frames.

Used by ``kit.live`` (``kit/live_graph/widget.py``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox

from kit.drawing.glyphs import glyph_cache
from kit.drawing.static import (
    EDGE_COLOR,
    GAP_X,
    GAP_Y,
    HIGHLIGHT_EDGE,
    STYLE,
    GraphFigure,
    box_collection,
    box_label,
)
from kit.graph import Kind

__all__ = ["WINDOW_ROWS", "draw_frame", "draw_overview", "png_bytes"]

#: Frames use a smaller font than kit.draw: they show a window, and redraw at every layer.
FONT_SIZE = 7.5
LINE_HEIGHT = 1.3 * FONT_SIZE / 72
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
    frame = _frame_geometry(placed, focus, rows, max_width)
    figure = _blank_figure(figure, frame.width, frame.height, dpi)
    # No Axes: artists are placed in inches from the top left, which is several
    # times cheaper than building axes for every frame.
    inches = Affine2D().scale(1, -1).translate(0, frame.height) + figure.dpi_scale_trans
    main_clip = TransformedBbox(Bbox([[0, TITLE_HEIGHT - 0.05], [frame.main_right, frame.height]]), inches)
    labels, artists = _window_artists(graph, placed, frame, focus)
    for artist in artists:
        artist.set_transform(inches)
        artist.set_clip_box(main_clip)
        figure.add_artist(artist)
    if title:
        figure.add_artist(_text_patch(glyph_cache(FONT_SIZE + 1.5, "bold"), [(MARGIN, 0.19, title)], inches))
    if frame.overview_width:
        box = (frame.main_right + 0.05, TITLE_HEIGHT, frame.width - MARGIN, frame.height - MARGIN)
        for artist in draw_overview(
            graph, placed, focus=focus, window=frame.window, box=box, transform=inches
        ):
            figure.add_artist(artist)
    figure.graph, figure.labels, figure.window = graph, labels, frame.window
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
    artists = _overview_boxes(graph, nodes, xy) + _overview_edges(graph, positions)
    artists += _overview_marks(positions, window, focus)
    to_box = _overview_transform(xy, box)
    for artist in artists:
        artist.set_transform(to_box if transform is None else to_box + transform)
    return artists


def png_bytes(figure, dpi=None) -> bytes:
    """The figure as PNG bytes (fast, lightly compressed)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi or figure.dpi)
    return buffer.getvalue()


# --- internals -------------------------------------------------------------

STEP_X = BOX_WIDTH + GAP_X
ROW_HEIGHT = 2 * LINE_HEIGHT + 0.14 + GAP_Y
#: Half the width and height of a box in the overview, in layout units.
THUMB_HALF_WIDTH, THUMB_HALF_HEIGHT = 0.4, 0.32


@dataclass(frozen=True)
class _FrameGeometry:
    """Where a frame puts things: sizes in inches, rows and x in layout units."""

    first: int
    last: int
    low: float
    left: float
    width: float
    height: float
    overview_width: float

    @property
    def main_right(self) -> float:
        return self.width - self.overview_width

    @property
    def window(self) -> tuple:
        """(first_row, last_row, x_low, x_high): what the picture shows, in layout units."""
        return (
            self.first,
            self.last,
            self.low - self.left / STEP_X,
            self.low + (self.main_right - self.left) / STEP_X,
        )

    def at(self, x, row) -> tuple[float, float]:
        """The centre of the box at layout position (x, row), in inches from the top left."""
        return self.left + (x - self.low) * STEP_X, TITLE_HEIGHT + (row - self.first + 0.5) * ROW_HEIGHT


def _frame_geometry(placed, focus, rows, max_width) -> _FrameGeometry:
    first, last, low, high = _window(placed, focus, rows, max_width, STEP_X)
    everything = bool(placed) and _covers(placed, first, last, low, high)
    overview_width = 0.0 if everything or not placed else OVERVIEW_WIDTH
    main_width = (high - low + 1) * STEP_X + BOX_WIDTH + 2 * MARGIN  # half a column each side for lanes
    width = min(max_width, max(main_width + overview_width, 4.0))
    height = TITLE_HEIGHT + (last - first + 1 if placed else 1) * ROW_HEIGHT + MARGIN
    in_rows = [x for x, r in placed.values() if first <= r <= last]
    if in_rows and (max(in_rows) - min(in_rows)) * STEP_X + BOX_WIDTH + 2 * MARGIN <= width - overview_width:
        low, high = min(in_rows), max(in_rows)  # the whole width of these rows fits: show it all
    left = (width - overview_width - ((high - low) * STEP_X + BOX_WIDTH)) / 2 + BOX_WIDTH / 2
    return _FrameGeometry(first, last, low, left, width, height, overview_width)


def _covers(placed, first, last, low, high) -> bool:
    xs, rows = zip(*placed.values())
    return first <= min(rows) and last >= max(rows) and low <= min(xs) and high >= max(xs)


def _blank_figure(figure, width, height, dpi):
    if figure is None:
        return GraphFigure(figsize=(width, height), dpi=dpi)
    figure.clear()
    figure.set_size_inches(width, height)
    figure.set_dpi(dpi)
    return figure


def _window_artists(graph, placed, frame, focus):
    """``(labels, artists)``: the edges, boxes and text of the layers in view."""
    view_low, view_high = frame.window[2:]
    reach = BOX_WIDTH / STEP_X / 2
    visible = [
        n
        for n, (x, r) in placed.items()
        if frame.first <= r <= frame.last and view_low - reach < x < view_high + reach
    ]
    glyphs = glyph_cache(FONT_SIZE)
    labels = {n: _fit(box_label(graph, n, True), glyphs) for n in visible}
    box_h = {n: labels[n].count("\n") * LINE_HEIGHT + LINE_HEIGHT + 0.14 for n in visible}
    artists = _window_edges(graph, placed, (frame.first, frame.last), frame.at, box_h, ROW_HEIGHT, focus)
    artists += _window_boxes(graph, visible, frame.at, placed, box_h, focus)
    lines = []
    for node in visible:
        x, y = frame.at(*placed[node])
        texts = labels[node].split("\n")
        top = y - (len(texts) - 1) * LINE_HEIGHT / 2
        lines += [(x, top + i * LINE_HEIGHT, text) for i, text in enumerate(texts)]
    if lines:
        artists.append(_text_patch(glyphs, lines, align="center"))
    elif not placed:
        hint = "no layers yet: start with keras.Input(shape=...)"
        artists.append(_text_patch(glyphs, [(MARGIN, TITLE_HEIGHT + 0.2, hint)]))
    return labels, artists


def _text_patch(glyphs, lines, transform=None, align="left") -> PathPatch:
    patch = PathPatch(
        glyphs.path(lines, align=align), facecolor="#1b1f24", edgecolor="none", linewidth=0, zorder=5
    )
    if transform is not None:
        patch.set_transform(transform)
    return patch


def _overview_transform(xy, box) -> Affine2D:
    """Layout units to ``box``; small graphs keep a minimum number of rows and columns."""
    x_min, x_max = xy[:, 0].min(), xy[:, 0].max()
    spare = max(0.0, OVERVIEW_MIN_COLUMNS - (x_max - x_min + 1)) / 2
    x_lo, x_hi = x_min - 0.6 - spare, x_max + 0.6 + spare
    row_hi = max(xy[:, 1].max(), OVERVIEW_MIN_ROWS - 1) + 0.6
    left, top, right, bottom = box
    return (
        Affine2D()
        .translate(-x_lo, 0.6)
        .scale((right - left) / (x_hi - x_lo), (bottom - top) / (row_hi + 0.6))
        .translate(left, top)
    )


def _overview_boxes(graph, nodes, xy) -> list:
    """One compound path of boxes per colour: cheap to build and draw."""
    w, h = THUMB_HALF_WIDTH, THUMB_HALF_HEIGHT
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h], [0, 0]])
    box_codes = np.array([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], dtype=np.uint8)
    kinds = np.array([str(graph.nodes[n].get("kind", Kind.LAYER)) for n in nodes])
    artists = []
    for kind in sorted(set(kinds)):
        chosen = xy[kinds == kind]
        vertices = (chosen[:, None, :] + corners[None, :, :]).reshape(-1, 2)
        artists.append(
            PathPatch(
                Path(vertices, np.tile(box_codes, len(chosen))),
                linewidth=0,
                facecolor=STYLE.get(kind, STYLE[Kind.LAYER])[1],
                edgecolor="none",
                alpha=0.75,
                zorder=2,
            )
        )
    return artists


def _overview_edges(graph, positions) -> list:
    segments = [(positions[u], positions[v]) for u, v in graph.edges() if u in positions and v in positions]
    if not segments:
        return []
    codes = np.tile(np.array([Path.MOVETO, Path.LINETO], dtype=np.uint8), len(segments))
    vertices = np.array(segments, dtype=float).reshape(-1, 2)
    return [PathPatch(Path(vertices, codes), facecolor="none", edgecolor=FADED_EDGE, linewidth=0.4, zorder=1)]


def _overview_marks(positions, window, focus) -> list:
    """The window's outline and a red square on the focused layer."""
    marks = []
    if window is not None:
        first, last, low, high = window
        marks.append(
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
        w, h = THUMB_HALF_WIDTH + 0.1, THUMB_HALF_HEIGHT + 0.1
        marks.append(
            Rectangle((x - w, row - h), 2 * w, 2 * h, facecolor=WINDOW_COLOR, edgecolor="none", zorder=4)
        )
    return marks


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
