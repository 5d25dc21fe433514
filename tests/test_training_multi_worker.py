"""Tests of kit.training.multi_worker: the two reductions Keras 3 asks of
MultiWorkerMirroredStrategy, on a real one-worker strategy in a fresh process
(collective ops set up in this process would stay for every later test)."""

import os
import subprocess
import sys

SCRIPT = """
import tensorflow as tf
from kit.training.multi_worker import KerasReadyMultiWorkerStrategy

strategy = KerasReadyMultiWorkerStrategy()
SUM = tf.distribute.ReduceOp.SUM
nested = strategy.run(lambda: ({"a": tf.ones((2, 3))}, tf.ones((2,))))
inputs, targets = strategy.reduce(SUM, nested, axis=0)
print(inputs["a"].shape.as_list(), targets.shape.as_list())
loss = strategy.run(lambda: tf.constant(2.5))
print(float(strategy.reduce(SUM, loss, axis=0)))
"""


def test_nested_batches_and_scalar_losses_reduce():
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    environment.pop("TF_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environment, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split("\n")[-3:-1] == ["[3] []", "2.5"]
