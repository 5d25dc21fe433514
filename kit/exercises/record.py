"""The learner's progress file: which exercises passed, written atomically.

The file is ``$KIT_HOME/progress.json`` (``~/.kit/progress.json`` when
``KIT_HOME`` is not set). Every save writes a temporary file in the same
directory, flushes it to disk and renames it over the old one with
``os.replace``, so a crash mid-write leaves the previous file intact. Used by
``kit.check`` and ``kit.progress`` (every notebook in ``exercises/``).

Example
-------
>>> path().name
'progress.json'
>>> record_attempt("functional_mlp", passed=True)["passed"]  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from kit._files import write_atomically

__all__ = [
    "FILE_NAME",
    "FORMAT",
    "HOME_VARIABLE",
    "UnreadableProgress",
    "empty",
    "load",
    "load_or_reset",
    "path",
    "record_attempt",
    "grading",
    "save",
]

#: Environment variable naming the kit's home directory.
HOME_VARIABLE = "KIT_HOME"
#: nbgrader sets this variable while it runs a submission ("autograde", "validate").
GRADING_VARIABLE = "NBGRADER_EXECUTION"
FILE_NAME = "progress.json"
FORMAT = 1


def grading() -> bool:
    """True while nbgrader runs a notebook: an attempt then is not the grader's own.

    Example
    -------
    >>> import os
    >>> grading() == bool(os.environ.get("NBGRADER_EXECUTION"))
    True
    """
    return bool(os.environ.get(GRADING_VARIABLE))


def path() -> Path:
    """Where the progress file lives."""
    home = os.environ.get(HOME_VARIABLE)
    base = Path(home).expanduser() if home else Path.home() / ".kit"
    return base / FILE_NAME


def empty() -> dict:
    return {"format": FORMAT, "exercises": {}}


class UnreadableProgress(ValueError):
    """The progress file exists but is not a progress record."""


def load() -> dict:
    """The progress record; an empty one when there is no file yet.

    Raises
    ------
    UnreadableProgress
        When the file is not valid JSON or not a progress record.
    """
    file = path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableProgress(f"{file} is not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        raise UnreadableProgress(f"{file} is not a kit progress file (no 'exercises' table)")
    return data


def load_or_reset() -> tuple[dict, str | None]:
    """``(record, note)``: an unreadable file is set aside and a fresh record begins.

    ``note`` says where the unreadable file went, or is ``None``.
    """
    try:
        return load(), None
    except UnreadableProgress as error:
        file = path()
        aside = file.with_name(f"{file.name}.unreadable-{_stamp().replace(':', '')}")
        try:
            os.replace(file, aside)
        except OSError as move_error:
            return empty(), f"The progress file is unreadable ({error}) and could not be moved: {move_error}."
        return empty(), f"The progress file was unreadable ({error}); it was moved to {aside}."


def record_attempt(exercise: str, passed: bool, tried: bool = True) -> dict:
    """Count one check of ``exercise``; mark it passed when ``passed``. Returns its entry.

    ``tried`` is false for a check of the untouched stub: the learner has not written
    anything yet, and ``kit solution`` waits for a real try.
    """
    data, _ = load_or_reset()
    entry = data["exercises"].setdefault(exercise, {"passed": False, "attempts": 0})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["tried"] = bool(entry.get("tried")) or tried
    entry["last_checked"] = _stamp()
    if passed:
        if not entry.get("passed"):
            entry["first_passed"] = entry["last_checked"]
        entry["passed"] = True
    save(data)
    return entry


def save(data: dict) -> None:
    """Write ``data`` as the progress file, atomically."""
    write_atomically(path(), json.dumps(data, indent=2, sort_keys=True) + "\n")


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
