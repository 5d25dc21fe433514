"""Make the student notebooks from the instructor sources.

``exercises/source/NN_name.ipynb`` holds the solution between nbgrader's
``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers, with stored outputs.
The student version ``exercises/NN_name.ipynb`` has each solution region
replaced by ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (indented
like the marker, exactly as nbgrader's ``generate_assignment`` does), hidden
tests removed, and no outputs. Regenerate every student notebook with::

    python -m kit.exercises.release            # from the repository root
    python -m kit.exercises.release --check    # exit 1 if any is out of date

Example
-------
>>> clear_solutions("x = 1\\n    ### BEGIN SOLUTION\\n    y = 2\\n    ### END SOLUTION", "code")
'x = 1\\n    # YOUR CODE HERE\\n    raise NotImplementedError()'
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

__all__ = [
    "CODE_STUB",
    "KEPT_CELL_METADATA",
    "TEXT_STUB",
    "clear_solutions",
    "main",
    "out_of_date",
    "release",
    "remove_hidden_tests",
    "render",
    "sources",
    "student_version",
]

#: What nbgrader puts in place of a solution, per cell type.
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = ("YOUR ANSWER HERE",)
BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"

#: Cell metadata kept in the student version (nbgrader's ids, tags, edit locks).
KEPT_CELL_METADATA = ("nbgrader", "tags", "editable", "deletable")


def clear_solutions(source: str, cell_type: str = "code") -> str:
    """Replace every solution region of a cell's text by the stub, keeping its indent.

    Raises
    ------
    ValueError
        On a region that is nested or never closed.
    """
    stub = CODE_STUB if cell_type == "code" else TEXT_STUB
    lines, inside = [], False
    for line in source.split("\n"):
        if BEGIN_SOLUTION in line:
            if inside:
                raise ValueError(f"nested {BEGIN_SOLUTION!r} markers in cell:\n{source}")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            lines += [indent + stub_line for stub_line in stub]
        elif END_SOLUTION in line:
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise ValueError(f"{BEGIN_SOLUTION!r} without {END_SOLUTION!r} in cell:\n{source}")
    return "\n".join(lines)


def remove_hidden_tests(source: str) -> str:
    """Drop regions between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``."""
    lines, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def student_version(notebook):
    """A copy of an instructor notebook (nbformat node) as students receive it."""
    import copy

    student = copy.deepcopy(notebook)
    for cell in student.cells:
        is_solution = cell.get("metadata", {}).get("nbgrader", {}).get("solution", False)
        cleared = clear_solutions(cell.source, cell.cell_type)
        if is_solution and cleared == cell.source:
            stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
            cleared = "\n".join(stub)
        cell.source = remove_hidden_tests(cleared)
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in KEPT_CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    kernelspec = student.metadata.get("kernelspec")
    student.metadata = {"language_info": {"name": "python"}}
    if kernelspec:
        student.metadata["kernelspec"] = kernelspec
    return student


def render(source_path: Path) -> str:
    """The text of the student notebook made from ``source_path``."""
    import nbformat

    notebook = nbformat.read(source_path, as_version=4)
    return nbformat.writes(student_version(notebook)) + "\n"


def sources(source_dir: Path) -> list[Path]:
    return sorted(Path(source_dir).glob("*.ipynb"))


def release(source_dir, target_dir) -> list[Path]:
    """Write the student version of every notebook of ``source_dir`` into ``target_dir``.

    Returns the paths written. Each file is replaced atomically.
    """
    from kit._files import write_atomically

    source_dir, target_dir = _existing(source_dir), Path(target_dir)
    written = []
    for path in sources(source_dir):
        target = target_dir / path.name
        write_atomically(target, render(path))
        written.append(target)
    return written


def out_of_date(source_dir, target_dir) -> list[str]:
    """Student notebooks that are missing, stale, or have no source; empty when all is current."""
    source_dir, target_dir = _existing(source_dir), Path(target_dir)
    problems = []
    for path in sources(source_dir):
        target = target_dir / path.name
        if not target.exists():
            problems.append(f"{target} is missing")
        elif target.read_text(encoding="utf-8") != render(path):
            problems.append(f"{target} differs from what {path} gives")
    names = {p.name for p in sources(source_dir)}
    problems += [
        f"{p} has no source in {source_dir}"
        for p in sorted(target_dir.glob("*.ipynb"))
        if p.name not in names
    ]
    return problems


def _existing(source_dir) -> Path:
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"expected a directory of instructor notebooks; {source_dir} is not one")
    return source_dir


def _default_root() -> Path:
    here = Path.cwd()
    if (here / "exercises" / "source").is_dir():
        return here
    return Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    root = _default_root()
    parser = argparse.ArgumentParser(
        prog="python -m kit.exercises.release",
        description="Regenerate the student exercise notebooks from their instructor sources.",
    )
    parser.add_argument("source", nargs="?", default=root / "exercises" / "source")
    parser.add_argument("target", nargs="?", default=root / "exercises")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report student notebooks that are out of date (exit 1 if any)",
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = out_of_date(args.source, args.target)
        for problem in problems:
            print(problem)
        print(
            "student notebooks are up to date"
            if not problems
            else "run `python -m kit.exercises.release` to regenerate them"
        )
        return 1 if problems else 0
    for path in release(args.source, args.target):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
