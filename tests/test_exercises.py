"""kit.check, kit.progress and kit.exercises.names: the public entry points,
including every robustness case of the issue (never a traceback from the kit)."""

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from exercise_support import run_cell

import kit
from kit.exercises import check, names, progress
from kit.exercises.release import student_version
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers

SOURCE_DIR = Path(__file__).resolve().parents[1] / "exercises" / "source"


def mlp():
    pixels = keras.Input(shape=(784,), name="pixels")
    x = layers.Dense(64, activation="relu")(pixels)
    x = layers.Dense(64, activation="relu")(x)
    return keras.Model(pixels, layers.Dense(10, activation="softmax", name="digits")(x))


def only_problem(result):
    assert not result
    assert result.items == []
    assert result.problem
    return result.problem


def test_kit_check_is_the_exercises_check():
    assert kit.check is check and kit.progress is progress


def test_a_model_can_be_passed_directly_or_through_its_builder():
    assert check("functional_mlp", mlp(), save=False)
    assert check("functional_mlp", mlp, save=False)
    assert check("functional_mlp", lambda: mlp(), save=False)


def test_none_gets_a_message_about_what_to_pass():
    problem = only_problem(check("functional_mlp", None, save=False))
    assert problem.startswith("got None instead of a model")
    assert "kit.check(name, build_model)" in problem


def test_a_function_that_needs_arguments_is_named_with_its_parameters():
    def build(units, depth):
        return mlp()

    problem = only_problem(check("functional_mlp", build, save=False))
    assert "build needs 2 arguments (units, depth)" in problem


def test_a_builder_that_forgets_to_return_is_told_to_return_the_model():
    def build_model():
        mlp()

    problem = only_problem(check("functional_mlp", build_model, save=False))
    assert problem.startswith("build_model() returned None")
    assert "`return model`" in problem


def test_a_builtin_function_is_refused_without_a_traceback():
    problem = only_problem(check("functional_mlp", len, save=False))
    assert "len needs 1 argument" in problem


def test_a_builder_returning_a_function_is_told_to_return_the_model():
    problem = only_problem(check("functional_mlp", lambda: mlp, save=False))
    assert "returned a function (mlp), not a model" in problem


def test_an_unbuilt_subclassed_model_is_explained():
    class Classifier(keras.Model):
        def __init__(self):
            super().__init__(name="classifier")
            self.dense = layers.Dense(10)

        def call(self, x):
            return self.dense(x)

    problem = only_problem(check("functional_mlp", Classifier(), save=False))
    assert problem.startswith("the model you passed has no layer graph the kit can check")
    assert "'classifier'" in problem and "unbuilt subclassed model" in problem
    assert "no static layer graph" in problem


def test_an_unbuilt_sequential_model_is_told_to_start_with_an_input():
    model = keras.Sequential([layers.Dense(64), layers.Dense(10)], name="no_input")
    problem = only_problem(check("functional_mlp", lambda: model, save=False))
    assert problem.startswith("the model from your function() has no layer graph")
    assert "'no_input' has no input yet" in problem


class Explodes(layers.Layer):
    """Fine on symbolic tensors, raises on real data."""

    def call(self, inputs):
        raise RuntimeError("boom on real data")

    def compute_output_shape(self, input_shape):
        return input_shape


def test_a_model_that_raises_when_called_fails_only_the_forward_pass():
    pixels = keras.Input(shape=(784,), name="pixels")
    x = layers.Dense(64, activation="relu")(pixels)
    x = Explodes()(layers.Dense(64, activation="relu")(x))
    model = keras.Model(pixels, layers.Dense(10, activation="softmax", name="digits")(x))
    result = check("functional_mlp", model, save=False)
    assert not result
    [failure] = [i for i in result.items if not i.passed]
    assert "sample batch" in failure.text
    assert "raised RuntimeError: boom on real data" in failure.message
    assert "(2, 784)" in failure.message


def test_a_builder_that_raises_is_reported_with_the_line_of_the_learners_code():
    def build_model():
        inputs = keras.Input(shape=(784,))
        return keras.Model(inputs, layers.concatenate([inputs, keras.Input(shape=(3, 3))]))

    problem = only_problem(check("functional_mlp", build_model, save=False))
    line = build_model.__code__.co_firstlineno + 2
    assert problem.startswith(
        f"build_model() raised ValueError at line {line} of your code (`return keras.Model("
    )
    assert "layers.concatenate([inputs, keras.Input(shape=(3, 3))]))`): " in problem


def test_the_model_of_another_exercise_is_recognised():
    problem = only_problem(check("siamese_lstm", mlp, save=False))
    assert "looks like the model of the exercise 'functional_mlp'" in problem
    assert "'siamese_lstm' asks for a siamese tweet model" in problem


def test_the_pair_of_the_autoencoder_exercise_is_refused_elsewhere():
    pair = (mlp(), mlp())
    problem = only_problem(check("functional_mlp", pair, save=False))
    assert "is a tuple of 2 models; this exercise checks a single model" in problem


def test_keras_tensors_layers_and_plain_values_get_clear_messages():
    tensor = layers.Dense(3)(keras.Input((2,)))
    assert "is a KerasTensor" in only_problem(check("functional_mlp", tensor, save=False))
    assert "is a Dense layer" in only_problem(check("functional_mlp", layers.Dense(3), save=False))
    assert "is a str ('model')" in only_problem(check("functional_mlp", "model", save=False))
    array = np.zeros((2, 784))
    assert "the object you passed is a ndarray" in only_problem(check("functional_mlp", array, save=False))
    assert "the class Sequential" in only_problem(check("functional_mlp", keras.Sequential, save=False))


def test_a_not_implemented_error_passed_by_hand_is_the_stub():
    problem = only_problem(check("functional_mlp", NotImplementedError(), save=False))
    assert "untouched stub" in problem


def student_namespace(name):
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    notebook = student_version(nbformat.read(path, as_version=4))
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    namespace = {"keras": keras, "layers": layers, "np": np, "kit": kit}
    return run_cell(cell.source, f"/tmp/kit-cells/student_{name}.py", namespace)


@pytest.mark.parametrize("name", names())
def test_the_untouched_student_stub_says_so(name):
    namespace = student_namespace(name)
    builder = namespace.get("build_model") or namespace["build_models"]
    problem = only_problem(check(name, builder, save=False))
    assert f"{builder.__name__}() still raises NotImplementedError" in problem
    assert "untouched stub" in problem
    assert "`raise NotImplementedError()`" in problem


def test_an_unknown_exercise_name_raises_with_a_suggestion():
    with pytest.raises(ValueError, match=r"no exercise 'functional_mpl'\. Did you mean 'functional_mlp'\?"):
        check("functional_mpl", mlp)
    with pytest.raises(TypeError, match="expected the exercise name as a string"):
        check(3, mlp)


def test_a_check_records_attempts_and_passes(private_progress):
    assert not check("functional_mlp", None)
    assert check("functional_mlp", mlp)
    entry = json.loads(private_progress.read_text())["exercises"]["functional_mlp"]
    assert entry["attempts"] == 2 and entry["passed"] is True
    assert entry["first_passed"] == entry["last_checked"]


def test_save_false_leaves_no_progress_file(private_progress):
    check("functional_mlp", mlp, save=False)
    assert not private_progress.exists()


def test_progress_lists_every_exercise_and_what_passed():
    check("functional_mlp", mlp)
    check("multi_io", None)
    report = progress()
    text = str(report)
    assert text.splitlines()[0] == "Exercises passed: 1 of 10"
    assert report.passed == ["functional_mlp"]
    assert "✓ functional_mlp" in text and "passed on " in text
    assert "· multi_io" in text and "not yet (1 check)" in text
    assert "· custom_layer" in text and "not started" in text
    assert "<table>" in report._repr_html_()


def test_a_progress_file_that_cannot_be_written_is_noted_not_raised(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the kit home should be")
    monkeypatch.setenv("KIT_HOME", str(blocker))
    result = check("functional_mlp", mlp)
    assert result
    assert any(note.startswith("(progress not saved:") for note in result.notes)
    assert "(progress not saved:" in str(result)


def test_names_lists_the_exercises():
    assert len(names()) == 10 and names()[0] == "functional_mlp"
