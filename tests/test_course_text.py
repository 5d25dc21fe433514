"""The course's prose leads somewhere and states what its own outputs show.

Reads the stored notebooks (it does not run them): every link and file path in
the markdown of the notebooks, the exercises and the documentation resolves,
every ``kit.`` name the prose mentions exists, and every count of layers or
parameters the prose states is one a cell of the same notebook shows.
"""

import json
import re
from pathlib import Path

import pytest

import kit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb")) + sorted(
    (ROOT / "exercises" / "source").glob("*.ipynb")
)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
#: Paths written in backquotes, e.g. `exercises/03_siamese_lstm.ipynb` (a bare file name is not a path).
PATH = re.compile(r"`((?:\.\./|\./)?[\w.-]+/[\w./-]+\.(?:ipynb|py|md|txt|cfg|toml|yaml))`")
KIT_NAME = re.compile(r"`(kit(?:\.[A-Za-z_]\w*)+)")
#: "55,050 parameters", "3 layers": counts the prose states about a model.
COUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+) (parameters|layers)\b")


def markdown_of(path):
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def shown_by(path):
    """Everything the notebook's code cells and their outputs show, as one text."""
    shown = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        shown.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            shown.append("".join(output.get("text", "")))
            for kind, data in output.get("data", {}).items():
                if kind.startswith("text/"):
                    shown.append("".join(data))
    return "\n".join(shown)


def targets(text):
    for found in LINK.findall(text):
        if not re.match(r"[a-z]+:", found) and not found.startswith("#"):
            yield found.split("#")[0]
    yield from PATH.findall(text)


@pytest.mark.parametrize("path", NOTEBOOKS + EXERCISES + PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_and_paths_resolve(path):
    missing = []
    for target in targets(markdown_of(path)):
        here = (path.parent / target).resolve()
        from_root = (ROOT / target).resolve()
        if not (here.exists() or from_root.exists()):
            missing.append(target)
    assert not missing, f"{path.relative_to(ROOT)} names files that do not exist: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS + EXERCISES + PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_kit_names_in_prose_exist(path):
    unknown = []
    for name in set(KIT_NAME.findall(markdown_of(path))):
        obj = kit
        for part in name.split(".")[1:]:
            if not hasattr(obj, part):
                try:  # a submodule not imported yet
                    __import__(f"{obj.__name__}.{part}")
                except ImportError:
                    unknown.append(name)
                    break
            obj = getattr(obj, part)
    assert not unknown, f"{path.relative_to(ROOT)} mentions kit names that do not exist: {unknown}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_counts_in_prose_are_shown_by_the_notebook(path):
    shown = shown_by(path).replace(",", "")
    unshown = [
        f"{number} {what}"
        for number, what in COUNT.findall(markdown_of(path))
        if not re.search(rf"(?<!\d){number.replace(',', '')}(?!\d)", shown)
    ]
    assert not unshown, f"{path.name} states counts no cell shows: {unshown}"


# --- claims the prose makes that no cell output shows ----------------------------
#
# Audited claims, and where each is shown:
# - 00: the drawing title counts "N layers + K inputs", len(model.layers) is the sum (a cell shows it,
#   and test_layer_counts_agree below);
# - 04: Keras 3 layers have no get_output_at (test_keras_3_layers_have_no_get_output_at);
# - 06: ResNet50 has 177 entries in model.layers, 16 Add layers (a cell prints them);
# - 08: full-size VQA and video QA parameter counts (tests/test_full_size_counts.py);
# - 12: plot_model raises ImportError in a notebook without Graphviz (the test below).


def test_layer_counts_agree():
    import keras

    x = keras.Input((4,), name="x")
    model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Dense(3)(x)))
    assert kit.graph.size_of(kit.graph_of(model)) == "2 layers + 1 input"
    assert len(model.layers) == 3  # Keras lists the InputLayer among the layers


def test_keras_3_layers_have_no_get_output_at():
    import keras

    assert not hasattr(keras.layers.Dense(2), "get_output_at")


def test_plot_model_raises_import_error_in_a_notebook_without_graphviz(tmp_path):
    import os
    import subprocess
    import sys

    import nbformat

    code = (
        "import keras\n"
        "x = keras.Input((3,))\n"
        "try:\n"
        "    keras.utils.plot_model(keras.Model(x, keras.layers.Dense(2)(x)), to_file='m.png')\n"
        "    print('no error')\n"
        "except ImportError as error:\n"
        "    print('ImportError:', error)\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    path = tmp_path / "plot_model.ipynb"
    nbformat.write(notebook, path)
    # Only the virtual environment's programs: no Graphviz "dot", as on a machine without it.
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    printed = "".join(output.get("text", "") for output in outputs if output.get("name") == "stdout")
    assert printed.startswith("ImportError:") and "graphviz" in printed.lower()
