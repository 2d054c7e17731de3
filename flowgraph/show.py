"""``flowgraph show``: one screen that says what a run is, where it stands and what to do next.

A header (job, workflow, status, progress, times, cost, error and hint), then one row per node in
dependency order with a status symbol, type, model, time and the root cause of anything blocked
(``BLOCKED-BY``), the errors and hints of the failed nodes' own jobs (when the bundle holds
them), the exact call that resumes a gate parked for a person (none once the job has ended: its
gates can no longer be resolved), and a closing ``next:`` line. The cost is the sum over the
node jobs when the bundle holds them (a workflow job bills 0 itself), and says so. Loops are
collapsed to one row per body template with per-state counts and the failed iterations (a
for-each with a ``count`` says how many started: ``2 of 5 started``), so a 10,000-node run still
fits on a screen; ``expand_loops=True`` lists every copy under its
iteration. This module lays the screen out (columns, wrapping, symbols, colours);
:mod:`flowgraph.screen` works out what is on it, and :func:`show_data` is that data as is
(``flowgraph show --json``).

Symbols: ``✓`` success, ``✗`` failure or rejected, ``●`` running, ``○`` pending, ``⊘`` skipped,
``⏸`` a gate parked for a person, ``?`` unknown (``·`` in a definition: nothing ran). Ids come
from the payload and are untrusted: the text never carries their control characters, and the
resume calls quote them for a shell.

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "job_1", "status": "in-progress", "progress": 0.5,
...     "metadata": {"workflowId": "wflow_1", "flow": [
...     {"id": "gen", "type": "model", "modelId": "model_x", "status": "success"},
...     {"id": "ok?", "type": "user-approval", "status": "pending", "dependsOn": ["gen"]},
...     {"id": "upscale", "type": "model", "status": "pending", "dependsOn": ["ok?"]}]}})
>>> print(show_text(fg, width=80))  # doctest: +NORMALIZE_WHITESPACE
job job_1  workflow wflow_1
status ● in-progress  progress 50%  nodes 3: 1 ok / 1 parked / 1 pending
<BLANKLINE>
   NODE     TYPE           MODEL    TIME  BLOCKED-BY / NOTE
✓  gen      model          model_x  -
⏸  ok?      user-approval  -        -     a person (awaiting-approval)
○  upscale  model          -        -     ok? (waiting-on-gate)
<BLANKLINE>
gate ok? (user-approval) waits for a person; resume it with:
  curl -X PUT "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}/workflows/wflow_1/user-approval?projectId=YOUR_PROJECT_ID" \\
    -u "$SCENARIO_SDK_API_KEY:$SCENARIO_SDK_API_SECRET" -H 'content-type: application/json' \\
    -d '{"nodeId": "ok?", "workflowJobId": "job_1", "action": "approve"}'
  (to reject it: "action": "reject")
  python: from scenario_sdk import Scenario; Scenario().workflows.user_approval('wflow_1', project_id='YOUR_PROJECT_ID', node_id='ok?', workflow_job_id='job_1', action='approve')
  (replace YOUR_PROJECT_ID with the job's project id, or pass --project-id / project_id=)
<BLANKLINE>
next: approve or reject the gate ok? with the call above; 1 node waits for it
"""  # noqa: E501 (the resume calls are never cut)

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

from ._compact import SCREEN_LINES, focused, pick
from ._graph import GraphData
from ._resume import call_lines
from ._text import clip, join_fields, one_line, seconds, wrap_parts
from ._timetext import time_line
from .report import ERROR_WIDTH, node_error_lines, not_loaded_text
from .screen import Row, resume_call, show_data, shown_id, shown_ids, shown_time
from .summary import cost_parts
from .timeline import accounting
from .vocab import GATE_REASONS, RUNNING_JOB_STATUSES, WAITING_JOB_STATUSES, is_terminal_job_status

__all__ = ["SYMBOLS", "resume_call", "show_data", "show_text"]

#: Status -> symbol; ``parked`` is a gate waiting for a person.
SYMBOLS = {
    "success": "✓",
    "failure": "✗",
    "rejected": "✗",
    "processing": "●",
    "pending": "○",
    "skipped": "⊘",
    "parked": "⏸",
    "not-run": "·",
}
_UNKNOWN = "?"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_COLORS = {
    "success": "32",
    "failure": "31",
    "rejected": "31",
    "processing": "36",
    "pending": "2",
    "skipped": "2",
    "parked": "33;1",
}
_WORDS = {
    "success": "ok",
    "failure": "failed",
    "rejected": "rejected",
    "parked": "parked",
    "processing": "running",
    "pending": "pending",
    "skipped": "skipped",
}
#: A terminal job status after "job" on the row of a gate the job ended on.
_JOB_ENDED = {"canceled": "canceled", "failure": "failed", "success": "succeeded"}
_GATES_SHOWN = 3
_INPUTS_SHOWN = 8
_ERROR_LINES = 8
#: The width of a screen without a width (``width=None``: piped output is never cut).
_UNLIMITED = 1 << 30
#: The widest NODE, TYPE, MODEL and TIME columns.
_CAPS = (40, 20, 28, 10)
#: The narrowest BLOCKED-BY / NOTE column before the MODEL and TYPE columns give way.
_NOTE_WIDTH = 24

#: ``paint(text, code)``: ``text`` in the ANSI colour ``code``, or as is without colour.
Paint = Callable[[str, str], str]


def show_text(
    g: GraphData,
    *,
    color: bool = False,
    expand_loops: bool = False,
    width: int | None = 100,
    project_id: str | None = None,
    view: str = "auto",
    focus: set[str] | None = None,
    iteration: tuple[str, int] | None = None,
) -> str:
    """The run as text for people: header, node table, node errors, parked gates, and a
    ``next:`` line.

    ``color`` adds ANSI colours (the CLI passes it only for a terminal without ``NO_COLOR``);
    ``width`` bounds the table's lines (the resume calls are never cut); ``None`` cuts and
    wraps nothing (the CLI's choice when stdout is not a terminal), but the node errors, cut
    at :data:`~flowgraph.report.ERROR_WIDTH`; ``expand_loops`` lists every loop copy under its
    iteration instead of one row per body template. ``view``: ``auto`` fits a big run on one
    screen (problems first, loops one row each, then a line saying what was left out; see
    :mod:`flowgraph._compact`), ``all`` lists every row, ``problems`` only the problems.
    ``focus``: only the rows of these nodes (:func:`flowgraph.focus.around`); ``iteration``
    (``(loop, K)``) lists that iteration's copies, every row shown.
    """
    data = show_data(g, expand_loops=expand_loops, project_id=project_id, iteration=iteration)
    if focus is not None:
        data["rows"] = focused(data["rows"], focus)
    paint = _painter(color)
    limited = width is not None
    cols = max(width, 40) if width is not None else _UNLIMITED
    top = _header(data, paint, cols)
    if g.job.node_jobs and not g.job.definition:  # where the time went, in one line
        top.append(one_line(time_line(accounting(g))))
    table = _table(data["rows"], paint, cols, data["job"], capped=limited)
    lines = _screen(data, top, table, paint, cols, limited, _GATES_SHOWN)
    text = "\n".join(lines)
    fits = expand_loops or iteration is not None or text.count("\n") < SCREEN_LINES
    if view == "all" or (view == "auto" and fits):
        return text
    # one screen: the problems first, each loop one row, then what fits (see _compact)
    fixed = "\n".join(_screen(data, top, [], paint, cols, limited, 1)).count("\n") + 1
    room = SCREEN_LINES - fixed - 2
    for _ in range(3):  # a row's note may wrap: fewer rows until the table fits its room
        rows, more = pick(data["rows"], room, problems_only=view == "problems")
        table = _table(rows, paint, cols, data["job"], capped=limited)
        if view == "problems" or len(table) <= room + 1 or room <= 1:
            break
        room -= len(table) - room - 1
    return "\n".join(_screen(data, top, table + [more] * bool(more), paint, cols, limited, 1))


def _screen(
    data: dict[str, Any],
    top: list[str],
    table: list[str],
    paint: Paint,
    cols: int,
    limited: bool,
    gates: int,
) -> list[str]:
    """The screen's lines around the node ``table``."""
    lines = [*top, ""]
    if data["order"] == "sorted":
        note = "note: the graph has a cycle, so rows are sorted by id (`flowgraph lint` names it)"
        lines.append(paint(note, "33"))
    lines += table
    if any(r["kind"] == "body" for r in data["rows"]):
        lines.append(
            "(loops collapsed: one row per body template; --expand-loops lists every copy)"
        )
    lines += node_error_lines(data["errors"], cols if limited else ERROR_WIDTH, paint)
    lines += _gates(data["gates"], paint, gates)
    if data["findings"]:
        found = f"{data['findings']} structural finding(s) while building the graph"
        lines += ["", found + ": `flowgraph lint` lists them"]
    wrapped = textwrap.wrap(data["next"]["text"], cols - 6, break_on_hyphens=False) or [""]
    lines += ["", paint("next:", "1") + " " + wrapped[0], *("      " + w for w in wrapped[1:])]
    return lines


def _header(data: dict[str, Any], paint: Paint, width: int) -> list[str]:
    """The job, its status and counts, its times and cost, inputs, error and hint."""
    job = data["job"]
    if job["definition"]:
        head = f"workflow {shown_id(job['job_id'])}  (a definition: nothing has run)"
    else:
        head = f"job {shown_id(job['job_id'])}"
        if job["workflow_id"]:
            head += f"  workflow {shown_id(job['workflow_id'])}"
    lines = [paint(head, "1")]
    if not job["definition"]:
        status = job["status"]
        symbol = paint(_job_symbol(status), _job_color(status))
        parts = [f"status {symbol} {one_line(status or 'unknown')}"]
        if job["progress"] is not None:  # finite: NaN and infinities are left out
            parts.append(f"progress {job['progress'] * 100:.0f}%")
        parts.append(f"nodes {data['nodes']}: {_counts(data['statuses'])}")
        if data["loops"]:
            parts.append(f"loops {data['loops']}")
        lines += join_fields(parts, width)
        times = []
        if job["created_at"]:
            times.append(f"created {shown_time(job['created_at'])}")
        if job["updated_at"]:
            times.append(f"updated {shown_time(job['updated_at'])}")
        if job["duration"] is not None:
            times.append(("duration " if job["ended"] else "elapsed ") + seconds(job["duration"]))
        cost = cost_parts(job["cost_detail"])
        if cost:
            times.append("cost " + cost[0])
        lines += join_fields(times, width)
        if len(cost) > 1:  # where the figure comes from: beside it, or on a line of its own
            if len(_ANSI.sub("", lines[-1])) + 1 + len(cost[1]) <= width:
                lines[-1] += " " + cost[1]
            else:
                lines.append("cost: " + cost[1].strip("()"))
    inputs = job["inputs"]
    if inputs:
        more = ", ..." if len(inputs) > _INPUTS_SHOWN else ""
        lines.append("inputs: " + ", ".join(shown_id(n) for n in inputs[:_INPUTS_SHOWN]) + more)
    for key in ("error", "hint"):
        if job[key]:
            text = " ".join(one_line(part) for part in str(job[key]).splitlines())
            wrapped = textwrap.wrap(text, width - len(key) - 2) or [""]
            label = paint(f"{key}:", "31;1" if key == "error" else "1")
            for i, part in enumerate(wrapped[:_ERROR_LINES]):
                lines.append(f"{label if i == 0 else ' ' * (len(key) + 1)} {part}")
            if len(wrapped) > _ERROR_LINES:
                lines.append(" " * (len(key) + 2) + "… (`flowgraph show --json` has all of it)")
    if job["not_loaded"]:
        names = not_loaded_text(job["not_loaded_nodes"])
        count = job["not_loaded"]
        text = f"node jobs not loaded: {count}: {names} (their times and cost are unknown)"
        lines += textwrap.wrap(text, width, subsequent_indent="  ", break_on_hyphens=False)
    return lines


def _gates(gates: list[dict[str, Any]], paint: Paint, shown: int = _GATES_SHOWN) -> list[str]:
    """The first gates parked for a person, each with the calls that resume it (never cut)."""
    lines: list[str] = []
    for call in gates[:shown]:
        where = ""
        if call["loop"] is not None:
            where = f", {shown_id(call['loop'])} iteration {call['iteration']}"
        title = (
            f"gate {shown_id(call['node'])} ({one_line(call['type'])}{where}) "
            "waits for a person; resume it with:"
        )
        lines += ["", paint(title, "33;1"), *call_lines(call)]
    if len(gates) > shown:
        more = len(gates) - shown
        lines += [
            "",
            f"... and {more} more gate(s) parked; `flowgraph show --json` lists every call",
        ]
    return lines


def _table(
    rows: list[Row], paint: Paint, width: int, job: dict[str, Any], capped: bool = True
) -> list[str]:
    """The node table within ``width``; ``capped=False`` leaves the columns uncut."""
    if not rows:
        return ["(no nodes: the flow is empty)"]
    cells = [_cells(r) for r in rows]
    head = ["NODE", "TYPE", "MODEL", "TIME"]
    caps = _CAPS if capped else (_UNLIMITED,) * len(_CAPS)
    widths = [
        min(cap, max(len(head[i]), *(len(c[i]) for c in cells))) for i, cap in enumerate(caps)
    ]
    rest = width - 3 - sum(w + 2 for w in widths)
    if rest < _NOTE_WIDTH:  # narrow screen or long ids: the model and type columns give way first
        for i in (2, 1):
            give = min(_NOTE_WIDTH - rest, widths[i] - 8)
            if give > 0:
                widths[i] -= give
                rest += give
    rest = max(rest, 16)
    columns = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = ["   " + columns + "  BLOCKED-BY / NOTE"]
    pad = " " * (3 + sum(w + 2 for w in widths))
    for r, c in zip(rows, cells, strict=True):
        state = r.get("state") or ""
        symbol = paint(SYMBOLS.get(state, _UNKNOWN), _COLORS.get(state, "35"))
        shown = "  ".join(clip(v, w).ljust(w) for v, w in zip(c, widths, strict=True))
        line = symbol + "  " + shown
        notes = wrap_parts(_note(r, rest, job), rest)
        cause = (r.get("blocked_by") or {}).get("reason", "")
        tint = "33" if cause in ("waiting-on-gate", *GATE_REASONS) else "31" if cause else ""
        if notes:
            line += "  " + (paint(notes[0], tint) if tint else notes[0])
        out.append(line.rstrip())
        out += [pad + more for more in notes[1:]]
    return out


def _cells(r: Row) -> list[str]:
    """The NODE, TYPE, MODEL and TIME cells of a row."""
    kind = r["kind"]
    name = r["id"] if kind == "iteration" else shown_id(r["id"])
    if kind == "body":
        name = "↳ " + name
    total = kind in ("body", "iteration") and r["duration"] is not None
    return [
        "  " * r["depth"] + name,
        one_line(r["type"]) if r["type"] else "",
        one_line(r["model"]) if r["model"] else ("" if kind == "iteration" else "-"),
        ("Σ " if total else "") + seconds(r["duration"]),
    ]


def _note(r: Row, width: int, job: dict[str, Any]) -> list[str]:
    """The BLOCKED-BY / NOTE parts of a row: root causes, loop counts, failed iterations."""
    parts = []
    b = r.get("blocked_by")
    if b is not None:
        if b["reason"] in GATE_REASONS:
            parts.append(f"a person ({b['reason']})")
        elif b["reason"] == "job-ended" and b.get("waited"):
            when = shown_time(job.get("ended_at"))
            status = _JOB_ENDED.get(job["status"] or "", one_line(job["status"] or "ended"))
            parts.append(f"job {status}" + (f" {when}" if when else ""))
            parts.append("too late to act (job-ended)")
        elif b["reason"] == "job-ended":
            parts.append("the job ended (job-ended)")
        else:
            parts.append(f"{shown_ids(b['causes'])} ({b['reason']})")
    if r.get("running") is not None:
        parts.append(f"running {seconds(r['running'])}")
    if r["kind"] == "loop" and r["state"] != "not-run":
        n, declared = r["iterations"], r.get("declared")
        counts = f": {_counts(r['iteration_states'])}" if n else ""
        if declared is not None:  # a for-each with a count: copies appear as iterations start
            parts.append(f"{n} of {declared} started{counts}")
        else:
            parts.append(f"{n} iteration{'s' if n != 1 else ''}{counts}")
    elif r["kind"] in ("body", "iteration") and r.get("states"):
        parts.append(_counts(r["states"]))
    for label in ("failed", "parked"):
        if r.get(label):
            parts.append(_iterations(label, r[label], r.get("parent"), width))
    for blk in r.get("blocked", [])[:3]:
        text = f"{blk['count']} blocked by {shown_ids(blk['causes'])} ({blk['reason']})"
        if not blk["causes"]:
            text = f"{blk['count']} blocked: the job ended ({blk['reason']})"
        elif len(text) > width:
            text = f"{blk['count']} blocked ({blk['reason']}): {shown_ids(blk['causes'], 1)}"
        parts.append(text)
    return parts


def _iterations(label: str, where: list[dict[str, Any]], parent: Any, width: int) -> str:
    """``failed: iteration 1 (render-Lm2p), iteration 4 (render-x) +2 more`` within ``width``."""
    items = [
        (
            f"iteration {x['iteration']}"
            if x["loop"] == parent
            else f"{shown_id(x['loop'])} iteration {x['iteration']}"
        )
        + f" ({shown_id(x['node'])})"
        for x in where[:50]
    ]
    text = f"{label}: {items[0]}"
    shown = 1
    for item in items[1:]:
        tail = f" +{len(where) - shown - 1} more" if shown + 1 < len(where) else ""
        if len(text) + 2 + len(item) + len(tail) > width:
            break
        text += ", " + item
        shown += 1
    if shown < len(where):
        text += f" +{len(where) - shown} more"
    return text


# -- small helpers ------------------------------------------------------------------------------
def _counts(states: dict[str, int]) -> str:
    return " / ".join(f"{k} {_WORDS.get(s, one_line(s))}" for s, k in states.items()) or "-"


def _job_symbol(status: str | None) -> str:
    if status == "success":
        return SYMBOLS["success"]
    if is_terminal_job_status(status):  # failure, canceled
        return SYMBOLS["failure"]
    if status in WAITING_JOB_STATUSES:
        return SYMBOLS["pending"]
    if status in RUNNING_JOB_STATUSES:
        return SYMBOLS["processing"]
    return _UNKNOWN


def _job_color(status: str | None) -> str:
    if status == "success":
        return _COLORS["success"]
    return _COLORS["failure"] if is_terminal_job_status(status) else _COLORS["processing"]


def _painter(color: bool) -> Paint:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color and code and text else text

    return paint
