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
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

from ._core import Core
from ._digraph import Digraph, find_cycle
from ._graph import neighbours
from .blocked import not_taken
from .errors import CycleError, FlowgraphError
from .order import core_of, numbered_order
from .subflows import child_graph
from .vocab import DEPENDENCY_KINDS, WEIGHTS

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["WEIGHTS", "CriticalPath", "critical_path"]

_LIVE = 1 << 40  # more than the nodes of any run: a node not skipped outweighs any count


class _Slack:
    """:attr:`CriticalPath.slack`: the dict given, else made from the pass on first read (the
    ``critical-path`` text and ``fg.critical_path()`` callers that read only the path skip a
    dict of every node: ~2 ms at 10k nodes). A dataclass field's descriptor: its default
    (None) means "from the pass"."""

    @overload
    def __get__(self, cp: None, owner: type | None = None) -> None: ...
    @overload
    def __get__(self, cp: CriticalPath, owner: type | None = None) -> dict[str, float]: ...
    def __get__(
        self, cp: CriticalPath | None, owner: type | None = None
    ) -> dict[str, float] | None:
        if cp is None:
            return None  # the field's default
        kept: dict[str, float] | None = cp.__dict__.get("_slack")
        if kept is None:
            kept = cp.__dict__["_slack"] = _slack_of(cp)
        return kept

    def __set__(self, cp: CriticalPath, value: dict[str, float] | None) -> None:
        cp.__dict__["_slack"] = value


@dataclass
class CriticalPath:
    """``nodes`` in order, their ``total`` weight, and per-node ``slack`` (0 on the path).

    ``weight`` is the weight used; ``fallback`` the one asked for when no node had it (then
    ``weight`` is ``hops``), with a ``note`` for people saying so."""

    weight: str
    nodes: list[str]
    total: float
    slack: _Slack = _Slack()  # a dict[str, float]: made from the pass when first read
    unknown: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    fallback: str | None = None
    note: str = ""
    #: a sub-workflow node on the path -> the critical path inside its child job (paths:
    #: ``brand/logo``), when the bundle holds it; their ``entries`` follow the node's own
    inside: dict[str, list[str]] = field(default_factory=dict)
    #: the pass itself by node number (not in :meth:`as_dict`; for :mod:`flowgraph.whatif`):
    #: the graph's :class:`~flowgraph._core.Core`, the order, each node's finish and latest
    #: finish, its weight, and the total (unrounded); None for an empty graph. ``weights``,
    #: ``order``, ``finish``, ``after`` and ``slack`` are its views by id, made when first read
    numbered: tuple[Core, list[int], list[float], list[float], list[float], float] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def weights(self) -> dict[str, float]:
        """Every node's weight (what the slack column ranks by)."""
        if self.numbered is None:
            return {}
        core, _, _, _, w, _ = self.numbered
        ids = core.ids
        return {ids[i]: w[i] for i in core.live()}

    @cached_property
    def order(self) -> list[str]:
        """The topological order the pass took."""
        if self.numbered is None:
            return []
        core, order, *_ = self.numbered
        return [core.ids[n] for n in order]

    @cached_property
    def finish(self) -> dict[str, float]:
        """Each node's earliest finish (unrounded)."""
        if self.numbered is None:
            return {}
        core, order, finish, *_ = self.numbered
        return {core.ids[n]: finish[n] for n in order}

    @cached_property
    def after(self) -> dict[str, float]:
        """The longest chain after each node (unrounded)."""
        if self.numbered is None:
            return {}
        core, order, _, latest, _, total = self.numbered
        return {core.ids[n]: total - latest[n] for n in reversed(order)}

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
    core: Core, weight: str, definition: bool, skipped: set[str]
) -> tuple[list[float], list[str], list[bool]]:
    """By node number: the weights, the names of the nodes whose weight is unknown (sorted),
    and which nodes are light (those that are no flow node, workflow inputs and placeholders,
    and the skipped: the nodes ``skipped`` names, that will be, and in a run those whose
    status says so; their names are added to ``skipped``). Nodes out of the graph
    (``core.alive``) weigh 0."""
    if weight == "hops":  # the usual case (no node jobs): list by list
        return _hop_weights(core, definition, skipped)
    n = len(core.ids)
    out, light = [0.0] * n, [False] * n
    unknown: list[str] = []
    ids, role, status, node, timing = core.ids, core.role, core.status, core.node, core.timing
    total = "total" if weight == "duration" else weight
    for i in core.live():
        if role[i] != "node":
            light[i] = True
            continue
        name = ids[i]
        if name in skipped or (status[i] == "skipped" and not definition):
            light[i] = True
            skipped.add(name)
            continue
        value = getattr(timing[i], total, None)
        if value is None or math.isnan(value):  # unknown, or NaN (set by hand): weighs nothing
            if getattr(node[i], "job_id", None) is not None or weight != "duration":
                unknown.append(name)
        else:
            out[i] = float(value)
    return out, sorted(unknown), light


def _hop_weights(
    core: Core, definition: bool, skipped: set[str]
) -> tuple[list[float], list[str], list[bool]]:
    """:func:`_weights` by hops: 1 for a flow node in the graph that is not light, else 0."""
    ids, role, status, alive = core.ids, core.role, core.status, core.alive
    light = [r != "node" for r in role]
    marked = [] if definition else [i for i, s in enumerate(status) if s == "skipped"]
    index = core.index
    for i in (*marked, *(index[name] for name in skipped if name in index)):
        if role[i] == "node" and (alive is None or alive[i]):
            light[i] = True
            skipped.add(ids[i])
    out = [0.0 if x else 1.0 for x in light]
    if alive is not None:  # out of the graph: no weight, not light
        for i, a in enumerate(alive):
            if not a:
                out[i], light[i] = 0.0, False
    return out, [], light


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
    core = core_of(g)
    for i in core.live():
        value = getattr(core.timing[i], attr, None)
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
    pred, succ = neighbours(g)
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
    h.core = core_of(h)  # numbered once: the critical path walks it next
    return h if numbered_order(h.core) is not None else g


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
        core = core_of(g)
        timed = bool(fg.job.node_jobs) and any(core.timing[i] is not None for i in core.live())
        weight = "duration" if timed else "hops"
    fallback, note = None, ""
    if weight != "hops" and not _known(g, weight):
        fallback, weight = weight, "hops"
        note = (
            f"no node has a known {fallback} time (they come from the node jobs: "
            "`flowgraph fetch --node-jobs` saves them): counted hops instead"
        )
    if numbered_order(core_of(g)) is None:
        raise CycleError(find_cycle(g))
    g = _definition_graph(fg)
    core = core_of(g)  # the passes walk integers: see flowgraph._core
    numbered = numbered_order(core)
    assert numbered is not None  # _definition_graph adds no cycle
    order = numbered[0]  # any topological order gives the same answer (see the module doc)
    ids, succ, role = core.ids, core.succ, core.role
    skipped = not_taken(fg)
    w, unknown, light = _weights(core, weight, fg.job.definition, skipped)
    for name, value in (override or {}).items():
        i = core.index.get(name)
        if i is not None and (core.alive is None or core.alive[i]) and name not in skipped:
            w[i] = float(value)
    size = len(ids)
    finish = [0.0] * size
    # a node's best chain so far, pushed along its predecessors' edges: its finish (upto), its
    # last node (best, -1: none) and its tie-break, the chain's nodes not skipped then minus
    # all its nodes, as one number (_LIVE per node not skipped, -1 per node). The best is the
    # largest (finish, tie-break), then the smallest id: the same whatever the edges' order
    upto = [0.0] * size
    best = [-1] * size
    rank = [0] * size
    for n in order:
        f = finish[n] = upto[n] + w[n]
        r = rank[n] = rank[n] - 1 if light[n] else rank[n] + _LIVE - 1
        for c in succ[n]:
            arg = best[c]
            if arg < 0 or f > upto[c]:
                upto[c], best[c], rank[c] = f, n, r
            elif f == upto[c]:
                rc = rank[c]
                if r > rc or (r == rc and ids[n] < ids[arg]):
                    best[c], rank[c] = n, r
    if not order:
        return CriticalPath(weight, [], 0.0, fallback=fallback, note=note)
    top = max(map(finish.__getitem__, order))
    # the largest finish, then the most nodes not skipped, the fewest nodes, the smallest id
    end = min((n for n in order if finish[n] == top), key=lambda n: (-rank[n], ids[n]))
    numbers: list[int] = []
    cur = end
    while cur >= 0:
        numbers.append(cur)
        cur = best[cur]
    numbers.reverse()
    # drop weightless inputs/placeholders at the start
    while len(numbers) > 1 and role[numbers[0]] != "node":
        numbers.pop(0)
    total = finish[end]
    latest = [0.0] * size
    start = [0.0] * size  # the latest start of a node: its latest finish - its weight
    latest_start = start.__getitem__
    for n in reversed(order):
        after = succ[n]
        if len(after) == 1:  # most nodes (9 in 10 at 10k): a min() call costs 2x the pass
            low = start[after[0]]
        else:
            low = min(map(latest_start, after)) if after else total
        latest[n] = low
        start[n] = low - w[n]
    path = [ids[n] for n in numbers]
    entries = []
    inside: dict[str, list[str]] = {}
    for n, name in zip(numbers, path, strict=True):
        timing = core.timing[n]
        kind = core.type[n]
        entries.append(
            {
                "node": name,
                "type": kind,
                "status": core.status[n],
                "weight": w[n],
                "queue": getattr(timing, "queue", None),
                "run": getattr(timing, "run", None),
                "share": (w[n] / total) if total else 0.0,
            }
        )
        child = child_graph(fg, name) if kind == "workflow" else None
        if child is not None:  # the path goes on inside the sub-workflow's own job
            entries += _inside(name, child, weight, total, inside)
    on_path = set(path)
    return CriticalPath(
        weight=weight,
        nodes=path,
        total=round(total, 6),
        unknown=[n for n in unknown if n in on_path],
        entries=entries,
        inside=inside,
        fallback=fallback,
        note=note,
        numbered=(core, order, finish, latest, w, total),
    )


def _slack_of(cp: CriticalPath) -> dict[str, float]:
    """Each flow node's slack (inputs and placeholders have none), by id in the pass's order:
    how much later it could finish without making the run longer, rounded to 6 places (a
    whole number, every one by hops, is kept as it is: the test costs less than round())."""
    if cp.numbered is None:
        return {}
    core, order, finish, latest, _, _ = cp.numbered
    ids, role = core.ids, core.role
    return {
        ids[n]: x if (x := latest[n] - finish[n]).is_integer() else round(x, 6)
        for n in order
        if role[n] == "node"
    }
