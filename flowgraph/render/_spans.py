"""What the timeline pictures (trace, gantt) share: each node's row and details, and the
nodes of the critical path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._graph import node_dicts
from ..critical import critical_path
from ..errors import FlowgraphError
from ..timeline import Span, Timeline, timeline

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["Row", "details", "on_path", "rows", "spans_of"]


@dataclass(frozen=True)
class Row:
    """A track: ``group`` (``""`` for the run's own nodes, else a loop's id), ``lane`` (a node
    id, or an iteration index as text) and the nodes drawn on it."""

    group: str
    lane: str
    nodes: tuple[str, ...]


def spans_of(fg: GraphData) -> Timeline:
    """The run's timeline; :class:`~flowgraph.errors.FlowgraphError` when it has none."""
    tl = timeline(fg)
    if not tl.spans:
        raise FlowgraphError(
            "no timeline: "
            + (tl.note or "no node job has a time (`flowgraph fetch --node-jobs` saves them)")
        )
    return tl


def rows(fg: GraphData, tl: Timeline, collapse_above: int | None = None) -> list[Row]:
    """One row per node with spans, in order of first start (then id); loop copies grouped by
    loop and iteration: one row each, or, when there are more than ``collapse_above`` copies,
    one row per iteration holding all of its copies."""
    nodes = node_dicts(fg.execution)
    first: dict[str, int] = {}
    for s in tl.spans:
        first.setdefault(s.node, s.start)
    copies = [n for n in first if nodes[n].get("loop_node_id")]
    collapse = collapse_above is not None and len(copies) > collapse_above
    out: dict[tuple[str, str], list[str]] = {}
    for n in sorted(first, key=lambda n: (first[n], n)):
        loop = nodes[n].get("loop_node_id")
        if loop and collapse:
            key = (str(loop), str(nodes[n].get("iteration_index")))
        else:
            key = (str(loop or ""), n)
        out.setdefault(key, []).append(n)
    return [Row(group, lane, tuple(ns)) for (group, lane), ns in out.items()]


def details(fg: GraphData, n: str) -> dict[str, Any]:
    """What a slice says about its node: id, type, model, cost (CU) and error."""
    d = node_dicts(fg.execution)[n]
    cost = fg.job.node_job_cost(d.get("job_id"))
    error = fg.error(n)
    return {
        "node": n,
        "type": d.get("type"),
        "model": d.get("model_id"),
        "cost": cost,
        "error": error.error if error is not None else None,
    }


def on_path(fg: GraphData) -> list[str]:
    """The nodes of the critical path (by duration when known)."""
    try:
        return critical_path(fg).nodes
    except FlowgraphError:  # a cycle: no path to mark
        return []


def spans_by_node(tl: Timeline) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for s in tl.spans:
        out.setdefault(s.node, []).append(s)
    return out
