"""Exercises on sharing: one layer or one model used several times.

Notebooks ``exercises/03_siamese_lstm.ipynb``, ``04_node_indexing.ipynb``,
``07_shared_vision.ipynb`` and ``09_reusable_encoder.ipynb``. The checks tell one
object called twice from two copies through the layer graph's call counts.
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
    fmt_int,
    forward,
    inputs,
    lstm_params,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port

__all__ = [
    "AUTOENCODER_IN",
    "AUTOENCODER_OUT",
    "DIGITS_IN",
    "DIGITS_OUT",
    "ENCODER_IN",
    "ENCODER_OUT",
    "NODES_IN",
    "NODES_OUT",
    "NODE_INDEXING",
    "REUSABLE_ENCODER",
    "SHARED_VISION",
    "SIAMESE_LSTM",
    "TWEETS_IN",
    "TWEETS_OUT",
]

# --- helpers shared by the sharing exercises ----------------------------------


def _readers_of_calls(subject, key, graph=None):
    g = subject.graph if graph is None else graph
    return [(index, subject.producers(key, index, graph=g)) for index in sorted(g.nodes[key]["node_indices"])]


def _copies_message(subject, keys, kind, fix):
    g = subject.graph
    pairs = [f"{k!r} on {quoted(subject.producers(k))}" for k in keys]
    layer_class = g.nodes[keys[0]]["class_name"]
    count = "two" if len(keys) == 2 else str(len(keys))
    return f"the two {kind} use {count} different {layer_class} layers ({', '.join(pairs)}); {fix}"


def _merge_two_calls(subject, shared_class, width, what):
    g = subject.graph
    concats = subject.keys("Concatenate")
    if not concats:
        merges = list(subject.keys(*probes.MERGES))
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
    if any(
        g.nodes[src]["class_name"] != shared_class and g.nodes[src]["kind"] != shared_class
        for _, src, _ in edges
    ):
        problems.append(f"{concat!r} joins {quoted([s for _, s, _ in edges])}; expected the two {what}")
    if out_shape(g, concat) != (None, width):
        problems.append(f"{concat!r} gives {probes.shape_note(g, concat)}, expected (None, {width})")
    return join(problems)


def _one_call_message(subject, key):
    """Why the model holds one call of a layer meant to be called on both inputs."""
    g = subject.graph
    read = quoted(subject.producers(key))
    for merge in subject.keys(*probes.MERGES):
        joined = [(src, d["producer_node_index"]) for src, _, d in g.in_edges(merge, data=True)]
        if len(joined) == 2 and joined[0] == joined[1] and joined[0][0] == key:
            other = [p.name for p in subject.inputs() if p.name not in subject.producers(key)]
            return (
                f"{merge!r} joins the same tensor twice, the output of {key!r} on {read}, so the call on "
                f"{quoted(other)} never reaches the model: join the two encodings, one per input"
            )
    return f"{key!r} is called once (on {read}); call the same instance on the other input too"


def _binary_head(subject, reads_class):
    g = subject.graph
    key = probes.output_layer(subject)
    problems = check_dense(subject, key, 1, "sigmoid", "the output layer")
    before = reads(subject, key)
    if not before or g.nodes[before[0]]["class_name"] != reads_class:
        problems.append(f"the output layer {key!r} reads {quoted(before)}, expected the {reads_class} layer")
    return join(problems)


# --- 3. siamese_lstm -----------------------------------------------------------------

TWEETS_IN = (Port("tweet_a", (None, 280, 256)), Port("tweet_b", (None, 280, 256)))
TWEETS_OUT = (Port(None, (None, 1)),)


def _shared_lstm(subject):
    g = subject.graph
    lstms = subject.keys("LSTM")
    if not lstms:
        return "no LSTM layer: encode each tweet with one LSTM(64)."
    if len(lstms) >= 2 and all(g.nodes[k]["calls"] == 1 for k in lstms):
        return _copies_message(
            subject,
            lstms,
            "tweet branches",
            "call one LSTM instance on both inputs: shared_lstm = LSTM(64), then "
            "shared_lstm(tweet_a) and shared_lstm(tweet_b).",
        )
    lstm = max(lstms, key=lambda k: g.nodes[k]["calls"])
    problems = []
    if g.nodes[lstm]["config"].get("return_sequences"):
        problems.append(
            f"the LSTM {lstm!r} has return_sequences=True, so it gives one vector per time step "
            f"{probes.shape_note(g, lstm)} instead of one per tweet: remove return_sequences"
        )
    if g.nodes[lstm]["calls"] == 1:
        problems.append(_one_call_message(subject, lstm))
    units = g.nodes[lstm]["config"].get("units")
    if units != 64:
        problems.append(f"the shared LSTM {lstm!r} has {units} units, expected 64")
    read = sorted(k for _, keys in _readers_of_calls(subject, lstm) for k in keys)
    if g.nodes[lstm]["calls"] > 1 and read != ["tweet_a", "tweet_b"]:
        problems.append(f"the shared LSTM {lstm!r} reads {quoted(read)}; expected 'tweet_a' and 'tweet_b'")
    return join(problems)


SIAMESE_LSTM = Exercise(
    name="siamese_lstm",
    title="A siamese tweet model: one shared LSTM reads both tweets",
    inputs=TWEETS_IN,
    outputs=TWEETS_OUT,
    requirements=(
        inputs(*TWEETS_IN),
        Requirement(
            "one LSTM(64) object encodes both tweets (called twice, not copied)",
            _shared_lstm,
            hints=(
                "One layer object, two calls: create the LSTM once.",
                "shared_lstm = layers.LSTM(64); encoded_a = shared_lstm(tweet_a); encoded_b = shared_lstm(tweet_b).",
            ),
        ),
        Requirement(
            "the two encodings are concatenated into (None, 128)",
            lambda s: _merge_two_calls(s, "LSTM", 128, "tweet encodings"),
            hints=(
                "Join the two tweets' encodings, one from each call.",
                "merged = layers.concatenate([encoded_a, encoded_b], axis=-1).",
            ),
        ),
        Requirement(
            "the output is Dense(1, sigmoid) on the concatenation",
            lambda s: _binary_head(s, "Concatenate"),
            hints=(
                "One probability from the joined vectors.",
                "layers.Dense(1, activation='sigmoid')(merged).",
            ),
        ),
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
            subject,
            convs,
            "images",
            "node indices only exist for one layer called several times: create "
            "Conv2D(16, (3, 3), padding='same', name='shared_conv') once and call it on both inputs.",
        )
    conv = max(convs, key=lambda k: g.nodes[k]["calls"])
    problems = []
    if conv != "shared_conv":
        problems.append(f"the shared convolution is named {conv!r}; pass name='shared_conv'")
    problems += check_conv(subject, conv, 16, 3, padding="same", role="the convolution")
    if g.nodes[conv]["calls"] != 2:
        problems.append(_calls_message(subject, conv))
    return join(problems)


def _calls_message(subject, conv):
    from kit.graph import calls_of

    g = subject.graph
    used = g.nodes[conv]["calls"]
    made = len(calls_of(subject.layer(conv)))
    if used == 1 and made == 2 and g.nodes[conv]["node_indices"] == [0]:
        return (
            f"{conv!r} was called twice, but the model holds only its call on "
            f"{quoted(subject.producers(conv))} (node 0): in Keras 3, {conv}.output is the output of "
            f"the first call, node 0, not of the last. Fetch the call on 'large' with "
            f"kit.nodes.get_output_at({conv}, 1)"
        )
    return f"{conv!r} is called {plural(used, 'time')} in the model, expected 2"


def _fetched_by_node(subject):
    code = subject.code
    if code is None:
        return (
            "the checker cannot read how the outputs were made: pass the function that builds the "
            "model, kit.check('node_indexing', build_model), not the model."
        )
    fetched = code.first_arguments("get_output_at")
    conv_variables = {a.target for a in code.call_results() if a.callee.split(".")[-1] == "Conv2D"}
    kept = [a for a in code.call_results() if a.callee in conv_variables | fetched]
    if kept:
        lines = "; ".join(f"line {a.line}: `{a.text}`" for a in kept)
        return (
            f"your code kept the tensors the calls return ({lines}): call the layer without keeping "
            "the result, then fetch each output with kit.nodes.get_output_at(layer, node)."
        )
    if not fetched:
        return (
            "the outputs are not fetched from the layer: take them with "
            "kit.nodes.get_output_at(shared_conv, 1) and kit.nodes.get_output_at(shared_conv, 0)."
        )
    return None


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
            f"node 0 of {conv!r} is its call on {quoted(first)} {format_shape(shape)}: call the "
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
                f"output {position} is node {index} of {conv!r} {format_shape(shape_of(tensor))}; "
                f"expected node {node} ({what}): kit.nodes.get_output_at({conv}, {node})"
            )
    if len(subject.model.outputs) != 2:
        problems.append(f"the model has {plural(len(subject.model.outputs), 'output')}, expected 2")
    return join(problems)


NODE_INDEXING = Exercise(
    name="node_indexing",
    title="Node indexing: one Conv2D called on two image sizes, outputs picked by node",
    inputs=NODES_IN,
    outputs=NODES_OUT,
    requirements=(
        inputs(*NODES_IN),
        Requirement(
            "one Conv2D 'shared_conv' (16 filters, 3x3, same padding) called on both images",
            _shared_conv,
            hints=(
                "One layer object, two calls: both calls must be part of the model.",
                "shared_conv = layers.Conv2D(16, (3, 3), padding='same', name='shared_conv'); "
                "shared_conv(small); shared_conv(large).",
            ),
        ),
        Requirement(
            "node 0 of 'shared_conv' is the call on 'small', node 1 the call on 'large'",
            _node_order,
            hints=(
                "Nodes are numbered in call order.",
                "Call shared_conv(small) first, then shared_conv(large).",
            ),
        ),
        Requirement(
            "output 1 is node 1's output, output 2 is node 0's output",
            _outputs_by_node,
            hints=(
                "In Keras 3, shared_conv.output is node 0's output, whatever you called last.",
                "outputs = [kit.nodes.get_output_at(shared_conv, 1), kit.nodes.get_output_at(shared_conv, 0)].",
            ),
        ),
        Requirement(
            "the outputs are fetched with kit.nodes.get_output_at, not kept from the calls",
            _fetched_by_node,
            hints=(
                "Call the layer without assigning what it returns.",
                "Write shared_conv(small) on a line of its own, then fetch with kit.nodes.get_output_at(shared_conv, i).",
            ),
        ),
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
    key = _vision_key(subject)
    problems = []
    if key != "vision_model":
        problems.append(f"the nested model is named {key!r}; pass name='vision_model' to keras.Model")
    read = sorted(k for _, keys in _readers_of_calls(subject, key) for k in keys)
    if len(read) == 2 and read[0] == read[1]:
        unused = "digit_b" if read[0] == "digit_a" else "digit_a"
        problems.append(
            f"{key!r} reads {read[0]!r} twice and {unused!r} is never used: call it once on each digit"
        )
    elif read != ["digit_a", "digit_b"]:
        problems.append(f"{key!r} reads {quoted(read)}; expected 'digit_a' and 'digit_b'")
    return join(problems)


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
        problems += check_conv(subject, conv, 64, 3, "linear", role="vision layer", graph=sub)
    pool = sub.nodes[subject.keys("MaxPooling2D", graph=sub)[0]]["config"]
    if tuple(pool.get("pool_size", ())) != (2, 2):
        problems.append(f"the pooling uses pool_size {pool.get('pool_size')}, expected (2, 2)")
    shape = g.nodes[key]["output_shapes"][0][0]
    if shape != (None, _FEATURES):
        problems.append(f"{key!r} outputs {format_shape(shape)}, expected (None, {fmt_int(_FEATURES)})")
    return join(problems)


_VISION_PARAMS = conv_params(3, 1, 64) + conv_params(3, 64, 64)

SHARED_VISION = Exercise(
    name="shared_vision",
    title="Two digits, one shared vision model: are they the same digit?",
    inputs=DIGITS_IN,
    outputs=DIGITS_OUT,
    requirements=(
        inputs(*DIGITS_IN),
        Requirement(
            "one nested model 'vision_model' is called on both digits",
            _shared_vision_model,
            hints=(
                "Build the vision model once, as a model, then call it like a layer.",
                "encoded_a = vision_model(digit_a); encoded_b = vision_model(digit_b).",
            ),
        ),
        Requirement(
            "vision_model: Conv2D(64, 3x3) twice, no activation, MaxPooling2D(2x2), Flatten → (None, 7744)",
            _vision_layers,
            hints=(
                "The vision model is four layers on a (27, 27, 1) input.",
                "Conv2D(64, (3, 3)), Conv2D(64, (3, 3)), MaxPooling2D((2, 2)), Flatten(), with no activation argument.",
            ),
        ),
        Requirement(
            "the two feature vectors are concatenated into (None, 15488)",
            lambda s: _merge_two_calls(s, "model", 2 * _FEATURES, "feature vectors"),
            hints=(
                "Join the vision model's two outputs.",
                "layers.concatenate([vision_model(digit_a), vision_model(digit_b)]).",
            ),
        ),
        Requirement(
            "the output is Dense(1, sigmoid) on the concatenation",
            lambda s: _binary_head(s, "Concatenate"),
            hints=(
                "One probability from the joined vectors.",
                "layers.Dense(1, activation='sigmoid')(merged).",
            ),
        ),
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
        (
            r'The name "\w+" is used \d+ times',
            "Two layers or models in one model carry the same name: the vision model was built twice. "
            "Build it once and call that one model on both digits.",
        ),
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
        encoder_ids = {
            g.nodes[k]["layer_id"] for g, k in probes.flat_layers(subject.graph_of("encoder"), "Dense")
        }
        decoder = [(g, k) for g, k in found if g.nodes[k]["layer_id"] not in encoder_ids]
        # Copies of the encoder (reported by the sharing requirement) sit in front.
        found = decoder if len(decoder) < len(found) else found[-len(units) :]
    sizes = [g.nodes[k]["config"].get("units") for g, k in found]
    if sizes != list(units):
        return f"the {role} has Dense layers of {sizes or 'no'} units; expected {list(units)}, all with relu"
    problems = []
    for g, key in found:
        activation = subject.activation(key, graph=g)
        if activation != "relu":
            problems.append(f"the {role}'s layer {key!r} uses activation {activation!r}, expected 'relu'")
    return join(problems)


def _shares_encoder(subject):
    encoder, autoencoder = subject.parts["encoder"], subject.parts["autoencoder"]
    mine = {id(v) for v in encoder.weights}
    theirs = {id(v) for v in autoencoder.weights}
    if not mine:
        return "the encoder has no weights."
    if not mine & theirs:
        first = _decoder_start(subject)
        if first:
            return first
        return (
            "none of the encoder's weights are in the autoencoder: it has its own copies of "
            "the layers, so training the autoencoder would leave the encoder untrained. Build "
            "the autoencoder on the encoder's layers: from encoder_output, or by calling encoder(...)."
        )
    missing = [
        layer.name
        for layer in encoder.layers
        if layer.weights and not {id(v) for v in layer.weights} <= theirs
    ]
    if missing:
        return f"the encoder's layers {quoted(missing)} are not part of the autoencoder."
    return None


def _decoder_start(subject):
    """The message when the autoencoder's first layer reads its input and belongs to no encoder."""
    graph = subject.graph_of("autoencoder")
    source = subject.inputs("autoencoder")[0].name
    first = subject.consumers(source, graph=graph)
    units = [graph.nodes[k]["config"].get("units") for k in first]
    if len(first) == 1 and units[0] == 64:
        return (
            f"the decoder starts from the input: its first layer {first[0]!r} (Dense(64)) reads "
            f"{source!r} directly, so the encoder is not part of the autoencoder. Start the decoder "
            "from the encoder's output (encoder_output, or encoder(...))."
        )
    return None


def _pair_order(subject):
    encoder, autoencoder = subject.parts["encoder"], subject.parts["autoencoder"]
    widths = [tuple(t.shape)[-1] for t in (*encoder.outputs, *autoencoder.outputs)]
    if widths == [16, 128] or (len(encoder.layers) > len(autoencoder.layers) and widths[0] == 16):
        return (
            f"the pair is reversed: the first model, {encoder.name!r}, outputs {widths[0]} numbers like an "
            f"autoencoder and the second, {autoencoder.name!r}, {widths[1]} like the encoder. "
            "Return them in the order return encoder, autoencoder."
        )
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
        Requirement(
            "the function returns (encoder, autoencoder), in that order",
            _pair_order,
            hints=(
                "The first model returned is the encoder.",
                "End build_models with return encoder, autoencoder.",
            ),
        ),
        inputs(*ENCODER_IN, part="encoder", what="the encoder"),
        outputs(*ENCODER_OUT, part="encoder", what="the encoder"),
        Requirement(
            "the encoder: Dense 32, 64, 128, all relu",
            lambda s: _dense_sizes(s, "encoder", (32, 64, 128), "encoder"),
            hints=(
                "The encoder widens 16 numbers to 128.",
                "From encoder_input: Dense(32, relu), Dense(64, relu), Dense(128, relu).",
            ),
        ),
        inputs(*AUTOENCODER_IN, part="autoencoder", what="the autoencoder"),
        outputs(*AUTOENCODER_OUT, part="autoencoder", what="the autoencoder"),
        Requirement(
            "the decoder: Dense 64, 32, 16 after the encoder, all relu",
            lambda s: _dense_sizes(s, "autoencoder", (64, 32, 16), "decoder"),
            hints=(
                "The decoder mirrors the encoder back down to 16 numbers.",
                "From encoder_output: Dense(64, relu), Dense(32, relu), Dense(16, relu).",
            ),
        ),
        Requirement(
            "the autoencoder reuses the encoder's layers (same objects, same weights)",
            _shares_encoder,
            hints=(
                "Continue from the encoder's output tensor instead of creating new encoder layers.",
                "autoencoder = keras.Model(encoder_input, decoder_output), where the decoder starts from encoder_output.",
            ),
        ),
        param_count(
            _ENCODER_PARAMS,
            f"{fmt_int(dense_params(16, 32))} + {fmt_int(dense_params(32, 64))} "
            f"+ {fmt_int(dense_params(64, 128))}",
            part="encoder",
            what="the encoder",
        ),
        param_count(
            _ENCODER_PARAMS + _DECODER_PARAMS,
            f"{fmt_int(_ENCODER_PARAMS)} (encoder) + {fmt_int(_DECODER_PARAMS)} (decoder)",
            part="autoencoder",
            what="the autoencoder",
        ),
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
