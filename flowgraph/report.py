"""Human-readable text for the CLI: critical path, blocked nodes, lint, summary, watch.

Pure functions that return text; the CLI prints it. Given the graph (``g``), :func:`blocked_text`
and :func:`summary_text` also print the failed nodes' own errors and hints (from their node
jobs, when the bundle holds them: one line each, cut at
:data:`ERROR_WIDTH`), the workflow job's own error and hint, and the run's
cost as the sum over its node jobs.

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
from typing import TYPE_CHECKING, Any

from ._text import one_line, seconds
from .screen import finite, not_loaded_nodes, shown_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._graph import GraphData
    from .blocked import Blocked
    from .critical import CriticalPath
    from .findings import Finding
    from .model import Job
    from .summary import Summary

__all__ = [
    "ERROR_WIDTH",
    "blocked_text",
    "cost_parts",
    "cost_text",
    "critical_path_text",
    "lint_text",
    "node_error_lines",
    "not_loaded_text",
    "seconds",
    "shown_text",
    "summary_text",
    "watch_header",
    "watch_lines",
]

#: Status changes listed per poll of ``flowgraph watch`` before ``... and N more``.
_WATCH_CHANGES_SHOWN = 20
#: Where an error or hint line is cut (with an ellipsis) when no narrower width is given.
ERROR_WIDTH = 160
#: Node jobs not loaded that are named before ``+N more``.
_NOT_LOADED_SHOWN = 3
#: Nodes whose own job's error ``flowgraph show`` prints before ``... and N more``.
_NODE_ERRORS_SHOWN = 3
#: How a failed node's state reads before its error.
_FAILED_WORDS = {"failure": "failed", "rejected": "was rejected"}


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
        row = [str(i), one_line(e["node"]), _shown(e["type"]), _shown(e["status"])]
        if timed:
            row += [
                seconds(e["weight"]),
                _percent(e["share"]),
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
            + ", ".join(f"{one_line(e['node'])} {_percent(e['share'])}" for e in ranked),
        ]
    return "\n".join(lines) + "\n"


def blocked_text(items: list[Blocked], g: GraphData | None = None) -> str:
    """Blocked nodes grouped by root cause, with the chain from cause to node.

    The count of root causes counts the nodes that are one, and the job itself once when it
    ended before some nodes ran (``job-ended``, no cause node). With the graph ``g``, a group
    also says what its failed root causes' own jobs reported (error, hint), and the
    ``job-ended`` group what the workflow job did."""
    if not items:
        return "nothing is blocked\n"
    by_cause: dict[tuple[str, ...], list[Blocked]] = defaultdict(list)
    gates = {b.node: b for b in items if b.causes == [b.node]}
    for b in items:
        if b.node in gates:
            continue
        by_cause[tuple(b.causes)].append(b)
    roots = len(set(gates) | {c for key in by_cause for c in key}) + (() in by_cause)
    lines = [f"{len(items)} blocked node(s), {roots} root cause(s)"]
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
        if g is not None:
            lines += _cause_errors(g, key)
        lines.append("  blocks: " + ", ".join(one_line(v.node) for v in victims))
        longest = max(victims, key=lambda v: len(v.chain))
        if len(longest.chain) > 1:
            lines.append("  " + " -> ".join(map(one_line, longest.chain)))
    return "\n".join(lines) + "\n"


def _cause_errors(g: GraphData, causes: tuple[str, ...]) -> list[str]:
    """``  error: ...`` and ``  hint: ...`` of the root causes' own jobs (the workflow job's
    when there is no cause node), one line each."""
    if not causes:
        meta = g.job.metadata
        return _error_lines("  ", "", meta.error, meta.hint)
    lines = []
    for c in causes[:5]:
        e = g.error(c) if c in g.nx else None
        if e is not None:
            who = f" ({shown_id(c)})" if len(causes) > 1 else ""
            lines += _error_lines("  ", who, e.error, e.hint)
    return lines


def _error_lines(indent: str, who: str, error: str | None, hint: str | None) -> list[str]:
    lines = []
    for key, text in (("error", error), ("hint", hint)):
        if text:
            label = f"{indent}{key}{who}: "
            lines.append(label + shown_text(text, ERROR_WIDTH - len(label)))
    return lines


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


def summary_text(s: Summary, g: GraphData | None = None) -> str:
    """The summary as a few lines. With the graph ``g`` (the CLI passes it): a definition says
    so, the cost is the sum over the node jobs (and says where it comes from), and the
    workflow job's and the failed nodes' own errors and hints follow, one line each."""
    definition = g is not None and g.job.definition
    if definition:
        head = f"workflow {shown_id(s.job_id)} (a definition: nothing has run)"
        lines = [f"{head}, {s.nodes} node(s)"]
        lines.append("statuses: - (nothing has run)")
    else:
        status = one_line(s.status) if s.status is not None else "status unknown"
        lines = [f"job {one_line(s.job_id)}: {status}, {s.nodes} node(s)"]
        lines.append("statuses: " + ", ".join(f"{_key(k)} {v}" for k, v in s.statuses.items()))
    lines.append("types: " + ", ".join(f"{_key(k)} {v}" for k, v in s.types.items()))
    for loop in s.loops:
        states = " / ".join(f"{v} {k}" for k, v in loop.states.items()) or "not started"
        line = f"loop {one_line(loop.id)}: {loop.iterations} iteration(s): {states}"
        if loop.failed_iterations:
            line += f" (failed: {', '.join(map(str, loop.failed_iterations))})"
        lines.append(line)
    lines.append("outputs: " + (", ".join(map(one_line, s.outputs)) or "-"))
    if g is not None:
        cost = cost_parts(g.cost().as_dict())
        if cost:
            lines.append("cost: " + " ".join(cost))
    elif finite(s.cost) is not None or finite(s.node_cost) is not None:
        own, node_cost = finite(s.cost), finite(s.node_cost)
        lines.append(
            f"cost: {own if own is not None else '-'} CU"
            + (f" (node jobs: {node_cost:g} CU)" if node_cost is not None else "")
        )
    if s.not_loaded:
        names = f": {not_loaded_text(not_loaded_nodes(g.job))}" if g is not None else ""
        lines.append(f"node jobs not loaded: {s.not_loaded}{names}")
    if g is not None:
        meta = g.job.metadata
        lines += _error_lines("", "", meta.error, meta.hint)
        for e in g.errors():
            lines += _error_lines("", f" ({shown_id(e.node)})", e.error, e.hint)
    return "\n".join(lines) + "\n"


def _key(value: object) -> str:
    """A status or type as a count's key: ``unknown`` for a missing one (never ``None``)."""
    return "unknown" if value in (None, "None") else one_line(value)


def _shown(value: object) -> str:
    """A cell of a table: ``-`` for a missing value (never ``None``)."""
    return "-" if value is None else one_line(value)


def _percent(share: float | None) -> str:
    value = finite(share)
    return "-" if value is None else f"{value * 100:.0f}%"


def shown_text(text: Any, width: int | None = ERROR_WIDTH) -> str:
    """Untrusted text (an error, a hint) on one line, cut with ``…`` at ``width`` characters
    (None: not cut).

    >>> shown_text("bad\\nthings  happened", 12)
    'bad things …'
    """
    flat = " ".join(one_line(part) for part in str(text).split())
    if width is None or len(flat) <= width:
        return flat
    return flat[: max(0, width - 1)] + "…"


def cost_text(cost: dict[str, Any]) -> str | None:
    """What a run cost, for people, saying where the figure comes from (``cost`` is
    :meth:`Cost.as_dict() <flowgraph._graph.Cost>`); None when nothing says anything about it.

    >>> from flowgraph._graph import Cost
    >>> cost_text(Cost(12.0, "node-jobs", 3, 3, 0, 0.0).as_dict())
    'cost 12 CU (sum of 3 node jobs; the job itself says 0)'
    >>> print(cost_text(Cost(None, "unknown", 0, 0, 2, 0.0).as_dict()))
    cost unknown (the job itself says 0 CU; its node jobs carry the cost: load them, --node-jobs)
    """
    parts = cost_parts(cost)
    return " ".join(["cost " + parts[0], *parts[1:]]) if parts else None


def cost_parts(cost: dict[str, Any]) -> list[str]:
    """:func:`cost_text` in parts: the figure (``12 CU``, ``at least 12 CU``, ``unknown``) and,
    when there is more to say, where it comes from in brackets (a screen may put it on the
    next line); ``[]`` when nothing says anything about the cost."""
    value, job = cost["value"], cost["job"]
    if cost["source"] == "node-jobs":
        count = cost["node_jobs"]
        where = f"sum of {count} node job{'s' if count != 1 else ''}"
        if cost["not_loaded"]:
            where += f", {cost['not_loaded']} not loaded"
        if job is not None:
            where += f"; the job itself says {job:g}"
        at_least = "at least " if cost["not_loaded"] else ""
        return [f"{at_least}{value:g} CU", f"({where})"]
    if cost["source"] == "job":
        return [f"{value:g} CU"]
    if job is None and not cost["loaded"] and not cost["not_loaded"]:
        return []
    says = f"the job itself says {job:g} CU; " if job is not None else ""
    if cost["loaded"]:
        return ["unknown", f"({says}its {cost['loaded']} node job(s) carry no cost)"]
    return ["unknown", f"({says}its node jobs carry the cost: load them, --node-jobs)"]


def not_loaded_text(missing: list[dict[str, Any]], width: int | None = 80) -> str:
    """The first node jobs not loaded, each with its node and why: ``gen (job_tg: HTTP 404)``.

    >>> not_loaded_text([{"job_id": "job_tg", "node": "gen", "reason": "HTTP 404"}])
    'gen (job_tg: HTTP 404)'
    """
    parts = []
    for m in missing[:_NOT_LOADED_SHOWN]:
        reason = shown_text(m["reason"], width)
        if m["node"] is None:
            parts.append(f"{shown_id(m['job_id'])} ({reason})")
        else:
            parts.append(f"{shown_id(m['node'])} ({shown_id(m['job_id'])}: {reason})")
    more = len(missing) - _NOT_LOADED_SHOWN
    return ", ".join(parts) + (f" +{more} more" if more > 0 else "")


def node_error_lines(
    errors: list[dict[str, Any]],
    width: int = ERROR_WIDTH,
    paint: Callable[[str, str], str] = lambda text, _code: text,
) -> list[str]:
    """The first nodes whose own job says what went wrong (``show_data``'s ``errors``): a title,
    then its error and hint, a line each, cut at ``width`` (``--json`` has all of it)."""
    lines: list[str] = []
    for e in errors[:_NODE_ERRORS_SHOWN]:
        where = shown_id(e["node"])
        if e.get("loop") is not None:
            where += f" ({shown_id(e['loop'])} iteration {e['iteration']})"
        status = e["status"]
        said = _FAILED_WORDS.get(status or "", f"({one_line(status or 'status unknown')})")
        lines += ["", paint(f"{where} {said}, its job {shown_id(e['job_id'])} says:", "1")]
        for key in ("error", "hint"):
            if e[key]:
                label = paint(f"{key}:", "31;1" if key == "error" else "1")
                lines.append(f"  {label} {shown_text(e[key], width - len(key) - 4)}")
    if len(errors) > _NODE_ERRORS_SHOWN:
        more = len(errors) - _NODE_ERRORS_SHOWN
        lines += ["", f"... and {more} more node error(s); `flowgraph show --json` lists them"]
    return lines


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
    value = finite(job.progress)
    progress = f" {value * 100:.0f}%" if value is not None else ""
    lines = [f"{now} {one_line(job.status)}{progress}, {len(changes)} change(s)"]
    for node, old, new in changes[:_WATCH_CHANGES_SHOWN]:
        lines.append(f"  {one_line(node)}: {one_line(old or '-')} -> {one_line(new or '-')}")
    if len(changes) > _WATCH_CHANGES_SHOWN:
        lines.append(f"  ... and {len(changes) - _WATCH_CHANGES_SHOWN} more")
    return lines
