"""Requirements shared by many exercises, and the parameter arithmetic of the specs.

Each factory returns a :class:`~kit.exercises.engine.Requirement` whose failure
message names what the learner's model has (layer names, shapes found versus
expected). Used by ``kit/exercises/catalogue.py``.

Example
-------
>>> dense_params(784, 64)
50240
>>> format_shape((None, 784))
'(None, 784)'
"""

from __future__ import annotations

from kit._text import format_shape, plural
from kit.exercises.engine import Requirement, Unmet
from kit.exercises.subject import SAMPLE_BATCH, Port

__all__ = [
    "all_trainable",
    "conv_params",
    "dense_params",
    "embedding_params",
    "fmt_int",
    "fmt_port",
    "forward",
    "functional_api",
    "inputs",
    "layer_phrase",
    "lstm_params",
    "outputs",
    "param_count",
    "ports_requirement",
    "quoted",
]

# --- parameter arithmetic (computed from the spec, never copied from a model) --


def dense_params(n_in: int, units: int, bias: bool = True) -> int:
    """Weights of ``Dense(units)`` on ``n_in`` features."""
    return n_in * units + (units if bias else 0)


def conv_params(kernel: int, channels_in: int, filters: int) -> int:
    """Weights of ``Conv2D(filters, (kernel, kernel))`` on ``channels_in`` channels."""
    return kernel * kernel * channels_in * filters + filters


def lstm_params(n_in: int, units: int) -> int:
    """Weights of ``LSTM(units)`` on ``n_in`` features: four gates."""
    return 4 * (units * (n_in + units) + units)


def embedding_params(vocabulary: int, dim: int) -> int:
    """Weights of ``Embedding(vocabulary, dim)``."""
    return vocabulary * dim


# --- wording -----------------------------------------------------------------


def fmt_int(n: int) -> str:
    return f"{n:,}"


def quoted(names) -> str:
    names = [f"{n!r}" for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def fmt_port(port: Port, with_dtype: bool = False) -> str:
    text = f"{port.name!r} {format_shape(port.shape)}" if port.name else format_shape(port.shape)
    if with_dtype and "int" in port.dtype:
        text += f" {port.dtype}"
    return text


def layer_phrase(graph, key) -> str:
    """``"'dense_2' (Dense, 64 units, relu)"`` from a graph node."""
    data = graph.nodes[key]
    config = data["config"]
    bits = [data["class_name"]]
    if "units" in config:
        bits.append(f"{config['units']} units")
    if "filters" in config:
        bits.append(f"{config['filters']} filters")
    if "kernel_size" in config:
        bits.append("x".join(str(k) for k in config["kernel_size"]))
    if "pool_size" in config:
        bits.append("pool " + "x".join(str(k) for k in config["pool_size"]))
    if config.get("activation") not in (None, "linear"):
        bits.append(config["activation"])
    return f"{key!r} ({', '.join(bits)})"


# --- shared requirements -------------------------------------------------------


def functional_api() -> Requirement:
    """Built from ``keras.Input`` and ``keras.Model``, not ``keras.Sequential``."""

    def test(subject):
        import keras

        if isinstance(subject.model, keras.Sequential):
            calls = subject.code.lines_calling("Sequential") if subject.code else []
            where = f" (line {calls[0][0]}: `{calls[0][1]}`)" if calls else ""
            return (
                f"{subject.model.name!r} is a Sequential model{where}; this exercise practises "
                "the functional API: create keras.Input(shape=...), call each layer on "
                "the previous tensor, then keras.Model(inputs, outputs)."
            )
        return None

    return Requirement(
        "built with the functional API (keras.Input, then keras.Model)",
        test,
        hints=(
            "A functional model is not a list of layers: it starts from a tensor.",
            "Write x = keras.Input(shape=...), then y = SomeLayer(...)(x) for each layer, and "
            "return keras.Model(inputs=x, outputs=y) instead of keras.Sequential([...]).",
        ),
    )


def ports_requirement(kind: str, ports, part: str | None = None, what: str = "the model") -> Requirement:
    """``kind`` is "input" or "output": count, names, shapes (and integer dtypes)."""
    listed = ", ".join(fmt_port(p, with_dtype=True) for p in ports)
    prefix = f"{what}: " if part else ""
    text = f"{prefix}{plural(len(ports), kind)}: {listed}"

    def test(subject):
        found = subject.inputs(part) if kind == "input" else subject.outputs(part)
        return _compare_ports(kind, found, list(ports), what)

    names = ", ".join(repr(p.name) for p in ports)
    return Requirement(
        text,
        test,
        hints=(
            f"Compare the model's {kind}s, one by one and in order, with the spec's list above.",
            f"keras.Model(inputs=..., outputs=...) must list the {kind} tensors {names} in this order, "
            f"each made by a layer created with that name= (for an input: keras.Input(shape=..., name=...)).",
        ),
    )


def inputs(*ports, part=None, what="the model") -> Requirement:
    return ports_requirement("input", ports, part, what)


def outputs(*ports, part=None, what="the model") -> Requirement:
    return ports_requirement("output", ports, part, what)


def _compare_ports(kind, found, wanted, what):
    found_text = ", ".join(fmt_port(p) for p in found) or "none"
    if len(found) != len(wanted):
        advice = (
            f"list every one in keras.Model({kind}s=[...])"
            if len(found) < len(wanted)
            else f"keep only the {kind}s of the spec"
        )
        return (
            f"{what} has {plural(len(found), kind)} ({found_text}); expected "
            f"{len(wanted)}: {', '.join(fmt_port(p) for p in wanted)}. {advice[0].upper()}{advice[1:]}."
        )
    problems = []
    found_names = [p.name for p in found]
    wanted_names = [p.name for p in wanted if p.name]
    if wanted_names and sorted(found_names) == sorted(wanted_names) and found_names != wanted_names:
        return (
            f"the {kind}s are in the order {quoted(found_names)}; expected "
            f"{quoted(wanted_names)}: give them in that order to keras.Model"
        )
    for position, (have, want) in enumerate(zip(found, wanted), 1):
        if want.name and have.name != want.name:
            if kind == "input":
                fix = f"keras.Input(shape={format_shape(want.shape[1:])}, name={want.name!r})"
            else:
                fix = f"pass name={want.name!r} to the layer that produces it"
            problems.append(f"{kind} {position} is named {have.name!r}, expected {want.name!r}: {fix}")
        if have.shape != want.shape:
            problems.append(
                f"{kind} {have.name!r} has shape {format_shape(have.shape)}, expected {format_shape(want.shape)}"
            )
        if "int" in want.dtype and "int" not in have.dtype:
            problems.append(
                f"{kind} {have.name!r} has dtype {have.dtype}, expected {want.dtype}: token ids "
                f"are integers, so use keras.Input(..., dtype={want.dtype!r})"
            )
    return "; ".join(problems) + "." if problems else None


def param_count(total: int, breakdown: str, part: str | None = None, what="the model") -> Requirement:
    """The total parameter count the spec implies; ``breakdown`` explains the sum."""
    prefix = f"{what}: " if part else ""

    def test(subject):
        model = subject.model if part is None else subject.parts[part]
        found = int(model.count_params())
        if found == total:
            return None
        graph = subject.graph if part is None else subject.graph_of(part)
        rows = [
            f"{key!r} {fmt_int(data['params'])}"
            for key, data in sorted(graph.nodes(data=True), key=lambda kv: kv[1]["order"])
            if data["params"]
        ]
        return (
            f"{what} has {fmt_int(found)} parameters ({', '.join(rows) or 'none'}); the spec "
            f"gives {fmt_int(total)} = {breakdown}. Compare each layer's size with the spec."
        )

    return Requirement(
        f"{prefix}{fmt_int(total)} parameters",
        test,
        hints=(
            "A wrong total means a layer of the wrong size, one too many, or a layer created twice "
            "where it should be shared: the ✗ line lists each layer's count.",
            f"The spec's total is {breakdown}: find the layer whose count differs and fix its units, "
            "filters or kernel size (or call one layer object twice instead of creating two).",
        ),
    )


#: Output checks by activation: (phrase for the text, test on a numpy array).
_KINDS = {
    "softmax": "rows summing to 1",
    "sigmoid": "values between 0 and 1",
    "relu": "no negative values",
    None: "finite values",
}


def forward(spec_inputs, spec_outputs, kinds, part: str | None = None, what="the model") -> Requirement:
    """A seeded sample batch runs through the model and the outputs look right."""
    outs = "; ".join(
        f"{(repr(p.name) + ' ') if p.name else ''}{format_shape((SAMPLE_BATCH,) + tuple(p.shape[1:]))} "
        f"with {_KINDS[k]}"
        for p, k in zip(spec_outputs, kinds)
    )
    text = f"a sample batch of {SAMPLE_BATCH} runs through {what}, giving {outs}"

    def test(subject):
        import numpy as np

        try:
            ys = subject.forward(list(spec_inputs), part)
        except RuntimeError as error:
            raise Unmet(str(error)) from None
        if len(ys) != len(spec_outputs):
            return (
                f"{what} returned {plural(len(ys), 'output')} on sample data, expected {len(spec_outputs)}."
            )
        problems = []
        for y, port, kind in zip(ys, spec_outputs, kinds):
            name = f"output {port.name!r}" if port.name else "the output"
            want = (SAMPLE_BATCH,) + tuple(port.shape[1:])
            if tuple(y.shape) != want:
                problems.append(f"{name} has shape {format_shape(y.shape)}, expected {format_shape(want)}")
                continue
            if not np.all(np.isfinite(y)):
                problems.append(f"{name} contains NaN or infinite values")
            elif kind == "softmax":
                sums = y.reshape(len(y), -1).sum(axis=-1)
                if y.min() < 0 or not np.allclose(sums, 1.0, atol=1e-3):
                    problems.append(
                        f"the rows of {name} sum to {sums[0]:.3g}, not 1: the output layer "
                        "needs activation='softmax' to give probabilities"
                    )
            elif kind == "sigmoid" and (y.min() < 0 or y.max() > 1):
                problems.append(
                    f"{name} ranges from {y.min():.3g} to {y.max():.3g}, outside [0, 1]: "
                    "a probability needs activation='sigmoid'"
                )
            elif kind == "relu" and y.min() < 0:
                problems.append(f"{name} has negative values (min {y.min():.3g}); it should end with relu")
        return "; ".join(problems) + "." if problems else None

    return Requirement(
        text,
        test,
        hints=(
            "The ✗ line says which output is off: its shape, or values its activation cannot give.",
            "Run your model on a batch yourself, e.g. model(np.zeros((2, ...))), and compare each "
            "output's shape and range with the line above; the output layer's activation sets the range.",
        ),
    )


def all_trainable(part: str | None = None, what="the model") -> Requirement:
    """Every parameter is trainable: nothing was frozen by mistake."""

    def test(subject):
        model = subject.model if part is None else subject.parts[part]
        total = int(model.count_params())
        trainable = sum(int(_size(w)) for w in model.trainable_weights)
        if trainable == total:
            return None
        if not model.trainable:
            return (
                f"{model.name!r} has trainable=False, so none of its {fmt_int(total)} "
                "parameters would learn: remove the line that freezes it."
            )
        frozen = [
            f"{layer.name!r} ({fmt_int(layer.count_params())} parameters)"
            for layer in model.layers
            if not layer.trainable and layer.count_params()
        ]
        return (
            f"only {fmt_int(trainable)} of {fmt_int(total)} parameters are trainable; frozen: "
            f"{', '.join(frozen) or 'some weights'}. Remove trainable=False."
        )

    prefix = f"{what}: " if part else ""
    return Requirement(
        f"{prefix}every parameter is trainable",
        test,
        hints=("Look for trainable=False in your code: nothing in this exercise is frozen.",),
    )


def _size(variable) -> int:
    n = 1
    for d in variable.shape:
        n *= int(d)
    return n
