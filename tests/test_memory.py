"""kit.memory: the fixed mmap threshold that %load_ext kit sets before TensorFlow loads."""

import platform
import subprocess
import sys

import pytest

import kit
from kit.memory import release_large_blocks

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_sets_the_threshold_on_glibc():
    assert release_large_blocks() is True
    assert release_large_blocks(4 << 20) is True


@pytest.mark.parametrize("threshold", [0, -1, 1.5, "1MB"])
def test_refuses_a_threshold_that_is_not_a_positive_byte_count(threshold):
    with pytest.raises(ValueError, match="positive number of bytes"):
        release_large_blocks(threshold)


def test_load_ext_sets_it_before_importing_tensorflow(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras", raising=False)  # as in a notebook's first cell
    calls = []
    monkeypatch.setattr("kit.onednn.use_onednn", lambda: calls.append("onednn"))
    monkeypatch.setattr("kit.memory.release_large_blocks", lambda: calls.append("memory"))
    monkeypatch.setattr("kit.quiet.import_keras_quietly", lambda: calls.append("keras"))
    monkeypatch.setattr(
        "kit.live_graph.extension.load_ipython_extension", lambda ipython: calls.append("graph")
    )
    monkeypatch.setattr("kit.garbage.freeze_loaded_objects", lambda: calls.append("garbage"))
    kit.load_ipython_extension(None)
    assert calls == ["onednn", "memory", "keras", "graph", "garbage"]


FREE_AND_MEASURE = """
import sys
import numpy as np
if sys.argv[1] == "on":
    from kit.memory import release_large_blocks
    release_large_blocks()
def resident_mb():
    line = next(line for line in open("/proc/self/status") if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024
block = np.ones(8 << 20, np.uint8)  # 8 MB, above the 4 MB threshold
del block  # freeing it raises glibc's own threshold to 8 MB when kit's is not set
before = resident_mb()
block = np.ones(8 << 20, np.uint8)
del block
print(resident_mb() - before)
"""


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_a_freed_large_block_goes_back_to_the_system_only_with_the_setting():
    kept = {
        mode: float(
            subprocess.run(
                [sys.executable, "-c", FREE_AND_MEASURE, mode], capture_output=True, text=True, check=True
            ).stdout
        )
        for mode in ("off", "on")
    }
    assert kept["off"] > 6, kept  # glibc keeps the 8 MB for reuse
    assert kept["on"] < 1, kept
