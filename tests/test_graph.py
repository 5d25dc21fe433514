import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keras import layers

import kit
from kit import graph as kgraph


def edges(graph, u, v):
    return list(graph.get_edge_data(u, v, default={}).values())


def test_sequential_chain_follows_layer_order():
    model = keras.Sequential(
        [
            keras.Input((784,), name="pixels"),
            layers.Dense(64, name="h1"),
            layers.Dense(64, name="h2"),
            layers.Dense(10, name="out"),
        ],
        name="mlp",
    )
    graph = kit.graph_of(model)
    assert list(graph.nodes) == ["pixels", "h1", "h2", "out"]
    assert [(u, v) for u, v in graph.edges()] == [("pixels", "h1"), ("h1", "h2"), ("h2", "out")]
    assert graph.nodes["pixels"]["kind"] == "input" and graph.nodes["pixels"]["is_input"]
    assert graph.nodes["out"]["is_output"] and not graph.nodes["h1"]["is_output"]
    assert graph.nodes["h1"]["params"] == 784 * 64 + 64
    assert edges(graph, "h1", "h2")[0]["shape"] == (None, 64)
    assert graph.graph["inputs"] == ["pixels"] and graph.graph["outputs"] == ["out"]


@pytest.mark.parametrize("merge", [layers.Add, layers.Concatenate, layers.Average])
def test_branches_and_merges(merge):
    x = keras.Input((8,), name="x")
    left = layers.Dense(4, name="left")(x)
    right = layers.Dense(4, name="right")(x)
    merged = merge(name="merge")([left, right])
    graph = kit.graph_of(keras.Model(x, merged))
    assert set(graph.successors("x")) == {"left", "right"}
    assert set(graph.predecessors("merge")) == {"left", "right"}
    positions = {u: e["position"] for u, _, e in graph.in_edges("merge", data=True)}
    assert positions == {"left": 0, "right": 1}
    expected = (None, 8) if merge is layers.Concatenate else (None, 4)
    assert graph.nodes["merge"]["output_shapes"] == [[expected]]


def test_layer_called_twice_is_one_shared_node_with_two_calls():
    lstm = layers.LSTM(32, name="shared_lstm")
    a = keras.Input((280, 256), name="tweet_a")
    b = keras.Input((280, 256), name="tweet_b")
    merged = layers.concatenate([lstm(a), lstm(b)], name="merged")
    model = keras.Model([a, b], layers.Dense(1, name="pred")(merged))
    graph = kit.graph_of(model)
    node = graph.nodes["shared_lstm"]
    assert node["shared"] and node["calls"] == 2 and node["node_indices"] == [0, 1]
    assert {e["node_index"] for e in edges(graph, "tweet_a", "shared_lstm")} == {0}
    assert {e["node_index"] for e in edges(graph, "tweet_b", "shared_lstm")} == {1}
    out_edges = edges(graph, "shared_lstm", "merged")
    assert sorted(e["producer_node_index"] for e in out_edges) == [0, 1]
    assert node["params"] == lstm.count_params()


def test_same_tensor_twice_gives_two_edges():
    x = keras.Input((5,), name="x")
    h = layers.Dense(5, name="h")(x)
    model = keras.Model(x, layers.add([h, h], name="double"))
    graph = kit.graph_of(model)
    twice = edges(graph, "h", "double")
    assert sorted(e["position"] for e in twice) == [0, 1]
    assert not graph.nodes["double"]["shared"]


def shared_vision_model():
    digit = keras.Input((27, 27, 1), name="digit")
    x = layers.Conv2D(64, 3, name="conv_a")(digit)
    x = layers.Conv2D(64, 3, name="conv_b")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    vision = keras.Model(digit, layers.Flatten(name="flat")(x), name="vision_model")
    a = keras.Input((27, 27, 1), name="digit_a")
    b = keras.Input((27, 27, 1), name="digit_b")
    joined = layers.concatenate([vision(a), vision(b)], name="joined")
    return vision, keras.Model([a, b], layers.Dense(1, activation="sigmoid", name="same")(joined))


def test_model_used_as_layer_twice_is_nested_and_shared():
    vision, model = shared_vision_model()
    graph = kit.graph_of(model)
    node = graph.nodes["vision_model"]
    assert node["nested"] and node["kind"] == "model" and node["calls"] == 2
    assert node["params"] == vision.count_params()
    assert set(node["subgraph"].nodes) == {"digit", "conv_a", "conv_b", "pool", "flat"}
    assert "conv_a" not in graph
    assert sum(d["params"] for _, d in graph.nodes(data=True)) == model.count_params()


def test_time_distributed_model_records_what_it_wraps():
    vision, _ = shared_vision_model()
    frames = keras.Input((4, 27, 27, 1), name="frames")
    encoded = layers.TimeDistributed(vision, name="per_frame")(frames)
    graph = kit.graph_of(layers.LSTM(8, name="video_lstm")(encoded))
    node = graph.nodes["per_frame"]
    assert node["class_name"] == "TimeDistributed" and node["wrapped"].startswith("vision_model")
    assert node["subgraph"] is not None and "conv_a" in node["subgraph"]
    assert node["output_shapes"] == [[(None, 4, 7744)]]


def test_layer_with_several_outputs_keeps_tensor_indices():
    seq = keras.Input((10, 3), name="seq")
    output, state_h, state_c = layers.LSTM(4, return_state=True, name="lstm")(seq)
    joined = layers.concatenate([output, state_c], name="join")
    graph = kit.graph_of(joined)
    assert graph.nodes["lstm"]["output_shapes"] == [[(None, 4)] * 3]
    assert sorted(e["tensor_index"] for e in edges(graph, "lstm", "join")) == [0, 2]


def test_raw_keras_ops_become_operation_nodes():
    x = keras.Input((3,), name="x")
    y = keras.ops.exp(-keras.ops.abs(layers.Dense(3, name="d")(x)))
    graph = kit.graph_of(keras.Model(x, y))
    kinds = {d["class_name"]: d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds["Dense"] == "layer"
    assert {"Absolute", "Negative", "Exp"} <= set(kinds)
    assert all(kinds[name] == "op" for name in ("Absolute", "Negative", "Exp"))
    assert len(graph) == 5


def test_multi_input_multi_output_matches_keras():
    main_input = keras.Input((100,), dtype="int32", name="main_input")
    x = layers.Embedding(10000, 512)(main_input)
    lstm_out = layers.LSTM(32)(x)
    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    aux_input = keras.Input((5,), name="aux_input")
    x = layers.concatenate([lstm_out, aux_input])
    for _ in range(3):
        x = layers.Dense(64, activation="relu")(x)
    main_output = layers.Dense(1, activation="sigmoid", name="main_output")(x)
    model = keras.Model([main_input, aux_input], [main_output, aux_output])
    graph = kit.graph_of(model)
    assert set(graph.nodes) == {op.name for op in model.operations}
    assert graph.graph["inputs"] == ["main_input", "aux_input"]
    assert graph.graph["outputs"] == ["main_output", "aux_output"]
    assert graph.nodes["aux_output"]["is_output"] and graph.nodes["main_output"]["is_output"]
    assert graph.nodes["main_output"]["config"]["activation"] == "sigmoid"
    assert sum(d["params"] for _, d in graph.nodes(data=True)) == model.count_params()


def test_layer_in_two_models_counts_only_calls_inside_the_given_model():
    shared = layers.Dense(4, name="shared_dense")
    a = keras.Input((4,), name="a")
    first = keras.Model(a, shared(a), name="first")
    b = keras.Input((4,), name="b")
    second = keras.Model(b, shared(shared(b)), name="second")
    assert kit.graph_of(first).nodes["shared_dense"]["node_indices"] == [0]
    node = kit.graph_of(second).nodes["shared_dense"]
    assert node["node_indices"] == [1, 2] and node["calls"] == 2
    assert kgraph.calls_in_model(first) >= {(id(shared), 0)}
    assert (id(shared), 1) not in kgraph.calls_in_model(first)


def test_keras_application_built_without_weights():
    model = keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35)
    graph = kit.graph_of(model)
    assert set(graph.nodes) == {op.name for op in model.operations}
    assert graph.number_of_nodes() == len(model.operations)
    adds = [n for n, d in graph.nodes(data=True) if d["class_name"] == "Add"]
    assert adds and all(graph.in_degree(n) == 2 for n in adds)
    assert sum(d["params"] for _, d in graph.nodes(data=True)) == model.count_params()


def test_tensors_and_called_layer_give_the_graph_upstream():
    x = keras.Input((3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    z = layers.Dense(1, name="unused_downstream")(y)
    assert set(kit.graph_of(y).nodes) == {"x", "d"}
    assert set(kit.graph_of(dense).nodes) == {"x", "d"}
    assert set(kit.graph_of([y, z]).nodes) == {"x", "d", "unused_downstream"}
    assert set(kit.graph_of({"out": z}).nodes) == {"x", "d", "unused_downstream"}


# --- bad input ---------------------------------------------------------------


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)


@pytest.mark.parametrize(
    "bad, error, words",
    [
        (None, TypeError, "got None"),
        ("model", TypeError, "got str"),
        (42, TypeError, "got int"),
        ([], TypeError, "got list"),
        (np.zeros((2, 3)), TypeError, "concrete ndarray"),
        (lambda: keras.ops.ones((2, 3)), TypeError, "concrete"),
        (lambda: Subclassed(), ValueError, "subclassed model"),
        (lambda: keras.Sequential([layers.Dense(3)]), ValueError, "keras.Input"),
        (lambda: layers.Dense(3), ValueError, "never been called"),
    ],
)
def test_bad_input_names_what_was_expected(bad, error, words):
    if callable(bad):
        bad = bad()
    with pytest.raises(error) as caught:
        kit.graph_of(bad)
    assert words in str(caught.value)
    if error is TypeError:
        assert "expected a Keras model" in str(caught.value)


def test_built_subclassed_model_explains_how_to_see_it():
    model = Subclassed()
    model(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="built subclassed model.*keras.Input"):
        kit.graph_of(model)
    graph = kit.graph_of(model(keras.Input((3,), name="features")))
    assert graph.nodes[model.name]["nested"] and graph.nodes[model.name]["subgraph"] is None


def test_node_listener_reports_calls_and_restores_keras():
    from keras.src.ops.node import Node

    before = Node.__init__
    seen = []
    remove = kgraph.node_listener(lambda op, inputs, outputs: seen.append((op.name, len(outputs))))
    try:
        x = keras.Input((2,), name="listened_input")
        layers.Dense(1, name="listened_dense")(x)
    finally:
        remove()
    assert seen == [("listened_input", 1), ("listened_dense", 1)]
    assert Node.__init__ is before
    layers.Dense(1)(keras.Input((2,)))
    assert len(seen) == 2


# --- property test against Keras's own bookkeeping ---------------------------


@st.composite
def random_dags(draw):
    """A recipe for a random functional model: each step picks its inputs among earlier tensors."""
    n_inputs = draw(st.integers(1, 3))
    steps = []
    for i in range(draw(st.integers(1, 9))):
        available = n_inputs + i
        kind = draw(st.sampled_from(["dense", "add", "concat", "shared", "op"]))
        arity = 1 if kind in ("dense", "shared", "op") else draw(st.integers(2, 3))
        sources = draw(st.lists(st.integers(0, available - 1), min_size=arity, max_size=arity))
        steps.append((kind, sources))
    n_outputs = draw(st.integers(1, 2))
    return n_inputs, steps, n_outputs


def build_from_recipe(recipe):
    n_inputs, steps, n_outputs = recipe
    width = 4
    tensors = [keras.Input((width,), name=f"in{i}") for i in range(n_inputs)]
    shared = layers.Dense(width, name="shared")
    for i, (kind, sources) in enumerate(steps):
        picked = [tensors[s] for s in sources]
        if kind == "dense":
            out = layers.Dense(width, name=f"dense{i}")(picked[0])
        elif kind == "shared":
            out = shared(picked[0])
        elif kind == "op":
            out = keras.ops.tanh(picked[0])
        elif kind == "add":
            out = layers.Add(name=f"add{i}")(picked)
        else:
            out = layers.Dense(width, name=f"fold{i}")(layers.Concatenate(name=f"concat{i}")(picked))
        tensors.append(out)
    outputs = tensors[-n_outputs:] if len(tensors) - n_inputs >= n_outputs else tensors[-1:]
    used_inputs = tensors[:n_inputs]
    return keras.Model(used_inputs, outputs), shared


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags())
def test_random_functional_dags_match_keras(recipe):
    model, shared = build_from_recipe(recipe)
    graph = kit.graph_of(model)
    operations = {op.name: op for op in model.operations}
    assert set(graph.nodes) == set(operations)
    # Every edge is a tensor that Keras recorded as an input of that call.
    keras_calls = model._nodes  # Keras's own record: "<id(op)>_ib-<node_index>" keys
    expected_edges = set()
    for name, op in operations.items():
        for call in kgraph.calls_of(op):
            if f"{id(op)}_ib-{call.node_index}" not in keras_calls:
                continue
            for position, tensor in enumerate(call.inputs):
                producer = kgraph.history(tensor)[0]
                expected_edges.add((producer.name, name, call.node_index, position))
    found = {(u, v, e["node_index"], e["position"]) for u, v, e in graph.edges(data=True)}
    assert found == expected_edges
    if "shared" in graph:
        calls = [n for n in model._nodes if n.startswith(f"{id(shared)}_")]
        assert graph.nodes["shared"]["calls"] == len(calls)
    assert sum(d["params"] for _, d in graph.nodes(data=True)) == model.count_params()


def test_an_input_no_output_depends_on_still_has_its_call_and_shape():
    used, unused = keras.Input((3,), name="used_in"), keras.Input((4,), name="unused_in")
    model = keras.Model([used, unused], layers.Dense(2, name="only_dense")(used))
    data = kit.graph_of(model).nodes["unused_in"]
    assert data["calls"] == 1 and data["is_input"]
    assert data["output_shapes"] == [[tuple(model.inputs[1].shape)]] == [[(None, 4)]]


def test_a_dict_of_tensors_names_what_it_holds():
    with pytest.raises(TypeError) as caught:
        kit.graph_of({"units": 3})
    assert "the dict holds an int (3)" in str(caught.value)


def test_edges_into_a_model_called_with_a_dict_carry_the_keys():
    first, second = keras.Input((3,), name="first"), keras.Input((5,), name="second")
    joined = layers.concatenate([layers.Dense(2)(first), layers.Dense(2)(second)])
    inner = keras.Model([second, first], joined, name="dict_inner")  # inputs not in key order
    p, q = keras.Input((5,), name="p"), keras.Input((3,), name="q")
    outer = keras.Model([p, q], inner({"second": p, "first": q}))
    edges = {u: edge["argument"] for u, _, edge in kit.graph_of(outer).in_edges("dict_inner", data=True)}
    # Keras matches the keys to the inner Inputs' names: q feeds "first", p feeds "second".
    assert edges == {"q": "first", "p": "second"}
    assert tuple(inner.get_layer("first").output.shape) == tuple(q.shape)


def _compiled_two_headed():
    words = keras.Input((6,), dtype="int32", name="words")
    encoded = layers.LSTM(4)(layers.Embedding(20, 4)(words))
    model = keras.Model(words, [layers.Dense(1, name="a")(encoded), layers.Dense(2, name="b")(encoded)])
    model.compile(optimizer="adam", loss={"a": "mse", "b": "mse"}, metrics={"a": ["mae"]})
    return model


def _two_headed_batch_spec():
    import tensorflow as tf

    return (
        tf.TensorSpec((None, 6), "int32"),
        {"a": tf.TensorSpec((None, 1)), "b": tf.TensorSpec((None, 2))},
    )


def test_build_for_fit_creates_every_variable_so_fit_traces_its_step_once():
    model = _compiled_two_headed()
    assert kgraph.build_for_fit(model, _two_headed_batch_spec())
    built = {id(variable) for variable in model.optimizer.variables + model.metrics_variables}
    assert len(model.optimizer.variables) > 2  # more than the step and the learning rate: the slots
    assert len(model.metrics_variables) >= 4
    traces = []
    step = model.train_step
    model.train_step = lambda data: traces.append(1) or step(data)
    words = np.random.default_rng(0).integers(0, 20, (32, 6))
    model.fit(words, {"a": np.zeros((32, 1)), "b": np.zeros((32, 2))}, batch_size=16, verbose=0)
    assert len(traces) == 1  # without the build, TensorFlow traces it twice
    assert {id(variable) for variable in model.optimizer.variables + model.metrics_variables} == built


def test_build_for_fit_leaves_the_building_to_fit_when_the_spec_does_not_fit():
    import tensorflow as tf

    model = _compiled_two_headed()
    assert not kgraph.build_for_fit(model, (tf.TensorSpec((None, 6, 3), "int32"), {}))
    assert not model.optimizer.built
