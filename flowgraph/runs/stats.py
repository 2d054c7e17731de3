"""Per-node statistics over many runs, from their rows (:mod:`flowgraph.runs.rows`).

Per node (a loop template stands for its copies), over the runs it appears in:

* ``runs``; ``failed`` (runs where it, or one of its copies, failed), ``skipped`` (runs where it
  and all its copies were skipped), ``succeeded`` (all succeeded) and their rates;
* ``p50_run``, ``p95_run``, ``p50_queue``, ``p95_queue``: quantiles of each row's seconds
  (every copy counts), interpolated linearly between the two nearest values (DuckDB's
  ``quantile_cont``, numpy's default);
* ``cost``: the sum over runs of what its node jobs billed, ``cost_median``: the median of a
  run's sum (runs whose node jobs said nothing left out);
* ``critical_share``: the share of the runs with a known critical path in which it (a copy) was
  on it;
* ``errors``: its node jobs' most frequent error messages.

Per run: ``elapsed`` (p50/p95/max seconds of the finished runs), ``statuses``, and the
``failure_causes`` ranked: each failed node (its template) and error, by the runs it failed in.
``versions`` groups the runs by structure version (:func:`~flowgraph.runs.rows.structure_hash`)
and ``mixed`` says when the statistics mix several.

>>> quantile([4.0, 1.0, 3.0, 2.0], 0.5), quantile([1.0, 2.0, 3.0, 5.0], 0.75), quantile([], 0.5)
(2.5, 3.5, None)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .rows import Row, RunRows

__all__ = ["NodeStats", "Stats", "Version", "quantile", "statistics"]

_ERRORS_KEPT = 3


def quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile of ``values``, linear between the nearest two (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass
class NodeStats:
    """One node's figures (see the module doc); seconds, CU, shares between 0 and 1."""

    node: str
    runs: int = 0
    failed: int = 0
    skipped: int = 0
    succeeded: int = 0
    p50_run: float | None = None
    p95_run: float | None = None
    p50_queue: float | None = None
    p95_queue: float | None = None
    p50_total: float | None = None
    cost: float | None = None
    cost_median: float | None = None
    critical_share: float | None = None
    errors: list[tuple[str, int]] = field(default_factory=list)

    @property
    def failure_rate(self) -> float:
        return self.failed / self.runs if self.runs else 0.0

    def as_dict(self) -> dict[str, Any]:
        """This node's entry in ``flowgraph history --json``'s ``nodes``."""

        def share(n: int) -> float:
            return round(n / self.runs, 4) if self.runs else 0.0

        critical = self.critical_share
        return {
            "runs": self.runs,
            "failed": self.failed,
            "skipped": self.skipped,
            "succeeded": self.succeeded,
            "failure_rate": share(self.failed),
            "skipped_rate": share(self.skipped),
            "success_rate": share(self.succeeded),
            "p50_run": _r(self.p50_run),
            "p95_run": _r(self.p95_run),
            "p50_queue": _r(self.p50_queue),
            "p95_queue": _r(self.p95_queue),
            "cost": _r(self.cost),
            "cost_median": _r(self.cost_median),
            "critical_share": None if critical is None else round(critical, 4),
            "errors": [{"error": e, "count": c} for e, c in self.errors],
        }


@dataclass
class Version:
    """One structure version: its hash, how many runs ran it, the first and last run's time."""

    structure: str
    runs: int
    first: str | None
    last: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "structure": self.structure,
            "runs": self.runs,
            "first": self.first,
            "last": self.last,
        }


@dataclass
class Stats:
    """Everything ``flowgraph history`` prints (see the module doc)."""

    workflow: str
    runs: int
    nodes: dict[str, NodeStats]
    statuses: dict[str, int]
    elapsed: dict[str, float | None]
    failure_causes: list[tuple[str, str | None, int]]
    versions: list[Version]

    @property
    def mixed(self) -> bool:
        """Whether the runs ran more than one structure version."""
        return len(self.versions) > 1

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph history --json`` (without its ``fetch`` part)."""
        return {
            "workflow": self.workflow,
            "runs": self.runs,
            "statuses": dict(sorted(self.statuses.items())),
            "elapsed": {k: _r(v) for k, v in self.elapsed.items()},
            "failure_causes": [
                {"node": n, "error": e, "runs": c} for n, e, c in self.failure_causes
            ],
            "versions": [v.as_dict() for v in self.versions],
            "mixed_versions": self.mixed,
            "nodes": {k: s.as_dict() for k, s in self.nodes.items()},
        }


def _node(key: str, rows: list[Row]) -> NodeStats:
    per_run: dict[str, list[Row]] = {}
    for row in rows:
        per_run.setdefault(row.run_id, []).append(row)
    out = NodeStats(key, runs=len(per_run))
    costs: list[float] = []
    critical = known = 0
    for group in per_run.values():
        states = [r.status for r in group]
        out.failed += "failure" in states
        out.skipped += all(s == "skipped" for s in states)
        out.succeeded += all(s == "success" for s in states)
        paid = [r.cost for r in group if r.cost is not None]
        if paid:
            costs.append(sum(paid))
        marks = [r.on_critical_path for r in group if r.on_critical_path is not None]
        if marks:
            known += 1
            critical += any(marks)
    runs = [r.run_s for r in rows if r.run_s is not None]
    queues = [r.queued_s for r in rows if r.queued_s is not None]
    totals = [r.queued_s + r.run_s for r in rows if r.run_s is not None and r.queued_s is not None]
    out.p50_run, out.p95_run = quantile(runs, 0.5), quantile(runs, 0.95)
    out.p50_queue, out.p95_queue = quantile(queues, 0.5), quantile(queues, 0.95)
    out.p50_total = quantile(totals, 0.5)
    out.cost = sum(costs) if costs else None
    out.cost_median = quantile(costs, 0.5)
    out.critical_share = critical / known if known else None
    errors = Counter(r.error for r in rows if r.error)
    out.errors = sorted(errors.items(), key=lambda item: (-item[1], item[0]))[:_ERRORS_KEPT]
    return out


def statistics(workflow: str, runs: Iterable[RunRows]) -> Stats:
    """The statistics of ``runs`` (see the module doc); nodes in the order they first appear."""
    runs = list(runs)
    by_node: dict[str, list[Row]] = {}
    for run in runs:
        for row in run.rows:
            by_node.setdefault(row.template, []).append(row)
    elapsed = [r.elapsed for r in runs if r.elapsed is not None]
    causes: Counter[tuple[str, str | None]] = Counter()
    for run in runs:
        causes.update(set(run.causes))
    versions: dict[str, Version] = {}
    for run in runs:
        v = versions.setdefault(run.structure, Version(run.structure, 0, run.created, run.created))
        v.runs += 1
        if run.created is not None:
            v.first = min(filter(None, (v.first, run.created)))
            v.last = max(filter(None, (v.last, run.created)))
    return Stats(
        workflow=workflow,
        runs=len(runs),
        nodes={key: _node(key, rows) for key, rows in by_node.items()},
        statuses=dict(Counter(str(r.status) for r in runs)),
        elapsed={
            "p50": quantile(elapsed, 0.5),
            "p95": quantile(elapsed, 0.95),
            "max": max(elapsed, default=None),
        },
        failure_causes=[
            (n, e, c)
            for (n, e), c in sorted(causes.items(), key=lambda i: (-i[1], i[0][0], i[0][1] or ""))
        ],
        versions=sorted(versions.values(), key=lambda v: (v.first or "", v.structure)),
    )
