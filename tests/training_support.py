"""What the kit.training tests share: Keras imported late, a small dataset and models, a tiny fit."""

import numpy as np


def keras():
    """Keras, imported when a test needs it (importing the kit must not)."""
    import keras as module

    return module


def data(samples=256, features=6, seed=0):
    generator = np.random.default_rng(seed)
    x = generator.normal(size=(samples, features)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5)
    return x, y


def build_classifier(features=6, classes=3, name="classifier"):
    layers = keras().layers
    inputs = keras().Input((features,), name="features")
    hidden = layers.Dense(16, activation="relu")(inputs)
    return keras().Model(inputs, layers.Dense(classes, activation="softmax", name="kind")(hidden), name=name)


def tiny_fit(callback, epochs=3, samples=96, batch_size=16):
    layers = keras().layers
    inputs = keras().Input((3,))
    model = keras().Model(inputs, layers.Dense(2, activation="softmax")(layers.Dense(4)(inputs)))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(samples, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    return model.fit(
        x, y, epochs=epochs, batch_size=batch_size, validation_split=0.25, callbacks=[callback], verbose=0
    )
