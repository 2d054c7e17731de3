"""flowgraph's own directed graph: networkx's dict layout without networkx.

A run's graph is built once and then only read, by flowgraph's own passes over its dicts
(:func:`flowgraph._graph.adjacency`). networkx's ``DiGraph`` brought ~115 ms of import to every
command for views nobody walked; :class:`Digraph` keeps the same three dicts (``_node``,
``_succ``, ``_pred``: node -> attributes, node -> {neighbour: edge attributes}) and the small part
of networkx's reading API flowgraph and its tests use (``nodes``, ``edges``, ``succ``, ``pred``,
``in``, ``len``, iteration, ``has_edge``). ``fg.nx`` is still a real networkx ``DiGraph``
(:mod:`flowgraph._plain`, built on first use), and the passes that need networkx's algorithms
(a graph with a cycle: its components, one cycle) convert with :func:`to_networkx` then. The
built graph and its executed graph make their dicts when first read: the node attributes by
the builder's ``make_nodes``, the neighbour dicts from their integer core
(:meth:`Digraph.make_edges_later`); the passes over a run read the core and never make them.

>>> g = Digraph()
>>> g.add_edge("a", "b", kind="data")
>>> list(g), g.edges["a", "b"], list(g.edges(data=True)), "a" in g, len(g)
(['a', 'b'], {'kind': 'data'}, [('a', 'b', {'kind': 'data'})], True, 2)
>>> g.nodes["a"], list(g.nodes(data=True))
({}, [('a', {}), ('b', {})])
"""

from __future__ import annotations

from _thread import RLock  # threading's own (its module is ~1 ms to import)
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import networkx as nx

    from ._core import Core

__all__ = [
    "Digraph",
    "condensation",
    "find_cycle",
    "networkx_graph",
    "strongly_connected_components",
    "to_networkx",
]


class _Nodes:
    """``g.nodes``: ``[n]`` its attributes, ``(data=True)`` the pairs, ``in``, iteration."""

    __slots__ = ("_node",)

    def __init__(self, node: dict[Any, dict[str, Any]]) -> None:
        self._node = node

    def __getitem__(self, n: Any) -> dict[str, Any]:
        return self._node[n]

    def get(self, n: Any, default: Any = None) -> Any:
        return self._node.get(n, default)

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:  # unhashable: not a node
            return False

    def __iter__(self) -> Iterator[Any]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def items(self) -> Any:
        return self._node.items()

    def __call__(self, data: bool = False) -> Any:
        return iter(self._node.items()) if data else iter(self._node)


class _Edges:
    """``g.edges``: ``[u, v]`` an edge's attributes, ``(data=True)`` the triples, iteration."""

    __slots__ = ("_succ",)

    def __init__(self, succ: dict[Any, dict[Any, dict[str, Any]]]) -> None:
        self._succ = succ

    def __getitem__(self, uv: tuple[Any, Any]) -> dict[str, Any]:
        u, v = uv
        return self._succ[u][v]

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return ((u, v) for u, out in self._succ.items() for v in out)

    def __len__(self) -> int:
        return sum(len(out) for out in self._succ.values())

    def __call__(self, data: bool = False) -> Iterator[Any]:
        if data:
            return ((u, v, d) for u, out in self._succ.items() for v, d in out.items())
        return iter(self)


_MAKING = RLock()  # reentrant: a graph made from another makes that first


class Digraph:
    """A directed graph in networkx's layout (``_node``, ``_succ``, ``_pred``); read-only once
    ``frozen`` (the built graph is). ``graph`` holds graph attributes, as networkx's does."""

    def __init__(self, make_nodes: Callable[[], Any] | None = None) -> None:
        #: the node attribute dicts, or None until ``make_nodes`` has made them (see _node)
        self._nodes: dict[Any, dict[str, Any]] | None = None if make_nodes else {}
        self._make_nodes = make_nodes
        #: the neighbour dicts, or None while they are to be made from the core (see _succ)
        self._edges: tuple[dict[Any, Any], dict[Any, Any]] | None = ({}, {})
        self.graph: dict[str, Any] = {}
        self.frozen = False
        #: what passes keep about the graph (its order): valid while it is frozen
        self.__networkx_cache__: dict[str, Any] = {}
        #: the same graph as integer lists, when the builder made them (the built graph and
        #: its executed graph): what the passes in dependency order walk
        self.core: Core | None = None

    # -- reading ---------------------------------------------------------------------------
    @property
    def _node(self) -> dict[Any, dict[str, Any]]:
        """Node -> attributes; a graph made with ``make_nodes`` makes them on first read (the
        built graph: the passes over a run read the integer core, only the views these)."""
        nodes = self._nodes
        if nodes is None:
            with _MAKING:  # two threads reading first make them once
                nodes = self._nodes
                if nodes is None:
                    make = self._make_nodes
                    assert make is not None
                    nodes = self._nodes = make()
                    self._make_nodes = None
        return nodes

    @_node.setter
    def _node(self, nodes: dict[Any, dict[str, Any]]) -> None:
        self._nodes, self._make_nodes = nodes, None

    def _edge_dicts(self) -> tuple[dict[Any, Any], dict[Any, Any]]:
        edges = self._edges
        if edges is None:
            with _MAKING:
                edges = self._edges
                if edges is None:
                    assert self.core is not None
                    edges = self._edges = self.core.edge_dicts()
        return edges

    @property
    def edges_later(self) -> bool:
        """True while the neighbour dicts are still to be made from the core."""
        return self._edges is None

    @property
    def _pred(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        """Node -> {predecessor: edge attributes}; a graph made from its core (the built and
        the executed graph) makes both neighbour dicts from it on first read."""
        return self._edge_dicts()[0]

    @_pred.setter
    def _pred(self, pred: dict[Any, dict[Any, dict[str, Any]]]) -> None:
        self._edges = (pred, self._edge_dicts()[1])

    @property
    def _succ(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        """Node -> {successor: edge attributes} (see :attr:`_pred`)."""
        return self._edge_dicts()[1]

    @_succ.setter
    def _succ(self, succ: dict[Any, dict[Any, dict[str, Any]]]) -> None:
        self._edges = (self._edge_dicts()[0], succ)

    @property
    def nodes(self) -> _Nodes:
        return _Nodes(self._node)

    @property
    def edges(self) -> _Edges:
        return _Edges(self._succ)

    @property
    def succ(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._succ

    @property
    def pred(self) -> dict[Any, dict[Any, dict[str, Any]]]:
        return self._pred

    # (the nodes are the neighbour dicts' keys, in order; the core's live ones until made)
    def __contains__(self, n: object) -> bool:
        try:
            if self._edges is None:
                core: Any = self.core
                i = core.index.get(n)
                return i is not None and (core.alive is None or core.alive[i])
            return n in self._edges[1]
        except TypeError:
            return False

    def __iter__(self) -> Iterator[Any]:
        if self._edges is None:
            core: Any = self.core
            return map(core.ids.__getitem__, core.live())
        return iter(self._edges[1])

    def __len__(self) -> int:
        if self._edges is None:
            core: Any = self.core
            return len(core.ids) if core.alive is None else sum(core.alive)
        return len(self._edges[1])

    def number_of_nodes(self) -> int:
        return len(self)

    def number_of_edges(self) -> int:
        return sum(len(out) for out in self._succ.values())

    def has_edge(self, u: Any, v: Any) -> bool:
        return v in self._succ.get(u, ())

    def predecessors(self, n: Any) -> Iterator[Any]:
        return iter(self._pred[n])

    def successors(self, n: Any) -> Iterator[Any]:
        return iter(self._succ[n])

    # -- building --------------------------------------------------------------------------
    def make_nodes_later(self, make: Callable[[], Any]) -> None:
        """Have ``make`` make the node attribute dicts when they are first read (they are not
        filled in: the builder's graph)."""
        self._nodes, self._make_nodes = None, make

    def make_edges_later(self, core: Core) -> None:
        """Make the neighbour dicts from ``core`` (with its ``pred``) when they are first read,
        and take it as the graph's core."""
        self.core, self._edges = core, None

    def _check(self) -> None:
        if self.frozen:
            raise TypeError("flowgraph's graph is read-only: change fg.nx, the networkx copy")

    def add_node(self, n: Any, **attr: Any) -> None:
        self._check()
        if n not in self._node:
            self._node[n], self._succ[n], self._pred[n] = {}, {}, {}
        self._node[n].update(attr)

    def add_edge(self, u: Any, v: Any, **attr: Any) -> None:
        self._check()
        for n in (u, v):
            if n not in self._node:
                self._node[n], self._succ[n], self._pred[n] = {}, {}, {}
        data = self._succ[u].get(v)
        if data is None:
            data = self._succ[u][v] = self._pred[v][u] = {}
        data.update(attr)

    def add_edges_from(self, edges: Any, **attr: Any) -> None:
        for u, v in edges:
            self.add_edge(u, v, **attr)

    def without(self, drop: frozenset[Any] | set[Any]) -> Digraph:
        """A frozen graph of this one without the nodes in ``drop``, sharing its attribute
        dicts and the neighbour dicts that lose nothing (safe: both are frozen, read only). Its
        node dict is made when it is first read, as this graph's may be; its neighbour dicts
        too when this graph's are made from its core."""
        if self._edges is None and self.core is not None and self.core.pred is not None:
            lazy = Digraph(make_nodes=partial(_nodes_without, self, drop))  # (picklable)
            lazy.graph = self.graph
            lazy.make_edges_later(self.core.without(drop))
            lazy.frozen = True
            return lazy
        gpred, gsucc = self._pred, self._succ
        before: set[Any] = set()  # nodes with an edge into one dropped
        touched: set[Any] = set()  # nodes with a neighbour in drop
        for key in drop:
            if key in gsucc:
                before.update(gpred[key])
                touched.update(gsucc[key], gpred[key])
        h = Digraph(make_nodes=partial(_nodes_without, self, drop))
        h.graph = self.graph
        pred, succ = h._pred, h._succ
        # C-speed copies (order kept); the dropped out, the touched given neighbours of their own
        pred.update(gpred)
        succ.update(gsucc)
        for key in drop:
            if key in succ:
                del pred[key], succ[key]
        for key in touched.difference(drop):
            succ[key] = {v: d for v, d in gsucc[key].items() if v not in drop}
            pred[key] = {u: d for u, d in gpred[key].items() if u not in drop}
        h.frozen, h.core = True, None if self.core is None else self.core.without(drop, before)
        return h

    def copy(self) -> Digraph:
        """A graph of its own, not frozen: new attribute dicts, the same values."""
        h = Digraph()
        h.graph = dict(self.graph)
        h._node = {n: dict(d) for n, d in self._node.items()}
        h._succ = {n: {} for n in self._node}
        h._pred = {n: {} for n in self._node}
        for u, out in self._succ.items():
            for v, d in out.items():
                h._succ[u][v] = h._pred[v][u] = dict(d)
        return h


def _nodes_without(g: Digraph, drop: frozenset[Any] | set[Any]) -> dict[Any, dict[str, Any]]:
    """``g``'s node dict without ``drop`` (the node dict :meth:`Digraph.without` makes late)."""
    nodes = dict(g._node)
    for key in drop:
        nodes.pop(key, None)
    return nodes


def networkx_graph(nodes: Iterable[tuple[Any, Any]], edges: Iterable[Any]) -> nx.DiGraph[Any]:
    """A networkx ``DiGraph`` of ``(node, attributes)`` pairs and ``(u, v, attributes)``
    triples: where flowgraph imports networkx (``fg.nx``, the passes over a cycle), once."""
    import networkx as nx  # here, not at start: only fg.nx and a graph with a cycle need it

    h: nx.DiGraph[Any] = nx.DiGraph()
    h.add_nodes_from(nodes)
    h.add_edges_from(edges)
    return h


def to_networkx(g: Any) -> nx.DiGraph[Any]:
    """A networkx ``DiGraph`` with ``g``'s nodes and edges (``g`` as it is when it is one)."""
    if type(g) is not Digraph:
        return cast("nx.DiGraph[Any]", g)
    return networkx_graph(g.nodes(data=True), g.edges(data=True))


def find_cycle(g: Any) -> list[Any]:
    """The nodes of one cycle of ``g`` (networkx's ``find_cycle``: the first a depth-first
    search meets), in order."""
    import networkx as nx

    return [u for u, _ in nx.find_cycle(to_networkx(g))]


def strongly_connected_components(g: Any) -> list[set[Any]]:
    """``g``'s strongly connected components (networkx's order)."""
    import networkx as nx

    return list(nx.strongly_connected_components(to_networkx(g)))


def condensation(g: Any) -> nx.DiGraph[Any]:
    """networkx's condensation of ``g``: a node per strongly connected component (its
    ``members``), ``graph["mapping"]`` from each node to its component."""
    import networkx as nx

    return nx.condensation(to_networkx(g))
