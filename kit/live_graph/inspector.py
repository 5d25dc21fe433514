"""What the live graph knows about one layer: settings, parameters, and every call.

Each call of a layer on symbolic tensors is a Keras "node". The inspector lists
them with their node index, where their inputs came from, the shapes in and
out, and the line of the learner's code that made the call: the node concept
of the Keras guide, made visible. It reads the plain data of a graph (from
``kit.live`` or :func:`kit.graph_of`), never Keras objects.

Used by the live graph widget (``kit.live``) and ``notebooks/04_layer_nodes.ipynb``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from kit._text import format_shapes, html_table, plural, text_table
from kit.graph import Kind

__all__ = ["COLUMNS", "CallRow", "Inspection", "inspect_layer"]

#: The node table's columns.
COLUMNS = ["node", "inputs from", "input shapes", "output shapes", "code"]


@dataclass(frozen=True)
class CallRow:
    """One call of a layer (a Keras node).

    ``origin`` is the :class:`kit.live_graph.state.Origin` (cell, line, code) of the
    call in the live graph, None in a :func:`kit.graph_of` graph.
    """

    node_index: int
    sources: tuple
    input_shapes: tuple
    output_shapes: tuple
    origin: object = None


@dataclass
class Inspection:
    """A layer as the inspector shows it; ``str()`` gives a text table, ``html()`` a table.

    Built by :func:`inspect_layer`.
    """

    name: str
    class_name: str
    kind: str
    params: int
    config: dict
    calls: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def header(self) -> str:
        what = f"{self.name} ({self.class_name})"
        return f"{what}: {plural(self.params, 'parameter')}, {plural(len(self.calls), 'call')}"

    def settings(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.config.items())

    def cells(self) -> list[list[str]]:
        """The node table's body as strings: node, inputs from, input shapes, output shapes, code."""
        return [
            [
                str(c.node_index),
                ", ".join(c.sources) or "-",
                format_shapes(c.input_shapes) or "-",
                format_shapes(c.output_shapes),
                "" if c.origin is None else str(c.origin),
            ]
            for c in self.calls
        ]

    def __str__(self):
        lines = [self.header()]
        if self.config:
            lines.append(f"settings: {self.settings()}")
        lines += self.notes
        lines.append(text_table(COLUMNS, self.cells()))
        return "\n".join(lines)

    __repr__ = __str__

    def html(self) -> str:
        def render(column, text):
            return _code(text) if COLUMNS[column] == "code" else html.escape(text)

        parts = [f"<b>{html.escape(self.header())}</b>"]
        if self.config:
            parts.append(f"<div>settings: <code>{html.escape(self.settings())}</code></div>")
        parts += [f"<div><i>{html.escape(note)}</i></div>" for note in self.notes]
        parts.append(html_table(COLUMNS, self.cells(), render=render))
        return "\n".join(parts)

    def _repr_html_(self):
        return self.html()


def inspect_layer(graph, key) -> Inspection:
    """The inspector's view of graph node ``key``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A live graph (``kit.live(...).state.graph``) or a :func:`kit.graph_of` graph.
    key : str
        The layer's node in the graph (its name).

    Example
    -------
    >>> import keras, kit
    >>> lstm = keras.layers.LSTM(8, name="shared_lstm")
    >>> a, b = keras.Input((5, 3), name="a"), keras.Input((5, 3), name="b")
    >>> report = inspect_layer(kit.graph_of([lstm(a), lstm(b)]), "shared_lstm")
    >>> [(call.node_index, call.sources) for call in report.calls]
    [(0, ('a',)), (1, ('b',))]
    """
    if key not in graph:
        known = ", ".join(sorted(map(str, graph))[:8])
        raise ValueError(f"expected the name of a layer in this graph, got {key!r} (known: {known}...)")
    data = graph.nodes[key]
    return Inspection(
        name=data.get("name", key),
        class_name=data.get("class_name", "?"),
        kind=data.get("kind", Kind.LAYER),
        params=int(data.get("params", 0)),
        config=dict(data.get("config") or {}),
        calls=_call_rows(graph, key),
        notes=_notes(data, key),
    )


def _call_rows(graph, key) -> list[CallRow]:
    """One row per call of ``key``: what fed it (``name [node i]`` for a shared producer), shapes, origin."""
    data = graph.nodes[key]
    sources: dict[int, list] = {}
    for producer, _, edge in graph.in_edges(key, data=True):
        label = producer
        if graph.nodes[producer].get("calls", 1) > 1 or edge.get("producer_node_index", 0) > 0:
            label = f"{producer} [node {edge.get('producer_node_index', 0)}]"
        sources.setdefault(edge.get("node_index", 0), []).append((edge.get("position", 0), label))
    origins = data.get("origins") or [None] * len(data.get("node_indices", []))
    return [
        CallRow(
            node_index=index,
            sources=tuple(label for _, label in sorted(sources.get(index, []))),
            input_shapes=tuple(inputs),
            output_shapes=tuple(outputs),
            origin=origin,
        )
        for index, inputs, outputs, origin in zip(
            data.get("node_indices", []), data.get("input_shapes", []), data.get("output_shapes", []), origins
        )
    ]


def _notes(data, key) -> list[str]:
    notes = []
    calls = len(data.get("node_indices", []))
    if calls > 1:
        notes.append(
            f"called {calls} times: kit.nodes.get_output_at({data.get('name', key)}, i) "
            "gives the output of node i"
        )
    if data.get("before_start"):
        notes.append("made before the live graph started: its earlier calls are not listed")
    if data.get("wrapped"):
        notes.append(f"wraps {data['wrapped']}")
    return notes


def _code(origin: str) -> str:
    if ": " not in origin:
        return html.escape(origin)
    where, code = origin.split(": ", 1)
    return f"{html.escape(where)}: <code>{html.escape(code)}</code>"
