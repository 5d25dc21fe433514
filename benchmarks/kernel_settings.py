"""What oneDNN and ``%load_ext kit``'s memory setting do to a convolution training in a kernel.

Runs the same work in fresh Jupyter kernels, in turn under each combination of
TensorFlow's oneDNN switch (``TF_ENABLE_ONEDNN_OPTS`` 0 or 1, with
``TF_ONEDNN_USE_SYSTEM_ALLOCATOR`` set the same, as :mod:`kit.onednn` does) and the fixed 4 MB
mmap threshold of :mod:`kit.memory` (``%load_ext kit`` sets it; the other first
cell loads Keras and the live graph without it). The work is notebook 05's
small Inception trained for 3 epochs on 3,000 generated 32x32 pictures, then
the guide's Inception module called once on a 256x256 picture. For each run it
prints the training's wall time, the kernel's user and system CPU time during
the training, and the kernel's peak memory after the training and after the
module call, then the medians side by side.

Run: .venv/bin/python benchmarks/kernel_settings.py [--repeats 2]
"""

import argparse
import os
import statistics
import time

from jupyter_client.manager import start_new_kernel
from kernel_usage import cpu_seconds, memory_mb

FIRST_CELLS = {
    "4 MB": "%load_ext kit",
    "none": (
        "import kit.onednn\nkit.onednn.use_onednn()\n"
        "import kit.quiet\nkit.quiet.import_keras_quietly()\n"
        "import kit.live_graph.extension\nkit.live_graph.extension.load_ipython_extension(get_ipython())"
    ),
}

BUILD = """
import keras
from keras import layers
import kit

keras.utils.set_random_seed(0)
(x_train, y_train), _ = kit.datasets.cifar10(n_train=3000, n_test=1, source="generated", verbose=False)
x_train = x_train.astype("float32") / 255


def module(x, filters):
    tower_1 = layers.Conv2D(filters, 1, padding="same", activation="relu")(x)
    tower_1 = layers.Conv2D(filters, 3, padding="same", activation="relu")(tower_1)
    tower_2 = layers.Conv2D(filters, 1, padding="same", activation="relu")(x)
    tower_2 = layers.Conv2D(filters, 5, padding="same", activation="relu")(tower_2)
    tower_3 = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    tower_3 = layers.Conv2D(filters, 1, padding="same", activation="relu")(tower_3)
    return layers.concatenate([tower_1, tower_2, tower_3])


inputs = keras.Input((32, 32, 3))
x = layers.MaxPooling2D(2)(layers.Conv2D(32, 3, padding="same", activation="relu")(inputs))
x = layers.MaxPooling2D(2)(module(x, 16))
x = layers.GlobalAveragePooling2D()(module(x, 32))
model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
model.compile("adam", "sparse_categorical_crossentropy")
"""

TRAIN = "kit.train(model, x_train, y_train, epochs=3, batch_size=64, checkpoint=False, progress=None)"

MODULE = """
import numpy as np
picture = keras.Input((256, 256, 3))
guide_module = keras.Model(picture, module(picture, 64))
_ = guide_module(np.random.default_rng(0).random((1, 256, 256, 3), dtype="float32"))
"""


def run(onednn, memory):
    """One fresh kernel: (training s, user s, system s, peak after training, peak after module)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KIT_OFFLINE="1")
    env.update(TF_ENABLE_ONEDNN_OPTS=onednn, TF_ONEDNN_USE_SYSTEM_ALLOCATOR=onednn)
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        pid = manager.provisioner.process.pid

        def execute(code):
            reply = client.execute_interactive(code, timeout=900, output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"cell failed: {reply['content'].get('evalue')}")

        execute(FIRST_CELLS[memory])
        execute(BUILD)
        user, system = cpu_seconds(pid)
        start = time.perf_counter()
        execute(TRAIN)
        seconds = time.perf_counter() - start
        user_after, system_after = cpu_seconds(pid)
        _, trained_peak = memory_mb(pid)
        execute(MODULE)
        return seconds, user_after - user, system_after - system, trained_peak, memory_mb(pid)[1]
    finally:
        manager.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    settings = [(onednn, memory) for onednn in ("0", "1") for memory in ("none", "4 MB")]
    results = {setting: [] for setting in settings}
    for _ in range(args.repeats):
        for onednn, memory in settings:
            figures = run(onednn, memory)
            results[onednn, memory].append(figures)
            print(
                f"oneDNN {onednn}, mmap threshold {memory:>4s}: training {figures[0]:5.1f} s "
                f"(user {figures[1]:5.1f} s, system {figures[2]:5.1f} s), peak {figures[3]:5.0f} MB, "
                f"after the 256x256 module {figures[4]:5.0f} MB",
                flush=True,
            )
    base = statistics.median(figures[0] for figures in results["0", "none"])
    for (onednn, memory), runs in results.items():
        medians = [statistics.median(figures[i] for figures in runs) for i in range(5)]
        print(
            f"medians, oneDNN {onednn}, mmap threshold {memory:>4s}: training {medians[0]:5.1f} s "
            f"({medians[0] / base:.2f}x oneDNN 0 without the setting), system CPU {medians[2]:5.1f} s, "
            f"peak {medians[3]:5.0f} MB, after the 256x256 module {medians[4]:5.0f} MB"
        )


if __name__ == "__main__":
    main()
