"""The critical path: the chain of dependent nodes that decides how long the run takes.

Node weights: ``duration`` (queue + run seconds of the node's own job, from the bundle's node
jobs), ``queue`` or ``run`` alone, or ``hops`` (every flow node counts 1). Skipped nodes
weigh 0. ``auto`` picks
``duration`` when any node's timing is known, else ``hops``. Nodes without a known time (engine
nodes, jobs still running, node jobs not loaded) weigh 0 and are listed in ``unknown``.
networkx's ``dag_longest_path`` weighs edges only, so this is one pass over a topological order
(:func:`flowgraph.order.execution_order`) and one back.

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
...     {"id": "a"}, {"id": "b", "dependsOn": ["a"]}, {"id": "c", "dependsOn": ["a"]},
...     {"id": "d", "dependsOn": ["b"]}]}})
>>> cp = fg.critical_path("hops")
>>> cp.nodes, cp.total, cp.slack["c"]
(['a', 'b', 'd'], 3.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from ._graph import adjacency
from .errors import CycleError, FlowgraphError
from .order import execution_order
from .vocab import WEIGHTS

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["WEIGHTS", "CriticalPath", "critical_path"]


@dataclass
class CriticalPath:
    """``nodes`` in order, their ``total`` weight, and per-node ``slack`` (0 on the path)."""

    weight: str
    nodes: list[str]
    total: float
    slack: dict[str, float] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON printed by ``flowgraph critical-path --json``."""
        return {
            "weight": self.weight,
            "nodes": self.nodes,
            "total": self.total,
            "entries": self.entries,
            "unknown": self.unknown,
            "slack": dict(sorted(self.slack.items())),
        }


def _weights(g: nx.DiGraph[str], weight: str) -> tuple[dict[str, float], list[str], set[str]]:
    """Node weights, the nodes whose weight is unknown (sorted), and the nodes that are not
    flow nodes (workflow inputs, placeholders: they get no slack)."""
    out: dict[str, float] = {}
    unknown: list[str] = []
    others: set[str] = set()
    nodes = adjacency(g)[0]
    for n, d in nodes.items():
        if d.get("role") != "node":
            out[n] = 0.0
            others.add(n)
            continue
        if d.get("status") == "skipped":
            out[n] = 0.0
            continue
        if weight == "hops":
            out[n] = 1.0
            continue
        timing = d.get("timing")
        value = getattr(timing, "total" if weight == "duration" else weight, None)
        if value is None or math.isnan(value):  # unknown, or NaN (set by hand): weighs nothing
            out[n] = 0.0
            if d.get("job_id") is not None or weight != "duration":
                unknown.append(n)
        else:
            out[n] = float(value)
    return out, sorted(unknown), others


def critical_path(fg: GraphData, weight: str = "auto") -> CriticalPath:
    """Compute the critical path of ``fg`` with node weights ``weight`` (see module doc)."""
    if weight not in WEIGHTS:
        raise FlowgraphError(f"unknown weight {weight!r}: expected one of {', '.join(WEIGHTS)}")
    g = fg.execution
    nodes, pred, succ = adjacency(g)
    if weight == "auto":
        timed = any(d.get("timing") is not None for d in nodes.values())
        weight = "duration" if timed else "hops"
    found = execution_order(g)
    if found is None:
        raise CycleError([u for u, _ in nx.find_cycle(g)])
    order = found.nodes  # any topological order gives the same answer: ties compare ids
    w, unknown, others = _weights(g, weight)
    finish: dict[str, float] = {}
    best: dict[str, str | None] = {}
    for n in order:
        top, arg = 0.0, None
        for p in pred[n]:
            f = finish[p]
            if arg is None or f > top or (f == top and p < arg):
                top, arg = f, p
        finish[n] = top + w[n]
        best[n] = arg
    if not order:
        return CriticalPath(weight, [], 0.0)
    top = max(finish.values())
    end = min(n for n in order if finish[n] == top)  # the largest finish, smallest id first
    path: list[str] = []
    cur: str | None = end
    while cur is not None:
        path.append(cur)
        cur = best[cur]
    path.reverse()
    # drop weightless inputs/placeholders at the start
    while len(path) > 1 and nodes[path[0]].get("role") != "node":
        path.pop(0)
    total = finish[end]
    latest: dict[str, float] = {}
    for n in reversed(order):
        low: float | None = None  # min(..., default=total), without a generator per node
        for s in succ[n]:
            value = latest[s] - w[s]
            if low is None or value < low:
                low = value
        latest[n] = total if low is None else low
    slack = {  # round(x, 6) is x itself for a whole number, and costs more than the test
        n: x if (x := latest[n] - finish[n]).is_integer() else round(x, 6)
        for n in order
        if n not in others
    }
    entries = []
    for n in path:
        timing = nodes[n].get("timing")
        entries.append(
            {
                "node": n,
                "type": nodes[n].get("type"),
                "status": nodes[n].get("status"),
                "weight": w[n],
                "queue": getattr(timing, "queue", None),
                "run": getattr(timing, "run", None),
                "share": (w[n] / total) if total else 0.0,
            }
        )
    on_path = set(path)
    return CriticalPath(
        weight=weight,
        nodes=path,
        total=round(total, 6),
        slack=slack,
        unknown=[n for n in unknown if n in on_path],
        entries=entries,
    )
