"""Questions asked of a learner's layer graph."""

import pytest

from kit.exercises import probes
from kit.exercises.engine import Unmet
from kit.exercises.subject import resolve
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


def nested():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, layers.Dense(8, name="inner_dense")(inner_in), name="inner")
    x = keras.Input((4,), name="x")
    h = layers.Dense(5, name="d1")(inner(x))
    h = layers.Activation("relu", name="act")(h)
    out = layers.Dense(2, name="d2")(h)
    return keras.Model(x, layers.Activation("sigmoid", name="prob")(out))


def test_the_output_layer_is_found_behind_an_activation_layer():
    subject = resolve(nested())
    assert probes.output_layer(subject) == "d2"
    assert probes.through_activation(subject, "act") == "d1"


def test_dense_chain_walks_back_through_dense_and_activation_layers():
    subject = resolve(nested())
    assert probes.dense_chain(subject, "prob") == ["d2", "d1"]


def test_flat_layers_looks_inside_nested_models():
    subject = resolve(nested())
    assert [key for _, key in probes.flat_layers(subject.graph, "Dense")] == ["inner_dense", "d1", "d2"]


def test_nested_model_messages_name_what_was_found():
    subject = resolve(nested())
    assert probes.nested_model(subject, "inner", "encoder", "x") == "inner"
    with pytest.raises(Unmet, match="found the nested model 'inner' but none named 'encoder'"):
        probes.nested_model(subject, "encoder", "encoder", "x")


def test_one_of_and_checks_report_the_layers():
    subject = resolve(nested())
    with pytest.raises(Unmet, match=r"found 2 Dense layers \('d1' \(Dense, 5 units\)"):
        probes.one_of(subject, "Dense", "none")
    with pytest.raises(Unmet, match="^no LSTM$"):
        probes.one_of(subject, "LSTM", "no LSTM")
    assert probes.check_dense(subject, "d2", 2, "sigmoid", "the output") == []
    assert probes.check_dense(subject, "d1", 6, "tanh", "hidden") == [
        "hidden 'd1' has 5 units, expected 6",
        "hidden 'd1' uses activation 'relu', expected 'tanh': Dense(6, activation='tanh')",
    ]
