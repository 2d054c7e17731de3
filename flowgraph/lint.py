"""Lint a flow: broken structure, risky logic and values this version does not know.

Codes: ``duplicate-id``, ``dangling-ref``, ``orphan-copy``, ``unmatched-copy``,
``loop-body-conflict`` (for-each bodies that list themselves or each other, cut back to a
tree) and ``cycle`` (structure); ``if-else-without-default``, ``required-input-unset``,
``for-each-without-body`` (logic); ``unknown-type``, ``unknown-status``, ``unknown-job-status``,
``unknown-field`` (values from a newer API: kept, shown, reported once each).

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
...     {"id": "a", "dependsOn": ["ghost"]}, {"id": "b", "status": "teleporting"}]}})
>>> [(f.severity, f.code, f.node) for f in fg.lint()]
[('error', 'dangling-ref', 'a'), ('warning', 'unknown-status', 'b')]
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ._digraph import strongly_connected_components
from .findings import SEVERITIES, Finding
from .order import execution_order
from .vocab import JOB_STATUSES, NODE_STATUSES, NODE_TYPES

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["lint"]


def _cycles(fg: GraphData) -> list[Finding]:
    out: list[Finding] = []
    g = fg.graph
    if execution_order(g) is not None:  # (cached) no cycle, nothing to find
        return out
    for comp in strongly_connected_components(g):
        if len(comp) == 1:
            (n,) = comp
            if not g.has_edge(n, n):
                continue
        members = sorted(comp)
        shown = " -> ".join(members[:6]) + (" ..." if len(members) > 6 else "")
        out.append(
            Finding(
                "error",
                "cycle",
                members[0],
                f"{len(members)} node(s) depend on each other in a cycle: {shown}",
            )
        )
    return out


def _unknown_values(fg: GraphData) -> list[Finding]:
    out = []
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    first: dict[tuple[str, str], str] = {}  # smallest node id per unknown value

    for n, d in fg.graph.nodes(data=True):
        if d.get("role") != "node":
            continue
        t, s = d.get("type"), d.get("status")
        if t is not None and t not in NODE_TYPES:
            types[t] += 1
            first[("type", t)] = min(first.get(("type", t), n), n)
        if s is not None and s not in NODE_STATUSES:
            statuses[s] += 1
            first[("status", s)] = min(first.get(("status", s), n), n)
    for value, count in sorted(types.items()):
        out.append(
            Finding(
                "warning",
                "unknown-type",
                first[("type", value)],
                f"node type {value!r} is new to flowgraph ({count} node(s)); "
                "kept and drawn in a neutral style",
            )
        )
    for value, count in sorted(statuses.items()):
        out.append(
            Finding(
                "warning",
                "unknown-status",
                first[("status", value)],
                f"node status {value!r} is new to flowgraph ({count} node(s)); "
                "treated as not finished",
            )
        )
    job = fg.job
    if job.status is not None and job.status not in JOB_STATUSES:
        out.append(
            Finding(
                "warning",
                "unknown-job-status",
                None,
                f"job status {job.status!r} is new to flowgraph; treated as not finished",
            )
        )
    for path, what in job.unknowns:
        out.append(Finding("info", "unknown-field", None, f"{path}: {what}, kept"))
    return out


def _logic(fg: GraphData) -> list[Finding]:
    out = []
    for n, d in fg.graph.nodes(data=True):
        node = d.get("node")
        if node is None or node.loop_node_id is not None:
            continue
        if (
            node.type == "logic"
            and node.logic_type == "if-else"
            and (node.logic is None or node.logic.default is None)
        ):
            out.append(
                Finding(
                    "warning",
                    "if-else-without-default",
                    n,
                    "if/else has no default: when no case matches, every branch is skipped",
                )
            )
        if node.type == "for-each" and not node.loop_body_node_ids:
            out.append(
                Finding("warning", "for-each-without-body", n, "for-each lists no loopBodyNodeIds")
            )
        for inp in node.inputs:
            if (
                inp.is_required
                and inp.value is None
                and inp.ref is None
                and not inp.items
                and inp.default is None
            ):
                out.append(
                    Finding(
                        "warning",
                        "required-input-unset",
                        n,
                        f"required input {inp.name!r} has neither value nor ref",
                    )
                )
    return out


def lint(fg: GraphData) -> list[Finding]:
    """All findings, worst first, then by code and node; each distinct finding once."""
    findings = set(fg.build_findings)
    findings.update(_cycles(fg))
    findings.update(_unknown_values(fg))
    findings.update(_logic(fg))
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (rank[f.severity], f.code, f.node or "", f.message))
