"""One run against its workflow's history (``flowgraph show --history``): the nodes that took
more than twice their p50 run time, the nodes that failed where they usually succeed (in fewer
than half of the runs they appear in), and for a run still going the time it has left: the
critical path of the nodes not finished yet, each at its p50 queue + run time (a node already
running counts whole; a gate waiting for a person counts nothing, and says so).

>>> import flowgraph
>>> from flowgraph.runs import from_jobs
>>> past = from_jobs("wflow_product_shots", [flowgraph.load("examples/timed-bundle.json")])
>>> live = flowgraph.graph("examples/approval-parked.json")
>>> view = against(live, past.stats)
>>> view.remaining, view.path, view.waiting
(38.5, ['upscale', 'remove-bg'], ['approve'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._text import one_line, seconds
from ..order import execution_order
from ..vocab import GATE_TYPES, TERMINAL_JOB_STATUSES
from .rows import run_rows

if TYPE_CHECKING:
    from ..flow_graph import FlowGraph
    from .stats import Stats

__all__ = ["HistoryView", "against"]

#: A node is slower than usual past this many times its p50 run time.
SLOWER = 2.0
#: A failure is unusual where the node fails in fewer than this share of its runs.
USUALLY_SUCCEEDS = 0.5
_FINISHED = frozenset({"success", "failure", "skipped", "rejected"})


@dataclass
class HistoryView:
    """What :func:`against` found: ``unusual`` (dicts: ``node``, ``template``, ``kind``
    ``slower`` or ``failed``, the figures), and for a live run ``remaining`` seconds along
    ``path``, with ``unknown`` nodes (no p50) and ``waiting`` gates counted as 0."""

    workflow: str
    runs: int
    unusual: list[dict[str, Any]] = field(default_factory=list)
    remaining: float | None = None
    path: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ``history`` part of ``flowgraph show --history --json``."""
        return {
            "workflow": self.workflow,
            "runs": self.runs,
            "unusual": self.unusual,
            "remaining": None if self.remaining is None else round(self.remaining, 3),
            "remaining_path": self.path,
            "unknown": self.unknown,
            "waiting": self.waiting,
        }

    def lines(self) -> list[str]:
        """The lines ``show --history`` adds below the run."""
        out = [f"history: {self.runs} runs of {one_line(self.workflow)}"]
        for u in self.unusual:
            name = one_line(u["node"])
            if u["kind"] == "slower":
                out.append(
                    f"  slower than usual: {name} {seconds(u['run_s'])} "
                    f"({u['ratio']:.1f}x its p50 {seconds(u['p50_run'])})"
                )
            else:
                out.append(
                    f"  failed where it usually succeeds: {name} (fails in "
                    f"{u['failure_rate'] * 100:.0f}% of {u['runs']} runs)"
                )
        if not self.unusual:
            out.append("  nothing unusual: no node over 2x its p50, no unusual failure")
        if self.remaining is not None:
            along = ", ".join(one_line(n) for n in self.path) or "nothing left"
            line = f"  remaining: about {seconds(self.remaining)} ({along}, each at its p50)"
            if self.waiting:
                gates = ", ".join(one_line(g) for g in self.waiting)
                line += f"; {gates} waits for a person: not counted"
            out.append(line)
        return out


def against(fg: FlowGraph, stats: Stats) -> HistoryView:
    """``fg`` measured against ``stats`` (see the module doc)."""
    view = HistoryView(stats.workflow, stats.runs)
    run = run_rows(fg)
    for row in run.rows:
        ns = stats.nodes.get(row.template)
        if ns is None or not ns.runs:
            continue
        if row.run_s is not None and ns.p50_run and row.run_s > SLOWER * ns.p50_run:
            view.unusual.append(
                {
                    "node": row.node,
                    "template": row.template,
                    "kind": "slower",
                    "run_s": row.run_s,
                    "p50_run": ns.p50_run,
                    "ratio": round(row.run_s / ns.p50_run, 2),
                }
            )
        if row.status == "failure" and ns.failure_rate < USUALLY_SUCCEEDS:
            view.unusual.append(
                {
                    "node": row.node,
                    "template": row.template,
                    "kind": "failed",
                    "failure_rate": round(ns.failure_rate, 4),
                    "runs": ns.runs,
                }
            )
    if fg.job.status not in TERMINAL_JOB_STATUSES:
        _remaining(fg, stats, view, {r.node: r.template for r in run.rows})
    return view


def _remaining(fg: FlowGraph, stats: Stats, view: HistoryView, template: dict[str, str]) -> None:
    g = fg.execution
    weight: dict[str, float] = {}
    for n, d in g.nodes(data=True):
        if d.get("role") != "node" or d.get("status") in _FINISHED:
            weight[n] = 0.0
            continue
        if d.get("type") in GATE_TYPES:
            view.waiting.append(n)
            weight[n] = 0.0
            continue
        ns = stats.nodes.get(template.get(n, n))
        if ns is None or ns.p50_total is None:
            if d.get("job_id") is not None or d.get("type") not in ("for-each", "logic", "list"):
                view.unknown.append(n)
            weight[n] = 0.0
        else:
            weight[n] = ns.p50_total
    best: dict[str, tuple[float, str | None]] = {}
    order = execution_order(g)
    for n in order.nodes if order is not None else ():  # a cycle: no estimate
        before = max(((best[p][0], p) for p in g.predecessors(n)), default=(0.0, None))
        best[n] = (before[0] + weight[n], before[1])
    if not best:
        view.remaining = 0.0
        return
    end = max(best, key=lambda n: (best[n][0], n))
    path: list[str] = []
    at: str | None = end
    while at is not None:
        path.append(at)
        at = best[at][1]
    view.remaining = best[end][0]
    view.path = [n for n in reversed(path) if weight[n] > 0]
    view.unknown.sort()
    view.waiting.sort()
