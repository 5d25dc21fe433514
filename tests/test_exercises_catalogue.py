"""Every exercise passes on its notebook's solution; the catalogue is complete.

Wrong answers are in tests/test_exercises_first_steps.py, _sharing.py and _topologies.py."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
from exercise_support import run_cell

import kit
from kit.exercises import check, names
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers

SOURCE_DIR = Path(__file__).resolve().parents[1] / "exercises" / "source"


def solution_namespace(name):
    """Run the solution cell of the exercise's instructor notebook; return its names."""
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    namespace = {"keras": keras, "layers": layers, "np": np, "kit": kit}
    return run_cell(cell.source, f"/tmp/kit-cells/solution_of_{name}.py", namespace)


def builder_of(name):
    namespace = solution_namespace(name)
    return namespace.get("build_model") or namespace["build_models"]


@pytest.mark.parametrize("name", names())
def test_solution_passes(name):
    result = check(name, builder_of(name), save=False)
    assert result, str(result)
    assert result.items and all(item.passed for item in result.items)


def test_catalogue_names_are_the_ten_exercises_in_course_order():
    assert names() == [
        "functional_mlp",
        "multi_io",
        "siamese_lstm",
        "node_indexing",
        "inception_module",
        "residual_projection",
        "shared_vision",
        "vqa",
        "reusable_encoder",
        "custom_layer",
    ]


def test_each_exercise_has_requirements_and_three_hints_without_solution_code():
    from kit.exercises.catalogue import EXERCISES

    for exercise in EXERCISES:
        assert len(exercise.requirements) >= 6, exercise.name
        assert len(exercise.hints) == 3, exercise.name
        solution = "\n".join(
            line.strip() for line in builder_source(exercise.name).splitlines() if line.strip()
        )
        for hint in exercise.hints:
            # A hint may quote one call, never two consecutive lines of the solution.
            lines = [line for line in solution.splitlines() if len(line) > 25]
            pairs = ["\n".join(pair) for pair in zip(lines, lines[1:])]
            assert not any(pair in hint for pair in pairs), (exercise.name, hint)
            assert not any(line in hint for line in lines if len(line) > 60), (exercise.name, hint)


def builder_source(name):
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    notebook = nbformat.read(path, as_version=4)
    return next(c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))


def task_text(name):
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(c.source for c in cells if c.cell_type == "markdown" and "## Your task" in c.source)


@pytest.mark.parametrize("name", names())
def test_each_task_text_says_what_the_checker_checks(name):
    from kit.exercises import exercise

    spec, text = exercise(name), task_text(name)
    texts = [r.text for r in spec.requirements]
    assert ("every parameter is trainable" in texts) == ("nothing frozen" in text), name
    if len(spec.inputs) > 1 or spec.expects == "pair":
        assert "in that order" in text, name
    for port in spec.inputs + spec.outputs:
        if port.name:
            assert f'"{port.name}"' in text, (name, port.name)
    demanded = {
        "node_indexing": ["kit.nodes.get_output_at", "pass it the function"],
        "shared_vision": ["no activation", '"vision_model"'],
        "vqa": ['"question_encoder"', "work on its own", "not rewritten inline", "padding"],
        "custom_layer": ["super().__init__(**kwargs)", "super().get_config()", "name included", "`build`"],
        "reusable_encoder": ["(encoder, autoencoder)", "encoder's own layers"],
    }
    for words in demanded.get(name, []):
        assert words in text, (name, words)


# Claims the exercise texts and the checker's messages make about Keras, checked here.


def test_exercise_02_one_loss_with_two_weights_stops_fit_with_the_quoted_message():
    first = keras.Input((3,), name="a_in")
    model = keras.Model(first, [layers.Dense(1, name="one")(first), layers.Dense(1, name="two")(first)])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", loss_weights=[1.0, 0.2])
    data = np.zeros((4, 3), "float32")
    with pytest.raises(
        ValueError, match="`loss_weights` must match the number of losses, got 1 losses and 2 weights"
    ):
        model.fit(data, [np.zeros((4, 1)), np.zeros((4, 1))], epochs=1, verbose=0)


def test_exercise_08_full_size_weights_take_660_mb():
    from test_full_size_counts import VQA_PARAMS

    assert round(VQA_PARAMS * 4 / 1e6) == 660
    assert "660 MB of float32 weights" in " ".join(task_intro("vqa").split())


def test_exercise_10_keras_records_plain_init_arguments_and_a_units_only_config_loses_the_name():
    class Plain(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

    config = Plain(10, name="mine").get_config()
    assert config["units"] == 10

    class UnitsOnly(Plain):
        def get_config(self):
            return {"units": self.units}

    assert UnitsOnly.from_config(UnitsOnly(10, name="mine").get_config()).name != "mine"


def task_intro(name):
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    return nbformat.read(path, as_version=4).cells[0].source
