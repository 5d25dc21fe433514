"""kit.draw against keras.utils.plot_model, side by side in one run.

Prints, for ResNet50, DenseNet121 and MobileNetV2 (weights=None), the median
time of ``kit.draw(show_shapes=True)`` saved as PNG and of
``keras.utils.plot_model(show_shapes=True)`` writing its PNG (when pydot and
Graphviz are installed), alternating the two, and their ratio.

Run: .venv/bin/python benchmarks/graph.py [--repeats 3]
"""

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras

import kit

MODELS = {
    "ResNet50": keras.applications.ResNet50,
    "DenseNet121": keras.applications.DenseNet121,
    "MobileNetV2": keras.applications.MobileNetV2,
}


def graphviz_available():
    try:
        import pydot  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def time_kit(model, path):
    start = time.perf_counter()
    kit.draw(model, show_shapes=True).savefig(path)
    return time.perf_counter() - start


def time_plot_model(model, path):
    start = time.perf_counter()
    keras.utils.plot_model(model, to_file=path, show_shapes=True)
    elapsed = time.perf_counter() - start
    if not os.path.getsize(path):
        raise RuntimeError("plot_model wrote an empty file")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each tool per model")
    args = parser.parse_args()
    with_graphviz = graphviz_available()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Keras {keras.__version__}; Graphviz {'found' if with_graphviz else 'NOT found: plot_model skipped'}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, build in MODELS.items():
            model = build(weights=None)
            kit_png, dot_png = os.path.join(folder, "kit.png"), os.path.join(folder, "dot.png")
            time_kit(model, kit_png)  # warm-up: font cache, first imports
            kit_times, dot_times = [], []
            for _ in range(args.repeats):
                kit_times.append(time_kit(model, kit_png))
                if with_graphviz:
                    dot_times.append(time_plot_model(model, dot_png))
            line = f"{name:12s} {len(model.layers):4d} layers: kit.draw {statistics.median(kit_times):6.3f} s"
            if dot_times:
                ratio = statistics.median(dot_times) / statistics.median(kit_times)
                line += (
                    f", plot_model {statistics.median(dot_times):6.3f} s, kit.draw is {ratio:5.1f}x faster"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
