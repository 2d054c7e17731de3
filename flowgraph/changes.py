"""What changed between two graphs, as data: :class:`Diff` and its parts, with their text and
JSON forms. :mod:`flowgraph.compare` works them out.

>>> d = Diff(statuses=[StatusChange("gen", "failure", "success")])
>>> d.empty, d.structural, d.text()
(False, False, '~ status gen: failure -> success\\n')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._text import seconds

if TYPE_CHECKING:
    from .snapshot import EdgeShape, NodeShape

__all__ = [
    "CountChange",
    "CriticalPathChange",
    "Diff",
    "DurationChange",
    "NodeChange",
    "StatusChange",
    "Wire",
    "same_amount",
]


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
            "fields": {
                k: {"before": _plain(a), "after": _plain(b)} for k, (a, b) in self.fields.items()
            },
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
        return self.before != self.after or not same_amount(self.total_before, self.total_after)

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
        return bool(
            self.nodes_added
            or self.nodes_removed
            or self.nodes_changed
            or self.edges_added
            or self.edges_removed
            or self.outputs_added
            or self.outputs_removed
            or self.kind
        )

    @property
    def empty(self) -> bool:
        """True when nothing compared differs (structure, counts, and with runs the rest)."""
        cp_changed = self.critical_path is not None and self.critical_path.changed
        return not (
            self.structural
            or self.counts
            or cp_changed
            or self.job_status
            or self.statuses
            or self.durations
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph diff --json``."""
        out: dict[str, Any] = {"empty": self.empty, "structural": self.structural}
        if self.critical_path is not None:
            out["critical_path"] = self.critical_path.as_dict()
            out["durations"] = [
                {
                    "node": c.node,
                    "before": _round(c.before),
                    "after": _round(c.after),
                    "delta": _round(c.delta),
                }
                for c in self.durations
            ]
            out["job_status"] = (
                None
                if self.job_status is None
                else {"before": self.job_status[0], "after": self.job_status[1]}
            )
            out["statuses"] = [vars(c) for c in self.statuses]
        out["kind"] = None if self.kind is None else {"before": self.kind[0], "after": self.kind[1]}
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
            lines.append(
                f"~ critical path ({cp.weight}): {_amount(cp.total_before, cp.weight)}"
                f" -> {_amount(cp.total_after, cp.weight)}"
                + _delta_text(cp.total_before, cp.total_after, cp.weight)
            )
            if cp.before == cp.after:
                lines.append("    path: " + (" > ".join(cp.before) or "(none)"))
            else:
                lines.append("    before: " + (" > ".join(cp.before) or "(none)"))
                lines.append("    after:  " + (" > ".join(cp.after) or "(none)"))
        for d in self.durations:
            lines.append(
                f"~ duration {d.node}: {_amount(d.before, 'duration')} -> "
                f"{_amount(d.after, 'duration')}" + _delta_text(d.before, d.after, "duration")
            )
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
                lines.append(f"~ node {c.id}: {name} {_field_text(before)} -> {_field_text(after)}")
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


def _paired(
    removed: list[EdgeShape], added: list[EdgeShape]
) -> list[tuple[EdgeShape | None, EdgeShape | None]]:
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


def same_amount(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _amount(x: float | None, weight: str) -> str:
    """``2m13s`` (``duration``, as every other command prints it), ``5 hops``, or ``?`` when
    unknown."""
    if x is None:
        return "?"
    if weight == "hops":
        return f"{x:g} hops"
    return seconds(x)


def _delta_text(before: float | None, after: float | None, weight: str) -> str:
    if before is None or after is None:
        return ""
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    return f" ({sign}{_amount(abs(delta), weight)})"
