"""The shared topological passes and their cache."""

from __future__ import annotations

from tests.conftest import run


def test_the_execution_order_is_cached_and_the_built_graph_cannot_change_under_it() -> None:
    import pytest

    from flowgraph._digraph import Digraph
    from flowgraph.order import execution_order

    fg = run([{"id": "b"}, {"id": "a"}, {"id": "c", "dependsOn": ["a", "b"]}])
    g = fg.execution
    first = execution_order(g)
    assert first is not None and first.nodes == ["b", "a", "c"]
    assert first.depth == {"a": 0, "b": 0, "c": 1}
    assert execution_order(g) is first
    with pytest.raises(TypeError, match="read-only: change fg.nx"):
        g.add_edge("c", "a")  # the built graph is frozen: the cached order stays true
    assert execution_order(g) is first
    open_ = Digraph()  # a graph still being built is not cached: each call sees it as it is
    open_.add_edges_from([("a", "b"), ("b", "c")])
    assert execution_order(open_).nodes == ["a", "b", "c"]
    open_.add_edge("c", "a")
    assert execution_order(open_) is None
    fg.nx.add_edge("c", "a")  # the networkx copy is the user's to change
    assert fg.nx.has_edge("c", "a") and not g.has_edge("c", "a")


def test_the_execution_order_of_a_view_follows_the_graph_under_it() -> None:
    import networkx as nx

    from flowgraph.order import execution_order

    g = nx.DiGraph([("a", "b"), ("b", "c")])
    view = g.subgraph(["a", "b", "c"])
    first = execution_order(view)
    assert first is not None and first.nodes == ["a", "b", "c"]
    g.add_edge("c", "a")
    assert execution_order(view) is None
