"""Train a model whose batch needs far more memory than there is; used by tests.

The address space is capped first, so the allocation fails cleanly (as a GPU
allocation would) instead of reaching the machine's limits. Prints the type and
message of the exception kit.train raises.
"""

import resource
import sys

import numpy as np

LIMIT = 24 * 2**30


def main():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))
    import keras

    import kit.training.trainer

    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(8)(inputs)
    huge = keras.layers.Lambda(lambda tensor: keras.ops.tile(tensor, (1, 2**27)))(hidden)
    outputs = keras.layers.Dense(1)(keras.layers.Lambda(lambda tensor: tensor[:, :8])(huge))
    model = keras.Model(inputs, outputs, name="too_big")
    x = np.zeros((64, 4), "float32")
    y = np.zeros((64, 1), "float32")
    try:
        kit.training.trainer.train(model, x, y, epochs=1, batch_size=64, run_dir=sys.argv[1], progress=None)
    except Exception as error:  # the test reads what kit.train raised
        print(f"{type(error).__name__}: {error}")
        print(f"context suppressed: {error.__suppress_context__}")


if __name__ == "__main__":
    main()
