import io

import keras
import pytest
from keras import layers
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from PIL import Image

import kit
from kit.drawing import static as drawing


def small_model():
    x = keras.Input((16,), name="features")
    shared = layers.Dense(16, name="shared_dense")
    h = shared(shared(x))
    out = layers.Dense(3, activation="softmax", name="classes")(h)
    return keras.Model(x, out, name="small")


def boxes(figure):
    collections = [c for c in figure.axes[0].collections if isinstance(c, PatchCollection)]
    assert [c.get_gid() for c in collections] in (["boxes"], ["boxes", "legend"])
    return collections[0]


def test_draw_returns_a_figure_with_one_box_per_layer():
    figure = kit.draw(small_model())
    assert isinstance(figure, Figure)
    assert len(boxes(figure).get_paths()) == 3
    assert set(figure.labels) == {"features", "shared_dense", "classes"}
    assert "(None, 16) → (None, 3)" in figure.labels["classes"]
    assert figure.labels["shared_dense"].startswith("shared_dense: Dense  ×2 calls")
    assert [p for p in figure.axes[0].patches if isinstance(p, PathPatch)]


def test_shared_layer_edges_are_labelled_with_the_producers_node_index():
    figure = kit.draw(small_model())
    assert figure.notes == {
        ("shared_dense", "shared_dense"): "[0]",  # the self-loop: call 1 reads the output of call 0
        ("shared_dense", "classes"): "[1]",  # classes reads the output of call 1
    }


def test_show_shapes_off_keeps_names_only():
    figure = kit.draw(small_model(), show_shapes=False)
    assert figure.labels["classes"] == "classes: Dense"


def test_inputs_outputs_and_highlight_look_different():
    figure = kit.draw(small_model(), highlight="shared_dense")
    collection = boxes(figure)
    order = list(figure.labels)
    edges = {name: tuple(collection.get_edgecolor()[i]) for i, name in enumerate(order)}
    widths = {name: collection.get_linewidth()[i] for i, name in enumerate(order)}
    assert len(set(edges.values())) == 3
    assert widths["shared_dense"] > widths["classes"] > widths["features"]


def test_nested_model_is_one_box_until_expanded():
    digit = keras.Input((27, 27, 1), name="digit")
    flat = layers.Flatten(name="flat")(layers.Conv2D(4, 3, name="conv")(digit))
    vision = keras.Model(digit, flat, name="vision_model")
    a, b = keras.Input((27, 27, 1), name="a"), keras.Input((27, 27, 1), name="b")
    model = keras.Model([a, b], layers.concatenate([vision(a), vision(b)], name="joined"))
    closed = kit.draw(model)
    assert "vision_model" in closed.labels and "vision_model/conv" not in closed.labels
    opened = kit.draw(model, expand_nested=True)
    # The opened model's own Input is drawn, and counted, as an input.
    for figure, layer_count, input_count in ((closed, 2, 2), (opened, 3, 3)):
        title = figure.title
        assert title.endswith(
            f"{layer_count} layers + {input_count} inputs, {model.count_params():,} parameters"
        )
    assert {"vision_model/conv", "vision_model/flat"} <= set(opened.labels)
    assert any(isinstance(p, Rectangle) for p in opened.axes[0].patches)
    assert opened.graph.has_edge("a", "vision_model/digit")
    assert opened.graph.has_edge("vision_model/flat", "joined")


def test_png_output_is_a_real_image():
    buffer = io.BytesIO()
    figure = kit.draw(small_model())
    figure.savefig(buffer, format="png")
    image = Image.open(io.BytesIO(buffer.getvalue()))
    width, height = image.size
    assert width > 100 and height > 100
    assert image.convert("L").getextrema()[0] < 100  # some dark ink: the labels
    assert figure._repr_png_().startswith(b"\x89PNG")


def test_deep_model_grows_downwards_or_collapses_its_repeats():
    x = keras.Input((4,), name="x")
    for i in range(90):
        x = layers.Dense(4, name=f"d{i}")(x)
    full = kit.draw(x, collapse=False)
    assert {round(cx, 3) for cx, _ in full.centres.values()} == {round(full.centres["x"][0], 3)}
    assert any(isinstance(c, LineCollection) for c in full.axes[0].collections)
    assert full.get_size_inches()[1] > 40
    overview = kit.draw(x, legend=False)
    assert sorted(overview.graph) == ["d0-89", "x"]
    assert "chain of 90 layers" in overview.labels["d0-89"]
    assert overview.get_size_inches()[1] < 3


def test_bad_input_is_refused_clearly():
    with pytest.raises(TypeError, match="expected a Keras model"):
        kit.draw(None)
    with pytest.raises(TypeError, match="expected a Keras model"):
        kit.draw("not a model")
    with pytest.raises(ValueError, match="never been called"):
        kit.draw(layers.Dense(2))
    with pytest.raises(ValueError, match="highlight expects layer names.*nope"):
        kit.draw(small_model(), highlight="nope")


def test_expanded_graph_is_plain_data():
    graph = kit.graph_of(small_model())
    assert set(drawing.expanded(graph).nodes) == set(graph.nodes)


def test_expanded_model_called_with_a_dict_is_wired_by_name():
    first, second = keras.Input((3,), name="first"), keras.Input((5,), name="second")
    joined = layers.concatenate([layers.Dense(2, name="from_first")(first), layers.Dense(2)(second)])
    inner = keras.Model([second, first], joined, name="by_name")
    p, q = keras.Input((5,), name="p"), keras.Input((3,), name="q")
    opened = kit.draw(keras.Model([p, q], inner({"second": p, "first": q})), expand_nested=True).graph
    assert opened.has_edge("q", "by_name/first") and opened.has_edge("p", "by_name/second")
    assert not opened.has_edge("q", "by_name/second")
    # The reference: the inner Input named "first" has q's shape.
    assert opened.nodes["by_name/first"]["output_shapes"][0][0] == tuple(q.shape)


def test_a_mask_argument_does_not_feed_the_inner_input():
    tokens = keras.Input((6,), name="tokens")
    inner_in = keras.Input((6, 4), name="inner_in")
    inner = keras.Model(inner_in, layers.LSTM(3, name="inner_lstm")(inner_in), name="masked_inner")
    embedded = layers.Embedding(20, 4, name="embed")(tokens)
    mask = keras.ops.not_equal(tokens, 0)
    outer = keras.Model(tokens, inner(embedded, mask=mask))
    graph = kit.graph_of(outer)
    keywords = [
        edge["argument"] for _, _, edge in graph.in_edges("masked_inner", data=True) if edge["keyword"]
    ]
    assert keywords == ["mask"]
    opened = kit.draw(outer, expand_nested=True).graph
    into_input = [u for u, _ in opened.in_edges("masked_inner/inner_in")]
    assert into_input == ["embed"]
