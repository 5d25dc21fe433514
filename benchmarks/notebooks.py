"""Wall time and peak memory of every course notebook, each in a fresh kernel.

Executes each notebook of notebooks/ (a temporary copy: the stored outputs are
left alone) with nbconvert and prints its wall time and the peak resident
memory of its kernel, then the totals, against the targets: at most 1.0 GB per
notebook (Binder gives 2 GB: two open notebooks must fit) and under 4 minutes for
the whole course.

Run: .venv/bin/python benchmarks/notebooks.py [notebooks/05_inception.ipynb ...]
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MEMORY_TARGET_MB = 1000
COURSE_TARGET_S = 240

# Runs in a child process: its RUSAGE_CHILDREN peak is the kernel's (nbconvert waits for it).
RUNNER = """
import resource, sys
from nbconvert.nbconvertapp import main
sys.argv = ["jupyter-nbconvert", "--to", "notebook", "--execute", "--inplace",
            "--ExecutePreprocessor.timeout=600", sys.argv[1]]
try:
    main()
finally:
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def run(notebook, folder):
    copy = pathlib.Path(folder) / notebook.name
    shutil.copy(notebook, copy)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KIT_OFFLINE="1", KIT_HOME=folder)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(copy)], cwd=folder, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    peak_kb = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    return elapsed, (peak_kb[0] / 1024 if peak_kb else float("nan")), done.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=pathlib.Path,
        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
    )
    args = parser.parse_args()
    total, worst = 0.0, 0.0
    with tempfile.TemporaryDirectory() as folder:
        for notebook in args.notebooks:
            elapsed, peak_mb, ok = run(notebook, folder)
            total += elapsed
            worst = max(worst, peak_mb)
            flag = "" if ok else "  FAILED"
            over = f"  over {MEMORY_TARGET_MB} MB!" if peak_mb > MEMORY_TARGET_MB else ""
            print(f"{notebook.name:52s} {elapsed:6.1f} s  peak {peak_mb:6.0f} MB{over}{flag}", flush=True)
    print(
        f"{'whole course':52s} {total:6.1f} s  (target {COURSE_TARGET_S} s); "
        f"largest peak {worst:.0f} MB (target {MEMORY_TARGET_MB} MB)"
    )


if __name__ == "__main__":
    main()
