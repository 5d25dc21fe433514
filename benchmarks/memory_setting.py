"""What ``kit.memory.release_large_blocks`` (run by ``%load_ext kit``) costs and saves.

Trains the same small CNN in fresh processes, in turn without the setting and
with each threshold (kit's default is 4 MB), and prints each run's training time
and peak resident memory, then the medians side by side.

Run: .venv/bin/python benchmarks/memory_setting.py [--repeats 3] [--thresholds 1 4 16]
"""

import argparse
import os
import statistics
import subprocess
import sys

RUN = """
import resource, sys, time
if sys.argv[1] != "off":
    import kit.memory
    kit.memory.release_large_blocks(int(sys.argv[1]) << 20)
from kit.quiet import import_keras_quietly
keras = import_keras_quietly()
import numpy as np
rng = np.random.default_rng(0)
x = rng.random((2000, 32, 32, 3), dtype="float32")
y = rng.integers(0, 10, 2000)
model = keras.Sequential([
    keras.Input((32, 32, 3)), keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
    keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax"),
])
model.compile("adam", "sparse_categorical_crossentropy")
start = time.perf_counter()
model.fit(x, y, epochs=3, batch_size=32, verbose=0)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run(mode):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", RUN, mode], capture_output=True, text=True, env=env, check=True
    )
    seconds, megabytes = map(float, done.stdout.split()[-2:])
    return seconds, megabytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--thresholds", type=int, nargs="+", default=[1, 4, 16], help="in MB")
    args = parser.parse_args()
    modes = ["off"] + [str(megabytes) for megabytes in args.thresholds]
    results = {mode: [] for mode in modes}
    for _ in range(args.repeats):
        for mode in modes:
            seconds, megabytes = run(mode)
            results[mode].append((seconds, megabytes))
            label = "off" if mode == "off" else f"{mode} MB"
            print(f"threshold {label:>5s}: fit {seconds:5.1f} s, peak {megabytes:5.0f} MB")
    off_seconds, off_peak = (statistics.median(v) for v in zip(*results["off"]))
    for mode in modes[1:]:
        seconds, peak = (statistics.median(v) for v in zip(*results[mode]))
        print(
            f"medians, {mode:>3s} MB against off: fit {off_seconds:.1f} s -> {seconds:.1f} s "
            f"({seconds / off_seconds:.2f}x), peak {off_peak:.0f} MB -> {peak:.0f} MB ({peak - off_peak:+.0f} MB)"
        )


if __name__ == "__main__":
    main()
