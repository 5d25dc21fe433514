"""Tests of kit.training.ports: the model's inputs and outputs as the checks see them,
and data put in their structure."""

import numpy as np
import pytest
from training_support import keras

from kit.training.ports import Port, arrange, by_name, check_model, model_inputs, model_outputs


def two_headed():
    layers = keras().layers
    words = keras().Input((10,), dtype="int32", name="main_input")
    extra = keras().Input((5,), name="aux_input")
    merged = layers.concatenate([layers.Dense(4)(keras().ops.cast(words, "float32")), extra])
    main = layers.Dense(1, activation="sigmoid", name="main_output")(merged)
    aux = layers.Dense(3, name="aux_output")(merged)
    return keras().Model({"main_input": words, "aux_input": extra}, [main, aux], name="headline")


def test_model_without_inputs():
    unbuilt = keras().Sequential([keras().layers.Dense(2)])
    with pytest.raises(ValueError, match=r"does not know its inputs yet.*keras.Input"):
        check_model(unbuilt)


def test_ports_carry_names_shapes_dtypes_and_activations():
    model = two_headed()
    inputs = {port.name: port for port in model_inputs(model)}
    assert inputs["main_input"] == Port("main_input", (None, 10), "int32")
    outputs = model_outputs(model)
    assert [(port.name, port.shape, port.activation) for port in outputs] == [
        ("main_output", (None, 1), "sigmoid"),
        ("aux_output", (None, 3), "linear"),
    ]


def test_a_sequential_model_has_one_output_named_after_its_last_layer():
    layers = keras().layers
    model = keras().Sequential(
        [keras().Input((4,)), layers.Dense(3), layers.Dense(1, activation="sigmoid", name="p")]
    )
    assert model_outputs(model) == [Port("p", (None, 1), "float32", "sigmoid")]


def test_arrange_returns_the_models_own_structure():
    ports = [Port("a", (None, 2), "float32"), Port("b", (None, 1), "float32")]
    a, b = np.zeros((3, 2)), np.ones((3, 1))
    as_dict = arrange([a, b], ports, {"a": None, "b": None}, "x")
    assert list(as_dict) == ["a", "b"] and as_dict["b"] is not None
    as_list = arrange({"b": b, "a": a}, ports, [None, None], "x")
    np.testing.assert_array_equal(as_list[1], b)
    assert by_name(as_list, ports).keys() == {"a", "b"}
    single = arrange([a], ports[:1], None, "x")
    assert isinstance(single, np.ndarray) and single.shape == (3, 2)


def test_arrange_names_what_is_missing_or_extra():
    ports = [Port("main_output", (None, 1), "float32"), Port("aux_output", (None, 1), "float32")]
    with pytest.raises(ValueError, match=r"missing output 'aux_output'; 'extra' matches no output"):
        arrange({"main_output": np.zeros(2), "extra": np.zeros(2)}, ports, {}, "y")
    with pytest.raises(ValueError, match=r"y is missing: kit.train needs targets for 'main_output'"):
        arrange(None, ports, {}, "y")
    with pytest.raises(ValueError, match=r"has 2 outputs .* but y is one array"):
        arrange(np.zeros(2), ports, {}, "y")
    with pytest.raises(ValueError, match=r"but x is a list of 3"):
        arrange([np.zeros(2)] * 3, ports, {}, "x")
