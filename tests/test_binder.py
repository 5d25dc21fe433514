"""binder/: the repo2docker configuration agrees with pyproject.toml and builds a working course."""

import http.client
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path

import nbformat
import pytest
from browser_support import free_port, running_as_root, serve
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kit.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: Pins whose drift would change what learners run: they must be repeated in binder/.
MUST_BE_PINNED = ("tensorflow", "keras", "ml-dtypes", "ipywidgets", "jupyterlab")
#: Left out of the copy repo2docker would get: local environments and generated files.
NOT_COPIED = (
    ".venv",
    ".git",
    "test-artifacts",
    "runs",
    "__pycache__",
    "*.egg-info",
    ".hypothesis",
    "build",
    ".ipynb_checkpoints",
    ".pytest_cache",
)


def binder_lines():
    """The meaningful lines of binder/requirements.txt (comments and blanks dropped)."""
    text = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def pyproject_requirements():
    """name -> Requirement, over the dependencies and every extra of pyproject.toml."""
    project = PYPROJECT["project"]
    texts = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        texts += extra
    requirements = {}
    for text in texts:
        requirement = Requirement(text)
        requirements.setdefault(canonicalize_name(requirement.name), requirement)
    return requirements


def test_binder_pins_agree_with_pyproject():
    ours = pyproject_requirements()
    named = [Requirement(line) for line in binder_lines() if not line.startswith(("-", "."))]
    assert named, "binder/requirements.txt names no package"
    for requirement in named:
        name = canonicalize_name(requirement.name)
        assert name in ours, f"binder/requirements.txt installs {name}, which pyproject.toml does not declare"
        assert requirement.specifier == ours[name].specifier, (
            f"{name}: binder/requirements.txt says {requirement.specifier or 'any version'}, "
            f"pyproject.toml says {ours[name].specifier or 'any version'}"
        )
    pinned = {canonicalize_name(requirement.name) for requirement in named}
    for name in MUST_BE_PINNED:
        assert name in pinned, f"binder/requirements.txt should repeat pyproject's pin of {name}"


def test_binder_installs_the_kit_itself_from_the_repository_root():
    local = [line for line in binder_lines() if line.startswith(("-e", "."))]
    assert len(local) == 1, f"expected one line installing the kit from '.', got {local}"
    target = local[0].removeprefix("-e").strip()
    match = re.fullmatch(r"\.(?:\[([\w,\s-]+)\])?", target)
    assert match, (
        f"expected '-e .' or '-e .[extras]' (repo2docker runs pip from the repository root), got {local[0]!r}"
    )
    extras = {extra.strip() for extra in (match.group(1) or "").split(",") if extra.strip()}
    declared = set(PYPROJECT["project"].get("optional-dependencies", {}))
    assert extras <= declared, f"extras {sorted(extras - declared)} are not declared in pyproject.toml"
    assert "lab" in extras, "Binder serves JupyterLab: install the kit's lab extra"
    assert "course" in extras, "postBuild runs `kit release`, which needs nbgrader: the course extra"


def test_runtime_is_a_python_the_kit_supports():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"expected runtime.txt like 'python-3.11', got {runtime!r}"
    supported = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert supported.contains(match.group(1) + ".0"), f"{runtime} is outside requires-python {supported}"


def test_apt_installs_graphviz_for_plot_model():
    packages = [line.partition("#")[0].strip() for line in (BINDER / "apt.txt").read_text().splitlines()]
    packages = [package for package in packages if package]
    assert "graphviz" in packages
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", package) for package in packages), packages


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_are_executable_bash_without_syntax_errors(script):
    path = BINDER / script
    assert os.access(path, os.X_OK), f"repo2docker runs binder/{script} directly: make it executable"
    assert path.read_text().startswith("#!/bin/bash\n")
    checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_post_build_uses_only_real_kit_commands():
    commands = [
        line.split()
        for line in (BINDER / "postBuild").read_text().splitlines()
        if line.strip().startswith("kit ")
    ]
    assert commands, "postBuild should regenerate the exercises with `kit release`"
    parser = build_parser()
    for command in commands:
        parser.parse_args(command[1:])  # exits (fails the test) on an unknown command or option


def test_start_script_quiets_tensorflow_and_runs_the_server_command():
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    shown = subprocess.run(
        [str(BINDER / "start"), sys.executable, "-c", "import os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=30,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "3"


def _copy_of_repository(target: Path) -> Path:
    """What repo2docker copies into the image: the repository, without local environments."""
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    return target


def _run(command, **options):
    answer = subprocess.run(command, capture_output=True, text=True, **options)
    assert answer.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({answer.returncode}):\n"
        f"{answer.stdout[-3000:]}\n{answer.stderr[-3000:]}"
    )
    return answer


def _first_page(venv: Path, repository: Path, session: dict) -> str:
    """Where the environment's JupyterLab sends a browser that asks for the server's root."""
    port = free_port()
    command = [
        str(venv / "bin" / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
    ]
    if running_as_root():
        command.append("--allow-root")
    with serve(command, port, cwd=repository, environment=session) as server:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request("GET", "/", headers={"Authorization": f"token {server.token}"})
            answer = connection.getresponse()
            assert answer.status in (301, 302, 303, 307), answer.status
            return urllib.parse.urlsplit(answer.getheader("Location")).path
        finally:
            connection.close()


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_fresh_environment_from_binder_alone_runs_the_first_notebook(tmp_path):
    repository = _copy_of_repository(tmp_path / "repo")
    for student_notebook in (repository / "exercises").glob("*.ipynb"):
        student_notebook.unlink()  # postBuild must make them
    venv, home = tmp_path / "venv", tmp_path / "home"
    home.mkdir()
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "VIRTUAL_ENV",
            "PYTHONPATH",
            "JUPYTER_PATH",
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_DATA_DIR",
            "PYTHONHOME",
        )
    }
    environment["PATH"] = f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    # pip keeps its cache under the real home, so a second run does not download TensorFlow again.
    _run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repository,
        env=environment,
        timeout=1200,
    )

    session = dict(
        environment,
        HOME=str(home),
        KIT_HOME=str(home / ".kit"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        MPLCONFIGDIR=str(tmp_path / "mpl"),
    )
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import kit; print(kit.__file__)"],
        cwd=home,
        env=session,
        timeout=120,
    )
    assert Path(where.stdout.strip()).is_relative_to(repository), where.stdout

    _run(["bash", str(repository / "binder" / "postBuild")], cwd=repository, env=session, timeout=600)
    sources = sorted(path.name for path in (ROOT / "exercises" / "source").glob("*.ipynb"))
    released = sorted(path.name for path in (repository / "exercises").glob("*.ipynb"))
    assert sources and released == sources
    # No solution is left where the learners' file browser looks; `kit solution` still finds them.
    assert not (repository / "exercises" / "source").exists()
    assert not [path for path in repository.rglob("*.ipynb") if "BEGIN SOLUTION" in path.read_text()]
    solution = _run(
        [str(venv / "bin" / "kit"), "solution", "functional_mlp", "--anyway"],
        cwd=home,
        env=session,
        timeout=120,
    )
    assert 'name="digits"' in solution.stdout
    assert _first_page(venv, repository, session) == "/lab/tree/notebooks/00_start_here.ipynb"

    _run(
        [
            str(repository / "binder" / "start"),
            str(venv / "bin" / "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--output-dir",
            str(tmp_path / "executed"),
            "notebooks/00_start_here.ipynb",
        ],
        cwd=repository,
        env=session,
        timeout=900,
    )
    executed = nbformat.read(tmp_path / "executed" / "00_start_here.ipynb", as_version=4)
    code_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count is not None for cell in code_cells)
    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert not [output for output in outputs if output.get("name") == "stderr"]
