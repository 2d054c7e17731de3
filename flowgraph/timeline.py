"""Where the run's time went: every node's queued and running spans, the gates' waits, and the
run's elapsed time split so that the parts add up to it.

The spans come from the bundle's node jobs (their ``statusHistory``): a node is *queued* from
its job's first status (or ``createdAt``) until it runs, and *running* until its job ends. A
run still going, or a node job still running, ends at the last time the data knows of (the
workflow job's end, else its ``updatedAt`` or latest status change): the same bundle always
gives the same answer.

A gate (``user-approval``, ``user-selection``) has no job. It waits for a person from when all
it depends on finished (or from its own ``startedAt``/``createdAt`` when the flow node carries
one) until the first node it guards is created (or its own ``completedAt``/``endedAt``), else
until the run's end. A node without a job that is not a gate (logic, list, for-each) finishes
when the last node it depends on does.

The accounting counts each instant of the run once, under the first that holds: a node is
running; a node is queued; a gate waits for a person (the gate parked first, if several); else
``idle`` (engine overhead, gaps). Times are whole microseconds until the end, so the parts sum
to ``elapsed`` exactly.

>>> import flowgraph
>>> a = accounting(flowgraph.graph("examples/timed-bundle.json"))
>>> a.elapsed, a.running, a.queued_only, a.gates, round(a.idle, 3)
(160.0, 125.0, 8.5, {'approve': 23.9}, 2.6)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ._graph import adjacency, node_dicts
from .order import execution_order
from .timing import first_time, job_times, parse_time
from .vocab import GATE_TYPES, TERMINAL_JOB_STATUSES

if TYPE_CHECKING:
    from ._graph import GraphData
    from .model import Job

__all__ = ["Accounting", "Span", "Timeline", "accounting", "timeline"]

_US = timedelta(microseconds=1)
_OWN_START = ("startedAt", "createdAt")
_OWN_END = ("completedAt", "endedAt", "finishedAt")


@dataclass(frozen=True)
class Span:
    """One stretch of a node's time: ``kind`` is ``queued``, ``running`` or ``gate``;
    ``start`` and ``end`` are microseconds since the run began."""

    node: str
    kind: str
    start: int
    end: int


@dataclass
class Timeline:
    """The run's ``begin`` (None when unknown), its ``elapsed`` microseconds and every node's
    spans (by start, then node, then kind); ``note`` says what cannot be known."""

    begin: datetime | None
    elapsed: int
    spans: list[Span] = field(default_factory=list)
    note: str = ""


@dataclass
class Accounting:
    """Seconds of the run's ``elapsed`` time: ``running`` + ``queued_only`` + the ``gates``'
    waits + ``idle`` == ``elapsed``. Without node jobs only ``elapsed`` is known (the others
    are None) and ``note`` says so."""

    elapsed: float
    running: float | None
    queued_only: float | None
    gates: dict[str, float]
    idle: float | None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph time --json``."""
        out: dict[str, Any] = {
            "elapsed": self.elapsed,
            "running": self.running,
            "queued_only": self.queued_only,
            "gates": dict(self.gates),
            "idle": self.idle,
        }
        return {**out, "note": self.note} if self.note else out


def _run_bounds(job: Job, seen: list[datetime]) -> tuple[datetime | None, datetime | None]:
    """The run's start and end (the latest time the data knows of while it is still going)."""
    created, _, end = job_times(job)
    updated = parse_time(job.updated_at)
    if end is None and job.status in TERMINAL_JOB_STATUSES and updated is not None:
        end = updated
    if end is None:
        known = [t for t in (*seen, updated, created) if t is not None]
        end = max(known) if known else None
    if created is None and seen:
        created = min(seen)
    return created, end


def timeline(fg: GraphData) -> Timeline:
    """Every node's queued and running spans and every gate's wait (see the module doc)."""
    if fg.job.definition:
        return Timeline(None, 0, note="a workflow definition: nothing has run")
    nodes = node_dicts(fg.execution)
    times: dict[str, tuple[datetime | None, datetime | None, datetime | None]] = {}
    for n, d in nodes.items():
        job_id = d.get("job_id")
        child = fg.job.node_jobs.get(job_id) if job_id is not None else None
        if d.get("role") == "node" and child is not None:
            times[n] = job_times(child)
    seen = [t for c in times.values() for t in c if t is not None]
    begin, end = _run_bounds(fg.job, seen)
    if begin is None or end is None:
        return Timeline(None, 0, note="the run's start or end time is not known")
    if not times:
        return Timeline(
            begin,
            _us(begin, end, begin, end),
            note="no node jobs: running, queued and gate times cannot be known "
            "(`flowgraph fetch --node-jobs` saves them)",
        )
    spans: list[Span] = []
    for n, (created, start, stop) in times.items():
        if created is not None and start is not None:
            spans.append(
                Span(n, "queued", _us(begin, created, begin, end), _us(begin, start, begin, end))
            )
        if start is not None:
            last = stop if stop is not None else end
            spans.append(
                Span(n, "running", _us(begin, start, begin, end), _us(begin, last, begin, end))
            )
        elif created is not None:  # created, not started yet: queued until the end
            spans.append(
                Span(n, "queued", _us(begin, created, begin, end), _us(begin, end, begin, end))
            )
    spans += _gate_spans(fg, times, begin, end)
    spans = [s for s in spans if s.end > s.start]
    spans.sort(key=lambda s: (s.start, s.node, s.kind, s.end))
    return Timeline(begin, _us(begin, end, begin, end), spans)


def _us(begin: datetime, t: datetime, low: datetime, high: datetime) -> int:
    """``t`` (clipped to ``low``..``high``) as microseconds since ``begin``."""
    return (min(max(t, low), high) - begin) // _US


def _gate_spans(
    fg: GraphData,
    times: dict[str, tuple[datetime | None, datetime | None, datetime | None]],
    begin: datetime,
    end: datetime,
) -> list[Span]:
    g = fg.execution
    nodes, pred, succ = adjacency(g)
    order = execution_order(g)
    if order is None:
        return []
    finish: dict[str, datetime | None] = {}
    waits: dict[str, datetime] = {}
    for n in order.nodes:
        if n in times:
            finish[n] = times[n][2]
            continue
        ends = [finish.get(p) for p in pred[n]]
        ready = None if None in ends else max([e for e in ends if e is not None], default=begin)
        d = nodes[n]
        if d.get("role") == "node" and d.get("type") in GATE_TYPES:
            extra = d["node"].extra
            own = first_time(extra, _OWN_START)
            ready = own if own is not None else ready
            if ready is not None:
                waits[n] = ready
            finish[n] = None  # set below, once its wait's end is known
            stop = first_time(extra, _OWN_END) or _release(n, succ, times, {}) or end
            finish[n] = max(stop, ready) if ready is not None else None
        else:
            finish[n] = ready
    return [
        Span(n, "gate", _us(begin, start, begin, end), _us(begin, finish[n] or end, begin, end))
        for n, start in waits.items()
    ]


def _release(
    n: str, succ: Any, times: dict[str, Any], memo: dict[str, datetime | None]
) -> datetime | None:
    """When the first node after ``n`` that has a job was created (through nodes without)."""
    if n in memo:
        return memo[n]
    memo[n] = None
    found: list[datetime] = []
    for s in succ[n]:
        t = times[s][0] if s in times else _release(s, succ, times, memo)
        if t is not None:
            found.append(t)
    memo[n] = min(found) if found else None
    return memo[n]


def accounting(fg: GraphData) -> Accounting:
    """The run's elapsed time split (see the module doc); seconds."""
    tl = timeline(fg)
    if tl.note:
        return Accounting(tl.elapsed / 1e6, None, None, {}, None, tl.note)
    points = sorted({0, tl.elapsed, *(p for s in tl.spans for p in (s.start, s.end))})
    events: dict[int, list[Span]] = {}
    for s in tl.spans:
        events.setdefault(s.start, []).append(s)
        events.setdefault(s.end, []).append(s)
    live = {"running": 0, "queued": 0}
    gates: dict[str, int] = {}  # the gates waiting now: id -> since
    totals = {"running": 0, "queued": 0, "idle": 0}
    per_gate: dict[str, int] = {}
    for a, b in itertools.pairwise(points):
        for s in events.get(a, ()):
            if s.start == a:
                if s.kind == "gate":
                    gates[s.node] = s.start
                else:
                    live[s.kind] += 1
            if s.end == a:
                if s.kind == "gate":
                    gates.pop(s.node, None)
                else:
                    live[s.kind] -= 1
        if b <= 0 or a >= tl.elapsed:
            continue
        width = min(b, tl.elapsed) - max(a, 0)
        if live["running"]:
            totals["running"] += width
        elif live["queued"]:
            totals["queued"] += width
        elif gates:
            first = min(gates, key=lambda k: (gates[k], k))
            per_gate[first] = per_gate.get(first, 0) + width
        else:
            totals["idle"] += width
    return Accounting(
        elapsed=tl.elapsed / 1e6,
        running=totals["running"] / 1e6,
        queued_only=totals["queued"] / 1e6,
        gates={k: v / 1e6 for k, v in sorted(per_gate.items())},
        idle=totals["idle"] / 1e6,
    )
