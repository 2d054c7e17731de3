"""What if some nodes were faster: the run's new end, its new critical path, and the gain.

The model is the critical path's (:mod:`flowgraph.critical`, weight ``duration``): a node
starts when the longest chain of what it depends on has finished, and weighs its job's queue +
run seconds. A change names a node, or a loop's body template (then every copy of it changes),
and says how much faster: a factor (``0.5``, or ``"2x"``: twice as fast) or seconds saved
(``"30s"``, never below 0). ``queue="keep"`` (the default) changes the run time only and keeps
the queue time; ``"scale"`` changes both.

:func:`top` ranks the nodes (or templates) whose 2x speed-up would shorten the run most. Only
nodes on the critical path can shorten it; a change can gain at most what it takes off the
path's nodes, so candidates are tried largest bound first and the search stops when no bound
left can beat the ranking; a single node's answer comes from one pass over the graph.

>>> import flowgraph
>>> w = what_if(flowgraph.graph("tests/fixtures/timed-diamond.json"), {"b": "2x"})
>>> w.path, w.total, w.new_path, w.new_total, w.gain
(['a', 'b', 'd'], 16.2, ['a', 'c', 'd'], 11.8, 4.4)
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._graph import node_status
from .critical import CriticalPath, critical_path
from .errors import FlowgraphError

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["QUEUE_MODES", "WhatIf", "parse_speedup", "top", "what_if"]

#: What ``queue`` can be: keep the queue time, or scale it with the run time.
QUEUE_MODES = ("keep", "scale")
_SPEC = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*(x|s)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WhatIf:
    """The run's critical-path ``total`` and ``path``, and the same with the changes made."""

    total: float
    new_total: float
    gain: float
    path: list[str]
    new_path: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph what-if --json``."""
        return {
            "total": self.total,
            "new_total": self.new_total,
            "gain": self.gain,
            "path": self.path,
            "new_path": self.new_path,
        }


def parse_speedup(value: float | str) -> tuple[str, float]:
    """``("factor", f)``: durations times ``f``; ``("seconds", s)``: ``s`` seconds less.

    >>> parse_speedup("2x"), parse_speedup(0.25), parse_speedup("30s")
    (('factor', 0.5), ('factor', 0.25), ('seconds', 30.0))
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not (math.isfinite(value) and value >= 0):
            raise FlowgraphError(f"a duration factor is a number >= 0, got {value!r}")
        return "factor", float(value)
    match = _SPEC.match(str(value))
    if match is None:
        raise FlowgraphError(f"cannot read {value!r}: use 2x (twice as fast) or 30s (30 s less)")
    number, unit = float(match.group(1)), (match.group(2) or "x").lower()
    if unit == "s":
        return "seconds", number
    if number <= 0:
        raise FlowgraphError(f"a speed-up is more than 0x, got {value!r}")
    return "factor", 1.0 / number


def _targets(fg: GraphData, key: str) -> list[str]:
    """The nodes of the run a change named ``key`` applies to: the node, or a template's copies."""
    executed = fg.execution  # (read by number and from the copies' templates: no dict per node)
    if node_status(executed, key)[0] == "node":
        return [key]
    copies = sorted(n for n, t in fg.copy_templates.items() if t == key and n in executed)
    if copies:
        return copies
    if key in fg.graph:  # a template of a definition, or a node that did not run
        return [key] if key in executed else []
    raise FlowgraphError(f"no node or loop template {key!r} in the run")


def _new_weight(fg: GraphData, n: str, how: tuple[str, float], queue: str) -> float | None:
    timing = fg.timing(n)
    q, r = getattr(timing, "queue", None), getattr(timing, "run", None)
    if q is None or r is None:
        return None
    q, r, (kind, x) = float(q), float(r), how
    if queue == "scale":
        return (q + r) * x if kind == "factor" else max(0.0, q + r - x)
    return q + (r * x if kind == "factor" else max(0.0, r - x))


def _override(fg: GraphData, changes: Mapping[str, float | str], queue: str) -> dict[str, float]:
    if queue not in QUEUE_MODES:
        raise FlowgraphError(f"unknown queue mode {queue!r}: use keep or scale")
    out: dict[str, float] = {}
    for key, value in changes.items():
        how = parse_speedup(value)
        for n in _targets(fg, key):
            new = _new_weight(fg, n, how, queue)
            if new is not None:
                out[n] = new
    return out


def what_if(fg: GraphData, changes: Mapping[str, float | str], queue: str = "keep") -> WhatIf:
    """The run with the durations of ``changes`` (node or template -> speed-up) changed."""
    base = critical_path(fg, "duration")
    if base.weight != "duration":
        raise FlowgraphError(
            "what-if needs node timings (the bundle's node jobs: `flowgraph fetch --node-jobs`)"
        )
    new = critical_path(fg, "duration", override=_override(fg, changes, queue))
    gain = round(base.total - new.total, 6)
    return WhatIf(base.total, new.total, gain + 0.0, base.nodes, new.nodes)


def _avoiding(base: CriticalPath, path: list[str]) -> tuple[float, dict[str, float]]:
    """The longest chain's length, and for each node of ``path`` the longest chain without it.

    In a topological order a chain that misses the node at position ``k`` lies before ``k``,
    after it, or jumps over it with one edge (u before, v after): the longest chain ending at
    u plus the longest starting at v. The critical path's pass gives both (``finish``,
    ``after`` + weight); one pass forward (with a heap of the edges jumping the next node of
    the path) and one back give every node's answer."""
    if base.numbered is None:  # an empty graph
        return 0.0, {}
    core, order, head, latest, w, total = base.numbered  # by node number: see flowgraph._core
    succ, index, alive = core.succ, core.index, core.alive
    pos = [0] * len(core.ids)
    for i, n in enumerate(order):
        pos[n] = i
    numbers = (index.get(n) for n in path)
    marks = sorted(pos[i] for i in numbers if i is not None and (alive is None or alive[i]))
    best = [0.0] * len(marks)
    # forward: the longest chain ending before each mark, or jumping it (a heap of the edges
    # that jump the next mark, by value, dropped once they end before the mark asked about)
    heap: list[tuple[float, int]] = []
    high, j = 0.0, 0
    for i, u in enumerate(order):
        if j < len(marks) and i == marks[j]:
            while heap and heap[0][1] <= i:
                heapq.heappop(heap)
            best[j] = max(high, -heap[0][0]) if heap else high
            j += 1
        hu = head[u]
        if hu > high:
            high = hu
        if j < len(marks):
            m = marks[j]
            for v in succ[u]:
                pv = pos[v]
                if pv > m:  # the longest chain after v is total - latest[v], plus v itself
                    heapq.heappush(heap, (-(hu + (total - latest[v]) + w[v]), pv))
    # backward: the longest chain starting after each mark
    low, j = 0.0, len(marks) - 1
    for i in range(len(order) - 1, -1, -1):
        if j >= 0 and i == marks[j]:
            best[j] = max(best[j], low)
            j -= 1
        n = order[i]
        t = (total - latest[n]) + w[n]
        if t > low:
            low = t
    ids = core.ids
    out = {ids[order[k]]: best[j] for j, k in enumerate(marks)}
    return max(map(head.__getitem__, order), default=0.0), out


def top(fg: GraphData, k: int = 10, queue: str = "keep") -> list[dict[str, Any]]:
    """The ``k`` nodes (or templates) whose 2x speed-up shortens the run most, with the gain
    in seconds, largest first (then by id); only those that gain anything. A node alone is
    answered from one pass (:func:`_avoiding`); a template's copies by recomputing the path."""
    base = critical_path(fg, "duration")
    if base.weight != "duration":
        raise FlowgraphError(
            "what-if needs node timings (the bundle's node jobs: `flowgraph fetch --node-jobs`)"
        )
    if base.numbered is None:  # an empty graph: nothing to speed up
        return []
    # the path's weights by number (base.weights would make a dict of every node for them)
    index, w = base.numbered[0].index, base.numbered[4]
    bounds: dict[str, float] = {}
    cuts: dict[str, float] = {}
    for n in base.nodes:
        new = _new_weight(fg, n, ("factor", 0.5), queue)
        if new is None:
            continue
        cuts[n] = cut = w[index[n]] - new
        template = fg.copy_templates.get(n)
        for key in (n, template) if template else (n,):
            bounds[key] = bounds.get(key, 0.0) + cut
    longest, avoiding = _avoiding(base, list(cuts))
    ranked: list[tuple[float, str]] = []
    for key in sorted(bounds, key=lambda c: (-bounds[c], c)):
        if bounds[key] <= 0 or (len(ranked) >= k and bounds[key] < ranked[k - 1][0]):
            break
        if key in cuts:
            gain = round(longest - max(longest - cuts[key], avoiding[key]), 6)
        else:
            override = _override(fg, {key: 0.5}, queue)
            gain = round(base.total - critical_path(fg, "duration", override=override).total, 6)
        if gain > 0:
            ranked.append((gain, key))
            ranked.sort(key=lambda t: (-t[0], t[1]))
    return [{"node": key, "gain": gain + 0.0} for gain, key in ranked[:k]]
