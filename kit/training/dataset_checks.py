"""Checks of a tf.data dataset against the model, from its element spec alone.

A dataset is never read to be checked (that could be slow, or shuffle it): its
spec must give the model's inputs and targets, batched or not.

Example
-------
>>> import tensorflow as tf
>>> unbatched(tf.TensorSpec((3,), tf.float32), batched=False).shape
TensorShape([None, 3])
"""

from __future__ import annotations

import numpy as np

from kit._text import format_shape
from kit.training.pipeline import without_autotuning
from kit.training.ports import model_inputs, model_outputs, names_text
from kit.training.values import shape_matches

__all__ = ["checked_dataset", "spec_like", "unbatched"]


def checked_dataset(model, dataset, batch_size, role):
    """Check a dataset's spec against the model; batch it when it is not batched.

    Returns ``(dataset, batched_before, targets_by_name)``.
    """
    import tensorflow as tf

    inputs, outputs = model_inputs(model), model_outputs(model)
    spec = dataset.element_spec
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise ValueError(
            f"{role} should yield (inputs, targets) pairs; this dataset yields "
            f"{spec}. Use dataset.map(lambda row: (inputs, targets)) or tf.data.Dataset.zip((x, y))."
        )
    x_by_name = _spec_by_name(spec[0], inputs, f"{role}'s inputs")
    y_by_name = _spec_by_name(spec[1], outputs, f"{role}'s targets")
    batched = None
    for port in inputs:
        item = x_by_name[port.name]
        shape = tuple(item.shape)
        if item.dtype == tf.string and port.dtype != "string":
            raise TypeError(
                f"{role}'s input {port.name!r} holds text (tf.string) but the model expects "
                f"{port.dtype}. Map it to numbers first (keras.layers.TextVectorization / StringLookup)."
            )
        if shape_matches(shape, port.shape):
            is_batched = True
        elif shape_matches(shape, port.shape[1:]):
            is_batched = False
        else:
            raise ValueError(
                f"{role}'s input {port.name!r} has shape {format_shape(shape)} but the model "
                f"expects {format_shape(port.shape)} (batched) or {format_shape(port.shape[1:])} per sample."
            )
        batched = is_batched if batched is None else batched
    for port in outputs:
        if y_by_name[port.name].dtype == tf.string:
            raise TypeError(
                f"{role}'s target {port.name!r} holds text labels (tf.string). Map them to class "
                "numbers first, e.g. with keras.layers.StringLookup."
            )
    if not batched:
        dataset = dataset.batch(batch_size)
    return without_autotuning(dataset).prefetch(tf.data.AUTOTUNE), batched, y_by_name


def _spec_by_name(spec, ports, role):
    names = [port.name for port in ports]
    if isinstance(spec, dict):
        missing = [name for name in names if name not in spec]
        extra = [key for key in spec if key not in names]
        if missing or extra:
            raise ValueError(
                f"{role} has keys {names_text(list(spec))} but the model's names are "
                f"{names_text(names)}"
                + (f"; missing {names_text(missing)}" if missing else "")
                + (f"; unknown {names_text(extra)}" if extra else "")
                + "."
            )
        return {name: spec[name] for name in names}
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(
                f"{role} has {len(spec)} parts but the model has {len(names)} ({names_text(names)})."
            )
        return dict(zip(names, spec))
    if len(names) != 1:
        raise ValueError(f"{role} is one tensor but the model has {len(names)} ({names_text(names)}).")
    return {names[0]: spec}


def unbatched(spec, batched):
    """The spec of a batch: ``spec`` itself when the dataset is batched, else with a batch axis."""
    import tensorflow as tf

    if batched:
        return spec
    return tf.TensorSpec((None,) + tuple(spec.shape), spec.dtype)


def spec_like(port, spec):
    """A stand-in array for the loss proposal when only a dataset's spec is known."""
    if spec is None:
        return None
    shape = [1 if dim is None else dim for dim in spec.shape]
    return np.zeros(shape, dtype=spec.dtype.as_numpy_dtype)
