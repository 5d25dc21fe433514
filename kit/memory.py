"""Give large freed blocks of memory back to the system at once.

glibc's ``malloc`` raises its "large block" threshold each time a large block is
freed, up to 32 MB, and keeps blocks under that threshold for reuse instead of
returning them. A TensorFlow kernel that trains a few models frees many blocks
of a few MB (batches, gradients, data copies), so it grows by 100-200 MB it no
longer uses. A fixed threshold of 4 MB hands the larger blocks back when they
are freed. A lower one saves a little more memory, but each such block is then
mapped afresh at every training step, which slows convolution training down
(``benchmarks/memory_setting.py`` measures the trade). Used by ``%load_ext kit``,
before TensorFlow is imported.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["release_large_blocks"]

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


def release_large_blocks(threshold=4 << 20):
    """Make ``malloc`` return every freed block of ``threshold`` bytes or more at once.

    Returns True when set, False where it does not apply (not Linux, or a C library
    without ``mallopt``).

    Example
    -------
    >>> release_large_blocks() in (True, False)
    True
    """
    if not isinstance(threshold, int) or threshold <= 0:
        raise ValueError(f"threshold must be a positive number of bytes, got {threshold!r}.")
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
