"""The ``kit`` command: open the course, regenerate the exercises, check the machine.

::

    kit lab        # open the course in JupyterLab, at notebooks/00_start_here.ipynb
    kit release    # regenerate exercises/*.ipynb from exercises/source/
    kit doctor     # versions, devices, Graphviz, memory, widgets; a fix for each problem
    kit binder-badge  # the Binder badge of this course's GitHub repository, for a README
    kit grading-cells # (re)write the nbgrader test cells (points) of the exercise sources
    kit solution NAME # the solution of an exercise, once you have checked your own attempt
    kit hide-solutions # move the instructor notebooks out of the learners' home (course images)

``kit`` stays light: TensorFlow is imported by ``kit doctor`` only. The README's
"Where it runs" section and ``binder/postBuild`` use these commands.

Example
-------
>>> main(["release", "--check"])          # doctest: +SKIP
student notebooks are up to date
0
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

__all__ = [
    "CourseNotFound",
    "binder_badge",
    "START_NOTEBOOK",
    "build_parser",
    "find_course",
    "lab_command",
    "main",
    "run_binder_badge",
    "run_doctor",
    "run_grading_cells",
    "run_hide_solutions",
    "run_solution",
    "run_lab",
    "run_release",
]

#: The notebook every session opens first, relative to the course root.
START_NOTEBOOK = Path("notebooks") / "00_start_here.ipynb"
#: Instructor sources and student notebooks, relative to the course root.
EXERCISE_SOURCES, EXERCISE_TARGET = Path("exercises") / "source", Path("exercises")


class CourseNotFound(ValueError):
    """No course (a folder with notebooks/00_start_here.ipynb) where one was expected."""


def find_course(explicit=None, start=None) -> Path:
    """The course root: the folder holding ``notebooks/00_start_here.ipynb``.

    Looks at ``explicit`` when given; otherwise at ``start`` (the current
    directory by default) and its parents, then at the folder the kit was
    installed from (an editable install, as ``./scripts/install`` makes).

    Raises
    ------
    CourseNotFound
        When none of these holds the course.

    Example
    -------
    >>> find_course().joinpath(START_NOTEBOOK).is_file()   # doctest: +SKIP
    True
    """
    if explicit is not None:
        root = Path(explicit).expanduser().resolve()
        if not (root / START_NOTEBOOK).is_file():
            raise CourseNotFound(
                f"expected a course folder containing {START_NOTEBOOK}; {root} has no such file"
            )
        return root
    here = Path(start or Path.cwd()).resolve()
    candidates = [here, *here.parents, Path(__file__).resolve().parents[1]]
    for candidate in candidates:
        if (candidate / START_NOTEBOOK).is_file():
            return candidate
    raise CourseNotFound(
        f"expected to run inside the course (a folder containing {START_NOTEBOOK}); neither "
        f"{here}, its parents, nor {candidates[-1]} hold it. Change into the course folder "
        "or pass --course PATH."
    )


def lab_command(root: Path, notebook: Path, port=None, open_browser=True, as_root=None) -> list:
    """The ``jupyter lab`` command line that opens ``notebook`` of the course at ``root``.

    Example
    -------
    >>> lab_command(Path("/c"), Path("/c/notebooks/a.ipynb"), port=8888, as_root=False)[1:3]
    ['-m', 'jupyterlab']
    """
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if as_root:  # JupyterLab refuses to start as root without it (containers, CI)
        command.append("--allow-root")
    command.append(str(notebook))
    return command


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number (1-65535), got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (1-65535), got {port}")
    return port


def run_lab(args, parser) -> int:
    root = _course_or_exit(args.course, parser)
    notebook = (root / args.notebook).resolve()
    if not notebook.is_file():
        parser.error(f"expected a notebook inside {root}; {args.notebook} does not exist there")
    if root not in notebook.parents:
        parser.error(f"expected a notebook inside the course {root}; got {notebook}")
    command = lab_command(root, notebook, port=args.port, open_browser=not args.no_browser)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # kernels inherit it: no C++ start-up noise
    os.chdir(root)
    sys.stdout.flush()
    os.execv(command[0], command)
    return 0  # not reached: JupyterLab replaces this process


def run_release(args, parser) -> int:
    from kit.exercises import release

    root = None
    if args.source is None or args.target is None:
        root = _course_or_exit(args.course, parser)
    source = Path(args.source) if args.source is not None else root / EXERCISE_SOURCES
    target = Path(args.target) if args.target is not None else root / EXERCISE_TARGET
    if not source.is_dir():
        parser.error(f"expected a folder of instructor notebooks; {source} is not a folder")
    if not release.sources(source):
        parser.error(f"expected instructor notebooks (*.ipynb) in {source}; found none")
    if args.check:
        problems = release.out_of_date(source, target)
        for problem in problems:
            print(problem)
        print("run `kit release` to regenerate them" if problems else "student notebooks are up to date")
        return 1 if problems else 0
    written = release.release(source, target)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} student notebooks regenerated from {source}")
    return 0


def run_grading_cells(args, parser) -> int:
    from kit.exercises import release
    from kit.exercises.grading import add_grading_cells

    source = Path(args.source) if args.source else _course_or_exit(args.course, parser) / EXERCISE_SOURCES
    if not source.is_dir() or not release.sources(source):
        parser.error(f"expected instructor notebooks (*.ipynb) in {source}; found none")
    for path in release.sources(source):
        print(f"{path.name}: {add_grading_cells(path)} graded cells, 1 point each")
    print("run `kit release` to update the learner notebooks")
    return 0


def run_solution(args, parser) -> int:
    from kit.exercises import solutions

    try:
        course = find_course(args.course)
    except CourseNotFound:
        course = None
    try:
        code = solutions.solution_code(args.name, course, anyway=args.anyway)
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    except (solutions.NotTriedYet, FileNotFoundError) as error:
        print(f"kit solution: {error}", file=sys.stderr)
        return 1
    print(f"# The solution of {args.name}: compare it with yours, then close this.\n")
    print(code)
    return 0


def run_hide_solutions(args, parser) -> int:
    from kit.exercises import solutions

    root = _course_or_exit(args.course, parser)
    try:
        target = solutions.hide(root)
    except FileNotFoundError as error:
        parser.error(str(error))
    print(f"moved the instructor notebooks to {target}; `kit solution NAME` reads them there")
    return 0


def run_doctor(args, parser) -> int:
    from kit import doctor

    findings = doctor.examine()
    print(doctor.format_findings(findings))
    return 1 if any(finding.status == doctor.PROBLEM for finding in findings) else 0


GITHUB_REMOTE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$"
)


def binder_badge(remote_url: str, ref: str = "HEAD") -> str:
    """The Markdown of a Binder badge that opens the course of a GitHub repository at its first notebook.

    Example
    -------
    >>> print(binder_badge("git@github.com:my-org/kit-course.git"))  # doctest: +NORMALIZE_WHITESPACE
    [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/my-org/kit-course/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb)
    """
    found = GITHUB_REMOTE.match(remote_url.strip())
    if found is None:
        raise ValueError(
            f"expected a GitHub remote (https://github.com/OWNER/REPO or git@github.com:OWNER/REPO), "
            f"got {remote_url.strip()!r}: Binder builds public GitHub repositories"
        )
    owner, repository = found.groups()
    address = (
        f"https://mybinder.org/v2/gh/{owner}/{repository}/{ref}?urlpath=lab/tree/{START_NOTEBOOK.as_posix()}"
    )
    return f"[![Binder](https://mybinder.org/badge_logo.svg)]({address})"


def run_binder_badge(args, parser) -> int:
    root = _course_or_exit(args.course, parser)
    remote = subprocess.run(
        ["git", "-C", str(root), "remote", "get-url", args.remote], capture_output=True, text=True
    )
    if remote.returncode != 0:
        parser.error(
            f"expected a git remote named {args.remote!r} in {root}: "
            f"{remote.stderr.strip() or 'none found'} (push the course to GitHub first)"
        )
    try:
        print(binder_badge(remote.stdout, args.ref))
    except ValueError as error:
        parser.error(str(error))
    return 0


def _course_or_exit(explicit, parser) -> Path:
    try:
        return find_course(explicit)
    except CourseNotFound as error:
        parser.error(str(error))


def _course_option(parser):
    parser.add_argument(
        "--course", metavar="PATH", help="the course folder (default: found from the current folder)"
    )


def _source_option(parser):
    parser.add_argument(
        "--source", metavar="DIR", help=f"instructor notebooks (default: {EXERCISE_SOURCES.as_posix()})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kit",
        description="The Keras functional API course: open it, regenerate its exercises, "
        "check that this machine can run it.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lab = commands.add_parser(
        "lab",
        help="open the course in JupyterLab",
        description=f"Start JupyterLab on the course and open {START_NOTEBOOK.as_posix()}.",
    )
    lab.add_argument(
        "notebook",
        nargs="?",
        default=str(START_NOTEBOOK),
        help=f"notebook to open, relative to the course (default: {START_NOTEBOOK.as_posix()})",
    )
    lab.add_argument(
        "--port", type=_port, help="port to serve on (default: JupyterLab's, 8888 or the next free)"
    )
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address")
    _course_option(lab)
    lab.set_defaults(run=run_lab, parser=lab)

    release = commands.add_parser(
        "release",
        help="regenerate the student exercise notebooks",
        description="Write exercises/NN_name.ipynb from exercises/source/NN_name.ipynb: "
        "solutions replaced by stubs, hidden tests and outputs removed.",
    )
    _source_option(release)
    release.add_argument(
        "--target", metavar="DIR", help=f"where student notebooks go (default: {EXERCISE_TARGET.as_posix()})"
    )
    release.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list out-of-date student notebooks and exit 1 if any",
    )
    _course_option(release)
    release.set_defaults(run=run_release, parser=release)

    doctor = commands.add_parser(
        "doctor",
        help="check versions, devices, Graphviz, memory and widgets",
        description="Check that this machine can run the course: Python, TensorFlow and Keras "
        "versions, devices, Graphviz, available memory, and whether the widgets can render. "
        "Every problem comes with its fix. Exits 1 when a problem was found.",
    )
    doctor.set_defaults(run=run_doctor, parser=doctor)

    grading = commands.add_parser(
        "grading-cells",
        help="(re)write the nbgrader test cells that give points",
        description="Write, after the check cell of each instructor notebook, one autograded "
        "nbgrader test cell per line of the exercise's checklist (1 point each). Running it "
        "again changes nothing.",
    )
    _source_option(grading)
    _course_option(grading)
    grading.set_defaults(run=run_grading_cells, parser=grading)

    solution = commands.add_parser(
        "solution",
        help="print the solution of an exercise you have tried",
        description="Print the solution of an exercise, once `kit.check` has run on your own "
        "attempt at least once. On Binder and JupyterHub the solutions are kept out of the file "
        "browser; this command is the way to them.",
    )
    solution.add_argument("name", help="the exercise, e.g. functional_mlp (kit.exercises.names())")
    solution.add_argument("--anyway", action="store_true", help="show it even if you have not tried yet")
    _course_option(solution)
    solution.set_defaults(run=run_solution, parser=solution)

    hide = commands.add_parser(
        "hide-solutions",
        help="move the instructor notebooks out of the learners' home",
        description="Move exercises/source/ into the Python environment (share/kit/solutions), "
        "out of the file browser; `kit solution` still finds them. For course images: "
        "binder/postBuild runs it after `kit release`.",
    )
    _course_option(hide)
    hide.set_defaults(run=run_hide_solutions, parser=hide)

    badge = commands.add_parser(
        "binder-badge",
        help="print the Binder badge of this course's GitHub repository",
        description="Print the Markdown of a Binder badge that opens this course, read from the "
        "git remote of the course folder (a public GitHub repository).",
    )
    badge.add_argument("--remote", default="origin", help="the git remote to read (default: origin)")
    badge.add_argument("--ref", default="HEAD", help="branch, tag or commit Binder builds (default: HEAD)")
    _course_option(badge)
    badge.set_defaults(run=run_binder_badge, parser=badge)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``kit`` command (declared in pyproject.toml)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.run(args, args.parser)


if __name__ == "__main__":
    sys.exit(main())
