"""Repeated blocks of a deep model, found so that its overview fits a notebook.

How blocks are found (the rule the documentation states):

1. The layers are put in the order data flows through them. A *cut* falls after
   a layer when everything computed so far reaches the rest of the graph through
   that layer's output alone (through at most two outputs inside a stretch of
   more than :data:`LONG_PIECE` layers, as in NASNet, whose cells read the two
   cells before them). The layers between two cuts form a *piece*: a residual
   block, an Inception module, or one layer of a plain chain.
2. Consecutive pieces whose last named layers share a name stem form a *stage*.
   Names Keras made up (``conv2d_7``) are skipped; the stem is the name's first
   part with the number of its first numbered part: ``conv3_block2_out`` ->
   ``conv3``, ``block2a_add`` -> ``block2``, ``conv_dw_1_bn`` -> ``conv1``.
3. Consecutive stages form a *run* when their last layers' names differ in one
   number only (``mixed1``, ``mixed2``; ``encoder_0_norm``, ``encoder_1_norm``)
   and they hold the same layer classes in sizes within a third of each other.
4. A run of several stages, a stage of at least :data:`MIN_BLOCK_LAYERS` layers,
   or a stage with a merge (``Add``, ``Concatenate``...) becomes one box. Its
   name is the shared beginning of its layers' names with the range of their
   numbers (``conv3_block1-4``); it says what it holds (``4 × residual block,
   43 layers``) and the shapes that enter and leave it.

Used by ``kit.draw`` (``kit/drawing/static.py``).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

import networkx as nx

from kit._text import plural
from kit.graph import Kind

__all__ = ["LONG_PIECE", "MIN_BLOCK_LAYERS", "Block", "collapse", "find_blocks"]

#: Pieces longer than this are cut again where at most two outputs cross.
LONG_PIECE = 60
#: A group of one piece becomes a block box from this many layers.
MIN_BLOCK_LAYERS = 6


@dataclass(frozen=True)
class Block:
    """Consecutive layers of a graph drawn as one box.

    Attributes
    ----------
    name : str
        E.g. ``"conv3_block1-4"``: the layers' shared name with the range of their numbers.
    members : tuple of str
        The graph nodes inside, in flow order.
    description : str
        What the box says it holds, e.g. ``"4 × residual block, 43 layers"``.
    """

    name: str
    members: tuple
    description: str


def find_blocks(graph) -> list[Block]:
    """The groups of ``graph`` that :func:`collapse` can draw as one box, in flow order.

    Example
    -------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> names = ["x"] + [f"stage1_block{i}_{part}" for i in (1, 2, 3) for part in ("conv", "bn")]
    >>> for i, name in enumerate(names):
    ...     g.add_node(name, name=name, class_name="Dense", order=i)
    >>> nx.add_path(g, names)
    >>> [(block.name, block.description) for block in find_blocks(g)]
    [('stage1_block1-3', 'chain of 6 layers')]
    """
    pieces = _pieces(graph, _flow_order(graph))
    stems = {id(piece): _stem(_given_names(graph, piece)[-1]) for piece in pieces}
    stages = _runs(pieces, lambda a, b: stems[id(a)] is not None and stems[id(a)] == stems[id(b)])
    last = {id(stage): _given_names(graph, stage[-1])[-1] for stage in stages}
    runs = _runs(
        stages, lambda a, b: _same_but_one_number(last[id(a)], last[id(b)]) and _similar(graph, a, b)
    )
    blocks = []
    for run in runs:
        members = tuple(node for stage in run for piece in stage for node in piece)
        merges = sum(1 for stage in run for piece in stage if _merge(graph, piece))
        if len(run) > 1 or len(members) >= MIN_BLOCK_LAYERS or (merges and len(members) > 2):
            names = (_given_names(graph, members), [last[id(stage)] for stage in run])
            blocks.append(Block(_name(*names), members, _description(graph, run, members, merges)))
    return blocks


def collapse(graph, blocks) -> nx.MultiDiGraph:
    """A copy of ``graph`` where each block's members become one box of kind ``block``.

    The box keeps what a learner wants at its edges: the shapes that enter and
    leave, and the parameters inside. Edges between blocks are kept once per
    pair of boxes.
    """
    owner = {node: block for block in blocks for node in block.members}
    result = nx.MultiDiGraph(**graph.graph)
    for node, data in graph.nodes(data=True):
        if node not in owner:
            result.add_node(node, **data)
    for block in blocks:
        result.add_node(block.name, **_block_attributes(graph, block))
    seen = set()
    for u, v, edge in graph.edges(data=True):
        source = owner[u].name if u in owner else u
        target = owner[v].name if v in owner else v
        if source == target:
            continue
        if source in {b.name for b in blocks} or target in {b.name for b in blocks}:
            if (source, target) in seen:
                continue
            seen.add((source, target))
        result.add_edge(source, target, **edge)
    return result


# --- internals -------------------------------------------------------------


def _flow_order(graph) -> list:
    simple = nx.DiGraph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    return list(
        nx.lexicographical_topological_sort(simple, key=lambda n: (graph.nodes[n].get("order", 0), n))
    )


def _pieces(graph, order) -> list[list]:
    """Split ``order`` at cuts: at most one output crosses (two inside long pieces)."""
    pieces = _split(graph, order, crossing=1)
    result = []
    for piece in pieces:
        result += _split(graph, piece, crossing=2) if len(piece) > LONG_PIECE else [piece]
    return result


def _split(graph, order, crossing) -> list[list]:
    position = {node: i for i, node in enumerate(order)}
    last_use = {
        node: max((position[v] for v in graph.successors(node) if v in position), default=i)
        for i, node in enumerate(order)
    }
    expiring: dict[int, list] = {}
    open_nodes: set = set()
    pieces, current = [], []
    for i, node in enumerate(order):
        current.append(node)
        for done in expiring.pop(i, ()):
            open_nodes.discard(done)
        if last_use[node] > i:
            open_nodes.add(node)
            expiring.setdefault(last_use[node], []).append(node)
        if len(open_nodes) <= crossing and (node in open_nodes or not open_nodes):
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _runs(items, alike) -> list[list]:
    """``items`` cut into runs of consecutive items that are ``alike`` their predecessor."""
    runs: list[list] = []
    for item in items:
        if runs and alike(runs[-1][-1], item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _given_names(graph, nodes) -> list[str]:
    """The names of ``nodes`` that were chosen, not made up by Keras (``conv2d_7``); all if none was."""
    given = [n for n in nodes if not _made_up(n, graph.nodes[n].get("class_name", ""))]
    return given or list(nodes)


def _made_up(name: str, class_name: str) -> bool:
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)).lower()
    return re.sub(r"_\d+$", "", name) == snake


def _stem(name: str) -> str | None:
    """The name's first part and the number of its first part with a digit.

    ``conv3_block2_out`` -> ``conv3``, ``block2a_add`` -> ``block2``,
    ``conv_dw_1_bn`` and ``conv_pw_1`` -> ``conv1``; None without a number.
    """
    parts = re.split(r"[_/]", name)
    for part in parts:
        number = re.search(r"\d+", part)
        if number:
            return (
                parts[0]
                if part == parts[0] and not part[-1].isalpha()
                else re.sub(r"\d+[a-z]?$", "", parts[0]) + number.group()
            )
    return None


def _same_but_one_number(a: str, b: str) -> bool:
    """``mixed1`` and ``mixed2``, ``encoder_0_norm`` and ``encoder_1_norm``: one number differs."""
    text_a, numbers_a = re.split(r"\d+", a), re.findall(r"\d+", a)
    text_b, numbers_b = re.split(r"\d+", b), re.findall(r"\d+", b)
    if text_a != text_b or len(numbers_a) != len(numbers_b):
        return False
    return sum(x != y for x, y in zip(numbers_a, numbers_b)) == 1


def _similar(graph, a, b) -> bool:
    """The same layer classes, and sizes within a third of each other."""
    classes_a, classes_b = (Counter(graph.nodes[n].get("class_name") for p in s for n in p) for s in (a, b))
    size_a, size_b = sum(classes_a.values()), sum(classes_b.values())
    return set(classes_a) == set(classes_b) and max(size_a, size_b) <= 1.3 * min(size_a, size_b)


def _merge(graph, piece) -> str | None:
    """The merge a piece ends its branches with (``"Add"``, ``"Concatenate"``...), if any."""
    for node in piece:
        if graph.in_degree(node) > 1:
            return graph.nodes[node].get("class_name")
    return None


def _name(names, stage_names) -> str:
    """``conv3_block1-4``: the shared beginning of the first and last names, then the range."""
    for first, last in ((names[0], names[-1]), (stage_names[0], stage_names[-1])):
        shared = os.path.commonprefix([first, last]).rstrip("0123456789")
        start = re.match(r"\d+[a-z]?(?![a-z])", first[len(shared) :])
        end = re.match(r"\d+[a-z]?(?![a-z])", last[len(shared) :])
        if shared and start and end and start.group() != end.group():
            return f"{shared}{start.group()}-{end.group()}"
    if len(stage_names) > 1:
        return f"{stage_names[0]}…{stage_names[-1]}"
    shared = os.path.commonprefix([names[0], names[-1]])
    shared = shared if shared in (names[0], names[-1]) else shared[: shared.rfind("_") + 1].rstrip("_")
    return shared if re.search(r"\d", shared) else stage_names[0]


def _description(graph, run, members, merges) -> str:
    layers = plural(len(members), "layer")
    kinds = {_merge(graph, piece) for stage in run for piece in stage} - {None}
    if not kinds:
        return f"chain of {layers}"
    kind = "residual block" if "Add" in kinds else "branching block"
    if len(run) > 1:
        return f"{len(run)} × {kind}, {layers}"
    if merges > 1:
        return f"{merges} × {kind}, {layers}"
    return f"{kind}, {layers}"


def _block_attributes(graph, block) -> dict:
    inside = set(block.members)
    inputs = [
        edge["shape"]
        for u, v, edge in graph.edges(data=True)
        if v in inside and u not in inside and edge.get("shape") is not None
    ]
    last = graph.nodes[block.members[-1]]
    outputs = last.get("output_shapes") or [[]]
    return {
        "name": block.name,
        "class_name": block.description,
        "kind": Kind.BLOCK,
        "params": sum(graph.nodes[n].get("params", 0) for n in block.members),
        "members": block.members,
        "calls": 1,
        "shared": False,
        "node_indices": [0],
        "input_shapes": [list(dict.fromkeys(inputs)) or [()]],
        "output_shapes": [outputs[0]],
        "is_input": False,
        "is_output": any(graph.nodes[n].get("is_output") for n in block.members),
        "order": graph.nodes[block.members[0]].get("order", 0),
        "config": {},
    }
