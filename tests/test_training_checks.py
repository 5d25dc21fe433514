"""Tests of kit.training.checks: every kind of bad input gets a short message that
names the input or target, what was expected, what was given and a fix."""

import numpy as np
import pytest
from training_support import keras

from kit.training.checks import prepare


@pytest.fixture(scope="module")
def classifier():
    layers = keras().layers
    inputs = keras().Input((4,), name="features")
    outputs = layers.Dense(10, activation="softmax", name="digit")(layers.Dense(8)(inputs))
    return keras().Model(inputs, outputs, name="classifier")


@pytest.fixture(scope="module")
def headline():
    """Two named inputs (word indices + numbers), two named outputs."""
    layers = keras().layers
    words = keras().Input((10,), dtype="int32", name="main_input")
    extra = keras().Input((5,), name="aux_input")
    encoded = layers.GlobalAveragePooling1D()(layers.Embedding(50, 4)(words))
    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(encoded)
    merged = layers.concatenate([encoded, extra])
    main_output = layers.Dense(1, activation="sigmoid", name="main_output")(merged)
    return keras().Model([words, extra], [main_output, aux_output], name="headline")


def headline_data(samples=20):
    generator = np.random.default_rng(0)
    x = {
        "main_input": generator.integers(0, 50, (samples, 10)),
        "aux_input": generator.normal(size=(samples, 5)),
    }
    y = {"main_output": np.ones(samples), "aux_output": np.zeros(samples)}
    return x, y


def features(samples=20):
    return np.random.default_rng(1).normal(size=(samples, 4)).astype("float32")


def labels(samples=20, classes=10):
    return np.arange(samples) % classes


# --------------------------------------------------------------- good input


def test_good_input_is_arranged_for_the_model(headline):
    x, y = headline_data()
    prepared = prepare(headline, x, y, 0.25, 8)
    assert isinstance(prepared.x, list) and [a.shape for a in prepared.x] == [(15, 10), (15, 5)]
    assert prepared.x[0].dtype == np.int32 and prepared.x[1].dtype == np.float32
    assert prepared.samples == 15 and prepared.validation[0][0].shape == (5, 10)
    assert prepared.loss == ["binary_crossentropy", "binary_crossentropy"]


def test_loss_proposals(classifier):
    assert prepare(classifier, features(), labels(), None, 8).loss == "sparse_categorical_crossentropy"
    one_hot = np.eye(10)[labels()]
    assert prepare(classifier, features(), one_hot, None, 8).loss == "categorical_crossentropy"
    inputs = keras().Input((4,))
    logits = keras().Model(inputs, keras().layers.Dense(3)(inputs))
    proposed = prepare(logits, features(), labels(classes=3), None, 8).loss
    assert type(proposed).__name__ == "SparseCategoricalCrossentropy" and proposed.from_logits
    regression = keras().Model(inputs, keras().layers.Dense(1)(inputs))
    assert prepare(regression, features(), np.linspace(0, 1, 20), None, 8).loss == "mse"


# ------------------------------------------------------------ bad structure


def test_x_and_y_of_different_lengths(classifier):
    with pytest.raises(ValueError, match=r"same number of samples .* x has 20, y has 18"):
        prepare(classifier, features(), labels(18), None, 8)


def test_named_inputs_of_different_lengths(headline):
    x, y = headline_data()
    x["aux_input"] = x["aux_input"][:7]
    with pytest.raises(ValueError, match=r"x\['main_input'\] has 20, x\['aux_input'\] has 7"):
        prepare(headline, x, y, None, 8)


def test_missing_named_input(headline):
    x, y = headline_data()
    del x["aux_input"]
    with pytest.raises(ValueError, match=r"missing input 'aux_input'.*keras.Input\(name=...\)"):
        prepare(headline, x, y, None, 8)


def test_misspelt_named_input_gets_a_suggestion(headline):
    x, y = headline_data()
    x["aux_inpt"] = x.pop("aux_input")
    with pytest.raises(
        ValueError, match=r"missing input 'aux_input' \(is 'aux_inpt' a misspelling of it\?\)"
    ):
        prepare(headline, x, y, None, 8)


def test_extra_named_input(headline):
    x, y = headline_data()
    x["weather"] = x["aux_input"]
    with pytest.raises(ValueError, match=r"'weather' matches no input"):
        prepare(headline, x, y, None, 8)


def test_misspelt_output_name(headline):
    x, y = headline_data()
    y["main_ouput"] = y.pop("main_output")
    with pytest.raises(ValueError, match=r"y has keys .* missing output 'main_output' \(is 'main_ouput'"):
        prepare(headline, x, y, None, 8)


def test_wrong_number_of_arrays_in_a_list(headline):
    x, y = headline_data()
    with pytest.raises(ValueError, match=r"2 inputs \('main_input', 'aux_input'\) but x is a list of 3"):
        prepare(headline, [x["main_input"], x["aux_input"], x["aux_input"]], y, None, 8)
    with pytest.raises(ValueError, match=r"2 outputs .* but y is one array"):
        prepare(headline, x, y["main_output"], None, 8)


# ----------------------------------------------------------- bad values


def test_wrong_shape_suggests_a_reshape(classifier):
    images = np.zeros((20, 2, 2), "float32")
    with pytest.raises(
        ValueError,
        match=r"x has shape \(20, 2, 2\) but input 'features' expects \(None, 4\).*x.reshape\(len\(x\), 4\)",
    ):
        prepare(classifier, images, labels(), None, 8)


def test_wrong_shape_of_a_named_input(headline):
    x, y = headline_data()
    x["aux_input"] = x["aux_input"][:, :3]
    with pytest.raises(
        ValueError, match=r"x\['aux_input'\] has shape \(20, 3\) but input 'aux_input' expects \(None, 5\)"
    ):
        prepare(headline, x, y, None, 8)


def test_non_integer_values_for_an_integer_input(headline):
    x, y = headline_data()
    x["main_input"] = x["main_input"] + 0.5
    with pytest.raises(
        TypeError,
        match=r"x\['main_input'\] has non-integer values \(.*at sample 0, position \(0,\)\) but input 'main_input' expects int32",
    ):
        prepare(headline, x, y, None, 8)


def test_text_input(classifier):
    words = np.array([["a", "b", "c", "d"]] * 20)
    with pytest.raises(TypeError, match=r"x holds text \('a', 'b', 'c', \.\.\.\).*TextVectorization"):
        prepare(classifier, words, labels(), None, 8)


def test_ragged_sequences_need_padding(classifier):
    ragged = [[1, 2, 3, 4], [1, 2]] * 10
    with pytest.raises(ValueError, match=r"pad_sequences"):
        prepare(classifier, ragged, labels(), None, 8)


def test_nan_in_inputs_says_where(classifier):
    x = features()
    x[7, 2] = np.nan
    x[9, 0] = np.nan
    with pytest.raises(ValueError, match=r"x has 2 NaN \(first at sample 7, position \(2,\)\) values"):
        prepare(classifier, x, labels(), None, 8)


def test_infinite_values_in_targets_say_where(headline):
    x, y = headline_data()
    y["aux_output"] = y["aux_output"].copy()
    y["aux_output"][4] = np.inf
    with pytest.raises(ValueError, match=r"y\['aux_output'\] has 1 infinite \(first at sample 4\) values"):
        prepare(headline, x, y, None, 8)


def test_float64_overflowing_float32_is_caught(classifier):
    x = features().astype("float64")
    x[3, 1] = 1e300
    with pytest.raises(
        ValueError, match=r"x \(as float32\) has 1 infinite \(first at sample 3, position \(1,\)\)"
    ):
        prepare(classifier, x, labels(), None, 8)


# ------------------------------------------------------------------ labels


def test_labels_outside_the_classes(classifier):
    with pytest.raises(
        ValueError, match=r"y has labels from 0 to 12 .* output 'digit' has 10 units, so the classes are 0..9"
    ):
        prepare(classifier, features(), labels(classes=13), None, 8)


def test_labels_starting_at_one_get_that_hint(classifier):
    with pytest.raises(ValueError, match=r"start at 1: use y - 1"):
        prepare(classifier, features(), labels() + 1, None, 8)


def test_negative_labels(classifier):
    with pytest.raises(ValueError, match=r"labels from -1 to"):
        prepare(classifier, features(), labels() - 1, None, 8, loss="sparse_categorical_crossentropy")


def test_one_hot_labels_with_a_sparse_loss(classifier):
    one_hot = np.eye(10)[labels()]
    with pytest.raises(
        ValueError,
        match=r"y has shape \(20, 10\), one-hot labels, but the loss sparse_categorical_crossentropy wants one class number per sample, shape \(20,\)",
    ):
        prepare(classifier, features(), one_hot, None, 8, loss="sparse_categorical_crossentropy")


def test_integer_labels_with_a_categorical_loss(classifier):
    loss = keras().losses.CategoricalCrossentropy()
    with pytest.raises(
        ValueError,
        match=r"y holds class numbers, shape \(20,\), but the loss categorical_crossentropy wants one-hot rows of 10 values.*to_categorical\(y, 10\)",
    ):
        prepare(classifier, features(), labels(), None, 8, loss=loss)


def test_string_labels(classifier):
    names = np.array(["cat", "dog"] * 10)
    with pytest.raises(
        TypeError, match=r"y holds text labels \('cat', 'dog', \.\.\.\).*np.unique\(y, return_inverse=True\)"
    ):
        prepare(classifier, features(), names, None, 8)


def test_binary_loss_with_class_numbers(headline):
    x, y = headline_data()
    y["main_output"] = np.arange(20) % 4
    with pytest.raises(
        ValueError, match=r"y\['main_output'\] has values from 0 to 3 .*between 0 and 1.*For 4 classes"
    ):
        prepare(headline, x, y, None, 8)


def test_sparse_loss_on_a_single_unit(headline):
    x, y = headline_data()
    with pytest.raises(
        ValueError, match=r"needs one output unit per class, but output 'main_output' has 1 unit"
    ):
        prepare(headline, x, y, None, 8, loss="sparse_categorical_crossentropy")


def test_loss_dict_with_an_unknown_output(headline):
    x, y = headline_data()
    with pytest.raises(ValueError, match=r"loss has keys 'main' that match no output"):
        prepare(headline, x, y, None, 8, loss={"main": "mse"})


def test_validation_data_is_checked_too(classifier):
    bad = features(5)
    bad[2, 2] = np.nan
    with pytest.raises(ValueError, match=r"validation\[0\] has 1 NaN \(first at sample 2"):
        prepare(classifier, features(), labels(), (bad, labels(5)), 8)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5, True])
def test_validation_fraction_out_of_range(classifier, fraction):
    with pytest.raises(ValueError, match=r"between 0 and 1"):
        prepare(classifier, features(), labels(), fraction, 8)


# --------------------------------------------------------------- datasets


def test_dataset_with_y_given(classifier):
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((features(), labels()))
    with pytest.raises(ValueError, match=r"already yields the targets; leave y out"):
        prepare(classifier, dataset, labels(), None, 8)


def test_dataset_with_wrong_names_or_shapes(headline):
    import tensorflow as tf

    x, y = headline_data()
    x["aux_inpt"] = x.pop("aux_input")
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    with pytest.raises(ValueError, match=r"missing 'aux_input'; unknown 'aux_inpt'"):
        prepare(headline, dataset, None, None, 8)
    x, y = headline_data()
    x["aux_input"] = x["aux_input"][:, :2]
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    with pytest.raises(
        ValueError, match=r"input 'aux_input' has shape \(2,\) but the model expects \(None, 5\)"
    ):
        prepare(headline, dataset, None, None, 8)


def test_endless_dataset(classifier):
    import tensorflow as tf

    endless = tf.data.Dataset.from_tensor_slices((features(), labels())).repeat()
    with pytest.raises(ValueError, match=r"endless dataset .* leave out .repeat\(\)"):
        prepare(classifier, endless, None, None, 8)


def test_dataset_without_targets(classifier):
    import tensorflow as tf

    with pytest.raises(ValueError, match=r"should yield \(inputs, targets\) pairs"):
        prepare(classifier, tf.data.Dataset.from_tensor_slices(features()), None, None, 8)


# --------------------------------------------------- through kit.train itself


def test_kit_train_stops_before_training_and_writes_nothing(classifier, tmp_path, monkeypatch):
    from kit.training.trainer import train

    monkeypatch.chdir(tmp_path)
    model = keras().models.clone_model(classifier)
    with pytest.raises(ValueError, match=r"y has labels from 1 to 10"):
        train(model, features(), labels() + 1, epochs=1, progress=None)
    assert not (tmp_path / "runs").exists() and not model.compiled
