"""Run a benchmark's code in a fresh Jupyter kernel, where learners run kit: shared by the benchmarks.

Example
-------
>>> print(stdout_of("print(6 * 7)"), end="")
42
"""

import os
import tempfile

import nbformat
from nbclient import NotebookClient

__all__ = ["stdout_of"]


def stdout_of(code, timeout=1800):
    """Execute ``code`` as the one cell of a notebook in a new kernel; returns what it printed."""
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(book, timeout=timeout, resources={"metadata": {"path": folder}})
        client.execute(env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KIT_OFFLINE="1", KIT_HOME=folder))
    return "".join(
        output.get("text", "") for output in book.cells[0].outputs if output.get("name") == "stdout"
    )
