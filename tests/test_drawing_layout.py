import networkx as nx
import pytest

from kit.drawing import layout as layout


def test_chain_is_a_straight_column():
    graph = nx.path_graph(6, create_using=nx.DiGraph)
    placed = layout.layered_layout(graph)
    assert [placed.positions[n][1] for n in range(6)] == list(range(6))
    assert len({placed.positions[n][0] for n in range(6)}) == 1


def test_late_input_sits_just_above_its_first_use():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("aux", "d")])
    ranks = layout.rank_nodes(graph)
    assert ranks["aux"] == ranks["d"] - 1 == 2


def test_branches_are_side_by_side_and_rows_never_overlap():
    graph = nx.DiGraph([("in", t) for t in "abcd"] + [(t, "out") for t in "abcd"])
    placed = layout.layered_layout(graph)
    xs = sorted(placed.positions[t][0] for t in "abcd")
    assert all(right - left >= layout.NODE_WIDTH - 1e-9 for left, right in zip(xs, xs[1:]))
    assert placed.positions["out"][1] == 2


def test_crossing_reduction_untangles_a_twisted_ladder():
    graph = nx.DiGraph()
    for i, name in enumerate(["a1", "a2", "a3", "b1", "b2", "b3"]):
        graph.add_node(name, order=i)
    graph.add_edges_from([("a1", "b3"), ("a2", "b2"), ("a3", "b1")])
    levels = [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    chains = {(u, v): [u, v] for u, v in graph.edges()}
    assert layout.crossings(levels, chains) == 3
    placed = layout.layered_layout(graph)
    lower = sorted(["b1", "b2", "b3"], key=lambda n: placed.positions[n][0])
    upper = sorted(["a1", "a2", "a3"], key=lambda n: placed.positions[n][0])
    assert [n[1] for n in lower] == [n[1] for n in reversed(upper)]


def test_long_edges_are_routed_through_every_row():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    placed = layout.layered_layout(graph)
    route = placed.routes[("a", "d")]
    assert [y for _, y in route] == [0, 1, 2, 3]
    assert route[1][0] != placed.positions["b"][0]


def test_deep_graphs_grow_downwards_in_one_column():
    graph = nx.path_graph(100, create_using=nx.DiGraph)
    placed = layout.layered_layout(graph)
    assert placed.rows == 100
    assert max(y for _, y in placed.positions.values()) == 99
    assert {round(x, 6) for x, _ in placed.positions.values()} == {0.0}


def test_self_loops_are_ignored_and_cycles_refused():
    graph = nx.MultiDiGraph([("a", "b"), ("b", "b")])
    assert set(layout.layered_layout(graph).positions) == {"a", "b"}
    with pytest.raises(ValueError, match="acyclic"):
        layout.layered_layout(nx.DiGraph([("a", "b"), ("b", "a")]))


def test_empty_graph():
    assert layout.layered_layout(nx.DiGraph()).positions == {}
