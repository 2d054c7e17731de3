"""The built graph's adjacency as integers: what the passes in dependency order walk.

A run's graph is read by the views in networkx's dict layout (:mod:`flowgraph._digraph`), by
node id. The passes that visit every node in dependency order (the execution
order, the critical path) are bound by memory on a large run when they walk those dicts: on a
100k-node run the order pass costs 29x what it does on 10k nodes. :class:`Core` is the same
graph as lists of integers, made by the builder as it links (converting the dicts afterwards
costs more than the pass it would save): node ``i`` is ``ids[i]`` (the dict graph's order);
``succ[i]`` lists its successors' numbers in the dict graph's order and ``indegree[i]`` counts
its predecessors (the passes push along successors); ``alive`` marks the nodes of a graph
with some taken out (the executed graph: :meth:`without`), None when all are in. The
builder's core also has ``pred``, each node's predecessors by number with the edges'
attributes: the graph's neighbour dicts are made from it when a view reads them
(:meth:`edge_dicts`), and a pass needing one node's reads :meth:`pred_of`.

What those passes read of a node is kept by number too, its :data:`Heads`: ``role``,
``type``, ``status``, the flow node (``node``, None for inputs and placeholders) and the
``timing`` of its node job. They are the values of the node's attribute dicts of those names;
the builder makes them without the dicts, which a built graph makes only when a view reads
them (:mod:`flowgraph.builder`).

>>> core = Core(["a", "b", "c"], heads_of([{}, {"status": "failed"}, {}]),
...             [(1, 2), (2,), ()], [0, 1, 2])
>>> core.index["c"], core.succ[0], core.status[1]
(2, (1, 2), 'failed')
>>> h = core.without({"b"}, {"a"})
>>> h.alive, h.succ[0], h.indegree[2], core.succ[0]
([True, False, True], (2,), 1, (1, 2))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["Core", "Heads", "heads_of"]

#: By node number: the ``role``, ``type``, ``status``, flow ``node`` and ``timing`` of each.
Heads = tuple[list[Any], list[Any], list[Any], list[Any], list[Any]]


def heads_of(attrs: Iterable[Mapping[str, Any]]) -> Heads:
    """The :data:`Heads` of nodes with these attribute dicts (in number order)."""
    rows = list(attrs)
    return (
        [d.get("role") for d in rows],
        [d.get("type") for d in rows],
        [d.get("status") for d in rows],
        [d.get("node") for d in rows],
        [d.get("timing") for d in rows],
    )


class Core:
    """Integer adjacency of a graph (see the module doc). Read only once made; ``cache`` holds
    what passes keep about it (its order)."""

    __slots__ = (
        "alive",
        "cache",
        "heads",
        "ids",
        "indegree",
        "index",
        "node",
        "pred",
        "role",
        "status",
        "succ",
        "timing",
        "type",
    )

    def __init__(
        self,
        ids: list[str],
        heads: Heads,
        succ: list[Sequence[int]],
        indegree: list[int],
        index: dict[str, int] | None = None,
        alive: list[bool] | None = None,
        pred: list[dict[int, Any]] | None = None,
    ) -> None:
        self.ids = ids
        self.index = dict(zip(ids, range(len(ids)), strict=True)) if index is None else index
        self.heads = heads
        self.role, self.type, self.status, self.node, self.timing = heads
        self.succ = succ
        self.indegree = indegree
        self.alive = alive
        #: the predecessors of each node by number with the edge's attributes, in the order
        #: the edges were made (the built graph's: its neighbour dicts are made from these and
        #: ``succ`` when first read); dead nodes stay in them (``alive`` says which count)
        self.pred = pred
        self.cache: dict[str, Any] = {}

    def without(self, drop: Iterable[str], before: Iterable[str] | None = None) -> Core:
        """The same graph with the nodes ``drop`` names taken out (marked dead, gone from the
        successor lists of ``before``, the nodes with an edge into them (found in ``pred``
        when not given), and from the predecessor counts of their successors; the other lists
        shared: all are read only)."""
        index = self.index
        gone = {index[n] for n in drop if n in index}
        if before is None:
            assert self.pred is not None
            before = [self.ids[u] for v in gone for u in self.pred[v]]
        alive = [True] * len(self.ids) if self.alive is None else list(self.alive)
        succ, indegree = list(self.succ), list(self.indegree)
        for i in gone:
            alive[i] = False
            for s in self.succ[i]:
                indegree[s] -= 1
            succ[i] = ()
        for i in {index[n] for n in before if n in index}.difference(gone):
            succ[i] = tuple(s for s in self.succ[i] if s not in gone)
        return Core(self.ids, self.heads, succ, indegree, index, alive, self.pred)

    def pred_of(self, u: int) -> dict[str, Any]:
        """Node ``u``'s predecessors by id with the edges' attributes, in the dict graph's
        order (a graph with ``pred``; the dead left out)."""
        assert self.pred is not None
        ids, alive = self.ids, self.alive
        if alive is None:
            return {ids[p]: d for p, d in self.pred[u].items()}
        return {ids[p]: d for p, d in self.pred[u].items() if alive[p]}

    def succ_of(self, u: int) -> dict[str, Any]:
        """Node ``u``'s successors by id with the edges' attributes (see :meth:`pred_of`)."""
        assert self.pred is not None
        ids, pred = self.ids, self.pred
        return {ids[w]: pred[w][u] for w in self.succ[u]}

    def edge_dicts(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """Every live node's predecessors and successors by id (:meth:`pred_of`,
        :meth:`succ_of`), in order: the dict graph's ``_pred`` and ``_succ``."""
        ids, live = self.ids, self.live()
        return (
            {ids[u]: self.pred_of(u) for u in live},
            {ids[u]: self.succ_of(u) for u in live},
        )

    def live(self) -> Iterable[int]:
        """The numbers of the nodes in the graph, in order."""
        if self.alive is None:
            return range(len(self.ids))
        live: list[int] | None = self.cache.get("live")
        if live is None:  # (read only: made once)
            live = self.cache["live"] = [i for i, a in enumerate(self.alive) if a]
        return live
