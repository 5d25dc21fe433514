"""Exercise 9: an autoencoder whose encoder is a model of its own, sharing its layers.

Notebook ``exercises/09_reusable_encoder.ipynb``. The learner returns the pair
``(encoder, autoencoder)``; the checks compare the two models' layer objects and weights.
"""

from __future__ import annotations

from kit.exercises import probes
from kit.exercises.engine import Exercise, Requirement
from kit.exercises.probes import join
from kit.exercises.rules import (
    dense_params,
    fmt_int,
    forward,
    inputs,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port

__all__ = [
    "AUTOENCODER_IN",
    "AUTOENCODER_OUT",
    "ENCODER_IN",
    "ENCODER_OUT",
    "REUSABLE_ENCODER",
]

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
