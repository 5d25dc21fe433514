"""nbgrader gives points: its real cycle (generate_assignment, autograde, generate_feedback,
export) on three exercises, each with four students: the solution, the untouched release and
two wrong answers, which lose exactly the points of the requirements they break."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import keras
import nbformat
import pytest
from checker_corpus import ANSWERS
from exercise_support import run_cell
from keras import layers

import kit
from kit.exercises.grading import add_grading_cells, grading_cells, unmet
from kit.exercises.solutions import strip_markers

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "exercises" / "source"
BIN = Path(sys.executable).parent
#: exercise source -> two wrong answers of the checker's corpus (tests/checker_corpus.py).
WRONG = {
    "01_functional_mlp": ("hidden-32", "relu-output"),
    "04_node_indexing": ("nodes-swapped", "layer-output"),
    "06_residual_projection": ("relu-before-sum", "no-relu-after"),
}
STUDENTS = ("solution", "untouched", "wrong_1", "wrong_2")
CONFIG = """c = get_config()
c.CourseDirectory.course_id = "kit"
c.ExecutePreprocessor.timeout = 600
"""


def solution_cell(notebook):
    return next(c for c in notebook.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution"))


def answer(name, student):
    """The code of a student's solution cell (None: the release's stub, untouched)."""
    if student == "untouched":
        return None
    if student.startswith("wrong_"):
        label = WRONG[name][int(student[-1]) - 1]
        key = name.split("_", 1)[1] + "-" + label
        [wrong] = [a for a in ANSWERS if a.key == key]
        return wrong.code
    code = solution_cell(nbformat.read(SOURCES / f"{name}.ipynb", as_version=4)).source
    return strip_markers(code)


def checker_points(name, code):
    """Points the checker itself gives this code: the requirements it meets."""
    if code is None:
        return 0
    cells = nbformat.read(SOURCES / f"{name}.ipynb", as_version=4).cells
    exercise = re.search(r'kit\.check\("(\w+)"', "\n".join(c.source for c in cells)).group(1)
    namespace = {"keras": keras, "layers": layers, "kit": kit}
    run_cell(code, f"/tmp/kit-cells/{name}.py", namespace)
    result = kit.check(exercise, namespace["build_model"], save=False)
    return sum(item.passed for item in result.items)


def nbgrader(*arguments, course):
    environment = dict(
        os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", TF_CPP_MIN_LOG_LEVEL="3"
    )
    done = subprocess.run(
        [str(BIN / "nbgrader"), *arguments],
        cwd=course,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder after nbgrader's whole cycle on the three exercises."""
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(CONFIG)
    for name in WRONG:
        folder = root / "source" / name
        folder.mkdir(parents=True)
        shutil.copy(SOURCES / f"{name}.ipynb", folder)
        nbgrader("generate_assignment", name, "--force", course=root)
        released = root / "release" / name / f"{name}.ipynb"
        for student in STUDENTS:
            submitted = root / "submitted" / student / name
            submitted.mkdir(parents=True)
            notebook = nbformat.read(released, as_version=4)
            code = answer(name, student)
            if code is not None:
                solution_cell(notebook).source = code
            nbformat.write(notebook, submitted / f"{name}.ipynb")
        nbgrader("autograde", name, "--force", course=root)
        nbgrader("generate_feedback", name, "--force", course=root)
    nbgrader("export", course=root)
    return root


def scores(root):
    with open(root / "grades.csv", newline="") as handle:
        return {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}


def test_each_student_gets_the_points_of_the_requirements_met(course):
    found = scores(course)
    table = []
    for name in WRONG:
        total = len(grading_cells(re.sub(r"^\d+_", "", name), "build_model"))
        for student in STUDENTS:
            expected = checker_points(name, answer(name, student))
            table.append(f"{name:24s} {student:10s} {found[(name, student)]:4.0f} / {total}")
            assert found[(name, student)] == expected, (name, student)
        assert found[(name, "solution")] == total
        assert found[(name, "untouched")] == 0
        for student in ("wrong_1", "wrong_2"):
            assert 0 < found[(name, student)] < total, (name, student)
    print("\n".join(["points (nbgrader autograde)", *table]))


def test_feedback_shows_the_cross_lines_and_a_hint_not_internals(course):
    feedback = (course / "feedback" / "wrong_2" / "01_functional_mlp" / "01_functional_mlp.html").read_text()
    assert "✗ an output Dense(10) with softmax" in feedback
    assert "Hint:" in feedback
    assert "site-packages" not in feedback and "kit/exercises" not in feedback
    untouched = (
        course / "feedback" / "untouched" / "01_functional_mlp" / "01_functional_mlp.html"
    ).read_text()
    assert "not attempted yet" in untouched


def test_grading_cells_are_rewritten_idempotently(tmp_path):
    copy = tmp_path / "01_functional_mlp.ipynb"
    shutil.copy(SOURCES / copy.name, copy)
    first = add_grading_cells(copy)
    text = copy.read_text()
    assert add_grading_cells(copy) == first == 8 and copy.read_text() == text
    # The sources in the repository carry them already.
    assert copy.read_text() == (SOURCES / copy.name).read_text()


def test_unmet_names_the_requirement_and_refuses_unknown_lines():
    def build_model():
        x = keras.Input((784,), name="pixels")
        return keras.Model(x, layers.Dense(10, activation="relu", name="digits")(x))

    assert (
        unmet("functional_mlp", build_model, "built with the functional API (keras.Input, then keras.Model)")
        == ""
    )
    problem = unmet("functional_mlp", build_model, "an output Dense(10) with softmax")
    assert problem.startswith("✗ an output Dense(10) with softmax\n") and "\nHint: " in problem
    with pytest.raises(ValueError, match="expected one line of the functional_mlp checklist"):
        unmet("functional_mlp", build_model, "no such line")


def test_learner_notebooks_carry_the_grading_cells_locked():
    notebook = json.loads((ROOT / "exercises" / "01_functional_mlp.ipynb").read_text())
    graded = [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert len(graded) == 8 and all(c["metadata"]["nbgrader"]["locked"] for c in graded)


def test_release_fetch_submit_and_collect_go_through_an_exchange(course, tmp_path):
    """The page's whole cycle: nbgrader's filesystem exchange stands in for a JupyterHub's."""
    exchange, student = tmp_path / "exchange", tmp_path / "student"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    student.mkdir()
    setting = f'c.Exchange.root = "{exchange}"\n'
    (course / "nbgrader_config.py").write_text(CONFIG + setting)
    (student / "nbgrader_config.py").write_text(CONFIG + setting)
    name = "01_functional_mlp"
    nbgrader("release_assignment", name, "--force", course=course)
    nbgrader("fetch_assignment", name, course=student)
    fetched = student / name / f"{name}.ipynb"
    notebook = nbformat.read(fetched, as_version=4)
    assert "raise NotImplementedError()" in solution_cell(notebook).source
    solution_cell(notebook).source = answer(name, "wrong_1")
    nbformat.write(notebook, fetched)
    nbgrader("submit", name, course=student)
    collected = nbgrader("collect", name, "--update", course=course)
    assert "Collecting submission" in collected.stdout + collected.stderr
    [submitted] = [
        path
        for path in (course / "submitted").glob(f"*/{name}/{name}.ipynb")
        if path.parent.parent.name not in STUDENTS
    ]
    assert nbformat.read(submitted, as_version=4) == notebook
