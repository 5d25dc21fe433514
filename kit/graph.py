"""Keras models and symbolic tensors as networkx graphs.

This is the only module of the kit that reads Keras private attributes
(``_inbound_nodes``, ``_keras_history``, ``_functional``, ``Node``) or calls
a private method (``_symbolic_build``). Every other
module works on the plain data returned here.

Used by every notebook of the course (``kit.draw``, the live graph) and by the
exercise checkers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

from kit._text import size_phrase

__all__ = [
    "EXPECTED",
    "KEY_CONFIG",
    "Call",
    "Kind",
    "add_call",
    "build_for_fit",
    "calls_in_model",
    "calls_of",
    "describe_operation",
    "edge_attributes",
    "graph_of",
    "history",
    "inputs_behind",
    "is_keras_tensor",
    "is_layer",
    "node_attributes",
    "node_listener",
    "shape_of",
    "size_of",
]


class Kind(StrEnum):
    """What a graph node stands for (its ``kind`` attribute).

    A ``StrEnum``, so ``Kind.INPUT == "input"``.

    >>> Kind.OPERATION == "op", str(Kind.MODEL)
    (True, 'model')
    """

    INPUT = "input"
    LAYER = "layer"
    OPERATION = "op"
    MODEL = "model"
    #: Repeated blocks drawn as one box (only in drawings, see kit.drawing.blocks).
    BLOCK = "block"


#: Configuration keys shown by the drawing and the inspector when a layer has them.
KEY_CONFIG = (
    "units",
    "filters",
    "kernel_size",
    "strides",
    "pool_size",
    "padding",
    "activation",
    "rate",
    "axis",
    "input_dim",
    "output_dim",
    "return_sequences",
    "return_state",
    "use_bias",
    "target_shape",
    "dims",
)

EXPECTED = (
    "a Keras model (functional or Sequential), a KerasTensor, a list of "
    "KerasTensors, or a layer that has been called"
)


@dataclass(frozen=True)
class Call:
    """One call of a layer on symbolic tensors (a Keras "node").

    Attributes
    ----------
    node_index : int
        Position of the call among all calls of the layer.
    inputs, outputs : list of KerasTensor
        The tensors the call received and produced.
    """

    node_index: int
    inputs: list
    outputs: list


def _keras():
    import keras

    return keras


def is_layer(obj) -> bool:
    """True for a Keras ``Operation`` (every layer, model and ``keras.ops`` op)."""
    from keras.src.ops.operation import Operation

    return isinstance(obj, Operation)


def is_keras_tensor(obj) -> bool:
    """True for a symbolic ``keras.KerasTensor``."""
    return isinstance(obj, _keras().KerasTensor)


def shape_of(tensor) -> tuple:
    """The static shape of a tensor as a tuple (``None`` for unknown sizes)."""
    shape = tensor.shape
    if type(shape) is tuple and all(d is None or type(d) is int for d in shape):
        return shape  # a KerasTensor's shape already is
    return tuple(None if d is None else int(d) for d in shape)


def history(tensor):
    """``(operation, node_index, tensor_index)`` of the call that produced ``tensor``.

    Example
    -------
    >>> import keras
    >>> x = keras.Input((3,), name="x")
    >>> history(keras.layers.Dense(2, name="d")(x))[0].name
    'd'
    """
    record = getattr(tensor, "_keras_history", None)
    if record is None:
        return None, 0, 0
    return record.operation, record.node_index, record.tensor_index


def calls_of(layer) -> list[Call]:
    """Every call ever made of ``layer`` on symbolic tensors, in call order.

    The list includes calls made while building other models: Keras keeps one
    list of calls per layer object. An ``InputLayer`` has one call, node 0,
    whose output is its ``keras.Input`` tensor.

    Example
    -------
    >>> import keras
    >>> dense = keras.layers.Dense(2)
    >>> a, b = keras.Input((3,)), keras.Input((3,))
    >>> _ = dense(a), dense(b)
    >>> [call.node_index for call in calls_of(dense)]
    [0, 1]
    """
    if not is_layer(layer):
        raise TypeError(f"expected a Keras layer, got {type(layer).__name__}: {layer!r:.80}")
    return [
        Call(i, list(node.input_tensors), list(node.outputs))
        for i, node in enumerate(layer._inbound_nodes)
        if not node.is_input or type(layer).__name__ == "InputLayer"
    ]


def calls_in_model(model) -> set[tuple[int, int]]:
    """The calls that belong to ``model``'s graph, as ``(id(layer), node_index)`` pairs."""
    inputs, outputs = _endpoints(model)
    return {(id(node.operation), _node_index(node)) for node in _nodes_between(inputs, outputs)}


def inputs_behind(outputs) -> list:
    """The ``keras.Input`` tensors that ``outputs`` are computed from, in graph order.

    Example
    -------
    >>> import keras
    >>> a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    >>> y = keras.layers.concatenate([a, b])
    >>> [t.name for t in inputs_behind([y])]
    ['a', 'b']
    """
    return [
        node.outputs[0]
        for node in _nodes_between([], list(outputs))
        if type(node.operation).__name__ == "InputLayer"
    ]


def graph_of(obj, with_config: bool = True) -> nx.MultiDiGraph:
    """The layer graph of a Keras model or of the tensors that lead to some outputs.

    Parameters
    ----------
    obj : keras.Model, KerasTensor, list of KerasTensor, or keras.layers.Layer
        A functional or Sequential model; symbolic tensors (the graph is what
        produced them); or a layer that has been called (the graph is what
        produced its outputs).
    with_config : bool
        Read each layer's key settings (``config``); False leaves ``{}`` and is
        faster (a drawing does not show them).

    Returns
    -------
    networkx.MultiDiGraph
        One node per layer, ``keras.ops`` operation or Input, keyed by name, with
        attributes ``class_name``, ``kind`` (input, layer, op, model),
        ``params``, ``calls`` (how many calls of the layer are in this graph),
        ``node_indices``, ``shared`` (more than one call), ``nested`` (a model
        used as a layer), ``input_shapes``/``output_shapes`` (one entry per
        call), ``config`` (key settings), ``is_input``, ``is_output``,
        ``order`` and ``layer_id``. One edge per tensor flowing into a call,
        with ``node_index`` (the consumer's call), ``shape``, ``position``,
        ``producer_node_index`` and ``tensor_index``.

    Example
    -------
    >>> import keras
    >>> x = keras.Input((784,), name="pixels")
    >>> y = keras.layers.Dense(10, name="digits")(x)
    >>> sorted(graph_of(keras.Model(x, y)).nodes)
    ['digits', 'pixels']
    """
    inputs, outputs = _endpoints(obj)
    graph = nx.MultiDiGraph(name=getattr(obj, "name", None) or "graph")
    names: dict[int, str] = {}
    stop = {id(t) for t in inputs}
    output_ids = {id(t) for t in outputs}

    for order, node in enumerate(_nodes_between(inputs, outputs)):
        key = _add_operation(graph, node.operation, names, order, with_config=with_config)
        node_index = _node_index(node)
        data = graph.nodes[key]
        add_call(data, node_index, node.input_tensors, node.outputs)
        if any(id(t) in output_ids for t in node.outputs):
            data["is_output"] = True
        arguments = _argument_names(node)
        for position, tensor in enumerate(node.input_tensors):
            producer = history(tensor)[0]
            if producer is None:
                continue
            if id(producer) not in names:
                # A declared input that is an intermediate tensor of a larger graph.
                _add_operation(graph, producer, names, -1, boundary=True, with_config=with_config)
            attributes = edge_attributes(tensor, position, node_index)
            attributes["argument"], attributes["keyword"] = arguments[position]
            graph.add_edge(names[id(producer)], key, **attributes)
    for tensor in inputs:
        producer, node_index, _ = history(tensor)
        if producer is None:
            continue
        if id(producer) not in names:  # an input that no output depends on
            key = _add_operation(graph, producer, names, -1, boundary=True, with_config=with_config)
            add_call(graph.nodes[key], node_index, [], [tensor])
        if id(tensor) in stop:
            graph.nodes[names[id(producer)]]["is_input"] = True

    graph.graph["inputs"] = (
        [names[id(history(t)[0])] for t in inputs]
        if inputs
        else [k for k, d in graph.nodes(data=True) if d["kind"] == Kind.INPUT]
    )
    graph.graph["outputs"] = [names[id(history(t)[0])] for t in outputs]
    return graph


def size_of(graph) -> str:
    """The size of a :func:`graph_of` graph as the kit states it everywhere.

    Inputs are counted apart from the other layers, so that layers + inputs is
    ``len(model.layers)`` (which lists a functional model's ``InputLayer``
    objects), while ``model.summary()``'s rows show both.

    Example
    -------
    >>> import keras
    >>> x = keras.Input((3,), name="x")
    >>> size_of(graph_of(keras.layers.Dense(2)(keras.layers.Dense(4)(x))))
    '2 layers + 1 input'
    """
    inputs = sum(1 for _, kind in graph.nodes(data="kind") if kind == Kind.INPUT)
    return size_phrase(graph.number_of_nodes() - inputs, inputs)


def node_listener(callback):
    """Call ``callback(operation, inputs, outputs)`` after every new symbolic call.

    Returns a function that removes the listener and restores Keras exactly.
    Used by the live graph (``kit.live``).

    Example
    -------
    >>> seen = []
    >>> stop = node_listener(lambda op, inputs, outputs: seen.append(op.name))
    >>> import keras
    >>> _ = keras.layers.Dense(1, name="probe")(keras.Input((2,), name="inp"))
    >>> stop()
    >>> seen
    ['inp', 'probe']
    """
    from keras.src.ops.node import Node

    original = Node.__init__

    def init_and_report(self, *args, **kwargs):
        original(self, *args, **kwargs)
        callback(self.operation, list(self.input_tensors), list(self.outputs))

    Node.__init__ = init_and_report

    def remove():
        if Node.__init__ is init_and_report:
            Node.__init__ = original

    return remove


def build_for_fit(model, batch_spec) -> bool:
    """Create the variables ``fit`` would create in its first step: optimizer, compiled losses, metrics.

    Without a distribution strategy, Keras creates them while it traces the
    train step, and TensorFlow then traces the step a second time (a traced
    function may create variables on its first trace only). Built beforehand
    from the spec of one batch, as Keras itself does under a strategy, they
    spare that second trace: about 2 s of an LSTM model's first epoch
    (``benchmarks/first_epoch.py``). Returns False, and leaves the building to
    ``fit``, when the model cannot run on the spec.

    Example
    -------
    >>> import keras, tensorflow as tf
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> build_for_fit(model, (tf.TensorSpec((None, 2)), tf.TensorSpec((None, 1))))
    True
    >>> model.optimizer.built
    True
    """
    try:
        model._symbolic_build(data_batch=batch_spec)
    except Exception:  # fit builds them in its traced step, and reports what is wrong
        return False
    return True


# --- internals -------------------------------------------------------------


def _endpoints(obj):
    """``(inputs, outputs)`` tensors of a model, tensors or called layer."""
    keras = _keras()
    if obj is None:
        raise TypeError(f"expected {EXPECTED}; got None")
    if isinstance(obj, nx.Graph):
        raise TypeError(f"expected {EXPECTED}; got a networkx graph (already a graph)")
    if isinstance(obj, keras.Model):
        return _model_endpoints(obj)
    if is_keras_tensor(obj):
        _require_history(obj)
        return [], [obj]
    if isinstance(obj, (list, tuple, dict)) and obj:
        tensors = list(obj.values()) if isinstance(obj, dict) else list(obj)
        bad = [t for t in tensors if not is_keras_tensor(t)]
        if bad:
            holder = "dict" if isinstance(obj, dict) else type(obj).__name__
            raise TypeError(f"expected {EXPECTED}; the {holder} holds {_a(bad[0])} ({bad[0]!r:.40})")
        for tensor in tensors:
            _require_history(tensor)
        return [], tensors
    if is_layer(obj):
        calls = calls_of(obj)
        if not calls:
            raise ValueError(
                f"the layer {obj.name!r} has never been called on a tensor, so it "
                "has no graph yet: call it first, e.g. y = layer(keras.Input(shape=...))"
            )
        return [], [t for call in calls for t in call.outputs]
    kind = type(obj).__name__
    if hasattr(obj, "numpy") or type(obj).__module__.startswith(("numpy", "tensorflow")):
        raise TypeError(
            f"expected {EXPECTED}; got a concrete {kind} (computed eagerly, it "
            "remembers no layers). Build on keras.Input(shape=...) to get symbolic tensors"
        )
    raise TypeError(f"expected {EXPECTED}; got {kind}")


def _model_endpoints(obj):
    """``(inputs, outputs)`` of a Sequential or functional model; a clear error otherwise."""
    keras = _keras()
    if isinstance(obj, keras.Sequential):
        if obj._functional is None:
            raise ValueError(
                f"the Sequential model {obj.name!r} has no input yet, so it has no "
                "layer graph: start it with keras.Input(shape=...) as its first "
                "layer, or call model.build(input_shape) first"
            )
        return list(obj.inputs), list(obj.outputs)
    from keras.src.models.functional import Functional

    if not isinstance(obj, Functional):
        state = "a built" if obj.built else "an unbuilt"
        raise ValueError(
            f"{obj.name!r} is {state} subclassed model ({type(obj).__name__}): "
            "its layers are wired in Python code, so it has no static layer "
            "graph. Expected a functional or Sequential model; to see it as "
            "one box, call it on an Input: y = model(keras.Input(shape=...)) "
            "then kit.graph_of(y)"
        )
    return list(obj.inputs), list(obj.outputs)


def _a(obj) -> str:
    name = type(obj).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _require_history(tensor):
    if history(tensor)[0] is None:
        raise ValueError(
            f"the KerasTensor {tensor!r:.80} was not produced by a layer or an Input, "
            "so it has no graph: create tensors with keras.Input(shape=...)"
        )


def _argument_names(node) -> list[tuple]:
    """``(name, keyword)`` for each input tensor of a call, in ``node.input_tensors`` order.

    ``name`` is the dict key the tensor was passed under (a model called with a
    dict) or the keyword argument's name (``mask=``), else None; ``keyword`` is
    True for a keyword argument.
    """
    keras = _keras()
    arguments = getattr(node, "arguments", None)
    plain = [(None, False)] * len(node.input_tensors)
    if arguments is None or (not arguments.kwargs and not isinstance(node.operation, keras.Model)):
        return plain  # positional tensors only: no names to find
    if not isinstance(node.operation, keras.Model) and not any(
        isinstance(value, keras.KerasTensor) for value in keras.tree.flatten(arguments.kwargs)
    ):
        return plain
    names = []
    for path, value in keras.tree.flatten_with_path((arguments.args, arguments.kwargs)):
        if isinstance(value, keras.KerasTensor):
            keyword = path[0] == 1
            name = next((part for part in reversed(path) if isinstance(part, str)), None)
            names.append((path[1] if keyword else name, keyword))
    if len(names) != len(node.input_tensors):  # a structure Keras flattens differently
        return plain
    return names


def _node_index(node) -> int:
    for index, candidate in enumerate(node.operation._inbound_nodes):
        if candidate is node:
            return index
    raise RuntimeError(f"{node!r} is not among its operation's calls")


def _nodes_between(inputs, outputs):
    """Keras nodes that lead to ``outputs``, stopping at ``inputs``, inputs first."""
    stop = {id(t) for t in inputs}
    done: set[int] = set()
    ordered = []
    for output in outputs:
        stack = [(output, False)]
        while stack:
            tensor, expanded = stack.pop()
            op, node_index, _ = history(tensor)
            if op is None:
                continue
            node = op._inbound_nodes[node_index]
            if id(node) in done:
                continue
            if expanded:
                done.add(id(node))
                ordered.append(node)
                continue
            if id(tensor) in stop and not node.is_input:
                continue
            stack.append((tensor, True))
            for parent in reversed(list(node.input_tensors)):
                stack.append((parent, False))
    return ordered


def _add_operation(graph, op, names, order, boundary=False, with_config=True) -> str:
    """Add ``op`` as a graph node once; return its key."""
    if id(op) in names:
        return names[id(op)]
    key = op.name
    suffix = 2
    while key in graph:
        key = f"{op.name}#{suffix}"
        suffix += 1
    names[id(op)] = key
    attributes = node_attributes(op, order, with_config=with_config)
    if boundary:
        attributes.update(kind=Kind.INPUT, is_input=True)
    inner = op if attributes["nested"] else getattr(op, "layer", None)
    if isinstance(inner, _keras().Model):
        attributes["subgraph"] = _subgraph(inner, with_config)
    graph.add_node(key, **attributes)
    return key


def _count_params(op) -> int:
    try:
        return int(op.count_params()) if getattr(op, "built", False) else 0
    except (ValueError, AttributeError):
        return 0


def _subgraph(model, with_config=True):
    try:
        return graph_of(model, with_config)
    except ValueError:
        return None


def _key_config(op) -> dict:
    keras = _keras()
    if type(op).__module__.startswith("keras.") and not isinstance(op, keras.layers.Wrapper):
        # Keras's own layers keep their settings as attributes of the same names:
        # reading them is ten times cheaper than serializing the layer.
        config = {key: getattr(op, key, None) for key in KEY_CONFIG}
        activation = config["activation"]
        if callable(activation):
            builtin = getattr(activation, "__module__", "").startswith("keras.src.activations")
            config["activation"] = activation.__name__ if builtin else keras.activations.serialize(activation)
    else:
        try:
            config = op.get_config()
        except Exception:  # some custom layers do not implement get_config
            return {}
    shown = {}
    for key in KEY_CONFIG:
        value = config.get(key)
        if value is None or isinstance(value, dict) or callable(value):
            continue
        shown[key] = tuple(value) if isinstance(value, list) else value
    return shown


# --- node and edge attributes, shared with the live graph ------------------


def node_attributes(op, order: int, with_config: bool = True) -> dict:
    """The attributes of a new graph node for ``op``, before any of its calls.

    :func:`describe_operation` plus the per-call lists (``node_indices``,
    ``input_shapes``, ``output_shapes``, filled by :func:`add_call`), ``calls``,
    ``shared``, ``is_input``, ``is_output``, ``subgraph`` and ``order``
    (``-1`` for a node outside the walked graph).

    Example
    -------
    >>> import keras
    >>> x = keras.Input((3,), name="x")
    >>> data = node_attributes(history(x)[0], order=0)
    >>> data["is_input"], data["calls"], data["node_indices"]
    (True, 0, [])
    """
    attributes = describe_operation(op, with_config=with_config)
    return {
        **attributes,
        "subgraph": None,
        "node_indices": [],
        "input_shapes": [],
        "output_shapes": [],
        "calls": 0,
        "shared": False,
        "is_input": attributes["kind"] == Kind.INPUT,
        "is_output": False,
        "order": max(order, -1),
    }


def add_call(data: dict, node_index: int, inputs, outputs) -> None:
    """Record one call (Keras node ``node_index``) in a graph node's attributes.

    Example
    -------
    >>> import keras
    >>> x = keras.Input((3,), name="x")
    >>> data = node_attributes(history(x)[0], order=0)
    >>> add_call(data, 0, [], [x])
    >>> data["calls"], data["output_shapes"]
    (1, [[(None, 3)]])
    """
    data["node_indices"].append(node_index)
    data["input_shapes"].append([shape_of(t) for t in inputs])
    data["output_shapes"].append([shape_of(t) for t in outputs])
    data["calls"] = len(data["node_indices"])
    data["shared"] = data["calls"] > 1


def edge_attributes(tensor, position: int, node_index: int) -> dict:
    """The attributes of the edge that carries ``tensor`` into a call.

    ``position`` is the tensor's place among the call's inputs and
    ``node_index`` the consumer's call; the producer's call is
    ``producer_node_index``.

    Example
    -------
    >>> import keras
    >>> x = keras.Input((3,), name="x")
    >>> edge_attributes(x, position=0, node_index=1)["shape"]
    (None, 3)
    """
    _, producer_index, tensor_index = history(tensor)
    return {
        "node_index": node_index,
        "position": position,
        "producer_node_index": producer_index,
        "tensor_index": tensor_index,
        "shape": shape_of(tensor),
    }


# --- describing one operation ------------------------------------------------


def describe_operation(op, with_config: bool = True) -> dict:
    """Plain-data description of a layer, Input or op, as stored in a graph node.

    Returns the attributes :func:`graph_of` gives a node that do not depend on
    a particular model: ``name``, ``class_name``, ``kind``, ``params``,
    ``trainable``, ``nested``, ``wrapped``, ``config`` and ``layer_id``.
    ``with_config=False`` skips ``config`` (``{}``), the slow part (it
    serializes the layer). Used by the live graph (``kit.live``), which sees
    layers one call at a time.

    Example
    -------
    >>> import keras
    >>> dense = keras.layers.Dense(2, activation="relu", name="d")
    >>> _ = dense(keras.Input((3,)))
    >>> info = describe_operation(dense)
    >>> str(info["kind"]), info["params"], info["config"]["units"]
    ('layer', 8, 2)
    """
    if not is_layer(op):
        raise TypeError(f"expected a Keras layer or operation, got {type(op).__name__}")
    keras = _keras()
    class_name = type(op).__name__
    is_model = isinstance(op, keras.Model)
    if class_name == "InputLayer":
        kind = Kind.INPUT
    elif is_model:
        kind = Kind.MODEL
    elif isinstance(op, keras.layers.Layer):
        kind = Kind.LAYER
    else:
        kind = Kind.OPERATION
    wrapped = getattr(op, "layer", None) if isinstance(op, keras.layers.Wrapper) else None
    return {
        "name": op.name,
        "class_name": class_name,
        "kind": kind,
        "params": _count_params(op),
        "trainable": bool(getattr(op, "trainable", False)),
        "nested": is_model,
        "wrapped": None if wrapped is None else f"{wrapped.name} ({type(wrapped).__name__})",
        "config": _key_config(op) if with_config and not is_model else {},
        "layer_id": id(op),
    }
