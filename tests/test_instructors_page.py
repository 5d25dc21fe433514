"""docs/instructors.md: every command the page gives is run by a test.

The page's ``bash`` blocks are read line by line; each command must be one of the kit's own
commands or nbgrader's, and the test named for it must run it for real. Building and pushing a
Docker image (repo2docker, docker) needs a Docker daemon this test machine does not have: those
lines are the only ones allowed without a test, and the page must not present them as tested.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "instructors.md"

#: command -> (test file, text that shows the test runs that command).
RUN_BY = {
    "kit lab": ("test_cli.py", "def test_kit_lab_serves_the_course_and_opens_start_here"),
    "kit release": ("test_cli.py", 'kit("release", "--check", cwd=course)'),
    "kit doctor": ("test_cli.py", "def test_doctor_reports_this_machine"),
    "kit binder-badge": ("test_cli.py", "def test_binder_badge_is_read_from_the_github_remote"),
    "kit grading-cells": ("test_cli.py", "def test_grading_cells_command_writes_the_points_cells_once"),
    "kit solution": ("test_exercises_solutions.py", 'kit_command("solution", "functional_mlp", env=learner)'),
    "kit hide-solutions": ("test_binder.py", 'assert not (repository / "exercises" / "source").exists()'),
    "nbgrader generate_assignment": ("test_exercises_grading.py", 'nbgrader("generate_assignment"'),
    "nbgrader release_assignment": ("test_exercises_grading.py", 'nbgrader("release_assignment"'),
    "nbgrader fetch_assignment": ("test_exercises_grading.py", 'nbgrader("fetch_assignment"'),
    "nbgrader submit": ("test_exercises_grading.py", 'nbgrader("submit"'),
    "nbgrader collect": ("test_exercises_grading.py", 'nbgrader("collect"'),
    "nbgrader autograde": ("test_exercises_grading.py", 'nbgrader("autograde"'),
    "nbgrader generate_feedback": ("test_exercises_grading.py", 'nbgrader("generate_feedback"'),
    "nbgrader export": ("test_exercises_grading.py", 'nbgrader("export"'),
}
#: Image building and publishing: they need Docker.
NEEDS_DOCKER = ("pip install jupyter-repo2docker", "repo2docker", "docker push")


def page_commands() -> list[str]:
    """Every command line of the page's bash blocks, comments and continuations dropped."""
    blocks = re.findall(r"```bash\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def command_of(line: str) -> str:
    words = line.split()
    return " ".join(words[:2]) if words[0] in ("kit", "nbgrader") else line


def test_the_page_gives_the_whole_nbgrader_cycle_and_every_kit_command():
    commands = {command_of(line) for line in page_commands()}
    assert {c for c in RUN_BY if c.startswith("nbgrader")} <= commands
    assert {"kit release", "kit solution", "kit hide-solutions", "kit grading-cells"} <= commands


def test_every_command_on_the_page_is_run_by_a_named_test():
    for line in page_commands():
        command = command_of(line)
        if line.startswith(NEEDS_DOCKER):
            continue
        assert command in RUN_BY, f"{line!r}: no test runs this command of docs/instructors.md"
        test_file, evidence = RUN_BY[command]
        assert evidence in (ROOT / "tests" / test_file).read_text(encoding="utf-8"), (command, test_file)


def test_the_page_says_the_docker_lines_are_not_run_by_tests():
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "These lines need Docker, so the tests do not run them" in text
