"""The rows of ``flowgraph show``'s table, as data: nodes in order, loops grouped.

A row is a node (``node``, or ``missing`` for a ref to a node not in the flow), a for-each
(``loop``) followed by one ``body`` row per body template, which counts the template's copies
across iterations by state, names the failed and parked ones and sums up what blocks them.
With ``expand`` a loop is followed by its ``iteration`` rows instead, each with its ``copy``
rows (inner loops expanded too). Each body template gets one row, under the first loop that
lists it: loops nested in themselves or listing each other (a broken payload) are listed once,
which keeps the table linear, and every node ends up in a row or counted in one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._graph import GraphData, node_dicts, node_pred
from .blocked import failed_by_iteration
from .order import keyed_order
from .summary import declared_count, iteration_state
from .timing import first_time, job_times, parse_time
from .vocab import GATE_REASONS, GATE_TYPES

if TYPE_CHECKING:
    from .blocked import Blocked

__all__ = ["STATE_ORDER", "Row", "Rows", "ranked", "worst"]

#: One row of the table (see :func:`flowgraph.screen.show_data` for its keys).
Row = dict[str, Any]

#: The order state counts are listed in.
STATE_ORDER = ("success", "failure", "rejected", "parked", "processing", "pending", "skipped")
#: Worst first: the state a group of nodes shows.
_WORST = ("failure", "rejected", "parked", "processing", "pending", "success", "skipped")
_FAILED = ("failure", "rejected")
_LAST = 1 << 30  # the sort key of a node without a place


class Rows:
    """The rows of ``g``'s table (:meth:`build`), and what they are worked out from: each
    node's place in the order (``pos``), its state (:meth:`state`), the loop copies and
    templates. ``blocked`` maps a blocked node to its :class:`~flowgraph.blocked.Blocked`."""

    def __init__(self, g: GraphData, blocked: dict[str, Blocked], expand: bool) -> None:
        self.g = g
        self.nodes = node_dicts(g.graph)  # node -> attributes (the dict: views cost 2x here)
        self.expand = expand
        self.blocked = blocked
        self.parked = {n for n, b in blocked.items() if b.reason in GATE_REASONS}
        self.pos, self.cyclic = self._order()
        # every loop copy (nested ones too) and every body template (in a definition too,
        # unlike GraphData.templates: its loops are collapsed like a run's)
        self.copies: set[str] = set()
        for loop in g.loops.values():
            for members in loop.iterations.values():
                self.copies.update(members)
        self.templates = g.body_templates
        self.by_template: dict[str, list[str]] = defaultdict(list)
        copies = self.copies
        for n, template in g.copy_templates.items():  # (each copy's ``template``)
            if n in copies:
                self.by_template[template].append(n)
        place = self.pos.__getitem__  # :meth:`key` of a node of the graph: every copy
        for members in self.by_template.values():
            members.sort(key=place)
        self.rows: list[Row] = []
        self.open: set[str] = set()  # loops being listed (guards broken, self-nesting payloads)
        self.covered: set[str] = set()  # nodes in a row or counted in a body row

    def build(self) -> list[Row]:
        """Every row (call it once): the nodes outside loops in order, each loop followed by
        its body."""
        shown = [n for n, d in self.nodes.items() if d.get("role") in ("node", "missing")]
        top = (n for n in shown if n not in self.copies and n not in self.templates)
        for n in sorted(top, key=self.key):
            self.add(n, 0)
        # a broken payload (a loop in its own body, copies of each other) may leave nodes in no
        # row: every node is shown somewhere
        for n in sorted((n for n in shown if n not in self.covered), key=self.key):
            if n not in self.covered:
                self.add(n, 0)
        return self.rows

    def _order(self) -> tuple[dict[str, int], bool]:
        nodes = self.nodes

        def key(n: str) -> tuple[int, str]:
            d = nodes[n]
            index = d.get("flow_index")
            if index is None:
                index = -1 if d.get("role") == "input" else _LAST
            return (index, n)

        order = keyed_order(self.g.graph, key)
        cyclic = order is None
        if order is None:
            order = sorted(self.g.graph)
        return {n: i for i, n in enumerate(order)}, cyclic

    def key(self, n: str) -> int:
        """The place of graph node ``n`` in the order rows come in (a node inside a
        sub-workflow, ``parent/child``, takes its parent's place)."""
        place = self.pos.get(n)
        while place is None and "/" in n:
            n = n.rpartition("/")[0]
            place = self.pos.get(n)
        return len(self.pos) if place is None else place

    def in_order(self, ids: Iterable[str]) -> list[str]:
        """``ids`` in the rows' order (ids not in the graph last, by id)."""
        return sorted(ids, key=lambda n: (self.pos.get(n, _LAST), n))

    # -- one node ------------------------------------------------------------------------------
    def state(self, n: str) -> str | None:
        """The status shown: the node's, or ``parked`` for a gate waiting for a person."""
        if n in self.parked:
            return "parked"
        if self.g.job.definition:
            return "not-run"
        status: str | None = self.nodes[n].get("status")
        return status

    def states(self, ids: Iterable[str]) -> list[str]:
        """``self.state(n) or "unknown"`` of each of ``ids``, in one pass (~27k copies at 10k
        nodes: a call per node cost 2x)."""
        gates, nodes = self.parked, self.nodes
        if self.g.job.definition:
            return ["parked" if n in gates else "not-run" for n in ids]
        return ["parked" if n in gates else nodes[n].get("status") or "unknown" for n in ids]

    def duration(self, n: str) -> float | None:
        timing = self.nodes[n].get("timing")
        total: float | None = getattr(timing, "total", None)
        return total

    def running_for(self, n: str) -> float | None:
        """How long a running node has run: from its start (its node job's history, else the
        flow node's own ``startedAt``/``createdAt``) to the job's last update; None when
        either is unknown."""
        job = self.g.job
        now = parse_time(job.updated_at)
        if now is None:
            return None
        job_id = self.nodes[n].get("job_id")
        child = job.node_jobs.get(job_id) if job_id is not None else None
        start = None
        if child is not None:
            created, began, _ = job_times(child)
            start = began or created
        node = self.nodes[n].get("node")
        if start is None and node is not None:
            start = first_time(node.extra, ("startedAt", "createdAt"))
        return max(0.0, (now - start).total_seconds()) if start is not None else None

    def blocked_by(self, n: str) -> dict[str, Any] | None:
        """Why ``n`` is blocked; a ``job-ended`` gate also says whether it ``waited`` for a
        person when the job ended (else it never got that far)."""
        b = self.blocked.get(n)
        if b is None:
            return None
        out: dict[str, Any] = {
            "reason": b.reason,
            "causes": self.in_order(b.causes),
            "message": b.message,
        }
        if b.reason == "job-ended" and self.nodes[n].get("type") in GATE_TYPES:
            out["waited"] = self.waited(n)
        return out

    def waited(self, n: str) -> bool:
        """True for a gate that was waiting for a person: a selection gate ``processing``, or a
        gate everything it depends on is done for (its loop's ``iteration`` edge aside)."""
        d = self.nodes[n]
        if d.get("type") not in GATE_TYPES:
            return False
        if d.get("status") == "processing":
            return True
        nodes = node_dicts(self.g.execution)
        return all(
            e.get("kinds") == ("iteration",)
            or nodes[p].get("role") == "input"
            or nodes[p].get("status") in ("success", "skipped")
            for p, e in node_pred(self.g.execution, n).items()
        )

    def node_row(self, n: str, depth: int, kind: str | None = None) -> Row:
        d = self.nodes[n]
        missing = d.get("role") == "missing"
        row: Row = {
            "id": n,
            "depth": depth,
            "kind": kind or ("missing" if missing else "node"),
            "status": d.get("status"),
            "state": None if missing else self.state(n),
            "type": "(not in the flow)" if missing else d.get("type"),
            "model": d.get("model_id") or d.get("workflow_id"),
            "duration": self.duration(n),
            "blocked_by": self.blocked_by(n),
        }
        if row["state"] == "processing" and d.get("type") != "for-each":
            row["running"] = self.running_for(n)
        if d.get("loop_node_id") is not None:
            row["loop"] = d.get("loop_node_id")
            row["iteration"] = d.get("iteration_index")
        return row

    # -- loops ---------------------------------------------------------------------------------
    def loop_row(self, n: str, depth: int) -> Row:
        row = self.node_row(n, depth, "loop")
        loop = self.g.loops[n]
        states: Counter[str] = Counter()
        failed = []
        nodes = self.nodes
        for index, members in sorted(loop.iterations.items()):
            state = iteration_state([nodes[c].get("status") for c in members])
            if state not in _FAILED and not self.parked.isdisjoint(members):
                state = "parked"
            states[state] += 1
            if state in _FAILED:
                failed.append(index)
        row["iterations"] = len(loop.iterations)  # the iterations started
        row["declared"] = declared_count(self.g, n)  # a for-each's count, else None
        row["iteration_states"] = ranked(states)
        row["failed_iterations"] = failed
        return row

    def body_row(self, template: str, parent: str, depth: int) -> Row:
        """A collapsed body template: counts of its copies by state, failed ones, blockers."""
        row = self.node_row(template, depth, "body")
        members = self.by_template.get(template, [])
        row.update(self._group(members))
        row["parent"] = parent
        row["state"] = worst(row["states"]) if members else row["status"]
        row["blocked_by"] = None
        row["duration"] = self._durations(members)
        return row

    def _durations(self, members: list[str]) -> float | None:
        """The sum of the known :meth:`duration` of ``members`` (None when none is known)."""
        nodes = self.nodes
        return _sum(getattr(nodes[c].get("timing"), "total", None) for c in members)

    def _where(self, c: str) -> dict[str, Any]:
        attrs = self.nodes[c]
        return {
            "loop": attrs.get("loop_node_id"),
            "iteration": attrs.get("iteration_index"),
            "node": c,
        }

    def _group(self, members: list[str]) -> dict[str, Any]:
        states: Counter[str] = Counter()
        failed: list[dict[str, Any]] = []
        parked: list[dict[str, Any]] = []
        blockers: dict[str, list[str]] = defaultdict(list)  # reason -> blocked copies
        causes: dict[str, set[str]] = defaultdict(set)
        for c, state in zip(members, self.states(members), strict=True):
            states[state] += 1
            if state in _FAILED and not failed_by_iteration(self.g, c):
                failed.append(self._where(c))
            elif state == "parked":
                parked.append(self._where(c))
            b = self.blocked.get(c)
            if b is not None and b.reason not in GATE_REASONS:
                blockers[b.reason].append(c)
                causes[b.reason].update(b.causes)
        by_count = sorted(blockers.items(), key=lambda i: -len(i[1]))
        return {
            "copies": len(members),
            "nodes": list(members),
            "states": ranked(states),
            "failed": failed,
            "parked": parked,
            "blocked": [
                {"reason": r, "count": len(nodes), "causes": self.in_order(causes[r])}
                for r, nodes in by_count
            ],
        }

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
        loops = self.g.loops
        body = [
            t
            for t in loops[loop_id].body
            if t in self.nodes and self.nodes[t].get("role") == "node"
        ]
        for template in sorted(body, key=self.key):
            if template in self.covered:  # shown already (under a loop listing it too): once
                continue
            self.rows.append(self.body_row(template, loop_id, depth))
            self.covered.add(template)
            self.covered.update(self.by_template.get(template, ()))
            if template in loops:
                self.collapsed(template, depth + 1)
        # copies the builder could not map to a template of this loop
        owners = self.by_template.get(loop_id, []) if loop_id in self.templates else [loop_id]
        stray = sorted(
            (
                c
                for o in owners
                if o in loops
                for members in loops[o].iterations.values()
                for c in members
                if self.nodes[c].get("template") is None
            ),
            key=self.key,
        )
        if stray:
            row: Row = {
                "id": "(copies without a template)",
                "depth": depth,
                "kind": "body",
                "status": None,
                "type": None,
                "model": None,
                "duration": self._durations(stray),
                "blocked_by": None,
                "parent": loop_id,
            }
            row.update(self._group(stray))
            row["state"] = worst(row["states"])
            self.rows.append(row)
            self.covered.update(stray)

    def expanded(self, loop_id: str, depth: int) -> None:
        """Every iteration of ``loop_id`` and its copies (inner loops expanded too)."""
        loop = self.g.loops[loop_id]
        todo = list(loop.body)  # the templates the copies stand for (nested too) are left out
        while todo:
            template = todo.pop()
            if template not in self.covered:
                self.covered.add(template)
                inner = self.g.loops.get(template)
                todo += inner.body if inner is not None else []
        for index, members in sorted(loop.iterations.items()):
            self.rows.append(self.iteration_row(loop_id, index, members, depth))
            for c in sorted(members, key=self.key):
                self.add(c, depth + 1, kind="copy")

    def iteration_row(self, loop_id: str, index: int, members: list[str], depth: int) -> Row:
        """The row heading iteration ``index`` of ``loop_id``: its copies' states and time."""
        states = Counter(self.states(members))
        return {
            "id": f"iteration {index}",
            "depth": depth,
            "kind": "iteration",
            "loop": loop_id,
            "iteration": index,
            "status": None,
            "state": worst(states),
            "type": None,
            "model": None,
            "duration": self._durations(members),
            "blocked_by": None,
            "states": ranked(states),
        }

    def add(self, n: str, depth: int, kind: str | None = None) -> None:
        self.covered.add(n)
        loop = self.g.loops.get(n)
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


# -- small helpers -----------------------------------------------------------------------------
def ranked(counts: Counter[str]) -> dict[str, int]:
    """``counts`` in :data:`STATE_ORDER` (other states after, by name)."""
    rank = {s: i for i, s in enumerate(STATE_ORDER)}
    return dict(sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def worst(states: dict[str, int] | Counter[str]) -> str | None:
    """The worst state present in ``states`` (what a row standing for many shows)."""
    present = [s for s, k in states.items() if k]
    for s in _WORST:
        if s in present:
            return s
    return present[0] if present else None


def _sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
