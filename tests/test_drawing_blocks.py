"""Repeated blocks, and drawings that fit a notebook and hide nothing, over models of many shapes."""

import re

import keras
import numpy as np
import pytest
from keras import layers
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch

import kit
from kit.drawing import static
from kit.drawing.blocks import find_blocks
from kit.graph import Kind

#: A JupyterLab cell shows this many pixels without shrinking a picture.
CELL_PIXELS = 1600


def transformer(blocks, name):
    x = keras.Input((16, 32), name="tokens")
    h = x
    for i in range(blocks):
        attended = layers.MultiHeadAttention(2, 8, name=f"encoder_{i}_attention")(h, h)
        h = layers.LayerNormalization(name=f"encoder_{i}_norm1")(
            layers.Add(name=f"encoder_{i}_add1")([h, attended])
        )
        f = layers.Dense(64, activation="relu", name=f"encoder_{i}_ffn1")(h)
        f = layers.Dense(32, name=f"encoder_{i}_ffn2")(f)
        h = layers.LayerNormalization(name=f"encoder_{i}_norm2")(layers.Add(name=f"encoder_{i}_add2")([h, f]))
    return keras.Model(
        x, layers.Dense(2, name="head")(layers.GlobalAveragePooling1D(name="pool")(h)), name=name
    )


def inception_module():
    x = keras.Input((32, 32, 3), name="image")
    t1 = layers.Conv2D(8, 3, padding="same", name="tower_1_3x3")(layers.Conv2D(8, 1, name="tower_1_1x1")(x))
    t2 = layers.Conv2D(8, 5, padding="same", name="tower_2_5x5")(layers.Conv2D(8, 1, name="tower_2_1x1")(x))
    t3 = layers.Conv2D(8, 1, name="tower_3_1x1")(
        layers.MaxPooling2D(3, 1, padding="same", name="tower_3_pool")(x)
    )
    return keras.Model(x, layers.concatenate([t1, t2, t3], name="towers"), name="inception_module")


def shared_lstm():
    a, b = keras.Input((20, 8), name="tweet_a"), keras.Input((20, 8), name="tweet_b")
    lstm = layers.LSTM(6, name="shared_lstm")
    merged = layers.concatenate([lstm(a), lstm(b)], name="merged")
    return keras.Model([a, b], layers.Dense(1, activation="sigmoid", name="same_author")(merged))


def nested_vision():
    digit = keras.Input((27, 27, 1), name="digit")
    vision = keras.Model(digit, layers.Flatten()(layers.Conv2D(4, 3)(digit)), name="vision_model")
    a, b = keras.Input((27, 27, 1), name="digit_a"), keras.Input((27, 27, 1), name="digit_b")
    return keras.Model([a, b], layers.Dense(1, name="same")(layers.concatenate([vision(a), vision(b)])))


def residual_stack():
    x = keras.Input((16,), name="x")
    h = x
    for i in range(30):
        h = layers.Add(name=f"res{i}_add")([h, layers.Dense(16, name=f"res{i}_dense")(h)])
    return keras.Model(x, h, name="residual_stack")


def wide(branches=12):
    x = keras.Input((8,), name="features_for_the_wide_model")
    outs = [layers.Dense(4, name=f"branch_number_{i}_dense_projection")(x) for i in range(branches)]
    return keras.Model(x, layers.concatenate(outs, name="all_branches_joined"), name="wide")


def chain(depth=120):
    x = keras.Input((4,), name="x")
    h = x
    for i in range(depth):
        h = layers.Dense(4, name=f"d{i}")(h)
    return keras.Model(x, h, name="deep_chain")


def ops_and_long_names():
    x = keras.Input((10,), name="a_very_long_input_name_that_a_learner_might_well_choose_for_clarity")
    h = layers.Dense(10, name="a_dense_layer_with_an_equally_long_and_descriptive_name_for_the_test")(x)
    y = keras.ops.multiply(keras.ops.tanh(h), 2.0)
    return keras.Model(x, layers.Add(name="shortcut")([x, y, y, y]), name="ops_and_long_names")


def multi_io():
    headline = keras.Input((100,), dtype="int32", name="main_input")
    aux = keras.Input((5,), name="aux_input")
    lstm_out = layers.LSTM(8, name="lstm")(layers.Embedding(1000, 16, name="embedding")(headline))
    aux_out = layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    h = layers.Dense(16, activation="relu", name="dense_a")(layers.concatenate([lstm_out, aux], name="merge"))
    main = layers.Dense(1, activation="sigmoid", name="main_output")(h)
    return keras.Model([headline, aux], [main, aux_out], name="multi_io")


HAND_MADE = {
    "transformer_4": lambda: transformer(4, "transformer_4"),
    "transformer_16": lambda: transformer(16, "transformer_16"),
    "inception_module": inception_module,
    "shared_lstm": shared_lstm,
    "nested_vision": nested_vision,
    "residual_stack": residual_stack,
    "wide": wide,
    "deep_chain": chain,
    "ops_and_long_names": ops_and_long_names,
    "multi_io": multi_io,
}
APPLICATIONS = (
    "ResNet50",
    "DenseNet121",
    "MobileNetV2",
    "InceptionV3",
    "NASNetMobile",
    "EfficientNetB0",
    "Xception",
    "VGG16",
    "MobileNetV3Small",
    "MobileNet",
)
MODELS = [*HAND_MADE, *APPLICATIONS]


@pytest.fixture(scope="module")
def built():
    """Each model built once for the module (the applications take seconds)."""
    cache = {}

    def get(name):
        if name not in cache:
            keras.backend.clear_session()  # keeps auto-generated names stable and memory flat
            maker = HAND_MADE.get(name) or (lambda: getattr(keras.applications, name)(weights=None))
            cache[name] = maker()
        return cache[name]

    return get


def text_paths(figure):
    return [p for p in figure.axes[0].patches if isinstance(p, PathPatch)]


def box_rectangles(figure):
    width, heights = figure.box_size
    return {
        node: (x - width / 2, y - heights[node] / 2, x + width / 2, y + heights[node] / 2)
        for node, (x, y) in figure.centres.items()
    }


@pytest.mark.parametrize("name", MODELS)
def test_default_drawing_fits_a_cell_hides_nothing_and_keeps_edges_off_boxes(built, name):
    model = built(name)
    figure = kit.draw(model)
    width_px, height_px = figure.get_size_inches() * figure.dpi
    assert figure.dpi == static.DPI, "the overview is never drawn at a lower resolution"
    assert width_px <= CELL_PIXELS, f"{name}: {width_px:.0f} px wide"
    assert static.FONT_SIZE >= 9
    assert_text_inside_and_whole(figure, name)
    assert "…" not in figure.title and figure.title.replace("\n", " ").startswith(model.name)
    assert_no_edge_behind_a_box(figure, name)


def assert_text_inside_and_whole(figure, name):
    width, height = figure.get_size_inches()
    for patch in text_paths(figure):
        (x0, y0), (x1, y1) = patch.get_path().get_extents().get_points()
        assert min(x0, y0) >= 0 and x1 <= width and y1 <= height, f"{name}: text outside the figure"
    for node, label in figure.labels.items():
        data = figure.graph.nodes[node]
        assert "…" not in label
        whole, head = (re.sub(r"\s+", "", text) for text in (label, f"{data['name']}: {data['class_name']}"))
        assert whole.startswith(head), (name, node, label)


def assert_no_edge_behind_a_box(figure, name):
    boxes = box_rectangles(figure)
    edges = [c for c in figure.axes[0].collections if isinstance(c, LineCollection)][0]
    for segment in edges.get_segments():
        for (xa, ya), (xb, yb) in zip(segment, segment[1:]):
            for t in np.linspace(0.05, 0.95, 12):
                x, y = xa + t * (xb - xa), ya + t * (yb - ya)
                inside = [
                    n
                    for n, (left, top, right, bottom) in boxes.items()
                    if left + 0.02 < x < right - 0.02 and top + 0.02 < y < bottom - 0.02
                ]
                assert not inside, f"{name}: an edge runs behind {inside[0]}"


def test_a_full_drawing_grows_downwards_and_lists_every_layer(built):
    model = built("ResNet50")
    full = kit.draw(model, collapse=False)
    assert set(full.labels) == {layer.name for layer in model.layers}
    xs = sorted({round(x, 2) for x, _ in full.centres.values()})
    assert (max(xs) - min(xs)) * full.dpi < CELL_PIXELS  # no side-by-side columns
    assert full.get_size_inches()[1] > 10 * full.get_size_inches()[0]


def test_resnet50_collapses_into_its_stages(built):
    blocks = {block.name: block for block in find_blocks(kit.graph_of(built("ResNet50")))}
    assert {"conv2_block1-3", "conv3_block1-4", "conv4_block1-6", "conv5_block1-3"} <= set(blocks)
    conv3 = blocks["conv3_block1-4"]
    assert conv3.description == f"4 × residual block, {len(conv3.members)} layers"
    # The reference: Keras's own layers of stage conv3.
    assert set(conv3.members) == {
        layer.name for layer in built("ResNet50").layers if layer.name.startswith("conv3_")
    }


def test_a_block_box_shows_the_shapes_at_its_edges_and_opens_on_demand(built):
    model = built("ResNet50")
    figure = kit.draw(model)
    label = figure.labels["conv3_block1-4"]
    assert "(None, 56, 56, 256) → (None, 28, 28, 512)" in label.replace("\n", "").replace("  →", " →")
    assert tuple(model.get_layer("conv3_block4_out").output.shape) == (None, 28, 28, 512)
    opened = kit.draw(model, expand_blocks=["conv3_block1-4"])
    assert "conv3_block1-4" not in opened.graph and "conv3_block2_add" in opened.graph
    assert figure.graph.nodes["conv3_block1-4"]["kind"] == Kind.BLOCK
    with pytest.raises(ValueError, match="expand_blocks expects names of collapsed blocks.*conv2_block1-3"):
        kit.draw(model, expand_blocks=["conv9"])


def test_transformer_blocks_collapse_into_one_run(built):
    names = {block.name: block.description for block in find_blocks(kit.graph_of(built("transformer_16")))}
    assert names == {"encoder_0-15": "16 × residual block, 112 layers"}
    assert len(kit.draw(built("transformer_4")).graph) == len(
        built("transformer_4").layers
    )  # small: not collapsed


def test_inception_modules_group_by_their_names(built):
    names = [block.name for block in find_blocks(kit.graph_of(built("InceptionV3")))]
    assert names[:5] == ["mixed0-2", "mixed3", "mixed4-7", "mixed8", "mixed9-10"][: len(names[:5])]


def test_a_tensor_passed_several_times_is_labelled_once_with_its_count(built):
    figure = kit.draw(built("ops_and_long_names"))
    notes = {pair: text for pair, text in figure.notes.items() if pair[1] == "shortcut"}
    assert sorted(notes.values()) == ["[0] ×3"]


def test_the_legend_explains_what_the_drawing_uses(built):
    figure = kit.draw(built("shared_lstm"))
    symbols = [symbol for symbol, _ in figure.legend]
    assert symbols == ["green box", "blue box", "yellow box", "orange outline", "arrow", "[i] on an arrow"]
    assert not kit.draw(built("shared_lstm"), legend=False).legend
