"""Train a small model with kit.train; used by tests/test_training_trainer.py as a subprocess.

Usage: python resumable.py RUN_DIR RESULT.npz [--hang-in-epoch N MARKER]

With --hang-in-epoch the script writes MARKER in the middle of epoch N (1-based)
and then waits to be killed. Otherwise it trains to the end and saves the final
weights and the loss history to RESULT.npz.
"""

import argparse
import time
from pathlib import Path

import numpy as np


def build_model():
    import keras

    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    hidden = keras.layers.Dropout(0.3)(hidden)
    outputs = keras.layers.Dense(3, activation="softmax", name="kind")(hidden)
    return keras.Model(inputs, outputs, name="resumable")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("result")
    parser.add_argument("--hang-in-epoch", type=int, nargs=1)
    parser.add_argument("--marker")
    parser.add_argument("--epochs", type=int, default=4)
    arguments = parser.parse_args()

    import keras

    import kit.training.devices
    import kit.training.trainer

    kit.training.devices.setup(seed=0, deterministic=True)
    generator = np.random.default_rng(1)
    x = generator.normal(size=(640, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5)

    callbacks = []
    if arguments.hang_in_epoch:
        hang_epoch = arguments.hang_in_epoch[0] - 1
        marker = Path(arguments.marker)

        class Hang(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.epoch = epoch

            def on_train_batch_end(self, batch, logs=None):
                if self.epoch == hang_epoch and batch == 5:
                    marker.write_text("mid-epoch")
                    while True:
                        time.sleep(1)

        callbacks.append(Hang())

    history = kit.training.trainer.train(
        build_model,
        x,
        y,
        epochs=arguments.epochs,
        batch_size=32,
        validation=0.25,
        run_dir=arguments.run_dir,
        callbacks=callbacks,
        progress="text",
    )
    model = history.model
    np.savez(
        arguments.result,
        loss=np.array(history.history["loss"]),
        val_loss=np.array(history.history["val_loss"]),
        epochs=np.array(history.epoch),
        **{f"weight_{index}": weight for index, weight in enumerate(model.get_weights())},
    )


if __name__ == "__main__":
    main()
