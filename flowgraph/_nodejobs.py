"""What a run's node jobs say of it: a flow node's own error and the run's cost in CU.

The types :meth:`GraphData.error <flowgraph._graph.GraphData.error>` and :meth:`GraphData.cost
<flowgraph._graph.GraphData.cost>` answer with (exported as ``flowgraph.NodeError`` and
``flowgraph.Cost``).

>>> Cost(12.0, "node-jobs", 1, 1, 0, 0.0).as_dict()["source"], cu_value(float("nan"))
('node-jobs', None)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

    from .model import Job

__all__ = ["Cost", "NodeError", "cu_value", "not_loaded_nodes", "run_cost"]


@dataclass(frozen=True)
class NodeError:
    """What a flow node's own job says went wrong: its ``metadata.error`` and ``hint``.

    ``job_id`` is the node job's id and ``status`` its status (the node job's, which can be
    more precise than the flow node's). Text is as the API sent it (untrusted: clean it before
    it reaches a terminal)."""

    node: str
    job_id: str
    status: str | None
    error: str | None
    hint: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class Cost:
    """What a run cost in CU (``value``, None when unknown) and where the figure comes from.

    ``source`` is ``node-jobs`` (the sum over the node jobs of the bundle: a real workflow
    job bills 0 itself, its node jobs carry the cost), ``job`` (the workflow job's own
    ``billing.cuCost``, when no node job is loaded and it is not 0) or ``unknown`` (node jobs
    not loaded and the job says 0, or nothing says anything). ``node_jobs`` is the number of
    node jobs summed, ``loaded`` the node jobs of the run the bundle holds, ``not_loaded`` the
    nodes that ran whose job is not in it (a sum is then a lower bound), ``job`` the workflow
    job's own figure as it says it."""

    value: float | None
    source: str
    node_jobs: int
    loaded: int
    not_loaded: int
    job: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def cu_value(value: Any) -> float | None:
    """A ``cuCost`` as a finite float, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def run_cost(job: Job, ran: Iterable[tuple[str, str | None]], templates: Container[str]) -> Cost:
    """:meth:`GraphData.cost <flowgraph._graph.GraphData.cost>` of ``job``, from the graph id
    and the node job id of each of its flow nodes (``ran``); loop templates are left out.

    >>> from flowgraph.model import Job
    >>> run_cost(Job(job_id="j"), [("a", None)], ()).source
    'unknown'
    """
    own = cu_value(job.billing.cu_cost) if job.billing is not None else None
    seen: set[str] = set()
    total, summed, missing = 0.0, 0, 0
    for n, job_id in ran:
        if job_id is None or job_id in seen or n in templates:
            continue
        seen.add(job_id)
        child = job.node_jobs.get(job_id)
        if child is None:
            missing += 1
            continue
        value = cu_value(child.billing.cu_cost) if child.billing is not None else None
        if value is not None:
            total += value
            summed += 1
    loaded = len(seen) - missing
    if summed:
        return Cost(round(total, 6), "node-jobs", summed, loaded, missing, own)
    if own is not None and (own != 0 or not seen):
        return Cost(own, "job", 0, loaded, missing, own)
    return Cost(None, "unknown", 0, loaded, missing, own)


def not_loaded_nodes(job: Job) -> list[dict[str, Any]]:
    """The node jobs of ``job`` that could not be loaded: ``job_id``, the flow ``node`` that ran
    it (None if none names it) and the ``reason``, by job id."""
    if not job.not_loaded:
        return []
    by_job: dict[str, str] = {}
    for node in job.flow:
        if node.job_id in job.not_loaded:
            by_job.setdefault(node.job_id, node.id)
    return [
        {"job_id": j, "node": by_job.get(j), "reason": reason}
        for j, reason in sorted(job.not_loaded.items())
    ]
