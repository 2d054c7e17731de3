"""Human-readable text for the CLI: critical path, blocked nodes, lint, summary, watch.

Pure functions that return text; the CLI prints it.

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> print(blocked_text(fg.blocked()), end="")
3 blocked node(s), 1 root cause(s)
<BLANKLINE>
approve: parked until a person acts: approve or reject it
  blocks: upscale, remove-bg
  approve -> upscale -> remove-bg
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ._text import one_line, seconds

if TYPE_CHECKING:
    from .blocked import Blocked
    from .critical import CriticalPath
    from .findings import Finding
    from .model import Job
    from .summary import Summary

__all__ = [
    "blocked_text",
    "critical_path_text",
    "lint_text",
    "seconds",
    "summary_text",
    "watch_header",
    "watch_lines",
]

#: Status changes listed per poll of ``flowgraph watch`` before ``... and N more``.
_WATCH_CHANGES_SHOWN = 20


def _table(rows: list[list[str]], right: Iterable[int] = ()) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = set(right)
    out = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out


def critical_path_text(cp: CriticalPath) -> str:
    """The critical path as a ranked table, Bazel style: time, share, queue vs run."""
    if not cp.nodes:
        return "no nodes: the flow is empty\n"
    timed = cp.weight != "hops"
    head = ["#", "node", "type", "status"]
    head += ["time", "share", "queue", "run"] if timed else []
    rows = [head]
    for i, e in enumerate(cp.entries, 1):
        row = [str(i), one_line(e["node"]), str(e["type"]), str(e["status"])]
        if timed:
            row += [
                seconds(e["weight"]),
                f"{e['share'] * 100:.0f}%",
                seconds(e["queue"]),
                seconds(e["run"]),
            ]
        rows.append(row)
    lines = [
        f"critical path ({cp.weight}): {len(cp.nodes)} node(s), total "
        + (seconds(cp.total) if timed else f"{cp.total:g} hop(s)"),
        "",
    ]
    lines += _table(rows, right=(0, 4, 5, 6, 7))
    if cp.unknown:
        lines += ["", "time unknown (counted as 0): " + ", ".join(map(one_line, cp.unknown))]
    if timed:
        ranked = sorted(cp.entries, key=lambda e: -e["weight"])[:3]
        lines += [
            "",
            "where the time went: "
            + ", ".join(f"{one_line(e['node'])} {e['share'] * 100:.0f}%" for e in ranked),
        ]
    return "\n".join(lines) + "\n"


def blocked_text(items: list[Blocked]) -> str:
    """Blocked nodes grouped by root cause, with the chain from cause to node."""
    if not items:
        return "nothing is blocked\n"
    by_cause: dict[tuple[str, ...], list[Blocked]] = defaultdict(list)
    gates = {b.node: b for b in items if b.causes == [b.node]}
    for b in items:
        if b.node in gates:
            continue
        by_cause[tuple(b.causes)].append(b)
    roots = sorted(set(gates) | {c for key in by_cause for c in key})
    lines = [f"{len(items)} blocked node(s), {len(roots)} root cause(s)"]
    done: set[tuple[str, ...]] = set()
    for gate, b in sorted(gates.items()):
        lines += ["", f"{one_line(gate)}: {b.message}"]
        victims = by_cause.get((gate,), [])
        done.add((gate,))
        if victims:
            lines.append("  blocks: " + ", ".join(one_line(v.node) for v in victims))
            longest = max(victims, key=lambda v: len(v.chain))
            lines.append("  " + " -> ".join(map(one_line, longest.chain)))
    for key, victims in sorted(by_cause.items()):
        if key in done:
            continue
        first = victims[0]
        cause = ", ".join(map(one_line, key)) or "(the job itself)"
        lines += ["", f"{cause}: {first.reason}: {first.message}"]
        lines.append("  blocks: " + ", ".join(one_line(v.node) for v in victims))
        longest = max(victims, key=lambda v: len(v.chain))
        if len(longest.chain) > 1:
            lines.append("  " + " -> ".join(map(one_line, longest.chain)))
    return "\n".join(lines) + "\n"


def lint_text(findings: list[Finding]) -> str:
    """One line per finding, then a count."""
    if not findings:
        return "no findings\n"
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.severity] += 1
    lines = [one_line(f) for f in findings]
    lines.append(", ".join(f"{n} {s}(s)" for s, n in counts.items()))
    return "\n".join(lines) + "\n"


def summary_text(s: Summary) -> str:
    """The summary as a few lines."""
    lines = [f"job {s.job_id}: {s.status}, {s.nodes} node(s)"]
    lines.append("statuses: " + ", ".join(f"{k} {v}" for k, v in s.statuses.items()))
    lines.append("types: " + ", ".join(f"{k} {v}" for k, v in s.types.items()))
    for loop in s.loops:
        states = " / ".join(f"{v} {k}" for k, v in loop.states.items()) or "not started"
        line = f"loop {one_line(loop.id)}: {loop.iterations} iteration(s): {states}"
        if loop.failed_iterations:
            line += f" (failed: {', '.join(map(str, loop.failed_iterations))})"
        lines.append(line)
    lines.append("outputs: " + (", ".join(map(one_line, s.outputs)) or "-"))
    if s.cost is not None or s.node_cost is not None:
        lines.append(
            f"cost: {s.cost if s.cost is not None else '-'} CU"
            + (f" (node jobs: {s.node_cost:g} CU)" if s.node_cost is not None else "")
        )
    if s.not_loaded:
        lines.append(f"node jobs not loaded: {s.not_loaded}")
    return "\n".join(lines) + "\n"


def watch_header(source: str) -> str:
    """The line ``flowgraph watch`` starts with.

    >>> watch_header("job_1")
    'watching job_1 (Ctrl-C to stop)'
    """
    return f"watching {source} (Ctrl-C to stop)"


def watch_lines(
    job: Job, changes: Sequence[tuple[str, str | None, str | None]], now: str
) -> list[str]:
    """The lines of one poll of ``flowgraph watch``: the time ``now`` (the CLI passes
    ``time.strftime('%H:%M:%S')``), the job's status and progress, how many nodes changed
    status, then the first changes (``node, old, new``) and how many more there are.

    >>> from flowgraph.model import Job
    >>> job = Job(job_id="job_1", status="in-progress", progress=0.5)
    >>> changes = [("gen", "pending", "success"), ("ok?", None, "pending")]
    >>> print("\\n".join(watch_lines(job, changes, "09:30:00")))
    09:30:00 in-progress 50%, 2 change(s)
      gen: pending -> success
      ok?: - -> pending
    >>> watch_lines(job, [("n", "a", "b")] * 21, "09:30:02")[-2:]
    ['  n: a -> b', '  ... and 1 more']
    """
    progress = f" {job.progress * 100:.0f}%" if job.progress is not None else ""
    lines = [f"{now} {one_line(job.status)}{progress}, {len(changes)} change(s)"]
    for node, old, new in changes[:_WATCH_CHANGES_SHOWN]:
        lines.append(f"  {one_line(node)}: {one_line(old or '-')} -> {one_line(new or '-')}")
    if len(changes) > _WATCH_CHANGES_SHOWN:
        lines.append(f"  ... and {len(changes) - _WATCH_CHANGES_SHOWN} more")
    return lines
