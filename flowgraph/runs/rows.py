"""One row per node per run: what every statistic of :mod:`flowgraph.runs.stats` is computed
from, and what ``flowgraph history --rows`` writes for other engines.

A row is a flow node of a run that ran or was meant to (loop body templates, which stay
``skipped`` in a run, are left out: their copies stand for them and carry the template's id in
``template``; any other node is its own template). ``queued_s``/``run_s``/``cost``/``error``
come from the node's own job (None without node jobs), ``on_critical_path`` from the run's
critical path by duration (None when no node's time is known).

A run's structure version is the first 12 hex digits of the sha256 of its snapshot text
(:mod:`flowgraph.snapshot`: loop copies folded, no statuses) without the iteration and copy
counts, which change from run to run of one definition. Two runs of one published version
share it; a changed node, edge or model gives another.

>>> import flowgraph
>>> run = run_rows(flowgraph.graph("examples/foreach-failed.json"))
>>> run.status, run.structure, [(r.node, r.template, r.iteration, r.status) for r in run.rows][:4]
('failure', '11fa7d5b3c9b', [('style-list', 'style-list', None, 'success'), ('each-style', 'each-style', None, 'failure'), ('contact-sheet', 'contact-sheet', None, 'pending'), ('render-x8Fq', 'render', 0, 'success')])
>>> run.causes
[('render', None)]
"""  # noqa: E501

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..snapshot import structure
from ..timing import job_times

if TYPE_CHECKING:
    from ..flow_graph import FlowGraph

__all__ = ["COLUMNS", "Row", "RunRows", "run_rows", "structure_hash"]

#: The columns of ``--rows``, in order.
COLUMNS = (
    "run_id",
    "created",
    "run_status",
    "structure",
    "workflow_version",
    "node",
    "template",
    "iteration",
    "status",
    "queued_s",
    "run_s",
    "cost",
    "on_critical_path",
    "error",
)
_COUNTS = re.compile(r" (?:iterations|copies)=\d+")
_VERSION_KEYS = ("workflowVersion", "workflowVersionId", "version")


@dataclass
class Row:
    """One node of one run (see the module doc); the fields are :data:`COLUMNS`."""

    run_id: str
    created: str | None
    run_status: str | None
    structure: str
    workflow_version: str | None
    node: str
    template: str
    iteration: int | None
    status: str | None
    queued_s: float | None
    run_s: float | None
    cost: float | None
    on_critical_path: bool | None
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunRows:
    """One run: its id, creation time, status, structure version, ``elapsed`` seconds (created
    to end; None while it runs), ``causes`` (template, error) of its failed nodes, and rows."""

    run_id: str
    created: str | None
    status: str | None
    structure: str
    elapsed: float | None
    causes: list[tuple[str, str | None]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def structure_hash(text: str) -> str:
    """The structure version of a snapshot text (see the module doc).

    >>> structure_hash("nodes:\\n  a: for-each iterations=3\\n") == structure_hash(
    ...     "nodes:\\n  a: for-each iterations=5\\n")
    True
    """
    return hashlib.sha256(_COUNTS.sub("", text).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _workflow_version(fg: FlowGraph) -> str | None:
    for place in (fg.job.extra, fg.job.metadata.extra):
        for key in _VERSION_KEYS:
            value = place.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
    return None


def run_rows(fg: FlowGraph) -> RunRows:
    """The rows of one run (see the module doc)."""
    shape = structure(fg)
    job = fg.job
    created, _, end = job_times(job)
    elapsed = (end - created).total_seconds() if created is not None and end is not None else None
    cp = fg.critical_path("duration")
    on_path = None if cp.fallback else set(cp.nodes)
    version = _workflow_version(fg)
    run = RunRows(job.job_id, job.created_at, job.status, structure_hash(shape.text()), elapsed)
    templates = fg.templates
    for n, d in fg.graph.nodes(data=True):
        if d.get("role") != "node" or n in templates:
            continue
        template = d.get("template") or n
        error = fg.error(n) if job.node_jobs else None
        timing = d.get("timing")
        status = d.get("status")
        message = error.error if error is not None else None
        if status == "failure" and d.get("type") != "for-each":
            run.causes.append((template, message))
        run.rows.append(
            Row(
                run_id=job.job_id,
                created=job.created_at,
                run_status=job.status,
                structure=run.structure,
                workflow_version=version,
                node=n,
                template=template,
                iteration=d.get("iteration_index"),
                status=status,
                queued_s=None if timing is None else timing.queue,
                run_s=None if timing is None else timing.run,
                cost=job.node_job_cost(d.get("job_id")),
                on_critical_path=None if on_path is None else n in on_path,
                error=message,
            )
        )
    return run
