"""Wrong answers to the topology exercises (Inception module, residual block, VQA)
fail with the intended message."""

from exercise_support import failing

from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


# inception_module


def inception(axis=-1, towers=3, activation="relu", padding="same"):
    def build():
        image = keras.Input(shape=(32, 32, 3), name="image")

        def conv(size, x, act=activation):
            return layers.Conv2D(64, size, padding=padding, activation=act)(x)

        ends = [conv(3, conv(1, image, "relu"), "relu"), conv(5, conv(1, image, "relu"))]
        if towers == 3:
            pooled = layers.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(image)
            ends.append(conv(1, pooled, "relu"))
        return keras.Model(image, layers.concatenate(ends, axis=axis))

    return build


def test_inception_on_axis_1_is_told_it_stacks_rows():
    failing(
        "inception_module",
        inception(axis=1),
        "channel axis",
        "along axis 1 (image rows), giving (None, 96, 32, 64)",
    )


def test_inception_with_two_towers_is_told_three():
    failing("inception_module", inception(towers=2), "three towers", "expected three towers")


def test_inception_with_a_linear_5x5_names_the_layer():
    failing(
        "inception_module",
        inception(activation=None),
        "64 filters, padding 'same' and relu",
        "uses activation 'linear', expected 'relu'",
    )


def test_inception_with_valid_padding_gets_advice_on_the_build_error():
    failing("inception_module", inception(padding="valid"), None, "padding='same'")


# residual_projection


def residual(shortcut="project", merge="add", kernel=1, relu_at_end=True):
    def build():
        features = keras.Input(shape=(16, 16, 16), name="features")
        main = layers.Conv2D(32, 3, padding="same", activation="relu")(features)
        main = layers.Conv2D(32, 3, padding="same", activation=None if relu_at_end else "relu")(main)
        short = features if shortcut == "identity" else layers.Conv2D(32, kernel, padding="same")(features)
        joined = layers.add([main, short]) if merge == "add" else layers.concatenate([main, short])
        out = layers.Activation("relu")(joined) if relu_at_end else joined
        return keras.Model(features, out)

    return build


def test_residual_with_identity_shortcut_is_told_to_project():
    failing(
        "residual_projection",
        residual(shortcut="identity"),
        None,
        "Project the shortcut with a 1x1 Conv2D(32)",
    )


def test_residual_merged_by_concatenation_is_told_to_add():
    failing(
        "residual_projection",
        residual(merge="concatenate"),
        "an Add",
        "(Concatenate), giving (None, 16, 16, 64); a residual block adds them",
    )


def test_residual_with_a_3x3_shortcut_is_told_projections_are_1x1():
    failing(
        "residual_projection",
        residual(kernel=3),
        "1x1 Conv2D(32) projection",
        "uses a 3x3 kernel; a projection shortcut is a 1x1",
    )


def test_residual_with_relu_before_the_sum_is_told_where_relu_goes():
    result = failing(
        "residual_projection", residual(relu_at_end=False), "main path", "applies relu before the sum"
    )
    assert any("nothing applies relu after" in m for m in result.failures)


# vqa


def vqa(question_dtype="int32", nested=True, answer_activation="softmax", lstm_units=64, sequences=False):
    def encoders():
        vision_encoder = keras.Sequential(
            [
                keras.Input(shape=(32, 32, 3)),
                layers.Conv2D(16, 3, activation="relu", padding="same"),
                layers.Conv2D(16, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(32, 3, activation="relu", padding="same"),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
            ],
            name="vision_encoder",
        )
        ids = keras.Input(shape=(20,), dtype=question_dtype)
        question_encoder = keras.Model(
            ids,
            layers.LSTM(lstm_units, return_sequences=sequences)(layers.Embedding(1000, 64)(ids)),
            name="question_encoder",
        )
        return vision_encoder, question_encoder

    def build():
        image = keras.Input(shape=(32, 32, 3), name="image")
        question = keras.Input(shape=(20,), dtype=question_dtype, name="question")
        vision_encoder, question_encoder = encoders()
        if nested:
            parts = [vision_encoder(image), question_encoder(question)]
        else:
            x = image
            for layer in vision_encoder.layers:
                x = layer.__class__.from_config(layer.get_config())(x)
            parts = [x, layers.LSTM(64)(layers.Embedding(1000, 64)(question))]
        answer = layers.Dense(100, activation=answer_activation, name="answer")(layers.concatenate(parts))
        return keras.Model([image, question], answer)

    return build


def test_vqa_with_a_float_question_is_told_ids_are_integers():
    failing(
        "vqa", vqa(question_dtype="float32"), "2 inputs", "input 'question' has dtype float32, expected int32"
    )


def test_vqa_with_inline_encoders_is_told_to_nest_them():
    result = failing(
        "vqa",
        vqa(nested=False),
        "'vision_encoder'",
        "no nested model 'vision_encoder': the vision encoder's layers",
    )
    assert any(
        "no nested model 'question_encoder': the question encoder's layers" in m for m in result.failures
    )


def test_vqa_without_softmax_is_told_the_answer_activation():
    failing(
        "vqa",
        vqa(answer_activation=None),
        "'answer' Dense(100, softmax)",
        "uses activation 'linear', expected 'softmax'",
    )


def test_vqa_with_a_small_lstm_names_it():
    failing("vqa", vqa(lstm_units=32), "'question_encoder'", "expected LSTM(64)")


def test_vqa_with_a_sequence_from_the_lstm_gets_advice_on_the_build_error():
    result = failing(
        "vqa", vqa(sequences=True), None, "A recurrent layer with return_sequences=True gives that"
    )
    assert "A `Concatenate` layer requires inputs with matching shapes" in result.problem
