"""The plain-data graph users get as ``fg.nx``: flowgraph's own graph with every attribute a
``str``, ``int``, ``float`` or ``bool``, which networkx's writers (GraphML, GEXF, node-link,
pydot) all accept.

flowgraph's own graph (:attr:`flowgraph._graph.GraphData.graph`) keeps model objects (the
``FlowNode``, its ``Timing``), ``None`` values and tuples, which the queries read; this copy
is built from it only when asked for. Node attributes are those of the own graph that are not
None, without ``node`` (``fg.node(id)``) and ``timing`` (``fg.timing(id)``), plus the timing's
``queue_seconds``, ``run_seconds`` and ``total_seconds`` when known. Edges keep ``kind``;
``kinds`` is joined with ``+`` (``data+depends_on``), ``inputs`` with ``,`` (``image,prompt``;
``""`` for none) and ``equal`` is the case value as is when a string, else its JSON text
(``1``, ``true``, ``{"a":1}``).

>>> from flowgraph._digraph import Digraph
>>> own = Digraph()
>>> own.add_node("a", role="node", type="model", status=None, iteration_index=None)
>>> own.add_edge("a", "b", kind="branch", kinds=("branch", "depends_on"), inputs=("x", "y"),
...     equal=1)
>>> g = plain(own)
>>> g.nodes["a"], g.edges["a", "b"]
({'role': 'node', 'type': 'model'}, {'kind': 'branch', 'kinds': 'branch+depends_on', \
'inputs': 'x,y', 'equal': '1'})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._digraph import networkx_graph
from .model import canonical_json

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["INPUTS_SEPARATOR", "KINDS_SEPARATOR", "plain"]

#: Joins an edge's ``kinds`` in the plain graph.
KINDS_SEPARATOR = "+"
#: Joins an edge's ``inputs`` (input names) in the plain graph.
INPUTS_SEPARATOR = ","

#: Node attributes of the own graph that are objects, not data: reached through ``fg.node``
#: and ``fg.timing`` instead.
_OBJECTS = frozenset({"node", "timing"})
_TIMING = (("queue_seconds", "queue"), ("run_seconds", "run"), ("total_seconds", "total"))


def _scalar(value: Any) -> str | int | float | bool:
    """A value as exactly a str, int, float or bool (writers look types up exactly)."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return canonical_json(value)


def _node(d: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: _scalar(v) for k, v in d.items() if v is not None and k not in _OBJECTS}
    timing = d.get("timing")
    if timing is not None:
        for key, attr in _TIMING:
            value = getattr(timing, attr, None)
            if value is not None:
                out[key] = float(value)
    return out


def _edge(d: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if v is None:
            continue
        if k == "kinds":
            out[k] = KINDS_SEPARATOR.join(map(str, v))
        elif k == "inputs":
            out[k] = INPUTS_SEPARATOR.join(map(str, v))
        elif k == "equal":
            out[k] = v if isinstance(v, str) else canonical_json(v)
        else:
            out[k] = _scalar(v)
    return out


def plain(graph: Any) -> nx.DiGraph[str]:
    """A new ``DiGraph`` with the nodes and edges of ``graph`` and plain attributes."""
    nodes = ((n, _node(d)) for n, d in graph.nodes(data=True))
    return networkx_graph(nodes, ((u, v, _edge(d)) for u, v, d in graph.edges(data=True)))
