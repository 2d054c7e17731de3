"""Focus on one node: what it depends on and what depends on it, N steps out, and the longest
chain through it (``--focus NODE [--depth N]``).

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> sorted(around(fg, "approve", 1))
['approve', 'gen', 'upscale']
>>> chain = path_through(fg, "approve")
>>> chain.nodes, chain.total
(['prompt', 'gen', 'approve', 'upscale', 'remove-bg'], 5.0)

One iteration of one loop (``--iteration LOOP:K``): its copies, and the copies of the loops
among them, all the way down:

>>> iteration_nodes(flowgraph.graph("examples/nested-loops.json"), "each-product", 0)
['caption-q1', 'each-angle-q1', 'shot-q10', 'shot-q11']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._graph import adjacency
from ._text import one_line
from .critical import critical_path
from .errors import FlowgraphError

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["Chain", "around", "iteration_nodes", "parse_iteration", "path_through"]


@dataclass(frozen=True)
class Chain:
    """The longest chain of dependencies through ``node``: its ``nodes`` in order, their
    ``total`` weight (``weight``: duration, hops...), and the node's ``slack`` on the run's
    critical path (0: it is on it)."""

    node: str
    nodes: list[str]
    total: float
    weight: str
    slack: float | None


def around(g: GraphData, node: str, depth: int | None = None) -> set[str]:
    """``node``, the nodes it depends on and the nodes that depend on it, at most ``depth``
    steps away (None: all of them). :class:`~flowgraph.errors.NodeNotFoundError` for an id not
    in the graph."""
    g.check(node)
    _, pred, succ = adjacency(g.graph)
    keep = {node}
    for step in (pred, succ):
        frontier, seen, hops = [node], {node}, 0
        while frontier and (depth is None or hops < depth):
            nxt = [m for n in frontier for m in step[n] if m not in seen]
            seen.update(nxt)
            frontier, hops = list(dict.fromkeys(nxt)), hops + 1
        keep |= seen
    return keep


def path_through(g: GraphData, node: str, weight: str = "auto") -> Chain:
    """The longest chain through ``node`` (its heaviest way in, then its heaviest way out),
    from the critical path's own pass: earliest finishes before, longest chains after."""
    g.check(node)
    cp = critical_path(g, weight)
    if node not in cp.finish:  # a loop template: not in the executed graph
        return Chain(node, [node], 0.0, cp.weight, None)
    _, pred, succ = adjacency(g.execution)
    w = cp.weights
    back = [node]
    while True:
        ins = [p for p in pred[back[-1]] if p in cp.finish]
        if not ins:
            break
        back.append(max(ins, key=lambda p: (cp.finish[p], p)))
    forward = [node]
    while True:
        outs = [s for s in succ[forward[-1]] if s in cp.after]
        if not outs:
            break
        forward.append(max(outs, key=lambda s: (cp.after[s] + w.get(s, 0.0), s)))
    nodes = [*reversed(back), *forward[1:]]
    while len(nodes) > 1 and g.graph.nodes[nodes[0]].get("role") != "node":
        nodes.pop(0)  # weightless inputs at the start, as on the critical path
    total = cp.finish[node] + cp.after[node]
    total = total if total.is_integer() else round(total, 6)
    return Chain(node, nodes, total, cp.weight, cp.slack.get(node))


def parse_iteration(text: str) -> tuple[str, int]:
    """``LOOP:K`` as ``(loop id, K)`` (the last ``:`` splits: loop ids may hold one).

    >>> parse_iteration("each-style:1")
    ('each-style', 1)
    """
    loop, sep, index = str(text).rpartition(":")
    if not sep or not loop or not index.strip().lstrip("-").isdigit():
        raise FlowgraphError(f"--iteration {one_line(text)!r}: expected LOOP:K, e.g. each-style:1")
    return loop, int(index)


def iteration_nodes(g: GraphData, loop: str, index: int) -> list[str]:
    """The copies made for iteration ``index`` of the for-each ``loop``, with the copies of the
    loops among them (nested iterations), sorted; a clear error naming the iterations there
    are when ``loop`` is not a for-each or has no such iteration."""
    found = g.loops.get(loop)
    if found is None:
        g.check(loop)
        raise FlowgraphError(f"--iteration: {one_line(loop)!r} is not a for-each loop")
    if index not in found.iterations:
        have = sorted(found.iterations)
        what = f"iterations {have[0]}-{have[-1]}" if have else "no iterations yet"
        raise FlowgraphError(f"--iteration: {one_line(loop)} has no iteration {index} ({what})")
    out: set[str] = set()
    todo = list(found.iterations[index])
    while todo:
        n = todo.pop()
        if n in out:
            continue
        out.add(n)
        inner = g.loops.get(n)
        if inner is not None:
            todo += [c for members in inner.iterations.values() for c in members]
    return sorted(out)
