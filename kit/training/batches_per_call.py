"""Several batches per call of the train function: less Python per batch on a CPU.

Keras makes one round trip from Python for every call of a model's train
function. For the small models of the course that costs about as much as the
batch itself, so ``kit.train`` sets Keras' ``steps_per_execution`` and each call
runs several batches inside TensorFlow. The number always divides the epoch, so
every epoch still ends on its own last batch and a resumed run sees the same
batches as one that never stopped.

Example
-------
>>> batches_per_call(1000), batches_per_call(63), batches_per_call(13)
(10, 9, 1)
"""

from __future__ import annotations

import weakref

__all__ = ["MOST_BATCHES_PER_CALL", "batches_per_call", "set_batches_per_call", "watches_batches"]

MOST_BATCHES_PER_CALL = 10
_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)
_chosen_by_kit = weakref.WeakKeyDictionary()  # model -> the number kit set


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


def set_batches_per_call(model, steps, callbacks=()):
    """Set ``model.steps_per_execution`` for an epoch of ``steps`` batches; returns it.

    One batch per call when the epoch's length is unknown (``steps`` None), the
    model trains on several replicas, or one of the learner's ``callbacks``
    watches every batch. A number the learner chose in ``model.compile`` is kept.

    Example
    -------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> set_batches_per_call(model, 48), model.steps_per_execution
    (8, 8)
    """
    current = model.steps_per_execution
    if current != 1 and _chosen_by_kit.get(model) != current:
        return current
    wanted = 1
    one_replica = model.distribute_strategy.num_replicas_in_sync == 1
    if steps and one_replica and not any(watches_batches(callback) for callback in callbacks):
        wanted = batches_per_call(steps)
    if wanted != current:
        model.steps_per_execution = wanted
        # Traced for the old number: drop them, as model.compile does.
        model.train_function = model.test_function = model.predict_function = None
        _chosen_by_kit[model] = wanted
    return wanted
