"""The built graph's data: :class:`GraphData`, its attribute types, and networkx's dicts.

Everything the queries read lives here, below them: the job, flowgraph's own graph
(``graph``, a :class:`~flowgraph._digraph.Digraph` in networkx's dict layout: node and edge
attributes typed by :class:`NodeAttrs` and :class:`EdgeAttrs`; users get a plain-data networkx
copy, ``nx``), the loops, the findings of the build, the workflow inputs, the gates, the loop
templates and the executed graph. With :mod:`flowgraph._digraph`, the only module that touches
the graph's own dicts (``_node``, ``_succ``, ``_pred``).

>>> g = Digraph()
>>> g.add_edge("a", "b")
>>> nodes, pred, succ = adjacency(g)
>>> list(pred["b"]), list(succ["a"])
(['a'], ['b'])
>>> sorted(g.without({"a"}))
['b']

A flow node's own error comes from its node job (a bundle's ``nodeJobs``), and so does a run's
cost: :meth:`GraphData.error`, :meth:`GraphData.errors` and :meth:`GraphData.cost`.

>>> import flowgraph
>>> fg = flowgraph.graph({"job": {"jobId": "j", "status": "failure", "billing": {"cuCost": 0},
...     "metadata": {"flow": [{"id": "gen", "type": "model", "status": "failure", "jobId": "c1"}]}},
...     "nodeJobs": {"c1": {"jobId": "c1", "status": "failure", "billing": {"cuCost": 12},
...         "metadata": {"error": "NSFW content detected", "hint": "change the prompt"}}}})
>>> fg.error("gen").error, fg.error("gen").hint
('NSFW content detected', 'change the prompt')
>>> cost = fg.cost()
>>> cost.value, cost.source, cost.node_jobs, cost.job
(12.0, 'node-jobs', 1, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypedDict, cast

from ._digraph import Digraph
from .errors import NodeNotFoundError

if TYPE_CHECKING:
    import networkx as nx

    from ._nodejobs import Cost, NodeError
    from .findings import Finding
    from .model import FlowNode, Job
    from .timing import Timing

__all__ = [
    "Cost",
    "EdgeAttrs",
    "GraphData",
    "Loop",
    "Neighbours",
    "NodeAttrs",
    "NodeError",
    "Nodes",
    "NotAFlowNodeError",
    "Role",
    "adjacency",
    "flow_node",
    "neighbours",
    "node_attrs",
    "node_dicts",
    "node_pred",
    "node_status",
    "node_succ",
]

#: What a graph node stands for: a flow node, a workflow input, or a ref to a missing id.
Role = Literal["node", "input", "missing"]


class NodeAttrs(TypedDict, total=False):
    """The attributes of a node in :attr:`GraphData.graph` (flow nodes have all of the first
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


class NotAFlowNodeError(NodeNotFoundError):
    """The id is in the graph, but as a workflow input (``input:NAME``) or as the placeholder
    of a ref to a node missing from the flow: it has attributes (:meth:`GraphData.attrs`) but
    no flow node. A :class:`~flowgraph.errors.NodeNotFoundError`, so old handlers still
    catch it."""

    def __init__(self, node: str, role: str, name: str | None = None) -> None:
        super().__init__(node)
        self.role = role
        self.name = name

    def __str__(self) -> str:
        if self.role == "input":
            what = f"a workflow input (named {self.name!r})" if self.name else "a workflow input"
        else:
            what = "a placeholder for a ref to a node missing from the flow (`flowgraph lint`)"
        return f"{self.node!r} is {what}, not a flow node; .attrs({self.node!r}) has its attributes"


#: A graph's dicts as :func:`adjacency` gives them: node -> attributes, node -> {neighbour: edge}.
Nodes = Mapping[Any, NodeAttrs]
Neighbours = Mapping[Any, Mapping[Any, EdgeAttrs]]


def adjacency(g: Any) -> tuple[Nodes, Neighbours, Neighbours]:
    """``(nodes, pred, succ)`` of ``g``: its own dicts for flowgraph's
    :class:`~flowgraph._digraph.Digraph` (what the builder fills), else ``g.nodes``, ``g.pred``,
    ``g.succ`` (a networkx graph, a view). Typed with :class:`NodeAttrs` and :class:`EdgeAttrs`,
    so mypy checks the keys read. Read only, but for the builder."""
    return (node_dicts(g), *neighbours(g))


def node_dicts(g: Any) -> Nodes:
    """Node -> attributes of ``g``, as :func:`adjacency` gives them, without making the
    neighbour dicts a built graph makes from its core on first read (~20 ms at 10k nodes: the
    table of ``flowgraph show`` reads attributes only).

    >>> g = Digraph()
    >>> g.add_node("a", status="success")
    >>> node_dicts(g)["a"]["status"]
    'success'
    """
    raw: Any = g
    nodes: Nodes = raw._node if type(g) is Digraph else raw.nodes
    return nodes


def neighbours(g: Any) -> tuple[Neighbours, Neighbours]:
    """``(pred, succ)`` of ``g``, as :func:`adjacency` gives them: without reading the node
    attributes, which a built graph makes on first read (the passes over a run need none)."""
    raw: Any = g
    if type(g) is Digraph:
        return raw._pred, raw._succ
    return raw.pred, raw.succ


def node_pred(g: Any, n: str) -> Mapping[str, EdgeAttrs]:
    """``pred[n]`` of ``g``, as :func:`neighbours` gives it, without making the graph's
    neighbour dicts when they are still to be made from its core (the built graph and its
    executed graph: see :meth:`~flowgraph._core.Core.pred_of`)."""
    if type(g) is Digraph and g.edges_later:
        core: Any = g.core
        pred: Mapping[str, EdgeAttrs] = core.pred_of(core.index[n])
        return pred
    return neighbours(g)[0][n]


def node_succ(g: Any, n: str) -> Mapping[str, EdgeAttrs]:
    """``succ[n]`` of ``g`` (see :func:`node_pred`)."""
    if type(g) is Digraph and g.edges_later:
        core: Any = g.core
        succ: Mapping[str, EdgeAttrs] = core.succ_of(core.index[n])
        return succ
    return neighbours(g)[1][n]


def flow_node(g: Digraph, n: str) -> FlowNode | None:
    """The flow node ``n`` of ``g`` (None when ``n`` is not one, or not in ``g``): read from
    the integer core when ``g`` has one, without the attribute dicts."""
    return cast("FlowNode | None", _head(g, n, "node"))


def node_status(g: Digraph, n: str) -> tuple[str | None, str | None]:
    """The ``role`` and ``status`` of node ``n`` of ``g`` (Nones when it is not in ``g``), read
    as :func:`flow_node` reads."""
    return _head(g, n, "role"), _head(g, n, "status")


def _head(g: Digraph, n: str, name: str) -> Any:
    core = g.core
    if core is None:
        d = g.nodes.get(n)
        return None if d is None else d.get(name)
    i = core.index.get(n)
    return None if i is None or n not in g else getattr(core, name)[i]


def node_attrs(g: Digraph, n: str) -> NodeAttrs:
    """The attributes of node ``n`` of ``g``, typed (``KeyError`` when it is not in ``g``)."""
    return cast(NodeAttrs, g.nodes[n])


class GraphData:
    """The graph of one job, as built: what every query reads.

    ``nx`` is for users: a networkx ``DiGraph`` whose attributes are plain data (built on first
    access; see :mod:`flowgraph.builder`), theirs to change or write out. ``graph`` is
    flowgraph's own graph, which the queries read (model objects and tuples in its attributes:
    :class:`NodeAttrs`): not for users, and never to be changed."""

    def __init__(
        self,
        job: Job,
        graph: Digraph,
        loops: dict[str, Loop],
        findings: list[Finding],
        inputs: dict[str, str],
        gates: list[str],
        logic: list[str] | None = None,
        body_templates: frozenset[str] | None = None,
        copy_templates: Mapping[str, str] | None = None,
    ) -> None:
        self.job = job
        self.graph = graph
        self.loops = loops
        self.build_findings = findings
        self.inputs = inputs
        self.gates = gates
        #: the if/else nodes and the body templates as the builder found them (None: unknown)
        self.logic = logic
        self._body_templates = body_templates
        self._copy_templates = copy_templates

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} job={self.job.job_id!r} status={self.job.status!r} "
            f"nodes={self.graph.number_of_nodes()} edges={self.graph.number_of_edges()}>"
        )

    def node(self, node_id: str) -> FlowNode:
        """The flow node with this id. :class:`~flowgraph.errors.NodeNotFoundError` when the
        graph has no such node; :class:`NotAFlowNodeError` (a subclass) when the id is a
        workflow input (``input:NAME``) or a missing-node placeholder, which have attributes
        (:meth:`attrs`) but no flow node."""
        self.check(node_id)
        node = flow_node(self.graph, node_id)  # (read by number: no attribute dict is made)
        if node is None:
            attrs = node_attrs(self.graph, node_id)
            raise NotAFlowNodeError(node_id, str(attrs.get("role")), attrs.get("name"))
        return node

    def timing(self, node_id: str) -> Timing | None:
        """The queue, run and total seconds of the node's own job, when the bundle holds it
        (None otherwise, and for inputs and placeholders)."""
        self.check(node_id)
        timing: Timing | None = _head(self.graph, node_id, "timing")
        return timing

    @cached_property
    def nx(self) -> nx.DiGraph[str]:
        """The networkx ``DiGraph`` of the run with plain-data attributes (str, int, float,
        bool), built on first use from ``graph``: see :mod:`flowgraph._plain` (networkx is
        imported then, not before)."""
        from ._plain import plain

        return plain(self.graph)

    def error(self, node_id: str) -> NodeError | None:
        """The error and hint of the node's own job, when the bundle holds that job and it says
        something (None otherwise: no job yet, not loaded, no error; inputs and placeholders
        have none). :class:`~flowgraph.errors.NodeNotFoundError` for an id not in the graph.

        Node jobs come with ``flowgraph fetch --node-jobs`` (a bundle's ``nodeJobs``)."""
        self.check(node_id)
        node_jobs = self.job.node_jobs
        if not node_jobs:
            return None
        job_id = getattr(flow_node(self.graph, node_id), "job_id", None)
        child = node_jobs.get(job_id) if job_id is not None else None
        if child is None:
            return None
        error, hint = child.metadata.error, child.metadata.hint
        if not error and not hint:
            return None
        assert job_id is not None
        from ._nodejobs import NodeError

        return NodeError(node_id, job_id, child.status, error or None, hint or None)

    def errors(self) -> list[NodeError]:
        """:meth:`error` of every flow node that has one (templates left out), in flow order."""
        if not self.job.node_jobs:
            return []
        found = []
        for n, d in self.graph.nodes(data=True):
            if d.get("role") == "node" and n not in self.templates:
                e = self.error(n)
                if e is not None:
                    found.append((d.get("flow_index", 0), n, e))
        return [e for _, _, e in sorted(found, key=lambda t: (t[0], t[1]))]

    def cost(self) -> Cost:
        """What the run cost and where the figure comes from (see :class:`Cost`): the sum over
        its node jobs when the bundle holds any, else the job's own figure unless it is 0
        (a real workflow job bills 0; the cost sits on its node jobs)."""
        from ._nodejobs import run_cost

        core: Any = getattr(self.graph, "core", None)  # flow nodes by number: no dict each
        if core is None:
            nodes = self.graph.nodes(data=True)
            ran = ((n, d.get("job_id")) for n, d in nodes if d.get("role") == "node")
        else:
            ids, node, role = core.ids, core.node, core.role
            ran = ((ids[i], node[i].job_id) for i in core.live() if role[i] == "node")
        return run_cost(self.job, ran, self.templates)

    def attrs(self, node_id: str) -> NodeAttrs:
        """The attributes of a graph node (flow node, input or placeholder), typed."""
        self.check(node_id)
        return node_attrs(self.graph, node_id)

    def check(self, node_id: str) -> None:
        """Raise :class:`~flowgraph.errors.NodeNotFoundError` unless the graph has the node."""
        if node_id not in self.graph:
            raise NodeNotFoundError(node_id)

    @cached_property
    def body_templates(self) -> frozenset[str]:
        """Every loop body template (the nodes with a ``loop_template_of``; in a definition
        too)."""
        if self._body_templates is not None:
            return self._body_templates
        return frozenset(
            n for n, d in self.graph.nodes(data=True) if d.get("loop_template_of") is not None
        )

    @cached_property
    def copy_templates(self) -> Mapping[str, str]:
        """The template each loop copy stands for (a copy's ``template``), by copy id."""
        if self._copy_templates is not None:
            return self._copy_templates
        return {
            n: t for n, d in self.graph.nodes(data=True) if (t := d.get("template")) is not None
        }

    @cached_property
    def templates(self) -> frozenset[str]:
        """Loop body templates that loop copies stand for in a run (they stay ``skipped``)."""
        return frozenset() if self.job.definition else self.body_templates

    @cached_property
    def execution(self) -> Digraph:
        """The graph the run executes: ``graph`` without templates (in a definition, all of it)."""
        if not self.templates:
            return self.graph
        return self.graph.without(self.templates)


if not TYPE_CHECKING:  # (mypy reads the names from the imports above: typos stay errors)

    def __getattr__(name: str) -> Any:
        """``Cost`` and ``NodeError`` (:mod:`flowgraph._nodejobs`), imported when first asked for:
        two frozen dataclasses, ~2 ms of every process that never reads a node job."""
        if name in ("Cost", "NodeError"):
            from ._nodejobs import Cost, NodeError

            return Cost if name == "Cost" else NodeError
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
