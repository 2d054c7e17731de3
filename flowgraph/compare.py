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

from typing import TYPE_CHECKING, Any

from .changes import (
    CountChange,
    CriticalPathChange,
    Diff,
    DurationChange,
    NodeChange,
    StatusChange,
    Wire,
    same_amount,
)
from .critical import critical_path
from .errors import GraphError
from .snapshot import EdgeShape, NodeShape, Structure, structure

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["diff_graphs"]

#: Edge kinds that carry input names; the others wire a node without one.
_NAMED = frozenset({"branch", "data", "item", "conditional"})


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
        wires.update(
            Wire(None, e.source, k) for k in e.kinds if k not in _NAMED and k != "iteration"
        )
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
def _has_timings(fg: GraphData) -> bool:
    return any(_total(d) is not None for _, d in fg.graph.nodes(data=True))


def _total(d: dict[str, Any]) -> float | None:
    timing = d.get("timing")
    return None if timing is None else timing.total


def _durations(fg: GraphData, s: Structure) -> dict[str, float | None]:
    """Seconds per structure node: its own node job's total, or the sum over its copies."""
    sums: dict[str, float | None] = {}
    for n, d in fg.graph.nodes(data=True):
        key = s.folded.get(n, n)
        total = _total(d)
        if total is None:
            sums.setdefault(key, None)
        else:
            sums[key] = (sums.get(key) or 0.0) + total
    return sums


def _path(fg: GraphData, s: Structure, weight: str) -> tuple[list[str], float | None]:
    try:
        cp = critical_path(fg, weight)
    except GraphError:  # a cycle: no order, no path
        return [], None
    return [s.folded.get(n, n) for n in cp.nodes], cp.total


def _runs_diff(fa: GraphData, fb: GraphData, sa: Structure, sb: Structure, d: Diff) -> None:
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
        if (before is None and after is None) or same_amount(before, after):
            continue
        delta = None if before is None or after is None else after - before
        changes.append(DurationChange(n, before, after, delta))
    changes.sort(key=lambda c: (c.delta is None, -abs(c.delta or 0.0), c.node))
    d.durations = changes


def diff_graphs(a: GraphData, b: GraphData, *, runs: bool = False) -> Diff:
    """What differs from graph ``a`` to graph ``b`` (:func:`flowgraph.diff` takes any source).

    >>> import flowgraph
    >>> g = flowgraph.graph("examples/timed-bundle.json")
    >>> d = diff_graphs(g, g, runs=True)
    >>> d.empty, d.text()
    (True, 'no differences\\n')
    """
    sa, sb = structure(a), structure(b)
    d = Diff()
    _structure_diff(sa, sb, d)
    if runs:
        _runs_diff(a, b, sa, sb, d)
    return d
