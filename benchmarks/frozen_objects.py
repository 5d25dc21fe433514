"""Course notebooks with the objects ``%load_ext kit`` loads frozen out of garbage collection, and not.

``%load_ext kit`` ends with ``kit.garbage.freeze_loaded_objects()``. Each
notebook runs twice in fresh kernels, alternating which goes first: as it is,
and with ``gc.unfreeze()`` in a cell right after ``%load_ext kit``, which puts
everything back in the collector's walks. Prints both wall times, the kernel's
CPU time and peak memory, then the totals and their ratio.

Run: ``python benchmarks/frozen_objects.py [notebooks/02_multiple_inputs_outputs.ipynb ...]``
(the whole course by default, twice over: about 8 minutes on two CPU cores).
"""

import argparse
import pathlib
import tempfile

import nbformat

from notebooks import ROOT, run


def unfrozen_copy(notebook, folder):
    """``notebook`` with a ``gc.unfreeze()`` cell after its ``%load_ext kit`` cell, written to ``folder``."""
    book = nbformat.read(notebook, as_version=4)
    after = next(index for index, cell in enumerate(book.cells) if "%load_ext kit" in cell.source) + 1
    book.cells.insert(after, nbformat.v4.new_code_cell("import gc\ngc.unfreeze()"))
    copy = pathlib.Path(folder, notebook.name)
    nbformat.write(book, copy)
    return copy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=pathlib.Path,
        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
    )
    totals = {"frozen": [0.0, 0.0], "unfrozen": [0.0, 0.0]}
    with tempfile.TemporaryDirectory() as copies:
        for index, notebook in enumerate(parser.parse_args().notebooks):
            versions = [("frozen", notebook), ("unfrozen", unfrozen_copy(notebook, copies))]
            line = f"{notebook.name:50s}"
            for label, path in versions[:: 1 if index % 2 == 0 else -1]:
                with tempfile.TemporaryDirectory() as folder:
                    elapsed, cpu, peak, *_, error = run(path, folder)
                totals[label][0] += elapsed
                totals[label][1] += cpu
                line += f"  {label} {elapsed:5.1f} s (cpu {cpu:5.1f}, peak {peak:4.0f} MB)"
                line += f" FAILED: {error}" if error else ""
            print(line, flush=True)
    (frozen, frozen_cpu), (unfrozen, unfrozen_cpu) = totals["frozen"], totals["unfrozen"]
    print(
        f"{'all':50s}  frozen {frozen:5.1f} s (cpu {frozen_cpu:5.1f})  unfrozen {unfrozen:5.1f} s "
        f"(cpu {unfrozen_cpu:5.1f}); ratio frozen/unfrozen: {frozen / unfrozen:.3f} wall, "
        f"{frozen_cpu / unfrozen_cpu:.3f} cpu"
    )


if __name__ == "__main__":
    main()
