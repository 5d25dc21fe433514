"""The first epoch of ``kit.train`` with its optimizer and metrics built before ``fit``, and without.

Without a distribution strategy, Keras creates the optimizer's, the compiled
losses' and the metrics' variables while it traces the train step, so
TensorFlow traces the step twice. ``kit.train`` builds them first, from the
spec of one batch (``kit.graph.build_for_fit``). This script trains freshly
compiled copies of three course-sized models for one epoch, alternately with
kit's build and with it turned off, and prints the median times and their
ratio. The train step's traces are counted too.

Run: ``python benchmarks/first_epoch.py [--rounds 3]`` (about two minutes on two CPU cores).
"""

import argparse
import contextlib
import os
import statistics
import time
from unittest import mock

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def two_heads_on_a_series():
    """Notebook 02's model with two outputs: a class and a cleaned series."""
    import keras
    from keras import layers

    series = keras.Input((100, 1), name="series")
    steps = layers.LSTM(10, return_sequences=True)(series)
    up = layers.Dense(1, activation="sigmoid", name="up")(layers.Dense(10)(layers.LSTM(10)(steps)))
    clean = layers.TimeDistributed(layers.Dense(1), name="clean")(steps)
    model = keras.Model(series, [up, clean])
    model.compile(optimizer="adam", loss={"up": "binary_crossentropy", "clean": "mse"})
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 100, 1)).astype("float32")
    return model, x, {"up": (x.mean(1) > 0).astype("float32"), "clean": x}


def small_cnn():
    """A two-block CNN on 64x64 gray pictures, as in notebooks 02, 03 and 07."""
    import keras
    from keras import layers

    pictures = keras.Input((64, 64, 1))
    hidden = layers.MaxPooling2D()(layers.Conv2D(16, 3, activation="relu")(pictures))
    hidden = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(hidden))
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling2D()(hidden))
    model = keras.Model(pictures, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    return model, rng.normal(size=(512, 64, 64, 1)).astype("float32"), rng.integers(0, 2, (512, 1))


def mlp():
    """The course's first MLP: 64 features, two hidden layers, 10 classes."""
    import keras
    from keras import layers

    features = keras.Input((64,))
    hidden = layers.Dense(64, activation="relu")(layers.Dense(64, activation="relu")(features))
    model = keras.Model(features, layers.Dense(10, activation="softmax")(hidden))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(2)
    return model, rng.normal(size=(1024, 64)).astype("float32"), rng.integers(0, 10, 1024)


def one_epoch(make, built_first):
    """Seconds of one ``kit.train`` epoch of a fresh model, and the train step's traces."""
    import keras

    import kit
    from kit.training import trainer

    keras.backend.clear_session()
    model, x, y = make()
    traces = []
    step = model.train_step
    model.train_step = lambda batch: traces.append(1) or step(batch)
    turned_off = mock.patch.object(trainer, "build_for_fit", lambda *_: False)
    with contextlib.nullcontext() if built_first else turned_off:
        started = time.perf_counter()
        kit.train(model, x, y, epochs=1, batch_size=32, checkpoint=False, progress=None)
        return time.perf_counter() - started, len(traces)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    one_epoch(mlp, True)  # the first training of a process pays one-off costs
    print(f"kit.train, one epoch of a freshly compiled model, median of {rounds} alternate rounds:")
    for make in (two_heads_on_a_series, small_cnn, mlp):
        times = {True: [], False: []}
        traces = {}
        for _ in range(rounds):
            for built_first in (True, False):
                seconds, traces[built_first] = one_epoch(make, built_first)
                times[built_first].append(seconds)
        built, deferred = (statistics.median(times[key]) for key in (True, False))
        print(
            f"  {make.__name__:<22} built before fit {built:5.2f} s ({traces[True]} trace)"
            f"  built in the step {deferred:5.2f} s ({traces[False]} traces)  ratio {built / deferred:.3f}"
        )


if __name__ == "__main__":
    main()
