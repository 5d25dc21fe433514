"""Vector and sequence worlds: clusters, vector pairs, categorical + numeric data, sequences.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import numpy as np

from kit.datasets._common import _balanced_labels, _check_int, _streams

__all__ = ["categorical_numeric", "clusters", "sequences", "vector_pairs"]


# --------------------------------------------------------------------------------------
# Vector and sequence worlds
# --------------------------------------------------------------------------------------


def clusters(n_train=2000, n_test=500, *, seed=0, features=16, classes=10, spread=1.0):
    """Points around one random centre per class: the simplest world to classify.

    For the first MLPs (guide 004's 16-64-64-10 and its dense autoencoders with
    ``features=16``; guide 003's 10-10-20-10-1 with ``features=10, classes=2``).
    Centres are drawn once per seed; ``spread`` is the noise around them (larger
    is harder).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: float32 (n, features); y: int32 (n,) in 0..classes-1.

    Example
    -------
    >>> (x, y), _ = clusters(100, 10, features=10, classes=2)
    >>> x.shape, sorted(set(y.tolist()))
    ((100, 10), [0, 1])
    """
    _check_int("features", features, minimum=2)
    _check_int("classes", classes, minimum=2)
    if not isinstance(spread, (int, float)) or isinstance(spread, bool) or spread <= 0:
        raise ValueError(f"spread must be a positive number, got {spread!r}")
    world_rng, train_rng, test_rng = _streams(seed, n_train, n_test)
    centres = world_rng.normal(0, 1.2, (classes, features))

    def make(rng, n):
        y = _balanced_labels(rng, n, classes)
        x = centres[y] + rng.normal(0, spread, (n, features))
        return x.astype(np.float32), y.astype(np.int32)

    return make(train_rng, n_train), make(test_rng, n_test)


def vector_pairs(n_train=1000, n_test=200, *, seed=0, features=100):
    """Two vectors in, two answers out: the x_in / y_in world of guide 001.

    ``x_out`` is 1 when the first 20 values of ``x_in`` add up to more than those of
    ``y_in`` (it needs both inputs); ``y_out`` is the group of 10 consecutive values
    of ``y_in`` with the largest sum. ``y_out`` holds class numbers, as the guide's
    data does: one-hot it with ``keras.utils.to_categorical`` like the guide.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"x_in", "y_in"}: float32 (n, features) uniform in 0..1;
        y: {"x_out": float32 (n, 1) of 0 / 1, "y_out": int32 (n, 1) in 0..9}.

    Example
    -------
    >>> (x, y), _ = vector_pairs(10, 2)
    >>> x["x_in"].shape, y["y_out"].shape
    ((10, 100), (10, 1))
    """
    _check_int("features", features, minimum=100)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        x_in = rng.random((n, features), dtype=np.float32)
        y_in = rng.random((n, features), dtype=np.float32)
        x_out = (x_in[:, :20].sum(1) > y_in[:, :20].sum(1)).astype(np.float32)
        y_out = y_in[:, :100].reshape(n, 10, 10).sum(2).argmax(1).astype(np.int32)
        return {"x_in": x_in, "y_in": y_in}, {"x_out": x_out[:, None], "y_out": y_out[:, None]}

    return make(train_rng, n_train), make(test_rng, n_test)


def categorical_numeric(
    n_train=1000, n_test=200, *, seed=0, categories=100, categorical_length=16, numeric_features=32
):
    """Category codes plus numbers -> a yes/no answer and one of three classes.

    For guide 004's two-input two-output model (Embedding(100, 64) over 16 codes,
    Dense over 32 numbers, sigmoid and 3-way softmax outputs). Ten "rare" codes
    (0..9) and the first numbers decide ``binary_pred``; which third of the code
    range dominates, nudged by numbers 4..6, decides ``categorical_pred``.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"categorical_input": int32 (n, 16) in 0..categories-1,
        "numeric_input": float32 (n, 32) standard normal};
        y: {"binary_pred": float32 (n, 1) of 0 / 1, "categorical_pred": int32 (n,) in 0..2}.

    Example
    -------
    >>> (x, y), _ = categorical_numeric(10, 2)
    >>> x["categorical_input"].shape, y["categorical_pred"].shape
    ((10, 16), (10,))
    """
    _check_int("categories", categories, minimum=30)
    _check_int("categorical_length", categorical_length, minimum=4)
    _check_int("numeric_features", numeric_features, minimum=8)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    third = categories // 3

    def make(rng, n):
        group = rng.integers(0, 3, n)
        home = rng.random((n, categorical_length)) < 0.5
        shape = (n, categorical_length)
        codes = np.where(
            home, group[:, None] * third + rng.integers(0, third, shape), rng.integers(0, categories, shape)
        )
        numbers = rng.normal(0, 1, (n, numeric_features)).astype(np.float32)
        rare = (codes < 10).sum(1)
        binary = (rare - 1.6 + numbers[:, :4].sum(1) / 2 > 0).astype(np.float32)
        counts = np.stack([((codes >= g * third) & (codes < (g + 1) * third)).sum(1) for g in range(3)], 1)
        label = (counts + numbers[:, 4:7] * 1.5).argmax(1).astype(np.int32)
        x = {"categorical_input": codes.astype(np.int32), "numeric_input": numbers}
        return x, {"binary_pred": binary[:, None], "categorical_pred": label}

    return make(train_rng, n_train), make(test_rng, n_test)


def sequences(n_train=1000, n_test=200, *, seed=0, length=100):
    """Noisy wavy series: does it trend up, and what is the clean curve?

    For guide 003's recurrent models: LSTM(10) on 100x1 (binary output) and the
    multi-output LSTM (a label plus a value per time step). Each series is a slope
    plus a sine wave plus noise; ``class_output`` is 1 when the slope is upward and
    ``sequence_output`` is the series without its noise.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: float32 (n, length, 1);
        y: {"class_output": float32 (n, 1) of 0 / 1, "sequence_output": float32 (n, length, 1)}.

    Example
    -------
    >>> (x, y), _ = sequences(10, 2)
    >>> x.shape, y["sequence_output"].shape
    ((10, 100, 1), (10, 100, 1))
    """
    _check_int("length", length, minimum=10)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        up = _balanced_labels(rng, n, 2)
        t = np.linspace(0, 1, length, dtype=np.float32)
        slope = np.where(up == 1, 1, -1) * rng.uniform(0.6, 1.6, n)
        wave = rng.uniform(0.3, 0.7, n)[:, None] * np.sin(
            2 * np.pi * rng.uniform(2, 5, n)[:, None] * t + rng.uniform(0, 2 * np.pi, n)[:, None]
        )
        clean = (slope[:, None] * (t - 0.5) + wave).astype(np.float32)
        x = clean + rng.normal(0, 0.3, clean.shape).astype(np.float32)
        return x[..., None], {
            "class_output": up.astype(np.float32)[:, None],
            "sequence_output": clean[..., None],
        }

    return make(train_rng, n_train), make(test_rng, n_test)
