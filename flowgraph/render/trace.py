"""The run as Chrome Trace Event JSON (Perfetto, ``chrome://tracing``): ``render --format
trace``.

Process 1 is the run's own nodes (a thread per node); each loop is a process of its own with a
thread per iteration; process 0 is the critical path. Every queued and running span is an
``X`` (complete) slice, and so is every gate's wait (on the gate's thread); each slice's
``args`` carry the node's id, type, model, cost and error. Timestamps are microseconds since
the run began; events come in timestamp order (metadata first), so the same run gives the
same bytes. Built with :mod:`json`: any id is safe.

>>> import flowgraph, json
>>> doc = json.loads(to_trace(flowgraph.graph("examples/timed-bundle.json")))
>>> [e["name"] for e in doc["traceEvents"] if e["ph"] == "X" and e["pid"] == 0]
['prompt', 'gen', 'approve', 'upscale', 'remove-bg']
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._spans import details, on_path, rows, spans_by_node, spans_of

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["to_trace", "trace_events"]


def trace_events(fg: GraphData) -> dict[str, Any]:
    """The trace document: ``{"traceEvents": [...], "displayTimeUnit": "ms", ...}``."""
    tl = spans_of(fg)
    by_node = spans_by_node(tl)
    meta: list[dict[str, Any]] = []
    slices: list[dict[str, Any]] = []
    pids: dict[str, int] = {"": 1}
    tids: dict[tuple[int, str], int] = {}
    threads: dict[int, int] = {}  # pid -> its number of threads so far
    info: dict[str, dict[str, Any]] = {}  # node -> its slices' args (the path reuses them)

    def name(ph: str, pid: int, tid: int | None, what: str, value: str) -> None:
        event: dict[str, Any] = {"ph": ph, "name": what, "pid": pid, "args": {"name": value}}
        if tid is not None:
            event["tid"] = tid
        meta.append(event)

    name("M", 0, None, "process_name", "critical path")
    name("M", 0, 0, "thread_name", "critical path")
    name("M", 1, None, "process_name", "run " + fg.job.job_id)
    for row in rows(fg, tl):
        if row.group not in pids:
            pids[row.group] = len(pids) + 1
            name("M", pids[row.group], None, "process_name", "loop " + row.group)
        pid = pids[row.group]
        for n in row.nodes:
            nodes_lane = str(fg.execution.nodes[n].get("iteration_index")) if row.group else n
            key = (pid, nodes_lane)
            if key not in tids:
                tids[key] = threads[pid] = threads.get(pid, 0) + 1
                label = f"iteration {nodes_lane}" if row.group else n
                name("M", pid, tids[key], "thread_name", label)
            args = info[n] = details(fg, n)
            for s in by_node[n]:
                slices.append(_slice(n, s.kind, s.start, s.end, pid, tids[key], args))
    for n in on_path(fg):
        spans = by_node.get(n)
        if spans:
            start, end = min(s.start for s in spans), max(s.end for s in spans)
            slices.append(_slice(n, "critical", start, end, 0, 0, info[n]))
    slices.sort(key=lambda e: (e["ts"], e["pid"], e["tid"], -e["dur"], e["name"]))
    other = {"job_id": fg.job.job_id, "begin": tl.begin.isoformat() if tl.begin else None}
    return {"traceEvents": meta + slices, "displayTimeUnit": "ms", "otherData": other}


def _slice(
    n: str, kind: str, start: int, end: int, pid: int, tid: int, args: dict[str, Any]
) -> dict[str, Any]:
    return {
        "ph": "X",
        "name": n,
        "cat": kind,
        "ts": start,
        "dur": end - start,
        "pid": pid,
        "tid": tid,
        "args": {**args, "kind": kind},
    }


def to_trace(fg: GraphData) -> str:
    """The trace as JSON text (UTF-8 safe: ``\\u`` escapes for what is not ASCII)."""
    return json.dumps(trace_events(fg), indent=1, sort_keys=False, allow_nan=False) + "\n"
