"""Small questions asked of a learner's layer graph by the exercise checkers.

Each helper either answers or raises :class:`~kit.exercises.engine.Unmet` with
a message about the learner's model. Used by ``kit/exercises/catalogue.py``.
"""

from __future__ import annotations

from kit._text import format_shape, plural
from kit.exercises.engine import Unmet
from kit.exercises.rules import layer_phrase, quoted

__all__ = [
    "ACTIVATION_LAYERS",
    "IMAGE_AXES",
    "MERGES",
    "check_conv",
    "check_dense",
    "dense_chain",
    "flat_layers",
    "followers",
    "join",
    "kernel",
    "nested_model",
    "one_of",
    "out_shape",
    "output_layer",
    "reads",
    "shape_note",
    "through_activation",
]

#: Layers that only apply an activation to the tensor before them.
ACTIVATION_LAYERS = ("Activation", "ReLU", "Softmax")

#: Merge layers a learner may pick instead of the one the spec asks for.
MERGES = ("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot")

#: What each axis of a channels_last image batch holds.
IMAGE_AXES = {0: "the batch", 1: "image rows", 2: "image columns", 3: "channels"}


def out_shape(graph, key, call: int = 0) -> tuple:
    """The first output shape of call number ``call`` of ``key`` in ``graph``."""
    return graph.nodes[key]["output_shapes"][call][0]


def kernel(graph, key) -> tuple:
    return tuple(graph.nodes[key]["config"].get("kernel_size", ()))


def through_activation(subject, key, graph=None) -> str:
    """The layer behind ``key`` when ``key`` only applies an activation."""
    g = subject.graph if graph is None else graph
    while g.nodes[key]["class_name"] in ACTIVATION_LAYERS:
        before = subject.producers(key, graph=g)
        if not before:
            break
        key = before[0]
    return key


def followers(subject, key, graph=None) -> list[str]:
    """The layers reading ``key``'s output, looking past layers that only apply an activation."""
    g = subject.graph if graph is None else graph
    found = []
    for reader in subject.consumers(key, graph=g):
        if g.nodes[reader]["class_name"] in ACTIVATION_LAYERS + ("Relu",):
            found += followers(subject, reader, g)
        else:
            found.append(reader)
    return found


def output_layer(subject, position: int = 0, name: str | None = None, graph=None) -> str:
    """The key of the layer computing an output (looking through activation layers).

    ``name`` picks the output by name when the model has it, else ``position``.
    """
    g = subject.graph if graph is None else graph
    outputs = g.graph["outputs"]
    key = name if name in outputs else outputs[min(position, len(outputs) - 1)]
    return through_activation(subject, key, g)


def one_of(subject, class_name: str, missing: str, graph=None) -> str:
    """The only layer of ``class_name``; ``missing`` is the message when there is none."""
    keys = subject.keys(class_name, graph=graph)
    if not keys:
        raise Unmet(missing)
    if len(keys) > 1:
        g = subject.graph if graph is None else graph
        raise Unmet(
            f"found {plural(len(keys), class_name + ' layer')} "
            f"({', '.join(layer_phrase(g, k) for k in keys)}); the spec has one"
        )
    return keys[0]


def check_dense(subject, key, units: int, activation: str, role: str, graph=None) -> list[str]:
    """Problems of a Dense layer against ``Dense(units, activation=...)``."""
    g = subject.graph if graph is None else graph
    data = g.nodes[key]
    if data["class_name"] != "Dense":
        return [f"{role} is {layer_phrase(g, key)}, expected Dense({units}, activation={activation!r})"]
    problems = []
    if data["config"].get("units") != units:
        problems.append(f"{role} {key!r} has {data['config'].get('units')} units, expected {units}")
    found = subject.activation(key, graph=g)
    if found != activation:
        problems.append(
            f"{role} {key!r} uses activation {found!r}, expected {activation!r}: "
            f"Dense({units}, activation={activation!r})"
        )
    return problems


def check_conv(subject, key, filters, size, activation=None, padding=None, role="", graph=None) -> list[str]:
    """Problems of a Conv2D layer against the spec (``None`` skips a setting)."""
    g = subject.graph if graph is None else graph
    config = g.nodes[key]["config"]
    name = f"{role} {key!r}".strip()
    problems = []
    if filters is not None and config.get("filters") != filters:
        problems.append(f"{name} has {config.get('filters')} filters, expected {filters}")
    if size is not None and kernel(g, key) != (size, size):
        problems.append(f"{name} has a {'x'.join(map(str, kernel(g, key)))} kernel, expected {size}x{size}")
    if padding is not None and config.get("padding") != padding:
        problems.append(f"{name} uses padding={config.get('padding')!r}, expected {padding!r}")
    if activation is not None:
        found = subject.activation(key, graph=g)
        if found != activation:
            problems.append(f"{name} uses activation {found!r}, expected {activation!r}")
    return problems


def reads(subject, key, node_index=None, graph=None) -> list[str]:
    """Producers of one call of ``key``, looking through activation layers."""
    g = subject.graph if graph is None else graph
    return [through_activation(subject, k, g) for k in subject.producers(key, node_index, graph=g)]


def nested_model(subject, name: str, what: str, feeds: str, holds=()) -> str:
    """The key of the nested model ``name`` (a model called as a layer).

    ``holds`` are the layer classes the nested model contains: when they sit
    directly in the learner's model instead, the message says so.
    """
    g = subject.graph
    models = [k for k in subject.keys() if g.nodes[k]["kind"] == "model"]
    if name in models:
        return name
    unused = _unused_model(subject)
    if unused:
        raise Unmet(
            f"your code builds the model {unused.target!r} (line {unused.line}: `{unused.text}`) but never "
            f"calls it: the model uses other layers instead. Call it on {feeds!r}, {unused.target}({feeds})"
        )
    inline = subject.keys(*holds) if holds else []
    build = (
        f"Build the {what} as its own model, keras.Model(its input, its output, name={name!r}) or "
        f"keras.Sequential([...], name={name!r}), and call it on {feeds!r}"
    )
    if inline:
        raise Unmet(
            f"no nested model {name!r}: the {what}'s layers ({quoted(inline)}) sit directly in "
            f"{subject.model.name!r}. {build}"
        )
    if models:
        raise Unmet(
            f"found the nested model{'s' if len(models) > 1 else ''} {quoted(models)} but none "
            f"named {name!r}: pass name={name!r} when you create the {what}"
        )
    raise Unmet(f"no nested {what}: its layers sit directly in {subject.model.name!r}. {build}")


def _unused_model(subject):
    """A model the learner's code builds, never calls and does not return (or ``None``)."""
    code = subject.code
    if code is None:
        return None
    called, returned = code.called_names(), code.returned_names()
    unused = [a for a in code.models_built() if a.target not in called | returned]
    return unused[0] if unused else None


def dense_chain(subject, start: str, stop_classes=("Concatenate", "InputLayer"), graph=None) -> list[str]:
    """Dense layers from ``start`` back to the first layer of ``stop_classes`` (start first)."""
    g = subject.graph if graph is None else graph
    chain, key = [], start
    while True:
        key = through_activation(subject, key, g)
        if g.nodes[key]["class_name"] != "Dense":
            return chain
        chain.append(key)
        before = subject.producers(key, graph=g)
        if len(before) != 1:
            return chain
        key = before[0]


def flat_layers(graph, class_name: str):
    """``(graph, key)`` for every layer of ``class_name``, nested models included, in order."""
    found = []
    for key, data in sorted(graph.nodes(data=True), key=lambda kv: kv[1]["order"]):
        if data["class_name"] == class_name:
            found.append((graph, key))
        if data["subgraph"] is not None:
            found.extend(flat_layers(data["subgraph"], class_name))
    return found


def shape_note(graph, key) -> str:
    return format_shape(out_shape(graph, key))


def join(problems) -> str | None:
    """One message from a list of problems, or ``None`` when there are none."""
    return "; ".join(problems) + "." if problems else None
