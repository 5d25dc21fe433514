"""Exercise 4: one Conv2D called on two image sizes, its outputs fetched by node index.

Notebook ``exercises/04_node_indexing.ipynb``. Besides the model, the check reads the
learner's code (:mod:`kit.exercises.code`): the outputs must be fetched with
``kit.nodes.get_output_at``, not kept from the calls.
"""

from __future__ import annotations

from kit._text import format_shape, plural
from kit.exercises.engine import Exercise, Requirement, Unmet
from kit.exercises.probes import check_conv, join
from kit.exercises.rules import (
    conv_params,
    forward,
    inputs,
    outputs,
    param_count,
    quoted,
)
from kit.exercises.sharing import copies_message, readers_of_calls
from kit.exercises.subject import Port

__all__ = [
    "NODES_IN",
    "NODES_OUT",
    "NODE_INDEXING",
]

# --- 4. node_indexing ----------------------------------------------------------------

NODES_IN = (Port("small", (None, 32, 32, 3)), Port("large", (None, 64, 64, 3)))
NODES_OUT = (Port(None, (None, 64, 64, 16)), Port(None, (None, 32, 32, 16)))


def _shared_conv(subject):
    g = subject.graph
    convs = subject.keys("Conv2D")
    if not convs:
        return "no Conv2D layer: create Conv2D(16, (3, 3), padding='same', name='shared_conv')."
    if len(convs) >= 2 and all(g.nodes[k]["calls"] == 1 for k in convs):
        return copies_message(
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
    calls = readers_of_calls(subject, conv)
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
