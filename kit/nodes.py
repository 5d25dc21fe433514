"""The layer "node" concept, restored for Keras 3.

Every call of a layer on symbolic tensors creates a node. Keras 2 exposed them
with ``layer.get_output_at(i)`` and friends; Keras 3 removed those methods and
its ``layer.output`` silently answers with the first call's output. These
functions give the Keras 2 answers back.

Used by ``notebooks/04_layer_nodes.ipynb`` and the node-indexing exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kit import graph
from kit._text import format_shapes, html_table, plural, text_table

__all__ = [
    "get_output_at",
    "get_input_at",
    "get_output_shape_at",
    "get_input_shape_at",
    "NodeRow",
    "NodeTable",
    "table",
]


def get_output_at(layer, node_index: int):
    """The output tensor(s) of call ``node_index`` of ``layer``.

    One tensor when the call produced one, else the list of tensors.

    Example
    -------
    >>> import keras
    >>> lstm = keras.layers.LSTM(32)
    >>> a, b = keras.Input((280, 256)), keras.Input((280, 256))
    >>> encoded_a, encoded_b = lstm(a), lstm(b)
    >>> get_output_at(lstm, 1) is encoded_b
    True
    """
    return _single_or_list(_call(layer, node_index).outputs)


def get_input_at(layer, node_index: int):
    """The input tensor(s) of call ``node_index`` of ``layer``."""
    return _single_or_list(_call(layer, node_index).inputs)


def get_output_shape_at(layer, node_index: int):
    """The output shape(s) of call ``node_index``, e.g. ``(None, 32)``."""
    return _single_or_list([graph.shape_of(t) for t in _call(layer, node_index).outputs])


def get_input_shape_at(layer, node_index: int):
    """The input shape(s) of call ``node_index``, e.g. ``(None, 32, 32, 3)``.

    Example
    -------
    >>> import keras
    >>> conv = keras.layers.Conv2D(16, 3, padding="same")
    >>> _ = conv(keras.Input((32, 32, 3))), conv(keras.Input((64, 64, 3)))
    >>> get_input_shape_at(conv, 1)
    (None, 64, 64, 3)
    """
    return _single_or_list([graph.shape_of(t) for t in _call(layer, node_index).inputs])


@dataclass
class NodeRow:
    """One call of a layer: its node index, shapes and the models it is part of."""

    node_index: int
    input_shapes: list
    output_shapes: list
    models: list = field(default_factory=list)


@dataclass
class NodeTable:
    """Every call of a layer, printable as text and as an HTML table.

    Built by :func:`table`.
    """

    layer_name: str
    class_name: str
    rows: list
    show_models: bool

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def columns(self) -> list[str]:
        names = ["node", "input shapes", "output shapes"]
        return names + ["in model"] if self.show_models else names

    def cells(self) -> list[list[str]]:
        """The table's body as strings, one list per node."""
        body = []
        for row in self.rows:
            line = [str(row.node_index), format_shapes(row.input_shapes), format_shapes(row.output_shapes)]
            if self.show_models:
                line.append(", ".join(row.models) or "(another graph)")
            body.append(line)
        return body

    def __str__(self):
        title = f"Nodes of layer {self.layer_name!r} ({self.class_name}): {plural(len(self.rows), 'call')}"
        return title + "\n" + text_table(self.columns(), self.cells())

    __repr__ = __str__

    def _repr_html_(self):
        caption = f"Nodes of layer '{self.layer_name}' ({self.class_name})"
        return html_table(self.columns(), self.cells(), caption=caption)


def table(layer, model=None) -> NodeTable:
    """Every call of ``layer``: node index, input and output shapes.

    Parameters
    ----------
    layer : keras.layers.Layer
        A layer that has been called at least once.
    model : keras.Model or list of keras.Model, optional
        When given, each row says which of these models the call belongs to.

    Example
    -------
    >>> import keras
    >>> dense = keras.layers.Dense(4, name="shared")
    >>> a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    >>> model = keras.Model([a, b], [dense(a), dense(b)])
    >>> [row.node_index for row in table(dense, model)]
    [0, 1]
    """
    calls = _calls(layer)
    models = [] if model is None else (list(model) if isinstance(model, (list, tuple)) else [model])
    memberships = [(m.name, graph.calls_in_model(m)) for m in models]
    rows = [
        NodeRow(
            node_index=call.node_index,
            input_shapes=[graph.shape_of(t) for t in call.inputs],
            output_shapes=[graph.shape_of(t) for t in call.outputs],
            models=[name for name, keys in memberships if (id(layer), call.node_index) in keys],
        )
        for call in calls
    ]
    return NodeTable(layer.name, type(layer).__name__, rows, show_models=bool(models))


# --- internals -------------------------------------------------------------


def _calls(layer):
    if layer is None or not graph.is_layer(layer):
        raise TypeError(f"expected a Keras layer (e.g. keras.layers.LSTM(32)), got {type(layer).__name__}")
    calls = graph.calls_of(layer)
    if not calls:
        raise ValueError(
            f"the layer {layer.name!r} has never been called on a tensor, so it has "
            "no nodes yet: call it first, e.g. y = layer(keras.Input(shape=...))"
        )
    return calls


def _call(layer, node_index):
    calls = _calls(layer)
    if isinstance(node_index, bool) or not isinstance(node_index, int):
        raise TypeError(
            f"expected an integer node index (0 for the first call), got "
            f"{type(node_index).__name__}: {node_index!r}"
        )
    if not 0 <= node_index < len(calls):
        raise ValueError(
            f"asked for node {node_index} of layer {layer.name!r}, but it has "
            f"{plural(len(calls), 'node')}: valid indices are 0 to {len(calls) - 1}"
        )
    return calls[node_index]


def _single_or_list(items):
    return items[0] if len(items) == 1 else list(items)
