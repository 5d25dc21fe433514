"""Make the student notebooks from the instructor sources, with nbgrader's own preprocessors.

``exercises/source/NN_name.ipynb`` holds the solution between nbgrader's
``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers, with stored outputs.
The student version ``exercises/NN_name.ipynb`` is what ``nbgrader
generate_assignment`` releases, byte for byte: this module runs the same chain
of preprocessors (solutions replaced by ``# YOUR CODE HERE`` and ``raise
NotImplementedError()``, hidden tests removed, outputs cleared, graded cells
locked and checksummed), leaving out only the one that writes nbgrader's
gradebook. A course built with ``kit release`` or with nbgrader is the same.
Regenerate every student notebook with::

    python -m kit.exercises.release            # from the repository root
    python -m kit.exercises.release --check    # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = [
    "main",
    "out_of_date",
    "preprocessors",
    "release",
    "render",
    "sources",
    "student_version",
]


def preprocessors() -> list:
    """nbgrader's ``generate_assignment`` chain, without ``SaveCells`` (the gradebook)."""
    try:
        from nbgrader.converters.generate_assignment import GenerateAssignment
        from nbgrader.preprocessors import SaveCells
    except ImportError as error:
        raise ImportError(
            "making the learner notebooks needs nbgrader, whose preprocessors do it: "
            "pip install 'nbgrader>=0.9' (or install the kit with its course extra)"
        ) from error

    chain = GenerateAssignment.class_traits()["preprocessors"].default()
    return [step for step in chain if step is not SaveCells]


def student_version(notebook, name: str = "exercise"):
    """A copy of an instructor notebook (nbformat node) as nbgrader releases it to students.

    Raises
    ------
    ValueError
        When nbgrader refuses the notebook (broken markers, bad cell metadata).
    """
    import copy

    student = copy.deepcopy(notebook)
    resources = {"nbgrader": {"assignment": name, "notebook": name}}
    for step in preprocessors():
        try:
            student, resources = step().preprocess(student, resources)
        except Exception as error:  # nbgrader raises plain RuntimeErrors and its own types
            raise ValueError(f"nbgrader's {step.__name__} refused {name}: {error}") from error
    return student


def render(source_path: Path) -> str:
    """The text of the student notebook made from ``source_path``."""
    import nbformat

    notebook = nbformat.read(source_path, as_version=4)
    return nbformat.writes(student_version(notebook, Path(source_path).stem)) + "\n"


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
