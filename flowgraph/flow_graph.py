"""``FlowGraph``: a built job's networkx graph and the questions you can ask it.

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": [
...     {"id": "gen", "type": "model", "status": "success"},
...     {"id": "approve", "type": "user-approval", "status": "pending", "dependsOn": ["gen"]},
...     {"id": "upscale", "type": "model", "status": "pending", "dependsOn": ["approve"]}]}})
>>> [(b.node, b.reason, b.causes) for b in fg.blocked()]
[('approve', 'awaiting-approval', ['approve']), ('upscale', 'waiting-on-gate', ['approve'])]
>>> fg.critical_path().nodes
['gen', 'approve', 'upscale']
>>> fg.upstream("upscale")
['approve', 'gen']

A node's own error and hint come from its node job, and so does the run's cost (a bundle from
``flowgraph fetch --node-jobs``): ``fg.error(node_id)`` is a :class:`NodeError` or None,
``fg.errors()`` lists them all, ``fg.cost()`` is a :class:`Cost` that says where its figure
comes from. ``fg.node("input:idea")`` raises :class:`NotAFlowNodeError` (a
``NodeNotFoundError``): workflow inputs and missing-node placeholders are graph nodes with
attributes (``fg.attrs``) but no flow node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._graph import GraphData, NotAFlowNodeError, adjacency
from .blocked import Blocked, blocked
from .builder import build_graph
from .errors import NodeNotFoundError
from .model import Job
from .sources import load
from .subflows import child_graph, resolve

# The other queries' modules are imported where they are asked for (every command starts
# faster without the ones it does not use: ~25 ms of imports for `flowgraph blocked`).

if TYPE_CHECKING:
    from ._digraph import Digraph
    from ._nodejobs import Cost, NodeError
    from .changes import Diff
    from .critical import CriticalPath
    from .describe import NodeInfo
    from .findings import Finding
    from .focus import Chain
    from .summary import Summary
    from .timeline import Accounting, Timeline
    from .whatif import WhatIf

__all__ = ["Cost", "FlowGraph", "NodeError", "NotAFlowNodeError", "build", "diff", "graph"]


class FlowGraph(GraphData):
    """The graph of one job. ``nx`` is a networkx ``DiGraph`` with plain-data attributes (str,
    int, float, bool: networkx's writers take it), built on first use and yours to change; see
    :mod:`flowgraph.builder` for its node and edge attributes. The objects behind them are
    ``fg.node(id)`` (the flow node) and ``fg.timing(id)``. Queries are methods; each calls one
    query function (they take the graph's data, :class:`~flowgraph._graph.GraphData`, which
    this is) and reads flowgraph's own graph (``graph``, not for users), never ``nx``."""

    # -- lookups -----------------------------------------------------------------------------
    # node(), attrs(), error(), errors() and cost() come from GraphData
    def child(self, node_id: str) -> FlowGraph | None:
        """The graph of a sub-workflow node's own workflow job, when the bundle holds it.

        ``flowgraph fetch --node-jobs`` loads a ``workflow`` node's child workflow job with its
        flow (nested bundles, depth-limited); this builds that flow's graph, once
        (:func:`flowgraph.subflows.child_graph`). :class:`~flowgraph.errors.NodeNotFoundError`
        for an id not in the flow.
        """
        self.node(node_id)
        return child_graph(self, node_id)

    def describe(self, node_id: str) -> NodeInfo:
        """Everything about one node (:class:`~flowgraph.describe.NodeInfo`). ``parent/child``
        goes inside the sub-workflow node ``parent`` when the bundle holds its child job."""
        found = resolve(self, node_id)
        if found is None:
            raise NodeNotFoundError(node_id)
        g, inner = found
        from .describe import describe

        info = describe(g, inner)
        if g is not self:
            info.parent = node_id[: len(node_id) - len(inner) - 1]
            info.id = node_id
        return info

    # -- queries -----------------------------------------------------------------------------
    def upstream(self, node_id: str) -> list[str]:
        """Every node ``node_id`` depends on, directly or not (sorted ids)."""
        self.check(node_id)
        return sorted(_reachable(self.graph, node_id, up=True))

    def downstream(self, node_id: str) -> list[str]:
        """Every node that depends on ``node_id``, directly or not (sorted ids)."""
        self.check(node_id)
        return sorted(_reachable(self.graph, node_id, up=False))

    def around(self, node_id: str, depth: int | None = None) -> set[str]:
        """The node, what it depends on and what depends on it, ``depth`` steps out."""
        from .focus import around

        return around(self, node_id, depth)

    def path_through(self, node_id: str, weight: str = "auto") -> Chain:
        """The longest chain of dependencies through one node; see :mod:`flowgraph.focus`."""
        from .focus import path_through

        return path_through(self, node_id, weight)

    def critical_path(self, weight: str = "auto") -> CriticalPath:
        """The longest chain of dependencies; see :func:`flowgraph.critical.critical_path`."""
        from .critical import critical_path

        return critical_path(self, weight)

    def blocked(self) -> list[Blocked]:
        """Nodes that cannot progress without outside action; see :mod:`flowgraph.blocked`."""
        return blocked(self)

    def lint(self) -> list[Finding]:
        """Structural and data findings, worst first; see :mod:`flowgraph.lint`."""
        from .lint import lint

        return lint(self)

    def summary(self) -> Summary:
        """Counts per status and type, loops, outputs and cost; see :mod:`flowgraph.summary`."""
        from .summary import summarize

        return summarize(self)

    def time_accounting(self) -> Accounting:
        """The run's elapsed time split: running, queued only, gates, idle; see
        :mod:`flowgraph.timeline`."""
        from .timeline import accounting

        return accounting(self)

    def timeline(self) -> Timeline:
        """Every node's queued and running spans, and the gates' waits."""
        from .timeline import timeline

        return timeline(self)

    def what_if(self, changes: Mapping[str, float | str], queue: str = "keep") -> WhatIf:
        """The run with some nodes faster (``{"gen": 0.5}``: half the run time); see
        :mod:`flowgraph.whatif`."""
        from .whatif import what_if

        return what_if(self, changes, queue)

    def what_if_top(self, k: int = 10, queue: str = "keep") -> list[dict[str, Any]]:
        """The ``k`` nodes (or templates) whose 2x speed-up would shorten the run most."""
        from .whatif import top

        return top(self, k, queue)

    def snapshot(self, *, statuses: bool = False, copies: bool = False) -> str:
        """The canonical structure text; see :mod:`flowgraph.snapshot`."""
        from .snapshot import snapshot

        return snapshot(self, statuses=statuses, copies=copies)

    # -- pictures ----------------------------------------------------------------------------
    def to_dot(self, **options: Any) -> Any:
        """A ``graphviz.Digraph`` of the run; see :func:`flowgraph.render.dot.to_dot`."""
        from .render import to_dot  # here: every other command starts faster without render

        return to_dot(self, **options)

    def render(self, format: str = "svg", **options: Any) -> bytes:
        """The picture as bytes (svg, png, pdf through Graphviz's ``dot``; dot, mermaid, json
        as text); see :func:`flowgraph.render.render`."""
        from .render import render

        return render(self, format, **options)

    def to_mermaid(self, **options: Any) -> str:
        """Mermaid ``flowchart`` text; see :func:`flowgraph.render.mermaid.to_mermaid`."""
        from .render import to_mermaid

        return to_mermaid(self, **options)

    def _repr_svg_(self) -> str:
        """Jupyter shows a FlowGraph as its (collapsed) picture."""
        return self.render("svg").decode("utf-8")

    def to_html(self, **options: Any) -> str:
        """The run as one self-contained, offline HTML report (``flowgraph report``): the
        show verdict, the graph with pan, zoom, search and highlights, a node panel and the
        timeline; see :mod:`flowgraph.htmlreport`."""
        from .htmlreport import to_html

        return to_html(self, **options)

    def to_node_link(self) -> dict[str, Any]:
        """The node-link JSON of ``flowgraph render --format json``."""
        from .render import node_link

        return node_link(self)


def build(job: Job) -> FlowGraph:
    """The :class:`FlowGraph` of a loaded job (:func:`flowgraph.load`)."""
    return build_graph(job, FlowGraph)


def graph(source: Any) -> FlowGraph:
    """``build(load(source))``: the graph of a job from any source :func:`load` accepts."""
    if isinstance(source, FlowGraph):
        return source
    return build(load(source))


def diff(a: Any, b: Any, *, runs: bool = False) -> Diff:
    """What differs from ``a`` to ``b`` (anything :func:`graph` accepts); see
    :mod:`flowgraph.compare`.

    >>> d = diff("examples/timed-bundle.json", "examples/timed-bundle.json", runs=True)
    >>> d.empty, d.text()
    (True, 'no differences\\n')
    """
    from .compare import diff_graphs

    return diff_graphs(graph(a), graph(b), runs=runs)


def _reachable(g: Digraph, n: str, *, up: bool) -> set[str]:
    """Every node ``n`` depends on (``up``: its ancestors) or that depends on it (its
    descendants), ``n`` itself left out."""
    _, pred, succ = adjacency(g)
    step = pred if up else succ
    seen: set[str] = set()
    todo = list(step[n])
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += step[m]
    seen.discard(n)
    return seen


if not TYPE_CHECKING:  # (mypy reads the names from the imports above: typos stay errors)

    def __getattr__(name: str) -> Any:
        """``Cost`` and ``NodeError``, imported when first asked for (:mod:`flowgraph._graph`)."""
        if name in ("Cost", "NodeError"):
            from ._nodejobs import Cost, NodeError

            return Cost if name == "Cost" else NodeError
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
