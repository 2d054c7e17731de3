"""The critical path: the chain of dependent nodes that decides how long the run takes.

Node weights: ``duration`` (queue + run seconds of the node's own job, from the bundle's node
jobs), ``queue`` or ``run`` alone, or ``hops`` (every flow node counts 1). Skipped nodes, and
nodes on a branch not taken (:func:`flowgraph.blocked.not_taken`: they will be skipped),
weigh 0. ``auto`` picks ``duration`` when any node's timing is known, else ``hops``. Nodes
without a known time (engine nodes, jobs still running, node jobs not loaded) weigh 0 and are
listed in ``unknown``. A time asked for that no node has (``duration`` on a run without node
jobs) falls back to ``hops`` and says so (``fallback``, ``note``), rather than a 0 s path.

Ties do not depend on ids or the flow's order where it matters: of the chains of equal weight
the path takes the one with the most nodes that are not skipped (then the fewest nodes), so
the pending nodes, and nodes of unknown time, that follow the path's last timed node are always
on it; only chains equal in all of that are told apart by id (the smallest first).

A workflow definition has no loop copies, so nothing links a loop's body to what reads the
loop; here the body's last templates come before the loop's readers, as a run's last copies
do. In a definition statuses are ignored (they may carry one, but nothing ran).

networkx's ``dag_longest_path`` weighs edges only, so this is one pass over a topological order
(:func:`flowgraph.order.execution_order`) and one back.

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
...     {"id": "a"}, {"id": "b", "dependsOn": ["a"]}, {"id": "c", "dependsOn": ["a"]},
...     {"id": "d", "dependsOn": ["b"]}]}})
>>> cp = fg.critical_path("hops")
>>> cp.nodes, cp.total, cp.slack["c"]
(['a', 'b', 'd'], 3.0, 1.0)
>>> cp = fg.critical_path("duration")  # no node jobs: no time known
>>> cp.weight, cp.fallback, cp.total
('hops', 'duration', 3.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._digraph import Digraph, find_cycle
from ._graph import adjacency
from .blocked import not_taken
from .errors import CycleError, FlowgraphError
from .order import execution_order
from .subflows import child_graph
from .vocab import DEPENDENCY_KINDS, WEIGHTS

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["WEIGHTS", "CriticalPath", "critical_path"]

_LIVE = 1 << 40  # more than the nodes of any run: a node not skipped outweighs any count


@dataclass
class CriticalPath:
    """``nodes`` in order, their ``total`` weight, and per-node ``slack`` (0 on the path).

    ``weight`` is the weight used; ``fallback`` the one asked for when no node had it (then
    ``weight`` is ``hops``), with a ``note`` for people saying so."""

    weight: str
    nodes: list[str]
    total: float
    slack: dict[str, float] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    fallback: str | None = None
    note: str = ""
    #: a sub-workflow node on the path -> the critical path inside its child job (paths:
    #: ``brand/logo``), when the bundle holds it; their ``entries`` follow the node's own
    inside: dict[str, list[str]] = field(default_factory=dict)
    #: every node's weight (not in :meth:`as_dict`): what the slack column ranks by
    weights: dict[str, float] = field(default_factory=dict, repr=False)
    #: the pass itself (not in :meth:`as_dict`; for :mod:`flowgraph.whatif`): the topological
    #: order, each node's earliest finish and the longest chain after it (unrounded)
    order: list[str] = field(default_factory=list, repr=False)
    finish: dict[str, float] = field(default_factory=dict, repr=False)
    after: dict[str, float] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON printed by ``flowgraph critical-path --json``."""
        return {
            "weight": self.weight,
            "nodes": self.nodes,
            "total": self.total,
            "entries": self.entries,
            "unknown": self.unknown,
            "slack": dict(sorted(self.slack.items())),
            "fallback": self.fallback,
            "note": self.note,
            **({"inside": self.inside} if self.inside else {}),
        }


def _weights(
    g: Digraph, weight: str, definition: bool = False, skipped: set[str] | None = None
) -> tuple[dict[str, float], list[str], set[str], set[str]]:
    """Node weights, the nodes whose weight is unknown (sorted), the nodes that are not flow
    nodes (workflow inputs, placeholders: they get no slack) and the skipped nodes (those
    ``skipped`` names, that will be, and in a run those whose status says so)."""
    out: dict[str, float] = {}
    unknown: list[str] = []
    others: set[str] = set()
    skipped = set() if skipped is None else skipped
    nodes = adjacency(g)[0]
    for n, d in nodes.items():
        if d.get("role") != "node":
            out[n] = 0.0
            others.add(n)
            continue
        if n in skipped or (d.get("status") == "skipped" and not definition):
            out[n] = 0.0
            skipped.add(n)
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
    return out, sorted(unknown), others, skipped


def _inside(
    n: str, child: GraphData, weight: str, total: float, inside: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """The entries of the critical path inside the sub-workflow node ``n`` (its child graph),
    ids made paths (``n/inner``) and shares of the run's ``total``; ``inside`` gets the path."""
    try:
        inner = critical_path(child, weight)
    except FlowgraphError:  # a cycle in the child: its path is not known
        return []
    inside[n] = [f"{n}/{m}" for m in inner.nodes]
    inside.update((f"{n}/{k}", [f"{n}/{m}" for m in v]) for k, v in inner.inside.items())
    same = inner.weight == weight  # else the child fell back to hops: no time to share
    return [
        {
            **e,
            "node": f"{n}/{e['node']}",
            "inside": n if e.get("inside") is None else f"{n}/{e['inside']}",
            "weight": e["weight"] if same else None,
            "share": (e["weight"] / total) if total and same and e["weight"] is not None else None,
        }
        for e in inner.entries
    ]


def _known(g: Digraph, weight: str) -> bool:
    """True when some flow node of ``g`` has a known ``weight`` (a time)."""
    attr = "total" if weight == "duration" else weight
    for d in adjacency(g)[0].values():
        value = getattr(d.get("timing"), attr, None)
        if value is not None and not math.isnan(value):
            return True
    return False


def _definition_graph(fg: GraphData) -> Digraph:
    """A definition's graph with an edge from the last templates of each loop's body (inner
    loops' bodies included) to each node that reads the loop: what a run's loop results are.
    The graph itself when there is nothing to add or the edges would make a cycle."""
    g = fg.execution
    if not fg.job.definition or not fg.loops:
        return g
    _, pred, succ = adjacency(g)
    added: set[tuple[str, str]] = set()
    for loop_id, loop in fg.loops.items():
        members: set[str] = set()
        todo, seen = list(loop.body), {loop_id}
        while todo:  # each loop once: loops that list each other cannot make it loop
            t = todo.pop()
            if t in seen or t not in succ:
                continue
            seen.add(t)
            members.add(t)
            inner = fg.loops.get(t)
            todo += inner.body if inner is not None else ()
        readers = [
            r
            for r, d in succ[loop_id].items()
            if r not in members and DEPENDENCY_KINDS.intersection(d["kinds"])
        ]
        for t in members if readers else ():
            if not any(s in members and d["kind"] != "loop_body" for s, d in succ[t].items()):
                added.update((t, r) for r in readers if t != r and r not in pred[t])
    if not added:
        return g
    h = g.copy()
    h.add_edges_from(sorted(added), kind="loop_result", kinds=("loop_result",), inputs=())
    h.frozen = True
    return h if execution_order(h) is not None else g


def critical_path(
    fg: GraphData, weight: str = "auto", *, override: Mapping[str, float] | None = None
) -> CriticalPath:
    """Compute the critical path of ``fg`` with node weights ``weight`` (see module doc);
    ``override`` replaces the weights of the nodes it names (what :mod:`flowgraph.whatif`
    changes)."""
    if weight not in WEIGHTS:
        raise FlowgraphError(f"unknown weight {weight!r}: expected one of {', '.join(WEIGHTS)}")
    g = fg.execution
    if weight == "auto":  # timings come from node jobs: none in the bundle, none at all
        timed = bool(fg.job.node_jobs) and any(
            d.get("timing") is not None for d in adjacency(g)[0].values()
        )
        weight = "duration" if timed else "hops"
    fallback, note = None, ""
    if weight != "hops" and not _known(g, weight):
        fallback, weight = weight, "hops"
        note = (
            f"no node has a known {fallback} time (they come from the node jobs: "
            "`flowgraph fetch --node-jobs` saves them): counted hops instead"
        )
    if execution_order(g) is None:
        raise CycleError(find_cycle(g))
    g = _definition_graph(fg)
    nodes, pred, succ = adjacency(g)
    ordered = execution_order(g)
    assert ordered is not None  # _definition_graph adds no cycle
    order = ordered.nodes  # any topological order gives the same answer (see the module doc)
    w, unknown, others, skipped = _weights(g, weight, fg.job.definition, not_taken(fg))
    if override:
        w.update((n, float(v)) for n, v in override.items() if n in w and n not in skipped)
    finish: dict[str, float] = {}
    # the tie-break of the best chain to a node: its nodes not skipped, then minus all its
    # nodes, as one number (_LIVE per node not skipped, -1 per node)
    rank: dict[str, int] = {}
    best: dict[str, str | None] = {}
    light = skipped | others
    for n in order:
        top, arg, r = 0.0, None, 0
        for p in pred[n]:
            f = finish[p]
            if arg is None or f > top:
                top, arg, r = f, p, rank[p]
            elif f == top:
                rp = rank[p]
                if rp > r or (rp == r and p < arg):
                    arg, r = p, rp
        finish[n] = top + w[n]
        best[n] = arg
        rank[n] = r - 1 if n in light else r + _LIVE - 1
    if not order:
        return CriticalPath(weight, [], 0.0, fallback=fallback, note=note)
    top = max(finish.values())
    # the largest finish, then the most nodes not skipped, the fewest nodes, the smallest id
    end = min((n for n in order if finish[n] == top), key=lambda n: (-rank[n], n))
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
    start: dict[str, float] = {}  # the latest start of a node: its latest finish - its weight
    latest_start = start.__getitem__
    for n in reversed(order):
        after = succ[n]
        low = min(map(latest_start, after)) if after else total
        latest[n] = low
        start[n] = low - w[n]
    slack = {  # round(x, 6) is x itself for a whole number, and costs more than the test
        n: x if (x := latest[n] - finish[n]).is_integer() else round(x, 6)
        for n in order
        if n not in others
    }
    entries = []
    inside: dict[str, list[str]] = {}
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
        child = child_graph(fg, n) if nodes[n].get("type") == "workflow" else None
        if child is not None:  # the path goes on inside the sub-workflow's own job
            entries += _inside(n, child, weight, total, inside)
    on_path = set(path)
    return CriticalPath(
        weight=weight,
        nodes=path,
        total=round(total, 6),
        slack=slack,
        unknown=[n for n in unknown if n in on_path],
        entries=entries,
        inside=inside,
        fallback=fallback,
        note=note,
        weights=w,
        order=order,
        finish=finish,
        after={n: total - x for n, x in latest.items()},
    )
