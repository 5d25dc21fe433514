"""CPU time and memory of a running process, read from Linux's /proc: shared by the kernel benchmarks.

Example
-------
>>> import os
>>> user, system = cpu_seconds(os.getpid())
>>> resident, peak = memory_mb(os.getpid())
>>> 0 < resident <= peak
True
"""

import os
import pathlib

__all__ = ["cpu_seconds", "memory_mb"]


def cpu_seconds(pid):
    """User and system CPU seconds of process ``pid`` so far, all its threads, ended ones too."""
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    user, system = stat[stat.rindex(")") + 2 :].split()[11:13]
    ticks = os.sysconf("SC_CLK_TCK")
    return int(user) / ticks, int(system) / ticks


def memory_mb(pid):
    """Resident memory of process ``pid`` now and its peak so far, in MB."""
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM")))
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024
