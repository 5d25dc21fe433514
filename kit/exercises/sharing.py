"""Exercises on sharing: one layer or one model called on two inputs.

Notebooks ``exercises/03_siamese_lstm.ipynb`` and ``07_shared_vision.ipynb``. The checks
tell one object called twice from two copies through the layer graph's call counts; the
helpers at the top serve :mod:`kit.exercises.node_indexing` too.
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
    "copies_message",
    "readers_of_calls",
    "DIGITS_IN",
    "DIGITS_OUT",
    "SHARED_VISION",
    "SIAMESE_LSTM",
    "TWEETS_IN",
    "TWEETS_OUT",
]

# --- helpers shared by the sharing exercises ----------------------------------


def readers_of_calls(subject, key, graph=None):
    """``(node index, producer keys)`` for every call of ``key`` in the model."""
    g = subject.graph if graph is None else graph
    return [(index, subject.producers(key, index, graph=g)) for index in sorted(g.nodes[key]["node_indices"])]


def copies_message(subject, keys, kind, fix):
    """The message for inputs that go through copies of a layer instead of one shared object."""
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
        return copies_message(
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
    read = sorted(k for _, keys in readers_of_calls(subject, lstm) for k in keys)
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
    read = sorted(k for _, keys in readers_of_calls(subject, key) for k in keys)
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
