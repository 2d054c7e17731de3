"""fg.nx is plain data: networkx's writers take it, it mirrors flowgraph's own graph, and the
queries never build it (flowgraph/_plain.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import flowgraph
from flowgraph.errors import NodeNotFoundError
from flowgraph.timing import Timing
from tests.conftest import example, fixture

EXAMPLES = ["approval-parked.json", "foreach-failed.json", "ifelse-skipped.json",
            "nested-loops.json", "timed-bundle.json"]
FIXTURES = sorted(p.name for p in Path(fixture("broken.json")).parent.glob("*.json"))
PLAIN = (str, int, float, bool)


def graph_of(path: Path) -> flowgraph.FlowGraph | None:
    try:
        return flowgraph.graph(path)
    except flowgraph.FlowgraphError:  # a fixture that is meant to be refused
        return None


def plain_values(g: nx.DiGraph[str]) -> list[tuple[Any, str, Any]]:
    """Every attribute value whose type is not exactly str, int, float or bool."""
    bad = [(n, k, v) for n, d in g.nodes(data=True) for k, v in d.items() if type(v) not in PLAIN]
    bad += [((u, v), k, x) for u, v, d in g.edges(data=True) for k, x in d.items()
            if type(x) not in PLAIN]
    return bad


@pytest.mark.parametrize("name", EXAMPLES + FIXTURES)
def test_every_attribute_is_plain_data(name: str) -> None:
    path = example(name) if name in EXAMPLES else fixture(name)
    fg = graph_of(path)
    if fg is None:
        pytest.skip("refused on load")
    assert plain_values(fg.nx) == []
    assert set(fg.nx) == set(fg.graph) and set(fg.nx.edges) == set(fg.graph.edges)


@pytest.mark.parametrize("name", EXAMPLES + FIXTURES)
def test_graphml_and_gexf_round_trip(name: str, tmp_path: Path) -> None:
    fg = graph_of(example(name) if name in EXAMPLES else fixture(name))
    if fg is None:
        pytest.skip("refused on load")
    g = fg.nx
    for suffix, write, read in [("graphml", nx.write_graphml, nx.read_graphml),
                                ("gexf", nx.write_gexf, nx.read_gexf)]:
        target = tmp_path / f"run.{suffix}"
        write(g, target)
        back = read(target)
        assert back.is_directed(), suffix
        assert set(back) == set(g), suffix
        assert set(back.edges) == set(g.edges), suffix
        for n, d in g.nodes(data=True):
            for key in ("role", "type", "status", "flow_index", "iteration_index", "template"):
                if key in d:
                    assert back.nodes[n][key] == d[key], (suffix, n, key)
        for u, v, d in g.edges(data=True):
            got = back.edges[u, v]
            for key in ("kind", "kinds", "inputs"):
                assert got[key] == d[key], (suffix, u, v, key)
            assert got.get("equal") == d.get("equal"), (suffix, u, v)


@pytest.mark.parametrize("name", EXAMPLES)
def test_node_link_data_is_json(name: str) -> None:
    fg = flowgraph.graph(example(name))
    doc = nx.node_link_data(fg.nx)
    back = json.loads(json.dumps(doc, allow_nan=False))
    assert back["directed"] is True
    assert {n["id"] for n in back["nodes"]} == set(fg.nx)


@pytest.mark.skipif(importlib.util.find_spec("pydot") is None, reason="pydot is not installed")
def test_pydot_takes_it() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    dot = nx.nx_pydot.to_pydot(fg.nx)
    assert len(dot.get_nodes()) >= fg.nx.number_of_nodes()


def test_the_plain_graph_mirrors_the_own_one() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    own, g = fg.graph.edges["gen", "approve"], fg.nx.edges["gen", "approve"]
    assert own["kinds"] == ("data", "depends_on") and g["kinds"] == "data+depends_on"
    assert g["kind"] == own["kind"] == "data"
    assert fg.graph.edges["approve", "upscale"]["inputs"] == ()
    assert fg.nx.edges["approve", "upscale"]["inputs"] == ""
    node = fg.nx.nodes["gen"]
    assert "node" not in node and "timing" not in node
    assert None not in node.values()
    assert {k: v for k, v in fg.graph.nodes["gen"].items()
            if v is not None and k not in ("node", "timing")} == node


def test_edge_inputs_join_with_a_comma() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "a", "type": "model"},
        {"id": "b", "type": "model", "inputs": [{"name": "prompt", "ref": {"node": "a"}},
                                                 {"name": "image", "ref": {"node": "a"}}]}]}})
    assert fg.graph.edges["a", "b"]["inputs"] == ("prompt", "image")
    assert fg.nx.edges["a", "b"]["inputs"] == "prompt,image"


def test_equal_is_json_text_unless_a_string() -> None:
    def flow(equal: Any) -> flowgraph.FlowGraph:
        return flowgraph.graph({"jobId": "j", "metadata": {"flow": [
            {"id": "pick", "type": "if-else"},
            {"id": "b", "type": "model",
             "inputs": [{"name": "x", "ref": {"node": "pick", "equal": equal}}]}]}})

    cases = [("if1", "if1"), (1, "1"), (True, "true"), ({"a": [1, "x"]}, '{"a":[1,"x"]}')]
    for equal, text in cases:
        fg = flow(equal)
        assert fg.graph.edges["pick", "b"]["equal"] == equal
        assert fg.nx.edges["pick", "b"]["equal"] == text


def test_timings_become_seconds_and_stay_behind_fg_timing() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    timed = [n for n in fg.graph if fg.timing(n) is not None]
    assert timed
    for n in timed:
        t = fg.timing(n)
        assert isinstance(t, Timing) and t is fg.graph.nodes[n]["timing"]
        d = fg.nx.nodes[n]
        for key, value in (("queue_seconds", t.queue), ("run_seconds", t.run),
                           ("total_seconds", t.total)):
            assert d.get(key) == value
    assert fg.timing("input:idea") is None
    with pytest.raises(NodeNotFoundError):
        fg.timing("nope")
    assert fg.node("gen") is fg.graph.nodes["gen"]["node"]


def test_queries_never_build_it() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    fg.blocked()
    fg.critical_path()
    assert "nx" not in fg.__dict__  # a cached_property: set on first access only
    fg.lint()
    fg.summary()
    fg.snapshot(statuses=True, copies=True)
    fg.errors()
    fg.cost()
    fg.to_node_link()
    fg.to_mermaid()
    fg.to_dot()
    fg.upstream("contact-sheet")
    assert "nx" not in fg.__dict__
    g = fg.nx
    assert fg.nx is g  # built once


def test_changing_it_changes_no_answer() -> None:
    before = [b.node for b in flowgraph.graph(example("approval-parked.json")).blocked()]
    fg = flowgraph.graph(example("approval-parked.json"))
    fg.nx.remove_node("approve")
    fg.nx.nodes["gen"]["status"] = "failure"
    assert [b.node for b in fg.blocked()] == before
    assert "approve" in fg.graph
