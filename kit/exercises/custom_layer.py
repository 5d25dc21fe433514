"""Exercise 10: a custom Dense layer whose get_config round trip works.

Notebook ``exercises/10_custom_layer.ipynb``. The layer's arithmetic is checked with
non-zero random weights, and its config by rebuilding it with ``from_config``.
"""

from __future__ import annotations

from kit._text import format_shape, plural
from kit.exercises.engine import Exercise, Requirement, Unmet
from kit.exercises.rules import (
    dense_params,
    inputs,
    layer_phrase,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.subject import Port

__all__ = [
    "CUSTOM_IN",
    "CUSTOM_LAYER",
    "CUSTOM_OUT",
]

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
        shown = " and ".join(format_shape(s) for s in shapes) or "none"
        advice = ""
        if shapes == [(4, 10)]:
            advice = ": add the bias b of shape (units,) in build()"
        return f"{layer.name!r} has weights of shapes {shown}; expected (4, 10) and (10,){advice}."
    if len(layer.trainable_weights) != 2:
        return f"only {len(layer.trainable_weights)} of the weights of {layer.name!r} are trainable; expected both."
    try:
        fresh = type(layer)(10)
    except Exception:  # __init__ needing other arguments is reported by the round trip
        return None
    if fresh.weights:
        return (
            f"{type(layer).__name__}(10) has weights before it is called: they are made in __init__, "
            "where the input size is not known yet. Create them in build(input_shape), with the "
            "kernel's shape (input_shape[-1], self.units)."
        )
    return None


def _custom_math(subject):
    import keras
    import numpy as np

    layer = _custom_layer(subject)
    if {len(w.shape) for w in layer.weights} != {1, 2}:
        raise Unmet("needs a kernel and a bias to compare with (see the weights above).")
    rng = np.random.default_rng(0)
    saved = [w.numpy() for w in layer.weights]
    # Non-zero weights everywhere: a bias initialised to zeros and never added would go unseen.
    for w in layer.weights:
        w.assign(rng.normal(size=tuple(w.shape)).astype("float32"))
    x = rng.random((2, 4), dtype="float32")
    try:
        y = keras.ops.convert_to_numpy(layer(x))
        weights = {len(w.shape): keras.ops.convert_to_numpy(w) for w in layer.weights}
    except Exception as error:  # the learner's call() may fail in any way
        return f"calling {layer.name!r} on a (2, 4) batch raised {type(error).__name__}: {error}"
    finally:
        for w, value in zip(layer.weights, saved):
            w.assign(value)
    product = x @ weights[2]
    candidates = {
        None: product + weights[1],
        "the bias is never added: call() returns inputs @ w; return inputs @ w + b": product,
        "it applies relu on top: call() must return inputs @ w + b alone, with no activation": np.maximum(
            product + weights[1], 0
        ),
        "it subtracts the bias: call() must return inputs @ w + b": product - weights[1],
    }
    for meaning, expected in candidates.items():
        if y.shape == expected.shape and np.allclose(y, expected, atol=1e-4):
            return None if meaning is None else f"with non-zero weights, {layer.name!r} shows that {meaning}."
    return (
        f"{layer.name!r} returns values that differ from inputs @ w + b (shape {format_shape(y.shape)}), "
        "checked with non-zero weights."
    )


def _custom_config(subject):
    layer = _custom_layer(subject)
    cls = type(layer)
    if not any("get_config" in vars(klass) for klass in cls.__mro__[: cls.__mro__.index(_layer_base())]):
        return (
            f"{cls.__name__} does not define get_config(). Keras 3 records plain __init__ arguments "
            "by itself, but the exercise asks you to write it: return super().get_config() with "
            "'units': self.units added."
        )
    config = layer.get_config()
    if "units" not in config:
        return (
            f"{type(layer).__name__}.get_config() returns the keys {quoted(sorted(config))}, without "
            "'units': add 'units': self.units so that the layer can be rebuilt from its config."
        )
    if config["units"] != 10:
        return f"get_config() gives units={config['units']!r}, expected 10."
    return None


def _layer_base():
    import keras

    return keras.layers.Layer


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
    lost = [key for key in ("name", "trainable", "dtype") if key not in config]
    if lost:
        return (
            f"get_config() does not start from super().get_config(): the rebuilt layer loses its "
            f"{', '.join(lost[:-1]) + ' and ' if len(lost) > 1 else ''}{lost[-1]} ({layer.name!r} comes back as {rebuilt.name!r}). Start from "
            "config = super().get_config(), then add 'units'."
        )
    if rebuilt.name != layer.name:
        return (
            f"the rebuilt layer is named {rebuilt.name!r}, not {layer.name!r}: __init__ receives name, "
            "trainable and dtype in **kwargs but does not hand them on. Call super().__init__(**kwargs)."
        )
    before = sorted(tuple(int(d) for d in w.shape) for w in layer.weights)
    after = sorted(tuple(int(d) for d in w.shape) for w in rebuilt.weights)
    if before != after:
        return (
            f"rebuilt from its config, {cls.__name__} makes weights of shapes "
            f"{' and '.join(format_shape(s) for s in after)}, not {' and '.join(format_shape(s) for s in before)}: "
            f"get_config() does not record units=10 (it returns the keys {quoted(sorted(config))})."
        )
    return None


def _model_round_trip(subject):
    import keras
    import numpy as np

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
    same = np.allclose(
        keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(rebuilt(x)), atol=1e-5
    )
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
        Requirement(
            "the model's one layer is your own Layer subclass",
            _custom_is_own,
            hints=(
                "The model holds one layer, an instance of your class, not a built-in Dense.",
                "outputs = CustomDense(10)(features), with class CustomDense(keras.layers.Layer).",
            ),
        ),
        Requirement(
            "it creates a kernel (4, 10) and a bias (10,) in build()",
            _custom_weights,
            hints=(
                "Weights belong in build(input_shape), where the input size is known.",
                "self.w = self.add_weight(shape=(input_shape[-1], self.units)) and self.b = self.add_weight(shape=(self.units,)), both in build.",
            ),
        ),
        Requirement(
            "it computes inputs @ kernel + bias",
            _custom_math,
            hints=(
                "call() returns the product plus the bias, and nothing else.",
                "return keras.ops.matmul(inputs, self.w) + self.b.",
            ),
        ),
        Requirement(
            "get_config() records units=10",
            _custom_config,
            hints=(
                "Write get_config in your class: it returns what __init__ needs.",
                "config = super().get_config(); config['units'] = self.units; return config.",
            ),
        ),
        Requirement(
            "from_config(get_config()) rebuilds the same layer",
            _custom_round_trip,
            hints=(
                "The rebuilt layer must have the same units and the same name.",
                "__init__(self, units=32, **kwargs) calls super().__init__(**kwargs), and get_config starts from super().get_config().",
            ),
        ),
        Requirement(
            "the model survives keras.Model.from_config with custom_objects",
            _model_round_trip,
            hints=(
                "If the layer round-trips on its own, the model does too.",
                "Fix the lines above first: get_config and __init__ must agree on their arguments.",
            ),
        ),
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
