"""The built graph's adjacency as integers: what the passes in dependency order walk.

A run's graph is built into networkx's dict layout (:mod:`flowgraph._digraph`), which every
view reads by node id. The passes that visit every node in dependency order (the execution
order, the critical path) are bound by memory on a large run when they walk those dicts: on a
100k-node run the order pass costs 29x what it does on 10k nodes. :class:`Core` is the same
graph as lists of integers, made by the builder as it links (converting the dicts afterwards
costs more than the pass it would save): node ``i`` is ``ids[i]`` (the dict graph's order) with
the attributes ``attrs[i]``; ``pred[i]``/``succ[i]`` are its neighbours' numbers in the dict
graph's neighbour order; ``alive`` marks the nodes of a graph with some taken out (the executed
graph: :meth:`without`), None when all are in.

>>> core = Core(["a", "b", "c"], [{}, {}, {}], [[], [0], [0, 1]], [[1, 2], [2], []])
>>> core.index["c"], core.succ[0]
(2, [1, 2])
>>> h = core.without({"b"})
>>> h.alive, h.pred[2], h.succ[0], core.succ[0]
([True, False, True], [0], [2], [1, 2])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["Core"]


class Core:
    """Integer adjacency of a graph (see the module doc). Read only once made; ``cache`` holds
    what passes keep about it (its order)."""

    __slots__ = ("alive", "attrs", "cache", "ids", "index", "pred", "succ")

    def __init__(
        self,
        ids: list[str],
        attrs: list[Any],
        pred: list[list[int]],
        succ: list[list[int]],
        index: dict[str, int] | None = None,
        alive: list[bool] | None = None,
    ) -> None:
        self.ids = ids
        self.index = dict(zip(ids, range(len(ids)), strict=True)) if index is None else index
        self.attrs = attrs
        self.pred = pred
        self.succ = succ
        self.alive = alive
        self.cache: dict[str, Any] = {}

    def without(self, drop: Iterable[str]) -> Core:
        """The same graph with the nodes ``drop`` names taken out (marked dead, their edges
        gone from their neighbours' lists; the other lists shared: both are read only)."""
        gone = {self.index[n] for n in drop if n in self.index}
        alive = [True] * len(self.ids) if self.alive is None else list(self.alive)
        pred, succ = list(self.pred), list(self.succ)
        touched: set[int] = set()
        for i in gone:
            alive[i] = False
            touched.update(self.pred[i])
            touched.update(self.succ[i])
        for i in touched.difference(gone):
            pred[i] = [p for p in self.pred[i] if p not in gone]
            succ[i] = [s for s in self.succ[i] if s not in gone]
        for i in gone:
            pred[i], succ[i] = [], []
        return Core(self.ids, self.attrs, pred, succ, self.index, alive)

    def live(self) -> Iterable[int]:
        """The numbers of the nodes in the graph, in order."""
        if self.alive is None:
            return range(len(self.ids))
        return [i for i, a in enumerate(self.alive) if a]
