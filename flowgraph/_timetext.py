"""Text for people about time: the run's accounting (``flowgraph time``, ``show``'s header
line), what-if answers, and the slack of the long nodes off the critical path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._text import one_line, seconds
from .errors import FlowgraphError
from .timing import ended_at_of, parse_time

if TYPE_CHECKING:
    from ._graph import GraphData
    from .critical import CriticalPath
    from .focus import Chain
    from .model import Job
    from .timeline import Accounting
    from .whatif import WhatIf

__all__ = [
    "accounting_text",
    "chain_answer",
    "ended_words",
    "job_end",
    "shown_time",
    "slack_lines",
    "time_answer",
    "time_line",
    "top_text",
    "what_if_answer",
    "what_if_text",
]

#: How a terminal job status reads after "the job".
_ENDED = {"canceled": "was canceled", "failure": "failed", "success": "succeeded"}
#: How many nodes off the critical path ``critical-path`` lists with their slack.
SLACK_SHOWN = 5


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "-"


def time_line(a: Accounting) -> str:
    """One line: where the elapsed time went (``show``'s header)."""
    if a.running is None or a.queued_only is None or a.idle is None:
        return f"time: {seconds(a.elapsed)} elapsed; running, queued and gates not known"
    parts = [f"running {seconds(a.running)}", f"queued {seconds(a.queued_only)}"]
    if a.gates:
        parts.append(f"at gates {seconds(sum(a.gates.values()))}")
    parts.append(f"idle {seconds(a.idle)}")
    return f"time: {seconds(a.elapsed)} = " + " + ".join(parts)


def accounting_text(a: Accounting) -> str:
    """The accounting as a table, each part with its share of the elapsed time."""
    lines = [f"elapsed {seconds(a.elapsed)}"]
    if a.running is None or a.queued_only is None or a.idle is None:
        return "\n".join([*lines, f"note: {one_line(a.note)}"]) + "\n"
    rows = [("running (a node ran)", a.running), ("queued only", a.queued_only)]
    rows += [(f"gate {one_line(g)} (waiting for a person)", s) for g, s in a.gates.items()]
    rows.append(("idle (nothing running or queued)", a.idle))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        lines.append(f"  {name.ljust(width)}  {seconds(value):>8}  {_share(value, a.elapsed):>4}")
    return "\n".join(lines) + "\n"


def what_if_text(w: WhatIf) -> str:
    """The old and new totals, the gain, and both critical paths."""
    return (
        f"critical path {seconds(w.total)} -> {seconds(w.new_total)} "
        f"(gain {seconds(w.gain)}, {_share(w.gain, w.total)})\n"
        f"path:     {' -> '.join(map(one_line, w.path))}\n"
        f"new path: {' -> '.join(map(one_line, w.new_path))}\n"
    )


def top_text(items: list[dict[str, Any]]) -> str:
    """The ranking of ``what-if --top``."""
    if not items:
        return "no node's 2x speed-up would shorten the run\n"
    width = max(len(one_line(i["node"])) for i in items)
    width = max(width, len("node (2x faster)"))
    lines = [f"{'node (2x faster)'.ljust(width)}  gain"]
    for i in items:
        lines.append(f"{one_line(i['node']).ljust(width)}  {seconds(i['gain'])}")
    return "\n".join(lines) + "\n"


def slack_lines(cp: CriticalPath, shown: int = SLACK_SHOWN) -> list[str]:
    """The longest nodes off the path and their slack (how much later they could end without
    making the run longer): long nodes that do not matter."""
    on = set(cp.nodes)
    off = [n for n in cp.slack if n not in on and cp.weights.get(n, 0.0) > 0]
    off.sort(key=lambda n: (-cp.weights[n], n))
    if not off:
        return []
    rows = [(one_line(n), seconds(cp.weights[n]), seconds(cp.slack[n])) for n in off[:shown]]
    width = max(len("off the path"), *(len(r[0]) for r in rows))
    lines = ["", f"{'off the path'.ljust(width)}  {'time':>8}  {'slack':>8}"]
    lines += [f"{a.ljust(width)}  {b:>8}  {c:>8}" for a, b, c in rows]
    if len(off) > shown:
        lines.append(f"(and {len(off) - shown} more)")
    return lines


def time_answer(fg: GraphData) -> tuple[dict[str, Any], str]:
    """``flowgraph time``: the JSON and the text."""
    from .timeline import accounting  # here: critical-path's slack lines need neither

    a = accounting(fg)
    return a.as_dict(), accounting_text(a)


def what_if_answer(
    fg: GraphData, faster: list[str], k: int | None, queue: str
) -> tuple[dict[str, Any], str]:
    """``flowgraph what-if``: ``--top K``'s ranking, else the run with ``--faster`` changes."""
    from .whatif import top, what_if

    if k is not None:
        items = top(fg, k, queue)
        return {"top": items}, top_text(items)
    pairs = [item.partition("=") for item in faster]
    if not pairs or any(not sep or not key for key, sep, _ in pairs):
        raise FlowgraphError("give --faster NODE=2x (or NODE=30s), or --top N")
    w = what_if(fg, {key: value for key, _, value in pairs}, queue)
    return w.as_dict(), what_if_text(w)


def chain_answer(chain: Chain) -> tuple[dict[str, Any], str]:
    """``critical-path --focus NODE``: the longest chain through the node, as JSON and text."""
    data = {
        "node": chain.node,
        "weight": chain.weight,
        "nodes": chain.nodes,
        "total": chain.total,
        "slack": chain.slack,
    }
    hops = chain.weight == "hops"
    unit = f"{chain.total:g} hop(s)" if hops else seconds(chain.total)
    slack = ""
    if chain.slack == 0:
        slack = "; on the critical path"
    elif chain.slack is not None:
        slack = f"; slack {chain.slack if hops else seconds(chain.slack)}"
    head = f"longest chain through {one_line(chain.node)} ({chain.weight}): {unit}{slack}"
    return data, "\n".join([head, *(f"  {i}. {one_line(n)}" for i, n in enumerate(chain.nodes, 1))])


def shown_time(text: str | None) -> str | None:
    """An API time for people (``2026-11-20 09:04:00 UTC``), as is when unreadable.

    >>> shown_time("2026-11-20T09:04:00.123Z"), shown_time(None)
    ('2026-11-20 09:04:00 UTC', None)
    """
    if not text:
        return None
    when = parse_time(text)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else one_line(text)


def job_end(job: Job) -> str:
    """How and when an ended job ended, after "the job": ``was canceled at 2026-11-20 09:04:00
    UTC`` (its end from :func:`ended_at_of`)."""
    return ended_words(job.status, shown_time(ended_at_of(job)))


def ended_words(status: str | None, when: str | None) -> str:
    """``was canceled at 2026-11-20 09:04:00 UTC``."""
    verb = _ENDED.get(status or "", f"ended ({one_line(status)})")
    return verb + (f" at {when}" if when else "")
