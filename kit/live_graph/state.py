"""What the live graph has seen: layers, their calls, and the code that made them.

Pure data, grown one event at a time from :func:`kit.graph.node_listener`
(operation, input tensors, output tensors). The graph has the node and edge
attributes of :func:`kit.graph_of`, so :func:`kit.draw` and the inspector can
read it, plus when each piece arrived (``step``) and where in the learner's
code it came from (``origins``). Keras objects are only held through weak
references: the live graph never keeps a model alive.

Used by ``kit.live`` and ``%load_ext kit`` (``notebooks/00_start_here.ipynb``).
"""

from __future__ import annotations

import functools
import linecache
import os
import sys
import sysconfig
import weakref
from dataclasses import dataclass

import networkx as nx

from kit import graph as kgraph
from kit.drawing.layout import IncrementalLayout

__all__ = ["Origin", "Event", "LiveState", "find_origin"]

#: How many layer names the one-line summary spells out.
SUMMARY_NAMES = 6


@dataclass(frozen=True)
class Origin:
    """The line of the learner's code that made a call.

    Attributes
    ----------
    cell : int or None
        IPython execution count of the cell (``In [cell]``); None outside IPython.
    filename : str
    line : int
        Line number inside the cell (or file), from 1.
    code : str
        The text of that line.
    """

    cell: int | None
    filename: str
    line: int
    code: str

    def __str__(self):
        where = (
            f"cell [{self.cell}], line {self.line}"
            if self.cell is not None
            else (f"{os.path.basename(self.filename)}, line {self.line}")
        )
        return f"{where}: {self.code}" if self.code else where


@dataclass(frozen=True)
class Event:
    """One symbolic call seen by the live graph.

    Attributes
    ----------
    step : int
        1 for the first event, then 2, 3...
    key : str
        Graph node of the layer that was called.
    node_index : int
        The call's Keras node index (0 for the layer's first call).
    parents : tuple of str
        Graph nodes whose outputs went into the call.
    new : bool
        True when the call added a new layer to the graph.
    """

    step: int
    key: str
    node_index: int
    parents: tuple
    new: bool


class LiveState:
    """The layer graph recorded so far, as plain data.

    Example
    -------
    >>> import keras
    >>> state = LiveState()
    >>> stop = kgraph.node_listener(state.record)
    >>> x = keras.Input((3,), name="x")
    >>> y = keras.layers.Dense(2, name="d")(x)
    >>> stop()
    >>> state.summary()
    'live graph: 1 layer + 1 input (x, d)'
    """

    def __init__(self, name: str = "live graph"):
        self.graph = nx.MultiDiGraph(name=name, inputs=[], outputs=[])
        self.events: list[Event] = []
        self.layout = IncrementalLayout()
        self.errors: list[str] = []
        self._by_id: dict[int, tuple[weakref.ref, str]] = {}
        self._refs: dict[str, weakref.ref] = {}
        self._models: dict[str, weakref.ref] = {}
        self._members: dict[int, tuple[weakref.ref, int, frozenset]] = {}
        self._config_pending: set[str] = set()
        self._components: tuple[int, list] = (-1, [])

    # --- recording ----------------------------------------------------------

    def record(self, operation, inputs, outputs, origin: Origin | None = None) -> Event | None:
        """Add one symbolic call (the arguments of a node listener's callback).

        Returns the new :class:`Event`, or None for a call Keras itself does
        not keep in any graph (outputs without history).
        """
        op, node_index, _ = kgraph.history(outputs[0]) if outputs else (None, 0, 0)
        if outputs and op is not operation:
            return None
        key, new = self._key_for(operation)
        step = len(self.events) + 1
        data = self.graph.nodes[key]
        if new:
            data["step"] = step
        if not outputs:
            node_index = len(data["node_indices"])
        parents = []
        for position, tensor in enumerate(inputs):
            producer = kgraph.history(tensor)[0]
            if producer is None:
                continue
            parent, parent_new = self._key_for(producer)
            if parent_new:  # made before the live graph started
                self.graph.nodes[parent].update(step=step, before_start=True)
                self.layout.place(parent)
            parents.append(parent)
            self.graph.add_edge(
                parent, key, **kgraph.edge_attributes(tensor, position, node_index), step=step
            )
        kgraph.add_call(data, node_index, inputs, outputs)
        data["call_steps"].append(step)
        data["origins"].append(origin)
        if new:
            self.layout.place(key, parents)
        event = Event(step, key, node_index, tuple(parents), new)
        self.events.append(event)
        return event

    def _key_for(self, op) -> tuple[str, bool]:
        known = self._by_id.get(id(op))
        if known is not None and known[0]() is op:
            return known[1], False
        key, suffix = op.name, 2
        while key in self.graph:
            key, suffix = f"{op.name}#{suffix}", suffix + 1
        self.graph.add_node(
            key,
            **kgraph.node_attributes(op, self.graph.number_of_nodes(), with_config=False),
            call_steps=[],
            origins=[],
            step=len(self.events) + 1,
            before_start=False,
        )
        self._config_pending.add(key)
        reference = weakref.ref(op)
        self._by_id[id(op)] = (reference, key)
        self._refs[key] = reference
        return key, True

    # --- reading --------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Number of calls recorded."""
        return len(self.events)

    def names(self) -> list[str]:
        """Graph nodes in the order they appeared."""
        return sorted(self.graph, key=lambda key: self.graph.nodes[key]["order"])

    def operation(self, key):
        """The Keras layer behind ``key``, or None once it has been garbage collected."""
        reference = self._refs.get(key)
        return None if reference is None else reference()

    def settings(self, key) -> dict:
        """The key settings (``config``) of layer ``key``, read from the layer on first use.

        Reading them while recording would slow every call down (Keras
        serializes the layer), so they are read when first asked for; a layer
        garbage collected before that keeps ``{}``.
        """
        data = self.graph.nodes[key]
        if key in self._config_pending:
            self._config_pending.discard(key)
            op = self.operation(key)
            if op is not None:
                data["config"] = kgraph.describe_operation(op)["config"]
        return data["config"]

    def read_pending_settings(self) -> None:
        """Read the settings of every layer still alive whose settings were not read yet.

        Called at the end of each cell, so that a layer the learner's code no
        longer holds (a model built inside a function) keeps its settings.
        """
        for key in list(self._config_pending):
            self.settings(key)

    def newest(self, step: int | None = None) -> str | None:
        """The layer called at ``step`` (default: the last call)."""
        if not self.events:
            return None
        step = self.steps if step is None else step
        return self.events[min(max(step, 1), self.steps) - 1].key

    def summary(self) -> str:
        """One deterministic line, e.g. ``'live graph: 2 layers + 1 input (x, dense, dense_1)'``."""
        names = self.names()
        count = kgraph.size_of(self.graph)
        if not names:
            return f"{self.graph.graph['name']}: {count}"
        if len(names) > SUMMARY_NAMES:
            half = SUMMARY_NAMES // 2
            names = names[:half] + ["…"] + names[-half:]
        return f"{self.graph.graph['name']}: {count} ({', '.join(names)})"

    def snapshot(self, step: int | None = None, keys=None) -> nx.MultiDiGraph:
        """The graph as it was after ``step`` calls, restricted to ``keys``.

        With neither argument this is the live graph itself (do not modify it).
        """
        if (step is None or step >= self.steps) and keys is None:
            return self.graph
        step = self.steps if step is None else step
        wanted = set(self.graph) if keys is None else set(keys)
        view = nx.MultiDiGraph(**self.graph.graph)
        for key, data in self.graph.nodes(data=True):
            if key not in wanted or data["step"] > step:
                continue
            kept = [i for i, s in enumerate(data["call_steps"]) if s <= step]
            trimmed = dict(data)
            for name in ("node_indices", "input_shapes", "output_shapes", "call_steps", "origins"):
                trimmed[name] = [data[name][i] for i in kept]
            trimmed["calls"] = len(kept)
            trimmed["shared"] = len(kept) > 1
            view.add_node(key, **trimmed)
        view.add_edges_from(
            (u, v, data)
            for u, v, data in self.graph.edges(data=True)
            if data["step"] <= step and u in view and v in view
        )
        return view

    def components(self) -> list[list[str]]:
        """Independent graphs (weakly connected components), oldest first."""
        if self._components[0] != self.steps:
            order = nx.get_node_attributes(self.graph, "order")
            parts = [sorted(c, key=order.get) for c in nx.weakly_connected_components(self.graph)]
            self._components = (self.steps, sorted(parts, key=lambda part: order[part[0]]))
        return [list(part) for part in self._components[1]]

    # --- models -----------------------------------------------------------------

    def watch(self, model, label: str | None = None) -> str:
        """Remember ``model`` (weakly) so that the graph can be filtered to it.

        Returns the label it is listed under (default: the model's name).
        """
        if not kgraph.is_layer(model) or not hasattr(model, "outputs"):
            raise TypeError(f"expected a functional or Sequential keras.Model, got {type(model).__name__}")
        label = label or model.name
        self._models[label] = weakref.ref(model)
        return label

    def watch_namespace(self, namespace: dict) -> list[str]:
        """Watch every functional or Sequential model bound to a name in ``namespace``.

        Used at the end of each notebook cell with the notebook's variables, so
        models are listed under the learner's own variable names.
        """
        keras = sys.modules.get("keras")
        if keras is None:
            return []
        found = []
        for name, value in list(namespace.items()):
            if name.startswith("_") or not isinstance(value, keras.Model):
                continue
            if self.members(value):
                label = name if name == value.name else f"{name} ({value.name})"
                stale = [k for k, ref in self._models.items() if ref() is value and k != label]
                for k in stale:
                    del self._models[k]
                self._models[label] = weakref.ref(value)
                found.append(label)
        return found

    def models(self) -> list[str]:
        """Labels of the watched models that are still alive and share layers with this graph."""
        alive = [label for label, ref in self._models.items() if ref() is not None]
        for label in set(self._models) - set(alive):
            del self._models[label]
        return [label for label in alive if self.members(self._models[label]())]

    def members(self, model) -> frozenset:
        """Graph nodes with at least one call inside ``model`` (a model or a watched label)."""
        if isinstance(model, str):
            reference = self._models.get(model)
            model = reference() if reference is not None else None
            if model is None:
                return frozenset()
        size = len(getattr(model, "layers", ()))
        cached = self._members.get(id(model))
        if cached is not None and cached[0]() is model and cached[1] == size:
            return cached[2]
        try:
            calls = kgraph.calls_in_model(model)
        except (TypeError, ValueError):  # a subclassed or not yet built model
            calls = set()
        keys = frozenset(
            key
            for layer_id, _ in calls
            for reference, key in [self._by_id.get(layer_id, (None, None))]
            if reference is not None and key in self.graph
        )
        self._members[id(model)] = (weakref.ref(model), size, keys)
        return keys


# --- where a call came from --------------------------------------------------


def find_origin(ipython=None, start=None) -> Origin | None:
    """The innermost frame of the learner's code on the current call stack.

    Frames of Keras, TensorFlow, kit, IPython and the standard library are
    skipped. Inside IPython the cell's execution count is looked up from its
    file name (``/tmp/ipykernel_*/*.py`` or ``<ipython-input-N-...>``).
    """
    frame = start if start is not None else sys._getframe(1)
    try:
        while frame is not None:
            filename = frame.f_code.co_filename
            if _is_user_file(filename):
                line = frame.f_lineno
                code = linecache.getline(filename, line).strip()
                return Origin(_cell_number(filename, ipython), filename, line, code)
            frame = frame.f_back
        return None
    finally:
        del frame


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    kit_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = {kit_root}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(name)
        if path:
            roots.add(os.path.abspath(path))
    return tuple(root + os.sep for root in roots)


@functools.lru_cache(maxsize=4096)
def _is_user_file(filename: str) -> bool:
    if filename.startswith("<ipython-input-"):
        return True
    if filename.startswith("<"):
        return False
    return not os.path.abspath(filename).startswith(_library_roots())


def _cell_number(filename: str, ipython=None) -> int | None:
    if ipython is None:
        return None
    compiler = getattr(ipython, "compile", None)
    name = compiler.format_code_name(filename) if hasattr(compiler, "format_code_name") else None
    if name and name[1].startswith("In[") and name[1][3:-1].isdigit():
        return int(name[1][3:-1])
    if filename.startswith("<ipython-input-"):
        number = filename[len("<ipython-input-") :].split("-")[0]
        return int(number) if number.isdigit() else None
    return None
