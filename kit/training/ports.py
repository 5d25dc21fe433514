"""The model's inputs and outputs as the data checks see them, and data put in their structure.

A model takes a single array, a list in the order of its inputs or a dict keyed
by their names (``keras.Input(name=...)``); :func:`arrange` accepts any of the
three and returns the model's own, with a clear message when names or counts
do not match (see ``notebooks/02_multiple_inputs_outputs.ipynb``).

Example
-------
>>> import numpy as np
>>> ports = [Port("main_input", (None, 3), "float32"), Port("aux_input", (None, 2), "float32")]
>>> arrange({"main_inpt": np.zeros((4, 3)), "aux_input": np.zeros((4, 2))}, ports, {}, "x")
Traceback (most recent call last):
ValueError: x has keys 'main_inpt', 'aux_input' but the model's inputs are 'main_input', 'aux_input': missing input 'main_input' (is 'main_inpt' a misspelling of it?). Use exactly the names given to keras.Input(name=...).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from kit.training.values import as_array

__all__ = [
    "Port",
    "arrange",
    "by_name",
    "check_model",
    "input_structure",
    "label_of",
    "model_inputs",
    "model_outputs",
    "names_text",
    "output_structure",
    "rebuild",
    "structure_of",
]


@dataclass(frozen=True)
class Port:
    """One input or output of the model as the checks see it."""

    name: str
    shape: tuple
    dtype: str
    activation: str | None = None


def model_inputs(model):
    """The model's inputs as :class:`Port` records, in the model's order."""
    return [Port(t.name, tuple(t.shape), str(t.dtype)) for t in model.inputs]


def model_outputs(model):
    """The model's outputs as :class:`Port` records, with the output layer's activation."""
    ports = []
    # A Sequential model has no output_names: its one output is its last layer's.
    names = getattr(model, "output_names", None) or [model.layers[-1].name]
    for name, tensor in zip(names, model.outputs):
        activation = None
        try:
            layer = model.get_layer(name)
            activation = layer.get_config().get("activation")
        except (ValueError, NotImplementedError):
            pass
        if isinstance(activation, dict):  # a serialised activation object
            activation = activation.get("config", {}).get("name") or activation.get("class_name")
        ports.append(Port(name, tuple(tensor.shape), str(tensor.dtype), activation))
    return ports


def input_structure(model):
    """``model.input``: a dict, list or single tensor; a Sequential model's one input tensor."""
    return _structure(model, "input")


def output_structure(model):
    """``model.output``: a dict, list or single tensor; a Sequential model's one output tensor."""
    return _structure(model, "output")


def _structure(model, side):
    try:
        return getattr(model, side)
    except (AttributeError, ValueError):  # a Sequential model is never called on its inputs
        tensors = list(getattr(model, side + "s"))
        return tensors[0] if len(tensors) == 1 else tensors


def check_model(model):
    """The model must know its inputs so the data can be checked against them."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            f"Model {model.name!r} does not know its inputs yet. Start it with "
            "keras.Input(shape=...) (or call model.build(input_shape)) so kit.train can "
            "check the data against it."
        )


def structure_of(model_structure):
    """``"dict"``, ``"list"`` or ``"single"``: how ``model.input`` or ``model.output`` is shaped.

    >>> structure_of({"a": 1}), structure_of([1, 2]), structure_of(1)
    ('dict', 'list', 'single')
    """
    if isinstance(model_structure, dict):
        return "dict"
    if isinstance(model_structure, (list, tuple)):
        return "list"
    return "single"


def label_of(role, port, ports):
    """``x``, ``x['aux_input']``: how messages name one input or target."""
    return role if len(ports) == 1 else f"{role}[{port.name!r}]"


def names_text(names):
    """``'a', 'b'``: names as messages list them.

    >>> names_text(["main_input", "aux_input"])
    "'main_input', 'aux_input'"
    """
    return ", ".join(repr(name) for name in names)


def arrange(data, ports, model_structure, role):
    """Put ``data`` in the model's structure, checking names and counts.

    Returns a dict, list or single array like ``model.input`` / ``model.output``.

    >>> import numpy as np
    >>> ports = [Port("a", (None, 1), "float32"), Port("b", (None, 1), "float32")]
    >>> sorted(arrange([np.zeros((2, 1)), np.ones((2, 1))], ports, {}, "x"))
    ['a', 'b']
    """
    names = [port.name for port in ports]
    if data is None:
        raise ValueError(
            f"{role} is missing: kit.train needs {'inputs' if role == 'x' else 'targets'} for "
            f"{names_text(names)}."
        )
    if isinstance(data, dict):
        arrays = _arrays_from_dict(data, names, role)
    elif isinstance(data, (list, tuple)) and len(ports) > 1:
        arrays = _arrays_from_list(data, ports, role)
    elif len(ports) > 1:
        raise ValueError(
            f"The model has {len(ports)} {_plural_kind(role)} "
            f"({names_text(names)}) but {role} is one array. Pass a dict keyed by those names "
            "or a list in that order."
        )
    else:
        if isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], np.ndarray):
            data = data[0]
        arrays = {names[0]: as_array(data, role)}
    return rebuild(arrays, ports, model_structure)


def _plural_kind(role):
    return "inputs" if role == "x" else "outputs"


def _arrays_from_dict(data, names, role):
    """Name -> array from a dict keyed by the model's names; misspellings are pointed out."""
    missing = [name for name in names if name not in data]
    extra = [key for key in data if key not in names]
    if missing or extra:
        kind = "input" if role == "x" else "output"
        parts = []
        for name in missing:
            close = difflib.get_close_matches(name, [str(key) for key in extra], n=1)
            hint = f" (is {close[0]!r} a misspelling of it?)" if close else ""
            parts.append(f"missing {kind} {name!r}{hint}")
        for key in extra:
            if not difflib.get_close_matches(str(key), missing, n=1):
                parts.append(f"{key!r} matches no {kind}")
        raise ValueError(
            f"{role} has keys {names_text(list(data))} but the model's "
            f"{_plural_kind(role)} are {names_text(names)}: "
            + "; ".join(parts)
            + ". Use exactly the names given to keras.Input(name=...)"
            + (" / the output layers." if role != "x" else ".")
        )
    return {name: as_array(data[name], f"{role}[{name!r}]") for name in names}


def _arrays_from_list(data, ports, role):
    """Name -> array from a list in the order of the model's inputs or outputs."""
    if len(data) != len(ports):
        raise ValueError(
            f"The model has {len(ports)} {_plural_kind(role)} "
            f"({names_text([port.name for port in ports])}) but {role} is a list of {len(data)}. "
            "Pass one array per name, in that order, or a dict keyed by the names."
        )
    return {
        port.name: as_array(item, f"{role}[{index}] ({port.name!r})")
        for index, (port, item) in enumerate(zip(ports, data))
    }


def by_name(arranged, ports):
    """Name -> array from data arranged by :func:`arrange` (any of its three structures)."""
    if isinstance(arranged, dict):
        return arranged
    if isinstance(arranged, list):
        return dict(zip([port.name for port in ports], arranged))
    return {ports[0].name: arranged}


def rebuild(named, ports, model_structure):
    """Name -> array back into the structure of ``model_structure`` (dict, list or single)."""
    kind = structure_of(model_structure)
    if kind == "dict":
        return dict(named)
    if kind == "list":
        return [named[port.name] for port in ports]
    return named[ports[0].name]
