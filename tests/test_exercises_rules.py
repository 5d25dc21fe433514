"""Shared requirements and the spec arithmetic, checked against real Keras layers."""

import pytest

from kit._text import format_shape, plural
from kit.exercises.rules import (
    all_trainable,
    conv_params,
    dense_params,
    embedding_params,
    fmt_int,
    forward,
    functional_api,
    inputs,
    lstm_params,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port, resolve
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


def built(layer, shape):
    layer(keras.Input(shape))
    return layer.count_params()


@pytest.mark.parametrize("n_in, units", [(784, 64), (37, 64), (1216, 100), (3, 1)])
def test_dense_arithmetic_matches_keras(n_in, units):
    assert dense_params(n_in, units) == built(layers.Dense(units), (n_in,))


@pytest.mark.parametrize("kernel, c_in, filters", [(1, 3, 64), (3, 64, 64), (5, 64, 64), (3, 16, 32)])
def test_conv_arithmetic_matches_keras(kernel, c_in, filters):
    assert conv_params(kernel, c_in, filters) == built(layers.Conv2D(filters, kernel), (9, 9, c_in))


@pytest.mark.parametrize("n_in, units", [(256, 64), (512, 32), (64, 64)])
def test_lstm_arithmetic_matches_keras(n_in, units):
    assert lstm_params(n_in, units) == built(layers.LSTM(units), (5, n_in))


def test_embedding_arithmetic_matches_keras():
    assert embedding_params(1000, 64) == built(layers.Embedding(1000, 64), (20,))


def test_wording_helpers():
    assert format_shape((None, 784)) == "(None, 784)"
    assert format_shape((5,)) == "(5,)"
    assert fmt_int(5200610) == "5,200,610"
    assert plural(1, "input") == "1 input" and plural(2, "input") == "2 inputs"
    assert quoted(["a", "b", "c"]) == "'a', 'b' and 'c'"


def two_inputs(first="a", second="b", dtype="int32"):
    a = keras.Input((3,), name=first, dtype=dtype)
    b = keras.Input((4,), name=second)
    merged = layers.concatenate([layers.Dense(2)(a), b])
    return keras.Model([a, b], layers.Dense(1, activation="sigmoid", name="out")(merged))


SPEC = (Port("a", (None, 3), "int32"), Port("b", (None, 4)))


def test_inputs_pass_and_list_the_spec_in_their_text():
    requirement = inputs(*SPEC)
    assert requirement.text == "2 inputs: 'a' (None, 3) int32, 'b' (None, 4)"
    assert requirement.test(resolve(two_inputs())) is None


def test_inputs_in_the_wrong_order_are_told_the_order():
    a = keras.Input((3,), name="a", dtype="int32")
    b = keras.Input((4,), name="b")
    model = keras.Model([b, a], layers.concatenate([b, layers.Dense(2)(a)]))
    message = inputs(*SPEC).test(resolve(model))
    assert message.startswith("the inputs are in the order 'b' and 'a'; expected 'a' and 'b'")


def test_inputs_report_names_and_dtypes():
    message = inputs(*SPEC).test(resolve(two_inputs(first="x", dtype="float32")))
    assert "input 1 is named 'x', expected 'a': keras.Input(shape=(3,), name='a')" in message
    assert "input 'x' has dtype float32, expected int32" in message


def test_outputs_report_a_missing_output():
    spec = (Port("out", (None, 1)), Port("aux", (None, 1)))
    message = outputs(*spec).test(resolve(two_inputs()))
    assert message.startswith("the model has 1 output ('out' (None, 1)); expected 2")


def test_param_count_lists_the_learners_layers():
    requirement = param_count(99, "spec arithmetic")
    assert requirement.text == "99 parameters"
    message = requirement.test(resolve(two_inputs()))
    assert message.startswith("the model has 15 parameters ('dense")
    assert "the spec gives 99 = spec arithmetic" in message


def test_forward_checks_shapes_and_probabilities():
    subject = resolve(two_inputs())
    assert forward(SPEC, (Port("out", (None, 1)),), ("sigmoid",)).test(subject) is None
    message = forward(SPEC, (Port("out", (None, 3)),), ("softmax",)).test(subject)
    assert message == "output 'out' has shape (2, 1), expected (2, 3)."


def test_forward_tells_a_linear_output_from_a_probability():
    x = keras.Input((3,), name="x")
    model = keras.Model(x, layers.Dense(4, name="scores", kernel_initializer="ones")(x))
    subject = resolve(model)
    message = forward((Port("x", (None, 3)),), (Port("scores", (None, 4)),), ("softmax",)).test(subject)
    assert message.startswith("the rows of output 'scores' sum to ")
    assert "needs activation='softmax'" in message
    message = forward((Port("x", (None, 3)),), (Port("scores", (None, 4)),), ("sigmoid",)).test(subject)
    assert "outside [0, 1]" in message


def test_all_trainable_names_the_frozen_layer():
    model = two_inputs()
    model.get_layer("out").trainable = False
    message = all_trainable().test(resolve(model))
    assert (
        message
        == "only 8 of 15 parameters are trainable; frozen: 'out' (7 parameters). Remove trainable=False."
    )
    model.trainable = False
    assert "has trainable=False, so none of its 15 parameters would learn" in all_trainable().test(
        resolve(model)
    )


def test_functional_api_refuses_sequential_only():
    assert functional_api().test(resolve(two_inputs())) is None
    sequential = keras.Sequential([keras.Input((3,)), layers.Dense(1)], name="seq")
    assert functional_api().test(resolve(sequential)).startswith("'seq' is a Sequential model")
