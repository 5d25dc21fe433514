"""MultiWorkerMirroredStrategy fixed for Keras 3, chosen by ``kit.setup`` under a TF_CONFIG cluster.

This module imports TensorFlow when it loads; :func:`kit.training.devices.setup`
imports it only when a cluster is described.

Example
-------
>>> strategy = KerasReadyMultiWorkerStrategy()   # doctest: +SKIP
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["KerasReadyMultiWorkerStrategy"]


class KerasReadyMultiWorkerStrategy(tf.distribute.MultiWorkerMirroredStrategy):
    """MultiWorkerMirroredStrategy with the two reductions Keras 3 asks of it fixed.

    Keras 3's TensorFlow trainer hands this strategy's ``reduce`` a nested
    (inputs, targets) batch, and scalar per-replica losses with ``axis=0``;
    both fail inside TensorFlow ("Attempt to convert a value (PerReplica...)",
    "Invalid reduction dimension 0 for input with 0 dimensions", reported as
    tensorflow/tensorflow#72388). Here nested values are reduced leaf by leaf
    and scalars over replicas only, which is what Keras means.
    """

    def reduce(self, reduce_op, value, axis):
        if isinstance(value, (tuple, list, dict)):
            return tf.nest.map_structure(lambda leaf: self.reduce(reduce_op, leaf, axis), value)
        if axis is not None and self.experimental_local_results(value)[0].shape.rank == 0:
            axis = None
        return super().reduce(reduce_op, value, axis)
