"""Wrong answers to the reusable-encoder exercise fail with the intended message."""

from exercise_support import failing

from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


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
