"""What is blocked and why: nodes that cannot progress without someone doing something.

A node is blocked when it has not finished and one of these stands in its way (its root causes):

=====================  =================================================================
``awaiting-approval``  the node is a ``user-approval`` gate parked for a person
``awaiting-selection`` the node is a ``user-selection`` gate parked for a person
``waiting-on-gate``    an upstream gate is parked
``failed-upstream``    an upstream node failed
``rejected-upstream``  an upstream gate was rejected
``missing-dependency`` it depends on a node that is not in the flow
``job-ended``          the workflow job ended (failure, canceled) before the node ran
``cycle``              it depends on itself through a cycle
=====================  =================================================================

Nodes merely waiting for running work are not blocked, and neither are nodes on a branch not
taken (an if/else chose another value, or the conditional refs were all skipped): they will be
skipped. One pass in topological order; no recursion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from ._graph import adjacency
from .order import execution_order
from .vocab import GATE_REASONS, is_terminal_job_status

if TYPE_CHECKING:
    from ._graph import GraphData, NodeAttrs

__all__ = ["REASONS", "Blocked", "blocked", "failed_by_iteration"]

REASONS = (
    *GATE_REASONS,
    "waiting-on-gate",
    "failed-upstream",
    "rejected-upstream",
    "missing-dependency",
    "job-ended",
    "cycle",
)

_DONE = "done"
_SKIP = "skip"
_WAIT = "wait"
_ROOT = "root"  # a root cause itself: failed, rejected, parked gate, missing node
_BLOCKED = "blocked"
_CAUSE_REASON = {
    "failure": "failed-upstream",
    "rejected": "rejected-upstream",
    "missing": "missing-dependency",
    "gate": "waiting-on-gate",
    "cycle": "cycle",
}
_CAUSE_RANK = ("failure", "rejected", "missing", "cycle", "gate")


@dataclass
class Blocked:
    """A blocked node, why (``reason``, one of :data:`REASONS`), and its root ``causes``."""

    node: str
    reason: str
    causes: list[str]
    message: str = ""
    chain: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON printed by ``flowgraph blocked --json``."""
        return asdict(self)


def _parked(attrs: NodeAttrs, preds_done: bool) -> str | None:
    kind, status = attrs.get("type"), attrs.get("status")
    if kind == "user-approval" and status == "pending" and preds_done:
        return "awaiting-approval"
    if kind == "user-selection" and (
        status == "processing" or (status == "pending" and preds_done)
    ):
        return "awaiting-selection"
    return None


def _branch_not_taken(nodes: Any, preds: Any) -> bool:
    for p, data in preds.items():
        if "branch" in data["kinds"]:
            src = nodes[p]
            if src.get("status") == "success" and src["node"].output != data.get("equal"):
                return True
    return False


def blocked(fg: GraphData) -> list[Blocked]:
    """Every blocked node with its reason and root causes, in dependency order (a node after
    everything it depends on, the members of a cycle side by side; then by id)."""
    g = fg.execution
    job = fg.job
    if job.definition:
        return []
    ended = is_terminal_job_status(job.status)
    nodes, pred, _ = adjacency(g)
    ordered = execution_order(g)  # None when there is a cycle
    if ordered is not None:
        order, depth = ordered
        component: dict[str, list[str]] = {}  # a node on a cycle -> the cycle's members
    else:
        order, depth, component = _around_cycles(g)
    state: dict[str, str] = {}
    causes: dict[str, dict[str, str]] = {}  # node -> {root cause id: cause kind}
    kind_of_root: dict[str, str] = {}
    out: list[Blocked] = []
    for n in component:
        state[n] = _ROOT
        kind_of_root[n] = "cycle"
    for n in order:
        attrs = nodes[n]
        role = attrs.get("role")
        if role == "missing":
            state[n], kind_of_root[n] = _ROOT, "missing"
            continue
        if role == "input":
            state[n] = _DONE
            continue
        status = attrs.get("status")
        if status == "success":
            state[n] = _DONE
            continue
        if status == "skipped":
            state[n] = _SKIP
            continue
        if status in ("failure", "rejected"):
            if failed_by_iteration(fg, n):
                state[n] = _DONE  # its failed copies are the root causes; they reach consumers
            else:
                state[n], kind_of_root[n] = _ROOT, status
            continue
        preds = pred[n]
        if _branch_not_taken(nodes, preds):
            state[n] = _SKIP
            continue
        conditional = [p for p, d in preds.items() if "conditional" in d["kinds"]]
        if conditional and all(state.get(p) == _SKIP for p in conditional):
            state[n] = _SKIP
            continue
        if not conditional and any(
            state.get(p) == _SKIP and "data" in d["kinds"] for p, d in preds.items()
        ):
            state[n] = _SKIP
            continue
        found: dict[str, str] = {}  # root cause -> its kind
        for p in preds:
            ps = state.get(p)
            if ps == _ROOT:
                found[p] = kind_of_root[p]
            elif ps == _BLOCKED:
                found.update(causes[p])
        parked = _parked(
            attrs,
            not found
            and all(
                state.get(p) in (_DONE, _SKIP) or preds[p]["kinds"] == ("iteration",) for p in preds
            ),
        )
        if parked is not None:
            state[n], kind_of_root[n] = _ROOT, "gate"
            out.append(Blocked(n, parked, [n], _gate_message(parked)))
            continue
        if status == "processing":
            state[n] = _WAIT
            continue
        if found:
            state[n] = _BLOCKED
            causes[n] = found
            kind = min(found.values(), key=_CAUSE_RANK.index)
            roots = sorted(found)
            out.append(
                Blocked(
                    n,
                    _CAUSE_REASON[kind],
                    roots,
                    _message(kind, roots),
                    _chain(pred, roots[0], n, causes),
                )
            )
            continue
        if ended and status in ("pending", None):
            state[n] = _BLOCKED
            causes[n] = {}
            out.append(
                Blocked(
                    n,
                    "job-ended",
                    [],
                    f"the workflow job ended ({job.status}) before this node ran",
                )
            )
            continue
        state[n] = _WAIT
    for n in component:
        if nodes[n].get("status") not in ("success", "skipped", "failure", "rejected"):
            members = component[n]
            out.append(
                Blocked(
                    n, "cycle", members[:20], "this node is on a cycle: " + " -> ".join(members[:5])
                )
            )
    out.sort(key=lambda b: (depth[b.node], b.node))  # dependency order, then ids
    return out


def _around_cycles(
    g: nx.DiGraph[str],
) -> tuple[list[str], dict[str, int], dict[str, list[str]]]:
    """For a graph with cycles, from its strongly connected components (networkx's
    condensation): a topological order of the nodes on no cycle, every node's depth (a
    cycle's members share one, so what depends on a cycle comes after it), and each node on a
    cycle with the cycle's sorted members."""
    groups: nx.DiGraph[Any] = nx.condensation(g)
    ordered = execution_order(groups)
    assert ordered is not None  # a condensation is acyclic
    order: list[str] = []
    component: dict[str, list[str]] = {}
    for c in ordered.nodes:
        members = groups.nodes[c]["members"]
        (first, *more) = members
        if more or g.has_edge(first, first):
            component.update(dict.fromkeys(members, sorted(members)))
        else:
            order.append(first)
    depth = {n: ordered.depth[c] for n, c in groups.graph["mapping"].items()}
    return order, depth, component


def failed_by_iteration(g: GraphData, n: str) -> bool:
    """True for a for-each that failed because one of its iterations did (a copy failed or
    was rejected, in it or in a loop nested in it). Each loop is looked at once, so loops that
    list each other cannot make it loop."""
    loops, nodes = g.loops, g.nx.nodes
    todo, seen = [n], {n}
    while todo:
        loop = loops.get(todo.pop())
        if loop is None:
            continue
        for copies in loop.iterations.values():
            for c in copies:
                if nodes[c].get("status") in ("failure", "rejected"):
                    return True
                if c in loops and c not in seen:
                    seen.add(c)
                    todo.append(c)
    return False


def _gate_message(reason: str) -> str:
    who = "approve or reject" if reason == "awaiting-approval" else "select or reject"
    return f"parked until a person acts: {who} it"


def _message(kind: str, roots: list[str]) -> str:
    names = ", ".join(repr(r) for r in roots[:5]) + (" ..." if len(roots) > 5 else "")
    text = {
        "failure": "upstream node failed",
        "rejected": "upstream gate was rejected",
        "missing": "depends on a node that is not in the flow",
        "gate": "waits for a gate parked for a person",
        "cycle": "depends on a cycle",
    }[kind]
    return f"{text}: {names}"


_CHAIN_LIMIT = 12


def _chain(pred: Any, target: str, n: str, causes: dict[str, dict[str, str]]) -> list[str]:
    """A path from the root cause ``target`` to ``n`` through blocked nodes, for display.

    ``pred`` maps a node to its predecessors. Long chains keep their last nodes:
    ``[target, "...", ..., n]``.
    """
    chain = [n]
    cur = n
    while len(chain) < _CHAIN_LIMIT:
        preds = pred[cur]
        if target in preds:
            chain.append(target)
            break
        nxt = min((p for p in preds if target in causes.get(p, ())), default=None)
        if nxt is None:
            break
        chain.append(nxt)
        cur = nxt
    else:
        chain += ["...", target]
    chain.reverse()
    return chain
