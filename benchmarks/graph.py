"""kit.draw against keras.utils.plot_model, side by side in one run.

Prints, for every model of ``keras.applications`` (weights=None), or the ones
named on the command line, the median time of ``kit.draw(show_shapes=True)``
saved as PNG (its default overview) and of
``keras.utils.plot_model(show_shapes=True)`` writing its PNG (when pydot and
Graphviz are installed), alternating the two, their ratio, and the size of
kit's picture; then the smallest ratio over all models.

Run: .venv/bin/python benchmarks/graph.py [--repeats 1] [ResNet50 DenseNet121 ...]
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

#: Every model builder of keras.applications, by name.
MODELS = {
    name: getattr(keras.applications, name)
    for name in sorted(dir(keras.applications))
    if name[0].isupper() and callable(getattr(keras.applications, name))
}


def graphviz_available():
    try:
        import pydot  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def time_kit(model, path):
    start = time.perf_counter()
    figure = kit.draw(model, show_shapes=True)
    figure.savefig(path)
    elapsed = time.perf_counter() - start
    width, height = figure.get_size_inches() * figure.dpi
    return elapsed, f"{width:.0f} x {height:.0f} px, {len(figure.graph)} boxes"


def time_plot_model(model, path):
    start = time.perf_counter()
    keras.utils.plot_model(model, to_file=path, show_shapes=True)
    elapsed = time.perf_counter() - start
    if not os.path.getsize(path):
        raise RuntimeError("plot_model wrote an empty file")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="timed runs of each tool per model")
    parser.add_argument("models", nargs="*", default=list(MODELS), help="keras.applications names")
    args = parser.parse_args()
    unknown = sorted(set(args.models) - set(MODELS))
    if unknown:
        parser.error(f"not in keras.applications: {', '.join(unknown)} (known: {', '.join(MODELS)})")
    with_graphviz = graphviz_available()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Keras {keras.__version__}; Graphviz {'found' if with_graphviz else 'NOT found: plot_model skipped'}"
    )
    ratios = {}
    with tempfile.TemporaryDirectory() as folder:
        kit_png, dot_png = os.path.join(folder, "kit.png"), os.path.join(folder, "dot.png")
        for name in args.models:
            keras.backend.clear_session()
            model = MODELS[name](weights=None)
            time_kit(model, kit_png)  # warm-up: font cache, first imports
            kit_times, dot_times, failure = [], [], None
            for _ in range(args.repeats):
                elapsed, picture = time_kit(model, kit_png)
                kit_times.append(elapsed)
                if with_graphviz and failure is None:
                    try:
                        dot_times.append(time_plot_model(model, dot_png))
                    except Exception as error:  # Graphviz gives up on some graphs
                        failure = f"{type(error).__name__}: {str(error).strip().splitlines()[-1][:60]}"
            kit_time = statistics.median(kit_times)
            line = f"{name:20s} {len(model.layers):4d} layers: kit.draw {kit_time:6.3f} s ({picture})"
            if dot_times:
                ratios[name] = statistics.median(dot_times) / kit_time
                line += f", plot_model {statistics.median(dot_times):6.3f} s, {ratios[name]:5.1f}x"
            elif failure:
                line += f", plot_model failed ({failure})"
            print(line, flush=True)
            del model
    if ratios:
        slowest = min(ratios, key=ratios.get)
        print(
            f"kit.draw faster than plot_model on {sum(r >= 10 for r in ratios.values())}/{len(ratios)} models "
            f"by 10x or more; smallest ratio {ratios[slowest]:.1f}x ({slowest})"
        )


if __name__ == "__main__":
    main()
