"""Wrong answers to the first-steps exercises (MLP, named inputs and outputs, custom layer)
fail with the intended message."""

from exercise_support import failing

from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


# functional_mlp


def mlp(output_activation="softmax", hidden=(64, 64), shape=(784,), sequential=False):
    def build():
        if sequential:
            return keras.Sequential(
                [keras.Input(shape, name="pixels")]
                + [layers.Dense(units, activation="relu") for units in hidden]
                + [layers.Dense(10, activation=output_activation, name="digits")]
            )
        x = pixels = keras.Input(shape=shape, name="pixels")
        for units in hidden:
            x = layers.Dense(units, activation="relu")(x)
        return keras.Model(pixels, layers.Dense(10, activation=output_activation, name="digits")(x))

    return build


def test_mlp_with_relu_output_is_told_to_use_softmax():
    result = failing(
        "functional_mlp",
        mlp(output_activation="relu"),
        "output Dense(10)",
        "uses activation 'relu', expected 'softmax'",
    )
    assert any("rows of output 'digits' sum to" in m for m in result.failures)


def test_mlp_with_one_hidden_layer_is_told_how_many_it_has():
    result = failing("functional_mlp", mlp(hidden=(64,)), "two hidden", "found 1 hidden Dense layer")
    assert any("the spec gives 55,050" in m for m in result.failures)


def test_mlp_built_as_sequential_is_told_to_use_the_functional_api():
    failing("functional_mlp", mlp(sequential=True), "functional API", "is a Sequential model")


def test_mlp_on_unflattened_images_gets_the_input_and_output_shapes():
    result = failing(
        "functional_mlp",
        mlp(shape=(28, 28)),
        "1 input",
        "input 'pixels' has shape (None, 28, 28), expected (None, 784)",
    )
    assert any("output 'digits' has shape (None, 28, 10)" in m for m in result.failures)


# multi_io


def headline(
    loss_weights=None,
    compiled=True,
    aux_input=True,
    names_outputs=True,
    aux_after_concat=False,
    single_loss=False,
):
    def build():
        main_input = keras.Input(shape=(100,), dtype="int32", name="main_input")
        lstm_out = layers.LSTM(32)(layers.Embedding(10000, 512)(main_input))
        inputs = [main_input]
        x = lstm_out
        if aux_input:
            extra = keras.Input(shape=(5,), name="aux_input")
            inputs.append(extra)
            x = layers.concatenate([lstm_out, extra])
        for _ in range(3):
            x = layers.Dense(64, activation="relu")(x)
        main = layers.Dense(1, activation="sigmoid", name="main_output" if names_outputs else None)(x)
        aux = layers.Dense(1, activation="sigmoid", name="aux_output" if names_outputs else None)(
            x if aux_after_concat else lstm_out
        )
        model = keras.Model(inputs, [main, aux])
        if compiled:
            loss = "binary_crossentropy" if single_loss else ["binary_crossentropy"] * 2
            model.compile("rmsprop", loss=loss, loss_weights=loss_weights or [1.0, 0.2])
        return model

    return build


def test_multi_io_with_swapped_loss_weights_names_both_weights():
    failing(
        "multi_io",
        headline(loss_weights=[0.2, 1.0]),
        "compiled",
        "the loss weights give 'main_output' 0.2 and 'aux_output' 1",
    )


def test_multi_io_uncompiled_is_told_to_compile():
    failing("multi_io", headline(compiled=False), "compiled", "the model is not compiled")


def test_multi_io_without_aux_input_counts_the_inputs():
    failing(
        "multi_io",
        headline(aux_input=False),
        "2 inputs",
        "the model has 1 input ('main_input' (None, 100)); expected 2",
    )


def test_multi_io_with_unnamed_outputs_is_told_the_names():
    failing(
        "multi_io",
        headline(names_outputs=False),
        "2 outputs",
        "expected 'main_output': pass name='main_output' to the layer that produces it",
    )


def test_multi_io_with_aux_output_after_the_merge_must_read_the_lstm():
    failing(
        "multi_io",
        headline(aux_after_concat=True),
        "'aux_output' is Dense",
        "it must read the LSTM output directly",
    )


def test_multi_io_with_the_guides_single_loss_is_told_about_keras_3():
    failing("multi_io", headline(single_loss=True), "compiled", "one loss per output")
