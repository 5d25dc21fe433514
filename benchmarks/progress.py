"""What ``kit.train``'s widget costs a short training, in a Jupyter kernel.

Training waits while the widget draws its curves. The same small model is
trained in turn without a display, with the widget drawing its curves at every
epoch's end (``CURVES_EVERY = 0``: how the widget drew before), and with the
widget as it is (curves at most every ``CURVES_EVERY`` seconds, once more at
the end). Prints the median seconds of each and their ratios to no display.

Run: .venv/bin/python benchmarks/progress.py [--rounds 5]
"""

import argparse

from in_kernel import stdout_of

MEASURE = r"""
import statistics, time
import keras, numpy as np
import kit
from kit.training import progress

ROUNDS = {rounds}
rng = np.random.default_rng(0)
x = rng.random((4000, 32), dtype=np.float32)
y = (x[:, 0] > 0.5).astype("float32")

def train(mode):
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    kit.train(model, x, y, epochs=8, batch_size=64, validation=0.2, checkpoint=False, progress=mode)
    return time.perf_counter() - started

default_every = progress.CURVES_EVERY
variants = {{"no display": (None, default_every), "widget, curves at every epoch": ("widget", 0.0),
            "widget as it is": ("widget", default_every)}}
seconds = {{name: [] for name in variants}}
train(None)  # the first training of a kernel also sets TensorFlow up
for _ in range(ROUNDS):
    for name, (mode, every) in variants.items():
        progress.CURVES_EVERY = every
        seconds[name].append(train(mode))
progress.CURVES_EVERY = default_every
base = statistics.median(seconds["no display"])
print(f"kit.train of an MLP, 8 epochs of 50 batches, median of {{ROUNDS}} rounds:")
for name, values in seconds.items():
    print(f"  {{name:30s}} {{statistics.median(values):6.2f}} s  ratio to no display {{statistics.median(values) / base:.3f}}")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    printed = stdout_of(MEASURE.format(rounds=args.rounds))
    print(printed[printed.index("kit.train of") :], end="")  # not kit.train's own final lines


if __name__ == "__main__":
    main()
