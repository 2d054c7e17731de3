"""What ``flowgraph show`` says about a run, as data: rows, loop groups, gates and the next step.

:func:`show_data` works it out (``flowgraph show --json`` prints it as is) and
:mod:`flowgraph.show` lays it out for a terminal. Nothing here knows about columns, colours or
symbols; the one text it holds is the ``next`` step's sentence, which is data too.

Rows come in dependency order (sorted ids when the graph has a cycle). A loop is one row and its
body templates one row each, counting the copies of every iteration by state (``expand_loops``
lists every iteration and copy instead). A node's state is its status, ``parked`` for a gate
waiting for a person, or ``not-run`` in a definition.

>>> import flowgraph
>>> data = show_data(flowgraph.graph("examples/approval-parked.json"))
>>> data["statuses"], data["next"]["action"]
({'success': 2, 'parked': 1, 'pending': 2}, 'resolve-gate')
>>> [(gate["node"], gate["method"], gate["path"]) for gate in data["gates"]]
[('approve', 'PUT', '/workflows/wflow_product_shots/user-approval')]
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ._graph import GraphData
from ._resume import resume_call
from ._rows import Row, Rows, ranked
from ._text import one_line
from .blocked import blocked, failed_by_iteration
from .timing import job_timing, parse_time
from .vocab import GATE_REASONS, is_terminal_job_status

__all__ = ["Row", "resume_call", "show_data", "shown_id", "shown_ids"]

#: Nodes named in a ``next`` step before ``+N more``.
_LIST_SHOWN = 3


def show_data(
    g: GraphData, *, expand_loops: bool = False, project_id: str | None = None
) -> dict[str, Any]:
    """Everything :func:`flowgraph.show.show_text` prints, as JSON-ready data
    (``flowgraph show --json``).

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
    return _Screen(g, expand_loops, project_id).data()


class _Screen:
    def __init__(self, g: GraphData, expand: bool, project_id: str | None) -> None:
        self.g = g
        self.project_id = project_id
        self.blocked = {b.node: b for b in blocked(g)}
        self.table = Rows(g, self.blocked, expand)
        self.nodes = self.table.nodes
        self.key = self.table.key

    # -- gates and the next step -----------------------------------------------------------
    def gates(self) -> list[dict[str, Any]]:
        job = self.g.job
        out = []
        for n, b in self.blocked.items():
            if b.reason not in GATE_REASONS:
                continue
            attrs = self.nodes[n]
            node = attrs.get("node")
            call = resume_call(
                attrs.get("type") or "user-approval",
                n,
                job.job_id,
                job.metadata.workflow_id,
                project_id=self.project_id,
            )
            call.update(
                {
                    "node": n,
                    "type": attrs.get("type"),
                    "reason": b.reason,
                    "items": len(node.items) if node is not None else 0,
                    "loop": attrs.get("loop_node_id"),
                    "iteration": attrs.get("iteration_index"),
                }
            )
            out.append(call)
        out.sort(key=lambda c: self.key(c["node"]))
        return out

    def next_step(self, gates: list[dict[str, Any]]) -> dict[str, Any]:
        """The one thing to do now, worst problem first: ``action``, ``nodes`` and ``text``."""
        g, nodes, job = self.g, self.nodes, self.g.job
        if job.definition:
            text = "nothing ran: this is a workflow definition; `flowgraph lint` checks it"
            return _step("none", [], text)
        execution = [n for n in g.execution if nodes[n].get("role") == "node"]

        def having(status: str) -> list[str]:
            return sorted((n for n in execution if nodes[n].get("status") == status), key=self.key)

        failed = [n for n in having("failure") if not failed_by_iteration(g, n)]
        waiting = [b for b in self.blocked.values() if b.reason not in GATE_REASONS]
        if failed:
            if len(failed) == 1:
                what = f"the failed node {self._where(failed[0])}"
            else:
                what = f"the {len(failed)} failed nodes " + shown_ids(failed, _LIST_SHOWN)
            return _step("fix-failed", failed, f"fix {what} and re-run the workflow")
        if gates:
            return _step("resolve-gate", [c["node"] for c in gates], self._gate_text(gates))
        rejected = having("rejected")
        if rejected:
            text = (
                f"the gate {self._where(rejected[0])} was rejected, which cancels "
                "the run: start a new run if that was a mistake"
            )
            return _step("re-run", rejected, text)
        broken = sorted(
            {c for b in waiting if b.reason in ("missing-dependency", "cycle") for c in b.causes},
            key=lambda n: self.table.pos.get(n, 0),
        )
        if broken:
            names = ", ".join(one_line(n) for n in broken[:_LIST_SHOWN])
            text = f"fix the workflow: missing node or cycle at {names} (`flowgraph lint` explains)"
            return _step("fix-workflow", broken, text)
        status = one_line(job.status)
        ended = [b.node for b in waiting if b.reason == "job-ended"]
        if ended:
            text = f"the job ended ({status}) before {len(ended)} node(s) ran: re-run the workflow"
            return _step("re-run", ended, text)
        if job.status == "success":
            return _step("none", [], "nothing to do: run succeeded")
        if is_terminal_job_status(job.status):
            text = (
                f"the job ended ({status}) without a failed node: "
                "read the error above and re-run the workflow"
            )
            return _step("re-run", [], text)
        running = [n for n in having("processing") if n not in g.loops]
        if running:
            names = ", ".join(one_line(n) for n in running[:_LIST_SHOWN])
            more = ", ..." if len(running) > _LIST_SHOWN else ""
            text = f"wait: {_plural(len(running), 'node')} running ({names}{more})"
            return _step("wait", running, text)
        pending = sum(1 for n in execution if nodes[n].get("status") == "pending")
        text = f"wait: the job is {one_line(job.status or 'unknown')}, {pending} node(s) pending"
        return _step("wait", [], text)

    def _gate_text(self, gates: list[dict[str, Any]]) -> str:
        first = gates[0]["node"]
        if len(gates) > 1:
            text = (
                f"act on {len(gates)} gates parked for a person, first "
                f"{self._where(first)}, with the calls above"
            )
        else:
            approval = gates[0]["reason"] == "awaiting-approval"
            verb = "approve or reject" if approval else "select items or reject"
            text = f"{verb} the gate {self._where(first)} with the call above"
        victims = sum(
            1 for b in self.blocked.values() if b.reason not in GATE_REASONS and first in b.causes
        )
        if victims:
            text += f"; {_plural(victims, 'node')} wait{'s' if victims == 1 else ''} for it"
        return text

    def _where(self, n: str) -> str:
        attrs = self.nodes[n]
        loop = attrs.get("loop_node_id")
        if loop is None:
            return one_line(n)
        return f"{one_line(n)} ({one_line(loop)} iteration {attrs.get('iteration_index')})"

    # -- all of it -----------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        job = self.g.job
        ended = is_terminal_job_status(job.status)
        duration = job_timing(job).total if ended else None
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
            "inputs": sorted(self.g.inputs),
            "not_loaded": len(job.not_loaded),
        }

    def data(self) -> dict[str, Any]:
        table = self.table
        rows = table.build()
        statuses: Counter[str] = Counter(
            table.state(n) or "unknown"
            for n, d in self.nodes.items()
            if d.get("role") == "node" and n not in table.templates
        )
        gates = self.gates()
        return {
            "job": self.header(),
            "nodes": sum(statuses.values()),
            "statuses": ranked(statuses),
            "loops": sum(1 for n in self.g.loops if n not in table.templates),
            "order": "sorted" if table.cyclic else "topological",
            "expand_loops": table.expand,
            "rows": rows,
            "gates": gates,
            "findings": len(self.g.build_findings),
            "next": self.next_step(gates),
        }


# -- small helpers ------------------------------------------------------------------------------
def shown_id(text: Any) -> str:
    """An untrusted id on one line, ``""`` when it is empty (so it stays visible)."""
    shown = one_line(text)
    return shown if shown else '""'


def shown_ids(ids: list[str], limit: int = 2) -> str:
    """The first ``limit`` ids, then ``+N more``: ``a, b +3 more``."""
    shown = ", ".join(shown_id(i) for i in ids[:limit])
    return shown + (f" +{len(ids) - limit} more" if len(ids) > limit else "")


def _step(action: str, nodes: list[str], text: str) -> dict[str, Any]:
    return {"action": action, "nodes": nodes, "text": text}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
