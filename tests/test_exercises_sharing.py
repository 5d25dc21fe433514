"""Wrong answers to the sharing exercises (shared LSTM, nodes, shared vision model,
reusable encoder) fail with the intended message."""

from exercise_support import failing

import kit
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


# siamese_lstm


def siamese(shared=True, units=64, merge="concatenate", same_twice=False, activation="sigmoid"):
    def build():
        a = keras.Input(shape=(280, 256), name="tweet_a")
        b = keras.Input(shape=(280, 256), name="tweet_b")
        lstm = layers.LSTM(units)
        encoded_a = lstm(a)
        encoded_b = lstm(b) if shared else layers.LSTM(units)(b)
        pair = [encoded_a, encoded_a if same_twice else encoded_b]
        merged = layers.concatenate(pair) if merge == "concatenate" else layers.add(pair)
        return keras.Model([a, b], layers.Dense(1, activation=activation)(merged))

    return build


def test_siamese_with_two_lstms_is_told_to_share_one_instance():
    result = failing(
        "siamese_lstm",
        siamese(shared=False),
        "one LSTM(64) object",
        "the two tweet branches use two different LSTM layers",
    )
    item = next(i for i in result.items if "one LSTM(64)" in i.text)
    assert "on 'tweet_a'" in item.message and "on 'tweet_b'" in item.message
    assert "call one LSTM instance on both inputs" in item.message
    assert any("164,481 parameters" in m for m in result.failures)


def test_siamese_with_the_wrong_units_names_the_layer():
    failing("siamese_lstm", siamese(units=32), "one LSTM(64) object", "has 32 units, expected 64")


def test_siamese_merged_by_add_is_told_to_concatenate():
    failing("siamese_lstm", siamese(merge="add"), "concatenated", "not concatenated but merged by")


def test_siamese_concatenating_one_encoding_twice_is_caught():
    failing("siamese_lstm", siamese(same_twice=True), "concatenated", "joins the same tensor twice")


def test_siamese_with_relu_output_is_told_to_use_sigmoid():
    failing(
        "siamese_lstm",
        siamese(activation="relu"),
        "Dense(1, sigmoid)",
        "uses activation 'relu', expected 'sigmoid'",
    )


# node_indexing


def picker(copies=False, order=(1, 0), large_first=False, conv=None):
    def build():
        small = keras.Input(shape=(32, 32, 3), name="small")
        large = keras.Input(shape=(64, 64, 3), name="large")
        shared = conv or layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
        if copies:
            other = layers.Conv2D(16, (3, 3), padding="same")
            return keras.Model([small, large], [other(large), shared(small)])
        for image in (large, small) if large_first else (small, large):
            shared(image)
        outputs = [kit.nodes.get_output_at(shared, i) for i in order]
        return keras.Model([small, large], outputs)

    return build


def test_node_indexing_with_two_convolutions_is_told_to_share_one():
    failing(
        "node_indexing",
        picker(copies=True),
        "one Conv2D 'shared_conv'",
        "the two images use two different Conv2D layers",
    )


def test_node_indexing_with_outputs_in_call_order_names_the_nodes():
    failing(
        "node_indexing",
        picker(order=(0, 1)),
        "output 1 is node 1",
        "output 1 is node 0 of 'shared_conv' (None, 32, 32, 16); expected node 1",
    )


def test_node_indexing_calling_large_first_is_told_which_node_is_which():
    failing(
        "node_indexing",
        picker(large_first=True),
        "node 0 of 'shared_conv'",
        "node 0 of 'shared_conv' is its call on 'large' (None, 64, 64, 3)",
    )


def test_node_indexing_with_a_layer_called_before_sees_nodes_two_and_three():
    conv = layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
    conv(keras.Input((8, 8, 3)))
    conv(keras.Input((8, 8, 3)))
    failing(
        "node_indexing",
        picker(conv=conv, order=(3, 2)),
        "node 0 of 'shared_conv'",
        "are nodes 2 and 3, not 0 and 1",
    )


# shared_vision


def vision(copies=False, nested=True, pooling=True, frozen=False, same_names=True):
    def vision_model(name="vision_model"):
        digit = keras.Input(shape=(27, 27, 1))
        x = layers.Conv2D(64, 3)(layers.Conv2D(64, 3)(digit))
        if pooling:
            x = layers.MaxPooling2D(2)(x)
        return keras.Model(digit, layers.Flatten()(x), name=name)

    def build():
        a = keras.Input(shape=(27, 27, 1), name="digit_a")
        b = keras.Input(shape=(27, 27, 1), name="digit_b")
        if nested:
            first = vision_model()
            second = vision_model("vision_model" if same_names else None) if copies else first
            first.trainable = not frozen
            features = [first(a), second(b)]
        else:

            def inline(x):
                x = layers.Conv2D(64, 3)(layers.Conv2D(64, 3)(x))
                return layers.Flatten()(layers.MaxPooling2D(2)(x))

            features = [inline(a), inline(b)]
        out = layers.Dense(1, activation="sigmoid")(layers.concatenate(features))
        return keras.Model([a, b], out)

    return build


def test_shared_vision_with_two_models_is_told_to_build_it_once():
    failing(
        "shared_vision",
        vision(copies=True, same_names=False),
        "one nested model 'vision_model'",
        "go through two different vision models",
    )


def test_shared_vision_built_twice_under_one_name_gets_advice_on_the_keras_error():
    result = failing("shared_vision", vision(copies=True), None, "the vision model was built twice")
    assert 'The name "vision_model" is used 2 times' in result.problem


def test_shared_vision_with_inline_layers_is_told_to_nest_a_model():
    failing("shared_vision", vision(nested=False), "one nested model", "no nested vision model")


def test_shared_vision_without_pooling_lists_the_layers():
    failing(
        "shared_vision",
        vision(pooling=False),
        "vision_model: Conv2D",
        "the layers of 'vision_model' are Conv2D, Conv2D, Flatten",
    )


def test_shared_vision_frozen_is_told_nothing_would_learn():
    failing("shared_vision", vision(frozen=True), "trainable", "'vision_model' (37,568 parameters)")


# reusable_encoder


def autoencoder(copies=False, pair=True, code_units=128, last_activation="relu"):
    def dense_stack(x, sizes, last=None):
        for i, units in enumerate(sizes):
            x = layers.Dense(units, activation=last if (last and i == len(sizes) - 1) else "relu")(x)
        return x

    def build():
        encoder_input = keras.Input(shape=(16,), name="encoder_input")
        sizes = (32, 64) + ((code_units,) if code_units else ())
        code = dense_stack(encoder_input, sizes)
        encoder = keras.Model(encoder_input, code, name="encoder")
        start = encoder_input
        if copies:
            start = keras.Input(shape=(16,))
            code = dense_stack(start, sizes)
        decoded = dense_stack(code, (64, 32, 16), last=last_activation)
        autoencoder = keras.Model(start, decoded, name="autoencoder")
        return (encoder, autoencoder) if pair else autoencoder

    return build


def test_reusable_encoder_built_twice_is_told_the_copies_do_not_share():
    failing(
        "reusable_encoder",
        autoencoder(copies=True),
        "reuses the encoder's layers",
        "none of the encoder's weights are in the autoencoder",
    )


def test_reusable_encoder_returning_only_the_autoencoder_asks_for_the_pair():
    failing("reusable_encoder", autoencoder(pair=False), None, "expected the pair (encoder, autoencoder)")


def test_reusable_encoder_with_a_64_unit_code_gets_the_encoder_shape():
    failing(
        "reusable_encoder",
        autoencoder(code_units=None),
        "the encoder: 1 output",
        "has shape (None, 64), expected (None, 128)",
    )


def test_reusable_encoder_with_a_sigmoid_decoder_names_the_layer():
    failing(
        "reusable_encoder",
        autoencoder(last_activation="sigmoid"),
        "the decoder",
        "uses activation 'sigmoid', expected 'relu'",
    )
