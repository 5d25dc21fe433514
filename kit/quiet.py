"""Import TensorFlow without the start-up lines its C++ core writes to stderr.

TensorFlow prints "All log messages before absl::InitializeLog() ..." and a few
informational lines straight to file descriptor 2, ignoring
``TF_CPP_MIN_LOG_LEVEL``. Jupyter captures that descriptor, so the lines land
in the notebook, differ between runs (they carry timestamps) and break nbval.

Used by ``%load_ext kit``, the first cell of every course notebook.
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["import_keras_quietly", "stderr_silenced"]


@contextlib.contextmanager
def stderr_silenced():
    """Send everything written to file descriptor 2 to ``os.devnull`` for a while.

    Example
    -------
    >>> with stderr_silenced():
    ...     os.write(2, b"nobody sees this\\n")
    17
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_keras_quietly():
    """Import TensorFlow and Keras once, with TensorFlow's C++ start-up noise discarded.

    Example
    -------
    >>> keras = import_keras_quietly()
    >>> keras.__name__
    'keras'
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        with stderr_silenced():
            import tensorflow  # noqa: F401
    import keras

    return keras
