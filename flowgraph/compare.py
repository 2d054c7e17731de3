"""Structural diff of two runs (or definitions), and with ``runs=True`` what changed in the run.

Both sides are folded like the structure text (:mod:`flowgraph.snapshot`): loop copies fold into
their templates, so two runs that differ only in iteration counts differ only in ``counts``.
Nodes are matched by id. A node that is in both but differs in type, model or another
structural attribute, or whose inputs are wired differently (per node, the set of
``(input name, source, kind)``), is *changed*; an edge is added or removed as a whole (a
changed kind or input name removes one line of the structure text and adds another).

``runs=True`` adds, reported first: the critical-path change (nodes and total before and after,
by duration when both runs have node timings, else by hops), per-node duration deltas (seconds
from the node jobs; a folded template sums its copies) and status changes.

>>> import flowgraph
>>> d = flowgraph.diff("examples/approval-parked.json", "examples/timed-bundle.json")
>>> d.empty, d.structural, [n.id for n in d.nodes_added], [n.id for n in d.nodes_removed]
(False, True, ['thumb'], ['input:style'])
>>> print(d.text(), end="")
- node input:style: workflow-input
+ node thumb: model model=model_thumbnailer
~ node approve: - input images <- gen (data)
~ node gen: - input style <- input:style (data)
- edge gen -> approve: data+depends_on (images)
+ edge gen -> approve: depends_on
- edge input:style -> gen: data (style)
+ edge prompt -> thumb: data (prompt)
+ output thumb
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import GraphError
from .snapshot import EdgeShape, NodeShape, Structure, structure

if TYPE_CHECKING:
    from .flow_graph import FlowGraph

__all__ = ["diff", "Diff", "NodeChange", "Wire", "CountChange", "StatusChange",
           "DurationChange", "CriticalPathChange"]

#: Edge kinds that carry input names; the others wire a node without one.
_NAMED = frozenset({"branch", "data", "item", "conditional"})


@dataclass(frozen=True, order=True)
class Wire:
    """One way a node's input is wired: ``input`` (None for depends_on, loop_body,
    loop_result) is fed by ``source`` through an edge of ``kind``."""

    input: str | None
    source: str
    kind: str

    def text(self) -> str:
        """``image <- gen (data)``, or ``<- approve (depends_on)`` without an input name."""
        name = f"{self.input} " if self.input is not None else ""
        return f"{name}<- {self.source} ({self.kind})"

    def sort_key(self) -> tuple[str, str, str]:
        """Inputs by name (unnamed last), then source, then kind."""
        return (self.input if self.input is not None else "\uffff", self.source, self.kind)


@dataclass
class NodeChange:
    """A node in both whose structure differs: ``fields`` maps ``type``, ``model``, ... to
    ``(before, after)``; ``wires_added``/``wires_removed`` are its input wiring changes."""

    id: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    wires_added: list[Wire] = field(default_factory=list)
    wires_removed: list[Wire] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: id, fields {name: {before, after}}, inputs {added, removed}."""
        return {
            "id": self.id,
            "fields": {k: {"before": _plain(a), "after": _plain(b)}
                       for k, (a, b) in self.fields.items()},
            "inputs": {
                "added": [vars(w) for w in self.wires_added],
                "removed": [vars(w) for w in self.wires_removed],
            },
        }


@dataclass(frozen=True)
class CountChange:
    """A loop's ``iterations`` or a template's ``copies`` that differ: not structure."""

    node: str
    what: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class StatusChange:
    """A node's status before and after (per-state counts for a folded template)."""

    node: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class DurationChange:
    """A node's seconds (queue + run of its node job) before and after; ``delta`` is None
    when only one side is known."""

    node: str
    before: float | None
    after: float | None
    delta: float | None


@dataclass(frozen=True)
class CriticalPathChange:
    """The critical path before and after, by ``weight`` (``duration`` or ``hops``)."""

    weight: str
    before: list[str]
    after: list[str]
    total_before: float | None
    total_after: float | None

    @property
    def changed(self) -> bool:
        """True when the nodes or the total differ."""
        return self.before != self.after or not _same(self.total_before, self.total_after)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: weight, changed, before/after {nodes, total}."""
        return {
            "weight": self.weight,
            "changed": self.changed,
            "before": {"nodes": self.before, "total": _round(self.total_before)},
            "after": {"nodes": self.after, "total": _round(self.total_after)},
        }


@dataclass
class Diff:
    """What differs from ``a`` to ``b``; every list is in a deterministic order."""

    nodes_added: list[NodeShape] = field(default_factory=list)
    nodes_removed: list[NodeShape] = field(default_factory=list)
    nodes_changed: list[NodeChange] = field(default_factory=list)
    edges_added: list[EdgeShape] = field(default_factory=list)
    edges_removed: list[EdgeShape] = field(default_factory=list)
    outputs_added: list[str] = field(default_factory=list)
    outputs_removed: list[str] = field(default_factory=list)
    #: ``(before, after)`` when one side is a run and the other a definition
    kind: tuple[str, str] | None = None
    counts: list[CountChange] = field(default_factory=list)
    #: Only with ``runs=True``:
    critical_path: CriticalPathChange | None = None
    job_status: tuple[str | None, str | None] | None = None
    statuses: list[StatusChange] = field(default_factory=list)
    durations: list[DurationChange] = field(default_factory=list)

    @property
    def structural(self) -> bool:
        """True when nodes, edges, outputs or the kind differ (counts and runs are not)."""
        return bool(self.nodes_added or self.nodes_removed or self.nodes_changed
                    or self.edges_added or self.edges_removed or self.outputs_added
                    or self.outputs_removed or self.kind)

    @property
    def empty(self) -> bool:
        """True when nothing compared differs (structure, counts, and with runs the rest)."""
        cp_changed = self.critical_path is not None and self.critical_path.changed
        return not (self.structural or self.counts or cp_changed or self.job_status
                    or self.statuses or self.durations)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph diff --json``."""
        out: dict[str, Any] = {"empty": self.empty, "structural": self.structural}
        if self.critical_path is not None:
            out["critical_path"] = self.critical_path.as_dict()
            out["durations"] = [{"node": c.node, "before": _round(c.before),
                                 "after": _round(c.after), "delta": _round(c.delta)}
                                for c in self.durations]
            out["job_status"] = (None if self.job_status is None else
                                 {"before": self.job_status[0], "after": self.job_status[1]})
            out["statuses"] = [vars(c) for c in self.statuses]
        out["kind"] = None if self.kind is None else {"before": self.kind[0],
                                                      "after": self.kind[1]}
        out["nodes"] = {
            "added": [n.as_dict() for n in self.nodes_added],
            "removed": [n.as_dict() for n in self.nodes_removed],
            "changed": [c.as_dict() for c in self.nodes_changed],
        }
        out["edges"] = {
            "added": [e.as_dict() for e in self.edges_added],
            "removed": [e.as_dict() for e in self.edges_removed],
        }
        out["outputs"] = {"added": self.outputs_added, "removed": self.outputs_removed}
        out["counts"] = [vars(c) for c in self.counts]
        return out

    def text(self) -> str:
        """A readable report: one ``-`` (before only), ``+`` (after only) or ``~`` (changed)
        line per difference; ``no differences`` when empty."""
        lines: list[str] = []
        cp = self.critical_path
        if cp is not None and cp.changed:
            lines.append(f"~ critical path ({cp.weight}): {_amount(cp.total_before, cp.weight)}"
                         f" -> {_amount(cp.total_after, cp.weight)}"
                         + _delta_text(cp.total_before, cp.total_after, cp.weight))
            if cp.before == cp.after:
                lines.append("    path: " + (" > ".join(cp.before) or "(none)"))
            else:
                lines.append("    before: " + (" > ".join(cp.before) or "(none)"))
                lines.append("    after:  " + (" > ".join(cp.after) or "(none)"))
        for d in self.durations:
            lines.append(f"~ duration {d.node}: {_amount(d.before, 'duration')} -> "
                         f"{_amount(d.after, 'duration')}"
                         + _delta_text(d.before, d.after, "duration"))
        if self.job_status is not None:
            lines.append(f"~ job status: {self.job_status[0]} -> {self.job_status[1]}")
        for s in self.statuses:
            lines.append(f"~ status {s.node}: {s.before} -> {s.after}")
        if self.kind is not None:
            lines.append(f"~ kind: {self.kind[0]} -> {self.kind[1]}")
        lines += [f"- node {n.line()}" for n in self.nodes_removed]
        lines += [f"+ node {n.line()}" for n in self.nodes_added]
        for c in self.nodes_changed:
            for name, (before, after) in c.fields.items():
                lines.append(f"~ node {c.id}: {name} {_field_text(before)} -> "
                             f"{_field_text(after)}")
            lines += [f"~ node {c.id}: - input {w.text()}" for w in c.wires_removed]
            lines += [f"~ node {c.id}: + input {w.text()}" for w in c.wires_added]
        for old, new in _paired(self.edges_removed, self.edges_added):
            if old is not None:
                lines.append(f"- edge {old.line()}")
            if new is not None:
                lines.append(f"+ edge {new.line()}")
        lines += [f"- output {o}" for o in self.outputs_removed]
        lines += [f"+ output {o}" for o in self.outputs_added]
        lines += [f"~ count {c.node}: {c.what} {c.before} -> {c.after}" for c in self.counts]
        return "\n".join(lines) + "\n" if lines else "no differences\n"

    def __str__(self) -> str:
        return self.text()


def _paired(removed: list[EdgeShape],
            added: list[EdgeShape]) -> list[tuple[EdgeShape | None, EdgeShape | None]]:
    """Removed and added edges merged by (source, target), so a changed edge reads - then +."""
    keys = sorted({(e.source, e.target) for e in removed} | {(e.source, e.target) for e in added})
    old = {(e.source, e.target): e for e in removed}
    new = {(e.source, e.target): e for e in added}
    return [(old.get(k), new.get(k)) for k in keys]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _field_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, tuple):
        return "[" + ", ".join(_field_text(v) for v in value) + "]"
    return str(value)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _amount(x: float | None, weight: str) -> str:
    """``133.5s`` (``duration``), ``5 hops``, or ``?`` when unknown."""
    if x is None:
        return "?"
    if weight == "hops":
        return f"{x:g} hops"
    return f"{x:.2f}s" if abs(x) < 10 else f"{x:.1f}s"


def _delta_text(before: float | None, after: float | None, weight: str) -> str:
    if before is None or after is None:
        return ""
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    return f" ({sign}{_amount(abs(delta), weight)})"


# -- structure ---------------------------------------------------------------------------------
def _wires(s: Structure) -> dict[str, set[Wire]]:
    out: dict[str, set[Wire]] = {}
    for e in s.edges.values():
        wires = out.setdefault(e.target, set())
        named = [k for k in e.kinds if k in _NAMED]
        if e.inputs and named:
            wires.update(Wire(name, e.source, named[0]) for name in e.inputs)
        elif named:
            wires.add(Wire(None, e.source, named[0]))
        wires.update(Wire(None, e.source, k) for k in e.kinds if k not in _NAMED
                     and k != "iteration")
    return out


def _fields(n: NodeShape) -> dict[str, Any]:
    out: dict[str, Any] = {"type": n.type}
    out.update(n.attrs)
    if n.cases:
        out["cases"] = tuple(f"{v}: {c}" for v, c in n.cases)
    return out


def _edge_order(e: EdgeShape) -> tuple[str, str, str]:
    return (e.source, e.target, e.line())


def _structure_diff(sa: Structure, sb: Structure, d: Diff) -> None:
    a_ids, b_ids = set(sa.nodes), set(sb.nodes)
    d.nodes_removed = [sa.nodes[n] for n in sorted(a_ids - b_ids)]
    d.nodes_added = [sb.nodes[n] for n in sorted(b_ids - a_ids)]
    wa, wb = _wires(sa), _wires(sb)
    for n in sorted(a_ids & b_ids):
        na, nb = sa.nodes[n], sb.nodes[n]
        fa, fb = _fields(na), _fields(nb)
        change = NodeChange(n)
        for key in [*fa, *(k for k in fb if k not in fa)]:
            if fa.get(key) != fb.get(key):
                change.fields[key] = (fa.get(key), fb.get(key))
        before, after = wa.get(n, set()), wb.get(n, set())
        change.wires_removed = sorted(before - after, key=Wire.sort_key)
        change.wires_added = sorted(after - before, key=Wire.sort_key)
        if change.fields or change.wires_added or change.wires_removed:
            d.nodes_changed.append(change)
        if na.iterations != nb.iterations:
            d.counts.append(CountChange(n, "iterations", na.iterations, nb.iterations))
        if na.copies != nb.copies:
            d.counts.append(CountChange(n, "copies", na.copies, nb.copies))
    ea, eb = set(sa.edges.values()), set(sb.edges.values())
    d.edges_removed = sorted(ea - eb, key=_edge_order)
    d.edges_added = sorted(eb - ea, key=_edge_order)
    d.outputs_removed = sorted(set(sa.outputs) - set(sb.outputs))
    d.outputs_added = sorted(set(sb.outputs) - set(sa.outputs))
    if sa.kind != sb.kind:
        d.kind = (sa.kind, sb.kind)


# -- runs --------------------------------------------------------------------------------------
def _has_timings(fg: FlowGraph) -> bool:
    return any(t is not None and t.total is not None for _, t in fg.nx.nodes(data="timing"))


def _durations(fg: FlowGraph, s: Structure) -> dict[str, float | None]:
    """Seconds per structure node: its own node job's total, or the sum over its copies."""
    sums: dict[str, float | None] = {}
    for n, timing in fg.nx.nodes(data="timing"):
        key = s.folded.get(n, n)
        total = None if timing is None else timing.total
        if total is None:
            sums.setdefault(key, None)
        else:
            sums[key] = (sums.get(key) or 0.0) + total
    return sums


def _path(fg: FlowGraph, s: Structure, weight: str) -> tuple[list[str], float | None]:
    try:
        cp = fg.critical_path(weight)
    except GraphError:  # a cycle: no order, no path
        return [], None
    return [s.folded.get(n, n) for n in cp.nodes], cp.total


def _runs_diff(fa: FlowGraph, fb: FlowGraph, sa: Structure, sb: Structure, d: Diff) -> None:
    weight = "duration" if _has_timings(fa) and _has_timings(fb) else "hops"
    (pa, ta), (pb, tb) = _path(fa, sa, weight), _path(fb, sb, weight)
    d.critical_path = CriticalPathChange(weight, pa, pb, ta, tb)
    if sa.status != sb.status:
        d.job_status = (sa.status, sb.status)
    both = sorted(set(sa.nodes) & set(sb.nodes))
    for n in both:
        na, nb = sa.nodes[n], sb.nodes[n]
        if na.role == "node" and nb.role == "node" and na.status != nb.status:
            d.statuses.append(StatusChange(n, na.status, nb.status))
    da, db = _durations(fa, sa), _durations(fb, sb)
    changes = []
    for n in both:
        before, after = da.get(n), db.get(n)
        if before is None and after is None or _same(before, after):
            continue
        delta = None if before is None or after is None else after - before
        changes.append(DurationChange(n, before, after, delta))
    changes.sort(key=lambda c: (c.delta is None, -abs(c.delta or 0.0), c.node))
    d.durations = changes


def diff(a: Any, b: Any, *, runs: bool = False) -> Diff:
    """What differs from ``a`` to ``b`` (anything :func:`flowgraph.graph` accepts).

    >>> import flowgraph
    >>> d = diff("examples/timed-bundle.json", "examples/timed-bundle.json", runs=True)
    >>> d.empty, d.text()
    (True, 'no differences\\n')
    """
    import flowgraph

    fa, fb = flowgraph.graph(a), flowgraph.graph(b)
    sa, sb = structure(fa), structure(fb)
    d = Diff()
    _structure_diff(sa, sb, d)
    if runs:
        _runs_diff(fa, fb, sa, sb, d)
    return d
