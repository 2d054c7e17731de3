"""Node-link JSON of a graph (``flowgraph render --format json``): plain, sorted, diffable.

>>> import flowgraph
>>> doc = node_link(flowgraph.graph({"jobId": "j", "metadata": {"flow": [
...     {"id": "a", "type": "model"}, {"id": "b", "dependsOn": ["a"]}]}}))
>>> doc["directed"], doc["edges"]
(True, [{'source': 'a', 'target': 'b', 'kind': 'depends_on', 'kinds': ['depends_on'], \
'inputs': []}])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["node_link"]

_NODE_KEYS = (
    "role",
    "type",
    "status",
    "model_id",
    "workflow_id",
    "job_id",
    "loop_node_id",
    "iteration_index",
    "template",
    "loop_template_of",
    "iterations",
    "output",
    "duplicate_of",
    "name",
)


def node_link(g: GraphData) -> dict[str, Any]:
    """``{"directed": true, "job": {...}, "nodes": [...], "edges": [...]}`` sorted by id,
    JSON-ready (``directed`` as networkx's node-link format says it: edges go one way)."""
    graph = g.graph
    nodes = []
    for n in sorted(graph):
        d = graph.nodes[n]
        item: dict[str, Any] = {"id": n}
        for key in _NODE_KEYS:
            if key in d:
                item[key] = d[key]
        timing = d.get("timing")
        if timing is not None:
            item["queue"], item["run"], item["total"] = timing.queue, timing.run, timing.total
        nodes.append(item)
    edges = []
    for u, v in sorted(graph.edges):
        d = graph.edges[u, v]
        edge = {
            "source": u,
            "target": v,
            "kind": d["kind"],
            "kinds": list(d["kinds"]),
            "inputs": list(d["inputs"]),
        }
        if "equal" in d:
            edge["equal"] = d["equal"]
        edges.append(edge)
    job = g.job
    return {
        "directed": True,
        "job": {"id": job.job_id, "status": job.status, "definition": job.definition},
        "nodes": nodes,
        "edges": edges,
    }
