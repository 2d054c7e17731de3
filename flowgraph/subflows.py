"""Sub-workflows: the graph of a ``workflow`` node's own workflow job, when the bundle holds it.

``flowgraph fetch --node-jobs`` loads a ``workflow`` node's child workflow job with its flow, as a
nested bundle (``nodeJobs[childJobId]`` with its own ``nodeJobs``) or flat (the child's node jobs
beside the parent's): :func:`child_graph` builds that flow's graph once, of the parent's class,
with the parent's node jobs filling in what a flat bundle keeps there. Depth is bounded by
:data:`~flowgraph.config.DEFAULT_BUNDLE_DEPTH` levels below the run, and a job that contains
itself (a child whose flow names an ancestor's job) has no child graph: every view that goes
inside (``blocked``, ``show``, ``render``, the critical path) stays finite. A child job that
does not name its workflow gets its node's ``workflowId`` (resuming a gate in it needs it).

Inside ids are paths: ``brand/artDirectorOK`` is the node ``artDirectorOK`` of the sub-workflow
node ``brand`` (:func:`resolve` walks them; a real id with a ``/`` in it wins).

>>> import flowgraph
>>> fg = flowgraph.graph({"job": {"jobId": "j", "status": "in-progress", "metadata": {"flow": [
...     {"id": "brand", "type": "workflow", "status": "processing", "jobId": "c"}]}},
...     "nodeJobs": {"c": {"jobId": "c", "status": "in-progress", "metadata": {"flow": [
...     {"id": "ok", "type": "user-approval", "status": "pending"}]}}}})
>>> sorted(child_graph(fg, "brand").graph)
['ok']
>>> g, inner = resolve(fg, "brand/ok")
>>> (g.job.job_id, inner)
('c', 'ok')
"""

from __future__ import annotations

from typing import TypeVar

from ._graph import GraphData, flow_node
from .builder import build_graph
from .config import DEFAULT_BUNDLE_DEPTH
from .model import replace

__all__ = ["child_graph", "children", "resolve"]

G = TypeVar("G", bound=GraphData)

_KEY = "_subflows"  # the cache in a graph's __dict__: node id -> child graph or None
_CHAIN = "_subflow_chain"  # the job ids from the run down to this graph


def child_graph(g: G, node_id: str) -> G | None:
    """The graph of the sub-workflow node ``node_id``'s child job (None when ``node_id`` is not a
    ``workflow`` node, the bundle does not hold its job with a flow, the job contains itself, or
    the run is already :data:`~flowgraph.config.DEFAULT_BUNDLE_DEPTH` levels deep)."""
    cache: dict[str, G | None] = g.__dict__.setdefault(_KEY, {})  # built as type(g)
    if node_id in cache:
        return cache[node_id]
    cache[node_id] = None
    node = flow_node(g.graph, node_id)
    job_id = node.job_id if node is not None and node.type == "workflow" else None
    chain: tuple[str, ...] = g.__dict__.get(_CHAIN, (g.job.job_id,))
    job = g.job.node_jobs.get(job_id) if isinstance(job_id, str) else None
    if job is None or not job.flow or job.job_id in chain or len(chain) > DEFAULT_BUNDLE_DEPTH:
        return None
    shared = {k: v for k, v in g.job.node_jobs.items() if k != job_id}  # a flat bundle's
    if shared:
        job = replace(job, node_jobs={**shared, **job.node_jobs})
    workflow = node.workflow_id if node is not None else None
    if job.metadata.workflow_id is None and workflow:  # its node says which workflow it runs
        job = replace(job, metadata=replace(job.metadata, workflow_id=workflow))
    child = build_graph(job, type(g))
    child.__dict__[_CHAIN] = (*chain, job.job_id)
    cache[node_id] = child
    return child


def children(g: G) -> dict[str, G]:
    """Every sub-workflow node of ``g`` whose child graph the bundle holds, in id order."""
    out: dict[str, G] = {}
    for n in sorted(g.graph):
        if g.graph.nodes[n].get("type") == "workflow":
            child = child_graph(g, n)
            if child is not None:
                out[n] = child
    return out


def resolve(g: G, path: str) -> tuple[G, str] | None:
    """``(graph, node id)`` of ``path``: a node of ``g`` as it is, else ``parent/child`` inside
    a sub-workflow (parents may have ``/`` in their ids); None when nothing matches."""
    if path in g.graph:
        return g, path
    head, sep, rest = path.partition("/")
    while sep:
        inner = child_graph(g, head) if head in g.graph else None
        if inner is not None:
            found = resolve(inner, rest)
            if found is not None:
                return found
        more, sep, rest = rest.partition("/")
        head = f"{head}/{more}"
    return None
