"""Data checks of ``kit.train``: bad input is caught before training starts.

Each problem gets one short message that names the input or target, what was
expected, what was given and how to fix it: lengths that differ, missing,
misspelt or extra names (:mod:`kit.training.ports`), wrong shapes or dtypes,
NaN or infinite values with where (:mod:`kit.training.values`), labels outside
the model's classes, one-hot labels with a sparse loss and the reverse, text
labels (:mod:`kit.training.targets`), datasets that do not fit
(:mod:`kit.training.dataset_checks`). Keras's own reactions to these range from
a long graph-execution trace to silence (NaN trains without complaint).

:func:`prepare` also puts the arrays in the structure of the model's inputs and
outputs and proposes a loss for a model that is not compiled yet. Used by
``kit.train`` wherever the notebooks train, e.g.
``notebooks/02_multiple_inputs_outputs.ipynb`` (named inputs and outputs).

Example
-------
>>> prepare(model, {"main_input": x}, y, None, 32)   # doctest: +SKIP
Traceback (most recent call last):
ValueError: x is missing input 'aux_input' ...
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.training.dataset_checks import checked_dataset, spec_like, unbatched
from kit.training.ports import (
    arrange,
    by_name,
    input_structure,
    label_of,
    model_inputs,
    model_outputs,
    output_structure,
    rebuild,
)
from kit.training.targets import check_target, combine_losses, losses_per_output, propose_loss
from kit.training.values import check_input, is_dataset

__all__ = ["Prepared", "prepare", "prepare_arrays"]


@dataclass
class Prepared:
    """Checked data in the model's structure, ready for tf.data."""

    x: object = None
    y: object = None
    samples: int = 0
    batches: int | None = None
    validation: tuple | None = None
    dataset: object = None
    validation_dataset: object = None
    loss: object = None
    metrics: object = None


def prepare(model, x, y, validation, batch_size, loss=None):
    """Check the data and arrange it for ``model``; see the module docstring.

    Parameters
    ----------
    model : keras.Model
    x, y : arrays, lists or dicts of arrays; or a tf.data.Dataset as x
    validation : float, (x_val, y_val), tf.data.Dataset or None
    batch_size : int
    loss : the compiled (or requested) loss, or None to propose one

    Returns
    -------
    Prepared
    """
    if is_dataset(x):
        _check_dataset_call(y, validation)
        return _prepare_dataset(model, x, validation, batch_size, loss)
    x_ready, y_ready, samples, proposed_loss, metrics = prepare_arrays(model, x, y, loss)
    prepared = Prepared(x=x_ready, y=y_ready, samples=samples, loss=proposed_loss, metrics=metrics)
    if validation is None:
        return prepared
    if isinstance(validation, bool) or (isinstance(validation, (int, float)) and not 0 < validation < 1):
        raise ValueError(
            f"validation as a number is the fraction of samples kept aside, between 0 and 1 "
            f"(e.g. 0.2), got {validation!r}."
        )
    if isinstance(validation, float):
        return _keep_aside(prepared, validation)
    if is_dataset(validation):
        prepared.validation_dataset = checked_dataset(model, validation, batch_size, "validation")[0]
        return prepared
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        used_loss = loss if loss is not None else proposed_loss
        roles = ("validation[0]", "validation[1]")
        x_val, y_val, *_ = prepare_arrays(model, validation[0], validation[1], used_loss, roles)
        prepared.validation = (x_val, y_val)
        return prepared
    raise TypeError(
        "validation should be a fraction like 0.2, a pair (x_val, y_val) or a tf.data.Dataset, "
        f"got {type(validation).__name__}."
    )


def _check_dataset_call(y, validation):
    """With a dataset as x, y comes from the dataset and validation cannot be a fraction."""
    if y is not None:
        raise ValueError(
            "x is a tf.data.Dataset, which already yields the targets; leave y out "
            "(kit.train(model, dataset, epochs=...))."
        )
    if isinstance(validation, float):
        raise ValueError(
            "validation as a fraction needs arrays; with a dataset pass a validation dataset "
            "(e.g. dataset.take(n) / dataset.skip(n)) or an (x_val, y_val) pair."
        )


def _keep_aside(prepared, fraction):
    """Move the last ``fraction`` of the samples of ``prepared`` to its validation data."""
    samples = prepared.samples
    start = int(round(samples * (1 - fraction)))
    if start <= 0 or start >= samples:
        raise ValueError(
            f"validation={fraction} of {samples} samples leaves "
            f"{'no training' if start <= 0 else 'no validation'} samples; use more data or another fraction."
        )
    prepared.x, x_val = _split(prepared.x, start)
    prepared.y, y_val = _split(prepared.y, start)
    prepared.samples = start
    prepared.validation = (x_val, y_val)
    return prepared


def prepare_arrays(model, x, y, loss, roles=("x", "y")):
    """Arrays checked and arranged for ``model``: ``(x, y, samples, proposed loss, metrics)``.

    ``roles`` name the arrays in messages; the proposed loss is None when ``loss`` is given.
    """
    inputs, outputs = model_inputs(model), model_outputs(model)
    x_arranged = arrange(x, inputs, input_structure(model), roles[0])
    y_arranged = arrange(y, outputs, output_structure(model), roles[1])
    x_named, y_named = by_name(x_arranged, inputs), by_name(y_arranged, outputs)
    lengths = {}
    for role, named, ports in ((roles[0], x_named, inputs), (roles[1], y_named, outputs)):
        for port in ports:
            lengths[label_of(role, port, ports)] = len(named[port.name])
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{label} has {count}" for label, count in lengths.items())
        raise ValueError(
            f"x and y need the same number of samples (one target per input row), but {listed}. "
            "Check that they come from the same split and were not cut differently."
        )
    samples = next(iter(lengths.values()))
    if samples == 0:
        raise ValueError(f"{roles[0]} and {roles[1]} are empty: there is nothing to train on.")
    checked_x = {
        port.name: check_input(x_named[port.name], port, label_of(roles[0], port, inputs)) for port in inputs
    }
    if loss is None:
        proposal = [propose_loss(port, y_named[port.name]) for port in outputs]
        chosen, metrics = combine_losses(proposal, outputs, output_structure(model))
        per_output = losses_per_output(chosen, outputs)
    else:
        metrics = None
        chosen = loss
        per_output = losses_per_output(loss, outputs)
    checked_y = {
        port.name: check_target(
            y_named[port.name], port, per_output[port.name], label_of(roles[1], port, outputs)
        )
        for port in outputs
    }
    return (
        rebuild(checked_x, inputs, input_structure(model)),
        rebuild(checked_y, outputs, output_structure(model)),
        samples,
        chosen if loss is None else None,
        metrics,
    )


def _prepare_dataset(model, dataset, validation, batch_size, loss):
    """:func:`prepare` for a tf.data dataset: its spec checked, batched if needed, a loss proposed."""
    import tensorflow as tf

    if dataset.cardinality() == tf.data.INFINITE_CARDINALITY:
        raise ValueError(
            "x is an endless dataset (it repeats), so an epoch would never end. kit.train "
            "needs a finite one: leave out .repeat() (every epoch reads the dataset again)."
        )
    outputs = model_outputs(model)
    dataset, batched, y_by_name = checked_dataset(model, dataset, batch_size, "x (a dataset)")
    proposal = [
        propose_loss(port, spec_like(port, unbatched(y_by_name[port.name], batched))) for port in outputs
    ]
    batches = int(dataset.cardinality())
    prepared = Prepared(dataset=dataset, batches=batches if batches > 0 else None)
    # Samples are known only when the batches are ours (the last may be smaller).
    prepared.samples = batches * batch_size if batches > 0 and not batched else 0
    if validation is not None:
        if is_dataset(validation):
            prepared.validation_dataset = checked_dataset(model, validation, batch_size, "validation")[0]
        elif isinstance(validation, tuple) and len(validation) == 2:
            roles = ("validation[0]", "validation[1]")
            prepared.validation = prepare_arrays(model, validation[0], validation[1], loss, roles)[:2]
        else:
            raise TypeError(
                "With a dataset as x, validation should be another dataset or an (x_val, y_val) "
                f"pair, got {type(validation).__name__}."
            )
    prepared.loss, prepared.metrics = combine_losses(proposal, outputs, output_structure(model))
    return prepared


def _split(data, start):
    """``(first, rest)`` of arranged data (dict, list or array), cut at sample ``start``."""
    if isinstance(data, dict):
        return {key: value[:start] for key, value in data.items()}, {
            key: value[start:] for key, value in data.items()
        }
    if isinstance(data, list):
        pairs = [(value[:start], value[start:]) for value in data]
        return [a for a, _ in pairs], [b for _, b in pairs]
    return data[:start], data[start:]
