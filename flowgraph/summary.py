"""A run at a glance: counts per status and type, loops, outputs, cost.

>>> import flowgraph
>>> s = flowgraph.graph({"jobId": "j", "billing": {"cuCost": 12.5}, "metadata": {"flow": [
...     {"id": "a", "type": "model", "status": "success"},
...     {"id": "b", "type": "model", "status": "failure", "dependsOn": ["a"]}]}}).summary()
>>> s.statuses, s.outputs, s.cost
({'failure': 1, 'success': 1}, ['b'], 12.5)

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

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["LoopSummary", "Summary", "summarize"]


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
    """Counts of the run's nodes (templates excluded), loops, outputs and cost (CU)."""

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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def iteration_state(statuses: list[str | None]) -> str:
    """The state of one iteration from its copies' statuses.

    >>> iteration_state(["success", "failure"]), iteration_state(["success", "processing"])
    ('failure', 'processing')
    """
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
    g = fg.nx
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
                _declared(fg, loop_id),
                started,
            )
        )
    return out


def _declared(fg: GraphData, loop_id: str) -> int | None:
    """The for-each's ``count`` (a loop copy's, else its template's), when it is one."""
    nodes = fg.nx.nodes
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
    node_cost = 0.0
    costed = False
    job = fg.job
    for n, d in fg.nx.nodes(data=True):
        if d.get("role") != "node" or n in fg.templates:
            continue
        count += 1
        statuses["not-run" if job.definition else str(d.get("status"))] += 1
        types[str(d.get("type"))] += 1
        if d.get("output"):
            outputs.append(n)
        child = job.node_jobs.get(d.get("job_id") or "")
        if child is not None and child.billing is not None and child.billing.cu_cost is not None:
            node_cost += child.billing.cu_cost
            costed = True
    return Summary(
        job_id=job.job_id,
        status=job.status,
        nodes=count,
        statuses=dict(sorted(statuses.items())),
        types=dict(sorted(types.items())),
        loops=loop_summaries(fg),
        outputs=sorted(outputs),
        cost=job.billing.cu_cost if job.billing else None,
        node_cost=round(node_cost, 6) if costed else None,
        not_loaded=len(job.not_loaded),
    )
