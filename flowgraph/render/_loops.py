"""Loops in a picture: each node's top-level loop, iteration paths, and how clusters nest.

A *family* is a top-level for-each with everything under it: its body templates, their copies,
nested loops and their copies. A family with copies is drawn collapsed (one box per body
template) or, with ``expand_loops``, expanded (every copy, in one cluster per iteration).
Cluster keys are ``("loop", loop id)`` and ``("iteration", loop id, index)``; the index is
zero-padded so that keys sort in iteration order.

>>> import flowgraph
>>> fg = flowgraph.graph("examples/nested-loops.json")
>>> fam = Families(fg, expand_loops=True, max_copies=300)
>>> fam.root["shot-w21"], fam.path("shot-w21"), fam.copies_in["each-product"]
('each-product', (1, 1), 8)
>>> fam.container("shot-w21")
('iteration', 'each-angle-w2', '000000000001')
>>> fam.cluster_parent(("loop", "each-angle-w2"))
('iteration', 'each-product', '000000000001')
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from .._graph import node_dicts
from .._text import clean
from ..summary import iteration_state
from ._labels import LINE
from .styles import STATES, WORDS

if TYPE_CHECKING:
    from .._graph import GraphData, Neighbours, Nodes

__all__ = ["Families", "Key", "has_body_pred"]

#: A box's or a cluster's key: ``("0", node id)`` a node, ``("1", loop, type)`` a group of copies,
#: ``("loop", loop)`` and ``("iteration", loop, index)`` clusters.
Key = tuple[str, ...]


class Families:
    """The loop families of a graph: ``root`` maps a node to its top-level loop (itself for
    that loop) or ``None``; ``copies_in`` counts a family's copies; ``expanded`` says whether a
    family with copies is drawn copy by copy (``expand_loops`` and at most ``max_copies``)."""

    def __init__(self, g: GraphData, expand_loops: bool, max_copies: int) -> None:
        self.graph = g.graph
        self.loops = g.loops
        self.nodes: Nodes = node_dicts(g.graph)  # the dict: views cost 2x here
        self.root = self._roots()
        self.copies_in: Counter[str] = Counter()
        for n, r in self.root.items():
            if r is not None and self.nodes[n].get("loop_node_id") is not None:
                self.copies_in[r] += 1
        self.expanded = {r: expand_loops and c <= max_copies for r, c in self.copies_in.items()}
        self.iteration_of: dict[Key, tuple[str, Any]] = {}  # iteration key -> (loop, index)
        self._paths: dict[str, tuple[int, ...]] = {}

    def _parent(self, n: str) -> str | None:
        d = self.nodes[n]
        p = d.get("loop_node_id")
        return p if p is not None else d.get("loop_template_of")

    def _roots(self) -> dict[str, str | None]:
        root: dict[str, str | None] = {}
        for n in self.graph:
            chain: list[str] = []
            seen: set[str] = set()
            cur = n
            while True:
                if cur in root:
                    r = root[cur]
                    break
                if cur in seen:
                    r = None  # a cycle of loop references: draw them as plain nodes
                    break
                seen.add(cur)
                chain.append(cur)
                p = self._parent(cur)
                if p is None or p not in self.graph:
                    r = cur if p is None and cur in self.loops else None
                    break
                cur = p
            for c in chain:
                root[c] = r
        return root

    def path(self, n: str) -> tuple[int, ...]:
        """Iteration indexes from the outermost loop down to the copy ``n``."""
        if n in self._paths:
            return self._paths[n]
        out: list[int] = []
        seen: set[str] = set()
        cur: str | None = n
        while cur is not None and cur in self.graph and cur not in seen:
            seen.add(cur)
            d = self.nodes[cur]
            if d.get("loop_node_id") is None:
                break
            index = d.get("iteration_index")
            out.append(index if isinstance(index, int) else -1)
            cur = d["loop_node_id"]
        self._paths[n] = tuple(reversed(out))
        return self._paths[n]

    def expanded_family(self, x: str) -> bool:
        """True when ``x`` belongs to a family drawn copy by copy."""
        r = self.root.get(x)
        return bool(r is not None and self.copies_in[r] and self.expanded[r])

    def iteration_key(self, x: str, i: Any) -> Key:
        """The cluster key of iteration ``i`` of loop ``x`` (remembered for its label)."""
        key = ("iteration", x, f"{i:012d}" if isinstance(i, int) and i >= 0 else str(i))
        self.iteration_of[key] = (x, i)
        return key

    def cluster_parent(self, key: Key) -> Key | None:
        """The cluster a loop or iteration cluster sits in, or ``None`` at the top."""
        if key[0] == "iteration":
            return ("loop", key[1])
        x = key[1]
        d = self.nodes[x]
        if self.expanded_family(x):
            outer = d.get("loop_node_id")
            if outer is None or outer not in self.graph:
                return None
            i = d.get("iteration_index")
            return self.iteration_key(outer, i if i is not None else -1)
        p = d.get("loop_template_of")
        if (
            p is not None
            and p in self.graph
            and p != x
            and p in self.loops
            and self.root.get(p) == self.root.get(x)
        ):
            return ("loop", p)
        return None

    def container(self, n: str) -> Key | None:
        """The cluster a drawn flow node sits in (a loop heads its own cluster)."""
        if self.root.get(n) is None:
            return None
        d = self.nodes[n]
        if n in self.loops:
            return ("loop", n)
        if self.expanded_family(n):
            x, i = d.get("loop_node_id"), d.get("iteration_index")
            if x is None or x not in self.graph:
                return None
            return self.iteration_key(x, i if i is not None else -1)
        p = d.get("loop_template_of")
        return ("loop", p) if p in self.graph and p in self.loops else None

    def describe(self, key: Key) -> tuple[str, list[str], str | None]:
        """``(kind, label lines, state)`` of the cluster ``key``: a loop has no state, an
        iteration the state of its copies."""
        x = key[1]
        if key[0] == "loop":
            lines = [clean(f"for-each {x}", LINE, 2)]
            if self.root.get(x) == x and self.copies_in[x] and not self.expanded[x]:
                lines.append(f"collapsed: {self.copies_in[x]} copies")
            return "loop", lines, None
        _, i = self.iteration_of[key]
        loop = self.loops.get(x)
        copies = loop.iterations.get(i, []) if loop is not None else []
        state = iteration_state([self.nodes[c].get("status") for c in copies])
        word = WORDS.get(state, clean(state, 20, 1))
        return "iteration", [f"iteration {i}: {word}"], state if state in STATES else "unknown"


def has_body_pred(nodes: Nodes, pred: Neighbours, v: str) -> bool:
    """True when ``v`` (a template or a copy) reads another node of the same loop iteration;
    ``nodes`` and ``pred`` are :func:`flowgraph._graph.adjacency`'s."""
    d = nodes[v]
    mine = (d.get("loop_node_id"), d.get("iteration_index"), d.get("loop_template_of"))
    if mine == (None, None, None):
        return False
    for p in pred[v]:
        pd = nodes[p]
        if (pd.get("loop_node_id"), pd.get("iteration_index"), pd.get("loop_template_of")) == mine:
            return True
    return False
