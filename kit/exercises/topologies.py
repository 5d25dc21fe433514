"""Exercises on non-linear topologies: parallel towers, a residual block, two encoders.

Notebooks ``exercises/05_inception_module.ipynb``, ``06_residual_projection.ipynb``
and ``08_vqa.ipynb``.
"""

from __future__ import annotations

from kit._text import format_shape, plural
from kit.exercises import probes
from kit.exercises.engine import Exercise, Requirement, Unmet
from kit.exercises.probes import check_conv, check_dense, join, out_shape, reads
from kit.exercises.rules import (
    all_trainable,
    conv_params,
    dense_params,
    embedding_params,
    fmt_int,
    forward,
    inputs,
    layer_phrase,
    lstm_params,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port

__all__ = [
    "INCEPTION_IN",
    "INCEPTION_MODULE",
    "INCEPTION_OUT",
    "RESIDUAL_IN",
    "RESIDUAL_OUT",
    "RESIDUAL_PROJECTION",
    "VQA",
    "VQA_IN",
    "VQA_OUT",
]

# --- 5. inception_module ----------------------------------------------------------------

INCEPTION_IN = (Port("image", (None, 32, 32, 3)),)
INCEPTION_OUT = (Port(None, (None, 32, 32, 192)),)


def _towers(subject):
    g = subject.graph
    image = subject.inputs()[0].name
    starts = subject.consumers(image)
    convs = [k for k in starts if g.nodes[k]["class_name"] == "Conv2D"]
    pools = [k for k in starts if g.nodes[k]["class_name"] == "MaxPooling2D"]
    shared = [k for k in starts if g.nodes[k]["calls"] > 1]
    if shared:
        return (
            f"{layer_phrase(g, shared[0])} is one layer object called {g.nodes[shared[0]]['calls']} times on "
            f"{image!r}, so several towers share its weights: create a separate Conv2D(64, (1, 1)) for "
            "each tower."
        )
    if len(convs) != 2 or len(pools) != 1 or len(starts) != 3:
        found = ", ".join(layer_phrase(g, k) for k in starts) or "nothing"
        count = {1: "found one tower: ", 2: "found two towers: ", 3: ""}.get(len(starts), "")
        return (
            f"{count}{image!r} feeds {found}; expected three towers starting with two "
            "Conv2D(64, (1, 1)) and one MaxPooling2D((3, 3), strides=(1, 1), padding='same')."
        )
    problems = []
    for key in convs:
        problems += check_conv(subject, key, None, 1, role="the first layer of a tower")
    pool = g.nodes[pools[0]]["config"]
    if tuple(pool.get("pool_size", ())) != (3, 3) or tuple(pool.get("strides", ())) != (1, 1):
        problems.append(
            f"the pooling {pools[0]!r} has pool_size {pool.get('pool_size')} and strides "
            f"{pool.get('strides')}; expected (3, 3) and (1, 1)"
        )
    seconds = []
    for key in convs:
        after = [k for k in subject.consumers(key) if g.nodes[k]["class_name"] == "Conv2D"]
        if len(after) != 1:
            problems.append(f"the 1x1 convolution {key!r} is followed by {quoted(after) or 'no Conv2D'}")
        else:
            seconds.append(probes.kernel(g, after[0]))
    if len(seconds) == 2 and sorted(seconds) != [(3, 3), (5, 5)]:
        problems.append(
            f"after the two 1x1 convolutions come kernels "
            f"{' and '.join('x'.join(map(str, k)) for k in seconds)}; expected a 3x3 and a 5x5"
        )
    after_pool = [k for k in subject.consumers(pools[0]) if g.nodes[k]["class_name"] == "Conv2D"]
    if len(after_pool) != 1 or probes.kernel(g, after_pool[0]) != (1, 1):
        problems.append(f"the pooling {pools[0]!r} must be followed by one Conv2D(64, (1, 1))")
    return join(problems)


def _inception_convs(subject):
    problems = []
    for key in subject.keys("Conv2D"):
        problems += check_conv(subject, key, 64, None, "relu", "same", role="")
    return join(problems)


def _channel_concat(subject):
    g = subject.graph
    concats = subject.keys("Concatenate")
    if not concats:
        merges = [
            k for k in subject.keys(*probes.MERGES) if k in reads(subject, subject.graph.graph["outputs"][0])
        ]
        merges = merges or subject.keys(*probes.MERGES)
        found = (
            f"the towers are merged by {layer_phrase(g, merges[0])}, which "
            f"{'adds them' if g.nodes[merges[0]]['class_name'] == 'Add' else 'combines them value by value'}; "
            "an Inception module keeps every tower's channels side by side. "
            if merges
            else "no Concatenate layer. "
        )
        return f"{found}Join the three towers with keras.layers.concatenate([...], axis=-1)."
    concat = concats[0]
    problems = []
    joined = subject.producers(concat)
    if len(joined) != 3:
        problems.append(
            f"{concat!r} joins {plural(len(joined), 'tensor')} ({quoted(joined)}), expected the 3 towers"
        )
    axis = g.nodes[concat]["config"].get("axis", -1)
    rank = len(out_shape(g, concat))
    if axis % rank != rank - 1:
        problems.append(
            f"{concat!r} joins the towers along axis {axis} ({probes.IMAGE_AXES.get(axis % rank, 'an axis')}), "
            f"giving {probes.shape_note(g, concat)}; in channels_last images the channels are "
            "the last axis: use concatenate([...], axis=-1) to get (None, 32, 32, 192)"
        )
    return join(problems)


def _tower_sizes_advice(message: str) -> str:
    """What shrank a tower, read from the sizes in Keras's message about the concatenation."""
    import re

    sizes = {int(rows) for rows in re.findall(r"\(None, (\d+), \d+, \d+\)", message)} - {32}
    causes = []
    if any(size > 16 for size in sizes):
        causes.append(
            "a Conv2D without padding='same' shrinks the image (a 3x3 kernel gives 30x30, a 5x5 "
            "28x28): give every Conv2D padding='same'"
        )
    if any(size <= 16 for size in sizes):
        causes.append(
            "a pooling with its default strides divides the image by its pool size (3x3 gives "
            "11x11 or 10x10): use MaxPooling2D((3, 3), strides=(1, 1), padding='same')"
        )
    found = " and ".join(f"{size}x{size}" for size in sorted(sizes, reverse=True))
    return f"The towers must all stay 32x32 to be joined, but some are {found}: " + "; ".join(causes) + "."


_INCEPTION_PARAMS = 3 * conv_params(1, 3, 64) + conv_params(3, 64, 64) + conv_params(5, 64, 64)

INCEPTION_MODULE = Exercise(
    name="inception_module",
    title="An Inception module whose three towers are concatenated along the channels",
    inputs=INCEPTION_IN,
    outputs=INCEPTION_OUT,
    requirements=(
        inputs(*INCEPTION_IN),
        Requirement(
            "three towers: 1x1 then 3x3, 1x1 then 5x5, 3x3 max-pool (stride 1) then 1x1",
            _towers,
            hints=(
                "Each tower starts from the image itself.",
                "tower_1 = 1x1 then 3x3 on image; tower_2 = 1x1 then 5x5 on image; tower_3 = MaxPooling2D((3, 3), strides=(1, 1), padding='same') on image, then 1x1.",
            ),
        ),
        Requirement(
            "every Conv2D has 64 filters, padding 'same' and relu",
            _inception_convs,
            hints=(
                "All five convolutions share the same settings.",
                "layers.Conv2D(64, kernel, padding='same', activation='relu') for each.",
            ),
        ),
        Requirement(
            "the towers are concatenated along the channel axis (axis=-1)",
            _channel_concat,
            hints=(
                "Channels are the last axis of a Keras image.",
                "layers.concatenate([tower_1, tower_2, tower_3], axis=-1).",
            ),
        ),
        outputs(*INCEPTION_OUT),
        param_count(
            _INCEPTION_PARAMS,
            f"3 × {conv_params(1, 3, 64)} (1x1 on the image or the pool) + "
            f"{fmt_int(conv_params(3, 64, 64))} (3x3) + {fmt_int(conv_params(5, 64, 64))} (5x5)",
        ),
        forward(INCEPTION_IN, INCEPTION_OUT, ("relu",)),
        all_trainable(),
    ),
    hints=(
        "Each tower starts from the same input tensor: the image is used three times.",
        "For the towers to be joined they must keep the 32x32 size: padding='same' "
        "everywhere, and strides=(1, 1) for the pooling.",
        "Keras images are channels_last: (batch, rows, columns, channels). The guide's "
        "axis=1 stacks rows; the channel axis is -1 (or 3).",
    ),
    build_advice=((r"Concatenate.*matching shapes", lambda message: _tower_sizes_advice(message)),),
)


# --- 6. residual_projection ----------------------------------------------------------------

RESIDUAL_IN = (Port("features", (None, 16, 16, 16)),)
RESIDUAL_OUT = (Port(None, (None, 16, 16, 32)),)


def _block(subject):
    """``(merge, main_first, shortcut)`` keys of the learner's residual block."""
    g = subject.graph
    merges = subject.keys("Add") or subject.keys(*probes.MERGES)
    if not merges:
        raise Unmet("no layer joins the main path and the shortcut: add them with keras.layers.add([...])")
    merge = merges[0]
    source = subject.inputs()[0].name
    convs_in = [k for k in reads(subject, merge) if g.nodes[k]["class_name"] == "Conv2D"]
    direct = [k for k in convs_in if subject.producers(k) == [source]]
    if direct:
        shortcut = direct[0]
    elif len(convs_in) == 2:
        ones = [k for k in convs_in if probes.kernel(g, k) == (1, 1)]
        shortcut = ones[0] if len(ones) == 1 else convs_in[-1]
    else:
        shortcut = None
    readers = [k for k in subject.consumers(source) if g.nodes[k]["class_name"] == "Conv2D"]
    main_first = next(
        (
            k
            for k in readers
            if k != shortcut
            and any(g.nodes[c]["class_name"] == "Conv2D" for c in probes.followers(subject, k))
        ),
        None,
    )
    return merge, main_first, shortcut


def _main_path(subject):
    g = subject.graph
    merge, first, shortcut = _block(subject)
    if first is None:
        return "no 3x3 Conv2D reads 'features': the main path starts with Conv2D(32, 3, padding='same', activation='relu')."
    problems = check_conv(subject, first, 32, 3, "relu", "same", role="the first convolution")
    second = [
        k for k in probes.followers(subject, first) if g.nodes[k]["class_name"] == "Conv2D" and k != shortcut
    ]
    if len(second) != 1:
        return join(
            problems
            + [f"{first!r} is followed by {quoted(second) or 'no Conv2D'}; expected one Conv2D(32, 3)"]
        )
    problems += check_conv(subject, second[0], 32, 3, None, "same", role="the second convolution")
    if g.nodes[second[0]]["config"].get("activation", "linear") != "linear":
        problems.append(
            f"the second convolution {second[0]!r} applies {g.nodes[second[0]]['config']['activation']} "
            "before the sum; in a residual block it stays linear and relu comes after the Add"
        )
    if second[0] not in reads(subject, merge):
        problems.append(f"{second[0]!r} does not feed {merge!r}: the main path ends in the sum")
    return join(problems)


def _projection(subject):
    g = subject.graph
    merge, _, shortcut = _block(subject)
    if shortcut is None:
        return (
            f"{merge!r} adds {quoted(reads(subject, merge))}, with no projection of 'features': the "
            "input has 16 channels and the main path 32, so the shortcut needs a 1x1 Conv2D(32) "
            "applied to 'features'."
        )
    problems = []
    if subject.producers(shortcut) != ["features"]:
        problems.append(
            f"the shortcut {shortcut!r} reads {quoted(subject.producers(shortcut))}, not the block "
            "input 'features': a shortcut skips the whole main path"
        )
    if probes.kernel(g, shortcut) != (1, 1):
        k = "x".join(map(str, probes.kernel(g, shortcut)))
        problems.append(
            f"the shortcut {shortcut!r} uses a {k} kernel; a projection shortcut is a 1x1 "
            "convolution: it only changes the number of channels"
        )
    problems += check_conv(subject, shortcut, 32, None, "linear", role="the shortcut")
    return join(problems)


def _residual_add(subject):
    g = subject.graph
    merge, _, _ = _block(subject)
    if g.nodes[merge]["class_name"] != "Add":
        return (
            f"the branches are joined by {merge!r} ({g.nodes[merge]['class_name']}), giving "
            f"{probes.shape_note(g, merge)}; a residual block adds them: keras.layers.add([main, shortcut])."
        )
    if len(subject.producers(merge)) != 2:
        return f"{merge!r} sums {plural(len(subject.producers(merge)), 'tensor')}, expected 2 (main path and shortcut)."
    return None


def _relu_after_sum(subject):
    merge, _, _ = _block(subject)
    found = subject.activation(merge)
    if found != "relu":
        return (
            f"nothing applies relu after {merge!r} (found {found!r}): end the block with "
            "keras.layers.Activation('relu') (or layers.ReLU()) on the sum."
        )
    return None


_RESIDUAL_PARAMS = conv_params(3, 16, 32) + conv_params(3, 32, 32) + conv_params(1, 16, 32)

RESIDUAL_PROJECTION = Exercise(
    name="residual_projection",
    title="A residual block with a 1x1 projection shortcut from 16 to 32 channels",
    inputs=RESIDUAL_IN,
    outputs=RESIDUAL_OUT,
    requirements=(
        inputs(*RESIDUAL_IN),
        Requirement(
            "main path: Conv2D(32, 3x3, same, relu) then Conv2D(32, 3x3, same), linear",
            _main_path,
            hints=(
                "Only the first convolution of the main path has relu.",
                "main = Conv2D(32, (3, 3), padding='same', activation='relu')(features); main = Conv2D(32, (3, 3), padding='same')(main).",
            ),
        ),
        Requirement(
            "shortcut: a 1x1 Conv2D(32) projection of 'features'",
            _projection,
            hints=(
                "The shortcut changes 16 channels into 32 without looking at neighbours.",
                "shortcut = layers.Conv2D(32, (1, 1))(features).",
            ),
        ),
        Requirement(
            "an Add sums the main path and the shortcut",
            _residual_add,
            hints=(
                "A residual block adds, it does not concatenate.",
                "summed = layers.add([main, shortcut]).",
            ),
        ),
        Requirement(
            "relu after the sum",
            _relu_after_sum,
            hints=("The activation comes after the addition.", "layers.Activation('relu')(summed)."),
        ),
        outputs(*RESIDUAL_OUT),
        param_count(
            _RESIDUAL_PARAMS,
            f"{fmt_int(conv_params(3, 16, 32))} (3x3, 16→32) + {fmt_int(conv_params(3, 32, 32))} "
            f"(3x3, 32→32) + {conv_params(1, 16, 32)} (1x1 projection)",
        ),
        forward(RESIDUAL_IN, RESIDUAL_OUT, ("relu",)),
        all_trainable(),
    ),
    hints=(
        "Add needs both tensors to have the same shape. The main path ends with 32 channels, "
        "but 'features' has 16.",
        "Give the shortcut its own layer: a Conv2D with 32 filters and a 1x1 kernel applied to "
        "the block input. It changes the channels, not the image size.",
        "Keep the second 3x3 convolution linear, add it to the projected shortcut, then apply "
        "relu to the sum.",
    ),
    build_advice=(
        (
            r"incompatible shapes|Cannot broadcast",
            "The main path and the shortcut have different shapes: 'features' has 16 channels, the "
            "main path 32. Project the shortcut with a 1x1 Conv2D(32) before adding.",
        ),
    ),
)


# --- 8. vqa ----------------------------------------------------------------------------------

VQA_IN = (
    Port("image", (None, 32, 32, 3)),
    Port("question", (None, 20), "int32", low=1, high=1000),
)
VQA_OUT = (Port("answer", (None, 100)),)
_VQA_CONVS = (16, 16, 32, 32)
_VQA_PADDING = ("same", "valid", "same", "valid")
_VISION_OUT = 6 * 6 * 32


def _vision_encoder(subject):
    g = subject.graph
    key = probes.nested_model(subject, "vision_encoder", "vision encoder", "image", holds=("Conv2D",))
    problems = []
    if subject.producers(key) != ["image"]:
        problems.append(f"{key!r} reads {quoted(subject.producers(key))}, expected 'image'")
    sub = g.nodes[key]["subgraph"]
    if sub is None:
        return join(problems + [f"{key!r} has no layer graph: start it with keras.Input(shape=(32, 32, 3))"])
    convs = subject.keys("Conv2D", graph=sub)
    filters = [sub.nodes[k]["config"].get("filters") for k in convs]
    if tuple(filters) != _VQA_CONVS:
        problems.append(f"its Conv2D layers have {filters or 'no'} filters; expected {list(_VQA_CONVS)}")
    for conv, padding in zip(convs, _VQA_PADDING):
        problems += check_conv(subject, conv, None, 3, "relu", padding, role="vision layer", graph=sub)
    pools = subject.keys("MaxPooling2D", graph=sub)
    if len(pools) != 2:
        problems.append(f"it has {plural(len(pools), 'MaxPooling2D')}, expected 2")
    shape = g.nodes[key]["output_shapes"][0][0]
    if shape != (None, _VISION_OUT):
        problems.append(
            f"it outputs {format_shape(shape)}, expected (None, {fmt_int(_VISION_OUT)}) after Flatten"
        )
    return join(problems)


def _question_encoder(subject):
    g = subject.graph
    key = probes.nested_model(
        subject, "question_encoder", "question encoder", "question", holds=("Embedding", "LSTM")
    )
    problems = []
    if subject.producers(key) != ["question"]:
        problems.append(f"{key!r} reads {quoted(subject.producers(key))}, expected 'question'")
    sub = g.nodes[key]["subgraph"]
    classes = [sub.nodes[k]["class_name"] for k in subject.keys(graph=sub)]
    if classes != ["Embedding", "LSTM"]:
        return join(problems + [f"its layers are {', '.join(classes) or 'none'}; expected Embedding, LSTM"])
    emb, lstm = subject.keys(graph=sub)
    config = sub.nodes[emb]["config"]
    if (config.get("input_dim"), config.get("output_dim")) != (1000, 64):
        problems.append(
            f"{emb!r} is Embedding({config.get('input_dim')}, {config.get('output_dim')}), expected Embedding(1000, 64)"
        )
    config = sub.nodes[lstm]["config"]
    if config.get("units") != 64 or config.get("return_sequences"):
        problems.append(
            f"{lstm!r} is LSTM({config.get('units')}"
            f"{', return_sequences=True' if config.get('return_sequences') else ''}), expected LSTM(64) "
            "returning one vector per question"
        )
    return join(problems)


def _vqa_answer(subject):
    g = subject.graph
    key = probes.output_layer(subject, 0, "answer")
    problems = check_dense(subject, key, 100, "softmax", "the answer layer")
    before = reads(subject, key)
    if not before or g.nodes[before[0]]["class_name"] != "Concatenate":
        problems.append(f"the answer layer {key!r} reads {quoted(before)}, expected the concatenation")
    else:
        joined = sorted(subject.producers(before[0]))
        if joined != ["question_encoder", "vision_encoder"]:
            problems.append(f"{before[0]!r} joins {quoted(joined)}; expected the two encoders' outputs")
    return join(problems)


def _question_alone(subject):
    import keras
    import numpy as np

    try:
        encoder = subject.model.get_layer("question_encoder")
    except ValueError:
        return "there is no layer named 'question_encoder' to reuse (see above)."
    ids = np.random.default_rng(0).integers(1, 1000, size=(2, 20)).astype("int32")
    try:
        vectors = keras.ops.convert_to_numpy(encoder(ids))
    except Exception as error:  # the learner's encoder may fail in any way
        return f"calling 'question_encoder' alone on (2, 20) word ids raised {type(error).__name__}: {error}"
    if vectors.shape != (2, 64):
        return f"'question_encoder' alone gives {format_shape(vectors.shape)}, expected (2, 64)"
    return None


_VQA_VISION = conv_params(3, 3, 16) + conv_params(3, 16, 16) + conv_params(3, 16, 32) + conv_params(3, 32, 32)
_VQA_QUESTION = embedding_params(1000, 64) + lstm_params(64, 64)
_VQA_ANSWER = dense_params(_VISION_OUT + 64, 100)

VQA = Exercise(
    name="vqa",
    title="Visual question answering from a vision encoder and a question encoder",
    inputs=VQA_IN,
    outputs=VQA_OUT,
    requirements=(
        inputs(*VQA_IN),
        Requirement(
            "a nested 'vision_encoder': Conv2D 16, 16, pool, 32, 32, pool, Flatten → (None, 1152)",
            _vision_encoder,
            hints=(
                "The vision encoder is a model of its own, called on 'image'.",
                "keras.Sequential([keras.Input((32, 32, 3)), Conv2D(16, 3, relu, padding='same'), Conv2D(16, 3, relu), MaxPooling2D(2), Conv2D(32, 3, relu, padding='same'), Conv2D(32, 3, relu), MaxPooling2D(2), Flatten()], name='vision_encoder').",
            ),
        ),
        Requirement(
            "a nested 'question_encoder': Embedding(1000, 64) then LSTM(64)",
            _question_encoder,
            hints=(
                "The question encoder is a model of its own, built on its own int32 input and called on 'question'.",
                "question_encoder = keras.Model(ids, layers.LSTM(64)(layers.Embedding(1000, 64)(ids)), name='question_encoder'); then question_encoder(question).",
            ),
        ),
        Requirement(
            "both encodings are concatenated, then 'answer' Dense(100, softmax)",
            _vqa_answer,
            hints=(
                "Join the two encoders' outputs and pick one of 100 answers.",
                "layers.Dense(100, activation='softmax', name='answer')(layers.concatenate([...])).",
            ),
        ),
        outputs(*VQA_OUT),
        param_count(
            _VQA_VISION + _VQA_QUESTION + _VQA_ANSWER,
            f"{fmt_int(_VQA_VISION)} (vision_encoder) + {fmt_int(_VQA_QUESTION)} (question_encoder) "
            f"+ {fmt_int(_VQA_ANSWER)} (1,216→100)",
        ),
        forward(VQA_IN, VQA_OUT, ("softmax",)),
        Requirement(
            "'question_encoder' works on its own (ready for video QA)",
            _question_alone,
            hints=(
                "Build the question encoder on its own keras.Input, not on the VQA model's input.",
                "question_encoder = keras.Model(keras.Input((20,), dtype='int32'), ..., name='question_encoder').",
            ),
        ),
        all_trainable(),
    ),
    hints=(
        "Build three models: the vision encoder (image → vector), the question encoder "
        "(word ids → vector), and the VQA model that calls both.",
        "Word ids are integers: keras.Input(shape=(20,), dtype='int32', name='question'). "
        "The question encoder is keras.Model(that input, LSTM output, name='question_encoder').",
        "In the VQA model, call each encoder on a new input, concatenate the two vectors and "
        "finish with Dense(100, activation='softmax', name='answer').",
    ),
    build_advice=(
        (
            r"Concatenate.*matching shapes",
            "Both encodings must be single vectors before they are joined: the vision encoder ends "
            "with Flatten().",
        ),
    ),
)
