"""What a picture's boxes say: state, label lines, tooltips, marks, and the picture's title.

Every line is cleaned and cut here (:func:`flowgraph._text.clean`); the writers escape it for
their format. A box of many nodes (a loop template standing for its copies, a group of copies)
shows per-state counts (``2 ok / 1 failed``) and names its failed iterations.

>>> counts_text(["success", "failure", "success", "processing", "teleporting", None])
'2 ok / 1 failed / 1 running / 1 no status / 1 teleporting'
>>> indexes("failed", [(1,), (0, 2), (1,)])
'failed: iterations 0.2, 1'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .._graph import node_dicts
from .._text import clean, seconds
from ..blocked import blocked
from ..errors import FlowgraphError
from ..subflows import resolve
from ..summary import iteration_state
from ..vocab import GATE_REASONS, NODE_STATUSES
from ._quoting import is_safe_url
from .styles import PRIORITY, WORDS

if TYPE_CHECKING:
    from .._graph import GraphData, Nodes
    from ..blocked import Blocked
    from ..model import Job

__all__ = [
    "LINE",
    "Labels",
    "aggregate",
    "counts_text",
    "few",
    "id_line",
    "indexes",
    "status_word",
    "title",
]

#: Characters of one label line.
LINE = 48
Lines = tuple[list[str], list[str], str]  # label lines, tooltip lines, state


def few(items: list[str]) -> str:
    """The first three of ``items`` and how many more."""
    text = ", ".join(items[:3]) + (f" +{len(items) - 3}" if len(items) > 3 else "")
    return clean(text, LINE)


def id_line(node_id: str) -> str:
    """A node id as a label line; an id with nothing printable shows as ``(empty id)``."""
    return (clean(node_id, LINE, 3).strip() and clean(node_id, LINE, 3)) or "(empty id)"


def status_word(status: object) -> str:
    """The word of a status in counts: ``ok``, ``failed``... or the status itself, cut."""
    if status is None:
        return "no status"
    return WORDS.get(str(status)) or clean(status, 20, 1)


def counts_text(statuses: Iterable[object]) -> str:
    """Per-state counts in a fixed order."""
    counter = Counter(status_word(s) for s in statuses)
    order = ["ok", "failed", "rejected", "running", "pending", "skipped"]
    keys = [k for k in order if counter[k]] + sorted(k for k in counter if k not in order)
    return " / ".join(f"{counter[k]} {k}" for k in keys)


def indexes(word: str, paths: list[tuple[int, ...]]) -> str:
    """``word: iterations`` and the first six iteration paths (``1.2``), sorted."""
    paths = sorted(set(paths))
    names = [".".join(str(i) for i in p) for p in paths[:6]]
    more = f" +{len(paths) - 6} more" if len(paths) > 6 else ""
    plural = "iterations" if len(paths) > 1 else "iteration"
    return f"{word}: {plural} {', '.join(names)}{more}"


def aggregate(states: Iterable[str]) -> str:
    """The state a box of many nodes shows: the first of :data:`~.styles.PRIORITY` present."""
    present = set(states)
    return next((s for s in PRIORITY if s in present), "unknown")


def title(job: Job, *, job_ids: bool = True) -> list[str]:
    """The picture's title: the job and its status (or the workflow), its error and hint;
    ``job_ids=False``: "run" stands for the job's id."""
    name = job.job_id if job_ids else ("workflow" if job.definition else "run")
    if job.definition:
        lines = [f"workflow {name} (definition)" if job_ids else "workflow (definition)"]
    else:
        lines = [f"{name}: {job.status or 'no status'}"]
    if job.metadata.error:
        lines.append(f"error: {job.metadata.error}")
    if job.metadata.hint:
        lines.append(f"hint: {job.metadata.hint}")
    return [clean(line, 120, 1) for line in lines]


class Labels:
    """The text of the boxes of one graph. ``path`` gives a copy's iteration indexes from the
    outermost loop down; ``highlight_blocked`` moves the word *blocked* from a box's status line
    to the line of its mark (:meth:`mark`)."""

    def __init__(
        self,
        g: GraphData,
        path: Callable[[str], tuple[int, ...]],
        highlight_blocked: bool,
        *,
        job_ids: bool = True,
    ) -> None:
        self.g = g
        self.job_ids = job_ids
        self.nodes: Nodes = node_dicts(g.graph)  # the dict: views cost 2x here
        self.path = path
        self.highlight_blocked = highlight_blocked
        try:
            found = blocked(g)
        except FlowgraphError:
            found = []
        self.blocked: dict[str, Blocked] = {b.node: b for b in found}
        self.roots: dict[str, set[str]] = defaultdict(set)  # root cause -> nodes it blocks
        for b in found:
            for cause in b.causes:
                if cause != b.node:
                    self.roots[cause].add(b.node)
            if b.reason in (*GATE_REASONS, "cycle") and b.node in b.causes:
                self.roots.setdefault(b.node, set())

    # -- one node -----------------------------------------------------------------------------
    def state(self, n: str) -> str:
        """The display state of node ``n`` (a key of :data:`~.styles.STATES`)."""
        d = self.nodes[n]
        role = d.get("role")
        if role in ("input", "missing"):
            return str(role)
        b = self.blocked.get(n)
        if b is not None:
            return "gate" if b.reason in GATE_REASONS else "blocked"
        status = d.get("status")
        if status is None:
            return "none" if self.g.job.definition else "unknown"
        return status if status in NODE_STATUSES else "unknown"

    def type_line(self, n: str) -> str:
        d = self.nodes[n]
        kind = d.get("type")
        extra = d.get("model_id") or d.get("workflow_id")
        text = "(no type)" if kind is None else str(kind)
        if extra:
            text += f": {extra}"
        return clean(text, LINE, 1)

    def iteration_lines(self, loops: list[str], where: str = "") -> list[str]:
        """Counts of the iterations of ``loops`` (a loop and its copies) and the failed ones;
        ``where`` follows the count (" in 2 copies": a nested loop's iterations summed)."""
        states: list[str] = []
        failed: list[tuple[int, ...]] = []
        rejected: list[tuple[int, ...]] = []
        for x in loops:
            loop = self.g.loops.get(x)
            if loop is None:
                continue
            base = self.path(x)
            for i, copies in sorted(loop.iterations.items()):
                state = iteration_state([self.nodes[c].get("status") for c in copies])
                states.append(state)
                if state == "failure":
                    failed.append((*base, i))
                elif state == "rejected":
                    rejected.append((*base, i))
        if not states:
            return []
        plural = "iteration" if len(states) == 1 else "iterations"
        lines = [f"{len(states)} {plural}{where}: {counts_text(states)}"]
        if failed:
            lines.append(indexes("failed", failed))
        if rejected:
            lines.append(indexes("rejected", rejected))
        return lines

    def node(self, n: str) -> tuple[list[str], str]:
        """Label lines and state of a flow node drawn as itself."""
        d = self.nodes[n]
        state = self.state(n)
        status = d.get("status")
        word = "no status" if status is None else str(status)
        if state == "gate":
            word += ": waiting for a person"
        elif state == "blocked" and not self.highlight_blocked:
            word += " (blocked)"
        timing = d.get("timing")
        if timing is not None and timing.total is not None:
            word += f", {seconds(timing.total)}"
        lines = [id_line(n), self.type_line(n), clean(word, LINE, 1)]
        return lines + self.iteration_lines([n]), state

    def notes(self, n: str) -> list[str]:
        """Tooltip lines of one flow node: ids, timings, cost, error and hint."""
        job = self.g.job
        d = self.nodes[n]
        out = [f"{n}"]
        if d.get("role") == "input":
            return [f"workflow input {d.get('name', '')!s}"]
        if d.get("role") == "missing":
            return [f"{n}", "missing: referenced but not in the flow"]
        out.append(f"type: {d.get('type')}")
        status = d.get("status")
        out.append(f"status: {'no status' if status is None else status}")
        for word, value in (
            ("model", d.get("model_id")),
            ("workflow", d.get("workflow_id")),
            ("job", d.get("job_id") if self.job_ids else None),
        ):
            if value:
                out.append(f"{word}: {value}")
        if d.get("loop_node_id") is not None:
            out.append(f"copy in loop {d['loop_node_id']}, iteration {d.get('iteration_index')}")
        if d.get("loop_template_of") is not None:
            out.append(f"body template of loop {d['loop_template_of']}")
        timing = d.get("timing")
        if timing is not None:
            out.append(
                f"queue {seconds(timing.queue)}, run {seconds(timing.run)}, "
                f"total {seconds(timing.total)}"
            )
        child = job.node_jobs.get(d.get("job_id") or "")
        node = d.get("node")
        if child is not None:
            if child.metadata.error:
                out.append(f"error: {child.metadata.error}")
            if child.metadata.hint:
                out.append(f"hint: {child.metadata.hint}")
            if child.billing is not None and child.billing.cu_cost is not None:
                out.append(f"cost: {child.billing.cu_cost:g} CU")
        if node is not None:
            for key in ("error", "hint"):
                value = node.extra.get(key)
                if isinstance(value, str) and value:
                    out.append(f"{key}: {value}")
            if node.assets:
                out.append(f"{len(node.assets)} asset(s)")
        if n in (job.not_loaded or {}):
            out.append(f"node job not loaded: {job.not_loaded[n]}")
        b = self.blocked.get(n)
        if b is not None:
            out.append(f"blocked ({b.reason}): {b.message}")
        if d.get("output"):
            out.append("output of the run")
        return out

    def url(self, n: str) -> str | None:
        """The first safe link among the node's assets."""
        node = self.nodes[n].get("node")
        for asset in getattr(node, "assets", None) or []:
            if is_safe_url(asset.url):
                return str(asset.url).strip()
        return None

    # -- many nodes ---------------------------------------------------------------------------
    def fold(self, template: str, copies: list[str], running: bool) -> Lines:
        """A loop body template standing for its copies (``running``: its loop may still make
        some)."""
        d = self.nodes[template]
        kind = d.get("type")
        lines = [id_line(template), self.type_line(template)]
        tooltip = [
            f"{template}",
            f"body template of loop {d.get('loop_template_of')}",
            f"type: {kind}",
        ]
        if not copies:
            lines.append("no copies yet")
            state = "pending" if running else self.state(template)
            tooltip.append("no copy of this template has been made yet")
            return lines, tooltip, state
        statuses = [self.nodes[c].get("status") for c in copies]
        counts = counts_text(statuses)
        nested = template in self.g.loops  # copies of a loop, each with iterations: say which
        lines.append(clean(f"{len(copies)} copies: {counts}" if nested else counts, LINE, 1))
        failed = [self.path(c) for c in copies if self.nodes[c].get("status") == "failure"]
        rejected = [self.path(c) for c in copies if self.nodes[c].get("status") == "rejected"]
        if failed:
            lines.append(indexes("failed", failed))
        if rejected:
            lines.append(indexes("rejected", rejected))
        if nested:
            inner = [c for c in copies if c in self.g.loops]
            lines += self.iteration_lines(inner, f" in {len(inner)} copies" if inner else "")
        tooltip.append(f"stands for {len(copies)} copies: {counts_text(statuses)}")
        bad = sorted(c for c in copies if self.nodes[c].get("status") in ("failure", "rejected"))
        if bad:
            tooltip.append(
                "failed copies: "
                + ", ".join(bad[:10])
                + (f" +{len(bad) - 10} more" if len(bad) > 10 else "")
            )
            tooltip += [line for line in self.notes(bad[0]) if line.startswith(("error", "hint"))]
        return lines, tooltip, aggregate(self.state(c) for c in copies)

    def group(self, loop: str, kind: str | None, copies: list[str]) -> Lines:
        """Copies of type ``kind`` in ``loop`` that match no body template."""
        statuses = [self.nodes[c].get("status") for c in copies]
        lines = [
            f"{len(copies)} other copies",
            clean(kind or "(no type)", LINE, 1),
            clean(counts_text(statuses), LINE, 1),
        ]
        tooltip = [
            f"copies in loop {loop} that match no body template",
            ", ".join(sorted(copies)[:10]),
        ]
        return lines, tooltip, aggregate(self.state(c) for c in copies)

    # -- highlight_blocked --------------------------------------------------------------------
    def _root_reason(self, n: str) -> str:
        b = self.blocked.get(n)
        if b is not None and b.reason in (*GATE_REASONS, "cycle"):
            return b.reason
        found = resolve(self.g, n)  # a root cause inside a sub-workflow is a path
        attrs = node_dicts(found[0].graph)[found[1]] if found is not None else {}
        if attrs.get("role") == "missing":
            return "missing"
        return status_word(attrs.get("status"))

    def mark(self, members: list[str]) -> tuple[str, str] | None:
        """``("root", why)`` when a box shows a root cause of blocked nodes, ``("blocked",
        why)`` when it shows blocked nodes, else ``None``."""
        roots = [m for m in members if m in self.roots]
        if roots:
            blocks = set().union(*(self.roots[m] for m in roots))
            reasons = sorted({self._root_reason(m) for m in roots})
            more = f", blocks {len(blocks)}" if blocks else ""
            return "root", f"root cause: {', '.join(reasons)}{more}"
        stuck = [self.blocked[m] for m in members if m in self.blocked]
        if stuck:
            reasons = sorted({b.reason for b in stuck})
            count = f" ({len(stuck)})" if len(members) > 1 else ""
            return "blocked", f"blocked{count}: {', '.join(reasons)}"
        return None
