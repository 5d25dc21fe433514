"""Losses and targets: the loss family, a proposed loss and the checks of each output's targets.

Labels outside the model's classes, one-hot labels with a sparse loss and the
reverse, targets outside 0..1 for a binary loss: each gets one message that
says how to fix it (see ``notebooks/02_multiple_inputs_outputs.ipynb``).

Example
-------
>>> loss_family("sparse_categorical_crossentropy"), loss_family("mse")
('sparse', 'other')
"""

from __future__ import annotations

import numpy as np

from kit._text import format_shape
from kit.training.ports import names_text, structure_of
from kit.training.values import (
    check_finite,
    check_text,
    first_bad,
    integer_valued,
    looks_one_hot,
    shape_matches,
)

__all__ = [
    "BINARY",
    "CATEGORICAL",
    "OTHER",
    "SPARSE",
    "check_target",
    "combine_losses",
    "loss_family",
    "loss_name",
    "losses_per_output",
    "propose_loss",
]

#: Loss families the label checks know.
SPARSE, CATEGORICAL, BINARY, OTHER = "sparse", "categorical", "binary", "other"


def loss_name(loss):
    """The name of a loss given as a string, a Loss object or a function."""
    if isinstance(loss, str):
        return loss
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__)


def loss_family(loss):
    """``sparse``, ``categorical``, ``binary`` or ``other`` for one loss spec.

    >>> loss_family("sparse_categorical_crossentropy")
    'sparse'
    """
    if loss is None:
        return OTHER
    name = loss_name(loss).lower()
    if "sparse" in name and ("categorical" in name or "crossentropy" in name):
        return SPARSE
    if "categorical" in name or name in ("kl_divergence", "kld", "kullback_leibler_divergence"):
        return CATEGORICAL
    if "binary" in name:
        return BINARY
    return OTHER


def losses_per_output(loss, ports):
    """Map output name -> loss spec (None when it cannot be told)."""
    names = [port.name for port in ports]
    if isinstance(loss, dict):
        unknown = [key for key in loss if key not in names]
        if unknown:
            raise ValueError(
                f"loss has keys {names_text(unknown)} that match no output; the outputs are "
                f"{names_text(names)}."
            )
        return {name: loss.get(name) for name in names}
    if isinstance(loss, (list, tuple)):
        if len(loss) != len(names):
            raise ValueError(
                f"loss is a list of {len(loss)} but the model has {len(names)} outputs "
                f"({names_text(names)}); give one loss per output."
            )
        return dict(zip(names, loss))
    return dict.fromkeys(names, loss)


def propose_loss(port, array):
    """A loss and metrics for an uncompiled output, from its activation and targets."""
    units = port.shape[-1] if port.shape else None
    class_shape = port.shape[1:-1]
    is_labels = (
        array is not None
        and integer_valued(array)
        and (tuple(array.shape[1:]) in (tuple(class_shape), tuple(class_shape) + (1,)))
    )
    if port.activation == "softmax":
        if array is not None and tuple(array.shape[1:]) == tuple(port.shape[1:]) and not is_labels:
            return "categorical_crossentropy", ["accuracy"]
        return "sparse_categorical_crossentropy", ["accuracy"]
    if port.activation == "sigmoid":
        return "binary_crossentropy", ["accuracy"]
    if port.activation in (None, "linear") and units and units > 1 and is_labels:
        import keras

        return keras.losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"]
    return "mse", ["mae"]


def combine_losses(proposal, outputs, model_output):
    """``(loss, metrics)`` for ``compile`` from one proposal per output, in the model's output structure."""
    losses = [loss for loss, _ in proposal]
    metrics = [metric for _, metric in proposal]
    kind = structure_of(model_output)
    if kind == "single":
        return losses[0], metrics[0]
    if kind == "dict":
        names = [port.name for port in outputs]
        return dict(zip(names, losses)), dict(zip(names, metrics))
    return losses, metrics


def check_target(array, port, loss, label):
    """Check one output's targets against its loss; returns the (float32) targets.

    >>> from kit.training.ports import Port
    >>> digit = Port("digit", (None, 3), "float32")
    >>> check_target(np.array([0, 3]), digit, "sparse_categorical_crossentropy", "y")
    Traceback (most recent call last):
    ValueError: y has labels from 0 to 3 (e.g. 3 at sample 1) but output 'digit' has 3 units, so the classes are 0..2. Give the output 4 units, or renumber the labels.
    """
    check_text(array, label, "target")
    check_finite(array, label)
    family, name = loss_family(loss), loss_name(loss)
    if family == SPARSE:
        _check_class_number_shape(array, port, name, label)
        _check_class_number_range(array, port, name, label)
        return array.astype(np.int32, copy=False)
    if family == CATEGORICAL:
        return _check_one_hot_rows(array, port, name, label)
    if family == BINARY:
        _check_between_zero_and_one(array, name, label)
    return _check_elementwise(array, port, name, label)


def _check_class_number_shape(array, port, name, label):
    """Sparse losses want one class number per sample, from an output with a unit per class."""
    expected = port.shape[1:]
    given = array.shape[1:]
    units = expected[-1] if expected else None
    class_shape = expected[:-1]
    if units == 1:
        raise ValueError(
            f"{name} needs one output unit per class, but output {port.name!r} has 1 unit. "
            "For two classes use Dense(1, activation='sigmoid') with binary_crossentropy, or "
            "Dense(2, activation='softmax')."
        )
    if tuple(given) == tuple(expected) and units and units > 1:
        kind = "one-hot labels" if looks_one_hot(array) else "one value per class"
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)}, {kind}, but the loss {name} "
            f"wants one class number per sample, shape {format_shape((array.shape[0],) + tuple(class_shape))}. "
            f"Fix: {label.split('[')[0]} = np.argmax(...), or use categorical_crossentropy."
        )
    if tuple(given) not in (tuple(class_shape), tuple(class_shape) + (1,)):
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)} but the loss {name} on output "
            f"{port.name!r} {format_shape(port.shape)} wants class numbers of shape "
            f"{format_shape((array.shape[0],) + tuple(class_shape))}."
        )


def _check_class_number_range(array, port, name, label):
    """Class numbers are whole numbers from 0 to the number of units minus one."""
    units = port.shape[-1] if len(port.shape) > 1 else None
    if not integer_valued(array):
        bad = np.mod(array, 1) != 0
        raise ValueError(
            f"{label} has non-integer labels ({array[tuple(np.argwhere(bad)[0])].item()!r} at "
            f"{first_bad(array, bad)}) but {name} wants class numbers 0..{units - 1}."
        )
    low, high = int(array.min()), int(array.max())
    if units is not None and (low < 0 or high >= units):
        bad = (array < 0) | (array >= units)
        hint = (
            " The labels seem to start at 1: use y - 1."
            if low >= 1 and high == units
            else f" Give the output {high + 1} units, or renumber the labels."
        )
        raise ValueError(
            f"{label} has labels from {low} to {high} (e.g. {int(array[tuple(np.argwhere(bad)[0])])} at "
            f"{first_bad(array, bad)}) but output {port.name!r} has {units} units, so the "
            f"classes are 0..{units - 1}.{hint}"
        )


def _check_one_hot_rows(array, port, name, label):
    """Categorical losses want one-hot rows as wide as the output."""
    expected = port.shape[1:]
    given = array.shape[1:]
    units = expected[-1] if expected else None
    class_shape = expected[:-1]
    as_labels = tuple(given) in (tuple(class_shape), tuple(class_shape) + (1,))
    if units and units > 1 and as_labels and integer_valued(array):
        raise ValueError(
            f"{label} holds class numbers, shape {format_shape(array.shape)}, but the loss {name} "
            f"wants one-hot rows of {units} values, shape {format_shape((array.shape[0],) + tuple(expected))}. "
            f"Fix: use loss='sparse_categorical_crossentropy', or "
            f"keras.utils.to_categorical(y, {units})."
        )
    if tuple(given) != tuple(expected) and not shape_matches(given, expected):
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)} but output {port.name!r} gives "
            f"{format_shape(port.shape)}: {name} needs the same shape (one column per class)."
        )
    return array.astype(np.float32, copy=False)


def _check_between_zero_and_one(array, name, label):
    """Binary losses want targets between 0 and 1."""
    if array.min() < 0 or array.max() > 1:
        bad = (array < 0) | (array > 1)
        raise ValueError(
            f"{label} has values from {array.min().item()!r} to {array.max().item()!r} "
            f"(e.g. at {first_bad(array, bad)}) "
            f"but {name} wants targets between 0 and 1. For {int(array.max()) + 1} classes use "
            "Dense(classes, activation='softmax') with sparse_categorical_crossentropy."
        )


def _check_elementwise(array, port, name, label):
    """Other losses compare targets and outputs element by element: same shapes."""
    expected = port.shape[1:]
    given = array.shape[1:]
    if not (shape_matches(given, expected) or (expected == (1,) and given == ())):
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)} but output {port.name!r} gives "
            f"{format_shape(port.shape)} (samples first); the loss {name} compares them element by element."
        )
    return array.astype(np.float32, copy=False) if array.dtype.kind in "fbiu" else array
