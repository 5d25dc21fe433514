"""Points for nbgrader: one autograded test cell per requirement of an exercise.

Each test cell of an exercise source asks :func:`unmet` about one line of the
checklist and asserts that nothing is unmet: it passes when that line holds and
fails with the ✗ line and a hint when it does not, so nbgrader gives the points
of the requirements a submission meets and keeps the others (partial credit).
The error shows the learner's cell only, never the kit's code. The check runs
once per submission: the cells share its result.

``add_grading_cells`` (re)writes those cells in a source notebook, and
``kit grading-cells`` does it for every source of a course.

Example
-------
>>> def build_model():
...     raise NotImplementedError()
>>> unmet("functional_mlp", build_model, "2 inputs")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: expected one line of the functional_mlp checklist...
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["CHECK_CALL", "POINTS", "add_grading_cells", "grading_cells", "unmet"]

#: Points of one requirement.
POINTS = 1
#: The check cell of an exercise source: ``kit.check("name", obj)``.
CHECK_CALL = re.compile(r"kit\.check\(\s*\"(\w+)\"\s*,\s*(\w+)")

#: The last check run by :func:`unmet`: ((exercise, id of the object), object, result).
_LAST: dict = {}


def unmet(exercise: str, obj, requirement: str) -> str:
    """What is wrong with ``requirement`` for ``obj``: ``""`` when it holds (an nbgrader test cell).

    The test cell asserts that nothing is unmet, so a submission that breaks
    the requirement loses its points and reads the ✗ line, with a hint, as the
    error: ``problem = unmet(...)`` then ``assert not problem, problem``.

    Parameters
    ----------
    exercise : str
        The exercise's name, as given to ``kit.check``.
    obj : callable or keras.Model
        What the learner built (the same object the notebook's check receives).
    requirement : str
        One line of the exercise's checklist, as ``kit.check`` prints it.
    """
    from kit.exercises import check
    from kit.exercises import exercise as find_exercise

    texts = [r.text for r in find_exercise(exercise).requirements]
    if requirement not in texts:
        raise ValueError(
            f"expected one line of the {exercise} checklist ({'; '.join(texts)}), got {requirement!r}"
        )
    key = (exercise, id(obj))
    if key not in _LAST or _LAST[key][0] is not obj:
        _LAST.clear()
        _LAST[key] = (obj, check(exercise, obj, save=False))
    result = _LAST[key][1]
    if result.problem is not None:
        untouched = "NotImplementedError" in result.problem
        return ("not attempted yet: " if untouched else "✗ ") + result.problem
    item = next(item for item in result.items if item.text == requirement)
    if item.passed:
        return ""
    hints = item.hints or result.hints
    hint = f"\nHint: {hints[0]}" if hints else ""
    return f"✗ {item.text}\n    {item.message}{hint}"


def grading_cells(exercise: str, obj_name: str) -> list[tuple[str, str]]:
    """``(grade_id, source)`` of the test cells for ``exercise``, one per requirement."""
    from kit.exercises import exercise as find_exercise

    cells = []
    for number, requirement in enumerate(find_exercise(exercise).requirements, start=1):
        source = (
            f"# {POINTS} point: {requirement.text}\n"
            "from kit.exercises.grading import unmet\n\n"
            f"problem = unmet({_quoted(exercise)}, {obj_name}, {_quoted(requirement.text)})\n"
            "assert not problem, problem"
        )
        cells.append((f"{exercise}_test_{number}", source))
    return cells


def add_grading_cells(path) -> int:
    """(Re)write the graded test cells of one exercise source, after its check cell.

    Running it twice changes nothing. Returns the number of test cells.
    """
    import nbformat

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    checks = [(i, CHECK_CALL.search(cell.source)) for i, cell in enumerate(notebook.cells)]
    found = [(i, match) for i, match in checks if match and notebook.cells[i].cell_type == "code"]
    if not found:
        raise ValueError(f'expected a cell calling kit.check("name", obj) in {path}; found none')
    index, match = found[0]
    exercise, obj_name = match.groups()
    check_cell = notebook.cells[index]
    # Cells already as they should be are kept whole, with their stored outputs.
    existing = {cell.get("id"): cell for cell in notebook.cells if _is_grading_cell(cell, exercise)}
    kept = [cell for cell in notebook.cells if not _is_grading_cell(cell, exercise)]
    index = kept.index(check_cell)
    header = nbformat.v4.new_markdown_cell(GRADING_HEADER)
    header.id = f"{exercise}-points"
    new = [_unchanged(existing.get(header.id), header)]
    for grade_id, source in grading_cells(exercise, obj_name):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = grade_id.replace("_", "-")
        cell.metadata["nbgrader"] = {
            "grade": True,
            "grade_id": grade_id,
            "locked": True,
            "points": POINTS,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False
        new.append(_unchanged(existing.get(cell.id), cell))
    notebook.cells = kept[: index + 1] + new + kept[index + 1 :]
    text = nbformat.writes(notebook) + "\n"
    if path.read_text(encoding="utf-8") != text:
        from kit._files import write_atomically

        write_atomically(path, text)
    return len(new) - 1


GRADING_HEADER = (
    "### Points\n\n"
    "In a graded course, each cell below gives the points of one line of the checklist: it stays "
    "silent when the line holds and shows the ✗ line when it does not. You do not need to run them."
)


def _unchanged(old, new):
    """``old`` when it has ``new``'s type, source and nbgrader metadata (keeping its outputs)."""
    same = old is not None and (old.cell_type, old.source) == (new.cell_type, new.source)
    if same and old.metadata.get("nbgrader") == new.metadata.get("nbgrader"):
        return old
    return new


def _quoted(text: str) -> str:
    """A double-quoted Python string literal (the course's style)."""
    return json.dumps(text, ensure_ascii=False)


def _is_grading_cell(cell, exercise) -> bool:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    return grade_id.startswith(f"{exercise}_test_") or cell.get("id") == f"{exercise}-points"
