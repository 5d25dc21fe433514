"""The ten self-study exercises: specs, requirements and hints.

Each exercise matches one notebook in ``exercises/`` (``01_functional_mlp.ipynb``
... ``10_custom_layer.ipynb``). Shapes and parameter counts below are computed
from the spec with :mod:`kit.exercises.rules`, never copied from a model.

Example
-------
>>> [exercise.name for exercise in EXERCISES][:3]
['functional_mlp', 'multi_io', 'siamese_lstm']
"""

from __future__ import annotations

from kit.exercises import probes
from kit.exercises.engine import Exercise, Requirement, Unmet
from kit.exercises.probes import check_conv, check_dense, out_shape, reads
from kit.exercises.rules import (
    all_trainable, conv_params, dense_params, embedding_params, fmt_int, fmt_shape,
    forward, functional_api, inputs, layer_phrase, lstm_params, outputs, param_count,
    plural, quoted,
)
from kit.exercises.subject import Port


def _join(problems) -> str | None:
    return "; ".join(problems) + "." if problems else None


# --- 1. functional_mlp ----------------------------------------------------------

MLP_IN = (Port("pixels", (None, 784)),)
MLP_OUT = (Port("digits", (None, 10)),)


def _mlp_hidden(subject):
    g = subject.graph
    last = probes.output_layer(subject)
    hidden = [k for k in subject.keys("Dense") if k != last]
    if len(hidden) != 2:
        found = ", ".join(layer_phrase(g, k) for k in hidden) or "none"
        return (
            f"found {plural(len(hidden), 'hidden Dense layer')} ({found}); expected 2, "
            "each Dense(64, activation='relu'), between 'pixels' and the output"
        )
    problems = []
    for key in hidden:
        problems += check_dense(subject, key, 64, "relu", "hidden layer")
    return _join(problems)


def _mlp_output(subject):
    return _join(check_dense(subject, probes.output_layer(subject), 10, "softmax", "the output layer"))


FUNCTIONAL_MLP = Exercise(
    name="functional_mlp",
    title="A functional MLP: 784 pixels, two hidden layers of 64, ten digit classes",
    inputs=MLP_IN,
    outputs=MLP_OUT,
    requirements=(
        functional_api(),
        inputs(*MLP_IN),
        Requirement("two hidden Dense(64) layers with relu", _mlp_hidden),
        Requirement("an output Dense(10) with softmax", _mlp_output),
        outputs(*MLP_OUT),
        param_count(
            dense_params(784, 64) + dense_params(64, 64) + dense_params(64, 10),
            f"{fmt_int(dense_params(784, 64))} (784→64) + {fmt_int(dense_params(64, 64))} "
            f"(64→64) + {fmt_int(dense_params(64, 10))} (64→10)",
        ),
        forward(MLP_IN, MLP_OUT, ("softmax",)),
        all_trainable(),
    ),
    hints=(
        "Start from the input tensor: pixels = keras.Input(shape=(784,), name='pixels'). "
        "Every layer is created, then called on the tensor before it.",
        "The 10 outputs are class probabilities, so the last layer needs the softmax "
        "activation; the hidden layers use relu.",
        "The model is keras.Model(inputs=pixels, outputs=digits), where digits is the "
        "tensor returned by a Dense layer created with name='digits'.",
    ),
)

# --- 2. multi_io -------------------------------------------------------------------

HEADLINE_IN = (
    Port("main_input", (None, 100), "int32", low=1, high=10000),
    Port("aux_input", (None, 5)),
)
HEADLINE_OUT = (Port("main_output", (None, 1)), Port("aux_output", (None, 1)))
LOSS_WEIGHTS = {"main_output": 1.0, "aux_output": 0.2}


def _headline_encoder(subject):
    g = subject.graph
    problems = []
    embedding = probes.one_of(subject, "Embedding", "no Embedding layer: the headline's word ids "
                              "go through Embedding(input_dim=10000, output_dim=512)")
    config = g.nodes[embedding]["config"]
    if config.get("input_dim") != 10000 or config.get("output_dim") != 512:
        problems.append(
            f"{embedding!r} maps {config.get('input_dim')} words to {config.get('output_dim')} "
            "numbers; expected Embedding(input_dim=10000, output_dim=512)"
        )
    first_input = subject.inputs()[0].name
    if subject.producers(embedding) != [first_input]:
        problems.append(f"{embedding!r} reads {quoted(subject.producers(embedding))}, expected {first_input!r}")
    lstm = probes.one_of(subject, "LSTM", "no LSTM layer: encode the embedded headline with LSTM(32)")
    units = g.nodes[lstm]["config"].get("units")
    if units != 32:
        problems.append(f"the LSTM {lstm!r} has {units} units, expected 32")
    if subject.producers(lstm) != [embedding]:
        problems.append(f"the LSTM {lstm!r} reads {quoted(subject.producers(lstm))}, expected {embedding!r}")
    return _join(problems)


def _aux_output(subject):
    g = subject.graph
    key = probes.output_layer(subject, 1, "aux_output")
    problems = check_dense(subject, key, 1, "sigmoid", "the auxiliary output")
    before = reads(subject, key)
    if not before or g.nodes[before[0]]["class_name"] != "LSTM":
        found = ", ".join(layer_phrase(g, k) for k in before) or "nothing"
        problems.append(
            f"the auxiliary output {key!r} reads {found}; it must read the LSTM output "
            "directly, so that its loss trains the LSTM and the Embedding early"
        )
    return _join(problems)


def _headline_merge(subject):
    g = subject.graph
    concats = subject.keys("Concatenate")
    if not concats:
        return (
            "no Concatenate layer: join the LSTM output and 'aux_input' with "
            "keras.layers.concatenate([lstm_out, aux_input])."
        )
    joined = subject.producers(concats[0])
    classes = sorted(g.nodes[k]["class_name"] for k in joined)
    if classes != ["InputLayer", "LSTM"]:
        return (
            f"{concats[0]!r} joins {quoted(joined)}; expected the LSTM output and the "
            "auxiliary input 'aux_input'."
        )
    return None


def _headline_head(subject):
    key = probes.output_layer(subject, 0, "main_output")
    problems = check_dense(subject, key, 1, "sigmoid", "the main output")
    g = subject.graph
    before = subject.producers(key)
    chain = probes.dense_chain(subject, before[0]) if before else []
    if len(chain) != 3:
        found = ", ".join(layer_phrase(g, k) for k in reversed(chain)) or "none"
        problems.append(
            f"between the concatenation and the main output there {'is' if len(chain) == 1 else 'are'} "
            f"{plural(len(chain), 'Dense layer')} ({found}); expected 3, each Dense(64, activation='relu')"
        )
    for hidden in reversed(chain):
        problems += check_dense(subject, hidden, 64, "relu", "hidden layer")
    if chain:
        start = probes.through_activation(subject, subject.producers(chain[-1])[0])
        if g.nodes[start]["class_name"] != "Concatenate":
            problems.append(f"the first Dense of the head, {chain[-1]!r}, reads {start!r}, not the concatenation")
    return _join(problems)


def _loss_name(loss) -> str:
    if isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        config = loss.get("config")
        if isinstance(config, str):
            return config
        if isinstance(config, dict) and config.get("name"):
            return config["name"]
        return str(loss.get("class_name"))
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def _per_output(value, names, default):
    if isinstance(value, dict) and "class_name" not in value:
        return {name: value.get(name, default) for name in names}
    if isinstance(value, (list, tuple)):
        return {name: (value[i] if i < len(value) else default) for i, name in enumerate(names)}
    return {name: (default if value is None else value) for name in names}


def _headline_compiled(subject):
    model = subject.model
    config = model.get_compile_config() or {}
    if not config:
        return (
            "the model is not compiled: before returning it, call model.compile(optimizer="
            "'rmsprop', loss=..., loss_weights=...) with one loss and one weight per output."
        )
    names = list(model.output_names)
    loss, weights_given = config.get("loss"), config.get("loss_weights")
    single = isinstance(loss, str) or (isinstance(loss, dict) and "class_name" in loss)
    if single and isinstance(weights_given, (list, tuple, dict)) and len(weights_given) > 1:
        return (
            f"compile got one loss ({_loss_name(loss)!r}) for both outputs together with "
            f"{len(weights_given)} loss weights; Keras 3 refuses that as soon as training starts "
            "(\"`loss_weights` must match the number of losses, got 1 losses and 2 weights\"). "
            "Give one loss per output: loss={'main_output': 'binary_crossentropy', "
            "'aux_output': 'binary_crossentropy'}, or a list of two."
        )
    losses = {k: _loss_name(v) for k, v in _per_output(loss, names, None).items()}
    weights = _per_output(config.get("loss_weights"), names, 1.0)
    problems = []
    for name, loss in losses.items():
        if loss not in ("binary_crossentropy", "BinaryCrossentropy"):
            problems.append(f"the loss of {name!r} is {loss!r}, expected 'binary_crossentropy'")
    found = {name: float(weights.get(name, 1.0)) for name in names}
    wanted = {name: LOSS_WEIGHTS[name] for name in names if name in LOSS_WEIGHTS}
    if wanted and any(abs(found[n] - w) > 1e-6 for n, w in wanted.items()):
        shown = " and ".join(f"{n!r} {found[n]:g}" for n in names)
        problems.append(
            f"the loss weights give {shown}; expected 'main_output' 1 and 'aux_output' 0.2 "
            "(the auxiliary loss counts less). A list of weights follows the order of the "
            "outputs; a dict names them"
        )
    if not wanted:
        problems.append(
            f"the outputs are named {quoted(names)}, so the loss weights cannot be matched to "
            "'main_output' and 'aux_output'"
        )
    return _join(problems)


MULTI_IO = Exercise(
    name="multi_io",
    title="A two-input two-output headline model with named outputs and loss weights",
    inputs=HEADLINE_IN,
    outputs=HEADLINE_OUT,
    requirements=(
        inputs(*HEADLINE_IN),
        outputs(*HEADLINE_OUT),
        Requirement("the headline goes through Embedding(10000, 512) then LSTM(32)", _headline_encoder),
        Requirement("'aux_output' is Dense(1, sigmoid) right on the LSTM output", _aux_output),
        Requirement("the LSTM output and 'aux_input' are concatenated", _headline_merge),
        Requirement("three Dense(64, relu) then 'main_output' Dense(1, sigmoid)", _headline_head),
        Requirement(
            "compiled with a binary cross-entropy per output, weighted main_output 1, aux_output 0.2",
            _headline_compiled,
        ),
        param_count(
            embedding_params(10000, 512) + lstm_params(512, 32) + dense_params(32, 1)
            + dense_params(37, 64) + 2 * dense_params(64, 64) + dense_params(64, 1),
            f"{fmt_int(embedding_params(10000, 512))} (Embedding) + {fmt_int(lstm_params(512, 32))} "
            f"(LSTM) + {dense_params(32, 1)} (aux_output) + {fmt_int(dense_params(37, 64))} (37→64) "
            f"+ 2 × {fmt_int(dense_params(64, 64))} (64→64) + {dense_params(64, 1)} (main_output)",
        ),
        forward(HEADLINE_IN, HEADLINE_OUT, ("sigmoid", "sigmoid")),
        all_trainable(),
    ),
    hints=(
        "Name things: keras.Input(..., name='main_input') and Dense(1, activation='sigmoid', "
        "name='aux_output'). Keras uses these names to match dict losses, weights and data.",
        "The auxiliary output branches off right after the LSTM; the main path goes on "
        "with concatenate([lstm_out, aux_input]) and three Dense(64, relu) layers.",
        "keras.Model(inputs=[main_input, aux_input], outputs=[main_output, aux_output]); "
        "then compile with loss_weights=[1.0, 0.2] (same order as the outputs) or "
        "{'main_output': 1.0, 'aux_output': 0.2}. Keras 3 also wants one loss per output.",
    ),
)

# --- 3. siamese_lstm -----------------------------------------------------------------

TWEETS_IN = (Port("tweet_a", (None, 280, 256)), Port("tweet_b", (None, 280, 256)))
TWEETS_OUT = (Port(None, (None, 1)),)


def _readers_of_calls(subject, key, graph=None):
    g = subject.graph if graph is None else graph
    return [
        (index, subject.producers(key, index, graph=g)) for index in sorted(g.nodes[key]["node_indices"])
    ]


def _copies_message(subject, keys, kind, fix):
    g = subject.graph
    pairs = [f"{k!r} on {quoted(subject.producers(k))}" for k in keys]
    layer_class = g.nodes[keys[0]]["class_name"]
    count = "two" if len(keys) == 2 else str(len(keys))
    return f"the two {kind} use {count} different {layer_class} layers ({', '.join(pairs)}); {fix}"


def _shared_lstm(subject):
    g = subject.graph
    lstms = subject.keys("LSTM")
    if not lstms:
        return "no LSTM layer: encode each tweet with one LSTM(64)."
    if len(lstms) >= 2 and all(g.nodes[k]["calls"] == 1 for k in lstms):
        return _copies_message(
            subject, lstms, "tweet branches",
            "call one LSTM instance on both inputs: shared_lstm = LSTM(64), then "
            "shared_lstm(tweet_a) and shared_lstm(tweet_b).",
        )
    lstm = max(lstms, key=lambda k: g.nodes[k]["calls"])
    problems = []
    if g.nodes[lstm]["calls"] == 1:
        problems.append(
            f"the LSTM {lstm!r} is called once (on {quoted(subject.producers(lstm))}); "
            "call the same instance on the other tweet too"
        )
    units = g.nodes[lstm]["config"].get("units")
    if units != 64:
        problems.append(f"the shared LSTM {lstm!r} has {units} units, expected 64")
    read = sorted(k for _, keys in _readers_of_calls(subject, lstm) for k in keys)
    if g.nodes[lstm]["calls"] > 1 and read != ["tweet_a", "tweet_b"]:
        problems.append(f"the shared LSTM {lstm!r} reads {quoted(read)}; expected 'tweet_a' and 'tweet_b'")
    return _join(problems)


def _merge_two_calls(subject, shared_class, width, what):
    g = subject.graph
    concats = subject.keys("Concatenate")
    if not concats:
        merges = [k for k in subject.keys(*probes.MERGES)]
        found = ", ".join(f"{k!r} ({g.nodes[k]['class_name']}, {probes.shape_note(g, k)})" for k in merges)
        return (
            f"the {what} are not concatenated{' but merged by ' + found if found else ''}: "
            f"join them with keras.layers.concatenate([...]) into (None, {width})."
        )
    concat = concats[0]
    edges = sorted(
        (d["position"], src, d["producer_node_index"]) for src, _, d in g.in_edges(concat, data=True)
    )
    sources = {(src, node) for _, src, node in edges}
    problems = []
    if len(edges) != 2:
        problems.append(f"{concat!r} joins {plural(len(edges), 'tensor')}, expected 2")
    elif len(sources) == 1:
        src, node = edges[0][1], edges[0][2]
        problems.append(
            f"{concat!r} joins the same tensor twice (call {node} of {src!r}); join the "
            f"two {what}, one per input"
        )
    if any(g.nodes[src]["class_name"] != shared_class and g.nodes[src]["kind"] != shared_class
           for _, src, _ in edges):
        problems.append(f"{concat!r} joins {quoted([s for _, s, _ in edges])}; expected the two {what}")
    if out_shape(g, concat) != (None, width):
        problems.append(f"{concat!r} gives {probes.shape_note(g, concat)}, expected (None, {width})")
    return _join(problems)


def _binary_head(subject, reads_class):
    g = subject.graph
    key = probes.output_layer(subject)
    problems = check_dense(subject, key, 1, "sigmoid", "the output layer")
    before = reads(subject, key)
    if not before or g.nodes[before[0]]["class_name"] != reads_class:
        problems.append(
            f"the output layer {key!r} reads {quoted(before)}, expected the {reads_class} layer"
        )
    return _join(problems)


SIAMESE_LSTM = Exercise(
    name="siamese_lstm",
    title="A siamese tweet model: one shared LSTM reads both tweets",
    inputs=TWEETS_IN,
    outputs=TWEETS_OUT,
    requirements=(
        inputs(*TWEETS_IN),
        Requirement("one LSTM(64) object encodes both tweets (called twice, not copied)", _shared_lstm),
        Requirement(
            "the two encodings are concatenated into (None, 128)",
            lambda s: _merge_two_calls(s, "LSTM", 128, "tweet encodings"),
        ),
        Requirement("the output is Dense(1, sigmoid) on the concatenation",
                    lambda s: _binary_head(s, "Concatenate")),
        outputs(*TWEETS_OUT),
        param_count(
            lstm_params(256, 64) + dense_params(128, 1),
            f"{fmt_int(lstm_params(256, 64))} (one LSTM, counted once) + {dense_params(128, 1)} (128→1)",
        ),
        forward(TWEETS_IN, TWEETS_OUT, ("sigmoid",)),
        all_trainable(),
    ),
    hints=(
        "Sharing means one layer object: create the LSTM once, store it in a variable, "
        "and call that variable on each tweet.",
        "Calling LSTM(64) twice creates two layers with separate weights; the model would "
        "then have about twice the parameters of the spec.",
        "shared_lstm(tweet_a) and shared_lstm(tweet_b) give two (None, 64) tensors: "
        "concatenate them (axis=-1), then Dense(1, activation='sigmoid').",
    ),
)

# --- 4. node_indexing ----------------------------------------------------------------

NODES_IN = (Port("small", (None, 32, 32, 3)), Port("large", (None, 64, 64, 3)))
NODES_OUT = (Port(None, (None, 64, 64, 16)), Port(None, (None, 32, 32, 16)))


def _shared_conv(subject):
    g = subject.graph
    convs = subject.keys("Conv2D")
    if not convs:
        return "no Conv2D layer: create Conv2D(16, (3, 3), padding='same', name='shared_conv')."
    if len(convs) >= 2 and all(g.nodes[k]["calls"] == 1 for k in convs):
        return _copies_message(
            subject, convs, "images",
            "node indices only exist for one layer called several times: create "
            "Conv2D(16, (3, 3), padding='same', name='shared_conv') once and call it on both inputs.",
        )
    conv = max(convs, key=lambda k: g.nodes[k]["calls"])
    problems = []
    if conv != "shared_conv":
        problems.append(f"the shared convolution is named {conv!r}; pass name='shared_conv'")
    problems += check_conv(subject, conv, 16, 3, padding="same", role="the convolution")
    if g.nodes[conv]["calls"] != 2:
        problems.append(f"{conv!r} is called {plural(g.nodes[conv]['calls'], 'time')} in the model, expected 2")
    return _join(problems)


def _shared_conv_key(subject):
    g = subject.graph
    convs = [k for k in subject.keys("Conv2D") if g.nodes[k]["calls"] > 1]
    if not convs:
        raise Unmet("no Conv2D is called twice, so there is no node 1 to look at (see above).")
    return convs[0]


def _node_order(subject):
    g = subject.graph
    conv = _shared_conv_key(subject)
    calls = _readers_of_calls(subject, conv)
    indices = [index for index, _ in calls]
    if indices != [0, 1]:
        return (
            f"the calls of {conv!r} in this model are nodes {quoted(indices)}, not 0 and 1: the "
            "layer was called before, elsewhere (perhaps by an earlier run of a cell). "
            "Create the layer inside build_model so that its nodes start at 0."
        )
    first = calls[0][1]
    if first != ["small"]:
        data = g.nodes[conv]
        shape = data["input_shapes"][data["node_indices"].index(0)][0]
        return (
            f"node 0 of {conv!r} is its call on {quoted(first)} {fmt_shape(shape)}: call the "
            "layer on 'small' first, so that node 0 is the small image and node 1 the large one."
        )
    return None


def _outputs_by_node(subject):
    from kit.graph import history, shape_of

    conv = _shared_conv_key(subject)
    wanted = [(1, "the call on 'large'"), (0, "the call on 'small'")]
    problems = []
    for position, (tensor, (node, what)) in enumerate(zip(subject.model.outputs, wanted), 1):
        op, index, _ = history(tensor)
        if op.name != conv:
            problems.append(f"output {position} comes from {op.name!r}, not from {conv!r}")
        elif index != node:
            problems.append(
                f"output {position} is node {index} of {conv!r} {fmt_shape(shape_of(tensor))}; "
                f"expected node {node} ({what}): kit.nodes.get_output_at({conv}, {node})"
            )
    if len(subject.model.outputs) != 2:
        problems.append(f"the model has {plural(len(subject.model.outputs), 'output')}, expected 2")
    return _join(problems)


NODE_INDEXING = Exercise(
    name="node_indexing",
    title="Node indexing: one Conv2D called on two image sizes, outputs picked by node",
    inputs=NODES_IN,
    outputs=NODES_OUT,
    requirements=(
        inputs(*NODES_IN),
        Requirement("one Conv2D 'shared_conv' (16 filters, 3x3, same padding) called on both images",
                    _shared_conv),
        Requirement("node 0 of 'shared_conv' is the call on 'small', node 1 the call on 'large'", _node_order),
        Requirement("output 1 is node 1's output, output 2 is node 0's output", _outputs_by_node),
        outputs(*NODES_OUT),
        param_count(conv_params(3, 3, 16), f"{conv_params(3, 3, 16)} (3·3·3·16 + 16, counted once)"),
        forward(NODES_IN, NODES_OUT, (None, None)),
    ),
    hints=(
        "A node is one call of a layer. The first call of shared_conv is node 0, the "
        "second node 1, whatever the models built around them.",
        "Call the layer on 'small' first, then on 'large'. Do not keep the two result "
        "tensors: ask the layer for them with kit.nodes.get_output_at(layer, i).",
        "kit.nodes.get_input_shape_at(shared_conv, 1) should be (None, 64, 64, 3). The "
        "model's outputs are [node 1's output, node 0's output].",
    ),
)

# --- 5. inception_module ----------------------------------------------------------------

INCEPTION_IN = (Port("image", (None, 32, 32, 3)),)
INCEPTION_OUT = (Port(None, (None, 32, 32, 192)),)


def _towers(subject):
    g = subject.graph
    image = subject.inputs()[0].name
    starts = subject.consumers(image)
    convs = [k for k in starts if g.nodes[k]["class_name"] == "Conv2D"]
    pools = [k for k in starts if g.nodes[k]["class_name"] == "MaxPooling2D"]
    if len(convs) != 2 or len(pools) != 1 or len(starts) != 3:
        found = ", ".join(layer_phrase(g, k) for k in starts) or "nothing"
        return (
            f"{image!r} feeds {found}; expected three towers starting with two Conv2D(64, (1, 1)) "
            "and one MaxPooling2D((3, 3), strides=(1, 1), padding='same')."
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
    return _join(problems)


def _inception_convs(subject):
    problems = []
    for key in subject.keys("Conv2D"):
        problems += check_conv(subject, key, 64, None, "relu", "same", role="")
    return _join(problems)


def _channel_concat(subject):
    g = subject.graph
    concats = subject.keys("Concatenate")
    if not concats:
        return "no Concatenate layer: join the three towers with keras.layers.concatenate([...], axis=-1)."
    concat = concats[0]
    problems = []
    joined = subject.producers(concat)
    if len(joined) != 3:
        problems.append(f"{concat!r} joins {plural(len(joined), 'tensor')} ({quoted(joined)}), expected the 3 towers")
    axis = g.nodes[concat]["config"].get("axis", -1)
    rank = len(out_shape(g, concat))
    if axis % rank != rank - 1:
        problems.append(
            f"{concat!r} joins the towers along axis {axis} ({probes.IMAGE_AXES.get(axis % rank, 'an axis')}), "
            f"giving {probes.shape_note(g, concat)}; in channels_last images the channels are "
            "the last axis: use concatenate([...], axis=-1) to get (None, 32, 32, 192)"
        )
    return _join(problems)


_INCEPTION_PARAMS = 3 * conv_params(1, 3, 64) + conv_params(3, 64, 64) + conv_params(5, 64, 64)

INCEPTION_MODULE = Exercise(
    name="inception_module",
    title="An Inception module whose three towers are concatenated along the channels",
    inputs=INCEPTION_IN,
    outputs=INCEPTION_OUT,
    requirements=(
        inputs(*INCEPTION_IN),
        Requirement("three towers: 1x1 then 3x3, 1x1 then 5x5, 3x3 max-pool (stride 1) then 1x1",
                    _towers),
        Requirement("every Conv2D has 64 filters, padding 'same' and relu", _inception_convs),
        Requirement("the towers are concatenated along the channel axis (axis=-1)", _channel_concat),
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
    build_advice=(
        (r"Concatenate.*matching shapes",
         "The towers have different heights or widths: give every Conv2D padding='same' and the "
         "pooling strides=(1, 1) with padding='same', so that all three towers stay 32x32."),
    ),
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
        (k for k in readers if k != shortcut
         and any(g.nodes[c]["class_name"] == "Conv2D" for c in subject.consumers(k))),
        None,
    )
    return merge, main_first, shortcut


def _main_path(subject):
    g = subject.graph
    merge, first, shortcut = _block(subject)
    if first is None:
        return "no 3x3 Conv2D reads 'features': the main path starts with Conv2D(32, 3, padding='same', activation='relu')."
    problems = check_conv(subject, first, 32, 3, "relu", "same", role="the first convolution")
    second = [k for k in subject.consumers(first)
              if g.nodes[k]["class_name"] == "Conv2D" and k != shortcut]
    if len(second) != 1:
        return _join(problems + [f"{first!r} is followed by {quoted(second) or 'no Conv2D'}; expected one Conv2D(32, 3)"])
    problems += check_conv(subject, second[0], 32, 3, None, "same", role="the second convolution")
    if g.nodes[second[0]]["config"].get("activation", "linear") != "linear":
        problems.append(
            f"the second convolution {second[0]!r} applies {g.nodes[second[0]]['config']['activation']} "
            "before the sum; in a residual block it stays linear and relu comes after the Add"
        )
    if second[0] not in reads(subject, merge):
        problems.append(f"{second[0]!r} does not feed {merge!r}: the main path ends in the sum")
    return _join(problems)


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
    return _join(problems)


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
        Requirement("main path: Conv2D(32, 3x3, same, relu) then Conv2D(32, 3x3, same), linear",
                    _main_path),
        Requirement("shortcut: a 1x1 Conv2D(32) projection of 'features'", _projection),
        Requirement("an Add sums the main path and the shortcut", _residual_add),
        Requirement("relu after the sum", _relu_after_sum),
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
        (r"incompatible shapes|Cannot broadcast",
         "The main path and the shortcut have different shapes: 'features' has 16 channels, the "
         "main path 32. Project the shortcut with a 1x1 Conv2D(32) before adding."),
    ),
)

# --- 7. shared_vision ------------------------------------------------------------------------

DIGITS_IN = (Port("digit_a", (None, 27, 27, 1)), Port("digit_b", (None, 27, 27, 1)))
DIGITS_OUT = (Port(None, (None, 1)),)
_FEATURES = 11 * 11 * 64


def _vision_key(subject, strict=True):
    g = subject.graph
    models = [k for k in subject.keys() if g.nodes[k]["kind"] == "model"]
    if models and not strict:
        return max(models, key=lambda k: g.nodes[k]["calls"])
    if not models and not strict:
        raise Unmet("there is no nested vision model to inspect (see above).")
    if not models:
        shared = [k for k in subject.keys("Conv2D") if g.nodes[k]["shared"]]
        if shared:
            raise Unmet(
                f"the Conv2D layers ({quoted(shared)}) are shared, but there is no vision model: "
                "wrap them in keras.Model(digit_input, features, name='vision_model') and call "
                "that model on both digits."
            )
        raise Unmet(
            "no nested vision model: each digit goes through its own layers. Build "
            "vision_model = keras.Model(digit_input, features, name='vision_model') once and "
            "call it on 'digit_a' and on 'digit_b'."
        )
    if len(models) >= 2 and all(g.nodes[k]["calls"] == 1 for k in models):
        raise Unmet(
            f"'digit_a' and 'digit_b' go through two different vision models ({quoted(models)}): "
            "two copies with separate weights. Build the vision model once and call that one "
            "model on both inputs."
        )
    return max(models, key=lambda k: g.nodes[k]["calls"])


def _shared_vision_model(subject):
    g = subject.graph
    key = _vision_key(subject)
    problems = []
    if key != "vision_model":
        problems.append(f"the nested model is named {key!r}; pass name='vision_model' to keras.Model")
    read = sorted(k for _, keys in _readers_of_calls(subject, key) for k in keys)
    if read != ["digit_a", "digit_b"]:
        problems.append(f"{key!r} reads {quoted(read)}; expected 'digit_a' and 'digit_b'")
    return _join(problems)


def _vision_layers(subject):
    g = subject.graph
    key = _vision_key(subject, strict=False)
    sub = g.nodes[key]["subgraph"]
    if sub is None:
        return f"the vision model {key!r} has no layer graph: build it on keras.Input(shape=(27, 27, 1))."
    classes = [sub.nodes[k]["class_name"] for k in subject.keys(graph=sub)]
    wanted = ["Conv2D", "Conv2D", "MaxPooling2D", "Flatten"]
    if classes != wanted:
        return f"the layers of {key!r} are {', '.join(classes) or 'none'}; expected {', '.join(wanted)}."
    convs = subject.keys("Conv2D", graph=sub)
    problems = []
    for conv in convs:
        problems += check_conv(subject, conv, 64, 3, role="vision layer", graph=sub)
    pool = sub.nodes[subject.keys("MaxPooling2D", graph=sub)[0]]["config"]
    if tuple(pool.get("pool_size", ())) != (2, 2):
        problems.append(f"the pooling uses pool_size {pool.get('pool_size')}, expected (2, 2)")
    shape = g.nodes[key]["output_shapes"][0][0]
    if shape != (None, _FEATURES):
        problems.append(f"{key!r} outputs {fmt_shape(shape)}, expected (None, {fmt_int(_FEATURES)})")
    return _join(problems)


_VISION_PARAMS = conv_params(3, 1, 64) + conv_params(3, 64, 64)

SHARED_VISION = Exercise(
    name="shared_vision",
    title="Two digits, one shared vision model: are they the same digit?",
    inputs=DIGITS_IN,
    outputs=DIGITS_OUT,
    requirements=(
        inputs(*DIGITS_IN),
        Requirement("one nested model 'vision_model' is called on both digits", _shared_vision_model),
        Requirement("vision_model: Conv2D(64, 3x3) twice, MaxPooling2D(2x2), Flatten → (None, 7744)",
                    _vision_layers),
        Requirement(
            "the two feature vectors are concatenated into (None, 15488)",
            lambda s: _merge_two_calls(s, "model", 2 * _FEATURES, "feature vectors"),
        ),
        Requirement("the output is Dense(1, sigmoid) on the concatenation",
                    lambda s: _binary_head(s, "Concatenate")),
        outputs(*DIGITS_OUT),
        param_count(
            _VISION_PARAMS + dense_params(2 * _FEATURES, 1),
            f"{fmt_int(_VISION_PARAMS)} (vision_model, counted once) + "
            f"{fmt_int(dense_params(2 * _FEATURES, 1))} (15,488→1)",
        ),
        forward(DIGITS_IN, DIGITS_OUT, ("sigmoid",)),
        all_trainable(),
    ),
    hints=(
        "A model is callable like a layer: vision_model(digit_a) reuses its layers and weights.",
        "Build the vision model first, on its own keras.Input(shape=(27, 27, 1)), as "
        "keras.Model(..., name='vision_model'). Then create two new inputs for the classifier.",
        "Calling a function that builds the vision model twice makes two models: build it once, "
        "keep it in a variable, call that variable twice.",
    ),
    build_advice=(
        (r'The name "\w+" is used \d+ times',
         "Two layers or models in one model carry the same name: the vision model was built twice. "
         "Build it once and call that one model on both digits."),
    ),
)

# --- 8. vqa ----------------------------------------------------------------------------------

VQA_IN = (
    Port("image", (None, 32, 32, 3)),
    Port("question", (None, 20), "int32", low=1, high=1000),
)
VQA_OUT = (Port("answer", (None, 100)),)
_VQA_CONVS = (16, 16, 32, 32)
_VISION_OUT = 6 * 6 * 32


def _vision_encoder(subject):
    g = subject.graph
    key = probes.nested_model(subject, "vision_encoder", "vision encoder", "image")
    problems = []
    if subject.producers(key) != ["image"]:
        problems.append(f"{key!r} reads {quoted(subject.producers(key))}, expected 'image'")
    sub = g.nodes[key]["subgraph"]
    if sub is None:
        return _join(problems + [f"{key!r} has no layer graph: start it with keras.Input(shape=(32, 32, 3))"])
    convs = subject.keys("Conv2D", graph=sub)
    filters = [sub.nodes[k]["config"].get("filters") for k in convs]
    if tuple(filters) != _VQA_CONVS:
        problems.append(f"its Conv2D layers have {filters or 'no'} filters; expected {list(_VQA_CONVS)}")
    for conv in convs:
        problems += check_conv(subject, conv, None, 3, "relu", role="vision layer", graph=sub)
    pools = subject.keys("MaxPooling2D", graph=sub)
    if len(pools) != 2:
        problems.append(f"it has {plural(len(pools), 'MaxPooling2D')}, expected 2")
    shape = g.nodes[key]["output_shapes"][0][0]
    if shape != (None, _VISION_OUT):
        problems.append(f"it outputs {fmt_shape(shape)}, expected (None, {fmt_int(_VISION_OUT)}) after Flatten")
    return _join(problems)


def _question_encoder(subject):
    g = subject.graph
    key = probes.nested_model(subject, "question_encoder", "question encoder", "question")
    problems = []
    if subject.producers(key) != ["question"]:
        problems.append(f"{key!r} reads {quoted(subject.producers(key))}, expected 'question'")
    sub = g.nodes[key]["subgraph"]
    classes = [sub.nodes[k]["class_name"] for k in subject.keys(graph=sub)]
    if classes != ["Embedding", "LSTM"]:
        return _join(problems + [f"its layers are {', '.join(classes) or 'none'}; expected Embedding, LSTM"])
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
    return _join(problems)


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
    return _join(problems)


def _question_alone(subject):
    import numpy as np
    import keras

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
        return f"'question_encoder' alone gives {fmt_shape(vectors.shape)}, expected (2, 64)"
    return None


_VQA_VISION = (conv_params(3, 3, 16) + conv_params(3, 16, 16) + conv_params(3, 16, 32)
               + conv_params(3, 32, 32))
_VQA_QUESTION = embedding_params(1000, 64) + lstm_params(64, 64)
_VQA_ANSWER = dense_params(_VISION_OUT + 64, 100)

VQA = Exercise(
    name="vqa",
    title="Visual question answering from a vision encoder and a question encoder",
    inputs=VQA_IN,
    outputs=VQA_OUT,
    requirements=(
        inputs(*VQA_IN),
        Requirement("a nested 'vision_encoder': Conv2D 16, 16, pool, 32, 32, pool, Flatten → (None, 1152)",
                    _vision_encoder),
        Requirement("a nested 'question_encoder': Embedding(1000, 64) then LSTM(64)", _question_encoder),
        Requirement("both encodings are concatenated, then 'answer' Dense(100, softmax)", _vqa_answer),
        outputs(*VQA_OUT),
        param_count(
            _VQA_VISION + _VQA_QUESTION + _VQA_ANSWER,
            f"{fmt_int(_VQA_VISION)} (vision_encoder) + {fmt_int(_VQA_QUESTION)} (question_encoder) "
            f"+ {fmt_int(_VQA_ANSWER)} (1,216→100)",
        ),
        forward(VQA_IN, VQA_OUT, ("softmax",)),
        Requirement("'question_encoder' works on its own (ready for video QA)", _question_alone),
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
)

# --- 9. reusable_encoder ----------------------------------------------------------------------

ENCODER_IN = (Port("encoder_input", (None, 16)),)
ENCODER_OUT = (Port(None, (None, 128)),)
AUTOENCODER_IN = (Port(None, (None, 16)),)
AUTOENCODER_OUT = (Port(None, (None, 16)),)


def _dense_sizes(subject, part, units, role):
    graph = subject.graph_of(part)
    found = probes.flat_layers(graph, "Dense")
    if part == "autoencoder":
        encoder_ids = {g.nodes[k]["layer_id"] for g, k in probes.flat_layers(subject.graph_of("encoder"), "Dense")}
        decoder = [(g, k) for g, k in found if g.nodes[k]["layer_id"] not in encoder_ids]
        # Copies of the encoder (reported by the sharing requirement) sit in front.
        found = decoder if len(decoder) < len(found) else found[-len(units):]
    sizes = [g.nodes[k]["config"].get("units") for g, k in found]
    if sizes != list(units):
        return (
            f"the {role} has Dense layers of {sizes or 'no'} units; expected "
            f"{list(units)}, all with relu"
        )
    problems = []
    for g, key in found:
        activation = subject.activation(key, graph=g)
        if activation != "relu":
            problems.append(f"the {role}'s layer {key!r} uses activation {activation!r}, expected 'relu'")
    return _join(problems)


def _shares_encoder(subject):
    encoder, autoencoder = subject.parts["encoder"], subject.parts["autoencoder"]
    mine = {id(v) for v in encoder.weights}
    theirs = {id(v) for v in autoencoder.weights}
    if not mine:
        return "the encoder has no weights."
    if not mine & theirs:
        return (
            "none of the encoder's weights are in the autoencoder: it has its own copies of "
            "the layers, so training the autoencoder would leave the encoder untrained. Build "
            "the autoencoder on the encoder's layers: from encoder_output, or by calling encoder(...)."
        )
    missing = [layer.name for layer in encoder.layers
               if layer.weights and not {id(v) for v in layer.weights} <= theirs]
    if missing:
        return f"the encoder's layers {quoted(missing)} are not part of the autoencoder."
    return None


_ENCODER_PARAMS = dense_params(16, 32) + dense_params(32, 64) + dense_params(64, 128)
_DECODER_PARAMS = dense_params(128, 64) + dense_params(64, 32) + dense_params(32, 16)

REUSABLE_ENCODER = Exercise(
    name="reusable_encoder",
    title="An autoencoder whose encoder is a model of its own, sharing its layers",
    inputs=AUTOENCODER_IN,
    outputs=AUTOENCODER_OUT,
    expects="pair",
    requirements=(
        inputs(*ENCODER_IN, part="encoder", what="the encoder"),
        outputs(*ENCODER_OUT, part="encoder", what="the encoder"),
        Requirement("the encoder: Dense 32, 64, 128, all relu",
                    lambda s: _dense_sizes(s, "encoder", (32, 64, 128), "encoder")),
        inputs(*AUTOENCODER_IN, part="autoencoder", what="the autoencoder"),
        outputs(*AUTOENCODER_OUT, part="autoencoder", what="the autoencoder"),
        Requirement("the decoder: Dense 64, 32, 16 after the encoder, all relu",
                    lambda s: _dense_sizes(s, "autoencoder", (64, 32, 16), "decoder")),
        Requirement("the autoencoder reuses the encoder's layers (same objects, same weights)",
                    _shares_encoder),
        param_count(_ENCODER_PARAMS, f"{fmt_int(dense_params(16, 32))} + {fmt_int(dense_params(32, 64))} "
                    f"+ {fmt_int(dense_params(64, 128))}", part="encoder", what="the encoder"),
        param_count(_ENCODER_PARAMS + _DECODER_PARAMS,
                    f"{fmt_int(_ENCODER_PARAMS)} (encoder) + {fmt_int(_DECODER_PARAMS)} (decoder)",
                    part="autoencoder", what="the autoencoder"),
        forward(ENCODER_IN, ENCODER_OUT, ("relu",), part="encoder", what="the encoder on its own"),
        forward(AUTOENCODER_IN, AUTOENCODER_OUT, ("relu",), part="autoencoder", what="the autoencoder"),
    ),
    hints=(
        "One layer graph can make several models: keras.Model(encoder_input, encoder_output) "
        "and keras.Model(encoder_input, decoder_output) share every layer they have in common.",
        "Return both models: `return encoder, autoencoder`. The encoder ends at the 128-unit layer.",
        "Creating new Dense layers for the autoencoder's first half copies the encoder instead of "
        "reusing it: continue from encoder_output, or call encoder(...) on a new input.",
    ),
)

# --- 10. custom_layer --------------------------------------------------------------------------

CUSTOM_IN = (Port("features", (None, 4)),)
CUSTOM_OUT = (Port(None, (None, 10)),)


def _custom_layer(subject):
    g = subject.graph
    keys = subject.keys()
    custom = [k for k in keys if not type(subject.layer(k)).__module__.startswith("keras")]
    if not custom:
        found = ", ".join(layer_phrase(g, k) for k in keys) or "no layer"
        raise Unmet(
            f"the model only uses built-in layers ({found}); write your own class "
            "CustomDense(keras.layers.Layer) with build() and call(), and use it."
        )
    return subject.layer(custom[0])


def _custom_is_own(subject):
    layer = _custom_layer(subject)
    if len(subject.keys()) != 1:
        return f"the model has {plural(len(subject.keys()), 'layer')}; expected only {layer.name!r}."
    return None


def _custom_weights(subject):
    layer = _custom_layer(subject)
    shapes = sorted((tuple(int(d) for d in w.shape) for w in layer.weights), key=len, reverse=True)
    if shapes != [(4, 10), (10,)]:
        shown = " and ".join(fmt_shape(s) for s in shapes) or "none"
        advice = ""
        if shapes == [(4, 10)]:
            advice = ": add the bias b of shape (units,) in build()"
        return f"{layer.name!r} has weights of shapes {shown}; expected (4, 10) and (10,){advice}."
    if len(layer.trainable_weights) != 2:
        return f"only {len(layer.trainable_weights)} of the weights of {layer.name!r} are trainable; expected both."
    return None


def _custom_math(subject):
    import numpy as np
    import keras

    layer = _custom_layer(subject)
    weights = {len(w.shape): keras.ops.convert_to_numpy(w) for w in layer.weights}
    if set(weights) != {1, 2}:
        raise Unmet("needs a kernel and a bias to compare with (see the weights above).")
    x = np.random.default_rng(0).random((2, 4), dtype="float32")
    try:
        y = keras.ops.convert_to_numpy(layer(x))
    except Exception as error:  # the learner's call() may fail in any way
        return f"calling {layer.name!r} on a (2, 4) batch raised {type(error).__name__}: {error}"
    expected = x @ weights[2] + weights[1]
    if y.shape != expected.shape or not np.allclose(y, expected, atol=1e-5):
        return f"{layer.name!r} returns values that differ from inputs @ w + b (shape {fmt_shape(y.shape)})."
    return None


def _custom_config(subject):
    layer = _custom_layer(subject)
    config = layer.get_config()
    if "units" not in config:
        return (
            f"{type(layer).__name__}.get_config() returns the keys {quoted(sorted(config))}, without "
            "'units': add 'units': self.units so that the layer can be rebuilt from its config."
        )
    if config["units"] != 10:
        return f"get_config() gives units={config['units']!r}, expected 10."
    return None


def _rebuild_advice(error) -> str:
    text = str(error)
    if "unexpected keyword argument" in text or "Unrecognized keyword" in text:
        return (
            " Accept **kwargs in __init__ and pass them on with super().__init__(**kwargs), "
            "and let get_config() return only what __init__ accepts."
        )
    return ""


def _custom_round_trip(subject):
    layer = _custom_layer(subject)
    cls = type(layer)
    config = layer.get_config()
    try:
        rebuilt = cls.from_config(config)
        rebuilt.build((None, 4))
    except Exception as error:  # the learner's from_config/__init__ may fail in any way
        line = str(error).strip().splitlines()[-1].rstrip(".")
        return (
            f"{cls.__name__}.from_config(layer.get_config()) raised {type(error).__name__}: "
            f"{line}.{_rebuild_advice(error)}"
        )
    before = sorted(tuple(int(d) for d in w.shape) for w in layer.weights)
    after = sorted(tuple(int(d) for d in w.shape) for w in rebuilt.weights)
    if before != after:
        return (
            f"rebuilt from its config, {cls.__name__} makes weights of shapes "
            f"{' and '.join(fmt_shape(s) for s in after)}, not {' and '.join(fmt_shape(s) for s in before)}: "
            f"get_config() does not record units=10 (it returns the keys {quoted(sorted(config))})."
        )
    return None


def _model_round_trip(subject):
    import numpy as np
    import keras

    layer = _custom_layer(subject)
    cls = type(layer)
    model = subject.model
    try:
        rebuilt = keras.Model.from_config(model.get_config(), custom_objects={cls.__name__: cls})
        rebuilt.set_weights(model.get_weights())
    except Exception as error:  # the learner's config may fail in any way
        line = str(error).strip().splitlines()[-1].rstrip(".")
        return (
            f"keras.Model.from_config(model.get_config(), custom_objects={{{cls.__name__!r}: "
            f"{cls.__name__}}}) raised {type(error).__name__}: {line}.{_rebuild_advice(error)}"
        )
    x = np.random.default_rng(1).random((2, 4), dtype="float32")
    same = np.allclose(keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(rebuilt(x)), atol=1e-5)
    if not same:
        return "the rebuilt model computes different values from the original with the same weights."
    return None


CUSTOM_LAYER = Exercise(
    name="custom_layer",
    title="A custom Dense layer whose get_config round trip works",
    inputs=CUSTOM_IN,
    outputs=CUSTOM_OUT,
    requirements=(
        inputs(*CUSTOM_IN),
        Requirement("the model's one layer is your own Layer subclass", _custom_is_own),
        Requirement("it creates a kernel (4, 10) and a bias (10,) in build()", _custom_weights),
        Requirement("it computes inputs @ kernel + bias", _custom_math),
        Requirement("get_config() records units=10", _custom_config),
        Requirement("from_config(get_config()) rebuilds the same layer", _custom_round_trip),
        Requirement("the model survives keras.Model.from_config with custom_objects", _model_round_trip),
        outputs(*CUSTOM_OUT),
        param_count(dense_params(4, 10), f"{dense_params(4, 10)} (4·10 + 10)"),
    ),
    hints=(
        "Subclass keras.layers.Layer: __init__ stores units, build(input_shape) creates the "
        "weights with self.add_weight, call(inputs) does the arithmetic.",
        "keras.ops.matmul(inputs, self.w) + self.b works on every backend.",
        "get_config() must return what __init__ needs to make the same layer again: start from "
        "super().get_config() and add 'units'; then __init__ must accept **kwargs.",
    ),
)

EXERCISES = (
    FUNCTIONAL_MLP, MULTI_IO, SIAMESE_LSTM, NODE_INDEXING, INCEPTION_MODULE,
    RESIDUAL_PROJECTION, SHARED_VISION, VQA, REUSABLE_ENCODER, CUSTOM_LAYER,
)
BY_NAME = {exercise.name: exercise for exercise in EXERCISES}
