"""Property-based: arbitrary JSON-shaped payloads and mutated fixtures through load, build and
every query. Only FlowgraphError may escape, and nothing hangs (hypothesis' deadline)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowgraph
from tests.conftest import example, fixture

KEYS = ["id", "type", "status", "inputs", "dependsOn", "ref", "node", "name", "conditional",
        "equal", "items", "loopNodeId", "iterationIndex", "loopBodyNodeIds", "jobId", "logic",
        "cases", "default", "output", "count", "flow", "metadata", "job", "jobId", "nodeJobs",
        "statusHistory", "billing", "workflow", "value", "a", "b"]
IDS = st.sampled_from(["a", "b", "c", "workflow", "", "x y", "each", "a:b"])
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | IDS
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=25,
)
SETTINGS = settings(max_examples=250, deadline=timedelta(seconds=2),
                    suppress_health_check=[HealthCheck.too_slow])


def exercise(source: Any) -> None:
    try:
        fg = flowgraph.graph(source)
    except flowgraph.FlowgraphError:
        return
    fg.lint()
    fg.blocked()
    fg.summary()
    fg.snapshot(statuses=True)
    fg.snapshot(copies=True)
    fg.to_node_link()
    try:
        fg.critical_path()
    except flowgraph.CycleError:
        pass
    for node in list(fg.nx)[:3]:
        fg.upstream(node)
        fg.downstream(node)


@SETTINGS
@given(JSONISH)
def test_arbitrary_json(payload: Any) -> None:
    exercise(payload)
    exercise({"jobId": "j", "metadata": {"flow": payload}})


NODE = st.fixed_dictionaries(
    {"id": IDS},
    optional={
        "type": st.sampled_from(["model", "for-each", "logic", "user-approval", "user-selection", "quantum"]),
        "status": st.sampled_from(["success", "failure", "pending", "processing", "skipped", "rejected", "zzz"]),
        "dependsOn": st.lists(IDS, max_size=3),
        "loopNodeId": IDS,
        "iterationIndex": st.integers(0, 2),
        "loopBodyNodeIds": st.lists(IDS, max_size=3),
        "inputs": st.lists(st.fixed_dictionaries({"name": IDS}, optional={
            "ref": st.fixed_dictionaries({}, optional={"node": IDS, "conditional": st.lists(IDS, max_size=2),
                                                       "equal": IDS})}), max_size=3),
        "output": IDS,
    },
)


@SETTINGS
@given(st.lists(NODE, max_size=12), st.sampled_from(["in-progress", "failure", "canceled", "paused"]))
def test_arbitrary_flows(flow: list[dict[str, Any]], status: str) -> None:
    exercise({"jobId": "j", "status": status, "metadata": {"flow": flow}})


FIXTURES = [json.loads(p.read_text()) for p in [
    example("foreach-failed.json"), example("nested-loops.json"), example("approval-parked.json"),
    fixture("broken.json")]]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@SETTINGS
@given(st.integers(0, len(FIXTURES) - 1), st.integers(0, 10_000), JSONISH)
def test_mutated_fixtures(which: int, where: int, replacement: Any) -> None:
    data = copy.deepcopy(FIXTURES[which])
    paths = _paths(data)[1:]
    path = paths[where % len(paths)]
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    exercise(data)


# -- answers that must not depend on the order of metadata.flow ---------------------------------
STATUSES = st.sampled_from(["success", "success", "pending", "processing", "failure", "skipped"])


@st.composite
def dags(draw: Any) -> list[dict[str, Any]]:
    """A random acyclic flow: node i depends on earlier nodes; some gates, some failures."""
    n = draw(st.integers(1, 14))
    flow = []
    for i in range(n):
        deps = draw(st.lists(st.integers(0, max(i - 1, 0)), max_size=3, unique=True)) if i else []
        gate = draw(st.booleans()) and draw(st.booleans())
        flow.append({"id": f"n{i:02d}", "type": "user-approval" if gate else "model",
                     "status": "pending" if gate else draw(STATUSES),
                     "dependsOn": [f"n{d:02d}" for d in deps]})
    return flow


def answers(flow: list[dict[str, Any]], status: str) -> tuple[Any, ...]:
    fg = flowgraph.graph({"jobId": "j", "status": status, "metadata": {"flow": flow}})
    cp = fg.critical_path("hops")
    return ([b.as_dict() for b in fg.blocked()], cp.nodes, cp.total,
            sorted(cp.slack.items()))


@settings(max_examples=200, deadline=timedelta(seconds=2))
@given(dags(), st.sampled_from(["in-progress", "failure"]), st.randoms(use_true_random=False))
def test_blocked_and_critical_path_ignore_the_flow_order(
    flow: list[dict[str, Any]], status: str, rnd: Any
) -> None:
    shuffled = flow[:]
    rnd.shuffle(shuffled)
    got = answers(shuffled, status)
    assert got == answers(flow, status)
    # blocked comes in dependency order: nothing after a node is one of its ancestors
    fg = flowgraph.graph({"jobId": "j", "status": status, "metadata": {"flow": flow}})
    listed = [b["node"] for b in got[0]]
    for i, node in enumerate(listed):
        assert not set(listed[i + 1:]) & set(fg.upstream(node))


@settings(max_examples=200, deadline=timedelta(seconds=2))
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=30),
       st.permutations(list(range(13))))
def test_keyed_order_is_networkxs_lexicographical_order(
    edges: list[tuple[int, int]], rank: list[int]
) -> None:
    import networkx as nx

    from flowgraph.order import keyed_order

    g = nx.DiGraph()
    g.add_nodes_from(f"n{i}" for i in range(13))
    g.add_edges_from((f"n{a}", f"n{b}") for a, b in edges)
    key = {f"n{i}": (rank[i] % 4, f"n{i}") for i in range(13)}.__getitem__  # ties on rank
    try:
        expected = list(nx.lexicographical_topological_sort(g, key=key))
    except nx.NetworkXUnfeasible:
        expected = None
    assert keyed_order(g, key) == expected


@settings(max_examples=300, deadline=timedelta(seconds=2))
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_clean_keeps_exactly_the_characters_keep_allows(text: str) -> None:
    from flowgraph._text import _BREAKS, _keep, clean

    raw = _BREAKS.sub("\n", text).replace("\t", " ")
    assert clean(text, max_length=10**6) == "".join(ch for ch in raw if _keep(ch))
