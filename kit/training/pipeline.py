"""The tf.data input pipeline of ``kit.train``: reproducible batches from arrays.

Example
-------
>>> import numpy as np
>>> dataset = array_dataset(np.zeros((10, 2)), np.zeros(10), 4)
>>> [len(x) for x, y in dataset.take(3)]
[4, 4, 2]
"""

from __future__ import annotations

import weakref

import numpy as np

from kit.training.values import count_samples

__all__ = ["array_dataset", "validation_dataset", "without_autotuning"]


def _tf():
    import tensorflow as tf

    return tf


def array_dataset(x, y, batch_size, *, seed=0, shuffle=True, first_epoch=0):
    """An endless tf.data stream of batches, epoch after epoch, from arrays.

    The order of epoch ``e`` depends only on ``(seed, e)``, so a run resumed at
    epoch ``e`` sees the same batches as one that never stopped. As Keras does
    for arrays, each epoch's index permutation is cut into batches by one
    reshape, and tf.data's default graph rewrites (costly on every new
    iterator) and its autotuning thread (see :func:`without_autotuning`) are
    off. Unlike Keras, numeric arrays are not copied into
    TensorFlow: each batch is taken from them with NumPy, so training holds the
    data once, not twice.

    Parameters
    ----------
    x, y : array or list/dict of arrays
        Same number of samples everywhere.
    batch_size : int
    seed : int
    shuffle : bool
    first_epoch : int
        The epoch the stream starts with.

    Example
    -------
    >>> import numpy as np
    >>> stream = array_dataset(np.arange(6.0)[:, None], np.arange(6), 3, shuffle=False)
    >>> [y.numpy().tolist() for _, y in stream.take(3)]
    [[0, 1, 2], [3, 4, 5], [0, 1, 2]]
    """
    tf = _tf()
    samples = count_samples(x)
    full_batches, rest = divmod(samples, batch_size)

    def epoch_batches(epoch):
        order = tf.range(samples, dtype=tf.int64)
        if shuffle:
            key = tf.stack([tf.constant(seed, tf.int64), epoch])
            order = tf.random.experimental.stateless_shuffle(order, seed=key)
        batches = tf.data.Dataset.from_tensor_slices(
            tf.reshape(order[: full_batches * batch_size], [full_batches, batch_size])
        )
        if rest:
            batches = batches.concatenate(tf.data.Dataset.from_tensors(order[full_batches * batch_size :]))
        return batches

    indices = tf.data.Dataset.counter(first_epoch).flat_map(epoch_batches)
    return _gathered(indices, x, y)


def validation_dataset(x, y, batch_size):
    """A finite, unshuffled tf.data dataset of validation batches.

    Example
    -------
    >>> import numpy as np
    >>> [len(y) for _, y in validation_dataset(np.zeros((5, 1)), np.zeros(5), 2)]
    [2, 2, 1]
    """
    tf = _tf()
    return _gathered(tf.data.Dataset.range(count_samples(x)).batch(batch_size), x, y)


def _gathered(indices, x, y):
    """Batches of ``(x, y)`` picked by a dataset of index batches, prefetched."""
    tf = _tf()
    structure = _tuples((x, y))
    arrays = [np.asarray(array) for array in tf.nest.flatten(structure)]
    rows = None
    if all(array.dtype.kind in "biuf" for array in arrays):
        rows = _Rows(arrays)
        batches = indices.map(_numpy_batch(structure, rows))  # one at a time: NumPy holds the GIL
    else:  # strings and the like: TensorFlow keeps its own copy and gathers from it
        data = tf.data.Dataset.from_tensors(structure).repeat()
        batches = tf.data.Dataset.zip((indices, data)).map(
            lambda index, pair: tf.nest.map_structure(lambda array: tf.gather(array, index), pair),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    # Several workers split batches, not files (there are none).
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.autotune.enabled = False  # see without_autotuning
    dataset = batches.with_options(options).prefetch(tf.data.AUTOTUNE)
    dataset._kit_rows = rows  # the arrays live as long as the dataset (and its iterators) do
    return dataset


def without_autotuning(dataset):
    """``dataset`` with tf.data's autotuning thread off, unless its own options set it.

    Deleting an iterator waits for that thread to wake from a sleep that grows
    while the iterator lives, so ``fit`` returned seconds after its last batch,
    and a dataset read anew every epoch paused between epochs
    (``benchmarks/train_end.py``). Prefetch buffers still size themselves.

    Example
    -------
    >>> import tensorflow as tf
    >>> without_autotuning(tf.data.Dataset.range(3)).options().autotune.enabled
    False
    """
    if dataset.options().autotune.enabled is not None:
        return dataset
    options = _tf().data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


class _Rows:
    """The arrays a dataset reads with NumPy.

    TensorFlow keeps every function a dataset calls through ``tf.numpy_function``
    until the process ends, so that function only holds a weak reference to
    this object; the dataset holds the strong one.
    """

    def __init__(self, arrays):
        self.arrays = arrays


def _numpy_batch(structure, rows):
    """A tf.data map function: index batch -> the rows of ``rows.arrays`` (``structure``
    flattened), taken by NumPy without a copy."""
    tf = _tf()
    dtypes = [tf.as_dtype(array.dtype) for array in rows.arrays]
    shapes = [array.shape[1:] for array in rows.arrays]
    skeleton = tf.nest.pack_sequence_as(structure, list(range(len(shapes))))  # no array in it
    weak_rows = weakref.ref(rows)

    def take(index):
        return [array[index] for array in weak_rows().arrays]

    def batch(index):
        parts = tf.numpy_function(take, [index], dtypes, stateful=False)
        for part, shape in zip(parts, shapes):
            part.set_shape((None,) + shape)
        return tf.nest.pack_sequence_as(skeleton, parts)

    return batch


def _tuples(structure):
    """Lists become tuples: tf.data reads a list as one tensor, a tuple as parts."""
    if isinstance(structure, (list, tuple)):
        return tuple(_tuples(item) for item in structure)
    if isinstance(structure, dict):
        return {key: _tuples(value) for key, value in structure.items()}
    return structure
