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
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import NodeNotFoundError
from .findings import Finding
from .model import FlowNode, Job

if TYPE_CHECKING:
    from .blocked import Blocked
    from .critical import CriticalPath
    from .builder import Loop
    from .summary import Summary

__all__ = ["FlowGraph"]


class FlowGraph:
    """The graph of one job. ``nx`` is the networkx ``DiGraph``; see :mod:`flowgraph.builder`
    for its node and edge attributes. Queries are methods; each delegates to a small module.

    Read ``nx`` freely, and copy it (``fg.nx.copy()``) to change it: the queries keep what they
    worked out (the graph without templates, its order) beside it."""

    def __init__(
        self,
        job: Job,
        graph: nx.DiGraph,
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
            f"<FlowGraph job={self.job.job_id!r} status={self.job.status!r} "
            f"nodes={self.nx.number_of_nodes()} edges={self.nx.number_of_edges()}>"
        )

    # -- lookups -----------------------------------------------------------------------------
    def node(self, node_id: str) -> FlowNode:
        """The flow node with this id (:class:`~flowgraph.errors.NodeNotFoundError` if none)."""
        attrs = self.nx.nodes.get(node_id)
        if attrs is None or attrs.get("node") is None:
            raise NodeNotFoundError(node_id)
        node: FlowNode = attrs["node"]
        return node

    def child(self, node_id: str) -> FlowGraph | None:
        """The graph of a sub-workflow node's own workflow job, when the bundle holds it.

        ``flowgraph fetch --node-jobs`` loads a ``workflow`` node's child workflow job with its
        flow (nested bundles, depth-limited); this builds that flow's graph, once.
        """
        node = self.node(node_id)
        if node.type != "workflow" or node.job_id is None:
            return None
        cache: dict[str, FlowGraph] = self.__dict__.setdefault("_children", {})
        if node_id not in cache:
            job = self.job.node_jobs.get(node.job_id)
            if job is None or not job.flow:
                return None
            from .builder import build

            cache[node_id] = build(job)
        return cache[node_id]

    def _check(self, node_id: str) -> None:
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
    def execution(self) -> nx.DiGraph:
        """The graph the run executes: ``nx`` without templates (in a definition, all of it)."""
        if not self.templates:
            return self.nx
        from .builder import without  # a real graph: walking a subgraph view is ~5x slower

        return without(self.nx, self.templates)

    # -- queries -----------------------------------------------------------------------------
    def upstream(self, node_id: str) -> list[str]:
        """Every node ``node_id`` depends on, directly or not (sorted ids)."""
        self._check(node_id)
        return sorted(nx.ancestors(self.nx, node_id))

    def downstream(self, node_id: str) -> list[str]:
        """Every node that depends on ``node_id``, directly or not (sorted ids)."""
        self._check(node_id)
        return sorted(nx.descendants(self.nx, node_id))

    def critical_path(self, weight: str = "auto") -> CriticalPath:
        """The longest chain of dependencies; see :func:`flowgraph.critical.critical_path`."""
        from .critical import critical_path

        return critical_path(self, weight)

    def blocked(self) -> list[Blocked]:
        """Nodes that cannot progress without outside action; see :mod:`flowgraph.blocked`."""
        from .blocked import blocked

        return blocked(self)

    def lint(self) -> list[Finding]:
        """Structural and data findings, worst first; see :mod:`flowgraph.lint`."""
        from .lint import lint

        return lint(self)

    def summary(self) -> Summary:
        """Counts per status and type, loops, outputs and cost; see :mod:`flowgraph.summary`."""
        from .summary import summarize

        return summarize(self)

    def snapshot(self, *, statuses: bool = False, copies: bool = False) -> str:
        """The canonical structure text; see :mod:`flowgraph.snapshot`."""
        from .snapshot import snapshot

        return snapshot(self, statuses=statuses, copies=copies)

    def to_dot(self, **options: Any) -> Any:
        """A ``graphviz.Digraph`` of the run; see :func:`flowgraph.draw.to_dot` for options."""
        from .draw import to_dot

        return to_dot(self, **options)

    def render(self, format: str = "svg", **options: Any) -> bytes:
        """The picture as bytes (svg, png, pdf through Graphviz's ``dot``; dot, mermaid, json
        as text); see :func:`flowgraph.draw.render`."""
        from .draw import render

        return render(self, format, **options)

    def to_mermaid(self, **options: Any) -> str:
        """Mermaid ``flowchart`` text; see :func:`flowgraph.mermaid.to_mermaid`."""
        from .mermaid import to_mermaid

        return to_mermaid(self, **options)

    def _repr_svg_(self) -> str:
        """Jupyter shows a FlowGraph as its (collapsed) picture."""
        return self.render("svg").decode("utf-8")

    def to_node_link(self) -> dict[str, Any]:
        """The node-link JSON of ``flowgraph render --format json``."""
        from .nodelink import node_link

        return node_link(self)
