"""Human-readable text for the CLI: critical path, blocked nodes, lint, summary.

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
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from .blocked import Blocked
    from .critical import CriticalPath
    from .findings import Finding
    from .summary import Summary

__all__ = ["blocked_text", "critical_path_text", "lint_text", "summary_text", "seconds", "one_line"]


def seconds(value: float | None) -> str:
    """A duration for people: ``1.5s``, ``2m05s``, ``1h02m``; ``-`` when unknown.

    >>> seconds(1.5), seconds(125), seconds(3720), seconds(None)
    ('1.5s', '2m05s', '1h02m', '-')
    """
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.1f}s"
    if value < 3600:
        return f"{int(value // 60)}m{int(value % 60):02d}s"
    return f"{int(value // 3600)}h{int(value % 3600 // 60):02d}m"


def _table(rows: list[list[str]], right: Iterable[int] = ()) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = set(right)
    out = []
    for row in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
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
            row += [seconds(e["weight"]), f"{e['share'] * 100:.0f}%", seconds(e["queue"]),
                    seconds(e["run"])]
        rows.append(row)
    lines = [f"critical path ({cp.weight}): {len(cp.nodes)} node(s), total "
             + (seconds(cp.total) if timed else f"{cp.total:g} hop(s)"), ""]
    lines += _table(rows, right=(0, 4, 5, 6, 7))
    if cp.unknown:
        lines += ["", "time unknown (counted as 0): " + ", ".join(map(one_line, cp.unknown))]
    if timed:
        ranked = sorted(cp.entries, key=lambda e: -e["weight"])[:3]
        lines += ["", "where the time went: " + ", ".join(
            f"{one_line(e['node'])} {e['share'] * 100:.0f}%" for e in ranked)]
    return "\n".join(lines) + "\n"


def one_line(text: Any) -> str:
    """Node ids are untrusted: no control characters reach the terminal."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in str(text))


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
        lines.append(f"cost: {s.cost if s.cost is not None else '-'} CU"
                     + (f" (node jobs: {s.node_cost:g} CU)" if s.node_cost is not None else ""))
    if s.not_loaded:
        lines.append(f"node jobs not loaded: {s.not_loaded}")
    return "\n".join(lines) + "\n"
