"""Layered top-to-bottom layout of a directed acyclic graph, in pure networkx.

The classic Sugiyama recipe: rank the nodes by topological generation, route
long edges through dummy points, reduce crossings with barycenter sweeps, then
place each row by isotonic regression so that chains stay straight. Deep graphs
grow downwards: a drawing scrolls, it never folds into side-by-side columns.

Used by ``kit.draw`` and the live graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

__all__ = ["Layout", "IncrementalLayout", "layered_layout", "rank_nodes", "crossings"]

#: Horizontal room taken by a real node and by a routing point, in layout units.
NODE_WIDTH, DUMMY_WIDTH = 1.0, 0.35
SWEEPS = 6
POSITION_PASSES = 4


@dataclass
class Layout:
    """Where a layered layout puts things.

    Attributes
    ----------
    positions : dict
        node -> (x, y); x in node widths, y in rows growing downward.
    routes : dict
        (u, v) -> list of (x, y) points from u to v (through routing points).
    rows : int
        Number of rows.
    width : float
        Distance between the leftmost and rightmost node centres, in node widths.
    """

    positions: dict
    routes: dict
    rows: int = 0
    width: float = 0.0


def rank_nodes(graph) -> dict:
    """Row of each node: its longest path from a source; sources sit just above their first use.

    Example
    -------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("aux", "c")])
    >>> ranks = rank_nodes(g)
    >>> ranks["a"], ranks["aux"], ranks["c"]
    (0, 1, 2)
    """
    simple = _simple(graph)
    ranks = {}
    for row, generation in enumerate(nx.topological_generations(simple)):
        for node in sorted(generation, key=lambda n: _order(graph, n)):
            ranks[node] = row
    for node in reversed(list(nx.topological_sort(simple))):
        successors = list(simple.successors(node))
        if simple.in_degree(node) == 0 and successors:
            ranks[node] = min(ranks[s] for s in successors) - 1
    return dict(sorted(ranks.items(), key=lambda item: (item[1], _order(graph, item[0]))))


def layered_layout(graph) -> Layout:
    """Positions for a top-to-bottom drawing of ``graph`` (a DAG; self-loops ignored).

    Parameters
    ----------
    graph : networkx.DiGraph or MultiDiGraph
        Nodes may carry an ``order`` attribute (creation order) used to break ties.

    Example
    -------
    >>> g = nx.DiGraph([("in", "a"), ("in", "b"), ("a", "out"), ("b", "out")])
    >>> layout = layered_layout(g)
    >>> [layout.positions[n][1] for n in ("in", "a", "out")]
    [0, 1, 2]
    """
    if graph.number_of_nodes() == 0:
        return Layout({}, {})
    simple = _simple(graph)
    if not nx.is_directed_acyclic_graph(simple):
        raise ValueError("expected a directed acyclic graph; this graph has a cycle")
    ranks = rank_nodes(graph)
    levels, chains = _with_routing_points(simple, ranks, graph)
    _reduce_crossings(levels, chains)
    xs = _place_rows(levels, chains)
    return _assemble(levels, chains, xs, ranks)


def crossings(levels, chains) -> int:
    """Number of edge crossings between consecutive rows of an ordered layering."""
    down = _neighbours(chains, forward=True)
    total = 0
    for upper, lower in zip(levels, levels[1:]):
        where = {node: i for i, node in enumerate(lower)}
        ends = [end for node in upper for end in sorted(where[t] for t in down.get(node, ()) if t in where)]
        total += sum(1 for i in range(len(ends)) for j in range(i + 1, len(ends)) if ends[i] > ends[j])
    return total


# --- internals -------------------------------------------------------------


def _order(graph, node):
    order = graph.nodes[node].get("order", 0) if node in graph else 0
    return order if order is not None else 0


def _simple(graph) -> nx.DiGraph:
    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def _with_routing_points(simple, ranks, graph):
    """Rows of nodes plus routing points, and each edge's chain of points."""
    depth = max(ranks.values()) + 1
    levels = [[] for _ in range(depth)]
    for node in ranks:
        levels[ranks[node]].append(node)
    chains = {}
    for u, v in simple.edges():
        chain = [u]
        for row in range(ranks[u] + 1, ranks[v]):
            point = ("__route__", u, v, row)
            levels[row].append(point)
            chain.append(point)
        chains[(u, v)] = chain + [v]
    for row in levels:
        row.sort(key=lambda n: _order(graph, n[1] if _is_point(n) else n))
    return levels, chains


def _is_point(node) -> bool:
    return isinstance(node, tuple) and len(node) == 4 and node[0] == "__route__"


def _neighbours(chains, forward):
    table = {}
    for chain in chains.values():
        for a, b in zip(chain, chain[1:]):
            if forward:
                table.setdefault(a, []).append(b)
            else:
                table.setdefault(b, []).append(a)
    return table


def _reduce_crossings(levels, chains):
    """Barycenter sweeps, down then up, keeping the best ordering seen."""
    down, up = _neighbours(chains, True), _neighbours(chains, False)
    best = [list(row) for row in levels]
    best_count = crossings(levels, chains)
    for sweep in range(SWEEPS):
        rows = range(1, len(levels)) if sweep % 2 == 0 else range(len(levels) - 2, -1, -1)
        for r in rows:
            ref = levels[r - 1] if sweep % 2 == 0 else levels[r + 1]
            neighbours = up if sweep % 2 == 0 else down
            where = {node: i for i, node in enumerate(ref)}

            def barycenter(item, where=where, neighbours=neighbours):
                i, node = item
                linked = [where[n] for n in neighbours.get(node, ()) if n in where]
                return sum(linked) / len(linked) if linked else i

            levels[r] = [node for _, node in sorted(enumerate(levels[r]), key=barycenter)]
        count = crossings(levels, chains)
        if count < best_count:
            best, best_count = [list(row) for row in levels], count
        if best_count == 0:
            break
    levels[:] = best


def _place_rows(levels, chains):
    """x of every node and point: under its parents (down passes) or above its children (up passes)."""
    down, up = _neighbours(chains, True), _neighbours(chains, False)
    xs = {}
    for row in levels:
        for i, x in enumerate(_spread(row, [0.0] * len(row))):
            xs[row[i]] = x
    for sweep in range(POSITION_PASSES + 1):
        downward = sweep % 2 == 0
        rows = levels if downward else levels[::-1]
        neighbours = up if downward else down
        for row in rows:
            wanted = []
            for node in row:
                linked = sorted(xs[n] for n in neighbours.get(node, []))
                wanted.append(_median(linked) if linked else xs[node])
            for node, x in zip(row, _spread(row, wanted)):
                xs[node] = x
    return xs


def _median(values):
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _spread(row, wanted):
    """Closest positions to ``wanted`` keeping row order and minimum gaps (isotonic regression)."""
    widths = [DUMMY_WIDTH if _is_point(n) else NODE_WIDTH for n in row]
    offsets = [0.0]
    for a, b in zip(widths, widths[1:]):
        offsets.append(offsets[-1] + (a + b) / 2)
    targets = [w - o for w, o in zip(wanted, offsets)]
    blocks = []  # pool-adjacent-violators: [mean, count]
    for t in targets:
        blocks.append([t, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            prev = blocks[-1]
            prev[0] = (prev[0] * prev[1] + mean * count) / (prev[1] + count)
            prev[1] += count
    fitted = [mean for mean, count in blocks for _ in range(count)]
    return [f + o for f, o in zip(fitted, offsets)]


def _assemble(levels, chains, xs, ranks):
    low = min(xs[n] for row in levels for n in row)
    positions = {node: (xs[node] - low, row) for node, row in ranks.items()}
    routes = {
        (u, v): [(xs[n] - low, ranks[n] if n in ranks else n[3]) for n in chain]
        for (u, v), chain in chains.items()
    }
    width = max((x for x, _ in positions.values()), default=0.0)
    return Layout(positions, routes, rows=len(levels), width=width)


# --- incremental layout (the live graph) -------------------------------------

#: Extra room left between an unconnected new node and what is already drawn.
COMPONENT_GAP = 0.5


class IncrementalLayout:
    """A layered layout that grows one node at a time; placed nodes never move.

    A node goes one row below its lowest parent, at the free place of that row
    nearest to the median x of its parents. A node without parents (a new
    ``keras.Input``) goes on the row of the node placed last, to the right of
    everything from that row down, so that a second model starts beside the
    first one. Rows grow downward, as in :func:`layered_layout`.

    Used by the live graph (``kit.live``), where a layer must stay where the
    learner saw it appear.

    Example
    -------
    >>> layout = IncrementalLayout()
    >>> layout.place("in"), layout.place("a", ["in"]), layout.place("b", ["in"])
    ((0.0, 0), (0.0, 1), (1.0, 1))
    >>> layout.place("out", ["a", "b"])
    (0.5, 2)
    """

    def __init__(self):
        self.positions: dict = {}
        self._rows: dict[int, list[float]] = {}
        self._last_row = 0

    def __contains__(self, node) -> bool:
        return node in self.positions

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def rows(self) -> int:
        """Number of rows used (the deepest row + 1)."""
        return max(self._rows, default=-1) + 1

    def place(self, node, parents=()) -> tuple[float, int]:
        """Position ``(x, row)`` of ``node``, placing it first if it is new.

        Parents that are not placed yet are ignored.
        """
        if node in self.positions:
            return self.positions[node]
        placed = [self.positions[p] for p in parents if p in self.positions and p != node]
        if placed:
            row = max(r for _, r in placed) + 1
            xs = sorted(x for x, _ in placed)
            wanted = _median(xs)
        else:
            row = self._last_row if self.positions else 0
            below = [x for r, xs in self._rows.items() if r >= row for x in xs]
            wanted = max(below) + NODE_WIDTH + COMPONENT_GAP if below else 0.0
        x = _nearest_free(self._rows.get(row, []), wanted)
        self.positions[node] = (x, row)
        self._rows.setdefault(row, []).append(x)
        self._rows[row].sort()
        self._last_row = row
        return self.positions[node]

    def bounds(self, nodes=None) -> tuple[float, float, int, int]:
        """``(x_min, x_max, row_min, row_max)`` of ``nodes`` (default: every node)."""
        points = [
            self.positions[n] for n in (self.positions if nodes is None else nodes) if n in self.positions
        ]
        if not points:
            return 0.0, 0.0, 0, 0
        xs, rows = zip(*points)
        return min(xs), max(xs), min(rows), max(rows)


def _nearest_free(taken, wanted, gap=NODE_WIDTH):
    """The x nearest to ``wanted`` at least ``gap`` away from every x in ``taken`` (ties: right)."""
    candidates = [wanted] + [t + s * gap for t in taken for s in (-1, 1)]
    free = [c for c in candidates if all(abs(c - t) >= gap - 1e-9 for t in taken)]
    return min(free, key=lambda c: (abs(c - wanted), -c))
