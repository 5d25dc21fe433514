"""Every exercise passes on its notebook's solution and fails, with the intended
message, on typical wrong answers."""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import kit
from kit.exercises import check, names
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers

SOURCE_DIR = Path(__file__).resolve().parents[1] / "exercises" / "source"


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_HOME", str(tmp_path))


def solution_namespace(name):
    """Run the solution cell of the exercise's instructor notebook; return its names."""
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    namespace = {"keras": keras, "layers": layers, "np": np, "kit": kit}
    exec(compile(cell.source, f"<solution of {name}>", "exec"), namespace)
    return namespace


def builder_of(name):
    namespace = solution_namespace(name)
    return namespace.get("build_model") or namespace["build_models"]


@pytest.mark.parametrize("name", names())
def test_solution_passes(name):
    result = check(name, builder_of(name), save=False)
    assert result, str(result)
    assert result.items and all(item.passed for item in result.items)


def test_catalogue_names_are_the_ten_exercises_in_course_order():
    assert names() == [
        "functional_mlp", "multi_io", "siamese_lstm", "node_indexing", "inception_module",
        "residual_projection", "shared_vision", "vqa", "reusable_encoder", "custom_layer",
    ]


def test_each_exercise_has_requirements_and_three_hints_without_solution_code():
    from kit.exercises.catalogue import EXERCISES

    for exercise in EXERCISES:
        assert len(exercise.requirements) >= 6, exercise.name
        assert len(exercise.hints) == 3, exercise.name
        solution = "\n".join(
            line.strip() for line in builder_source(exercise.name).splitlines() if line.strip()
        )
        for hint in exercise.hints:
            # A hint may quote one call, never two consecutive lines of the solution.
            lines = [line for line in solution.splitlines() if len(line) > 25]
            pairs = ["\n".join(pair) for pair in zip(lines, lines[1:])]
            assert not any(pair in hint for pair in pairs), (exercise.name, hint)
            assert not any(line in hint for line in lines if len(line) > 60), (exercise.name, hint)


def builder_source(name):
    [path] = [p for p in SOURCE_DIR.glob("*.ipynb") if p.stem.split("_", 1)[1] == name]
    notebook = nbformat.read(path, as_version=4)
    return next(c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))


# --- wrong answers ---------------------------------------------------------------


def failing(name, builder, requirement, fragment):
    """Check ``builder``; assert it fails on ``requirement`` with ``fragment`` in the message."""
    result = check(name, builder, save=False)
    assert not result, str(result)
    if requirement is None:
        assert result.problem is not None and fragment in result.problem, str(result)
        return result
    matches = [i for i in result.items if requirement in i.text]
    assert matches, f"no requirement containing {requirement!r}:\n{result}"
    assert any(not i.passed and fragment in i.message for i in matches), str(result)
    return result


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
    result = failing("functional_mlp", mlp(output_activation="relu"), "output Dense(10)",
                     "uses activation 'relu', expected 'softmax'")
    assert any("rows of output 'digits' sum to" in m for m in result.failures)


def test_mlp_with_one_hidden_layer_is_told_how_many_it_has():
    result = failing("functional_mlp", mlp(hidden=(64,)), "two hidden", "found 1 hidden Dense layer")
    assert any("the spec gives 55,050" in m for m in result.failures)


def test_mlp_built_as_sequential_is_told_to_use_the_functional_api():
    failing("functional_mlp", mlp(sequential=True), "functional API", "is a Sequential model")


def test_mlp_on_unflattened_images_gets_the_input_and_output_shapes():
    result = failing("functional_mlp", mlp(shape=(28, 28)), "1 input",
                     "input 'pixels' has shape (None, 28, 28), expected (None, 784)")
    assert any("output 'digits' has shape (None, 28, 10)" in m for m in result.failures)


# multi_io


def headline(loss_weights=None, compiled=True, aux_input=True, names_outputs=True,
             aux_after_concat=False, single_loss=False):
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
            x if aux_after_concat else lstm_out)
        model = keras.Model(inputs, [main, aux])
        if compiled:
            loss = "binary_crossentropy" if single_loss else ["binary_crossentropy"] * 2
            model.compile("rmsprop", loss=loss, loss_weights=loss_weights or [1.0, 0.2])
        return model

    return build


def test_multi_io_with_swapped_loss_weights_names_both_weights():
    failing("multi_io", headline(loss_weights=[0.2, 1.0]), "compiled",
            "the loss weights give 'main_output' 0.2 and 'aux_output' 1")


def test_multi_io_uncompiled_is_told_to_compile():
    failing("multi_io", headline(compiled=False), "compiled", "the model is not compiled")


def test_multi_io_without_aux_input_counts_the_inputs():
    failing("multi_io", headline(aux_input=False), "2 inputs",
            "the model has 1 input ('main_input' (None, 100)); expected 2")


def test_multi_io_with_unnamed_outputs_is_told_the_names():
    failing("multi_io", headline(names_outputs=False), "2 outputs",
            "expected 'main_output': pass name='main_output' to the layer that produces it")


def test_multi_io_with_aux_output_after_the_merge_must_read_the_lstm():
    failing("multi_io", headline(aux_after_concat=True), "'aux_output' is Dense",
            "it must read the LSTM output directly")


def test_multi_io_with_the_guides_single_loss_is_told_about_keras_3():
    failing("multi_io", headline(single_loss=True), "compiled", "one loss per output")


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
    result = failing("siamese_lstm", siamese(shared=False), "one LSTM(64) object",
                     "the two tweet branches use two different LSTM layers")
    item = next(i for i in result.items if "one LSTM(64)" in i.text)
    assert "on 'tweet_a'" in item.message and "on 'tweet_b'" in item.message
    assert "call one LSTM instance on both inputs" in item.message
    assert any("164,481 parameters" in m for m in result.failures)


def test_siamese_with_the_wrong_units_names_the_layer():
    failing("siamese_lstm", siamese(units=32), "one LSTM(64) object", "has 32 units, expected 64")


def test_siamese_merged_by_add_is_told_to_concatenate():
    failing("siamese_lstm", siamese(merge="add"), "concatenated",
            "not concatenated but merged by")


def test_siamese_concatenating_one_encoding_twice_is_caught():
    failing("siamese_lstm", siamese(same_twice=True), "concatenated", "joins the same tensor twice")


def test_siamese_with_relu_output_is_told_to_use_sigmoid():
    failing("siamese_lstm", siamese(activation="relu"), "Dense(1, sigmoid)",
            "uses activation 'relu', expected 'sigmoid'")


# node_indexing


def picker(copies=False, order=(1, 0), large_first=False, conv=None):
    def build():
        small = keras.Input(shape=(32, 32, 3), name="small")
        large = keras.Input(shape=(64, 64, 3), name="large")
        shared = conv or layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
        if copies:
            other = layers.Conv2D(16, (3, 3), padding="same")
            return keras.Model([small, large], [other(large), shared(small)])
        for image in ((large, small) if large_first else (small, large)):
            shared(image)
        outputs = [kit.nodes.get_output_at(shared, i) for i in order]
        return keras.Model([small, large], outputs)

    return build


def test_node_indexing_with_two_convolutions_is_told_to_share_one():
    failing("node_indexing", picker(copies=True), "one Conv2D 'shared_conv'",
            "the two images use two different Conv2D layers")


def test_node_indexing_with_outputs_in_call_order_names_the_nodes():
    failing("node_indexing", picker(order=(0, 1)), "output 1 is node 1",
            "output 1 is node 0 of 'shared_conv' (None, 32, 32, 16); expected node 1")


def test_node_indexing_calling_large_first_is_told_which_node_is_which():
    failing("node_indexing", picker(large_first=True), "node 0 of 'shared_conv'",
            "node 0 of 'shared_conv' is its call on 'large' (None, 64, 64, 3)")


def test_node_indexing_with_a_layer_called_before_sees_nodes_two_and_three():
    conv = layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
    conv(keras.Input((8, 8, 3)))
    conv(keras.Input((8, 8, 3)))
    failing("node_indexing", picker(conv=conv, order=(3, 2)), "node 0 of 'shared_conv'",
            "are nodes 2 and 3, not 0 and 1")


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
    failing("inception_module", inception(axis=1), "channel axis",
            "along axis 1 (image rows), giving (None, 96, 32, 64)")


def test_inception_with_two_towers_is_told_three():
    failing("inception_module", inception(towers=2), "three towers", "expected three towers")


def test_inception_with_a_linear_5x5_names_the_layer():
    failing("inception_module", inception(activation=None), "64 filters, padding 'same' and relu",
            "uses activation 'linear', expected 'relu'")


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
    failing("residual_projection", residual(shortcut="identity"), None,
            "Project the shortcut with a 1x1 Conv2D(32)")


def test_residual_merged_by_concatenation_is_told_to_add():
    failing("residual_projection", residual(merge="concatenate"), "an Add",
            "(Concatenate), giving (None, 16, 16, 64); a residual block adds them")


def test_residual_with_a_3x3_shortcut_is_told_projections_are_1x1():
    failing("residual_projection", residual(kernel=3), "1x1 Conv2D(32) projection",
            "uses a 3x3 kernel; a projection shortcut is a 1x1")


def test_residual_with_relu_before_the_sum_is_told_where_relu_goes():
    result = failing("residual_projection", residual(relu_at_end=False), "main path",
                     "applies relu before the sum")
    assert any("nothing applies relu after" in m for m in result.failures)


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
    failing("shared_vision", vision(copies=True, same_names=False), "one nested model 'vision_model'",
            "go through two different vision models")


def test_shared_vision_built_twice_under_one_name_gets_advice_on_the_keras_error():
    result = failing("shared_vision", vision(copies=True), None, "the vision model was built twice")
    assert 'The name "vision_model" is used 2 times' in result.problem


def test_shared_vision_with_inline_layers_is_told_to_nest_a_model():
    failing("shared_vision", vision(nested=False), "one nested model", "no nested vision model")


def test_shared_vision_without_pooling_lists_the_layers():
    failing("shared_vision", vision(pooling=False), "vision_model: Conv2D",
            "the layers of 'vision_model' are Conv2D, Conv2D, Flatten")


def test_shared_vision_frozen_is_told_nothing_would_learn():
    failing("shared_vision", vision(frozen=True), "trainable", "'vision_model' (37,568 parameters)")


# vqa


def vqa(question_dtype="int32", nested=True, answer_activation="softmax", lstm_units=64):
    def encoders():
        vision_encoder = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(16, 3, activation="relu", padding="same"),
            layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu", padding="same"),
            layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
        ], name="vision_encoder")
        ids = keras.Input(shape=(20,), dtype=question_dtype)
        question_encoder = keras.Model(
            ids, layers.LSTM(lstm_units)(layers.Embedding(1000, 64)(ids)), name="question_encoder")
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
    failing("vqa", vqa(question_dtype="float32"), "2 inputs",
            "input 'question' has dtype float32, expected int32")


def test_vqa_with_inline_encoders_is_told_to_nest_them():
    result = failing("vqa", vqa(nested=False), "'vision_encoder'", "no nested vision encoder")
    assert any("no nested question encoder" in m for m in result.failures)


def test_vqa_without_softmax_is_told_the_answer_activation():
    failing("vqa", vqa(answer_activation=None), "'answer' Dense(100, softmax)",
            "uses activation 'linear', expected 'softmax'")


def test_vqa_with_a_small_lstm_names_it():
    failing("vqa", vqa(lstm_units=32), "'question_encoder'", "expected LSTM(64)")


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
    failing("reusable_encoder", autoencoder(copies=True), "reuses the encoder's layers",
            "none of the encoder's weights are in the autoencoder")


def test_reusable_encoder_returning_only_the_autoencoder_asks_for_the_pair():
    failing("reusable_encoder", autoencoder(pair=False), None,
            "expected the pair (encoder, autoencoder)")


def test_reusable_encoder_with_a_64_unit_code_gets_the_encoder_shape():
    failing("reusable_encoder", autoencoder(code_units=None), "the encoder: 1 output",
            "has shape (None, 64), expected (None, 128)")


def test_reusable_encoder_with_a_sigmoid_decoder_names_the_layer():
    failing("reusable_encoder", autoencoder(last_activation="sigmoid"), "the decoder",
            "uses activation 'sigmoid', expected 'relu'")


# custom_layer


def custom_model(layer_class):
    def build():
        features = keras.Input(shape=(4,), name="features")
        return keras.Model(features, layer_class(10)(features))

    return build


class NoKwargs(layers.Layer):
    """The guide's first CustomDense: no get_config, no **kwargs."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,))

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


class ForgetsUnits(NoKwargs):
    def __init__(self, units=32, **kwargs):
        layers.Layer.__init__(self, **kwargs)
        self.units = units

    def get_config(self):
        return layers.Layer.get_config(self)


class NoBias(ForgetsUnits):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)

    def get_config(self):
        return {**layers.Layer.get_config(self), "units": self.units}


def test_custom_layer_without_kwargs_is_told_to_accept_them():
    failing("custom_layer", custom_model(NoKwargs), "from_config(get_config())",
            "Accept **kwargs in __init__")


def test_custom_layer_forgetting_units_in_the_config_is_told_so():
    result = failing("custom_layer", custom_model(ForgetsUnits), "records units=10", "without 'units'")
    assert any("makes weights of shapes (4, 32) and (32,)" in m for m in result.failures)


def test_custom_layer_that_is_a_builtin_dense_is_told_to_subclass():
    failing("custom_layer", custom_model(layers.Dense), "your own Layer subclass",
            "the model only uses built-in layers")


def test_custom_layer_without_bias_is_told_to_add_it():
    failing("custom_layer", custom_model(NoBias), "a kernel (4, 10) and a bias",
            "has weights of shapes (4, 10); expected (4, 10) and (10,): add the bias")
