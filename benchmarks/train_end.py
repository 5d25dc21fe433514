"""How long ``fit`` takes to return once training has ended, with and without tf.data autotuning.

Deleting a tf.data iterator waits for its autotuning thread, which sleeps for a
period that doubles while the iterator lives (up to a minute), so ``fit`` can
return seconds after its last batch. ``kit.train``'s pipeline turns autotuning
off. In a Jupyter kernel, as a learner runs it, this script trains notebook
09's autoencoder on kit's pipeline as it is and with autotuning turned back on,
alternately, and prints the seconds from ``on_train_end`` to the return of
``fit``, and the whole ``fit``. (In a plain Python process the wait is rarer.)

Run: .venv/bin/python benchmarks/train_end.py [--pairs 6]
"""

import argparse

from in_kernel import stdout_of

MEASURE = r"""
import statistics, time
import keras, numpy as np, tensorflow as tf
from kit.training.pipeline import array_dataset

SAMPLES, BATCH, EPOCHS, PAIRS = 3000, 32, 4, {pairs}

class EndClock(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        self.ended = time.perf_counter()

def autoencoder():
    # notebook 09: a convolutional autoencoder of 28x28 pictures
    layers = keras.layers
    picture = keras.Input((28, 28, 1))
    x = layers.Conv2D(16, 3, activation="relu")(picture)
    x = layers.MaxPooling2D(3)(layers.Conv2D(32, 3, activation="relu")(x))
    x = layers.Conv2D(16, 3, activation="relu")(layers.Conv2D(32, 3, activation="relu")(x))
    x = layers.Reshape((4, 4, 1))(layers.GlobalMaxPooling2D()(x))
    x = layers.Conv2DTranspose(32, 3, activation="relu")(layers.Conv2DTranspose(16, 3, activation="relu")(x))
    x = layers.Conv2DTranspose(16, 3, activation="relu")(layers.UpSampling2D(3)(x))
    model = keras.Model(picture, layers.Conv2DTranspose(1, 3, activation="relu")(x))
    model.compile(optimizer="adam", loss="mse")
    return model

def fit_once(dataset, steps):
    model = autoencoder()
    clock = EndClock()
    started = time.perf_counter()
    model.fit(dataset, epochs=EPOCHS, steps_per_epoch=steps, callbacks=[clock], shuffle=False, verbose=0)
    returned = time.perf_counter()
    return returned - clock.ended, returned - started

rng = np.random.default_rng(0)
x = y = rng.random((SAMPLES, 28, 28, 1), dtype=np.float32)
steps = SAMPLES // BATCH
autotuned = tf.data.Options()
autotuned.autotune.enabled = True
results = {{"kit's pipeline (no autotuning)": [], "the same, autotuning on": []}}
for _ in range(PAIRS):
    for label, options in zip(results, (None, autotuned)):
        dataset = array_dataset(x, y, BATCH)
        results[label].append(fit_once(dataset.with_options(options) if options else dataset, steps))
print(f"{{PAIRS}} fits in a Jupyter kernel, {{EPOCHS}} epochs x {{steps}} batches each, alternately:")
for label, runs in results.items():
    waits, totals = zip(*runs)
    print(f"  {{label:32s}} after the last batch: median {{statistics.median(waits):.2f}} s, "
          f"max {{max(waits):.2f}} s, sum {{sum(waits):.2f}} s; whole fit median {{statistics.median(totals):.2f}} s")
ours, theirs = ([total for _, total in runs] for runs in results.values())
print(f"whole-fit ratio without/with autotuning: {{sum(ours) / sum(theirs):.3f}} of sums")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    print(stdout_of(MEASURE.format(pairs=args.pairs)), end="")


if __name__ == "__main__":
    main()
