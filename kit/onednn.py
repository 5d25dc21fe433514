"""Have TensorFlow use its oneDNN CPU kernels, and give their memory back after each operation.

TensorFlow's wheels turn oneDNN on by themselves only on some CPUs; on others (this
project's AMD EPYC test machine, for one) they keep their older kernels, which need
about twice the CPU time to train the course's convolution networks
(``benchmarks/kernel_settings.py``). oneDNN's scratch buffers come from TensorFlow's
own allocator by default, which keeps them after each operation; with
``TF_ONEDNN_USE_SYSTEM_ALLOCATOR`` they come from ``malloc``, which hands them back.
TensorFlow reads both variables once, when it loads: ``%load_ext kit`` sets them
just before. A value the learner has set already is left as it is.
"""

from __future__ import annotations

import os

__all__ = ["ONEDNN_SETTINGS", "use_onednn"]

#: Environment variable -> value, read by TensorFlow when it is imported.
ONEDNN_SETTINGS = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "1"}


def use_onednn(environ=None):
    """Set each of ``ONEDNN_SETTINGS`` that ``environ`` (default ``os.environ``) lacks.

    Returns the settings it added. It only has an effect before TensorFlow is imported.

    Example
    -------
    >>> use_onednn({"TF_ENABLE_ONEDNN_OPTS": "0"})
    {'TF_ONEDNN_USE_SYSTEM_ALLOCATOR': '1'}
    """
    environ = os.environ if environ is None else environ
    added = {name: value for name, value in ONEDNN_SETTINGS.items() if name not in environ}
    environ.update(added)
    return added
