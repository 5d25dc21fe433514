"""Architecture facts the course notebooks 01-06 teach, checked on real Keras 3 models.

The notebooks print these numbers and shapes (and nbval compares them); these tests
say *which* facts matter, so a Keras upgrade that changes one fails here with a name.
"""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
from keras import layers, ops

import kit


def summary_text(model):
    lines = []
    model.summary(print_fn=lambda line, **_: lines.append(line), line_length=120)
    return "\n".join(lines)


# --- 01 Sequential to functional ---------------------------------------------------


def mlp(features, final_activation):
    inputs = keras.Input(shape=(features,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(10, activation=final_activation)(x), name="mnist_model")


def test_guide_mlps_have_the_guides_parameter_counts():
    assert mlp(784, "softmax").count_params() == 55_050
    assert mlp(16, None).count_params() == 5_898


def test_time_distributed_model_maps_each_of_20_steps_to_10_scores():
    classifier = mlp(784, "softmax")
    sequences = keras.Input(shape=(20, 784))
    outputs = layers.TimeDistributed(classifier)(sequences)
    assert outputs.shape == (None, 20, 10)
    assert keras.Model(sequences, outputs).count_params() == 55_050


def test_saving_to_a_path_without_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        mlp(784, None).save(str(tmp_path / "path_to_my_model"))


def test_keras_file_round_trip_keeps_predictions(tmp_path):
    model = mlp(784, None)
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    path = tmp_path / "path_to_my_model.keras"
    model.save(path)
    assert np.allclose(keras.models.load_model(path)(x), model(x))


# --- 02 Several inputs and outputs --------------------------------------------------


def headline_model():
    main_input = keras.Input(shape=(100,), dtype="int32", name="main_input")
    x = layers.Embedding(output_dim=512, input_dim=10000)(main_input)
    lstm_out = layers.LSTM(32)(x)
    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    aux_input = keras.Input(shape=(5,), name="aux_input")
    x = layers.concatenate([lstm_out, aux_input])
    for _ in range(3):
        x = layers.Dense(64, activation="relu")(x)
    main_output = layers.Dense(1, activation="sigmoid", name="main_output")(x)
    return keras.Model([main_input, aux_input], [main_output, aux_output])


def test_headline_model_has_5_200_610_parameters():
    assert headline_model().count_params() == 5_200_610


def test_embedding_input_length_only_warns():
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(output_dim=512, input_dim=10000, input_length=100)


def test_one_loss_with_two_loss_weights_fails_at_fit_time():
    model = headline_model()
    x = [np.ones((4, 100), "int32"), np.zeros((4, 5), "float32")]
    y = [np.ones((4, 1), "float32"), np.zeros((4, 1), "float32")]
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", loss_weights=[1.0, 0.2])
    with pytest.raises(ValueError, match="loss_weights"):
        model.fit(x, y, epochs=1, verbose=0)
    model.compile(optimizer="rmsprop", loss=["binary_crossentropy"] * 2, loss_weights=[1.0, 0.2])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert {"main_output_loss", "aux_output_loss"} <= set(history.history)


def test_x_in_y_in_ticket_and_categorical_models_match_their_counts():
    x_in, y_in = keras.Input(shape=(100,), name="x_in"), keras.Input(shape=(100,), name="y_in")
    z = layers.concatenate(
        [layers.Dense(64, activation="relu")(x_in), layers.Dense(64, activation="relu")(y_in)]
    )
    two_by_two = keras.Model(
        [x_in, y_in], [layers.Dense(1, name="x_out")(z), layers.Dense(10, name="y_out")(z)]
    )
    assert two_by_two.count_params() == 14_347

    title, body = keras.Input(shape=(None,), name="title"), keras.Input(shape=(None,), name="body")
    tags = keras.Input(shape=(12,), name="tags")
    x = layers.concatenate(
        [
            layers.LSTM(128)(layers.Embedding(10000, 64)(title)),
            layers.LSTM(32)(layers.Embedding(10000, 64)(body)),
            tags,
        ]
    )
    tickets = keras.Model(
        [title, body, tags], [layers.Dense(1, name="priority")(x), layers.Dense(4, name="department")(x)]
    )
    assert tickets.count_params() == 1_392_097

    codes, numbers = keras.Input(shape=(16,)), keras.Input(shape=(32,))
    x = layers.Concatenate()(
        [
            layers.Reshape([16 * 64])(layers.Embedding(100, 64)(codes)),
            layers.Dense(64, activation="relu")(numbers),
        ]
    )
    x = layers.Dense(128, activation="relu")(x)
    mixed = keras.Model([codes, numbers], [layers.Dense(1)(x), layers.Dense(3)(x)])
    assert mixed.count_params() == 148_420


def test_guide_003_two_image_and_two_output_models():
    def branch(visible):
        c = layers.MaxPooling2D(2)(layers.Conv2D(32, kernel_size=4, activation="relu")(visible))
        c = layers.MaxPooling2D(2)(layers.Conv2D(16, kernel_size=4, activation="relu")(c))
        return layers.Flatten()(c)

    gray, colour = keras.Input(shape=(64, 64, 1)), keras.Input(shape=(32, 32, 3))
    merged = layers.concatenate([branch(gray), branch(colour)])
    assert merged.shape == (None, 13 * 13 * 16 + 5 * 5 * 16)
    hidden = layers.Dense(10, activation="relu")(layers.Dense(10, activation="relu")(merged))
    assert keras.Model([gray, colour], layers.Dense(1)(hidden)).count_params() == 49_699

    series = keras.Input(shape=(100, 1))
    extract = layers.LSTM(10, return_sequences=True)(series)
    label = layers.Dense(1)(layers.Dense(10)(layers.LSTM(10)(extract)))
    steps = layers.TimeDistributed(layers.Dense(1))(extract)
    assert steps.shape == (None, 100, 1)
    assert keras.Model(series, [label, steps]).count_params() == 1_452


# --- 03 Shared layers -----------------------------------------------------------------


def test_shared_lstm_has_one_set_of_weights_and_two_nodes():
    tweet_a, tweet_b = keras.Input(shape=(280, 256)), keras.Input(shape=(280, 256))
    shared_lstm = layers.LSTM(64)
    merged = layers.concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)])
    model = keras.Model([tweet_a, tweet_b], layers.Dense(1, activation="sigmoid")(merged))
    assert model.count_params() == 82_305
    assert [row.node_index for row in kit.nodes.table(shared_lstm, model)] == [0, 1]


def test_merge_and_backend_math_are_gone_and_lambda_with_ops_replaces_them():
    with pytest.raises(ImportError):
        from keras.layers import Merge  # noqa: F401
    assert not hasattr(keras.backend, "exp")

    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    distance = layers.Lambda(
        lambda v: ops.exp(-ops.sum(ops.abs(v[0] - v[1]), axis=1, keepdims=True)),
        output_shape=lambda shapes: (shapes[0][0], 1),
    )([left, right])
    model = keras.Model([left, right], distance)
    a = np.array([[1.0, 2.0, 3.0]], "float32")
    assert np.allclose(model([a, a]), 1.0)
    assert np.allclose(model([a, a + 1]), np.exp(-3.0))


def test_guide_004_reshape_of_the_24_code_input_is_a_shape_error():
    shared_embedding = layers.Embedding(100, 64)
    features_two = shared_embedding(keras.Input(shape=(24,)))
    with pytest.raises(ValueError, match="total size"):
        layers.Reshape([16 * 64])(features_two)
    assert layers.Reshape([24 * 64])(features_two).shape == (None, 1536)


# --- 04 Nodes ---------------------------------------------------------------------------


def test_layer_output_is_node_0_while_summary_shows_the_last_call():
    a, b = keras.Input(shape=(32, 32, 3)), keras.Input(shape=(64, 64, 3))
    conv = layers.Conv2D(16, (3, 3), padding="same")
    conved_a, conved_b = conv(a), conv(b)
    assert not hasattr(conv, "get_output_at") and not hasattr(conv, "input_shape")
    assert conv.output is conved_a
    assert kit.nodes.get_output_at(conv, 1) is conved_b
    assert kit.nodes.get_input_shape_at(conv, 1) == (None, 64, 64, 3)
    text = summary_text(keras.Model([a, b], [conved_a, conved_b]))
    conv_line = next(line for line in text.splitlines() if "Conv2D" in line)
    assert "(None, 64, 64, 16)" in conv_line


# --- 05 Inception ------------------------------------------------------------------------


def inception_towers():
    input_img = keras.Input(shape=(256, 256, 3))
    tower_1 = layers.Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_1 = layers.Conv2D(64, (3, 3), padding="same", activation="relu")(tower_1)
    tower_2 = layers.Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_2 = layers.Conv2D(64, (5, 5), padding="same", activation="relu")(tower_2)
    tower_3 = layers.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(input_img)
    tower_3 = layers.Conv2D(64, (1, 1), padding="same", activation="relu")(tower_3)
    return input_img, [tower_1, tower_2, tower_3]


def test_inception_concat_on_axis_1_stacks_rows_and_axis_minus_1_joins_channels():
    input_img, towers = inception_towers()
    assert layers.concatenate(towers, axis=1).shape == (None, 768, 256, 64)
    fixed = layers.concatenate(towers, axis=-1)
    assert fixed.shape == (None, 256, 256, 192)
    assert keras.Model(input_img, fixed).count_params() == 140_160


def test_a_copy_of_the_inception_module_reads_smaller_pictures_with_the_same_weights():
    input_img, towers = inception_towers()
    module = keras.Model(input_img, layers.concatenate(towers, axis=1))
    picture = np.zeros((1, 128, 128, 3), "float32")
    with pytest.raises(ValueError, match="incompatible"):
        module(picture)
    copy = keras.models.clone_model(module, input_tensors=keras.Input(shape=(128, 128, 3)))
    copy.set_weights(module.get_weights())
    assert copy.output.shape == (None, 384, 128, 64)
    assert all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), module.get_weights()))
    assert copy(picture).shape == (1, 384, 128, 64)


# --- 06 Residual connections ----------------------------------------------------------


def test_residual_connection_needs_matching_channels():
    x = keras.Input(shape=(256, 256, 3))
    z = layers.add([x, layers.Conv2D(3, (3, 3), padding="same")(x)])
    assert z.shape == (None, 256, 256, 3)
    assert keras.Model(x, z).count_params() == 84
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.add([x, layers.Conv2D(4, (3, 3), padding="same")(x)])


def test_toy_resnet_has_223_242_parameters_and_two_skip_connections():
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_output = layers.MaxPooling2D(3, name="block_1_output")(x)
    for name in ("block_2_output", "block_3_output"):
        x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_output)
        x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
        block_output = layers.Add(name=name)([x, block_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_output)
    x = layers.Dropout(0.5)(layers.Dense(256, activation="relu")(layers.GlobalAveragePooling2D()(x)))
    model = keras.Model(inputs, layers.Dense(10)(x), name="toy_resnet")
    assert model.count_params() == 223_242
    graph = kit.graph_of(model)
    assert "block_1_output" in set(graph.predecessors("block_2_output"))
    assert "block_2_output" in set(graph.predecessors("block_3_output"))


def test_resnet50_without_weights_has_177_layers_and_16_additions():
    resnet50 = keras.applications.ResNet50(weights=None)
    assert len(resnet50.layers) == 177
    assert resnet50.count_params() == 25_636_712
    assert sum(isinstance(layer, layers.Add) for layer in resnet50.layers) == 16
