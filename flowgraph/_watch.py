"""``flowgraph watch``: a one-screen summary first, then only changes, and an end of its own.

A watch ends when the job ends (success, failure, canceled) or when it can go no further
without a person: a gate parked and nothing running (its resume call is printed). The exit
status (``--exit-status``) says which, as ``gh run watch`` does: 0 success, 1 failure,
canceled or blocked at a gate.

>>> import flowgraph
>>> outcome(flowgraph.graph("examples/approval-parked.json"))
'parked'
>>> outcome(flowgraph.graph("examples/foreach-failed.json"))
'failure'
>>> EXIT["parked"], EXIT["success"]
(1, 0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._compact import STATE_WORDS
from ._resume import call_lines
from ._rows import ranked
from ._text import finite, one_line
from .blocked import blocked, is_parked
from .critical import critical_path
from .errors import FlowgraphError
from .report import blocked_text, critical_path_text, watch_lines
from .screen import show_data, shown_id
from .vocab import TERMINAL_JOB_STATUSES

if TYPE_CHECKING:
    from ._graph import GraphData
    from .model import Job

__all__ = ["EXIT", "end_lines", "outcome", "poll_text", "progress_line"]

#: The exit status of each way a watch ends (``--exit-status``).
EXIT = {"success": 0, "failure": 1, "canceled": 1, "parked": 1}
_BAR = 20


def outcome(g: GraphData) -> str | None:
    """How the watched job stands: its terminal status (``success``, ``failure``,
    ``canceled``), ``parked`` when a gate waits for a person and no node is running, else None
    (still going)."""
    status = g.job.status
    if status in TERMINAL_JOB_STATUSES:
        return status if status in EXIT else "failure"
    if any(is_parked(b) for b in blocked(g)):
        nodes = g.execution.nodes
        if not any(nodes[n].get("status") == "processing" for n in nodes if n not in g.loops):
            return "parked"
    return None


def progress_line(job: Job, now: str) -> str:
    """``09:30:00 [########------------] 40%  4 ok / 1 running / 5 pending``: a terminal's
    line, redrawn in place at each poll.

    >>> from flowgraph.model import FlowNode, Job, Metadata
    >>> job = Job(job_id="j", status="in-progress", progress=0.4, metadata=Metadata(flow=[
    ...     FlowNode("a", status="success"), FlowNode("b", status="processing")]))
    >>> progress_line(job, "09:30:00")
    '09:30:00 in-progress [########------------] 40%  1 ok / 1 running'
    """
    value = finite(job.progress)
    counts = Counter(n.status or "unknown" for n in job.flow)
    parts = " / ".join(f"{k} {STATE_WORDS.get(s, one_line(s))}" for s, k in ranked(counts).items())
    bar = ""
    if value is not None:
        filled = round(max(0.0, min(1.0, value)) * _BAR)
        bar = f" [{'#' * filled}{'-' * (_BAR - filled)}] {value * 100:.0f}%"
    return f"{now} {one_line(job.status)}{bar}  {parts}".rstrip()


def end_lines(g: GraphData, state: str | None, project_id: str | None = None) -> list[str]:
    """What a watch prints when it ends: how (``state``: :func:`outcome`, None when it stopped
    for ``--max-polls``), what is blocked, the resume call of each parked gate, the critical
    path."""
    if state == "parked":
        gates = show_data(g, project_id=project_id)["gates"]
        lines = [f"job {one_line(g.job.status)}: stopped at a gate that waits for a person"]
        for call in gates:
            lines += [f"gate {shown_id(call['node'])}: resume it with:", *call_lines(call)]
    else:
        lines = [f"job {one_line(g.job.status)}"]
    lines.append(blocked_text(blocked(g), g).rstrip("\n"))
    try:
        lines.append(critical_path_text(critical_path(g)).rstrip("\n"))
    except FlowgraphError as exc:
        lines.append(f"no critical path: {exc}")
    return lines


def poll_text(
    g: GraphData,
    changes: Sequence[tuple[str, str | None, str | None]],
    clock: str,
    *,
    tty: bool,
    project_id: str | None = None,
) -> str:
    """What one poll prints: on the first (every node new) the one-screen ``show``, then only
    the changes (nothing when none); on a terminal (``tty``) the progress line is redrawn in
    place after them (``\\r``, erase line), piped only plain lines."""
    from .show import show_text  # show sits beside this module: imported when watching

    if changes and all(old is None for _, old, _ in changes):
        text = show_text(g, width=100 if tty else None, project_id=project_id) + "\n"
    elif changes:
        text = "\n".join(watch_lines(g.job, changes, clock)) + "\n"
    else:
        text = ""
    if tty:
        text = "\r\x1b[K" + text + "\r\x1b[K" + progress_line(g.job, clock)
    return text
