"""The exercises' solutions: out of the learners' view, shown on request after a try.

A course image (Binder, a JupyterHub) moves the instructor notebooks out of the
learners' home with ``kit hide-solutions`` (``binder/postBuild`` runs it): they
go to ``<python prefix>/share/kit/solutions``, which the file browser does not
show. A learner who has tried an exercise asks for its solution with
``kit solution NAME``; a clone of the repository (self-study, instructors) keeps
them in ``exercises/source/``.

Example
-------
>>> strip_markers("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION")
'x = 1\\ny = 2'
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["NotTriedYet", "hidden_home", "find_sources", "hide", "solution_code", "strip_markers"]

#: An environment variable naming the folder of the instructor notebooks.
SOLUTIONS_VARIABLE = "KIT_SOLUTIONS"


class NotTriedYet(RuntimeError):
    """The learner asked for a solution before checking their own attempt once."""


def hidden_home() -> Path:
    """Where a course image keeps the instructor notebooks: inside the Python environment."""
    return Path(sys.prefix) / "share" / "kit" / "solutions"


def find_sources(course: Path | None = None) -> Path:
    """The folder of the instructor notebooks: ``$KIT_SOLUTIONS``, the course's, or the hidden one.

    Raises
    ------
    FileNotFoundError
        When none of them holds a notebook.
    """
    candidates = [Path(os.environ[SOLUTIONS_VARIABLE])] if os.environ.get(SOLUTIONS_VARIABLE) else []
    if course is not None:
        candidates.append(Path(course) / "exercises" / "source")
    candidates.append(hidden_home())
    for folder in candidates:
        if any(folder.glob("*.ipynb")):
            return folder
    raise FileNotFoundError(
        "expected the exercises' instructor notebooks in "
        + " or ".join(str(folder) for folder in candidates)
        + "; none is there. This course was installed without its solutions."
    )


def hide(course: Path) -> Path:
    """Move ``course/exercises/source`` to :func:`hidden_home`; return the new folder."""
    source, target = Path(course) / "exercises" / "source", hidden_home()
    if not any(source.glob("*.ipynb")):
        raise FileNotFoundError(f"expected instructor notebooks (*.ipynb) in {source}; found none")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    shutil.move(str(source), str(target))
    return target


def strip_markers(code: str) -> str:
    """The code without nbgrader's ``### BEGIN/END SOLUTION`` lines."""
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in code.split("\n") if line.strip() not in markers)


def solution_code(name: str, course: Path | None = None, anyway: bool = False) -> str:
    """The solution of exercise ``name`` (its solution cells), once the learner has tried it.

    Raises
    ------
    NotTriedYet
        When ``kit.check`` never ran on this exercise and ``anyway`` is false.
    """
    import nbformat

    from kit.exercises import exercise, record

    spec = exercise(name)
    if not anyway:
        data, _ = record.load_or_reset()
        entry = data["exercises"].get(spec.name, {})
        if not entry.get("tried", bool(entry.get("attempts"))):
            raise NotTriedYet(
                f"try {spec.name!r} first: write your build function and run its check cell "
                f"(kit.check({spec.name!r}, ...)) at least once, then ask again. To see the "
                "solution without trying, add --anyway."
            )
    [path] = [p for p in find_sources(course).glob("*.ipynb") if p.stem.split("_", 1)[-1] == spec.name]
    cells = nbformat.read(path, as_version=4).cells
    solved = [c.source for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return "\n\n\n".join(strip_markers(code) for code in solved)
