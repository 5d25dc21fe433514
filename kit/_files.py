"""Writing files so that a crash never leaves one half-written.

Example
-------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
>>> write_atomically(target, "first line\\n")
>>> target.read_text()
'first line\\n'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(target, content: str | bytes | Callable[[Path], object]) -> None:
    """Replace ``target`` by a new file, all at once or not at all.

    ``content`` is text, bytes, or a function that writes the file at the path it
    is given (for example ``lambda path: numpy.savez(path, ...)``). The data goes
    to a temporary file in the same folder, reaches the disk (``fsync``), and is
    renamed over ``target``; a crash at any point leaves the previous file whole.

    Example
    -------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a" / "b.bin"
    >>> write_atomically(target, b"\\x00\\x01")
    >>> target.read_bytes()
    b'\\x00\\x01'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A writer function gets a name ending like the target, so that np.savez adds no suffix.
    suffix = ".tmp" + (target.suffix if callable(content) else "")
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        _write(temporary, content)
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _write(path: Path, content) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif callable(content):
        content(path)
    else:
        raise TypeError(f"write_atomically expects text, bytes or a function, got {type(content).__name__}")
