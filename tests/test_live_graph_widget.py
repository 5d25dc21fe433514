import gc
import os
import subprocess
import sys
import time

import keras
import psutil
import pytest
from keras import layers
from matplotlib import _pylab_helpers
from matplotlib.figure import Figure

import kit
from kit.drawing.layout import IncrementalLayout
from kit.live_graph import widget as live_widget
from kit.live_graph.frames import draw_frame
from kit.live_graph.widget import LIVE_TEXT, FrameThrottle, LiveGraph

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FrozenClock:
    """A clock that only moves when told to, so that throttling is deterministic."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def chain(prefix, length, width=4):
    x = keras.Input((width,), name=f"{prefix}_in")
    for i in range(length):
        x = layers.Activation("relu", name=f"{prefix}_{i}")(x)
    return x


def mlp(prefix):
    x = keras.Input((8,), name=f"{prefix}_in")
    h = layers.Dense(4, activation="relu", name=f"{prefix}_hidden")(x)
    return keras.Model(x, layers.Dense(2, name=f"{prefix}_out")(h), name=prefix)


# --- widget state -------------------------------------------------------------


def test_widget_state_after_a_small_model():
    with LiveGraph(ipython=False) as graph:
        mlp("ws")
        graph.flush()
        assert graph.status.value == "2 layers + 1 input · live"
    assert graph.status.value == "2 layers + 1 input · stopped"
    assert (graph.slider.min, graph.slider.max, graph.slider.value) == (1, 3, 3)
    assert [value for _, value in graph.layer.options] == ["", "ws_in", "ws_hidden", "ws_out"]
    assert bytes(graph.image.value).startswith(PNG_SIGNATURE)
    assert graph.image.layout.width == f"{round(graph._figure.get_figwidth() * 80)}px"
    assert set(graph._figure.labels) == {"ws_in", "ws_hidden", "ws_out"}
    assert str(graph) == "live graph: 2 layers + 1 input (ws_in, ws_hidden, ws_out) (stopped)"
    assert graph.error.value == ""


def test_the_output_has_text_a_picture_and_the_widget():
    with LiveGraph(ipython=False) as graph:
        mlp("bundle")
    bundle = graph._bundle()
    assert bundle["text/plain"] == LIVE_TEXT
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == graph.widget.model_id
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert "application/vnd.jupyter.widget-view+json" not in graph._bundle(with_widget=False)


def test_history_slider_replays_the_construction():
    with LiveGraph(ipython=False) as graph:
        mlp("hist")
    graph.slider.value = 2
    assert set(graph._figure.labels) == {"hist_in", "hist_hidden"}
    assert (
        graph._title(2, "hist_hidden", graph.state.snapshot(2))
        == "live graph: 1 layer + 1 input, step 2 of 3 · hist_hidden (Dense)"
    )
    graph.slider.value = 1
    assert set(graph._figure.labels) == {"hist_in"}


def test_the_view_follows_new_layers_only_when_at_the_latest_step():
    graph = LiveGraph(ipython=False).start()
    try:
        x = chain("follow", 3)
        graph.flush()
        assert graph.slider.value == 4
        layers.Activation("relu", name="follow_more")(x)
        graph.flush()
        assert graph.slider.value == graph.slider.max == 5
        graph.slider.value = 2
        layers.Activation("relu", name="follow_again")(x)
        graph.flush()
        assert (graph.slider.value, graph.slider.max) == (2, 6)
    finally:
        graph.stop()


def test_choosing_a_layer_opens_the_inspector_and_centres_the_view():
    with LiveGraph(ipython=False, rows=2) as graph:
        chain("choose", 6)
    assert graph._figure.window[:2] == (5, 6)
    graph.layer.value = "choose_0"
    assert "choose_0 (Activation)" in graph.inspector.value
    assert "<table>" in graph.inspector.value
    assert graph._figure.window[0] <= 1 <= graph._figure.window[1]
    graph.layer.value = ""
    assert graph.inspector.value == ""


def test_filter_shows_one_graph_or_what_a_models_outputs_reach():
    with LiveGraph(ipython=False) as graph:
        first = mlp("filt_a")
        second = mlp("filt_b")
        graph.state.watch(second, "second")
        graph.flush()
    values = [value for _, value in graph.filter.options]
    assert values == ["all", "component:filt_a_in", "component:filt_b_in", "model:second"]
    assert graph.status.value == "4 layers + 2 inputs · 2 separate graphs · stopped"
    graph.filter.value = "model:second"
    assert set(graph._figure.labels) == {"filt_b_in", "filt_b_hidden", "filt_b_out"}
    graph.filter.value = "component:filt_a_in"
    assert set(graph._figure.labels) == {"filt_a_in", "filt_a_hidden", "filt_a_out"}
    graph.filter.value = "all"
    assert len(graph._figure.labels) == 6
    del first


# --- coalescing -----------------------------------------------------------------


def test_throttle_waits_for_more_changes_and_limits_the_share_of_time():
    clock = FrozenClock()
    throttle = FrameThrottle(max_fps=10, budget=0.25, clock=clock)
    assert not throttle.changed()  # the first change waits a tenth of a second for company
    clock.now += 0.05
    assert not throttle.changed()
    clock.now += 0.051
    assert throttle.changed()
    throttle.drawn(started=clock.now, finished=clock.now + 0.2)  # a slow frame: 3 x 0.2 s pause
    clock.now += 0.7
    assert not throttle.changed()  # waited long enough for company, but the pause is not over
    clock.now += 0.11
    assert throttle.changed()
    throttle.drawn(started=clock.now, finished=clock.now + 0.01)  # a fast frame: 10 a second
    clock.now += 0.02
    assert not throttle.changed()
    clock.now += 0.101
    assert throttle.changed()
    with pytest.raises(ValueError, match="max_fps expects a positive number"):
        FrameThrottle(max_fps=0)
    with pytest.raises(ValueError, match=r"budget expects a share of the time in \(0, 1\]"):
        FrameThrottle(budget=1.5)


def test_a_quick_loop_of_layer_calls_is_drawn_once_at_flush():
    clock = FrozenClock()
    with LiveGraph(ipython=False, clock=clock) as graph:
        chain("coal", 60)
        assert graph.frames == 0  # no time passed: nothing drawn yet
        assert graph.flush()
        assert graph.frames == 1
        assert not graph.flush()  # nothing new: no frame
    assert graph.frames == 1
    assert "coal_59" in graph._figure.labels
    assert graph.slider.value == 61


def test_a_slow_loop_is_drawn_ten_times_a_second():
    clock = FrozenClock()
    with LiveGraph(ipython=False, clock=clock) as graph:
        x = keras.Input((2,), name="slow_in")
        for i in range(50):
            clock.now += 0.03  # each layer call takes 30 ms of (simulated) time
            x = layers.Activation("relu", name=f"slow_{i}")(x)
        during = graph.frames
    assert 10 <= during <= 50 * 0.03 * 10
    assert graph.frames == during + 1  # stop() drew the rest


def test_real_time_building_draws_at_most_about_ten_frames_a_second():
    with LiveGraph(ipython=False) as graph:
        started = time.perf_counter()
        chain("rate", 150)
        elapsed = time.perf_counter() - started
        during = graph.frames
        graph.flush()
    assert during <= elapsed * 10 + 1
    assert graph.frames <= during + 1
    assert "rate_149" in graph._figure.labels


# --- the hook -------------------------------------------------------------------


def keras_snapshot():
    from keras.src.layers.layer import Layer
    from keras.src.ops.node import Node
    from keras.src.ops.operation import Operation

    return {cls: dict(vars(cls)) for cls in (Node, Operation, Layer, keras.Model)}


def test_stopping_restores_keras_exactly():
    before = keras_snapshot()
    graph = LiveGraph(ipython=False).start()
    assert graph.active
    graph.start()  # a second start installs nothing more
    graph.stop()
    graph.stop()
    after = keras_snapshot()
    for cls in before:
        assert before[cls].keys() == after[cls].keys()
        assert all(before[cls][k] is after[cls][k] for k in before[cls]), cls
    chain("after_stop", 2)
    assert graph.state.steps == 0


def test_importing_kit_before_keras_records_the_same_graph():
    script = (
        "import kit\n"
        "graph = kit.live(display=False)\n"
        "import keras\n"
        "from keras.src.ops.node import Node\n"
        "x = keras.Input((3,), name='early_x')\n"
        "keras.layers.Dense(2, name='early_d')(x)\n"
        "patched = Node.__init__\n"
        "print(graph.stop())\n"
        "print(Node.__init__ is not patched, Node.__init__.__module__)\n"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=240
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "live graph: 1 layer + 1 input (early_x, early_d) (stopped)",
        "True keras.src.ops.node",
    ]


def failing_renderer(*args, **kwargs):
    raise RuntimeError("the drawing broke")


def test_model_still_builds_when_drawing_fails_with_a_faulty_renderer():
    with LiveGraph(ipython=False, renderer=failing_renderer) as graph:
        model = mlp("faulty")
        graph.flush()
    assert model.output.shape == (None, 2)
    assert graph.state.steps == 3
    assert "drawing the graph failed: RuntimeError: the drawing broke" in graph.error.value
    assert "1 error, see below" in graph.status.value


class UncountableLayer(layers.Layer):
    """A real custom layer whose parameter count raises (as a buggy custom layer might)."""

    def call(self, inputs):
        return inputs * 2.0

    def count_params(self):
        raise RuntimeError("cannot count")


def test_model_still_builds_when_recording_a_call_fails():
    with LiveGraph(ipython=False) as graph:
        x = keras.Input((3,), name="rec_in")
        y = UncountableLayer(name="rec_bad")(x)
        z = layers.Dense(1, name="rec_after")(y)
        model = keras.Model(x, z)
    assert model.output.shape == (None, 1)
    assert "recording a layer call failed: RuntimeError: cannot count" in graph.state.errors[0]
    assert "rec_after" in graph.state.graph and "rec_bad" not in graph.state.graph


# --- leaks ----------------------------------------------------------------------


def live_figures():
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Figure))


def test_no_leak_over_a_thousand_updates():
    with LiveGraph(ipython=False, rows=3, dpi=30) as graph:
        chain("leak", 20)
        graph.flush()
        for i in range(100):  # warm up caches and allocator
            graph.slider.value = 1 + i % 21
        gc.collect()
        figures = live_figures()
        rss = psutil.Process().memory_info().rss
        frames = graph.frames
        for i in range(1000):
            graph.slider.value = 1 + (i * 7) % 21
        gc.collect()
        grown = psutil.Process().memory_info().rss - rss
    assert graph.frames - frames >= 990  # every update drew a frame
    assert live_figures() == figures
    assert _pylab_helpers.Gcf.get_num_fig_managers() == 0
    # One leaked figure per update would cost far more than this (well over 100 MB).
    assert grown < 30 * 2**20, f"memory grew by {grown / 2**20:.1f} MB over 1,000 updates"


# --- frames and incremental layout ------------------------------------------------


def test_frame_window_follows_the_focus_and_adds_an_overview():
    with LiveGraph(ipython=False) as graph:
        chain("frame", 30)
    state = graph.state
    figure = draw_frame(state.graph, state.layout.positions, focus="frame_10", rows=5)
    first, last, _, _ = figure.window
    assert last - first + 1 == 5 and first <= 11 <= last
    assert set(figure.labels) == {f"frame_{i}" for i in range(first - 1, last)}
    assert len(figure.artists) > len(draw_frame(state.snapshot(3), state.layout.positions, rows=5).artists)
    small = draw_frame(state.snapshot(3), state.layout.positions, rows=5)
    first, last, low, high = small.window
    assert (first, last) == (0, 2) and low < 0 < high
    with pytest.raises(ValueError, match="rows expects a positive integer"):
        draw_frame(state.graph, state.layout.positions, rows=0)
    with pytest.raises(ValueError, match="focus expects a node of the graph"):
        draw_frame(state.graph, state.layout.positions, focus="missing")


def test_incremental_layout_places_new_nodes_without_moving_old_ones():
    layout = IncrementalLayout()
    assert layout.place("in") == (0.0, 0)
    assert layout.place("a", ["in"]) == (0.0, 1)
    assert layout.place("b", ["in"]) == (1.0, 1)
    assert layout.place("c", ["in"]) == (-1.0, 1)
    assert layout.place("join", ["a", "b", "c"]) == (0.0, 2)
    assert layout.place("a", ["join"]) == (0.0, 1)  # placed once, never moved
    second = layout.place("second_input")  # a new model starts beside the first
    assert second[1] == 2 and second[0] >= 1.5
    assert layout.rows == 3 and len(layout) == 6
    assert layout.bounds() == (-1.0, second[0], 0, 2)


# --- display ----------------------------------------------------------------------


def test_panel_puts_the_widget_in_a_sidecar():
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython
    from IPython.utils.capture import capture_output
    from sidecar import Sidecar

    shell = start_ipython() or get_ipython()
    graph = LiveGraph(ipython=shell)
    try:
        with capture_output() as captured:
            graph.show(panel=True)
        assert isinstance(graph.panel, Sidecar)
        (output,) = graph.panel.outputs
        assert output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] == graph.widget.model_id
        (shown,) = captured.outputs
        assert shown.data["text/plain"] == LIVE_TEXT
        assert "application/vnd.jupyter.widget-view+json" not in shown.data
    finally:
        graph.stop()


def test_live_returns_a_started_graph():
    graph = kit.live(display=False)
    try:
        assert graph.active and isinstance(graph, live_widget.LiveGraph)
    finally:
        graph.stop()
    assert not graph.active
    with pytest.raises(ValueError, match="rows expects a positive integer"):
        kit.live(rows=0)


def test_two_graphs_side_by_side_are_both_drawn_whole():
    graph = kit.graph_of(mlp("left"))
    layout = IncrementalLayout()
    for node in graph:
        layout.place(node, list(graph.predecessors(node)))
    second = chain("right", 2)
    other = kit.graph_of(second)
    for node in other:
        layout.place(node, list(other.predecessors(node)))
    both = graph.copy()
    both.add_nodes_from(other.nodes(data=True))
    both.add_edges_from(other.edges(data=True))
    figure = draw_frame(both, layout.positions, focus=list(other)[-1])
    figure.canvas.draw()
    width = figure.bbox.width
    for collection in figure.findobj(lambda artist: hasattr(artist, "get_paths") and artist.get_paths()):
        transform = collection.get_transform()
        for path in collection.get_paths():
            xs = transform.transform(path.vertices)[:, 0]
            assert xs.min() >= -0.5 and xs.max() <= width + 0.5
