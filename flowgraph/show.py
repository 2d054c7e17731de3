"""``flowgraph show``: one screen that says what a run is, where it stands and what to do next.

A header (job, workflow, status, progress, times, cost, error and hint), then one row per node in
dependency order with a status symbol, type, model, time and the root cause of anything blocked
(``BLOCKED-BY``), the exact call that resumes a gate parked for a person, and a closing ``next:``
line. Loops are collapsed to one row per body template with per-state counts and the failed
iterations, so a 10,000-node run still fits on a screen; ``expand_loops=True`` lists every copy
under its iteration. :func:`show_data` is the same as JSON-ready data (``flowgraph show --json``).

Symbols: ``✓`` success, ``✗`` failure or rejected, ``●`` running, ``○`` pending, ``⊘`` skipped,
``⏸`` a gate parked for a person, ``?`` unknown (``·`` in a definition: nothing ran). Ids come from the payload and are untrusted:
the text never carries their control characters, and the resume calls quote them for a shell.

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
  curl -X PUT "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}/workflows/wflow_1/user-approval" \\
    -u "$SCENARIO_SDK_API_KEY:$SCENARIO_SDK_API_SECRET" -H 'content-type: application/json' \\
    -d '{"nodeId": "ok?", "workflowJobId": "job_1", "action": "approve"}'
  (to reject it: "action": "reject")
  python: from scenario_sdk import Scenario; Scenario().workflows.user_approval('wflow_1', project_id='YOUR_PROJECT_ID', node_id='ok?', workflow_job_id='job_1', action='approve')
<BLANKLINE>
next: approve or reject the gate ok? with the call above; 1 node waits for it
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote

from .order import adjacency, keyed_order
from .report import one_line, seconds
from .summary import iteration_state
from .timing import job_timing, parse_time
from .vocab import is_terminal_job_status

if TYPE_CHECKING:
    from .blocked import Blocked
    from .flow_graph import FlowGraph

__all__ = ["show_text", "show_data", "SYMBOLS", "resume_call"]

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
#: The order counts are printed in.
_SHOWN = ("success", "failure", "rejected", "parked", "processing", "pending", "skipped")
#: Worst first: the state a group of nodes shows.
_WORST = ("failure", "rejected", "parked", "processing", "pending", "success", "skipped")
_GATE_REASONS = ("awaiting-approval", "awaiting-selection")
_BASE_URL = "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}"
_PROJECT_PLACEHOLDER = "YOUR_PROJECT_ID"
_GATES_SHOWN = 3
_LIST_SHOWN = 3


# -- data ---------------------------------------------------------------------------------------
def show_data(
    fg: FlowGraph, *, expand_loops: bool = False, project_id: str | None = None
) -> dict[str, Any]:
    """Everything :func:`show_text` prints, as JSON-ready data (``flowgraph show --json``).

    Keys: ``job`` (header fields), ``statuses`` (counts, templates excluded), ``order``
    (``topological``, or ``sorted`` when the graph has a cycle), ``rows`` (flat, each with a
    ``depth`` and a ``kind``: node, missing, loop, body, iteration or copy; a body row counts
    its copies, listed in ``nodes``), ``gates`` (parked gates with the call that resumes
    them), ``findings`` and ``next`` (``action`` and ``text``).
    ``project_id`` goes into the resume calls (the SDK requires one).

    >>> import flowgraph
    >>> data = show_data(flowgraph.graph("examples/foreach-failed.json"))
    >>> [(r["depth"], r["kind"], r["id"]) for r in data["rows"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(0, 'node', 'style-list'), (0, 'loop', 'each-style'), (1, 'body', 'render'),
     (1, 'body', 'upscale'), (0, 'node', 'contact-sheet')]
    >>> data["next"]["action"], data["rows"][2]["failed"]
    ('fix-failed', [{'loop': 'each-style', 'iteration': 1, 'node': 'render-Lm2p'}])
    """
    return _Show(fg, expand_loops, project_id).data()


class _Show:
    def __init__(self, fg: FlowGraph, expand: bool, project_id: str | None) -> None:
        self.fg = fg
        self.g = fg.nx
        self.nodes = adjacency(fg.nx)[0]  # node -> attributes (the dict: views cost 2x here)
        self.expand = expand
        self.project_id = project_id
        self.blocked: dict[str, Blocked] = {b.node: b for b in fg.blocked()}
        self.pos, self.cyclic = self._order()
        # every loop copy (nested ones too) and every body template
        self.copies: set[str] = set()
        for loop in fg.loops.values():
            for members in loop.iterations.values():
                self.copies.update(members)
        self.templates = {n for n, d in self.nodes.items()
                          if d.get("loop_template_of") is not None}
        self.by_template: dict[str, list[str]] = defaultdict(list)
        for n in self.copies:
            template = self.nodes[n].get("template")
            if template is not None:
                self.by_template[template].append(n)
        for members in self.by_template.values():
            members.sort(key=self._key)
        self.rows: list[dict[str, Any]] = []
        self.open: set[str] = set()  # loops being listed (guards broken, self-nesting payloads)
        self.covered: set[str] = set()  # nodes in a row or counted in a body row

    def _order(self) -> tuple[dict[str, int], bool]:
        nodes = self.nodes

        def key(n: str) -> tuple[int, str]:
            index = nodes[n].get("flow_index")
            if index is None:
                index = -1 if nodes[n].get("role") == "input" else 1 << 30
            return (index, n)

        order = keyed_order(self.g, key)
        cyclic = order is None
        if order is None:
            order = sorted(self.g)
        return {n: i for i, n in enumerate(order)}, cyclic

    def _key(self, n: str) -> int:
        return self.pos[n]

    # -- one node ------------------------------------------------------------------------------
    def state(self, n: str) -> str | None:
        """The status shown: the node's, or ``parked`` for a gate waiting for a person."""
        b = self.blocked.get(n)
        if b is not None and b.reason in _GATE_REASONS:
            return "parked"
        if self.fg.job.definition:
            return "not-run"
        status: str | None = self.nodes[n].get("status")
        return status

    def duration(self, n: str) -> float | None:
        timing = self.nodes[n].get("timing")
        total: float | None = getattr(timing, "total", None)
        return total

    def blocked_by(self, n: str) -> dict[str, Any] | None:
        b = self.blocked.get(n)
        if b is None:
            return None
        return {"reason": b.reason, "causes": self._sorted(b.causes), "message": b.message}

    def node_row(self, n: str, depth: int, kind: str | None = None) -> dict[str, Any]:
        d = self.nodes[n]
        role = d.get("role")
        row: dict[str, Any] = {
            "id": n,
            "depth": depth,
            "kind": kind or ("missing" if role == "missing" else "node"),
            "status": d.get("status"),
            "state": self.state(n) if role != "missing" else None,
            "type": d.get("type") if role != "missing" else "(not in the flow)",
            "model": d.get("model_id") or d.get("workflow_id"),
            "duration": self.duration(n),
            "blocked_by": self.blocked_by(n),
        }
        if d.get("loop_node_id") is not None:
            row["loop"] = d.get("loop_node_id")
            row["iteration"] = d.get("iteration_index")
        return row

    # -- loops ---------------------------------------------------------------------------------
    def loop_row(self, n: str, depth: int, kind: str = "loop") -> dict[str, Any]:
        row = self.node_row(n, depth, kind)
        loop = self.fg.loops[n]
        states: Counter[str] = Counter()
        failed = []
        for index, members in sorted(loop.iterations.items()):
            state = iteration_state([self.nodes[c].get("status") for c in members])
            if any(self.state(c) == "parked" for c in members) and state not in (
                "failure", "rejected"
            ):
                state = "parked"
            states[state] += 1
            if state in ("failure", "rejected"):
                failed.append(index)
        row["iterations"] = len(loop.iterations)
        row["iteration_states"] = dict(_ranked(states))
        row["failed_iterations"] = failed
        return row

    def body_row(self, template: str, parent: str, depth: int) -> dict[str, Any]:
        """A collapsed body template: counts of its copies by state, failed ones, blockers."""
        row = self.node_row(template, depth, "body")
        members = self.by_template.get(template, [])
        row.update(self._group(members))
        row["parent"] = parent
        row["state"] = _worst(row["states"]) if members else row["status"]
        row["blocked_by"] = None
        row["duration"] = _sum(self.duration(c) for c in members)
        return row

    def _group(self, members: list[str]) -> dict[str, Any]:
        states: Counter[str] = Counter()
        failed: list[dict[str, Any]] = []
        parked: list[dict[str, Any]] = []
        blockers: dict[str, list[str]] = defaultdict(list)  # reason -> blocked copies
        causes: dict[str, set[str]] = defaultdict(set)
        for c in members:
            state = self.state(c) or "unknown"
            states[state] += 1
            attrs = self.nodes[c]
            where = {"loop": attrs.get("loop_node_id"), "iteration": attrs.get("iteration_index"),
                     "node": c}
            if state in ("failure", "rejected") and not self._failed_by_iteration(c):
                failed.append(where)
            elif state == "parked":
                parked.append(where)
            b = self.blocked.get(c)
            if b is not None and b.reason not in _GATE_REASONS:
                blockers[b.reason].append(c)
                causes[b.reason].update(b.causes)
        return {
            "copies": len(members),
            "nodes": list(members),
            "states": dict(_ranked(states)),
            "failed": failed,
            "parked": parked,
            "blocked": [{"reason": r, "count": len(nodes), "causes": self._sorted(causes[r])}
                        for r, nodes in sorted(blockers.items(), key=lambda i: -len(i[1]))],
        }

    def _sorted(self, ids: Iterable[str]) -> list[str]:
        return sorted(ids, key=lambda n: (self.pos.get(n, 1 << 30), n))

    def _failed_by_iteration(self, n: str) -> bool:
        loop = self.fg.loops.get(n)
        if loop is None:
            return False
        return any(
            self.nodes[c].get("status") in ("failure", "rejected") or self._failed_by_iteration(c)
            for members in loop.iterations.values() for c in members
        )

    def collapsed(self, loop_id: str, depth: int) -> None:
        """Rows for the body templates of ``loop_id`` (a loop or a template loop), nested."""
        if loop_id in self.open:  # a loop in its own body: a broken payload, shown once
            return
        self.open.add(loop_id)
        try:
            self._collapsed(loop_id, depth)
        finally:
            self.open.discard(loop_id)

    def _collapsed(self, loop_id: str, depth: int) -> None:
        loop = self.fg.loops[loop_id]
        body = sorted((t for t in loop.body if t in self.g and self.nodes[t].get("role") == "node"),
                      key=self._key)
        for template in body:
            self.rows.append(self.body_row(template, loop_id, depth))
            self.covered.add(template)
            self.covered.update(self.by_template.get(template, ()))
            if template in self.fg.loops:
                self.collapsed(template, depth + 1)
        # copies the builder could not map to a template of this loop
        if loop_id in self.templates:
            owners = self.by_template.get(loop_id, [])
        else:
            owners = [loop_id]
        stray = sorted(
            (c for o in owners if o in self.fg.loops
             for members in self.fg.loops[o].iterations.values() for c in members
             if self.nodes[c].get("template") is None),
            key=self._key,
        )
        if stray:
            row: dict[str, Any] = {"id": "(copies without a template)", "depth": depth,
                                   "kind": "body", "status": None, "type": None, "model": None,
                                   "duration": _sum(self.duration(c) for c in stray),
                                   "blocked_by": None, "parent": loop_id}
            row.update(self._group(stray))
            row["state"] = _worst(row["states"])
            self.rows.append(row)
            self.covered.update(stray)

    def expanded(self, loop_id: str, depth: int) -> None:
        """Every iteration of ``loop_id`` and its copies (inner loops expanded too)."""
        loop = self.fg.loops[loop_id]
        todo = list(loop.body)  # the templates the copies stand for (nested too) are left out
        while todo:
            template = todo.pop()
            if template not in self.covered:
                self.covered.add(template)
                inner = self.fg.loops.get(template)
                todo += inner.body if inner is not None else []
        for index, members in sorted(loop.iterations.items()):
            states = Counter(self.state(c) or "unknown" for c in members)
            self.rows.append({
                "id": f"iteration {index}", "depth": depth, "kind": "iteration", "loop": loop_id,
                "iteration": index, "status": None, "state": _worst(states), "type": None,
                "model": None, "duration": _sum(self.duration(c) for c in members),
                "blocked_by": None, "states": dict(_ranked(states)),
            })
            for c in sorted(members, key=self._key):
                self.add(c, depth + 1, kind="copy")

    def add(self, n: str, depth: int, kind: str | None = None) -> None:
        self.covered.add(n)
        loop = self.fg.loops.get(n)
        if loop is None:
            self.rows.append(self.node_row(n, depth, kind))
            return
        self.rows.append(self.loop_row(n, depth))
        if not (self.expand and loop.iterations):
            if kind != "copy":
                self.collapsed(n, depth + 1)
            return
        if n in self.open:  # a loop among its own copies: a broken payload, shown once
            return
        self.open.add(n)
        try:
            self.expanded(n, depth + 1)
        finally:
            self.open.discard(n)

    # -- gates and the next step -----------------------------------------------------------
    def gates(self) -> list[dict[str, Any]]:
        job = self.fg.job
        out = []
        for n, b in self.blocked.items():
            if b.reason not in _GATE_REASONS:
                continue
            attrs = self.nodes[n]
            node = attrs.get("node")
            items = len(node.items) if node is not None else 0
            call = resume_call(
                attrs.get("type") or "user-approval", n, job.job_id,
                job.metadata.workflow_id, project_id=self.project_id,
            )
            call.update({"node": n, "type": attrs.get("type"), "reason": b.reason,
                         "items": items, "loop": attrs.get("loop_node_id"),
                         "iteration": attrs.get("iteration_index")})
            out.append(call)
        out.sort(key=lambda c: self._key(c["node"]))
        return out

    def next_step(self, gates: list[dict[str, Any]]) -> dict[str, Any]:
        fg, nodes, job = self.fg, self.nodes, self.fg.job
        if job.definition:
            return {"action": "none", "nodes": [],
                    "text": "nothing ran: this is a workflow definition; `flowgraph lint` checks it"}
        execution = [n for n in fg.execution if nodes[n].get("role") == "node"]
        failed = sorted((n for n in execution if nodes[n].get("status") == "failure"
                         and not self._failed_by_iteration(n)), key=self._key)
        rejected = sorted((n for n in execution if nodes[n].get("status") == "rejected"),
                          key=self._key)
        waiting = [b for b in self.blocked.values() if b.reason not in _GATE_REASONS]
        if failed:
            if len(failed) == 1:
                what = f"the failed node {self._where(failed[0])}"
            else:
                what = f"the {len(failed)} failed nodes " + _ids(failed, _LIST_SHOWN)
            return {"action": "fix-failed", "nodes": failed,
                    "text": f"fix {what} and re-run the workflow"}
        if gates:
            first = gates[0]
            verb = ("approve or reject" if first["reason"] == "awaiting-approval"
                    else "select items or reject")
            victims = sum(1 for b in waiting if first["node"] in b.causes)
            text = f"{verb} the gate {self._where(first['node'])} with the call above"
            if len(gates) > 1:
                text = (f"act on {len(gates)} gates parked for a person, first "
                        f"{self._where(first['node'])}, with the calls above")
            if victims:
                text += f"; {victims} node{'s' if victims != 1 else ''} wait{'s' if victims == 1 else ''} for it"
            return {"action": "resolve-gate", "nodes": [c["node"] for c in gates], "text": text}
        if rejected:
            return {"action": "re-run", "nodes": rejected,
                    "text": f"the gate {self._where(rejected[0])} was rejected, which cancels "
                            "the run: start a new run if that was a mistake"}
        broken = sorted({c for b in waiting if b.reason in ("missing-dependency", "cycle")
                         for c in b.causes}, key=lambda n: self.pos.get(n, 0))
        if broken:
            names = ", ".join(one_line(n) for n in broken[:_LIST_SHOWN])
            return {"action": "fix-workflow", "nodes": broken,
                    "text": f"fix the workflow: missing node or cycle at {names} "
                            "(`flowgraph lint` explains)"}
        ended = [b.node for b in waiting if b.reason == "job-ended"]
        if ended:
            return {"action": "re-run", "nodes": ended,
                    "text": f"the job ended ({one_line(job.status)}) before {len(ended)} "
                            "node(s) ran: re-run the workflow"}
        if job.status == "success":
            return {"action": "none", "nodes": [], "text": "nothing to do: run succeeded"}
        if is_terminal_job_status(job.status):
            return {"action": "re-run", "nodes": [],
                    "text": f"the job ended ({one_line(job.status)}) without a failed node: "
                            "read the error above and re-run the workflow"}
        running = sorted((n for n in execution if nodes[n].get("status") == "processing"
                          and n not in fg.loops), key=self._key)
        if running:
            names = ", ".join(one_line(n) for n in running[:_LIST_SHOWN])
            more = ", ..." if len(running) > _LIST_SHOWN else ""
            return {"action": "wait", "nodes": running,
                    "text": f"wait: {len(running)} node{'s' if len(running) != 1 else ''} "
                            f"running ({names}{more})"}
        pending = sum(1 for n in execution if nodes[n].get("status") == "pending")
        return {"action": "wait", "nodes": [],
                "text": f"wait: the job is {one_line(job.status or 'unknown')}, "
                        f"{pending} node(s) pending"}

    def _where(self, n: str) -> str:
        attrs = self.nodes[n]
        loop = attrs.get("loop_node_id")
        if loop is None:
            return one_line(n)
        return f"{one_line(n)} ({one_line(loop)} iteration {attrs.get('iteration_index')})"

    # -- all of it -----------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        job = self.fg.job
        timing = job_timing(job)
        ended = is_terminal_job_status(job.status)
        duration = timing.total if ended else None
        if duration is None:
            a, b = parse_time(job.created_at), parse_time(job.updated_at)
            duration = max(0.0, (b - a).total_seconds()) if a and b else None
        return {
            "job_id": job.job_id,
            "workflow_id": job.metadata.workflow_id,
            "definition": job.definition,
            "status": job.status,
            "progress": job.progress,
            "created_at": job.created_at,
            "updated_at": job.updated_at,
            "duration": duration,
            "ended": ended,
            "cost": job.billing.cu_cost if job.billing else None,
            "error": job.metadata.error,
            "hint": job.metadata.hint,
            "inputs": sorted(self.fg.inputs),
            "not_loaded": len(job.not_loaded),
        }

    def data(self) -> dict[str, Any]:
        nodes = self.nodes
        top = sorted(
            (n for n, d in nodes.items()
             if d.get("role") in ("node", "missing")
             and n not in self.copies and n not in self.templates),
            key=self._key,
        )
        for n in top:
            self.add(n, 0)
        # a broken payload (a loop in its own body, copies of each other) may leave nodes in no
        # row: every node is shown somewhere
        for n in sorted((n for n, d in nodes.items()
                         if d.get("role") in ("node", "missing") and n not in self.covered),
                        key=self._key):
            if n not in self.covered:
                self.add(n, 0)
        statuses: Counter[str] = Counter(
            self.state(n) or "unknown" for n, d in nodes.items()
            if d.get("role") == "node" and n not in self.templates
        )
        gates = self.gates()
        return {
            "job": self.header(),
            "nodes": sum(statuses.values()),
            "statuses": dict(_ranked(statuses)),
            "loops": sum(1 for n in self.fg.loops if n not in self.templates),
            "order": "sorted" if self.cyclic else "topological",
            "expand_loops": self.expand,
            "rows": self.rows,
            "gates": gates,
            "findings": len(self.fg.build_findings),
            "next": self.next_step(gates),
        }


def resume_call(
    gate_type: str,
    node_id: str,
    job_id: str,
    workflow_id: str | None,
    *,
    project_id: str | None = None,
) -> dict[str, Any]:
    """The API call that resumes a parked gate: ``method``, ``path``, ``body``, a ``curl``
    command and the ``python`` SDK call. Credentials appear only as variable names.

    >>> call = resume_call("user-approval", "approve", "job_1", "wflow_1")
    >>> call["path"], call["body"]
    ('/workflows/wflow_1/user-approval', {'nodeId': 'approve', 'workflowJobId': 'job_1', 'action': 'approve'})
    >>> print(call["python"])
    from scenario_sdk import Scenario; Scenario().workflows.user_approval('wflow_1', project_id='YOUR_PROJECT_ID', node_id='approve', workflow_job_id='job_1', action='approve')
    """
    selection = gate_type == "user-selection"
    endpoint = "user-selection" if selection else "user-approval"
    wf = workflow_id if workflow_id else "WORKFLOW_ID"
    path = f"/workflows/{quote(wf, safe='')}/{endpoint}"
    query = f"?projectId={quote(project_id, safe='')}" if project_id else ""
    body: dict[str, Any]
    if selection:
        body = {"action": "select", "nodeId": node_id, "workflowJobId": job_id,
                "selectedIndices": [0]}
    else:
        body = {"nodeId": node_id, "workflowJobId": job_id, "action": "approve"}
    parts = [
        f'curl -X PUT "{_BASE_URL}{path}{query}"',
        '-u "$SCENARIO_SDK_API_KEY:$SCENARIO_SDK_API_SECRET" '
        "-H 'content-type: application/json'",
        "-d " + shlex.quote(json.dumps(body, ensure_ascii=True)),
    ]
    pid = project_id or _PROJECT_PLACEHOLDER
    if selection:
        args = (f"{wf!r}, project_id={pid!r}, action='select', node_id={node_id!r}, "
                f"workflow_job_id={job_id!r}, selected_indices=[0]")
    else:
        args = (f"{wf!r}, project_id={pid!r}, node_id={node_id!r}, "
                f"workflow_job_id={job_id!r}, action='approve'")
    return {
        "method": "PUT",
        "path": path + query,
        "body": body,
        "curl": " ".join(parts),
        "curl_lines": parts,
        "python": f"from scenario_sdk import Scenario; Scenario().workflows.{endpoint.replace('-', '_')}({args})",
        "workflow_id_known": bool(workflow_id),
    }


# -- text ---------------------------------------------------------------------------------------
def show_text(
    fg: FlowGraph,
    *,
    color: bool = False,
    expand_loops: bool = False,
    width: int = 100,
    project_id: str | None = None,
) -> str:
    """The run as text for people: header, node table, parked gates, and a ``next:`` line.

    ``color`` adds ANSI colours (the CLI passes it only for a terminal without ``NO_COLOR``);
    ``width`` bounds the table's lines (the resume calls are never cut);
    ``expand_loops`` lists every loop copy under its iteration instead of one row per body
    template.
    """
    data = show_data(fg, expand_loops=expand_loops, project_id=project_id)
    paint = _painter(color)
    width = max(width, 40)
    job = data["job"]
    lines: list[str] = []

    if job["definition"]:
        head = f"workflow {_id(job['job_id'])}  (a definition: nothing has run)"
    else:
        head = f"job {_id(job['job_id'])}"
        if job["workflow_id"]:
            head += f"  workflow {_id(job['workflow_id'])}"
    lines.append(paint(head, "1"))
    if not job["definition"]:
        status = job["status"] or "unknown"
        parts = [f"status {paint(_job_symbol(job['status']), _job_color(job['status']))} "
                 f"{one_line(status)}"]
        if job["progress"] is not None:
            parts.append(f"progress {job['progress'] * 100:.0f}%")
        parts.append(f"nodes {data['nodes']}: {_counts(data['statuses'])}")
        if data["loops"]:
            parts.append(f"loops {data['loops']}")
        lines += _join(parts, width)
        times = []
        if job["created_at"]:
            times.append(f"created {_time(job['created_at'])}")
        if job["updated_at"]:
            times.append(f"updated {_time(job['updated_at'])}")
        if job["duration"] is not None:
            times.append(("duration " if job["ended"] else "elapsed ") + seconds(job["duration"]))
        if job["cost"] is not None:
            times.append(f"cost {job['cost']:g} CU")
        if times:
            lines += _join(times, width)
    if job["inputs"]:
        names = [_id(n) for n in job["inputs"][:8]]
        lines.append("inputs: " + ", ".join(names) + (", ..." if len(job["inputs"]) > 8 else ""))
    for key in ("error", "hint"):
        if job[key]:
            text = " ".join(one_line(part) for part in str(job[key]).splitlines())
            wrapped = textwrap.wrap(text, width - len(key) - 2) or [""]
            label = paint(f"{key}:", "31;1" if key == "error" else "1")
            for i, part in enumerate(wrapped[:8]):
                lines.append(f"{label if i == 0 else ' ' * (len(key) + 1)} {part}")
            if len(wrapped) > 8:
                lines.append(" " * (len(key) + 2) + "… (`flowgraph show --json` has all of it)")
    if job["not_loaded"]:
        lines.append(f"node jobs not loaded: {job['not_loaded']} (their times are unknown)")

    lines.append("")
    if data["order"] == "sorted":
        lines.append(paint("note: the graph has a cycle, so rows are sorted by id "
                           "(`flowgraph lint` names it)", "33"))
    lines += _table(data["rows"], paint, width)
    if any(r["kind"] == "body" for r in data["rows"]):
        lines.append("(loops collapsed: one row per body template; --expand-loops lists "
                     "every copy)")

    gates = data["gates"]
    for call in gates[:_GATES_SHOWN]:
        where = ""
        if call["loop"] is not None:
            where = f", {_id(call['loop'])} iteration {call['iteration']}"
        lines += ["", paint(f"gate {_id(call['node'])} ({one_line(call['type'])}{where}) "
                            "waits for a person; resume it with:", "33;1")]
        lines.append("  " + " \\\n    ".join(call["curl_lines"]))
        if call["reason"] == "awaiting-approval":
            lines.append('  (to reject it: "action": "reject")')
        else:
            lines.append(f"  (selectedIndices: indices into the node's {call['items']} item(s); "
                         'to reject: "action": "reject")')
        lines.append("  python: " + call["python"])
        if not call["workflow_id_known"]:
            lines.append("  (the job does not name its workflow: replace WORKFLOW_ID)")
    if len(gates) > _GATES_SHOWN:
        lines += ["", f"... and {len(gates) - _GATES_SHOWN} more gate(s) parked; "
                  "`flowgraph show --json` lists every call"]
    if data["findings"]:
        lines += ["", f"{data['findings']} structural finding(s) while building the graph: "
                  "`flowgraph lint` lists them"]
    wrapped = textwrap.wrap(data["next"]["text"], width - 6, break_on_hyphens=False) or [""]
    lines += ["", paint("next:", "1") + " " + wrapped[0], *("      " + w for w in wrapped[1:])]
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]], paint: Any, width: int) -> list[str]:
    if not rows:
        return ["(no nodes: the flow is empty)"]
    cells: list[list[str]] = []
    for r in rows:
        indent = "  " * r["depth"]
        name = _id(r["id"]) if r["kind"] != "iteration" else r["id"]
        if r["kind"] == "body":
            name = "↳ " + name
        cells.append([
            indent + name,
            one_line(r["type"]) if r["type"] else "",
            one_line(r["model"]) if r["model"] else ("" if r["kind"] == "iteration" else "-"),
            ("Σ " if r["kind"] in ("body", "iteration") and r["duration"] is not None else "")
            + seconds(r["duration"]),
        ])
    caps = (40, 20, 28, 10)
    head = ["NODE", "TYPE", "MODEL", "TIME"]
    widths = [min(cap, max(len(head[i]), *(len(c[i]) for c in cells))) for i, cap in enumerate(caps)]
    rest = width - 3 - sum(w + 2 for w in widths)
    if rest < 24:  # narrow screen or long ids: the model and type columns give way first
        for i in (2, 1):
            give = min(24 - rest, widths[i] - 8)
            if give > 0:
                widths[i] -= give
                rest += give
    rest = max(rest, 16)
    out = ["   " + "  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  BLOCKED-BY / NOTE"]
    pad = " " * (3 + sum(w + 2 for w in widths))
    for r, c in zip(rows, cells):
        state = r.get("state")
        symbol = paint(SYMBOLS.get(state or "", _UNKNOWN), _COLORS.get(state or "", "35"))
        line = symbol + "  " + "  ".join(_clip(v, w).ljust(w) for v, w in zip(c, widths))
        notes = _wrap(_note(r, rest), rest)
        cause = (r.get("blocked_by") or {}).get("reason", "")
        tint = "33" if cause in ("waiting-on-gate", *_GATE_REASONS) else "31" if cause else ""
        if notes:
            first = notes[0]
            line += "  " + (paint(first, tint) if tint else first)
        out.append(line.rstrip())
        out += [pad + more for more in notes[1:]]
    return out


def _iterations(label: str, where: list[dict[str, Any]], parent: Any, width: int) -> str:
    """``failed: iteration 1 (render-Lm2p), iteration 4 (render-x) +2 more`` within ``width``."""
    items = [(f"iteration {x['iteration']}" if x["loop"] == parent
              else f"{_id(x['loop'])} iteration {x['iteration']}") + f" ({_id(x['node'])})"
             for x in where[:50]]
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


def _join(parts: list[str], width: int) -> list[str]:
    """Header fields two spaces apart, on as few lines of ``width`` as they fit."""
    lines: list[str] = []
    size = 0
    for part in parts:
        n = len(_ANSI.sub("", part))
        if lines and size + 2 + n <= width:
            lines[-1] += "  " + part
            size += 2 + n
        else:
            lines.append(part)
            size = n
    return lines


def _wrap(parts: list[str], width: int) -> list[str]:
    """Note parts on as few lines of ``width`` as they fit; a part is never split."""
    lines: list[str] = []
    for part in parts:
        part = _clip(part, width)
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return lines


def _note(r: dict[str, Any], width: int) -> list[str]:
    """The BLOCKED-BY / NOTE parts of a row: root causes, loop counts, failed iterations."""
    parts = []
    b = r.get("blocked_by")
    if b is not None:
        if b["reason"] in _GATE_REASONS:
            parts.append(f"a person ({b['reason']})")
        elif b["reason"] == "job-ended":
            parts.append("the job ended (job-ended)")
        else:
            parts.append(f"{_ids(b['causes'])} ({b['reason']})")
    if r["kind"] == "loop" and r["state"] != "not-run":
        n = r["iterations"]
        parts.append(f"{n} iteration{'s' if n != 1 else ''}"
                     + (f": {_counts(r['iteration_states'])}" if n else ""))
    elif r["kind"] in ("body", "iteration") and r.get("states"):
        parts.append(_counts(r["states"]))
    for label in ("failed", "parked"):
        if r.get(label):
            parts.append(_iterations(label, r[label], r.get("parent"), width))
    for blk in r.get("blocked", [])[:3]:
        text = f"{blk['count']} blocked by {_ids(blk['causes'])} ({blk['reason']})"
        if len(text) > width:
            text = f"{blk['count']} blocked ({blk['reason']}): {_ids(blk['causes'], 1)}"
        parts.append(text)
    return parts


# -- small helpers ------------------------------------------------------------------------------
def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    rank = {s: i for i, s in enumerate(_SHOWN)}
    return sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _worst(states: dict[str, int] | Counter[str]) -> str | None:
    present = [s for s, k in states.items() if k]
    for s in _WORST:
        if s in present:
            return s
    return present[0] if present else None


def _counts(states: dict[str, int]) -> str:
    return " / ".join(f"{k} {_WORDS.get(s, one_line(s))}" for s, k in states.items()) or "-"


def _sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _id(text: Any) -> str:
    shown = one_line(text)
    return shown if shown else '""'


def _ids(ids: list[str], limit: int = 2) -> str:
    shown = ", ".join(_id(i) for i in ids[:limit])
    return shown + (f" +{len(ids) - limit} more" if len(ids) > limit else "")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: max(0, n - 1)] + "…"


def _time(text: str) -> str:
    when: datetime | None = parse_time(text)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else one_line(text)


def _job_symbol(status: str | None) -> str:
    if status == "success":
        return SYMBOLS["success"]
    if status in ("failure", "canceled"):
        return SYMBOLS["failure"]
    if status in ("pending", "queued"):
        return SYMBOLS["pending"]
    if status in ("in-progress", "warming-up", "finalizing"):
        return SYMBOLS["processing"]
    return _UNKNOWN


def _job_color(status: str | None) -> str:
    return {"success": "32", "failure": "31", "canceled": "31"}.get(status or "", "36")


def _painter(color: bool) -> Any:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color and code and text else text

    return paint
