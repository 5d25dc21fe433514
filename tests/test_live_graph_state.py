import gc
import sys
import weakref

import keras
import pytest
from keras import layers

from kit import graph as kgraph
from kit.live_graph.state import LiveState, Origin, find_origin


def recorded(build):
    """Run ``build()`` with a LiveState listening; return (state, what build returned)."""
    state = LiveState()

    def listener(op, inputs, outputs):
        # Start above this listener, as kit.live does (its own frames are skipped as library code).
        state.record(op, inputs, outputs, find_origin(start=sys._getframe(1)))

    stop = kgraph.node_listener(listener)
    try:
        result = build()
    finally:
        stop()
    return state, result


def test_events_become_nodes_and_edges_with_graph_of_attributes():
    def build():
        x = keras.Input((8,), name="ls_x")
        h = layers.Dense(4, activation="relu", name="ls_hidden")(x)
        return layers.Dense(2, name="ls_out")(h)

    state, _ = recorded(build)
    assert state.names() == ["ls_x", "ls_hidden", "ls_out"]
    assert [e.step for e in state.events] == [1, 2, 3]
    assert state.events[1].parents == ("ls_x",)
    hidden = state.graph.nodes["ls_hidden"]
    assert hidden["class_name"] == "Dense" and hidden["kind"] == "layer"
    assert hidden["params"] == 8 * 4 + 4
    assert hidden["config"] == {}  # read on first use, not while the model is being built
    assert state.settings("ls_hidden")["units"] == 4
    assert hidden["config"]["activation"] == "relu"
    assert hidden["input_shapes"] == [[(None, 8)]] and hidden["output_shapes"] == [[(None, 4)]]
    assert state.graph.nodes["ls_x"]["kind"] == "input"
    (edge,) = state.graph.get_edge_data("ls_hidden", "ls_out").values()
    assert edge["shape"] == (None, 4) and edge["node_index"] == 0 and edge["step"] == 3


def test_a_shared_layer_is_one_node_with_one_entry_per_call():
    def build():
        lstm = layers.LSTM(3, name="ls_shared_lstm")
        a, b = keras.Input((5, 2), name="ls_a"), keras.Input((7, 2), name="ls_b")
        return lstm(a), lstm(b)

    state, _ = recorded(build)
    data = state.graph.nodes["ls_shared_lstm"]
    assert data["node_indices"] == [0, 1] and data["shared"] and data["calls"] == 2
    assert data["input_shapes"] == [[(None, 5, 2)], [(None, 7, 2)]]
    edges = {(u, d["node_index"]) for u, _, d in state.graph.in_edges("ls_shared_lstm", data=True)}
    assert edges == {("ls_a", 0), ("ls_b", 1)}
    assert [e.new for e in state.events if e.key == "ls_shared_lstm"] == [True, False]


def test_origins_name_the_line_of_the_learners_code():
    def build():
        x = keras.Input((3,), name="ls_origin_x")
        return layers.Dense(1, name="ls_origin_d")(x)  # the line that makes the call

    state, _ = recorded(build)
    (origin,) = state.graph.nodes["ls_origin_d"]["origins"]
    assert isinstance(origin, Origin)
    assert origin.filename == __file__ and origin.cell is None
    assert origin.code == 'return layers.Dense(1, name="ls_origin_d")(x)  # the line that makes the call'
    assert str(origin).startswith("test_live_graph_state.py, line ")


def test_two_layers_with_one_name_get_distinct_keys():
    def build():
        first = layers.Dense(2, name="ls_twin")(keras.Input((3,), name="ls_in1"))
        second = layers.Dense(2, name="ls_twin")(keras.Input((3,), name="ls_in2"))
        return first, second

    state, _ = recorded(build)
    assert {"ls_twin", "ls_twin#2"} <= set(state.graph)
    assert state.graph.nodes["ls_twin#2"]["name"] == "ls_twin"


def test_a_tensor_made_before_recording_appears_as_a_boundary_node():
    early = layers.Dense(3, name="ls_early")(keras.Input((2,), name="ls_early_in"))
    state, _ = recorded(lambda: layers.Dense(1, name="ls_late")(early))
    assert state.graph.nodes["ls_early"]["before_start"]
    assert "ls_early_in" not in state.graph
    assert state.graph.has_edge("ls_early", "ls_late")
    assert state.layout.positions["ls_late"][1] == state.layout.positions["ls_early"][1] + 1


def test_snapshot_replays_the_graph_as_it_was_at_a_step():
    def build():
        dense = layers.Dense(2, name="ls_replay_shared")
        x = keras.Input((2,), name="ls_replay_x")
        return dense(dense(x))

    state, _ = recorded(build)
    assert state.steps == 3
    first = state.snapshot(1)
    assert list(first) == ["ls_replay_x"]
    second = state.snapshot(2)
    assert second.nodes["ls_replay_shared"]["calls"] == 1
    assert not second.nodes["ls_replay_shared"]["shared"]
    assert second.number_of_edges() == 1
    assert state.snapshot(3).nodes["ls_replay_shared"]["calls"] == 2
    assert state.snapshot() is state.graph
    assert state.newest(2) == "ls_replay_shared" and state.newest(1) == "ls_replay_x"


def test_independent_models_are_separate_components_and_models_filter_them():
    def build():
        a = keras.Input((4,), name="ls_m1_in")
        m1 = keras.Model(a, layers.Dense(2, name="ls_m1_out")(a), name="ls_m1")
        b = keras.Input((4,), name="ls_m2_in")
        c = layers.Dense(3, name="ls_m2_hidden")(b)
        m2 = keras.Model(b, layers.Dense(1, name="ls_m2_out")(c), name="ls_m2")
        return m1, m2

    state, (m1, m2) = recorded(build)
    assert state.components() == [["ls_m1_in", "ls_m1_out"], ["ls_m2_in", "ls_m2_hidden", "ls_m2_out"]]
    assert state.watch_namespace({"first": m1, "second": m2, "_hidden": m1, "n": 3}) == [
        "first (ls_m1)",
        "second (ls_m2)",
    ]
    assert state.models() == ["first (ls_m1)", "second (ls_m2)"]
    assert state.members("second (ls_m2)") == {"ls_m2_in", "ls_m2_hidden", "ls_m2_out"}
    assert set(state.snapshot(keys=state.members(m1))) == {"ls_m1_in", "ls_m1_out"}
    with pytest.raises(TypeError, match="expected a functional or Sequential keras.Model"):
        state.watch("not a model")


def test_the_state_keeps_no_keras_object_alive():
    def build():
        x = keras.Input((3,), name="ls_weak_in")
        model = keras.Model(x, layers.Dense(2, name="ls_weak_out")(x))
        return weakref.ref(model), weakref.ref(model.get_layer("ls_weak_out"))

    state, (model_ref, layer_ref) = recorded(build)
    state.watch_namespace({})
    gc.collect()
    assert model_ref() is None and layer_ref() is None
    assert set(state.graph) == {"ls_weak_in", "ls_weak_out"}
    assert state.operation("ls_weak_out") is None
    assert state.settings("ls_weak_out") == {}  # gone before anyone asked
    assert state.models() == []


def test_summary_is_one_deterministic_line():
    state = LiveState()
    assert state.summary() == "live graph: 0 layers"

    def build():
        x = keras.Input((2,), name="ls_sum_0")
        for i in range(1, 9):
            x = layers.Activation("relu", name=f"ls_sum_{i}")(x)
        return x

    state, _ = recorded(build)
    assert (
        state.summary()
        == "live graph: 8 layers + 1 input (ls_sum_0, ls_sum_1, ls_sum_2, …, ls_sum_6, ls_sum_7, ls_sum_8)"
    )


def test_placed_layers_never_move_as_the_graph_grows():
    def build():
        x = keras.Input((4,), name="ls_move_in")
        towers = [layers.Dense(2, name=f"ls_tower_{i}")(x) for i in range(3)]
        joined = layers.concatenate(towers, name="ls_joined")
        return layers.Dense(1, name="ls_after")(joined)

    positions = {}

    def check(op, inputs, outputs):
        for key, where in positions.items():
            assert state.layout.positions[key] == where
        state.record(op, inputs, outputs)
        positions.update(state.layout.positions)

    state = LiveState()
    stop = kgraph.node_listener(check)
    try:
        build()
    finally:
        stop()
    rows = {}
    for _key, (x, row) in state.layout.positions.items():
        rows.setdefault(row, []).append(x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= 1 for a, b in zip(xs, xs[1:]))
    assert state.layout.positions["ls_joined"][1] == 2
    assert state.layout.positions["ls_after"][1] == 3
