"""Data checks of ``kit.train``: bad input is caught before training starts.

Each problem gets one short message that names the input or target, what was
expected, what was given and how to fix it: lengths that differ, missing,
misspelt or extra names, wrong shapes or dtypes, NaN or infinite values (with
where), labels outside the model's classes, one-hot labels with a sparse loss
and the reverse, text labels. Keras's own reactions to these range from a long
graph-execution trace to silence (NaN trains without complaint).

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

import difflib
from dataclasses import dataclass

import numpy as np

from kit._text import format_shape

#: Loss families the label checks know.
SPARSE, CATEGORICAL, BINARY, OTHER = "sparse", "categorical", "binary", "other"


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


@dataclass(frozen=True)
class _Port:
    """One input or output of the model as the checks see it."""

    name: str
    shape: tuple
    dtype: str
    activation: str | None = None


# --------------------------------------------------------------------- helpers


def flat_arrays(data):
    """The arrays of a (possibly nested) list/tuple/dict, in order."""
    if isinstance(data, dict):
        return [array for key in data for array in flat_arrays(data[key])]
    if isinstance(data, (list, tuple)):
        return [array for item in data for array in flat_arrays(item)]
    return [] if data is None else [data]


def count_samples(data):
    """Number of samples (length of the first array)."""
    return len(flat_arrays(data)[0])


def _names_text(names):
    return ", ".join(repr(name) for name in names)


def is_dataset(obj):
    """True for a tf.data.Dataset."""
    import tensorflow as tf

    return isinstance(obj, tf.data.Dataset)


def _label(role, port, ports):
    """``x``, ``x['aux_input']``: how messages name one input or target."""
    return role if len(ports) == 1 else f"{role}[{port.name!r}]"


def _structure(model_structure):
    if isinstance(model_structure, dict):
        return "dict"
    if isinstance(model_structure, (list, tuple)):
        return "list"
    return "single"


def _inputs(model):
    return [_Port(t.name, tuple(t.shape), str(t.dtype)) for t in model.inputs]


def _outputs(model):
    ports = []
    for name, tensor in zip(model.output_names, model.outputs):
        activation = None
        try:
            layer = model.get_layer(name)
            activation = layer.get_config().get("activation")
        except (ValueError, NotImplementedError):
            pass
        if isinstance(activation, dict):  # a serialised activation object
            activation = activation.get("config", {}).get("name") or activation.get("class_name")
        ports.append(_Port(name, tuple(tensor.shape), str(tensor.dtype), activation))
    return ports


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


# ------------------------------------------------------------------ structure


def _as_array(value, label):
    if is_dataset(value):
        raise TypeError(
            f"{label} is a tf.data.Dataset inside a list or dict; pass the dataset itself "
            "as x (yielding (inputs, targets)) and leave y out."
        )
    try:
        array = np.asarray(value)
    except ValueError as error:
        raise ValueError(
            f"{label} could not become one array ({error}). Sequences of different lengths "
            "need padding first, e.g. keras.utils.pad_sequences(...)."
        ) from None
    ragged = array.dtype == object and array.ndim >= 1 and len(array)
    if ragged and isinstance(array.flat[0], (list, tuple, np.ndarray)):
        raise ValueError(
            f"{label} holds sequences of different lengths (an object array). Pad them "
            "to one length first, e.g. keras.utils.pad_sequences(sequences, maxlen=100)."
        )
    if array.ndim == 0:
        raise ValueError(
            f"{label} should be an array with one row per sample, got the single value {value!r}."
        )
    return array


def arrange(data, ports, model_structure, role):
    """Put ``data`` in the model's structure, checking names and counts.

    Returns a dict, list or single array like ``model.input`` / ``model.output``.
    """
    names = [port.name for port in ports]
    kind = _structure(model_structure)
    if data is None:
        raise ValueError(
            f"{role} is missing: kit.train needs {'inputs' if role == 'x' else 'targets'} for "
            f"{_names_text(names)}."
        )
    if isinstance(data, dict):
        given = list(data)
        missing = [name for name in names if name not in data]
        extra = [key for key in given if key not in names]
        if missing or extra:
            parts = []
            for name in missing:
                close = difflib.get_close_matches(name, [str(key) for key in extra], n=1)
                hint = f" (is {close[0]!r} a misspelling of it?)" if close else ""
                parts.append(f"missing {'input' if role == 'x' else 'output'} {name!r}{hint}")
            for key in extra:
                if not difflib.get_close_matches(str(key), missing, n=1):
                    parts.append(f"{key!r} matches no {'input' if role == 'x' else 'output'}")
            raise ValueError(
                f"{role} has keys {_names_text(given)} but the model's "
                f"{'inputs' if role == 'x' else 'outputs'} are {_names_text(names)}: "
                + "; ".join(parts)
                + ". Use exactly the names given to keras.Input(name=...)"
                + (" / the output layers." if role != "x" else ".")
            )
        arrays = {name: _as_array(data[name], f"{role}[{name!r}]") for name in names}
    elif isinstance(data, (list, tuple)) and len(ports) > 1:
        if len(data) != len(ports):
            raise ValueError(
                f"The model has {len(ports)} {'inputs' if role == 'x' else 'outputs'} "
                f"({_names_text(names)}) but {role} is a list of {len(data)}. Pass one array "
                f"per name, in that order, or a dict keyed by the names."
            )
        arrays = {
            port.name: _as_array(item, f"{role}[{index}] ({port.name!r})")
            for index, (port, item) in enumerate(zip(ports, data))
        }
    elif len(ports) > 1:
        raise ValueError(
            f"The model has {len(ports)} {'inputs' if role == 'x' else 'outputs'} "
            f"({_names_text(names)}) but {role} is one array. Pass a dict keyed by those names "
            "or a list in that order."
        )
    else:
        if isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], np.ndarray):
            data = data[0]
        arrays = {names[0]: _as_array(data, role)}
    if kind == "dict":
        return arrays
    if kind == "list":
        return [arrays[name] for name in names]
    return arrays[names[0]]


def _by_name(arranged, ports):
    if isinstance(arranged, dict):
        return arranged
    if isinstance(arranged, list):
        return dict(zip([port.name for port in ports], arranged))
    return {ports[0].name: arranged}


def _rebuild(by_name, ports, model_structure):
    kind = _structure(model_structure)
    if kind == "dict":
        return dict(by_name)
    if kind == "list":
        return [by_name[port.name] for port in ports]
    return by_name[ports[0].name]


# -------------------------------------------------------------- value checks


def _first_bad(array, bad):
    """Text like 'sample 17, position (2,)' for the first True of ``bad``."""
    where = np.argwhere(bad)[0]
    sample, rest = int(where[0]), tuple(int(i) for i in where[1:])
    return f"sample {sample}" + (f", position {rest}" if rest else "")


def check_finite(array, label):
    """Raise when a float array holds NaN or infinite values, saying where."""
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return
    nan, infinite = np.isnan(array), np.isinf(array)
    what = []
    if nan.any():
        what.append(f"{int(nan.sum())} NaN (first at {_first_bad(array, nan)})")
    if infinite.any():
        what.append(f"{int(infinite.sum())} infinite (first at {_first_bad(array, infinite)})")
    raise ValueError(
        f"{label} has " + " and ".join(what) + " values. Training on them gives NaN losses "
        "without an error. Drop or fill those values first, e.g. with "
        "np.nan_to_num(...) or by removing the rows where np.isfinite(...) is False."
    )


def _check_text(array, label, kind):
    if array.dtype.kind in "USO":
        examples = ", ".join(
            repr(str(value)) for value in list(dict.fromkeys(array.ravel()[:50].tolist()))[:3]
        )
        if kind == "target":
            raise TypeError(
                f"{label} holds text labels ({examples}, ...), dtype {array.dtype}. Map them to "
                "class numbers first, e.g. classes, labels = np.unique(y, return_inverse=True)."
            )
        raise TypeError(
            f"{label} holds text ({examples}, ...), dtype {array.dtype}, but the model's input "
            "expects numbers. Turn text into numbers first, e.g. with "
            "keras.layers.TextVectorization or keras.layers.StringLookup."
        )


def _shape_fix(label, given, expected):
    """A suggestion for turning shape ``given`` into ``expected`` (both without batch)."""
    if None not in expected and int(np.prod(given)) == int(np.prod(expected)):
        return f" Fix: {label} = {label}.reshape(len({label}), {', '.join(map(str, expected))})."
    if len(given) + 1 == len(expected) and expected[-1] == 1 and tuple(given) == tuple(expected[:-1]):
        return f" Fix: add the last axis, {label} = {label}[..., None]."
    return " Check that the right array goes to this input."


def _shape_matches(given, expected):
    return len(given) == len(expected) and all(e is None or e == g for g, e in zip(given, expected))


def _check_input(array, port, label):
    _check_text(array, label, "input")
    expected = port.shape[1:]
    given = array.shape[1:]
    if not _shape_matches(given, expected):
        plain = label.replace("[", "_").replace("'", "").replace("]", "") if "[" in label else label
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)} but input {port.name!r} expects "
            f"{format_shape(port.shape)} (samples first)." + _shape_fix(plain, given, expected)
        )
    target = np.dtype(port.dtype) if port.dtype != "string" else None
    if target is None:
        return array
    if target.kind in "iu":
        if array.dtype.kind == "f":
            check_finite(array, label)
            if not np.equal(np.mod(array, 1), 0).all():
                bad = np.mod(array, 1) != 0
                value = array[tuple(np.argwhere(bad)[0])].item()
                raise TypeError(
                    f"{label} has non-integer values ({value!r} at {_first_bad(array, bad)}) but input "
                    f"{port.name!r} expects {port.dtype} (indices, e.g. word numbers for an Embedding). "
                    "Pass whole numbers, or change the Input's dtype."
                )
        elif array.dtype.kind == "c":
            raise TypeError(f"{label} is complex ({array.dtype}); input {port.name!r} expects {port.dtype}.")
        return array.astype(target, copy=False)
    if target.kind == "f":
        if array.dtype.kind == "c":
            raise TypeError(f"{label} is complex ({array.dtype}); input {port.name!r} expects {port.dtype}.")
        with np.errstate(over="ignore"):  # overflow to inf is reported just below
            converted = array.astype(target, copy=False)
        if array.dtype.kind == "f" and converted is not array:
            check_finite(array, label)
        check_finite(converted, label + (f" (as {port.dtype})" if converted is not array else ""))
        return converted
    return array


# ---------------------------------------------------------------- losses


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
                f"loss has keys {_names_text(unknown)} that match no output; the outputs are "
                f"{_names_text(names)}."
            )
        return {name: loss.get(name) for name in names}
    if isinstance(loss, (list, tuple)):
        if len(loss) != len(names):
            raise ValueError(
                f"loss is a list of {len(loss)} but the model has {len(names)} outputs "
                f"({_names_text(names)}); give one loss per output."
            )
        return dict(zip(names, loss))
    return dict.fromkeys(names, loss)


def _integer_valued(array):
    if array.dtype.kind in "iub":
        return True
    return array.dtype.kind == "f" and np.isfinite(array).all() and np.equal(np.mod(array, 1), 0).all()


def _looks_one_hot(array):
    return (
        array.ndim >= 2
        and array.shape[-1] > 1
        and np.isin(array, (0, 1)).all()
        and np.all(array.sum(axis=-1) == 1)
    )


def propose_loss(port, array):
    """A loss and metrics for an uncompiled output, from its activation and targets."""
    units = port.shape[-1] if port.shape else None
    class_shape = port.shape[1:-1]
    is_labels = (
        array is not None
        and _integer_valued(array)
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


def _spec_like(port, spec):
    """A stand-in array for the loss proposal when only a dataset's spec is known."""
    if spec is None:
        return None
    shape = [1 if dim is None else dim for dim in spec.shape]
    return np.zeros(shape, dtype=spec.dtype.as_numpy_dtype)


def check_target(array, port, loss, label):
    """Check one output's targets against its loss; returns the (float32) targets."""
    _check_text(array, label, "target")
    check_finite(array, label)
    family = loss_family(loss)
    expected = port.shape[1:]
    given = array.shape[1:]
    units = expected[-1] if expected else None
    class_shape = expected[:-1]
    name = loss_name(loss)
    if family == SPARSE:
        if units == 1:
            raise ValueError(
                f"{name} needs one output unit per class, but output {port.name!r} has 1 unit. "
                "For two classes use Dense(1, activation='sigmoid') with binary_crossentropy, or "
                "Dense(2, activation='softmax')."
            )
        if tuple(given) == tuple(expected) and units and units > 1:
            kind = "one-hot labels" if _looks_one_hot(array) else "one value per class"
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
        if not _integer_valued(array):
            bad = np.mod(array, 1) != 0
            raise ValueError(
                f"{label} has non-integer labels ({array[tuple(np.argwhere(bad)[0])].item()!r} at "
                f"{_first_bad(array, bad)}) but {name} wants class numbers 0..{units - 1}."
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
                f"{_first_bad(array, bad)}) but output {port.name!r} has {units} units, so the "
                f"classes are 0..{units - 1}.{hint}"
            )
        return array.astype(np.int32, copy=False)
    if family == CATEGORICAL:
        as_labels = tuple(given) in (tuple(class_shape), tuple(class_shape) + (1,))
        if units and units > 1 and as_labels and _integer_valued(array):
            raise ValueError(
                f"{label} holds class numbers, shape {format_shape(array.shape)}, but the loss {name} "
                f"wants one-hot rows of {units} values, shape {format_shape((array.shape[0],) + tuple(expected))}. "
                f"Fix: use loss='sparse_categorical_crossentropy', or "
                f"keras.utils.to_categorical(y, {units})."
            )
        if tuple(given) != tuple(expected) and not _shape_matches(given, expected):
            raise ValueError(
                f"{label} has shape {format_shape(array.shape)} but output {port.name!r} gives "
                f"{format_shape(port.shape)}: {name} needs the same shape (one column per class)."
            )
        return array.astype(np.float32, copy=False)
    if family == BINARY and (array.min() < 0 or array.max() > 1):
        bad = (array < 0) | (array > 1)
        raise ValueError(
            f"{label} has values from {array.min().item()!r} to {array.max().item()!r} "
            f"(e.g. at {_first_bad(array, bad)}) "
            f"but {name} wants targets between 0 and 1. For {int(array.max()) + 1} classes use "
            "Dense(classes, activation='softmax') with sparse_categorical_crossentropy."
        )
    if not (_shape_matches(given, expected) or (expected == (1,) and given == ())):
        raise ValueError(
            f"{label} has shape {format_shape(array.shape)} but output {port.name!r} gives "
            f"{format_shape(port.shape)} (samples first); the loss {name} compares them element by element."
        )
    return array.astype(np.float32, copy=False) if array.dtype.kind in "fbiu" else array


# ------------------------------------------------------------------ datasets


def _checked_dataset(model, dataset, batch_size, role):
    """Check a dataset's spec against the model; batch it when it is not batched.

    Returns ``(dataset, batched_before, targets_by_name)``.
    """
    import tensorflow as tf

    inputs, outputs = _inputs(model), _outputs(model)
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
        if _shape_matches(shape, port.shape):
            is_batched = True
        elif _shape_matches(shape, port.shape[1:]):
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
    return dataset.prefetch(tf.data.AUTOTUNE), batched, y_by_name


def _prepare_dataset(model, dataset, validation, batch_size, loss):
    import tensorflow as tf

    if dataset.cardinality() == tf.data.INFINITE_CARDINALITY:
        raise ValueError(
            "x is an endless dataset (it repeats), so an epoch would never end. kit.train "
            "needs a finite one: leave out .repeat() (every epoch reads the dataset again)."
        )
    outputs = _outputs(model)
    dataset, batched, y_by_name = _checked_dataset(model, dataset, batch_size, "x (a dataset)")
    proposal = [
        propose_loss(port, _spec_like(port, _unbatched(y_by_name[port.name], batched))) for port in outputs
    ]
    batches = int(dataset.cardinality())
    prepared = Prepared(dataset=dataset, batches=batches if batches > 0 else None)
    # Samples are known only when the batches are ours (the last may be smaller).
    prepared.samples = batches * batch_size if batches > 0 and not batched else 0
    if validation is not None:
        if is_dataset(validation):
            prepared.validation_dataset = _checked_dataset(model, validation, batch_size, "validation")[0]
        elif isinstance(validation, tuple) and len(validation) == 2:
            roles = ("validation[0]", "validation[1]")
            prepared.validation = _prepare_arrays(model, validation[0], validation[1], loss, roles)[:2]
        else:
            raise TypeError(
                "With a dataset as x, validation should be another dataset or an (x_val, y_val) "
                f"pair, got {type(validation).__name__}."
            )
    prepared.loss, prepared.metrics = _combine(proposal, outputs, model.output)
    return prepared


def _unbatched(spec, batched):
    import tensorflow as tf

    if batched:
        return spec
    return tf.TensorSpec((None,) + tuple(spec.shape), spec.dtype)


def _spec_by_name(spec, ports, role):
    names = [port.name for port in ports]
    if isinstance(spec, dict):
        missing = [name for name in names if name not in spec]
        extra = [key for key in spec if key not in names]
        if missing or extra:
            raise ValueError(
                f"{role} has keys {_names_text(list(spec))} but the model's names are "
                f"{_names_text(names)}"
                + (f"; missing {_names_text(missing)}" if missing else "")
                + (f"; unknown {_names_text(extra)}" if extra else "")
                + "."
            )
        return {name: spec[name] for name in names}
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(
                f"{role} has {len(spec)} parts but the model has {len(names)} ({_names_text(names)})."
            )
        return dict(zip(names, spec))
    if len(names) != 1:
        raise ValueError(f"{role} is one tensor but the model has {len(names)} ({_names_text(names)}).")
    return {names[0]: spec}


# ------------------------------------------------------------------ arrays


def _combine(proposal, outputs, model_output):
    losses = [loss for loss, _ in proposal]
    metrics = [metric for _, metric in proposal]
    kind = _structure(model_output)
    if kind == "single":
        return losses[0], metrics[0]
    if kind == "dict":
        names = [port.name for port in outputs]
        return dict(zip(names, losses)), dict(zip(names, metrics))
    return losses, metrics


def _prepare_arrays(model, x, y, loss, roles=("x", "y")):
    inputs, outputs = _inputs(model), _outputs(model)
    x_arranged = arrange(x, inputs, model.input, roles[0])
    y_arranged = arrange(y, outputs, model.output, roles[1])
    x_named, y_named = _by_name(x_arranged, inputs), _by_name(y_arranged, outputs)
    lengths = {}
    for role, named, ports in ((roles[0], x_named, inputs), (roles[1], y_named, outputs)):
        for port in ports:
            lengths[_label(role, port, ports)] = len(named[port.name])
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
        port.name: _check_input(x_named[port.name], port, _label(roles[0], port, inputs)) for port in inputs
    }
    if loss is None:
        proposal = [propose_loss(port, y_named[port.name]) for port in outputs]
        chosen, metrics = _combine(proposal, outputs, model.output)
        per_output = losses_per_output(chosen, outputs)
    else:
        metrics = None
        chosen = loss
        per_output = losses_per_output(loss, outputs)
    checked_y = {
        port.name: check_target(
            y_named[port.name], port, per_output[port.name], _label(roles[1], port, outputs)
        )
        for port in outputs
    }
    return (
        _rebuild(checked_x, inputs, model.input),
        _rebuild(checked_y, outputs, model.output),
        samples,
        chosen if loss is None else None,
        metrics,
    )


def _split(data, start):
    if isinstance(data, dict):
        return {key: value[:start] for key, value in data.items()}, {
            key: value[start:] for key, value in data.items()
        }
    if isinstance(data, list):
        pairs = [(value[:start], value[start:]) for value in data]
        return [a for a, _ in pairs], [b for _, b in pairs]
    return data[:start], data[start:]


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
        return _prepare_dataset(model, x, validation, batch_size, loss)
    x_ready, y_ready, samples, proposed_loss, metrics = _prepare_arrays(model, x, y, loss)
    prepared = Prepared(x=x_ready, y=y_ready, samples=samples, loss=proposed_loss, metrics=metrics)
    if validation is None:
        return prepared
    if isinstance(validation, bool) or (isinstance(validation, (int, float)) and not 0 < validation < 1):
        raise ValueError(
            f"validation as a number is the fraction of samples kept aside, between 0 and 1 "
            f"(e.g. 0.2), got {validation!r}."
        )
    if isinstance(validation, float):
        start = int(round(samples * (1 - validation)))
        if start <= 0 or start >= samples:
            raise ValueError(
                f"validation={validation} of {samples} samples leaves "
                f"{'no training' if start <= 0 else 'no validation'} samples; use more data or another fraction."
            )
        prepared.x, x_val = _split(x_ready, start)
        prepared.y, y_val = _split(y_ready, start)
        prepared.samples = start
        prepared.validation = (x_val, y_val)
        return prepared
    if is_dataset(validation):
        prepared.validation_dataset = _checked_dataset(model, validation, batch_size, "validation")[0]
        return prepared
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        used_loss = loss if loss is not None else proposed_loss
        roles = ("validation[0]", "validation[1]")
        x_val, y_val, *_ = _prepare_arrays(model, validation[0], validation[1], used_loss, roles)
        prepared.validation = (x_val, y_val)
        return prepared
    raise TypeError(
        "validation should be a fraction like 0.2, a pair (x_val, y_val) or a tf.data.Dataset, "
        f"got {type(validation).__name__}."
    )
