"""Epoch time of ``kit.train`` against plain ``model.fit``, measured side by side.

Both train the same model (same initial weights) on the same arrays, one
epoch at a time and alternating, so load changes on a shared machine hit both
alike: kit.train resumes its run one epoch further each call, model.fit goes on
from ``initial_epoch``. An epoch is timed from its start to the end of the
call, so kit's checkpoint counts. The first round (tracing) is left out.
Printed: the ratio of the median epoch times, of the best epoch times (the
steadiest figure when other work shares the machine) and the median of the
paired ratios. Target on CPU: <= 1.03.

With a GPU present it also prints float32 against mixed precision for kit.train.

Run: ``python benchmarks/train.py`` (one to two minutes on two CPU cores).
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

        def epoch_time(self):
            """The one epoch of a call, from its start to the end of training."""
            return self.starts[-1] - self.starts[-2]

    return EpochTimer()


def compiled(model):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12, help="timed epochs per side")
    parser.add_argument("--rounds", type=int, default=3, help="GPU precision comparison rounds")
    parser.add_argument("--samples", type=int, default=64000)
    parser.add_argument("--batch-size", type=int, default=64)
    arguments = parser.parse_args()

    import tensorflow as tf

    from kit.training.devices import setup
    from kit.training.trainer import train

    env = setup(seed=0, verbose=False)
    features, classes = 64, 10
    generator = np.random.default_rng(0)
    x = generator.normal(size=(arguments.samples, features)).astype("float32")
    y = (np.abs(x[:, :classes]).argmax(axis=1)).astype("int64")
    initial = build_model(features, classes).get_weights()

    with env.scope():
        kit_model = compiled(build_model(features, classes))
        fit_model = compiled(build_model(features, classes))
    kit_model.set_weights(initial)
    fit_model.set_weights(initial)

    # One epoch each, alternating: kit.train resumes its run one epoch further,
    # model.fit continues from initial_epoch. Round 0 traces and is left out.
    kit_times, fit_times = [], []
    with tempfile.TemporaryDirectory() as runs:
        for epoch in range(arguments.epochs + 1):
            timer = epoch_timer()
            train(
                kit_model,
                x,
                y,
                epochs=epoch + 1,
                batch_size=arguments.batch_size,
                run_dir=os.path.join(runs, "kit"),
                callbacks=[timer],
                progress=None,
            )
            kit_times.append(timer.epoch_time())
            timer = epoch_timer()
            fit_model.fit(
                x,
                y,
                epochs=epoch + 1,
                initial_epoch=epoch,
                batch_size=arguments.batch_size,
                callbacks=[timer],
                verbose=0,
            )
            fit_times.append(timer.epoch_time())
    kit_times, fit_times = kit_times[1:], fit_times[1:]

    kit_median, fit_median = statistics.median(kit_times), statistics.median(fit_times)
    paired = statistics.median(k / f for k, f in zip(kit_times, fit_times))
    steps = -(-arguments.samples // arguments.batch_size)
    print(
        f"model: MLP {features}-256-256-{classes}, {arguments.samples} samples, batch {arguments.batch_size} "
        f"({steps} steps/epoch), {arguments.epochs} alternating epochs each, "
        f"device: {'GPU' if tf.config.list_physical_devices('GPU') else 'CPU'}"
    )
    print(f"kit.train epoch: median {kit_median:.3f} s (min {min(kit_times):.3f})")
    print(f"model.fit epoch: median {fit_median:.3f} s (min {min(fit_times):.3f})")
    print(
        f"epoch-time ratio kit.train / model.fit: {kit_median / fit_median:.3f} of medians, "
        f"{min(kit_times) / min(fit_times):.3f} of best epochs, {paired:.3f} median of pairs "
        f"(target <= 1.03 on CPU)"
    )

    if tf.config.list_physical_devices("GPU"):
        compare_precisions(x, y, features, classes, arguments)


def compare_precisions(x, y, features, classes, arguments):
    """float32 against the mixed precision kit.setup picks, alternating whole runs."""
    from kit.training.devices import setup
    from kit.training.trainer import train

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
                train(
                    model,
                    x,
                    y,
                    epochs=arguments.epochs,
                    batch_size=arguments.batch_size,
                    run_dir=os.path.join(runs, f"{policy}-{round_index}"),
                    callbacks=[timer],
                    progress=None,
                )
                times[policy] += timer.epoch_times()
    full, half = statistics.median(times["float32"]), statistics.median(times[mixed])
    print(
        f"GPU float32 epoch: median {full:.3f} s; {mixed}: median {half:.3f} s; speed-up {full / half:.2f}x"
    )
    setup(verbose=False, precision="auto")


if __name__ == "__main__":
    main()
