"""Human-readable text for the CLI: critical path, blocked nodes, lint, summary, watch.

Pure functions that return text; the CLI prints it. Given the graph (``g``), :func:`blocked_text`
and :func:`summary_text` also print the failed nodes' own errors and hints (from their node
jobs, when the bundle holds them: one line each, cut at :data:`ERROR_WIDTH`) and the workflow
job's own error and hint; the cost is the run's (:meth:`~flowgraph._graph.GraphData.cost`).

A root cause says what it is, then what it blocks and why, and the longest chain to it:

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> print(blocked_text(fg.blocked()), end="")
3 blocked node(s), 1 root cause(s)
<BLANKLINE>
approve: parked until a person acts: approve or reject it
  blocks (waiting-on-gate): upscale, remove-bg
  approve -> upscale -> remove-bg
>>> fg = flowgraph.graph({"jobId": "j", "status": "canceled",
...     "updatedAt": "2026-11-20T09:04:00.000Z", "metadata": {"flow": [
...     {"id": "ok", "type": "user-approval", "status": "rejected"},
...     {"id": "up", "status": "pending", "dependsOn": ["ok"]},
...     {"id": "caption", "status": "processing"}]}})
>>> print(blocked_text(fg.blocked(), fg), end="")
2 blocked node(s), 2 root cause(s)
<BLANKLINE>
(the job itself): the workflow job was canceled at 2026-11-20 09:04:00 UTC
  blocks (job-ended): caption
<BLANKLINE>
ok: rejected
  blocks (rejected-upstream): up
  ok -> up
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._graph import node_status
from ._text import ERROR_WIDTH, finite, one_line, seconds, shown_id, shown_text
from ._timetext import job_end, slack_lines
from .blocked import blocked, is_parked, root_causes
from .vocab import is_terminal_job_status

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
#: Node jobs not loaded that are named before ``+N more``.
_NOT_LOADED_SHOWN = 3
#: Nodes whose own job's error ``flowgraph show`` prints before ``... and N more``.
_NODE_ERRORS_SHOWN = 3
#: Node errors a summary names before "+N more".
_NAMED = 10
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
    """The critical path as a ranked table, Bazel style: time, share, queue vs run. When the
    weight asked for is known for no node (``cp.fallback``), a line under the title says the
    path counts hops instead (``cp.note``)."""
    if not cp.nodes:
        return "no nodes: the flow is empty\n"
    timed = cp.weight != "hops"
    head = ["#", "node", "type", "status"]
    head += ["time", "share", "queue", "run"] if timed else []
    rows = [head]
    i = 0
    for e in cp.entries:  # a sub-workflow's own path follows its node, indented, unnumbered
        depth = e["inside"].count("/") + 1 if e.get("inside") else 0  # brand/kit: 1
        i += not depth
        name = "  " * depth + "↳ " + one_line(e["node"]) if depth else one_line(e["node"])
        row = ["" if depth else str(i), name, _shown(e["type"]), _shown(e["status"])]
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
        *([f"note: {one_line(cp.note)}"] if cp.fallback and cp.note else []),
        "",
    ]
    lines += _table(rows, right=(0, 4, 5, 6, 7))
    if cp.unknown:
        lines += ["", "time unknown (counted as 0): " + ", ".join(map(one_line, cp.unknown))]
    if timed:
        ranked = sorted((e for e in cp.entries if not e.get("inside")), key=lambda e: -e["weight"])[
            :3
        ]
        lines += [
            "",
            "where the time went: "
            + ", ".join(f"{one_line(e['node'])} {_percent(e['share'])}" for e in ranked),
        ]
        lines += slack_lines(cp)
    return "\n".join(lines) + "\n"


def blocked_text(items: list[Blocked], g: GraphData | None = None) -> str:
    """Blocked nodes grouped by root cause: what the cause is, then what it blocks and why
    (``  blocks (<reason>): ...``) and the longest chain from cause to node.

    A cause says what it is itself: ``failed``, ``rejected``, a gate parked for a person (its
    own message; these come first), ``missing from the flow`` or ``on a cycle``; for the nodes
    blocked because the job ended (``job-ended``, no cause node), how and when it ended. The
    count of root causes is ``len(root_causes(items))``. With the graph ``g``, a group also
    says what its failed root causes' own jobs reported (error, hint), and the ``job-ended``
    group what the workflow job did; without it, the blocked nodes' reasons tell the causes."""
    if not items:
        return "nothing is blocked\n"
    own = {b.node: b for b in items}
    by_cause: dict[tuple[str, ...], list[Blocked]] = defaultdict(list)
    for b in items:
        by_cause[tuple(b.causes)].append(b)
    known = {c: k for c in root_causes(items) if c is not None and (k := _cause_kind(c, own, g))}
    for key, group in by_cause.items():  # with one cause, a reason names its kind
        if len(key) == 1 and key[0] not in known and group[0].reason in _REASON_KINDS:
            known[key[0]] = _REASON_KINDS[group[0].reason]
    lines = [f"{len(items)} blocked node(s), {len(root_causes(items))} root cause(s)"]
    gates = {k for k in by_cause if len(k) == 1 and known.get(k[0]) == "gate"}
    for key in sorted(by_cause, key=lambda k: (k not in gates, k)):  # parked gates first
        group = by_cause[key]
        lines += ["", _cause_line(key, group, own, known, g)]
        lines += _cause_errors(g, key) if g is not None else []
        victims = [b for b in group if b.node not in key]  # a cause is not its own victim
        for reason in dict.fromkeys(b.reason for b in victims):
            names = ", ".join(one_line(b.node) for b in victims if b.reason == reason)
            lines.append(f"  blocks ({one_line(reason)}): {names}")
        longest = max(victims, key=lambda v: len(v.chain), default=None)
        if longest is not None and len(longest.chain) > 1:
            lines.append("  " + " -> ".join(map(one_line, longest.chain)))
    return "\n".join(lines) + "\n"


#: What a root cause is, by kind, worst first (``""``: unknown).
_CAUSE_WORDS = {
    "failure": "failed",
    "rejected": "rejected",
    "missing": "missing from the flow",
    "cycle": "on a cycle",
    "gate": "a gate parked for a person",
    "": "a root cause",
}
#: The kind of root cause a blocked node's reason names (the worst among its causes).
_REASON_KINDS = {
    "failed-upstream": "failure",
    "rejected-upstream": "rejected",
    "missing-dependency": "missing",
    "cycle": "cycle",
    "waiting-on-gate": "gate",
}


def _cause_line(
    key: tuple[str, ...],
    group: list[Blocked],
    own: dict[str, Blocked],
    known: dict[str, str],
    g: GraphData | None,
) -> str:
    """``b: failed``, ``approve: parked until a person acts: ...``, ``a, ghost: failed (a);
    missing from the flow (ghost)``, or how the job ended for a ``job-ended`` group."""
    if not key:
        return "(the job itself): " + _job_end(group, g)
    if len(key) == 1 and known.get(key[0]) == "gate":
        return f"{one_line(key[0])}: {own[key[0]].message}"
    kinds: dict[str, list[str]] = defaultdict(list)
    for c in key:
        kinds[known.get(c, "")].append(c)
    worst = _REASON_KINDS.get(group[0].reason, "")
    if len(kinds.get("", ())) == 1 and worst not in kinds:  # the one cause the reason names
        kinds[worst] = kinds.pop("")
    names = ", ".join(map(one_line, key))
    if len(kinds) == 1:
        (kind,) = kinds
        word = "root causes" if not kind and len(key) > 1 else _CAUSE_WORDS[kind]
        return f"{names}: {word}"
    parts = [
        f"{w} ({', '.join(map(one_line, kinds[k]))})" for k, w in _CAUSE_WORDS.items() if k in kinds
    ]
    return f"{names}: " + "; ".join(parts)


def _cause_kind(c: str, own: dict[str, Blocked], g: GraphData | None) -> str | None:
    """What the root cause ``c`` is (a key of :data:`_CAUSE_WORDS`): from its own blocked
    entry (a parked gate, a node on a cycle), else from the graph; None when unknown."""
    b = own.get(c)
    if b is not None:
        return "gate" if is_parked(b) else "cycle" if b.reason == "cycle" else None
    role, status = node_status(g.graph, c) if g is not None else (None, None)
    if role == "missing":
        return "missing"
    return str(status) if status in ("failure", "rejected") else None


def _job_end(group: list[Blocked], g: GraphData | None) -> str:
    """``the workflow job was canceled at 2026-11-20 09:04:00 UTC`` (from the graph), else
    what the blocked nodes' messages say of it (``ended (canceled at ...)``)."""
    if g is not None and is_terminal_job_status(g.job.status):
        return "the workflow job " + job_end(g.job)
    said = (re.search(r"the workflow job ended \([^)]*\)", b.message) for b in group)
    return next((m.group(0) for m in said if m), "the workflow job ended")


def _cause_errors(g: GraphData, causes: tuple[str, ...]) -> list[str]:
    """``  error: ...`` and ``  hint: ...`` of the root causes' own jobs (the workflow job's
    when there is no cause node), one line each."""
    if not causes:
        meta = g.job.metadata
        return _error_lines("  ", "", meta.error, meta.hint)
    lines = []
    for c in causes[:5]:
        e = g.error(c) if c in g.graph else None
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
    from .summary import cost_parts, fold_loops  # here: blocked's and the path's text need none

    definition = g is not None and g.job.definition
    if definition:
        head = f"workflow {shown_id(s.job_id)} (a definition: nothing has run)"
        lines = [f"{head}, {s.nodes} node(s)"]
        lines.append("statuses: - (nothing has run)")
    else:
        status = one_line(s.status) if s.status is not None else "status unknown"
        lines = [f"job {one_line(s.job_id)}: {status}, {s.nodes} node(s)"]
        lines.append("statuses: " + ", ".join(f"{one_line(k)} {v}" for k, v in s.statuses.items()))
    lines.append("types: " + ", ".join(f"{one_line(k)} {v}" for k, v in s.types.items()))
    lines += [loop.text() for loop in fold_loops(g, s.loops)]
    lines.append("outputs: " + (", ".join(map(one_line, s.outputs)) or "-"))
    detail = s.cost_detail or (g.cost().as_dict() if g is not None else None)
    cost = cost_parts(detail) if detail else []
    if not detail and finite(s.cost) is not None:  # a Summary made by hand
        cost = [f"{s.cost:g} CU"]
    if cost:
        lines.append("cost: " + " ".join(cost))
    if s.not_loaded:
        from ._nodejobs import not_loaded_nodes

        names = f": {not_loaded_text(not_loaded_nodes(g.job))}" if g is not None else ""
        lines.append(f"node jobs not loaded: {s.not_loaded}{names}")
    if g is not None:
        meta = g.job.metadata
        lines += _error_lines("", "", meta.error, meta.hint)
        gates = [b.node for b in blocked(g) if is_parked(b)]
        if gates:
            names = ", ".join(shown_id(n) for n in gates[:_NAMED])
            more = f" +{len(gates) - _NAMED} more" if len(gates) > _NAMED else ""
            lines.append(f"parked: {names}{more} (`flowgraph show` has the call that resumes it)")
        errors = g.errors()
        for e in errors[:_NAMED]:
            lines += _error_lines("", f" ({shown_id(e.node)})", e.error, e.hint)
        if len(errors) > _NAMED:
            lines.append(f"... and {len(errors) - _NAMED} more failed node(s): flowgraph blocked")
    return "\n".join(lines) + "\n"


def _shown(value: object) -> str:
    """A cell of a table: ``-`` for a missing value (never ``None``)."""
    return "-" if value is None else one_line(value)


def _percent(share: float | None) -> str:
    value = finite(share)
    return "-" if value is None else f"{value * 100:.0f}%"


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
