"""Answers a class hands in, wrong and right, with what the checker must say about each.

Every wrong answer is a plausible mistake for its exercise; ``words`` are what its first ✗
line must contain for a learner to fix it (matched case-insensitively). Every right answer is
written in another style than the reference solution and must pass.

Each answer is the code of the learner's cell. :func:`run` executes it the way a notebook
does (its lines kept readable for tracebacks and ``inspect``) and checks the function it
defines. Used by ``tests/test_checker_corpus.py`` and
``benchmarks/checker.py``.
"""

import textwrap
from dataclasses import dataclass

from exercise_support import run_cell

import kit
from kit.quiet import import_keras_quietly

PRELUDE = "import numpy as np\nfrom keras import layers\nimport keras\nimport kit\n"


@dataclass(frozen=True)
class Answer:
    exercise: str
    label: str
    code: str
    passes: bool = False
    words: tuple = ()

    @property
    def key(self) -> str:
        return f"{self.exercise}-{self.label}"


def wrong(exercise, label, words, code):
    return Answer(exercise, label, textwrap.dedent(code).strip() + "\n", False, tuple(words))


def right(exercise, label, code):
    return Answer(exercise, label, textwrap.dedent(code).strip() + "\n", True)


def run(answer: Answer):
    """``(result, first_line)``: the check of ``answer`` and its first ✗ line ('' if none)."""
    import_keras_quietly()
    namespace = {"__name__": "__main__"}
    exec(compile(PRELUDE, "<prelude>", "exec"), namespace)
    run_cell(answer.code, f"/tmp/kit-corpus/{answer.key}.py", namespace)
    builder = namespace.get("build_models") or namespace["build_model"]
    result = kit.check(answer.exercise, builder, save=False)
    return result, result.first_failure


# --- 1. functional_mlp ------------------------------------------------------------------------

MLP = [
    wrong(
        "functional_mlp",
        "sequential",
        ["Sequential", "line 2", "keras.Input"],
        """
        def build_model():
            return keras.Sequential([
                keras.Input(shape=(784,)),
                layers.Dense(64, activation="relu"),
                layers.Dense(64, activation="relu"),
                layers.Dense(10, activation="softmax", name="digits"),
            ])
        """,
    ),
    wrong(
        "functional_mlp",
        "hidden-32",
        ["32 units", "expected 64"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(32, activation="relu")(pixels)
            x = layers.Dense(32, activation="relu")(x)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "relu-output",
        ["'relu'", "softmax"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(64, activation="relu")(pixels)
            x = layers.Dense(64, activation="relu")(x)
            digits = layers.Dense(10, activation="relu", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "image-input",
        ["(None, 28, 28)", "(None, 784)"],
        """
        def build_model():
            pixels = keras.Input(shape=(28, 28), name="pixels")
            x = layers.Flatten()(pixels)
            x = layers.Dense(64, activation="relu")(x)
            x = layers.Dense(64, activation="relu")(x)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "output-unnamed",
        ["'digits'", "name="],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(64, activation="relu")(pixels)
            x = layers.Dense(64, activation="relu")(x)
            digits = layers.Dense(10, activation="softmax")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "one-hidden",
        ["1 hidden Dense layer", "expected 2"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(64, activation="relu")(pixels)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "name-error",
        ["NameError", "line 3", "hiden"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            hidden = layers.Dense(64, activation="relu")(hiden)
            hidden = layers.Dense(64, activation="relu")(hidden)
            digits = layers.Dense(10, activation="softmax", name="digits")(hidden)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "no-return",
        ["returned None", "line 6", "return"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(64, activation="relu")(pixels)
            x = layers.Dense(64, activation="relu")(x)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            model = keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "hidden-layer-shared",
        ["line 5", "same layer object", "create another"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            hidden = layers.Dense(64, activation="relu")
            x = hidden(pixels)
            x = hidden(x)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    wrong(
        "functional_mlp",
        "linear-hidden",
        ["'linear'", "relu"],
        """
        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = layers.Dense(64)(pixels)
            x = layers.Dense(64)(x)
            digits = layers.Dense(10, activation="softmax", name="digits")(x)
            return keras.Model(pixels, digits)
        """,
    ),
    right(
        "functional_mlp",
        "activation-layers",
        """
        def build_model():
            inputs = keras.Input((784,), name="pixels")
            h = keras.layers.Dense(64)(inputs)
            h = keras.layers.Activation("relu")(h)
            h = keras.layers.Dense(64)(h)
            h = keras.layers.ReLU()(h)
            logits = keras.layers.Dense(10)(h)
            probabilities = keras.layers.Softmax(name="digits")(logits)
            return keras.Model(inputs=[inputs], outputs=[probabilities])
        """,
    ),
    right(
        "functional_mlp",
        "helper-loop",
        """
        def hidden_layer(x):
            return layers.Dense(64, activation="relu")(x)

        def build_model():
            pixels = keras.Input(shape=(784,), name="pixels")
            x = pixels
            for _ in range(2):
                x = hidden_layer(x)
            return keras.Model(pixels, layers.Dense(10, activation="softmax", name="digits")(x))
        """,
    ),
]

# --- 2. multi_io ------------------------------------------------------------------------------

HEADLINE = """
def build_model():
    main_input = keras.Input(shape=(100,), dtype="int32", name="main_input")
    words = layers.Embedding(input_dim=10000, output_dim={dim})(main_input)
    lstm_out = layers.LSTM(32{sequences})(words)
    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")({aux_from})
    aux_input = keras.Input(shape=(5,), name="aux_input")
    x = layers.concatenate([lstm_out, aux_input])
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(64, activation="relu")(x)
    main_output = layers.Dense(1, activation="sigmoid", name="main_output")(x)
    model = keras.Model(inputs={inputs}, outputs={outputs})
    {compile}
    return model
"""
COMPILE = (
    'model.compile(optimizer="rmsprop", loss=["binary_crossentropy", "binary_crossentropy"], '
    "loss_weights={weights})"
)


def headline(
    dim="512",
    sequences="",
    aux_from="lstm_out",
    inputs="[main_input, aux_input]",
    outputs="[main_output, aux_output]",
    weights="[1.0, 0.2]",
    compile_line=None,
):
    return HEADLINE.format(
        dim=dim,
        sequences=sequences,
        aux_from=aux_from,
        inputs=inputs,
        outputs=outputs,
        compile=compile_line if compile_line is not None else COMPILE.format(weights=weights),
    )


MULTI_IO = [
    wrong("multi_io", "aux-input-left-out", ["'aux_input'", "inputs="], headline(inputs="main_input")),
    wrong(
        "multi_io",
        "outputs-reversed",
        ["order", "'main_output'"],
        headline(outputs="[aux_output, main_output]", weights="[0.2, 1.0]"),
    ),
    wrong(
        "multi_io",
        "one-loss-two-weights",
        ["one loss", "per output"],
        headline(
            compile_line='model.compile(optimizer="rmsprop", loss="binary_crossentropy", '
            "loss_weights=[1.0, 0.2])"
        ),
    ),
    wrong(
        "multi_io",
        "aux-after-merge",
        ["'aux_output'", "LSTM output"],
        headline()
        .replace('    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)\n', "")
        .replace(
            "    main_output =",
            '    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(x)\n    main_output =',
        ),
    ),
    wrong("multi_io", "not-compiled", ["not compiled", "compile"], headline(compile_line="pass")),
    wrong(
        "multi_io",
        "float-ids",
        ["dtype", "int32"],
        headline().replace('dtype="int32", ', ""),
    ),
    wrong("multi_io", "embedding-256", ["256", "512"], headline(dim="256")),
    wrong(
        "multi_io",
        "squared-error-loss",
        ["'mse'", "binary_crossentropy"],
        headline(
            compile_line='model.compile(optimizer="rmsprop", loss=["mse", "mse"], loss_weights=[1.0, 0.2])'
        ),
    ),
    wrong("multi_io", "weights-swapped", ["loss weights", "0.2"], headline(weights="[0.2, 1.0]")),
    wrong(
        "multi_io",
        "lstm-sequences",
        ["return_sequences"],
        headline(sequences=", return_sequences=True"),
    ),
    right(
        "multi_io",
        "concatenate-layer-and-loss-objects",
        """
        def build_model():
            headline = keras.Input((100,), dtype="int32", name="main_input")
            extra = keras.Input((5,), name="aux_input")
            encoded = keras.layers.LSTM(32)(keras.layers.Embedding(10000, 512)(headline))
            early = keras.layers.Dense(1, activation="sigmoid", name="aux_output")(encoded)
            h = keras.layers.Concatenate()([encoded, extra])
            for _ in range(3):
                h = keras.layers.Dense(64, activation="relu")(h)
            late = keras.layers.Dense(1, activation="sigmoid", name="main_output")(h)
            model = keras.Model([headline, extra], [late, early])
            model.compile(
                optimizer=keras.optimizers.RMSprop(),
                loss={"main_output": keras.losses.BinaryCrossentropy(),
                      "aux_output": keras.losses.BinaryCrossentropy()},
                loss_weights={"aux_output": 0.2, "main_output": 1.0},
            )
            return model
        """,
    ),
    right("multi_io", "list-losses", headline()),
]

# --- 3. siamese_lstm --------------------------------------------------------------------------

SIAMESE = """
def build_model():
    tweet_a = keras.Input(shape=(280, 256), name="tweet_a")
    tweet_b = keras.Input(shape=(280, 256), name="tweet_b")
    shared_lstm = layers.LSTM({units}{sequences})
    encoded_a = shared_lstm(tweet_a)
    encoded_b = {second}(tweet_b)
    merged = {merge}
    same_author = layers.Dense(1, activation="{activation}")(merged)
    return keras.Model(inputs={inputs}, outputs=same_author)
"""


def siamese(
    units=64,
    sequences="",
    second="shared_lstm",
    merge="layers.concatenate([encoded_a, encoded_b])",
    activation="sigmoid",
    inputs="[tweet_a, tweet_b]",
):
    return SIAMESE.format(
        units=units, sequences=sequences, second=second, merge=merge, activation=activation, inputs=inputs
    )


SIAMESE_LSTM = [
    wrong(
        "siamese_lstm",
        "two-lstms",
        ["two different LSTM layers", "one LSTM instance"],
        siamese(second="layers.LSTM(64)"),
    ),
    wrong(
        "siamese_lstm",
        "return-sequences",
        ["return_sequences"],
        siamese(sequences=", return_sequences=True"),
    ),
    wrong(
        "siamese_lstm",
        "added",
        ["merged by", "concatenate"],
        siamese(merge="layers.add([encoded_a, encoded_b])"),
    ),
    wrong(
        "siamese_lstm",
        "same-tensor-twice",
        ["same tensor twice", "'tweet_b'"],
        siamese(merge="layers.concatenate([encoded_a, encoded_a])"),
    ),
    wrong("siamese_lstm", "relu-output", ["'relu'", "sigmoid"], siamese(activation="relu")),
    wrong("siamese_lstm", "one-unit-softmax", ["'softmax'", "sigmoid"], siamese(activation="softmax")),
    wrong("siamese_lstm", "lstm-32", ["32 units", "64"], siamese(units=32)),
    wrong("siamese_lstm", "inputs-reversed", ["order", "'tweet_a'"], siamese(inputs="[tweet_b, tweet_a]")),
    wrong(
        "siamese_lstm",
        "undefined-name",
        ["NameError", "line 6", "lstm"],
        siamese(second="lstm"),
    ),
    right(
        "siamese_lstm",
        "loop-and-activation-layer",
        """
        def build_model():
            tweets = [keras.Input((280, 256), name=name) for name in ("tweet_a", "tweet_b")]
            encoder = keras.layers.LSTM(64)
            codes = [encoder(t) for t in tweets]
            joined = keras.layers.Concatenate(axis=-1)(codes)
            score = keras.layers.Dense(1)(joined)
            return keras.Model(tweets, keras.layers.Activation("sigmoid")(score))
        """,
    ),
    right(
        "siamese_lstm",
        "helper",
        """
        def encode_both(layer, first, second):
            return layer(first), layer(second)

        def build_model():
            a = keras.Input(shape=(280, 256), name="tweet_a")
            b = keras.Input(shape=(280, 256), name="tweet_b")
            left, right = encode_both(layers.LSTM(units=64), a, b)
            out = layers.Dense(1, activation="sigmoid", name="same_author")(layers.concatenate([left, right]))
            return keras.Model([a, b], out, name="siamese")
        """,
    ),
]

# --- 4. node_indexing -------------------------------------------------------------------------

PICKER = """
def build_model():
    small = keras.Input(shape=(32, 32, 3), name="small")
    large = keras.Input(shape=(64, 64, 3), name="large")
    shared_conv = layers.Conv2D({filters}, (3, 3){padding}{name})
    {calls}
    outputs = {outputs}
    return keras.Model(inputs=[small, large], outputs=outputs)
"""


def picker(
    filters=16,
    padding=', padding="same"',
    name=', name="shared_conv"',
    calls="shared_conv(small)\n    shared_conv(large)",
    outputs="[kit.nodes.get_output_at(shared_conv, 1), kit.nodes.get_output_at(shared_conv, 0)]",
):
    return PICKER.format(filters=filters, padding=padding, name=name, calls=calls, outputs=outputs)


NODE_INDEXING = [
    wrong(
        "node_indexing",
        "nodes-swapped",
        ["node 0", "output 1"],
        picker(outputs="[kit.nodes.get_output_at(shared_conv, 0), kit.nodes.get_output_at(shared_conv, 1)]"),
    ),
    wrong(
        "node_indexing",
        "layer-output",
        ["shared_conv.output", "node 0", "get_output_at(shared_conv, 1)"],
        picker(outputs="[shared_conv.output, kit.nodes.get_output_at(shared_conv, 0)]"),
    ),
    wrong(
        "node_indexing",
        "two-convs",
        ["two", "Conv2D", "one"],
        picker(
            calls='copy = layers.Conv2D(16, (3, 3), padding="same")\n    shared_conv(small)\n    copy(large)',
            outputs="[kit.nodes.get_output_at(copy, 0), kit.nodes.get_output_at(shared_conv, 0)]",
        ),
    ),
    wrong(
        "node_indexing",
        "tensors-kept",
        ["your code kept", "line 5", "get_output_at"],
        picker(
            calls="small_features = shared_conv(small)\n    large_features = shared_conv(large)",
            outputs="[large_features, small_features]",
        ),
    ),
    wrong(
        "node_indexing",
        "large-called-first",
        ["node 0", "'large'"],
        picker(calls="shared_conv(large)\n    shared_conv(small)"),
    ),
    wrong(
        "node_indexing",
        "valid-padding",
        ["padding", "'same'"],
        picker(padding=""),
    ),
    wrong("node_indexing", "conv-32", ["32 filters", "16"], picker(filters=32)),
    wrong("node_indexing", "conv-unnamed", ["'shared_conv'", "name="], picker(name="")),
    wrong(
        "node_indexing",
        "node-out-of-range",
        ["node 2", "line 7"],
        picker(outputs="[kit.nodes.get_output_at(shared_conv, 2), kit.nodes.get_output_at(shared_conv, 1)]"),
    ),
    right(
        "node_indexing",
        "loop",
        """
        def build_model():
            images = [keras.Input((32, 32, 3), name="small"), keras.Input((64, 64, 3), name="large")]
            conv = keras.layers.Conv2D(filters=16, kernel_size=3, padding="same", name="shared_conv")
            for image in images:
                conv(image)
            picked = [kit.nodes.get_output_at(conv, index) for index in (1, 0)]
            return keras.Model(images, picked)
        """,
    ),
    right(
        "node_indexing",
        "from-kit-nodes",
        """
        from kit.nodes import get_output_at

        def build_model():
            s = keras.Input(shape=(32, 32, 3), name="small")
            l = keras.Input(shape=(64, 64, 3), name="large")
            layer = layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
            layer(s)
            layer(l)
            return keras.Model([s, l], [get_output_at(layer, 1), get_output_at(layer, 0)], name="picker")
        """,
    ),
]

# --- 5. inception_module ----------------------------------------------------------------------

INCEPTION = """
def build_model():
    image = keras.Input(shape=(32, 32, 3), name="image")
    tower_1 = layers.Conv2D({filters}, (1, 1), padding="same", activation="{activation}")(image)
    tower_1 = layers.Conv2D({filters}, (3, 3), padding="{padding}", activation="{activation}")(tower_1)
    tower_2 = layers.Conv2D({filters}, (1, 1), padding="same", activation="{activation}")(image)
    tower_2 = layers.Conv2D({filters}, (5, 5), padding="{padding}", activation="{activation}")(tower_2)
    tower_3 = {pool}
    tower_3 = layers.Conv2D({filters}, (1, 1), padding="same", activation="{activation}")(tower_3)
    mixed = {merge}
    return keras.Model(image, mixed)
"""


def inception(
    filters=64,
    activation="relu",
    padding="same",
    pool='layers.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(image)',
    merge="layers.concatenate([tower_1, tower_2, tower_3], axis=-1)",
):
    return INCEPTION.format(filters=filters, activation=activation, padding=padding, pool=pool, merge=merge)


INCEPTION_MODULE = [
    wrong("inception_module", "valid-padding", ["padding", "'same'"], inception(padding="valid")),
    wrong(
        "inception_module",
        "channels-first-axis",
        ["axis", "-1"],
        inception(merge="layers.concatenate([tower_1, tower_2, tower_3], axis=1)"),
    ),
    wrong(
        "inception_module",
        "pool-strides",
        ["strides", "(1, 1)"],
        inception(pool='layers.MaxPooling2D((3, 3), padding="same")(image)'),
    ),
    wrong("inception_module", "no-relu", ["activation", "relu"], inception(activation="linear")),
    wrong("inception_module", "filters-32", ["32 filters", "64"], inception(filters=32)),
    wrong(
        "inception_module",
        "no-pool",
        ["max-pool", "tower"],
        inception(pool="image"),
    ),
    wrong(
        "inception_module",
        "added",
        ["Add", "concatenate"],
        inception(merge="layers.add([tower_1, tower_2, tower_3])"),
    ),
    wrong(
        "inception_module",
        "missing-tower",
        ["two towers", "tower"],
        inception(merge="layers.concatenate([tower_1, tower_2], axis=-1)"),
    ),
    wrong(
        "inception_module",
        "reduction-shared",
        ["one layer object", "separate Conv2D"],
        """
        def build_model():
            image = keras.Input(shape=(32, 32, 3), name="image")
            reduce = layers.Conv2D(64, (1, 1), padding="same", activation="relu")
            tower_1 = layers.Conv2D(64, (3, 3), padding="same", activation="relu")(reduce(image))
            tower_2 = layers.Conv2D(64, (5, 5), padding="same", activation="relu")(reduce(image))
            pooled = layers.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(image)
            tower_3 = layers.Conv2D(64, (1, 1), padding="same", activation="relu")(pooled)
            return keras.Model(image, layers.concatenate([tower_1, tower_2, tower_3]))
        """,
    ),
    right(
        "inception_module",
        "helper",
        """
        def conv(x, size):
            return layers.Conv2D(64, size, padding="same", activation="relu")(x)

        def build_model():
            x = keras.Input(shape=(32, 32, 3), name="image")
            towers = [
                conv(conv(x, 1), 3),
                conv(conv(x, 1), 5),
                conv(layers.MaxPooling2D(pool_size=3, strides=1, padding="same")(x), 1),
            ]
            return keras.Model(x, layers.Concatenate(axis=3)(towers))
        """,
    ),
    right(
        "inception_module",
        "ops-concatenate",
        """
        def build_model():
            image = keras.Input(shape=(32, 32, 3), name="image")
            a = layers.Conv2D(64, 3, padding="same", activation="relu")(
                layers.Conv2D(64, 1, padding="same", activation="relu")(image))
            b = layers.Conv2D(64, 5, padding="same", activation="relu")(
                layers.Conv2D(64, 1, padding="same", activation="relu")(image))
            c = layers.Conv2D(64, 1, padding="same", activation="relu")(
                layers.MaxPooling2D(3, strides=1, padding="same")(image))
            return keras.Model(image, keras.ops.concatenate([a, b, c], axis=-1))
        """,
    ),
]

# --- 6. residual_projection -------------------------------------------------------------------

RESIDUAL = """
def build_model():
    features = keras.Input(shape=(16, 16, 16), name="features")
    main = layers.Conv2D(32, ({size}, {size}), padding="same", activation="relu")(features)
    main = layers.Conv2D(32, ({size}, {size}), padding="same"{second})(main)
    shortcut = {shortcut}
    summed = {merge}
    block_output = {after}
    return keras.Model(features, block_output)
"""


def residual(
    size=3,
    second="",
    shortcut="layers.Conv2D(32, (1, 1))(features)",
    merge="layers.add([main, shortcut])",
    after='layers.Activation("relu")(summed)',
):
    return RESIDUAL.format(size=size, second=second, shortcut=shortcut, merge=merge, after=after)


RESIDUAL_PROJECTION = [
    wrong(
        "residual_projection",
        "relu-before-sum",
        ["relu before the sum", "linear"],
        residual(second=', activation="relu"'),
    ),
    wrong("residual_projection", "no-relu-after", ["relu after", "sum"], residual(after="summed")),
    wrong(
        "residual_projection",
        "no-projection",
        ["1x1", "project"],
        residual(shortcut="features"),
    ),
    wrong(
        "residual_projection",
        "shortcut-3x3",
        ["3x3", "1x1"],
        residual(shortcut='layers.Conv2D(32, (3, 3), padding="same")(features)'),
    ),
    wrong(
        "residual_projection",
        "concatenated",
        ["Add", "concatenate"],
        residual(merge="layers.concatenate([main, shortcut])"),
    ),
    wrong(
        "residual_projection",
        "shortcut-from-main",
        ["shortcut", "'features'"],
        residual(shortcut="layers.Conv2D(32, (1, 1))(main)"),
    ),
    wrong("residual_projection", "kernel-5x5", ["5x5", "3x3"], residual(size=5)),
    right(
        "residual_projection",
        "add-layer-and-relu-layer",
        """
        def build_model():
            x = keras.Input((16, 16, 16), name="features")
            y = keras.layers.Conv2D(32, 3, padding="same")(x)
            y = keras.layers.ReLU()(y)
            y = keras.layers.Conv2D(32, 3, padding="same")(y)
            projected = keras.layers.Conv2D(32, 1, name="projection")(x)
            out = keras.layers.ReLU()(keras.layers.Add()([y, projected]))
            return keras.Model(x, out, name="block")
        """,
    ),
    right(
        "residual_projection",
        "ops",
        """
        def build_model():
            features = keras.Input(shape=(16, 16, 16), name="features")
            main = layers.Conv2D(32, (3, 3), padding="same", activation="relu")(features)
            main = layers.Conv2D(32, (3, 3), padding="same")(main)
            shortcut = layers.Conv2D(32, (1, 1))(features)
            return keras.Model(features, keras.ops.relu(main + shortcut))
        """,
    ),
]

# --- 7. shared_vision -------------------------------------------------------------------------

VISION = """
def build_model():
    digit_input = keras.Input(shape=(27, 27, 1))
    x = layers.Conv2D(64, (3, 3){activation})(digit_input)
    x = layers.Conv2D(64, (3, 3){activation})(x)
    x = layers.MaxPooling2D((2, 2))(x)
    features = {flatten}
    vision_model = keras.Model(digit_input, features{name})
    digit_a = keras.Input(shape=(27, 27, 1), name="digit_a")
    digit_b = keras.Input(shape=(27, 27, 1), name="digit_b")
    {encodings}
    merged = {merge}
    same_digit = layers.Dense(1, activation="{head}")(merged)
    return keras.Model([digit_a, digit_b], same_digit)
"""


def vision(
    activation="",
    flatten="layers.Flatten()(x)",
    name=', name="vision_model"',
    encodings="encoded_a = vision_model(digit_a)\n    encoded_b = vision_model(digit_b)",
    merge="layers.concatenate([encoded_a, encoded_b])",
    head="sigmoid",
):
    return VISION.format(
        activation=activation, flatten=flatten, name=name, encodings=encodings, merge=merge, head=head
    )


SHARED_VISION = [
    wrong(
        "shared_vision",
        "two-vision-models",
        ["two", "vision"],
        vision(
            encodings="encoded_a = vision_model(digit_a)\n    "
            "encoded_b = keras.models.clone_model(vision_model)(digit_b)"
        ),
    ),
    wrong(
        "shared_vision",
        "layers-inline",
        ["nested", "vision_model"],
        """
        def build_model():
            digit_a = keras.Input(shape=(27, 27, 1), name="digit_a")
            digit_b = keras.Input(shape=(27, 27, 1), name="digit_b")
            conv_1 = layers.Conv2D(64, (3, 3))
            conv_2 = layers.Conv2D(64, (3, 3))
            pool = layers.MaxPooling2D((2, 2))
            flatten = layers.Flatten()
            encoded = [flatten(pool(conv_2(conv_1(d)))) for d in (digit_a, digit_b)]
            same_digit = layers.Dense(1, activation="sigmoid")(layers.concatenate(encoded))
            return keras.Model([digit_a, digit_b], same_digit)
        """,
    ),
    wrong(
        "shared_vision",
        "relu-convs",
        ["activation", "'relu'"],
        vision(activation=', activation="relu"'),
    ),
    wrong("shared_vision", "no-flatten", ["Flatten"], vision(flatten="x")),
    wrong("shared_vision", "unnamed", ["'vision_model'", "name="], vision(name="")),
    wrong("shared_vision", "relu-output", ["'relu'", "sigmoid"], vision(head="relu")),
    wrong(
        "shared_vision",
        "added",
        ["merged by", "concatenate"],
        vision(merge="layers.add([encoded_a, encoded_b])"),
    ),
    wrong(
        "shared_vision",
        "one-digit-twice",
        ["'digit_b'", "twice"],
        vision(encodings="encoded_a = vision_model(digit_a)\n    encoded_b = vision_model(digit_a)"),
    ),
    right(
        "shared_vision",
        "sequential-vision",
        """
        def build_model():
            vision_model = keras.Sequential(
                [keras.Input((27, 27, 1)), layers.Conv2D(64, 3), layers.Conv2D(64, 3),
                 layers.MaxPooling2D(2), layers.Flatten()],
                name="vision_model",
            )
            a = keras.Input((27, 27, 1), name="digit_a")
            b = keras.Input((27, 27, 1), name="digit_b")
            both = layers.Concatenate()([vision_model(a), vision_model(b)])
            return keras.Model(inputs=[a, b], outputs=layers.Dense(1, activation="sigmoid")(both))
        """,
    ),
    right(
        "shared_vision",
        "helper",
        """
        def make_vision_model():
            image = keras.Input(shape=(27, 27, 1), name="one_digit")
            x = image
            for _ in range(2):
                x = layers.Conv2D(64, (3, 3))(x)
            x = layers.Flatten()(layers.MaxPooling2D()(x))
            return keras.Model(image, x, name="vision_model")

        def build_model():
            shared = make_vision_model()
            first = keras.Input(shape=(27, 27, 1), name="digit_a")
            second = keras.Input(shape=(27, 27, 1), name="digit_b")
            merged = layers.concatenate([shared(first), shared(second)])
            return keras.Model([first, second], layers.Dense(1, activation="sigmoid", name="same")(merged))
        """,
    ),
]

# --- 8. vqa -----------------------------------------------------------------------------------

VQA = """
def build_model():
    vision_encoder = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(16, (3, 3), activation="relu"{same}),
        layers.Conv2D(16, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(32, (3, 3), activation="relu"{same}),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
    ], name="vision_encoder")
    question_ids = keras.Input(shape=(20,), dtype="int32")
    embedded = layers.Embedding(input_dim=1000, output_dim=64)(question_ids)
    encoded = layers.LSTM(64{sequences})(embedded)
    question_encoder = keras.Model(question_ids, encoded{name})
    image = keras.Input(shape=(32, 32, 3), name="image")
    question = keras.Input(shape=(20,){dtype}, name="question")
    merged = layers.concatenate([vision_encoder(image), question_encoder(question)])
    answer = layers.Dense({answers}, activation="{head}", name="answer")(merged)
    return keras.Model(inputs=[image, question], outputs=answer)
"""


def vqa(
    same=', padding="same"',
    sequences="",
    name=', name="question_encoder"',
    dtype=', dtype="int32"',
    answers=100,
    head="softmax",
):
    return VQA.format(same=same, sequences=sequences, name=name, dtype=dtype, answers=answers, head=head)


VQA_INLINE = (
    vqa()
    .replace(
        '    question_ids = keras.Input(shape=(20,), dtype="int32")\n'
        "    embedded = layers.Embedding(input_dim=1000, output_dim=64)(question_ids)\n"
        "    encoded = layers.LSTM(64)(embedded)\n"
        '    question_encoder = keras.Model(question_ids, encoded, name="question_encoder")\n',
        "",
    )
    .replace(
        "question_encoder(question)",
        "layers.LSTM(64)(layers.Embedding(input_dim=1000, output_dim=64)(question))",
    )
)
VQA_UNUSED = vqa().replace(
    "merged = layers.concatenate([vision_encoder(image), question_encoder(question)])",
    "words = layers.Embedding(input_dim=1000, output_dim=64)(question)\n"
    "    merged = layers.concatenate([vision_encoder(image), layers.LSTM(64)(words)])",
)

VQA_EXERCISE = [
    wrong("vqa", "question-inline", ["question_encoder", "keras.Model"], VQA_INLINE),
    wrong("vqa", "encoder-unused", ["question_encoder", "never"], VQA_UNUSED),
    wrong("vqa", "valid-padding", ["padding", "'same'"], vqa(same="")),
    wrong("vqa", "lstm-sequences", ["return_sequences"], vqa(sequences=", return_sequences=True")),
    wrong("vqa", "relu-answer", ["'relu'", "softmax"], vqa(head="relu")),
    wrong("vqa", "encoder-unnamed", ["'question_encoder'", "name="], vqa(name="")),
    wrong("vqa", "ten-answers", ["10", "100"], vqa(answers=10)),
    wrong("vqa", "float-question", ["dtype", "int32"], vqa(dtype="")),
    right(
        "vqa",
        "sequential-question-functional-vision",
        """
        def build_model():
            pixels = keras.Input((32, 32, 3))
            h = pixels
            for filters in (16, 32):
                h = layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
                h = layers.Conv2D(filters, 3, activation="relu")(h)
                h = layers.MaxPooling2D()(h)
            vision_encoder = keras.Model(pixels, layers.Flatten()(h), name="vision_encoder")
            question_encoder = keras.Sequential(
                [keras.Input((20,), dtype="int32"), layers.Embedding(1000, 64), layers.LSTM(64)],
                name="question_encoder",
            )
            image = keras.Input((32, 32, 3), name="image")
            question = keras.Input((20,), dtype="int32", name="question")
            both = layers.Concatenate()([vision_encoder(image), question_encoder(question)])
            return keras.Model({"image": image, "question": question},
                               layers.Dense(100, activation="softmax", name="answer")(both))
        """,
    ),
    right("vqa", "reference-style", vqa()),
]

# --- 9. reusable_encoder ----------------------------------------------------------------------

PAIR = """
def build_models():
    encoder_input = keras.Input(shape=(16,){name})
    x = layers.Dense({first}, activation="relu")(encoder_input)
    x = layers.Dense(64, activation="relu")(x)
    encoder_output = layers.Dense(128, activation="relu")(x)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    x = layers.Dense(64, activation="relu")({decoder_from})
    x = layers.Dense(32, activation="relu")(x)
    decoder_output = layers.Dense(16, activation="{last}")(x)
    autoencoder = keras.Model({autoencoder_input}, decoder_output, name="autoencoder")
    return {returned}
"""


def pair(
    name=', name="encoder_input"',
    first=32,
    decoder_from="encoder_output",
    last="relu",
    autoencoder_input="encoder_input",
    returned="encoder, autoencoder",
):
    return PAIR.format(
        name=name,
        first=first,
        decoder_from=decoder_from,
        last=last,
        autoencoder_input=autoencoder_input,
        returned=returned,
    )


REUSABLE_ENCODER = [
    wrong(
        "reusable_encoder",
        "pair-reversed",
        ["reversed", "return encoder, autoencoder"],
        pair(returned="autoencoder, encoder"),
    ),
    wrong(
        "reusable_encoder",
        "encoder-rebuilt",
        ["same objects", "encoder"],
        pair().replace(
            'layers.Dense(64, activation="relu")(encoder_output)',
            'layers.Dense(64, activation="relu")(layers.Dense(128, activation="relu")('
            'layers.Dense(64, activation="relu")(layers.Dense(32, activation="relu")(encoder_input))))',
        ),
    ),
    wrong("reusable_encoder", "sigmoid-last", ["'sigmoid'", "relu"], pair(last="sigmoid")),
    wrong("reusable_encoder", "encoder-16", ["16", "32, 64, 128"], pair(first=16)),
    wrong("reusable_encoder", "input-unnamed", ["'encoder_input'"], pair(name="")),
    wrong(
        "reusable_encoder",
        "autoencoder-only",
        ["pair", "encoder, autoencoder"],
        pair(returned="autoencoder"),
    ),
    wrong(
        "reusable_encoder",
        "decoder-on-input",
        ["decoder", "encoder"],
        pair(decoder_from="encoder_input"),
    ),
    right(
        "reusable_encoder",
        "loop-and-nested-call",
        """
        def build_models():
            inputs = keras.Input((16,), name="encoder_input")
            h = inputs
            for units in (32, 64, 128):
                h = layers.Dense(units, activation="relu")(h)
            encoder = keras.Model(inputs, h, name="encoder")
            code = encoder.output
            for units in (64, 32, 16):
                code = layers.Dense(units, activation="relu")(code)
            return encoder, keras.Model(encoder.input, code, name="autoencoder")
        """,
    ),
    right("reusable_encoder", "reference-style", pair()),
]

# --- 10. custom_layer -------------------------------------------------------------------------

CUSTOM = """
class CustomDense(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        {init}
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="{bias_init}", name="b")

    def call(self, inputs):
        return {call}

{config}
def build_model():
    features = keras.Input(shape=(4,), name="features")
    return keras.Model(features, CustomDense(10)(features))
"""
CONFIG = """    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config
"""


def custom(
    init="super().__init__(**kwargs)",
    bias_init="zeros",
    call="keras.ops.matmul(inputs, self.w) + self.b",
    config=CONFIG,
):
    return CUSTOM.format(init=init, bias_init=bias_init, call=call, config=config)


CUSTOM_LAYER = [
    wrong(
        "custom_layer",
        "bias-unused",
        ["bias", "call()"],
        custom(call="keras.ops.matmul(inputs, self.w)"),
    ),
    wrong("custom_layer", "no-get-config", ["get_config", "'units'"], custom(config="")),
    wrong(
        "custom_layer",
        "weights-in-init",
        ["__init__", "build()"],
        """
        class CustomDense(keras.layers.Layer):
            def __init__(self, units=32, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.w = self.add_weight(shape=(4, units), initializer="random_normal", name="w")
                self.b = self.add_weight(shape=(units,), initializer="zeros", name="b")

            def call(self, inputs):
                return keras.ops.matmul(inputs, self.w) + self.b

            def get_config(self):
                return {**super().get_config(), "units": self.units}

        def build_model():
            features = keras.Input(shape=(4,), name="features")
            return keras.Model(features, CustomDense(10)(features))
        """,
    ),
    wrong(
        "custom_layer",
        "kwargs-dropped",
        ["super().__init__(**kwargs)", "name"],
        custom(init="super().__init__()"),
    ),
    wrong(
        "custom_layer",
        "built-in-dense",
        ["built-in", "own"],
        """
        def build_model():
            features = keras.Input(shape=(4,), name="features")
            return keras.Model(features, layers.Dense(10)(features))
        """,
    ),
    wrong(
        "custom_layer",
        "relu-added",
        ["relu", "inputs @ w + b"],
        custom(call="keras.ops.relu(keras.ops.matmul(inputs, self.w) + self.b)"),
    ),
    wrong(
        "custom_layer",
        "config-without-super",
        ["super().get_config()", "name"],
        custom(config='    def get_config(self):\n        return {"units": self.units}\n'),
    ),
    right(
        "custom_layer",
        "ops-and-dict-config",
        """
        class CustomDense(keras.layers.Layer):
            def __init__(self, units=32, **kwargs):
                super().__init__(**kwargs)
                self.units = units

            def build(self, input_shape):
                self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
                self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

            def call(self, inputs):
                return keras.ops.add(keras.ops.matmul(inputs, self.kernel), self.bias)

            def get_config(self):
                return {**super().get_config(), "units": self.units}

        def build_model():
            x = keras.Input((4,), name="features")
            return keras.Model(inputs=x, outputs=CustomDense(units=10, name="mine")(x))
        """,
    ),
    right("custom_layer", "matmul-operator", custom(call="inputs @ self.w + self.b", bias_init="ones")),
]

ANSWERS = (
    MLP
    + MULTI_IO
    + SIAMESE_LSTM
    + NODE_INDEXING
    + INCEPTION_MODULE
    + RESIDUAL_PROJECTION
    + SHARED_VISION
    + VQA_EXERCISE
    + REUSABLE_ENCODER
    + CUSTOM_LAYER
)
