"""Tests of kit._files: atomic writes of text, bytes and files written by a function."""

import numpy as np
import pytest

from kit._files import write_atomically


def test_text_bytes_and_a_writer_function_all_land_whole(tmp_path):
    write_atomically(tmp_path / "a.txt", "héllo\n")
    write_atomically(tmp_path / "b.bin", b"\x00\xff")
    write_atomically(tmp_path / "c.npz", lambda path: np.savez(path, w=np.arange(3)))
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert np.load(tmp_path / "c.npz")["w"].tolist() == [0, 1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.bin", "c.npz"]


def test_a_writer_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "state.json"
    write_atomically(target, "old")

    def broken(path):
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_anything_else_is_refused_with_what_was_expected(tmp_path):
    with pytest.raises(TypeError, match="text, bytes or a function, got int"):
        write_atomically(tmp_path / "x", 3)
