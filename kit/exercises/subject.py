"""What the learner hands to ``kit.check``, turned into something to check.

``kit.check(name, obj)`` accepts the model itself or, as in every exercise
notebook (``exercises/*.ipynb``), the zero-argument function that builds it::

    kit.check("functional_mlp", build_model)

Passing the function rather than its result is deliberate: the untouched stub
of a student notebook is a ``build_model`` whose body raises
``NotImplementedError``, so the check cell always finds the name defined and can
say "this is still the stub" instead of failing with a ``NameError``.

:func:`resolve` never raises for a bad ``obj``: it returns a :class:`Problem`
with a message about what was given and what is expected.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass
from functools import cached_property

from kit import graph as kgraph
from kit.exercises.build_errors import first_line

__all__ = [
    "DEFAULT_LABEL",
    "Port",
    "Problem",
    "SAMPLE_BATCH",
    "STUB_MESSAGE",
    "Subject",
    "describe",
    "first_line",
    "resolve",
]

#: Shown whenever the stub of an exercise notebook is still in place.
STUB_MESSAGE = (
    "{label} still raises NotImplementedError: this is the untouched stub of the "
    "exercise. Replace the lines `# YOUR CODE HERE` and `raise NotImplementedError()` "
    "with your code, run that cell, then run this check again."
)

#: How messages name an object passed to ``check`` directly (not built by a function).
DEFAULT_LABEL = "the object you passed"

#: Batch size of the sample data sent through the learner's model.
SAMPLE_BATCH = 2


@dataclass(frozen=True)
class Problem:
    """The object given to ``check`` cannot be checked; ``message`` says why.

    ``stub`` is true when it is the exercise's untouched stub.
    """

    message: str
    stub: bool = False


@dataclass(frozen=True)
class Port:
    """An input or output as the spec (or the learner's model) has it.

    ``shape`` includes the batch axis, e.g. ``(None, 784)``; ``low``/``high``
    bound the integers drawn for integer inputs (token ids).
    """

    name: str | None
    shape: tuple
    dtype: str = "float32"
    low: int = 0
    high: int = 2


class Subject:
    """A learner's model (or models) with the views the requirements need.

    Attributes
    ----------
    model : keras.Model
        The model the exercise is about (for ``reusable_encoder`` the autoencoder).
    parts : dict
        Every model handed in, by role (``{"model": m}`` or
        ``{"encoder": e, "autoencoder": a}``).
    label : str
        How to name the learner's object in messages, e.g. ``"build_model()"``.
    builder : callable or None
        The function that built the model, when the learner passed one.
    """

    def __init__(self, parts: dict, label: str, main: str = "model", builder=None):
        self.parts = parts
        self.model = parts[main]
        self.label = label
        self.builder = builder
        self._forward_cache: dict = {}

    @cached_property
    def code(self):
        """The learner's builder function as :class:`~kit.exercises.code.LearnerCode` (or ``None``)."""
        from kit.exercises.code import LearnerCode

        return None if self.builder is None else LearnerCode.of(self.builder)

    # --- the graph ----------------------------------------------------------

    @cached_property
    def graph(self):
        """``kit.graph_of(self.model)``."""
        return kgraph.graph_of(self.model)

    def graph_of(self, part: str):
        """The graph of another model handed in (``"encoder"``)."""
        return self.graph if self.parts[part] is self.model else kgraph.graph_of(self.parts[part])

    def keys(self, *class_names, graph=None) -> list[str]:
        """Node keys of the given classes (all non-input nodes if none), in graph order."""
        g = self.graph if graph is None else graph
        found = [
            (data["order"], key)
            for key, data in g.nodes(data=True)
            if data["kind"] != kgraph.Kind.INPUT and (not class_names or data["class_name"] in class_names)
        ]
        return [key for _, key in sorted(found)]

    def producers(self, key: str, node_index: int | None = None, graph=None) -> list[str]:
        """Keys of the nodes feeding ``key`` (one call, or its first), by position."""
        g = self.graph if graph is None else graph
        if node_index is None:
            node_index = g.nodes[key]["node_indices"][0]
        edges = [
            (data["position"], source)
            for source, _, data in g.in_edges(key, data=True)
            if data["node_index"] == node_index
        ]
        return [source for _, source in sorted(edges)]

    def consumers(self, key: str, graph=None) -> list[str]:
        """Keys of the nodes reading any output of ``key`` (each once, in graph order)."""
        g = self.graph if graph is None else graph
        found = {target for _, target in g.out_edges(key)}
        return sorted(found, key=lambda k: g.nodes[k]["order"])

    def activation(self, key: str, graph=None) -> str:
        """The activation applied to ``key``'s output.

        The layer's own ``activation`` setting, or, when that is linear, an
        ``Activation``/``ReLU``/``Softmax`` layer that alone reads its output.
        """
        g = self.graph if graph is None else graph
        own = g.nodes[key]["config"].get("activation", "linear")
        if own not in (None, "linear"):
            return own
        after = self.consumers(key, graph=g)
        if len(after) == 1:
            following = g.nodes[after[0]]
            if following["class_name"] == "Activation":
                return following["config"].get("activation", "linear")
            if following["class_name"] in ("ReLU", "Softmax", "Relu", "Sigmoid"):
                return following["class_name"].lower()
        return "linear"

    def layer(self, key: str):
        """The layer object behind a top-level node key."""
        return self.model.get_layer(self.graph.nodes[key]["name"])

    # --- ports ----------------------------------------------------------------

    def inputs(self, part: str | None = None) -> list[Port]:
        model = self.model if part is None else self.parts[part]
        return [
            Port(kgraph.history(t)[0].name, kgraph.shape_of(t), _dtype_name(t.dtype)) for t in model.inputs
        ]

    def outputs(self, part: str | None = None) -> list[Port]:
        model = self.model if part is None else self.parts[part]
        return [
            Port(kgraph.history(t)[0].name, kgraph.shape_of(t), _dtype_name(t.dtype)) for t in model.outputs
        ]

    # --- behaviour ------------------------------------------------------------

    def sample(self, spec_inputs: list[Port], part: str | None = None) -> list:
        """A seeded sample batch shaped like the learner's inputs.

        Integer inputs get ids drawn in the spec's ``[low, high)`` range.
        """
        import numpy as np

        rng = np.random.default_rng(0)
        batch = []
        spec_by_name = {p.name: p for p in spec_inputs}
        for position, port in enumerate(self.inputs(part)):
            spec = spec_by_name.get(port.name)
            if spec is None and position < len(spec_inputs):
                spec = spec_inputs[position]
            shape = [SAMPLE_BATCH] + [
                d if d is not None else _fill(spec, i) for i, d in enumerate(port.shape[1:], 1)
            ]
            if "int" in port.dtype:
                low, high = (spec.low, spec.high) if spec else (0, 2)
                batch.append(rng.integers(low, high, size=shape).astype(port.dtype))
            else:
                batch.append(rng.random(shape, dtype="float32"))
        return batch

    def forward(self, spec_inputs: list[Port], part: str | None = None) -> list:
        """Outputs (numpy arrays) of the model on :meth:`sample`; cached.

        Raises ``RuntimeError`` whose message says what the call raised.
        """
        if part in self._forward_cache:
            outcome = self._forward_cache[part]
        else:
            outcome = self._run(spec_inputs, part)
            self._forward_cache[part] = outcome
        if isinstance(outcome, str):
            raise RuntimeError(outcome)
        return outcome

    def _run(self, spec_inputs, part):
        import keras

        model = self.model if part is None else self.parts[part]
        batch = self.sample(spec_inputs, part)
        shapes = ", ".join(str(tuple(x.shape)) for x in batch)
        try:
            with warnings.catch_warnings():
                # Keras warns when a one-input model built on [input] gets a bare array.
                warnings.simplefilter("ignore", UserWarning)
                result = model(batch[0] if len(batch) == 1 else batch, training=False)
        except Exception as error:  # the learner's model may fail in any way
            return (
                f"calling {model.name!r} on a sample batch of shape {shapes} raised "
                f"{type(error).__name__}: {first_line(error)}"
            )
        outputs = result if isinstance(result, (list, tuple)) else [result]
        return [keras.ops.convert_to_numpy(y) for y in outputs]


def _fill(spec, axis):
    if spec is not None and axis < len(spec.shape) and spec.shape[axis] is not None:
        return spec.shape[axis]
    return 8


def _dtype_name(dtype) -> str:
    return getattr(dtype, "name", None) or str(dtype)


def describe(obj) -> str:
    """A short phrase naming what ``obj`` is, for messages."""
    if obj is None:
        return "None"
    if inspect.isclass(obj):
        return f"the class {obj.__name__}"
    name = type(obj).__name__
    if isinstance(obj, (list, tuple)):
        return f"{_article(name)} {name} of {len(obj)} item{'s' if len(obj) != 1 else ''}"
    if isinstance(obj, (str, int, float, bool)):
        return f"{_article(name)} {name} ({obj!r:.40})"
    return f"{_article(name)} {name}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --- resolving what check() was given ---------------------------------------


def resolve(obj, expects: str = "model", pair: tuple = ("encoder", "autoencoder")):
    """Turn ``obj`` into a :class:`Subject`, or a :class:`Problem` saying why not.

    Parameters
    ----------
    obj : keras.Model, callable, tuple or anything
        What the learner passed to ``kit.check``.
    expects : {"model", "pair"}
        One model, or a pair of models whose roles are named by ``pair``.

    Example
    -------
    >>> resolve(None).message.startswith("got None")
    True
    """
    label, builder = DEFAULT_LABEL, None
    if _is_not_implemented(obj):
        return Problem(STUB_MESSAGE.format(label="The exercise cell"), stub=True)
    if callable(obj) and not inspect.isclass(obj) and not _is_keras(obj):
        label, builder = f"{_callable_name(obj)}()", obj
        built = _call_builder(obj, label)
        if isinstance(built, Problem):
            return built
        obj = built
        if obj is None:
            from kit.exercises.code import LearnerCode

            code = LearnerCode.of(builder)
            ends = f" (it ends at line {code.last_line()} without a return)" if code else ""
            return Problem(
                f"{label} returned None{ends}: it must return the "
                f"{'pair' if expects == 'pair' else 'model'} it builds; end it with "
                f"`return {'encoder, autoencoder' if expects == 'pair' else 'model'}`."
            )
        if callable(obj) and not _is_keras(obj) and not inspect.isclass(obj):
            return Problem(
                f"{label} returned a function ({_callable_name(obj)}), not a model: return the model itself."
            )
    if obj is None:
        return Problem(
            "got None instead of a model. Pass the function that builds the model, "
            "e.g. kit.check(name, build_model), or the model itself; if you passed "
            "a variable, the cell that should have assigned it did not run or returned nothing."
        )
    if expects == "pair":
        return _resolve_pair(obj, label, pair, builder)
    problem = _model_problem(obj, label)
    if problem:
        return problem
    subject = Subject({"model": obj}, label, builder=builder)
    try:
        _ = subject.graph  # built now, so that a broken model is reported here
    except (TypeError, ValueError) as error:
        return Problem(f"{_model_source(label)} has no layer graph the kit can check: {error}")
    return subject


def _model_source(label: str) -> str:
    return "the model you passed" if label == DEFAULT_LABEL else f"the model from {label}"


def _resolve_pair(obj, label, roles, builder=None):
    wanted = f"the pair ({roles[0]}, {roles[1]})"
    if not isinstance(obj, (tuple, list)) or len(obj) != 2:
        what = describe(obj)
        return Problem(
            f"expected {wanted}: two models, e.g. `return {roles[0]}, {roles[1]}`; {label} gave {what}."
        )
    parts = {}
    for role, item in zip(roles, obj):
        problem = _model_problem(item, f"the {role} in {label}")
        if problem:
            return problem
        parts[role] = item
    if parts[roles[0]] is parts[roles[1]]:
        return Problem(f"{label} gave the same model twice; expected {wanted}.")
    subject = Subject(parts, label, main=roles[1], builder=builder)
    try:
        _ = subject.graph  # built now, so that a broken model is reported here
        subject.graph_of(roles[0])
    except (TypeError, ValueError) as error:
        return Problem(f"{_model_source(label)} has no layer graph the kit can check: {error}")
    return subject


def _model_problem(obj, label) -> Problem | None:
    import keras

    if isinstance(obj, keras.Model):
        return None
    if kgraph.is_keras_tensor(obj):
        return Problem(
            f"{label} is a KerasTensor (the output of a layer), not a model: wrap it "
            "as keras.Model(inputs, outputs) and pass that."
        )
    if isinstance(obj, keras.layers.Layer):
        return Problem(
            f"{label} is a {type(obj).__name__} layer ({obj.name!r}), not a model: "
            "build keras.Model(inputs, outputs) around it and pass the model."
        )
    if isinstance(obj, (tuple, list)) and obj and all(isinstance(o, keras.Model) for o in obj):
        return Problem(
            f"{label} is a {type(obj).__name__} of {len(obj)} models; this exercise checks a "
            "single model: pass only that one."
        )
    if inspect.isclass(obj):
        return Problem(
            f"{label} is the class {obj.__name__}, not a model: pass the function that "
            "builds the model (e.g. build_model) or the model it returns."
        )
    return Problem(f"expected a Keras model; {label} is {describe(obj)}.")


def _is_keras(obj) -> bool:
    return kgraph.is_layer(obj) or kgraph.is_keras_tensor(obj)


def _is_not_implemented(obj) -> bool:
    return obj is NotImplementedError or isinstance(obj, NotImplementedError) or obj is NotImplemented


def _callable_name(fn) -> str:
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return "your function" if name == "<lambda>" else name


def _call_builder(fn, label):
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        required = [
            p.name
            for p in signature.parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if required:
            return Problem(
                f"expected a model, or a function that builds it with no arguments; "
                f"{label[:-2]} needs {len(required)} argument"
                f"{'s' if len(required) > 1 else ''} ({', '.join(required)}). "
                "Pass the model, or a function such as build_model that takes none."
            )
    try:
        return fn()
    except NotImplementedError:
        return Problem(STUB_MESSAGE.format(label=label), stub=True)
    except Exception as error:  # the learner's code may fail in any way
        from kit.exercises.build_errors import explain

        return Problem(explain(error, label))
