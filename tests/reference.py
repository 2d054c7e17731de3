"""A reference implementation on networkx, slow and plain, for the differential tests.

flowgraph's own passes are written for speed (its own dict graph, one linear pass each, tie-breaks
folded into one number); these are written from the rules in the modules' docs, with networkx's
``DiGraph`` and its algorithms, so that a speed-up cannot change an answer unnoticed:

* :func:`edges`: the typed edges of a flow without loops (refs, branches, conditional refs,
  ``inputs_array`` items, ``dependsOn``, workflow inputs, missing placeholders);
* :func:`depths`: each node's depth, the number of edges on the longest path reaching it;
* :func:`critical`: the critical path by enumeration (small graphs) or its total and slack by
  dynamic programming over ``nx.topological_sort`` (any size);
* :func:`random_flow`: the seeded random flows they are compared on;
* :func:`answers`: every answer of a graph as plain JSON text (what the recorded answers hold).
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import networkx as nx

import flowgraph
from flowgraph.blocked import not_taken
from flowgraph.critical import _LIVE
from flowgraph.order import execution_order
from flowgraph.vocab import EDGE_RANK

IDS = ["a", "b", "c", "d", "e", "workflow", "", "x y", "each", "a:b"]
TYPES = ["model", "for-each", "logic", "user-approval", "user-selection", "quantum", "workflow"]
STATUSES = ["success", "failure", "pending", "processing", "skipped", "rejected", "zzz"]


def random_flow(rng: random.Random, loops: bool = True) -> dict[str, Any]:
    """A small run with arbitrary ids, types, statuses, refs, branches, items and dependsOn
    (and, when ``loops``, loop copies and bodies): what the differential tests are run on."""
    flow = []
    for _ in range(rng.randint(0, 12)):
        node: dict[str, Any] = {"id": rng.choice(IDS)}
        if rng.random() < 0.9:
            node["type"] = rng.choice(TYPES if loops else [t for t in TYPES if t != "for-each"])
        if rng.random() < 0.9:
            node["status"] = rng.choice(STATUSES)
        if rng.random() < 0.4:
            node["dependsOn"] = rng.sample(IDS, rng.randint(0, 3))
        if loops and rng.random() < 0.4:
            node["loopNodeId"] = rng.choice(IDS)
        if loops and rng.random() < 0.4:
            node["iterationIndex"] = rng.randint(0, 2)
        if loops and rng.random() < 0.3:
            node["loopBodyNodeIds"] = rng.sample(IDS, rng.randint(0, 3))
        if rng.random() < 0.3:
            node["output"] = rng.choice(IDS)
        inputs = []
        for _ in range(rng.randint(0, 3)):
            inp: dict[str, Any] = {"name": rng.choice(IDS)}
            if rng.random() < 0.8:
                ref: dict[str, Any] = {}
                if rng.random() < 0.8:
                    ref["node"] = rng.choice(IDS)
                if rng.random() < 0.2:
                    ref["conditional"] = rng.sample(IDS, rng.randint(0, 2))
                if rng.random() < 0.3:
                    ref["equal"] = rng.choice(IDS)
                inp["ref"] = ref
            if rng.random() < 0.1:
                inp["type"] = "inputs_array"
                inp["items"] = [[{"name": "q", "ref": {"node": rng.choice(IDS)}}]]
            inputs.append(inp)
        if inputs:
            node["inputs"] = inputs
        flow.append(node)
    status = rng.choice(["in-progress", "failure", "canceled", "paused", "success"])
    return {"jobId": "j", "status": status, "metadata": {"flow": flow}}


# -- edges of a flow without loops ----------------------------------------------------------
def edges(payload: dict[str, Any]) -> dict[tuple[str, str], tuple[str, set[str], list[str]]]:
    """``(source, target) -> (kind, kinds, input names)`` of a flow without loops whose ids are
    unique: every relation the builder's table names, merged per pair of nodes, the strongest
    kind first."""
    flow = payload["metadata"]["flow"]
    ids = {node["id"] for node in flow}
    g: nx.DiGraph[str] = nx.DiGraph()

    def key(ref_node: str, name: str | None) -> str:
        if ref_node != "workflow":
            return ref_node
        k = f"input:{name or ''}"
        while k in ids:
            k = "input:" + k
        return k

    def relate(source: str, target: str, kind: str, name: str | None) -> None:
        if not g.has_edge(source, target):
            g.add_edge(source, target, kinds=set(), inputs=[])
        data = g.edges[source, target]
        data["kinds"].add(kind)
        if name and name not in data["inputs"]:
            data["inputs"].append(name)

    def walk(target: str, inp: dict[str, Any], kind: str) -> None:
        ref = inp.get("ref") or {}
        if ref.get("node") is not None:
            branch = "branch" if ref.get("equal") is not None else kind
            relate(key(ref["node"], ref.get("name")), target, branch, inp.get("name"))
        for cond in ref.get("conditional") or ():
            relate(key(cond, None), target, "conditional", inp.get("name"))
        for item in inp.get("items") or ():
            for sub in item:
                walk(target, sub, "item")

    for node in flow:
        for inp in node.get("inputs") or ():
            walk(node["id"], inp, "data")
        for dep in node.get("dependsOn") or ():
            relate(dep, node["id"], "depends_on", None)
    return {
        (u, v): (min(d["kinds"], key=EDGE_RANK.__getitem__), d["kinds"], d["inputs"])
        for u, v, d in g.edges(data=True)
    }


# -- order and critical path ----------------------------------------------------------------
def _nx_graph(g: Any) -> nx.DiGraph[str]:
    """A networkx copy of flowgraph's own graph ``g`` (nodes in order, attributes shared)."""
    h: nx.DiGraph[str] = nx.DiGraph()
    h.add_nodes_from(g.nodes(data=True))
    h.add_edges_from(g.edges(data=True))
    return h


def depths(g: Any) -> dict[str, int]:
    """Every node's depth in the acyclic graph ``g``: edges on the longest path reaching it."""
    h = _nx_graph(g)
    depth: dict[str, int] = {}
    for n in nx.topological_sort(h):
        depth[n] = max((depth[p] + 1 for p in h.predecessors(n)), default=0)
    return depth


def weights(fg: flowgraph.FlowGraph, weight: str) -> dict[str, float]:
    """Node weights as the critical path's doc states them: inputs, placeholders and skipped
    nodes (by status, or a branch not taken) weigh 0; ``hops`` 1 each; else the node job's
    time (0 when unknown)."""
    skipped = not_taken(fg)
    out: dict[str, float] = {}
    for n, d in fg.execution.nodes(data=True):
        if d.get("role") != "node" or d.get("status") == "skipped" or n in skipped:
            out[n] = 0.0
        elif weight == "hops":
            out[n] = 1.0
        else:
            t = d.get("timing")
            value = getattr(t, "total" if weight == "duration" else weight, None)
            out[n] = 0.0 if value is None or math.isnan(value) else float(value)
    return out


def critical(fg: flowgraph.FlowGraph, weight: str, enumerate_paths: bool) -> dict[str, Any]:
    """The critical path of a run (not a definition) by ``weight``: its total and every flow
    node's slack by dynamic programming; with ``enumerate_paths`` also its nodes, chosen among
    all paths from a node without predecessors: the largest total, then the most nodes not
    skipped, then the fewest nodes, then the smallest ids from the end back; leading inputs
    and placeholders dropped."""
    h = _nx_graph(fg.execution)
    w = weights(fg, weight)
    order = list(nx.topological_sort(h))
    finish: dict[str, float] = {}
    for n in order:
        finish[n] = max((finish[p] for p in h.predecessors(n)), default=0.0) + w[n]
    total = max(finish.values(), default=0.0)
    latest: dict[str, float] = {}
    for n in reversed(order):
        latest[n] = min((latest[s] - w[s] for s in h.successors(n)), default=total)
    roles = dict(h.nodes(data="role"))
    slack = {n: round(latest[n] - finish[n], 6) for n in order if roles[n] == "node"}
    out: dict[str, Any] = {"total": round(total, 6), "slack": slack, "nodes": []}
    if enumerate_paths and order:
        gone = not_taken(fg)
        light = {  # inputs, placeholders and skipped nodes: they count as no node
            n
            for n in order
            if roles[n] != "node" or h.nodes[n].get("status") == "skipped" or n in gone
        }
        best: tuple[Any, ...] | None = None
        for start in (n for n in order if not h.pred[n]):
            for end in order:
                for path in [[start]] if start == end else nx.all_simple_paths(h, start, end):
                    live = sum(1 for n in path if n not in light)
                    total_w = 0.0
                    for n in path:
                        total_w += w[n]
                    # largest total, most live nodes (a live node outweighs any count), fewest
                    # nodes, then the smallest ids from the end back
                    rank = live * _LIVE - len(path)
                    candidate = (total_w, rank, _Reversed(path))
                    if best is None or candidate > best:
                        best = candidate
        assert best is not None
        path = list(best[2].path)
        while len(path) > 1 and roles[path[0]] != "node":
            path.pop(0)
        out["nodes"] = path
    return out


class _Reversed:
    """A path compared from its end back, the smaller ids winning: ``a > b`` when ``a``'s ids,
    read from the end, are smaller at the first place they differ."""

    def __init__(self, path: list[str]) -> None:
        self.path = path

    def __gt__(self, other: _Reversed) -> bool:
        return self.path[::-1] < other.path[::-1]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.path == other.path


# -- every answer of a graph, as text ---------------------------------------------------------
def answers(fg: flowgraph.FlowGraph) -> str:
    """The graph (nodes and attributes, edges in order), the build's findings, the loops, the
    execution order, the critical path by hops and by the automatic weight, blocked, lint and
    the snapshot, as one JSON text (plain values only: stable across Python and msgspec
    versions). blocked and the critical paths are asked for first: they read the integer core
    only, so they run before the graph's attribute dicts are made (and the answers must not
    change when the dicts are made late)."""
    early: dict[str, Any] = {"blocked": [b.as_dict() for b in fg.blocked()]}
    for weight in ("hops", "auto"):
        try:
            early["cp-" + weight] = fg.critical_path(weight).as_dict()
        except flowgraph.FlowgraphError as exc:
            early["cp-" + weight] = str(exc)
    nodes = []
    for n, d in fg.graph.nodes(data=True):
        attrs = {k: v for k, v in d.items() if k not in ("node", "timing")}
        timing = d.get("timing")
        if timing is not None:
            attrs["timing"] = [timing.queue, timing.run, timing.total]
        nodes.append([n, attrs])
    edge_list = [
        [u, v, d["kind"], list(d["kinds"]), list(d["inputs"]), d.get("equal")]
        for u, v, d in fg.graph.edges(data=True)
    ]
    ordered = execution_order(fg.execution)
    out: dict[str, Any] = {
        "nodes": nodes,
        "edges": edge_list,
        "findings": [f.as_dict() for f in fg.build_findings],
        "loops": {k: [loop.body, sorted(loop.iterations.items())] for k, loop in fg.loops.items()},
        "inputs": fg.inputs,
        "order": None if ordered is None else [ordered.nodes, ordered.depth],
        "lint": [f.as_dict() for f in fg.lint()],
        **early,
    }
    try:
        out["snapshot"] = fg.snapshot(statuses=True)
    except flowgraph.FlowgraphError as exc:
        out["snapshot"] = str(exc)
    return json.dumps(out, sort_keys=True, default=repr)
