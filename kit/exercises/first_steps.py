"""Exercises on the first steps: a functional MLP, named inputs and outputs.

Notebooks ``exercises/01_functional_mlp.ipynb`` and ``02_multi_io.ipynb``. Parameter counts are computed from the spec with
:mod:`kit.exercises.rules`, never copied from a model.
"""

from __future__ import annotations

from kit._text import plural
from kit.exercises import probes
from kit.exercises.engine import Exercise, Requirement
from kit.exercises.probes import check_dense, join, reads
from kit.exercises.rules import (
    all_trainable,
    dense_params,
    embedding_params,
    fmt_int,
    forward,
    functional_api,
    inputs,
    layer_phrase,
    lstm_params,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port

__all__ = [
    "FUNCTIONAL_MLP",
    "HEADLINE_IN",
    "HEADLINE_OUT",
    "LOSS_WEIGHTS",
    "MLP_IN",
    "MLP_OUT",
    "MULTI_IO",
]

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
    return join(problems)


def _mlp_output(subject):
    return join(check_dense(subject, probes.output_layer(subject), 10, "softmax", "the output layer"))


FUNCTIONAL_MLP = Exercise(
    name="functional_mlp",
    title="A functional MLP: 784 pixels, two hidden layers of 64, ten digit classes",
    inputs=MLP_IN,
    outputs=MLP_OUT,
    requirements=(
        functional_api(),
        inputs(*MLP_IN),
        Requirement(
            "two hidden Dense(64) layers with relu",
            _mlp_hidden,
            hints=(
                "Count the Dense layers between 'pixels' and 'digits': two, each with 64 units.",
                "Each hidden layer is layers.Dense(64, activation='relu'), called on the tensor before it.",
            ),
        ),
        Requirement(
            "an output Dense(10) with softmax",
            _mlp_output,
            hints=(
                "Ten classes need ten outputs that read as probabilities.",
                "End with layers.Dense(10, activation='softmax', name='digits').",
            ),
        ),
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
    embedding = probes.one_of(
        subject,
        "Embedding",
        "no Embedding layer: the headline's word ids go through Embedding(input_dim=10000, output_dim=512)",
    )
    config = g.nodes[embedding]["config"]
    if config.get("input_dim") != 10000 or config.get("output_dim") != 512:
        problems.append(
            f"{embedding!r} maps {config.get('input_dim')} words to {config.get('output_dim')} "
            "numbers; expected Embedding(input_dim=10000, output_dim=512)"
        )
    first_input = subject.inputs()[0].name
    if subject.producers(embedding) != [first_input]:
        problems.append(
            f"{embedding!r} reads {quoted(subject.producers(embedding))}, expected {first_input!r}"
        )
    lstm = probes.one_of(subject, "LSTM", "no LSTM layer: encode the embedded headline with LSTM(32)")
    units = g.nodes[lstm]["config"].get("units")
    if units != 32:
        problems.append(f"the LSTM {lstm!r} has {units} units, expected 32")
    if subject.producers(lstm) != [embedding]:
        problems.append(f"the LSTM {lstm!r} reads {quoted(subject.producers(lstm))}, expected {embedding!r}")
    return join(problems)


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
    return join(problems)


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
            problems.append(
                f"the first Dense of the head, {chain[-1]!r}, reads {start!r}, not the concatenation"
            )
    return join(problems)


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
    return dict.fromkeys(names, default if value is None else value)


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
            '("`loss_weights` must match the number of losses, got 1 losses and 2 weights"). '
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
    return join(problems)


MULTI_IO = Exercise(
    name="multi_io",
    title="A two-input two-output headline model with named outputs and loss weights",
    inputs=HEADLINE_IN,
    outputs=HEADLINE_OUT,
    requirements=(
        inputs(*HEADLINE_IN),
        outputs(*HEADLINE_OUT),
        Requirement(
            "the headline goes through Embedding(10000, 512) then LSTM(32)",
            _headline_encoder,
            hints=(
                "Word ids become vectors in an Embedding, and the LSTM reads those vectors.",
                "layers.LSTM(32)(layers.Embedding(input_dim=10000, output_dim=512)(main_input)), with no return_sequences.",
            ),
        ),
        Requirement(
            "'aux_output' is Dense(1, sigmoid) right on the LSTM output",
            _aux_output,
            hints=(
                "The auxiliary output branches off before the concatenation.",
                "aux_output = layers.Dense(1, activation='sigmoid', name='aux_output')(lstm_out).",
            ),
        ),
        Requirement(
            "the LSTM output and 'aux_input' are concatenated",
            _headline_merge,
            hints=(
                "The main path joins the headline's encoding with the extra numbers.",
                "x = layers.concatenate([lstm_out, aux_input]).",
            ),
        ),
        Requirement(
            "three Dense(64, relu) then 'main_output' Dense(1, sigmoid)",
            _headline_head,
            hints=(
                "Count the Dense layers after the concatenation: three hidden ones, then the output.",
                "Three times x = layers.Dense(64, activation='relu')(x), then layers.Dense(1, activation='sigmoid', name='main_output')(x).",
            ),
        ),
        Requirement(
            "compiled with a binary cross-entropy per output, weighted main_output 1, aux_output 0.2",
            _headline_compiled,
            hints=(
                "Compile inside build_model, before returning the model, with one loss per output.",
                "model.compile(optimizer='rmsprop', loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'}, loss_weights={'main_output': 1.0, 'aux_output': 0.2}).",
            ),
        ),
        param_count(
            embedding_params(10000, 512)
            + lstm_params(512, 32)
            + dense_params(32, 1)
            + dense_params(37, 64)
            + 2 * dense_params(64, 64)
            + dense_params(64, 1),
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
