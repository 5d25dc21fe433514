"""CPU time and memory of a running process, read from Linux's /proc: shared by the kernel benchmarks.

Example
-------
>>> import os
>>> user, system = cpu_seconds(os.getpid())
>>> resident, peak = memory_mb(os.getpid())
>>> 0 < resident <= peak
True
>>> 0 < private_mb(os.getpid()) <= resident
True
"""

import os
import pathlib

__all__ = ["cpu_seconds", "evict_from_page_cache", "memory_mb", "private_mb"]


def cpu_seconds(pid):
    """User and system CPU seconds of process ``pid`` so far, all its threads, ended ones too."""
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    user, system = stat[stat.rindex(")") + 2 :].split()[11:13]
    ticks = os.sysconf("SC_CLK_TCK")
    return int(user) / ticks, int(system) / ticks


def memory_mb(pid):
    """Resident memory of process ``pid`` now and its peak so far, in MB."""
    return _status_mb(pid, "VmRSS"), _status_mb(pid, "VmHWM")


def private_mb(pid):
    """The part of the resident memory of process ``pid`` that is its own (anonymous), in MB.

    The rest are pages of mapped files, TensorFlow's libraries above all: shared
    by every kernel, and their count depends on how the page cache read them.
    """
    return _status_mb(pid, "RssAnon")


def _status_mb(pid, field):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def evict_from_page_cache(folder):
    """Ask Linux to drop the cached pages of the shared libraries under ``folder``.

    Pages that a running process maps stay. A library just written by pip sits in
    the page cache in large blocks, and a kernel that maps it then counts up to
    ~120 MB more resident memory than one that reads it from disk, as a new
    container does; after this, every run starts from the disk. Returns the
    number of files.
    """
    libraries = [path for path in pathlib.Path(folder).rglob("*.so*") if path.is_file()]
    for path in libraries:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
    return len(libraries)
