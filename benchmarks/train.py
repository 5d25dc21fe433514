"""Epoch time of ``kit.train`` against plain ``model.fit``, measured side by side.

Both train the same model (same initial weights) on the same arrays, in
alternating rounds, so load changes on a shared machine hit both alike. An
epoch is timed from its start to the start of the next one, so kit's
per-epoch checkpoint counts. The first epoch of every call (tracing) is left
out; the ratio is of the medians. Target on CPU: <= 1.03.

With a GPU present it also prints float32 against mixed precision for kit.train.

Run: ``python benchmarks/train.py`` (about two minutes on two CPU cores).
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def build_model(features, classes):
    import keras

    inputs = keras.Input((features,), name="features")
    hidden = keras.layers.Dense(256, activation="relu")(inputs)
    hidden = keras.layers.Dense(256, activation="relu")(hidden)
    outputs = keras.layers.Dense(classes, activation="softmax", name="classes")(hidden)
    return keras.Model(inputs, outputs, name="benchmark_mlp")


def epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.starts = []

        def on_epoch_begin(self, epoch, logs=None):
            self.starts.append(time.perf_counter())

        def on_train_end(self, logs=None):
            self.starts.append(time.perf_counter())

        def epoch_times(self):
            times = np.diff(self.starts)
            return list(times[1:])  # the first epoch traces the step function

    return EpochTimer()


def compiled(model):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--samples", type=int, default=24000)
    parser.add_argument("--batch-size", type=int, default=64)
    arguments = parser.parse_args()

    import tensorflow as tf

    from kit.devices import setup
    from kit.train import train

    env = setup(seed=0, verbose=False)
    features, classes = 64, 10
    generator = np.random.default_rng(0)
    x = generator.normal(size=(arguments.samples, features)).astype("float32")
    y = (np.abs(x[:, :classes]).argmax(axis=1)).astype("int64")
    initial = build_model(features, classes).get_weights()

    kit_times, fit_times = [], []
    with tempfile.TemporaryDirectory() as runs:
        for round_index in range(arguments.rounds):
            timer = epoch_timer()
            with env.scope():
                model = compiled(build_model(features, classes))
            model.set_weights(initial)
            train(model, x, y, epochs=arguments.epochs, batch_size=arguments.batch_size,
                  run_dir=os.path.join(runs, f"round-{round_index}"), callbacks=[timer], progress=None)
            kit_times += timer.epoch_times()

            timer = epoch_timer()
            with env.scope():
                model = compiled(build_model(features, classes))
            model.set_weights(initial)
            model.fit(x, y, epochs=arguments.epochs, batch_size=arguments.batch_size, callbacks=[timer], verbose=0)
            fit_times += timer.epoch_times()

    kit_median, fit_median = statistics.median(kit_times), statistics.median(fit_times)
    steps = -(-arguments.samples // arguments.batch_size)
    print(f"model: MLP {features}-256-256-{classes}, {arguments.samples} samples, batch {arguments.batch_size} "
          f"({steps} steps/epoch), {arguments.rounds} alternating rounds x {arguments.epochs} epochs, "
          f"device: {'GPU' if tf.config.list_physical_devices('GPU') else 'CPU'}")
    print(f"kit.train epoch: median {kit_median:.3f} s (min {min(kit_times):.3f}, n={len(kit_times)})")
    print(f"model.fit epoch: median {fit_median:.3f} s (min {min(fit_times):.3f}, n={len(fit_times)})")
    print(f"epoch-time ratio kit.train / model.fit: {kit_median / fit_median:.3f} (target <= 1.03 on CPU)")

    if tf.config.list_physical_devices("GPU"):
        compare_precisions(x, y, features, classes, arguments)


def compare_precisions(x, y, features, classes, arguments):
    """float32 against the mixed precision kit.setup picks, alternating."""
    from kit.devices import setup
    from kit.train import train

    mixed = setup(verbose=False).plan.precision
    if mixed == "float32":
        mixed = "mixed_float16"
    times = {"float32": [], mixed: []}
    with tempfile.TemporaryDirectory() as runs:
        for round_index in range(arguments.rounds):
            for policy in times:
                env = setup(seed=0, precision=policy, verbose=False)
                timer = epoch_timer()
                with env.scope():
                    model = compiled(build_model(features, classes))
                train(model, x, y, epochs=arguments.epochs, batch_size=arguments.batch_size,
                      run_dir=os.path.join(runs, f"{policy}-{round_index}"), callbacks=[timer], progress=None)
                times[policy] += timer.epoch_times()
    full, half = statistics.median(times["float32"]), statistics.median(times[mixed])
    print(f"GPU float32 epoch: median {full:.3f} s; {mixed}: median {half:.3f} s; "
          f"speed-up {full / half:.2f}x")
    setup(verbose=False, precision="auto")


if __name__ == "__main__":
    main()
