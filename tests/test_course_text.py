"""The course's prose leads somewhere and states what its own outputs show.

Reads the stored notebooks (it does not run them): every link and file path in
the markdown of the notebooks, the exercises and the documentation resolves,
every ``kit.`` name the prose mentions exists, every count of layers or
parameters the prose states is one a cell of the same notebook shows, the
sources are called by one name each, and the drawings' conventions are
explained in the words of their legend.
"""

import json
import re
from pathlib import Path

import pytest

import kit
from kit.drawing.legend import EDGES, LEGEND

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


# --- the five sources, one name each ---------------------------------------------
#
# Notebook 00 introduces them in a table; every notebook uses exactly these names.

SOURCE_NAMES = (
    "the classic Keras guide",
    "the blog tutorial",
    "the tf.keras guide",
    "the how-to tutorial",
    "the TF 2 overview",
)
#: Other ways the course once named a source (numbers from the seed files, older names).
OTHER_SOURCE_NAMES = [
    r"\bguides? \d{3}\b",
    r"\boriginal (?:Keras\s+)?guide",
    r"\b(?:TF|TensorFlow)\s+2\s+guide",
    r"(?<!classic )(?<!tf\.)\bKeras\s+guide",
    r"model-building\s+overview",
    r'"how to use the functional API"\s+tutorial',
    r"functional\s+API\s+tutorial",
    r"blog\s+tutorial\s+on",
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sources_are_named_one_way(path):
    text = markdown_of(path)
    found = [m.group(0) for p in OTHER_SOURCE_NAMES for m in re.finditer(p, text, re.IGNORECASE)]
    assert not found, f"{path.name} names a source otherwise than {SOURCE_NAMES}: {found}"


def test_notebook_00_introduces_the_five_sources():
    text = markdown_of(ROOT / "notebooks" / "00_start_here.ipynb")
    assert [name for name in SOURCE_NAMES if f"| {name} |" not in text] == []


# --- drawing conventions, in the legend's words -----------------------------------
#
# A notebook that names a box, an outline or the [i] edge labels also gives the meaning
# kit.draw's legend gives it (kit/drawing/legend.py), somewhere in its markdown.

EDGE_LABEL = re.compile(r"`\[\d\](?: \[\d\])*`|\[i\] on an arrow")
#: Colours of the drawings named in words the legend does not use ("filled yellow").
OFF_LEGEND = re.compile(
    r"\b(?:filled|outlined) (?:green|blue|yellow|purple|grey|gray|orange|red)\b"
    r"|\b(?:green|blue|yellow|purple|grey|gray|orange|red) (?:fill|outline)\b"
    r"|\b(?:the|a) (?:grey|gray|green|blue|yellow|purple) box\b(?!: )"
    r"|\boutlined\b",
    re.IGNORECASE,
)


def conventions_named(text):
    named = [(s, m) for s, m in LEGEND if s != "arrow" and "[i]" not in s and s in text.lower()]
    if EDGE_LABEL.search(text):
        named.append(EDGES[1])
    return named


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_conventions_are_explained_in_the_legends_words(path):
    text = markdown_of(path)
    unexplained = [symbol for symbol, meaning in conventions_named(text) if meaning not in text]
    assert not unexplained, f"{path.name} names {unexplained} without the legend's meaning"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colours_are_named_as_the_legend_names_them(path):
    allowed = {symbol for symbol, _ in LEGEND}
    off = [
        found
        for found in OFF_LEGEND.findall(markdown_of(path))
        if re.sub(r"^(?:the|a) ", "", found.lower()) not in allowed
    ]
    assert not off, f"{path.name} names drawing colours in other words than the legend: {off}"


# --- claims the prose makes that no cell output shows ----------------------------
#
# Audited claims, and where each is shown:
# - 00: the drawing title counts "N layers + K inputs", len(model.layers) is the sum (a cell shows it,
#   and test_layer_counts_agree below); each Keras 3 change listed under "The sources" is shown by an
#   output of the notebook named there (test_keras_3_changes_in_notebook_00_are_shown_where_it_says);
# - 01: Sequential and functional MLP have the same 55,050 parameters; `model.fit(data, labels)` as
#   printed is a NameError; a called model reuses the trained layers; TimeDistributed(model) gives the
#   classifier's answers; KerasTensor shapes are tuples and the input layer is `input_layer`;
#   plot_model without Graphviz raises ImportError; `model.save` without extension is a ValueError,
#   `.keras` keeps weights, compile settings and optimizer state (cells); a SavedModel from
#   `model.export` is not loadable as a Keras model (test_an_export_is_not_a_keras_model);
# - 02: `input_length` only warns; one loss with two loss weights fails at `fit`; binary
#   cross-entropy goes below zero for a negative target; dict and list inputs give the same
#   predictions; `keras.layers.convolutional` is gone (cells); one loss for several outputs trains
#   without loss weights (test_one_loss_serves_every_output_without_loss_weights); a list of loss
#   weights with dict losses follows the outputs' order
#   (test_a_list_of_loss_weights_follows_the_outputs_with_dict_losses);
# - 03: the shared LSTM has two nodes; the concatenating head stays near chance while MaLSTM
#   learns; `Merge` and `K.exp` are gone; a shared Embedding gives a word the same vector in both
#   inputs; the TF 2 overview's Reshape fails at definition (cells); RMSprop's default learning rate
#   is 0.001 (test_rmsprop_default_learning_rate); a Lambda model file is refused by default
#   (notebook 11's cell);
# - 05: axis=1 stacks rows, (None, 768, 256, 64); the parameter count by hand equals summary();
#   a clone on a 128x128 Input keeps the weights and only the Input fixes the picture size
#   (test_a_copy_of_the_inception_module_reads_smaller_pictures_with_the_same_weights);
#   both models share the towers (cells); channels-last is Keras's default and `concatenate`
#   joins the last axis by default (test_channels_last_and_concatenate_defaults);
# - 06: ResNet50 has 177 entries in model.layers, 16 Add layers (a cell prints them);
# - 07: 37,568 + (2 x 7,744 + 1) = 53,057 parameters; the vision model has two nodes; the guide's
#   head stays near chance and the comparing head learns (cells);
# - 08: full-size VQA and video QA parameter counts (tests/test_full_size_counts.py);
# - 09: encoder and autoencoder share layers and weights; the ensemble output is the members'
#   mean; `shape=(16)` is refused; the relu decoder leaves dead outputs, the sigmoid one
#   reconstructs (cells);
# - 10: VGG19's 143,667,240 parameters and its 20,024,384-parameter convolutional part
#   (a cell, and tests/test_full_size_counts.py); feature models share the weights; only the
#   new head trains (cells);
# - 11: a config round trip loses the layer name; from_config without @classmethod is a
#   TypeError; add_loss terms appear after a call on data and count in the reported loss;
#   subclassed build creates no weights; a Lambda file is refused by safe_mode (cells); Keras
#   stores a Lambda's bytecode (test_a_lambda_is_saved_as_bytecode); `training` is True in `fit`
#   and False in `evaluate` (test_training_argument_in_fit_and_evaluate);
#   `keras.config.enable_unsafe_deserialization` exists (test_unsafe_deserialization_switch_exists);
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


def test_an_export_is_not_a_keras_model(tmp_path):
    import keras

    x = keras.Input((3,))
    keras.Model(x, keras.layers.Dense(2)(x)).export(str(tmp_path / "export"), verbose=False)
    with pytest.raises(ValueError):
        keras.models.load_model(str(tmp_path / "export"))


def test_one_loss_serves_every_output_without_loss_weights():
    import keras
    import numpy as np

    x = keras.Input((3,))
    model = keras.Model(x, [keras.layers.Dense(1, name="a")(x), keras.layers.Dense(1, name="b")(x)])
    model.compile(optimizer="sgd", loss="mse")
    data = np.zeros((4, 3), "float32")
    history = model.fit(data, [np.zeros((4, 1)), np.zeros((4, 1))], epochs=1, verbose=0)
    assert {"a_loss", "b_loss"} <= set(history.history)


def test_rmsprop_default_learning_rate():
    import keras

    assert abs(float(keras.optimizers.RMSprop().learning_rate) - 0.001) < 1e-9


def test_channels_last_and_concatenate_defaults():
    import inspect

    import keras

    assert keras.config.image_data_format() == "channels_last"
    assert inspect.signature(keras.layers.concatenate).parameters["axis"].default == -1


def test_a_lambda_is_saved_as_bytecode(tmp_path):
    import base64
    import marshal
    import types
    import zipfile

    import keras

    x = keras.Input((4,))
    keras.Model(x, keras.layers.Lambda(lambda t: t * 2)(x)).save(tmp_path / "m.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    function = config["config"]["layers"][1]["config"]["function"]
    assert function["class_name"] == "__lambda__"
    assert isinstance(marshal.loads(base64.b64decode(function["config"]["code"])), types.CodeType)


def test_training_argument_in_fit_and_evaluate():
    import keras
    import numpy as np

    seen = []

    class Spy(keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    x = keras.Input((2,))
    model = keras.Model(x, keras.layers.Dense(1)(Spy()(x)))
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    data, targets = np.zeros((2, 2), "float32"), np.zeros((2, 1), "float32")
    seen.clear()
    model.fit(data, targets, epochs=1, verbose=0)
    assert seen and all(flag is True for flag in seen)
    seen.clear()
    model.evaluate(data, targets, verbose=0)
    assert seen and all(flag is False for flag in seen)


def test_unsafe_deserialization_switch_exists():
    import keras

    assert callable(keras.config.enable_unsafe_deserialization)


def test_tf_one_hot_of_minus_one_is_an_all_zero_row():
    """Notebook 03 makes the padding rows of its tweets this way."""
    import tensorflow as tf

    rows = tf.one_hot([-1, 0, 255], 256).numpy()
    assert rows[0].sum() == 0 and rows[1, 0] == 1 and rows[2, 255] == 1 and rows.sum() == 2


def test_a_list_of_loss_weights_follows_the_outputs_with_dict_losses():
    import keras
    import numpy as np

    x = keras.Input((3,))
    model = keras.Model(x, [keras.layers.Dense(1, name="a")(x), keras.layers.Dense(1, name="b")(x)])
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mse"}, loss_weights=[1.0, 0.0])
    data = np.ones((4, 3), "float32")
    result = model.evaluate(data, [np.zeros((4, 1)), np.full((4, 1), 9.0)], verbose=0, return_dict=True)
    assert np.isclose(result["loss"], result["a_loss"], rtol=1e-4)
    assert result["b_loss"] > result["a_loss"]


#: What notebook 00 says changed in Keras 3, and the output of the notebook it names that shows it.
KERAS_3_CHANGES_SHOWN = {
    "`get_output_at`": ("04_layer_nodes", "has no attribute 'get_output_at'"),
    "`Merge` layer": ("03_shared_layers", "cannot import name 'Merge'"),
    "`K.exp`": ("03_shared_layers", "keras.backend still has exp: False"),
    "`keras.layers.convolutional`": (
        "02_multiple_inputs_outputs",
        "No module named 'keras.layers.convolutional'",
    ),
    "`layer.output`": ("04_layer_nodes", "lstm.output is encoded_a (node 0): True"),
    "`model.save`": ("01_sequential_to_functional", "Invalid filepath extension"),
    "`Embedding(input_length=...)`": ("02_multiple_inputs_outputs", "Argument `input_length` is deprecated"),
}


@pytest.mark.parametrize("change", sorted(KERAS_3_CHANGES_SHOWN))
def test_keras_3_changes_in_notebook_00_are_shown_where_it_says(change):
    assert change in markdown_of(ROOT / "notebooks" / "00_start_here.ipynb")
    notebook, evidence = KERAS_3_CHANGES_SHOWN[change]
    assert evidence in shown_by(ROOT / "notebooks" / f"{notebook}.ipynb")
