"""The fingerprint of a ``kit.train`` call, which names its run folder.

Eight hex digits that stay the same when the same call runs again (after a
crash or a kernel restart) and change when the model's architecture, the data,
the batch size, the loss or the optimizer do. Keras numbers layer names per
session, so names are left out.

Example
-------
>>> describe({"loss": "mse", "weights": [1, 0.5]})
{'loss': 'mse', 'weights': [1, 0.5]}
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from kit.training.devices import RUNS_DIR
from kit.training.values import flat_arrays, is_dataset

__all__ = [
    "architecture",
    "data_signature",
    "default_run_dir",
    "describe",
    "run_fingerprint",
    "without_names",
]


def run_fingerprint(model, x, y, batch_size, loss, optimizer):
    """Eight hex digits that change when the model, data, batch size or loss do."""
    described = {
        "model": architecture(model),
        "inputs": [list(t.shape) for t in model.inputs],
        "x": data_signature(x),
        "y": data_signature(y),
        "batch_size": batch_size,
        "loss": describe(loss),
        "optimizer": describe(optimizer),
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def default_run_dir(model, fingerprint):
    """``runs/<model name>-<fingerprint>``; Keras's ``_1`` name suffixes dropped.

    >>> class Model:
    ...     name = "mlp_3"
    >>> default_run_dir(Model(), "0a1b2c3d").as_posix()
    'runs/mlp-0a1b2c3d'
    """
    name = re.sub(r"_\d+$", "", model.name) or "model"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    return Path(RUNS_DIR) / f"{name}-{fingerprint}"


def architecture(model):
    """Layer classes and settings (without auto-generated names), nested models unfolded."""
    parts = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            parts.append([type(layer).__name__, architecture(layer)])
            continue
        try:
            config = without_names(layer.get_config())
        except NotImplementedError:
            config = {}
        parts.append([type(layer).__name__, config, [list(w.shape) for w in layer.weights]])
    return parts


def without_names(config):
    """A config with every ``name`` key removed (Keras numbers names per session).

    >>> without_names({"name": "dense_7", "units": 4, "inner": [{"name": "x", "rate": 0.5}]})
    {'units': 4, 'inner': [{'rate': 0.5}]}
    """
    if isinstance(config, dict):
        return {key: without_names(value) for key, value in config.items() if key != "name"}
    if isinstance(config, (list, tuple)):
        return [without_names(value) for value in config]
    return config


def data_signature(data):
    """Shapes, dtypes and a strided sample of the bytes of every array.

    A tf.data dataset is known by its element spec and length only: reading
    it could be slow or differ each time (shuffling).

    >>> data_signature(np.zeros((3, 2), "float32"))[0][:2]
    [[3, 2], 'float32']
    """
    if is_dataset(data):
        return [repr(data.element_spec), int(data.cardinality())]
    signature = []
    for array in flat_arrays(data):
        if not isinstance(array, np.ndarray):
            signature.append(repr(array))
            continue
        step = max(1, len(array) // 256)
        sample = np.ascontiguousarray(array[::step])
        digest = hashlib.blake2b(sample.tobytes(), digest_size=8).hexdigest()
        signature.append([list(array.shape), str(array.dtype), digest])
    return signature


def describe(thing):
    """A loss, optimizer or metric as plain data: names, numbers and configs."""
    if thing is None or isinstance(thing, (str, int, float)):
        return thing
    if isinstance(thing, dict):
        return {key: describe(value) for key, value in thing.items()}
    if isinstance(thing, (list, tuple)):
        return [describe(value) for value in thing]
    if hasattr(thing, "get_config"):
        try:
            config = without_names(thing.get_config())
        except Exception:  # an object without a usable config is named by class only
            config = {}
        return [type(thing).__name__, config]
    return getattr(thing, "__name__", type(thing).__name__)
