"""A run at a glance: counts per status and type, loops, outputs, cost.

>>> import flowgraph
>>> s = flowgraph.graph({"jobId": "j", "billing": {"cuCost": 12.5}, "metadata": {"flow": [
...     {"id": "a", "type": "model", "status": "success"},
...     {"id": "b", "type": "model", "status": "failure", "dependsOn": ["a"]}]}}).summary()
>>> s.statuses, s.outputs, s.cost, s.cost_detail["source"]
({'failure': 1, 'success': 1}, ['b'], 12.5, 'job')

``cost`` is the run's figure, :meth:`GraphData.cost() <flowgraph._graph.GraphData.cost>`: the
sum over its node jobs when the bundle holds them (a workflow job bills 0 itself), and
``cost_detail`` says where it comes from (:class:`~flowgraph._graph.Cost` as a dict), which
:func:`cost_text` puts in words for ``summary`` and ``show``. A node without a status or a type
counts as ``unknown``.

A for-each with a ``count`` says how many iterations it will run; copies appear as iterations
start, so a loop tells how many ``started`` of how many were ``declared``:

>>> loop = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": [
...     {"id": "each", "type": "for-each", "status": "processing", "count": 5,
...      "loopBodyNodeIds": ["gen"]},
...     {"id": "gen", "type": "model", "status": "skipped"},
...     {"id": "gen-0", "type": "model", "status": "success", "loopNodeId": "each",
...      "iterationIndex": 0},
...     {"id": "gen-1", "type": "model", "status": "processing", "loopNodeId": "each",
...      "iterationIndex": 1}]}}).summary().loops[0]
>>> loop.started, loop.declared, loop.states
(2, 5, {'processing': 1, 'success': 1})

In a workflow definition nothing ran: every node counts as ``not-run``, whatever ``status`` its
nodes carry (the docs' own definitions show ``"status": "pending"``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ._graph import node_dicts
from ._text import one_line

#: Failed iterations a loop line names before "+N more".
_NAMED = 10

if TYPE_CHECKING:
    from ._graph import GraphData, NodeError, Nodes

__all__ = [
    "LoopGroup",
    "LoopSummary",
    "Summary",
    "cost_parts",
    "cost_text",
    "declared_count",
    "fold_loops",
    "iteration_state",
    "summarize",
]


@dataclass
class LoopSummary:
    """One for-each: its iterations and how many are in each state.

    ``iterations`` and ``started`` count the iterations that have copies; ``declared`` is the
    for-each's ``count`` (the iterations it runs), None when it iterates over its array input.
    """

    id: str
    iterations: int
    states: dict[str, int]
    failed_iterations: list[int] = field(default_factory=list)
    declared: int | None = None
    started: int = 0


@dataclass
class Summary:
    """Counts of the run's nodes (templates excluded), loops, outputs and cost (CU).

    ``cost`` is the run's figure (None when unknown) and ``cost_detail`` where it comes from
    (:meth:`Cost.as_dict() <flowgraph._graph.Cost.as_dict>`: ``source``, ``node_jobs``,
    ``not_loaded``, the job's own figure); ``node_cost`` the sum over the node jobs, None when
    none carries a cost. ``error`` and ``hint`` are the workflow job's own, ``errors`` the
    failed nodes' own (from their node jobs: ``node``, ``job_id``, ``status``, ``error``,
    ``hint``)."""

    job_id: str
    status: str | None
    nodes: int
    statuses: dict[str, int]
    types: dict[str, int]
    loops: list[LoopSummary]
    outputs: list[str]
    cost: float | None
    node_cost: float | None
    not_loaded: int
    cost_detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    hint: str | None = None
    errors: list[NodeError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``flowgraph summary --json``)."""
        return asdict(self)


def iteration_state(statuses: list[str | None]) -> str:
    """The state of one iteration from its copies' statuses.

    >>> iteration_state(["success", "failure"]), iteration_state(["success", "processing"])
    ('failure', 'processing')
    """
    if statuses.count("success") == len(statuses):  # the usual case: all done
        return "success"
    for state in ("failure", "rejected", "processing", "pending"):
        if state in statuses:
            return state
    if all(s == "success" for s in statuses):
        return "success"
    if all(s in ("success", "skipped") for s in statuses):
        return "skipped" if "success" not in statuses else "success"
    return next((s for s in statuses if s not in ("success", "skipped")), None) or "unknown"


def loop_summaries(fg: GraphData) -> list[LoopSummary]:
    """Per-loop iteration counts by state (an iteration's state is its worst copy's)."""
    out = []
    g = fg.graph
    for loop_id in sorted(fg.loops):
        if loop_id in fg.templates:
            continue
        loop = fg.loops[loop_id]
        states: Counter[str] = Counter()
        failed = []
        for index, copies in sorted(loop.iterations.items()):
            state = iteration_state([g.nodes[c].get("status") for c in copies])
            states[state] += 1
            if state in ("failure", "rejected"):
                failed.append(index)
        started = len(loop.iterations)
        out.append(
            LoopSummary(
                loop_id,
                started,
                dict(sorted(states.items())),
                failed,
                declared_count(fg, loop_id),
                started,
            )
        )
    return out


@dataclass
class LoopGroup:
    """The copies of one nested for-each template, folded into one line (``flowgraph summary``):
    ``copies`` copies of ``template`` (one per iteration of ``parent``), ``iterations`` started
    in all, their ``states`` summed, and ``failed`` the failed iterations as ``(copy, index)``.
    A top-level loop is a group of one copy: itself."""

    template: str
    parent: str | None
    copies: int
    iterations: int
    states: dict[str, int]
    failed: list[tuple[str, int]]
    declared: int | None

    def text(self) -> str:
        """``loop each: 2 of 5 iteration(s) started: 1 processing / 1 success`` (a for-each
        with a ``count``), else ``loop each: 3 iteration(s): 1 failure / 2 success; failed
        iterations: #1``; a nested loop's copies in one line: ``loop inner: 40 copies (one
        per outer iteration), 80 iteration(s): ...``. Failed iterations are named (``#1``), so
        they never read as a count."""
        states = " / ".join(f"{v} {one_line(k)}" for k, v in self.states.items())
        line = f"loop {one_line(self.template)}: "
        if self.copies > 1 or self.parent is not None:
            where = f" (one per {one_line(self.parent)} iteration)" if self.parent else ""
            line += f"{self.copies} cop{'ies' if self.copies != 1 else 'y'}{where}, "
        if self.declared is not None:
            line += f"{self.iterations} of {self.declared} iteration(s) started"
            line += f": {states}" if states else ""
        else:
            line += f"{self.iterations} iteration(s): {states or 'not started'}"
        if self.failed:
            one = self.copies == 1
            named = [f"#{i}" if one else f"{one_line(c)} #{i}" for c, i in self.failed]
            more = f" +{len(named) - _NAMED} more" if len(named) > _NAMED else ""
            line += f"; failed iterations: {', '.join(named[:_NAMED])}{more}"
        return line


def fold_loops(fg: GraphData | None, loops: list[LoopSummary]) -> list[LoopGroup]:
    """``loops`` with the copies of each nested for-each folded into one :class:`LoopGroup`
    (a 10,000-node run has hundreds of copies of an inner loop: one line, not hundreds);
    without the graph each loop is its own group."""
    nodes: Nodes = node_dicts(fg.graph) if fg is not None else {}
    groups: dict[str, LoopGroup] = {}
    for lp in loops:
        template = nodes[lp.id].get("template") if lp.id in nodes else None
        key = template if template is not None else lp.id
        group = groups.get(key)
        if group is None:
            parent = nodes[lp.id].get("loop_node_id") if template is not None else None
            parent = nodes[parent].get("template") or parent if parent is not None else None
            group = LoopGroup(key, parent, 0, 0, {}, [], 0)
            groups[key] = group
        group.copies += 1
        group.iterations += lp.iterations
        for state, k in lp.states.items():
            group.states[state] = group.states.get(state, 0) + k
        group.failed += [(lp.id, i) for i in lp.failed_iterations]
        if group.declared is not None:
            group.declared = None if lp.declared is None else group.declared + lp.declared
    for group in groups.values():
        group.states = dict(sorted(group.states.items()))
    return list(groups.values())


def declared_count(fg: GraphData, loop_id: str) -> int | None:
    """The for-each ``loop_id``'s ``count`` (a loop copy's, else its template's): how many
    iterations it runs; None when it iterates over its array input."""
    nodes = fg.graph.nodes
    for n in (loop_id, nodes[loop_id].get("template")):
        count = getattr(nodes[n].get("node"), "count", None) if n is not None else None
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return count
    return None


def summarize(fg: GraphData) -> Summary:
    """Build the :class:`Summary` of ``fg``."""
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    outputs = []
    count = 0
    job = fg.job
    for n, d in fg.graph.nodes(data=True):
        if d.get("role") != "node" or n in fg.templates:
            continue
        count += 1
        statuses["not-run" if job.definition else _key(d.get("status"))] += 1
        types[_key(d.get("type"))] += 1
        if d.get("output"):
            outputs.append(n)
    cost = fg.cost()
    return Summary(
        job_id=job.job_id,
        status=job.status,
        nodes=count,
        statuses=dict(sorted(statuses.items())),
        types=dict(sorted(types.items())),
        loops=loop_summaries(fg),
        outputs=sorted(outputs),
        cost=cost.value,
        node_cost=cost.value if cost.source == "node-jobs" else None,
        not_loaded=len(job.not_loaded),
        cost_detail=cost.as_dict(),
        error=job.metadata.error,
        hint=job.metadata.hint,
        errors=fg.errors(),
    )


def _key(value: str | None) -> str:
    """A status or type as a count's key: ``unknown`` when the node has none."""
    return "unknown" if value is None else str(value)


def cost_text(cost: dict[str, Any]) -> str | None:
    """What a run cost, for people, saying where the figure comes from (``cost`` is
    :meth:`Cost.as_dict() <flowgraph._graph.Cost>`); None when nothing says anything about it.

    >>> from flowgraph._graph import Cost
    >>> cost_text(Cost(12.0, "node-jobs", 3, 3, 0, 0.0).as_dict())
    'cost 12 CU (sum of 3 node jobs; the job itself says 0)'
    >>> print(cost_text(Cost(None, "unknown", 0, 0, 2, 0.0).as_dict()))
    cost unknown (the job itself says 0 CU; its node jobs carry the cost: load them, --node-jobs)
    """
    parts = cost_parts(cost)
    return " ".join(["cost " + parts[0], *parts[1:]]) if parts else None


def cost_parts(cost: dict[str, Any]) -> list[str]:
    """:func:`cost_text` in parts: the figure (``12 CU``, ``at least 12 CU``, ``unknown``) and,
    when there is more to say, where it comes from in brackets (a screen may put it on the
    next line); ``[]`` when nothing says anything about the cost."""
    value, job = cost["value"], cost["job"]
    if cost["source"] == "node-jobs":
        count = cost["node_jobs"]
        where = f"sum of {count} node job{'s' if count != 1 else ''}"
        if cost["not_loaded"]:
            where += f", {cost['not_loaded']} not loaded"
        if job is not None:
            where += f"; the job itself says {job:g}"
        at_least = "at least " if cost["not_loaded"] else ""
        return [f"{at_least}{value:g} CU", f"({where})"]
    if cost["source"] == "job":
        return [f"{value:g} CU"]
    if job is None and not cost["loaded"] and not cost["not_loaded"]:
        return []
    says = f"the job itself says {job:g} CU; " if job is not None else ""
    if cost["loaded"]:
        return ["unknown", f"({says}its {cost['loaded']} node job(s) carry no cost)"]
    return ["unknown", f"({says}its node jobs carry the cost: load them, --node-jobs)"]
