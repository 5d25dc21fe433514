"""Solutions stay out of the learners' view and come on request, after a first try."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.exercises import check, solutions

ROOT = Path(__file__).resolve().parents[1]
KIT = [sys.executable, "-m", "kit.cli"]


def kit_command(*arguments, env, cwd=ROOT):
    return subprocess.run([*KIT, *arguments], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture
def learner(tmp_path, monkeypatch):
    """A learner's environment: an empty progress file."""
    import os

    monkeypatch.setenv("KIT_HOME", str(tmp_path / "home"))
    return dict(os.environ, KIT_HOME=str(tmp_path / "home"), TF_CPP_MIN_LOG_LEVEL="3")


def test_the_solution_is_refused_before_a_first_check_and_given_after(learner):
    refused = kit_command("solution", "functional_mlp", env=learner)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "try 'functional_mlp' first" in refused.stderr and "--anyway" in refused.stderr

    check("functional_mlp", NotImplementedError())  # the untouched stub is not a try
    assert kit_command("solution", "functional_mlp", env=learner).returncode == 1
    check("functional_mlp", None)  # a first attempt, recorded in the progress file
    given = kit_command("solution", "functional_mlp", env=learner)
    assert given.returncode == 0, given.stderr
    assert "def build_model():" in given.stdout and 'name="digits"' in given.stdout
    assert "SOLUTION" not in given.stdout.replace("The solution", "")


def test_anyway_gives_it_at_once_and_an_unknown_name_is_refused_clearly(learner):
    given = kit_command("solution", "custom_layer", "--anyway", env=learner)
    assert "class CustomDense(keras.layers.Layer):" in given.stdout and "def build_model():" in given.stdout
    unknown = kit_command("solution", "custom_layers", env=learner)
    assert unknown.returncode == 2 and "Did you mean 'custom_layer'?" in unknown.stderr


def test_hidden_solutions_leave_the_course_folder_and_are_still_found(tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises", course / "exercises")
    hidden = tmp_path / "prefix" / "share" / "kit" / "solutions"
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    assert solutions.hidden_home() == hidden

    assert solutions.hide(course) == hidden
    assert not (course / "exercises" / "source").exists()
    assert sorted(p.name for p in hidden.glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "exercises" / "source").glob("*.ipynb")
    )
    assert solutions.find_sources(course) == hidden
    code = solutions.solution_code("vqa", course, anyway=True)
    assert 'name="question_encoder"' in code
    with pytest.raises(FileNotFoundError, match="expected instructor notebooks"):
        solutions.hide(course)


def test_a_course_without_solutions_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    monkeypatch.delenv("KIT_SOLUTIONS", raising=False)
    with pytest.raises(FileNotFoundError, match="installed without its solutions"):
        solutions.find_sources(tmp_path)
