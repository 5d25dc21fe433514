"""Wall time and peak memory of every course notebook, each in a fresh kernel.

Executes each notebook of notebooks/ (in memory: the stored outputs are left
alone) and prints its wall time, kernel start included, the kernel's CPU time
(user and system, all threads: steadier than the wall time on shared cores),
the peak resident memory of its kernel and the cell that reached it, then the
totals, against the targets: at most 1.0 GB per notebook (Binder gives 2 GB:
two open notebooks must fit) and under 4 minutes for the whole course.
It also prints the largest private (anonymous) memory after a cell: the
rest of the resident memory is mapped files, TensorFlow's libraries above all,
which every kernel shares.

TensorFlow's libraries are first dropped from the page cache, so the first
kernel reads them from disk as a new Binder container does and the others
share them; otherwise a run right after ``pip install`` counts up to ~120 MB
more per kernel.
``--cells`` also lists every cell that took a second or more, with the
kernel's memory after it. ``--against REV`` runs each notebook twice instead,
alternately as it is and as it was at git revision REV (its notebook, with its
kit first on the kernel's path, the installed packages the same), and prints
the times side by side: a shared machine's speed drifts by more than a change
saves between two runs minutes apart.

Run: .venv/bin/python benchmarks/notebooks.py [--cells | --against REV] [notebooks/05_inception.ipynb ...]
"""

import argparse
import importlib.util
import os
import pathlib
import subprocess
import tempfile
import time

import nbformat
from kernel_usage import cpu_seconds, evict_from_page_cache, memory_mb, private_mb
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent
MEMORY_TARGET_MB = 1000
COURSE_TARGET_S = 240


def run(notebook, folder, **environment):
    """Execute ``notebook`` in ``folder``, in a kernel with ``environment`` added to ours; returns
    (seconds, CPU seconds, peak MB, peak cell, largest private MB, cells, error)."""
    book = nbformat.read(notebook, as_version=4)
    client = NotebookClient(book, timeout=600, resources={"metadata": {"path": folder}})
    cells, peak, cpu = [], {"mb": 0.0, "cell": None, "private": 0.0}, {"seconds": 0.0}
    started = {}

    def before(cell, cell_index):
        started["at"] = time.perf_counter()

    def after(cell, cell_index, **_):
        pid = client.km.provisioner.process.pid
        resident, high = memory_mb(pid)
        cpu["seconds"] = sum(cpu_seconds(pid))
        peak["private"] = max(peak["private"], private_mb(pid))
        first_line = (cell.source.splitlines() or [""])[0][:60]
        cells.append((cell_index, time.perf_counter() - started["at"], resident, first_line))
        if high > peak["mb"]:
            peak.update(mb=high, cell=f"[{cell_index}] {first_line}")

    client.on_cell_execute, client.on_cell_executed = before, after
    start = time.perf_counter()
    error = None
    try:
        client.execute(
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KIT_OFFLINE="1", KIT_HOME=folder, **environment)
        )
    except CellExecutionError as failure:
        error = str(failure).splitlines()[-1]
    elapsed = time.perf_counter() - start
    return elapsed, cpu["seconds"], peak["mb"], peak["cell"], peak["private"], cells, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", action="store_true", help="list the cells that took 1 s or more")
    parser.add_argument(
        "--against", metavar="REV", help="run each notebook as it was at git revision REV too"
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=pathlib.Path,
        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
    )
    args = parser.parse_args()
    total, total_cpu, worst = 0.0, 0.0, 0.0
    tensorflow_folder = importlib.util.find_spec("tensorflow").submodule_search_locations[0]
    print(f"dropped {evict_from_page_cache(tensorflow_folder)} TensorFlow libraries from the page cache")
    if args.against:
        compare(args.against, args.notebooks)
        return
    with tempfile.TemporaryDirectory() as folder:
        for notebook in args.notebooks:
            elapsed, cpu_used, peak_mb, peak_cell, private, cells, error = run(notebook, folder)
            total, total_cpu = total + elapsed, total_cpu + cpu_used
            worst = max(worst, peak_mb)
            over = f"  over {MEMORY_TARGET_MB} MB!" if peak_mb > MEMORY_TARGET_MB else ""
            failed = f"  FAILED: {error}" if error else ""
            print(
                f"{notebook.name:52s} {elapsed:6.1f} s  cpu {cpu_used:6.1f} s  peak {peak_mb:6.0f} MB"
                f"{over}{failed}  (cell {peak_cell}; private up to {private:.0f} MB)",
                flush=True,
            )
            for index, seconds, resident, first_line in cells if args.cells else ():
                if seconds >= 1:
                    print(f"    [{index:2d}] {seconds:6.1f} s  then {resident:5.0f} MB  {first_line}")
    print(
        f"{'whole course':52s} {total:6.1f} s  cpu {total_cpu:6.1f} s  (target {COURSE_TARGET_S} s); "
        f"largest peak {worst:.0f} MB (target {MEMORY_TARGET_MB} MB)"
    )


def compare(revision, notebooks):
    """Each notebook now and at ``revision``, alternating which goes first; prints both times."""
    seconds = {"now": [0.0, 0.0], revision: [0.0, 0.0]}
    with tempfile.TemporaryDirectory() as old_root:
        archive = subprocess.run(["git", "-C", ROOT, "archive", revision], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", old_root], input=archive.stdout, check=True)
        for index, notebook in enumerate(notebooks):
            versions = [
                ("now", notebook, {}),
                (revision, pathlib.Path(old_root, "notebooks", notebook.name), {"PYTHONPATH": old_root}),
            ]
            line = f"{notebook.name:52s}"
            for label, path, environment in versions[:: 1 if index % 2 == 0 else -1]:
                with tempfile.TemporaryDirectory() as folder:
                    elapsed, cpu_used, *_, error = run(path, folder, **environment)
                seconds[label][0] += elapsed
                seconds[label][1] += cpu_used
                line += f"  {label} {elapsed:6.1f} s (cpu {cpu_used:5.1f})" + (
                    f" FAILED: {error}" if error else ""
                )
            print(line, flush=True)
    (now, now_cpu), (then, then_cpu) = seconds["now"], seconds[revision]
    print(
        f"{'whole course':52s}  now {now:6.1f} s (cpu {now_cpu:5.1f})  {revision} {then:6.1f} s (cpu {then_cpu:5.1f}); "
        f"ratio now/{revision}: {now / then:.3f} wall, {now_cpu / then_cpu:.3f} cpu"
    )


if __name__ == "__main__":
    main()
