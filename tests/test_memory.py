"""kit.memory: the fixed mmap threshold that %load_ext kit sets before TensorFlow loads."""

import platform
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
    calls = []
    monkeypatch.setattr("kit.memory.release_large_blocks", lambda: calls.append("memory"))
    monkeypatch.setattr("kit.quiet.import_keras_quietly", lambda: calls.append("keras"))
    monkeypatch.setattr(
        "kit.live_graph.extension.load_ipython_extension", lambda ipython: calls.append("graph")
    )
    kit.load_ipython_extension(None)
    assert calls == ["memory", "keras", "graph"]
