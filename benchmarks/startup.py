"""What the first cell of every notebook, ``%load_ext kit``, spends its time on.

Each figure is the median of fresh Python processes (the page cache is warm:
the first run of a kernel on a new machine also reads TensorFlow from disk):
importing NumPy, ml_dtypes, TensorFlow (which imports the other two), kit, and
loading the extension in an IPython shell.

The installed ml_dtypes is then compared side by side with release 0.7.0, put
in a temporary folder ahead of it on the path (the registry must be reachable
for that part): 0.7.0 registers its NumPy loops far more slowly, and every
kernel imports it through TensorFlow, which is why pyproject.toml keeps it out.

Run: .venv/bin/python benchmarks/startup.py [--repeats 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

STAGES = r"""
import time
marks = [time.perf_counter()]
import numpy; marks.append(time.perf_counter())
import ml_dtypes; marks.append(time.perf_counter())
import tensorflow; marks.append(time.perf_counter())
import kit; marks.append(time.perf_counter())
from IPython.testing.globalipapp import get_ipython
shell = get_ipython(); marks.append(time.perf_counter())
shell.run_line_magic("load_ext", "kit"); marks.append(time.perf_counter())
print("STAGES", ml_dtypes.__version__, *(b - a for a, b in zip(marks, marks[1:])))
"""
NAMES = ("numpy", "ml_dtypes", "tensorflow", "kit", "IPython shell", "%load_ext kit")
ML_DTYPES_ONLY = r"""
import time, numpy
start = time.perf_counter()
import ml_dtypes
print("STAGES", ml_dtypes.__version__, time.perf_counter() - start)
"""
SLOW_RELEASE = "0.7.0"


def measure(code, repeats, path=None):
    """Version and the median of each stage's seconds over ``repeats`` fresh processes."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KIT_OFFLINE="1", MPLBACKEND="Agg")
    if path:
        env["PYTHONPATH"] = path
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        line = next(line for line in out.stdout.splitlines() if line.startswith("STAGES"))
        version, *seconds = line.split()[1:]
        runs.append([float(value) for value in seconds])
    return version, [statistics.median(stage) for stage in zip(*runs)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    version, stages = measure(STAGES, args.repeats)
    print(f"first cell of a notebook, median of {args.repeats} fresh processes (ml_dtypes {version}):")
    for name, seconds in zip(NAMES, stages):
        print(f"  {name:16s} {seconds:6.3f} s")
    print(f"  {'total':16s} {sum(stages):6.3f} s")

    with tempfile.TemporaryDirectory() as folder:
        install = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", folder]
        if subprocess.run(install + [f"ml_dtypes=={SLOW_RELEASE}"], capture_output=True).returncode:
            print(f"ml_dtypes {SLOW_RELEASE} could not be installed (no registry?): comparison skipped")
            return
        _, [slow] = measure(ML_DTYPES_ONLY, args.repeats, path=folder)
    _, [ours] = measure(ML_DTYPES_ONLY, args.repeats)
    print(
        f"import ml_dtypes after numpy: {version} {ours:.3f} s, {SLOW_RELEASE} {slow:.3f} s "
        f"(ratio {ours / slow:.3f}); {SLOW_RELEASE} would cost every kernel {slow - ours:.2f} s more"
    )


if __name__ == "__main__":
    main()
