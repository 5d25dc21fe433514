"""Student notebooks: generated from the instructor sources by nbgrader's own preprocessors,
kept up to date, and accepted by nbgrader's own generate_assignment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from kit.exercises import names
from kit.exercises.release import main, out_of_date, release, render, student_version

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "exercises" / "source"
STUDENT_DIR = ROOT / "exercises"


def solution_metadata(grade_id):
    """The metadata nbgrader's create-assignment toolbar gives a solution cell."""
    return {
        "nbgrader": {
            "grade": False,
            "grade_id": grade_id,
            "locked": False,
            "schema_version": 3,
            "solution": True,
            "task": False,
        }
    }


def notebook_of(*cells):
    return new_notebook(
        cells=list(cells), metadata={"language_info": {"name": "python", "version": "3.11.7"}}
    )


def test_the_student_version_clears_solutions_hidden_tests_and_outputs():
    cell = new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\nprint(x)")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.execution_count = 3
    cell.metadata = solution_metadata("x")
    whole = new_code_cell("secret = 42")
    whole.metadata = solution_metadata("y")
    test = new_code_cell("assert x\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS")
    test.metadata = solution_metadata("t")
    test.metadata["nbgrader"].update(solution=False, grade=True, locked=True, points=1)
    notebook = notebook_of(cell, whole, test)
    first, second, third = student_version(notebook).cells
    assert first.source == "# YOUR CODE HERE\nraise NotImplementedError()\nprint(x)"
    assert first.outputs == [] and first.execution_count is None
    assert first.metadata["nbgrader"]["grade_id"] == "x"
    assert second.source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert third.source == "assert x" and third.metadata["deletable"] is False
    assert notebook.cells[0].outputs, "the source is left untouched"


def test_broken_markers_are_refused_with_the_notebooks_name():
    cell = new_code_cell("### BEGIN SOLUTION\nx = 1")
    cell.metadata = solution_metadata("x")
    with pytest.raises(ValueError, match="nbgrader's ClearSolutions refused 07_broken"):
        student_version(notebook_of(cell), "07_broken")


def test_the_student_notebooks_are_up_to_date():
    problems = out_of_date(SOURCE_DIR, STUDENT_DIR)
    assert problems == [], (
        "student notebooks are out of date; run `python -m kit.exercises.release`:\n" + "\n".join(problems)
    )


def test_regenerating_into_a_fresh_directory_gives_the_same_files(tmp_path):
    written = release(SOURCE_DIR, tmp_path)
    assert [p.name for p in written] == sorted(p.name for p in SOURCE_DIR.glob("*.ipynb"))
    for path in written:
        assert path.read_bytes() == (STUDENT_DIR / path.name).read_bytes()


def test_stale_missing_and_orphaned_student_notebooks_are_reported(tmp_path):
    source, target = tmp_path / "source", tmp_path / "student"
    shutil.copytree(SOURCE_DIR, source)
    release(source, target)
    assert out_of_date(source, target) == []
    first, second = sorted(source.glob("*.ipynb"))[:2]
    notebook = nbformat.read(first, as_version=4)
    notebook.cells[0].source += "\n\nOne more sentence."
    nbformat.write(notebook, first)
    (target / second.name).unlink()
    (target / "99_old.ipynb").write_text("{}")
    problems = out_of_date(source, target)
    assert any(first.name in p and "differs" in p for p in problems)
    assert any(second.name in p and "is missing" in p for p in problems)
    assert any("99_old.ipynb has no source" in p for p in problems)


def test_the_command_checks_and_regenerates(tmp_path, capsys):
    source, target = tmp_path / "source", tmp_path / "student"
    shutil.copytree(SOURCE_DIR, source)
    assert main([str(source), str(target), "--check"]) == 1
    assert "is missing" in capsys.readouterr().out
    assert main([str(source), str(target)]) == 0
    assert main([str(source), str(target), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_the_command_runs_as_a_module(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kit.exercises.release", str(SOURCE_DIR), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("*.ipynb"))) == len(names())


def test_a_missing_source_directory_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="expected a directory of instructor notebooks"):
        release(tmp_path / "nowhere", tmp_path)


def test_every_exercise_has_a_source_with_one_solution_cell_and_its_check():
    for name in names():
        [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
        notebook = nbformat.read(path, as_version=4)
        solutions = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert len(solutions) == 1, name
        assert "### BEGIN SOLUTION" in solutions[0].source
        sources = [c.source for c in notebook.cells if c.cell_type == "code"]
        assert 'os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"' in sources[0]
        assert sources[0].index("TF_CPP_MIN_LOG_LEVEL") < sources[0].index("import_keras_quietly()")
        assert any(s.startswith(f'result = kit.check("{name}", ') for s in sources), name
        assert "result.hint()" in sources
        assert all(
            c.outputs for c in notebook.cells if c.cell_type == "code" and c.source.startswith("result")
        ), f"{name}: outputs not stored"
        student = nbformat.reads(render(path), as_version=4)
        assert all(not c.outputs for c in student.cells if c.cell_type == "code")
        assert "BEGIN SOLUTION" not in render(path)


def test_nbgrader_generate_assignment_accepts_the_sources(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(SOURCE_DIR, course / "source" / "exercises")
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "kit"\n')
    bin_dir = str(Path(sys.executable).parent)  # nbgrader's gradebook calls `alembic` from PATH
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(
        [os.path.join(bin_dir, "nbgrader"), "generate_assignment", "exercises"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    released = sorted((course / "release" / "exercises").glob("*.ipynb"))
    assert [p.name for p in released] == sorted(p.name for p in SOURCE_DIR.glob("*.ipynb"))
    for path in released:
        # One release path: the learner notebooks are nbgrader's release, metadata and checksums included.
        assert (STUDENT_DIR / path.name).read_text() == path.read_text(), path.name
        theirs = nbformat.read(path, as_version=4)
        assert all(not c.outputs for c in theirs.cells if c.cell_type == "code")
