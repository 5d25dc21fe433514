"""Checks of the values of one array: text, NaN and infinities, shapes and dtypes.

Each message names the array (``x['aux_input']``), says what was expected and
what was given, and how to fix it.

Example
-------
>>> import numpy as np
>>> check_finite(np.array([[1.0, np.nan]]), "x")
Traceback (most recent call last):
ValueError: x has 1 NaN (first at sample 0, position (1,)) values. Training on them gives NaN losses without an error. Drop or fill those values first, e.g. with np.nan_to_num(...) or by removing the rows where np.isfinite(...) is False.
"""

from __future__ import annotations

import numpy as np

from kit._text import format_shape

__all__ = [
    "as_array",
    "check_finite",
    "check_input",
    "check_text",
    "count_samples",
    "first_bad",
    "flat_arrays",
    "integer_valued",
    "is_dataset",
    "looks_one_hot",
    "shape_matches",
]


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


def is_dataset(obj):
    """True for a tf.data.Dataset."""
    import tensorflow as tf

    return isinstance(obj, tf.data.Dataset)


def as_array(value, label):
    """``value`` as one NumPy array with a row per sample, or a message saying why it is not."""
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


def first_bad(array, bad):
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
        what.append(f"{int(nan.sum())} NaN (first at {first_bad(array, nan)})")
    if infinite.any():
        what.append(f"{int(infinite.sum())} infinite (first at {first_bad(array, infinite)})")
    raise ValueError(
        f"{label} has " + " and ".join(what) + " values. Training on them gives NaN losses "
        "without an error. Drop or fill those values first, e.g. with "
        "np.nan_to_num(...) or by removing the rows where np.isfinite(...) is False."
    )


def check_text(array, label, kind):
    """Refuse text where numbers are needed; ``kind`` is ``"input"`` or ``"target"``."""
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


def shape_matches(given, expected):
    """True when ``given`` fits ``expected``, whose None dimensions take any size.

    >>> shape_matches((32, 4), (None, 4)), shape_matches((32, 5), (None, 4))
    (True, False)
    """
    return len(given) == len(expected) and all(e is None or e == g for g, e in zip(given, expected))


def check_input(array, port, label):
    """Check one input array against its :class:`~kit.training.ports.Port`; returns it in the port's dtype."""
    check_text(array, label, "input")
    expected = port.shape[1:]
    given = array.shape[1:]
    if not shape_matches(given, expected):
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
                    f"{label} has non-integer values ({value!r} at {first_bad(array, bad)}) but input "
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


def integer_valued(array):
    """True for whole numbers (integers, or finite floats without a fraction)."""
    if array.dtype.kind in "iub":
        return True
    return array.dtype.kind == "f" and np.isfinite(array).all() and np.equal(np.mod(array, 1), 0).all()


def looks_one_hot(array):
    """True for rows of 0s with a single 1."""
    return (
        array.ndim >= 2
        and array.shape[-1] > 1
        and np.isin(array, (0, 1)).all()
        and np.all(array.sum(axis=-1) == 1)
    )
