"""Several batches per call of the train function: less Python per batch on a CPU.

Keras makes one round trip from Python for every call of a model's train
function, a large share of a small model's batch on a CPU
(``benchmarks/train.py``). So ``kit.train`` sets Keras' ``steps_per_execution``
and each call runs several batches inside TensorFlow, during ``kit.train`` only. The number
always divides the epoch, so every epoch still ends on its own last batch and a
resumed run sees the same batches as one that never stopped.

Example
-------
>>> batches_per_call(1000), batches_per_call(63), batches_per_call(13)
(10, 9, 1)
"""

from __future__ import annotations

import contextlib

__all__ = ["MOST_BATCHES_PER_CALL", "batches_per_call", "several_batches_per_call", "watches_batches"]

MOST_BATCHES_PER_CALL = 10
_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)
_FUNCTIONS = ("train_function", "test_function", "predict_function")


def batches_per_call(steps, most=MOST_BATCHES_PER_CALL):
    """The largest number of batches, at most ``most``, that divides an epoch of ``steps``.

    Example
    -------
    >>> batches_per_call(48)
    8
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps should be a whole number of batches per epoch, 1 or more; got {steps!r}")
    return max(count for count in range(1, most + 1) if steps % count == 0)


def watches_batches(callback):
    """True when ``callback`` overrides a hook Keras calls for every batch.

    Example
    -------
    >>> import keras
    >>> watches_batches(keras.callbacks.History())
    False
    """
    import keras

    base = keras.callbacks.Callback
    return any(getattr(type(callback), hook) is not getattr(base, hook) for hook in _BATCH_HOOKS)


@contextlib.contextmanager
def several_batches_per_call(model, steps, callbacks=()):
    """Within the block, ``model`` runs several batches per call; after it, it is as it was.

    One batch per call when the epoch's length is unknown (``steps`` None), the
    model trains on several replicas, or one of the learner's ``callbacks``
    watches every batch. A ``steps_per_execution`` the learner chose in
    ``model.compile`` is kept, and so are the learner's own traced functions for
    ``fit``, ``evaluate`` and ``predict``. Kit's are dropped after the block, so
    another ``kit.train`` of the same model traces its function again.

    Example
    -------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> with several_batches_per_call(model, 48) as count:
    ...     print(count, model.steps_per_execution)
    8 8
    >>> model.steps_per_execution
    1
    """
    wanted = _wanted(model, steps, callbacks)
    if wanted == model.steps_per_execution:
        yield wanted
        return
    learners = _execution(model)
    _set_execution(model, (wanted, None, None, None))
    try:
        yield wanted
    finally:
        _set_execution(model, learners)


def _wanted(model, steps, callbacks):
    if model.steps_per_execution != 1:
        return model.steps_per_execution  # the learner's own choice
    if not steps or model.distribute_strategy.num_replicas_in_sync != 1:
        return 1
    if any(watches_batches(callback) for callback in callbacks):
        return 1
    return batches_per_call(steps)


def _execution(model):
    return (model.steps_per_execution,) + tuple(getattr(model, name) for name in _FUNCTIONS)


def _set_execution(model, execution):
    """Keras traces its functions for one ``steps_per_execution``: they change together."""
    model.steps_per_execution = execution[0]
    for name, function in zip(_FUNCTIONS, execution[1:]):
        setattr(model, name, function)
