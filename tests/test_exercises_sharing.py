"""Wrong answers to the sharing exercises (shared LSTM, shared vision model) fail with the
intended message."""

from exercise_support import failing

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
