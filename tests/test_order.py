"""The shared topological passes and their cache."""

from __future__ import annotations

from tests.conftest import run


def test_the_execution_order_is_cached_and_recomputed_when_the_graph_changes() -> None:
    from flowgraph.order import execution_order

    fg = run([{"id": "b"}, {"id": "a"}, {"id": "c", "dependsOn": ["a", "b"]}])
    g = fg.execution
    first = execution_order(g)
    assert first is not None and first.nodes == ["b", "a", "c"]
    assert first.depth == {"a": 0, "b": 0, "c": 1}
    assert execution_order(g) is first
    g.add_edge("c", "a")  # networkx empties its cache: the cycle is seen
    assert execution_order(g) is None
    g.remove_edge("c", "a")
    g.add_edge("c", "d")
    again = execution_order(g)
    assert again is not None and again.nodes == ["b", "a", "c", "d"] and again.depth["d"] == 2


def test_the_execution_order_of_a_view_follows_the_graph_under_it() -> None:
    import networkx as nx

    from flowgraph.order import execution_order

    g = nx.DiGraph([("a", "b"), ("b", "c")])
    view = g.subgraph(["a", "b", "c"])
    first = execution_order(view)
    assert first is not None and first.nodes == ["a", "b", "c"]
    g.add_edge("c", "a")
    assert execution_order(view) is None
