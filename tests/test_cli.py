"""The ``kit`` command: lab, release, doctor; help for each and clear errors."""

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from browser_support import free_port, serve

from kit import cli, doctor

ROOT = Path(__file__).resolve().parents[1]
KIT = Path(sys.executable).parent / "kit"  # the console script pyproject declares
SOURCES = ROOT / "exercises" / "source"


def kit(*arguments, cwd=ROOT, environment=None, timeout=180):
    environment = dict(os.environ if environment is None else environment, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [str(KIT), *map(str, arguments)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def make_course(folder: Path) -> Path:
    """A small course folder: the first notebook and the exercise sources."""
    (folder / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / cli.START_NOTEBOOK, folder / cli.START_NOTEBOOK)
    shutil.copytree(SOURCES, folder / cli.EXERCISE_SOURCES)
    return folder


# --- help and wrong arguments -------------------------------------------------


def test_console_script_is_installed():
    assert KIT.is_file(), f"expected the kit command at {KIT}: is the kit installed (pip install -e .)?"


@pytest.mark.parametrize(
    "command, words",
    [
        ([], ["lab", "release", "doctor"]),
        (["lab"], ["JupyterLab", "00_start_here.ipynb", "--port", "--no-browser"]),
        (["release"], ["student", "exercises/source", "--check"]),
        (["doctor"], ["TensorFlow", "Graphviz", "memory", "widgets", "fix"]),
        (["binder-badge"], ["Binder", "GitHub", "--remote", "--ref"]),
    ],
)
def test_every_command_has_help(command, words):
    shown = kit(*command, "--help")
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())  # argparse wraps lines
    for word in words:
        assert word in text, f"'kit {' '.join(command)} --help' does not mention {word!r}:\n{shown.stdout}"


@pytest.mark.parametrize(
    "arguments, message",
    [
        ([], "the following arguments are required: COMMAND"),
        (
            ["fly"],
            "invalid choice: 'fly' (choose from 'lab', 'release', 'doctor', 'grading-cells', 'solution', 'hide-solutions', 'binder-badge')",
        ),
        (["doctor", "--fast"], "unrecognized arguments: --fast"),
        (["lab", "--port", "99999"], "expected a port number (1-65535), got 99999"),
        (["lab", "--port", "eight"], "expected a port number (1-65535), got 'eight'"),
        (["lab", "notebooks/no_such.ipynb"], "notebooks/no_such.ipynb does not exist there"),
        (["release", "--source", "/no/such/folder"], "/no/such/folder is not a folder"),
    ],
)
def test_wrong_arguments_get_a_clear_error(arguments, message):
    shown = kit(*arguments)
    assert shown.returncode == 2
    assert message in " ".join(shown.stderr.split()), shown.stderr
    assert "usage: kit" in shown.stderr


def test_outside_a_course_the_error_says_what_is_expected(tmp_path):
    shown = kit("lab", "--course", tmp_path)
    assert shown.returncode == 2
    assert "expected a course folder containing notebooks/00_start_here.ipynb" in shown.stderr
    assert str(tmp_path) in shown.stderr


def test_find_course_from_a_subfolder_and_from_the_package(tmp_path):
    course = make_course(tmp_path / "course")
    assert cli.find_course(start=course / "notebooks") == course
    assert cli.find_course(start=tmp_path) == ROOT  # not in a course: the one the kit came from
    with pytest.raises(cli.CourseNotFound, match="00_start_here.ipynb"):
        cli.find_course(tmp_path)


# --- kit lab --------------------------------------------------------------------


def test_kit_lab_serves_the_course_and_opens_start_here(tmp_path):
    course = make_course(tmp_path / "course")
    port = free_port()
    command = [KIT, "lab", "--no-browser", "--port", port, "--course", course]
    with serve(list(map(str, command)), port, cwd=tmp_path, timeout=120) as server:
        notebook = server.api("/api/contents/notebooks/00_start_here.ipynb?content=0")
        assert notebook["type"] == "notebook"
        assert server.process.poll() is None
        opened = [path.read_text() for path in server.runtime_dir.glob("*open.html")]
        assert any("lab/tree/notebooks/00_start_here.ipynb" in text for text in opened), opened
    assert server.process.poll() is not None


def test_lab_command_adds_allow_root_only_for_root():
    notebook = ROOT / cli.START_NOTEBOOK
    assert "--allow-root" in cli.lab_command(ROOT, notebook, as_root=True)
    plain = cli.lab_command(ROOT, notebook, port=8890, open_browser=False, as_root=False)
    assert "--allow-root" not in plain
    assert plain[:3] == [sys.executable, "-m", "jupyterlab"]
    assert {"--ServerApp.port=8890", "--no-browser", f"--ServerApp.root_dir={ROOT}"} <= set(plain)
    assert plain[-1] == str(notebook)


# --- kit release ----------------------------------------------------------------


def test_release_writes_student_notebooks_in_the_course(tmp_path):
    course = make_course(tmp_path / "course")
    shown = kit("release", cwd=course / "notebooks")
    assert shown.returncode == 0, shown.stderr
    sources = sorted(path.name for path in (course / cli.EXERCISE_SOURCES).glob("*.ipynb"))
    written = sorted(path.name for path in (course / cli.EXERCISE_TARGET).glob("*.ipynb"))
    assert sources and written == sources
    assert f"{len(sources)} student notebooks regenerated" in shown.stdout
    for name in written:
        student = json.loads((course / cli.EXERCISE_TARGET / name).read_text())
        text = "".join("".join(cell["source"]) for cell in student["cells"])
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text, name
        assert all(not cell.get("outputs") for cell in student["cells"]), name

    assert kit("release", "--check", cwd=course).returncode == 0
    stale = course / cli.EXERCISE_TARGET / written[0]
    stale.write_text(stale.read_text().replace("YOUR CODE HERE", "changed by hand"))
    checked = kit("release", "--check", cwd=course)
    assert checked.returncode == 1
    assert written[0] in checked.stdout and "run `kit release`" in checked.stdout


def test_release_with_explicit_folders_and_no_notebooks(tmp_path):
    (tmp_path / "empty").mkdir()
    shown = kit("release", "--source", tmp_path / "empty", "--target", tmp_path / "out")
    assert shown.returncode == 2
    assert "expected instructor notebooks (*.ipynb)" in shown.stderr

    shown = kit("release", "--source", SOURCES, "--target", tmp_path / "out", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert len(list((tmp_path / "out").glob("*.ipynb"))) == len(list(SOURCES.glob("*.ipynb")))


# --- kit doctor -----------------------------------------------------------------


def doctor_lines(shown):
    return {
        line.split()[1]: line
        for line in shown.stdout.splitlines()
        if line.startswith("  ") and line.split()[0] in doctor.MARKS.values()
    }


def test_doctor_reports_this_machine():
    shown = kit("doctor", cwd="/")
    lines = doctor_lines(shown)
    assert set(lines) == {"Python", "TensorFlow", "Keras", "devices", "Graphviz", "memory", "widgets"}, (
        shown.stdout
    )
    assert f"{sys.version_info.major}.{sys.version_info.minor}." in lines["Python"]
    assert metadata.version("tensorflow") in lines["TensorFlow"]
    assert metadata.version("keras") in lines["Keras"]
    assert metadata.version("ipywidgets") in lines["widgets"]
    assert "the live graph draws" in lines["widgets"]
    assert "CPU" in lines["devices"] and "GiB" in lines["memory"]
    graphviz_mark = "✓" if shutil.which("dot") else "!"
    assert lines["Graphviz"].split()[0] == graphviz_mark
    problems = [line for line in lines.values() if line.split()[0] == "✗"]
    assert shown.returncode == (1 if problems else 0), shown.stdout
    assert shown.stdout.count("fix:") >= len(problems)
    assert shown.stderr == "", shown.stderr  # TensorFlow's start-up noise stays out


def test_doctor_without_graphviz_says_how_to_install_it():
    environment = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no /usr/bin/dot
    shown = kit("doctor", environment=environment, cwd="/")
    graphviz = doctor_lines(shown)["Graphviz"]
    assert graphviz.startswith("  ! Graphviz") and "dot program" in graphviz
    after = shown.stdout.split(graphviz, 1)[1].splitlines()[1]
    assert after.strip().startswith("fix:") and "apt-get install graphviz" in after


# --- kit binder-badge ---------------------------------------------------------------


def git_course(folder: Path, remote=None) -> Path:
    course = make_course(folder)
    subprocess.run(["git", "init", "-q", str(course)], check=True)
    if remote is not None:
        subprocess.run(["git", "-C", str(course), "remote", "add", "origin", remote], check=True)
    return course


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/my-org/kit-course.git",
        "git@github.com:my-org/kit-course.git",
        "https://github.com/my-org/kit-course",
    ],
)
def test_binder_badge_is_read_from_the_github_remote(tmp_path, remote):
    shown = kit("binder-badge", "--course", git_course(tmp_path / "course", remote))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == (
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/my-org/kit-course/HEAD"
        "?urlpath=lab/tree/notebooks/00_start_here.ipynb)"
    )


def test_binder_badge_without_a_github_remote_says_why(tmp_path):
    no_remote = kit("binder-badge", "--course", git_course(tmp_path / "a"))
    assert no_remote.returncode == 2 and "expected a git remote named 'origin'" in no_remote.stderr
    elsewhere = kit(
        "binder-badge", "--course", git_course(tmp_path / "b", "https://gitlab.com/me/course.git")
    )
    assert elsewhere.returncode == 2 and "expected a GitHub remote" in " ".join(elsewhere.stderr.split())


def test_grading_cells_command_writes_the_points_cells_once(tmp_path):
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    for path in folder.glob("*.ipynb"):  # start from sources without the cells
        notebook = json.loads(path.read_text())
        notebook["cells"] = [
            c for c in notebook["cells"] if not c["metadata"].get("nbgrader", {}).get("grade")
        ]
        path.write_text(json.dumps(notebook))
    first = kit("grading-cells", "--source", folder)
    assert first.returncode == 0, first.stderr
    assert "01_functional_mlp.ipynb: 8 graded cells, 1 point each" in first.stdout
    written = {path.name: path.read_text() for path in folder.glob("*.ipynb")}
    assert kit("grading-cells", "--source", folder).returncode == 0
    assert written == {path.name: path.read_text() for path in folder.glob("*.ipynb")}
