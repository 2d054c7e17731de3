"""The built graph's data: :class:`GraphData`, its attribute types, and networkx's dicts.

Everything the queries read lives here, below them: the job, the networkx ``DiGraph`` (node and
edge attributes typed by :class:`NodeAttrs` and :class:`EdgeAttrs`), the loops, the findings of
the build, the workflow inputs, the gates, the loop templates and the executed graph. This is
the only module that touches networkx's internal dicts (``_node``, ``_succ``, ``_pred``).

>>> import networkx as nx
>>> g = nx.DiGraph([("a", "b")])
>>> nodes, pred, succ = adjacency(g)
>>> list(pred["b"]), list(succ["a"])
(['a'], ['b'])
>>> sorted(without(g, {"a"}))
['b']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypedDict, cast

import networkx as nx

from .errors import NodeNotFoundError

if TYPE_CHECKING:
    from .findings import Finding
    from .model import FlowNode, Job
    from .timing import Timing

__all__ = [
    "EdgeAttrs",
    "GraphData",
    "Loop",
    "Neighbours",
    "NodeAttrs",
    "Nodes",
    "Role",
    "adjacency",
    "edge_attrs",
    "node_attrs",
    "own_dicts",
    "without",
]

#: What a graph node stands for: a flow node, a workflow input, or a ref to a missing id.
Role = Literal["node", "input", "missing"]


class NodeAttrs(TypedDict, total=False):
    """The attributes of a node in :attr:`GraphData.nx` (flow nodes have all of the first
    group; inputs and missing placeholders only ``role``, ``type``, ``status``, ``name``)."""

    role: Role
    type: str | None
    status: str | None
    #: a workflow input's name
    name: str
    model_id: str | None
    workflow_id: str | None
    job_id: str | None
    loop_node_id: str | None
    iteration_index: int | None
    #: the node's place in ``metadata.flow``
    flow_index: int
    #: set when several flow nodes share an id: the id this one is a duplicate of
    duplicate_of: str | None
    #: from the node's own job, when the bundle holds it
    timing: Timing | None
    #: the parsed flow node
    node: FlowNode
    #: a loop copy's body template
    template: str
    #: a body template's for-each
    loop_template_of: str
    #: a for-each's number of iterations
    iterations: int
    #: True when the node's result is part of the workflow job's output
    output: bool


class EdgeAttrs(TypedDict, total=False):
    """The attributes of an edge: ``kind`` is the strongest of ``kinds``
    (see :data:`flowgraph.vocab.EDGE_KINDS`), ``inputs`` the input names, ``equal`` a branch's
    case value."""

    kind: str
    kinds: tuple[str, ...]
    inputs: tuple[str, ...]
    equal: Any


@dataclass
class Loop:
    """A for-each node (a template or a copy of one) and what it spawned.

    ``iterations`` maps an iteration index to the ids of its copies (sorted).
    """

    id: str
    body: list[str] = field(default_factory=list)
    iterations: dict[int, list[str]] = field(default_factory=dict)


#: A graph's dicts as :func:`adjacency` gives them: node -> attributes, node -> {neighbour: edge}.
Nodes = Mapping[Any, NodeAttrs]
Neighbours = Mapping[Any, Mapping[Any, EdgeAttrs]]


def adjacency(g: nx.DiGraph[Any]) -> tuple[Nodes, Neighbours, Neighbours]:
    """``(nodes, pred, succ)`` of ``g``: its own dicts for a plain ``DiGraph`` (much faster to
    walk than the read-only views, and what the builder fills), else ``g.nodes``, ``g.pred``,
    ``g.succ``. Typed with :class:`NodeAttrs` and :class:`EdgeAttrs`, so mypy checks the keys
    read. Read only, but for the builder."""
    raw: Any = g  # the stubs do not declare networkx's own dicts
    if type(g) is nx.DiGraph:
        return raw._node, raw._pred, raw._succ
    return raw.nodes, raw.pred, raw.succ


def own_dicts(
    g: nx.DiGraph[str],
) -> tuple[dict[str, NodeAttrs], dict[str, dict[str, EdgeAttrs]], dict[str, dict[str, EdgeAttrs]]]:
    """``(nodes, pred, succ)``: a plain ``DiGraph``'s own dicts, to fill (the builder) or share
    (:func:`without`). Writing them bypasses networkx's checks and its cache clearing."""
    if type(g) is not nx.DiGraph:
        raise TypeError(f"own_dicts needs a plain networkx.DiGraph, not {type(g).__name__}")
    raw: Any = g
    return raw._node, raw._pred, raw._succ


def node_attrs(g: nx.DiGraph[str], n: str) -> NodeAttrs:
    """The attributes of node ``n`` of ``g``, typed (``KeyError`` when it is not in ``g``)."""
    return cast(NodeAttrs, g.nodes[n])


def edge_attrs(g: nx.DiGraph[str], u: str, v: str) -> EdgeAttrs:
    """The attributes of edge ``u -> v`` of ``g``, typed (``KeyError`` when there is none)."""
    return cast(EdgeAttrs, g.succ[u][v])


def without(g: nx.DiGraph[str], drop: frozenset[str] | set[str]) -> nx.DiGraph[str]:
    """A frozen ``DiGraph`` of ``g`` without the nodes in ``drop``.

    What ``g.subgraph(keep)`` shows (read-only, sharing ``g``'s attribute dicts), as a real
    graph: a subgraph view filters every lookup, which makes walking it several times slower.
    Neighbour dicts that lose nothing are shared with ``g`` too, which is safe because the
    result is frozen like the view (``nx.is_frozen``): it cannot be modified.
    """
    if type(g) is not nx.DiGraph:  # a view or a subclass: the public way
        view: nx.DiGraph[str] = nx.DiGraph(g.subgraph([n for n in g if n not in drop]))
        return _frozen(view)
    gnode, gpred, gsucc = own_dicts(g)
    touched: set[str] = set()  # nodes with a neighbour in drop
    for key in drop:
        if key in gsucc:
            touched.update(gsucc[key])
            touched.update(gpred[key])
    h: nx.DiGraph[str] = nx.DiGraph()
    h.graph = g.graph
    node, pred, succ = own_dicts(h)
    for key, attrs in gnode.items():
        if key in drop:
            continue
        node[key] = attrs
        if key in touched:
            succ[key] = {v: d for v, d in gsucc[key].items() if v not in drop}
            pred[key] = {u: d for u, d in gpred[key].items() if u not in drop}
        else:
            succ[key] = gsucc[key]
            pred[key] = gpred[key]
    return _frozen(h)


def _frozen(g: nx.DiGraph[str]) -> nx.DiGraph[str]:
    frozen: nx.DiGraph[str] = nx.freeze(g)
    return frozen


class GraphData:
    """The graph of one job, as built: what every query reads. ``nx`` is the networkx
    ``DiGraph``; see :mod:`flowgraph.builder` for its node and edge attributes.

    Read ``nx`` freely, and copy it (``g.nx.copy()``) to change it: the queries keep what they
    worked out (the graph without templates, its order) beside it."""

    def __init__(
        self,
        job: Job,
        graph: nx.DiGraph[str],
        loops: dict[str, Loop],
        findings: list[Finding],
        inputs: dict[str, str],
        gates: list[str],
    ) -> None:
        self.job = job
        self.nx = graph
        self.loops = loops
        self.build_findings = findings
        self.inputs = inputs
        self.gates = gates

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} job={self.job.job_id!r} status={self.job.status!r} "
            f"nodes={self.nx.number_of_nodes()} edges={self.nx.number_of_edges()}>"
        )

    def node(self, node_id: str) -> FlowNode:
        """The flow node with this id (:class:`~flowgraph.errors.NodeNotFoundError` if none)."""
        attrs = self.nx.nodes.get(node_id)
        if attrs is None or attrs.get("node") is None:
            raise NodeNotFoundError(node_id)
        node: FlowNode = attrs["node"]
        return node

    def attrs(self, node_id: str) -> NodeAttrs:
        """The attributes of a graph node (flow node, input or placeholder), typed."""
        self.check(node_id)
        return node_attrs(self.nx, node_id)

    def check(self, node_id: str) -> None:
        """Raise :class:`~flowgraph.errors.NodeNotFoundError` unless the graph has the node."""
        if node_id not in self.nx:
            raise NodeNotFoundError(node_id)

    @cached_property
    def templates(self) -> frozenset[str]:
        """Loop body templates that loop copies stand for in a run (they stay ``skipped``)."""
        if self.job.definition:
            return frozenset()
        return frozenset(
            n for n, d in self.nx.nodes(data=True) if d.get("loop_template_of") is not None
        )

    @cached_property
    def execution(self) -> nx.DiGraph[str]:
        """The graph the run executes: ``nx`` without templates (in a definition, all of it)."""
        if not self.templates:
            return self.nx
        return without(self.nx, self.templates)
