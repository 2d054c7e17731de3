"""What ``flowgraph show`` says about a run, as data: rows, loop groups, gates and the next step.

:func:`show_data` works it out (``flowgraph show --json`` prints it as is) and
:mod:`flowgraph.show` lays it out for a terminal. Nothing here knows about columns, colours or
symbols; the one text it holds is the ``next`` step's sentence, which is data too.

Rows come in dependency order (sorted ids when the graph has a cycle). A loop is one row and its
body templates one row each, counting the copies of every iteration by state (``expand_loops``
lists every iteration and copy instead). A node's state is its status, ``parked`` for a gate
waiting for a person, or ``not-run`` in a definition. Whether a gate is parked comes from
:func:`~flowgraph.blocked.blocked`'s reasons only (:data:`~flowgraph.vocab.GATE_REASONS`): a gate
of a job that has ended is ``job-ended``, never parked, and gets no resume call.

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

from ._compact import opened
from ._graph import GraphData, node_dicts
from ._nodejobs import not_loaded_nodes
from ._resume import resume_call
from ._rows import Row, Rows, ranked
from ._text import ERROR_WIDTH, finite, one_line, shown_id, shown_ids, shown_text
from ._timetext import ended_words, job_end, shown_time
from .blocked import Blocked, blocked, failed_by_iteration
from .focus import iteration_nodes
from .order import core_of
from .subflows import child_graph, resolve
from .timing import ended_at_of, job_timing, parse_time
from .vocab import GATE_REASONS, is_terminal_job_status

__all__ = [
    "ERROR_WIDTH",
    "Row",
    "ended_at_of",
    "finite",
    "job_end",
    "not_loaded_nodes",
    "resume_call",
    "show_data",
    "shown_id",
    "shown_ids",
    "shown_text",
    "shown_time",
]

#: Nodes named in a ``next`` step before ``+N more``.
_LIST_SHOWN = 3


def show_data(
    g: GraphData,
    *,
    expand_loops: bool = False,
    project_id: str | None = None,
    iteration: tuple[str, int] | None = None,
) -> dict[str, Any]:
    """Everything :func:`flowgraph.show.show_text` prints, as JSON-ready data
    (``flowgraph show --json``).

    Keys: ``job`` (header fields), ``statuses`` (counts, templates excluded), ``order``
    (``topological``, or ``sorted`` when the graph has a cycle), ``rows`` (flat, each with a
    ``depth`` and a ``kind``: node, missing, loop, body, iteration or copy; a body row counts
    its copies, listed in ``nodes``; a loop row its ``iterations`` started and, with a
    ``count``, the ones ``declared``), ``gates`` (parked gates with the call that resumes
    them; none once the job has ended), ``errors`` (the node jobs' own ``error`` and ``hint``,
    in full), ``findings`` and ``next`` (``action`` and ``text``). ``iteration``
    (``(loop, K)``) lists that iteration's copies after the loop's rows
    (:func:`flowgraph.focus.iteration_nodes` says which; its errors name the iterations there
    are).
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
    screen = _Screen(g, expand_loops, project_id)
    data = screen.data()
    if iteration is not None:  # the screen's own table: blocked worked out once
        members = iteration_nodes(g, *iteration)
        data["rows"] = opened(data["rows"], screen.table, iteration[0], iteration[1], members)
    return data


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
        out = []
        for n, b in self.blocked.items():
            found = resolve(self.g, n) if b.reason in GATE_REASONS else None
            if found is None:
                continue
            inner_g, inner = found  # a gate inside a sub-workflow is resumed on its own job
            attrs = node_dicts(inner_g.graph)[inner]
            node, owner = attrs.get("node"), inner_g.job
            call = resume_call(
                attrs.get("type") or "user-approval",
                inner,
                owner.job_id,
                owner.metadata.workflow_id,
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
        g, job = self.g, self.g.job
        if job.definition:
            text = "nothing ran: this is a workflow definition; `flowgraph lint` checks it"
            return _step("none", [], text)
        core = core_of(g.execution)  # role and status by number: no dict read per node
        ids, role, statuses = core.ids, core.role, core.status
        execution = [i for i in core.live() if role[i] == "node"]

        def having(status: str) -> list[str]:
            return sorted((ids[i] for i in execution if statuses[i] == status), key=self.key)

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
        # a loop rejected because of an iteration is not the gate a person rejected
        rejected = [n for n in having("rejected") if not failed_by_iteration(g, n)]
        ended_at = shown_time(ended_at_of(job))
        if rejected:
            return _step("re-run", rejected, self._rejected_text(rejected, waiting, ended_at))
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
        stuck = [n for n in ended if self.table.waited(n)]
        if stuck:
            stuck.sort(key=self.key)
            if len(stuck) == 1:
                who = f"the gate {self._where(stuck[0])} waited"
            else:
                who = f"{len(stuck)} gates ({shown_ids(stuck, _LIST_SHOWN)}) waited"
            text = (
                f"the job {ended_words(job.status, ended_at)} while {who} for a person; "
                "nothing will run: start a new run of the workflow"
            )
            return _step("re-run", ended, text)
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
        pending = sum(1 for i in execution if statuses[i] == "pending")
        text = f"wait: the job is {one_line(job.status or 'unknown')}, {pending} node(s) pending"
        return _step("wait", [], text)

    def _rejected_text(
        self, rejected: list[str], waiting: list[Blocked], ended_at: str | None
    ) -> str:
        """What a rejection did: the job ended, or (it runs on) what it cut off."""
        job = self.g.job
        if len(rejected) == 1:
            gate = f"the gate {self._where(rejected[0])} was rejected"
        else:
            gate = f"{len(rejected)} gates ({shown_ids(rejected, _LIST_SHOWN)}) were rejected"
        again = "start a new run if that was a mistake"
        if is_terminal_job_status(job.status):
            return f"{gate} and the job {ended_words(job.status, ended_at)}: {again}"
        cut, it = set(rejected), "it" if len(rejected) == 1 else "they"
        lost = [b.node for b in waiting if cut.intersection(b.causes)]
        if not lost:
            return f"{gate} (nothing waited on {it}); the job runs on: {again}"
        lost.sort(key=self.key)
        return (
            f"{gate}; the job runs on without {_plural(len(lost), 'node')} {it} cut off "
            f"({shown_ids(lost, _LIST_SHOWN)}): {again}"
        )

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
        found = resolve(self.g, n)
        if found is None:
            return one_line(n)
        attrs = node_dicts(found[0].graph)[found[1]]
        loop = attrs.get("loop_node_id")
        if found[0] is not self.g:
            inner, parent = found[1], n[: len(n) - len(found[1]) - 1]
            where = f" ({one_line(loop)} iteration {attrs.get('iteration_index')})" if loop else ""
            return f"{one_line(inner)}{where} inside sub-workflow {one_line(parent)}"
        if loop is None:
            return one_line(n)
        return f"{one_line(n)} ({one_line(loop)} iteration {attrs.get('iteration_index')})"

    # -- all of it -----------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        """The job's fields. ``cost`` is the run's figure (the sum over its node jobs when the
        bundle holds them, see :meth:`~flowgraph._graph.GraphData.cost`), ``cost_detail``
        where it comes from; ``not_loaded`` counts the node jobs that could not be loaded,
        ``not_loaded_nodes`` names them (``job_id``, ``node``, ``reason``)."""
        job = self.g.job
        ended = is_terminal_job_status(job.status)
        duration = job_timing(job).total if ended else None
        if duration is None:
            a, b = parse_time(job.created_at), parse_time(job.updated_at)
            duration = max(0.0, (b - a).total_seconds()) if a and b else None
        cost = self.g.cost()
        return {
            "job_id": job.job_id,
            "workflow_id": job.metadata.workflow_id,
            "definition": job.definition,
            "status": job.status,
            "progress": finite(job.progress),
            "created_at": job.created_at,
            "updated_at": job.updated_at,
            "ended_at": ended_at_of(job) if ended else None,
            "duration": duration,
            "ended": ended,
            "cost": cost.value,
            "cost_detail": cost.as_dict(),
            "error": job.metadata.error,
            "hint": job.metadata.hint,
            "inputs": sorted(self.g.inputs),
            "not_loaded": len(job.not_loaded),
            "not_loaded_nodes": not_loaded_nodes(job),
        }

    def errors(self) -> list[dict[str, Any]]:
        """The node jobs' own errors and hints, in row order, with their loop and iteration."""
        out = []
        for e in self.g.errors():
            attrs = self.nodes[e.node]
            out.append(
                {
                    **e.as_dict(),
                    "loop": attrs.get("loop_node_id"),
                    "iteration": attrs.get("iteration_index"),
                }
            )
        out.sort(key=lambda x: self.key(x["node"]))
        return out

    def data(self) -> dict[str, Any]:
        table = self.table
        rows = with_children(self.g, table.build(), self.blocked, table.expand)
        core = core_of(self.g.graph)
        ids, role, templates = core.ids, core.role, table.templates
        statuses: Counter[str] = Counter(
            table.states(
                ids[i] for i in core.live() if role[i] == "node" and ids[i] not in templates
            )
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
            "errors": self.errors(),
            "findings": len(self.g.build_findings),
            "next": self.next_step(gates),
        }


def with_children(
    g: GraphData, rows: list[Row], blocked: dict[str, Blocked], expand: bool
) -> list[Row]:
    """``rows`` with each sub-workflow node's child rows after it, when the bundle holds its
    job: ids as paths (``brand/logo``), indented one step, ``inside`` naming the sub-workflow
    node; ``blocked`` (by path) says what is blocked in there. The depth is
    :func:`~flowgraph.subflows.child_graph`'s bound."""
    out: list[Row] = []
    for r in rows:
        out.append(r)
        child = child_graph(g, r["id"]) if r["kind"] == "node" else None
        if child is None:
            continue
        cut = len(r["id"]) + 1
        mine = {b[cut:]: v for b, v in blocked.items() if b.startswith(r["id"] + "/")}
        for c in with_children(child, Rows(child, mine, expand).build(), mine, expand):
            more = {"nodes": [f"{r['id']}/{n}" for n in c["nodes"]]} if "nodes" in c else {}
            inside = r["id"] if c.get("inside") is None else f"{r['id']}/{c['inside']}"
            depth_in = c["depth"] + r["depth"] + 1
            out.append(
                {**c, **more, "id": f"{r['id']}/{c['id']}", "depth": depth_in, "inside": inside}
            )
    return out


# -- small helpers ------------------------------------------------------------------------------
def _step(action: str, nodes: list[str], text: str) -> dict[str, Any]:
    return {"action": action, "nodes": nodes, "text": text}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
