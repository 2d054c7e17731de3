"""What the HTML report knows about a run, as JSON-ready data (the page's embedded JSON block).

``job`` is ``show``'s header (``flowgraph show --json``'s ``job``, with ``statuses`` and the
wall-clock split as one line in ``time``); ``verdict`` is the show verdict: the ``next`` step,
the parked ``gates`` with the call that resumes each, and the ``blocked`` nodes with their root
causes and why. ``nodes`` maps every flow node to what ``flowgraph node --json`` says about it
(:func:`flowgraph.describe.describe_many`), plus the blocked message and assets as
``{"label", "url"}`` (``url`` only for an ``http(s)`` URL: nothing else becomes a link);
empty fields (None, ``[]``) are left out.
``critical`` is the critical path (nodes in order, weight, total). ``views`` say which drawn box
(``n0``..., the ids of :func:`flowgraph.render.scene.build_scene`) stands for which nodes, and
which cluster is which loop, for the collapsed picture and, when it differs, the expanded one.

Everything is sorted or in the graph's own order, and nothing reads the clock: the same run
gives the same data.

>>> import flowgraph
>>> data = report_data(flowgraph.graph("examples/approval-parked.json"))
>>> data["verdict"]["next"]["action"], [b["node"] for b in data["verdict"]["blocked"]]
('resolve-gate', ['approve', 'upscale', 'remove-bg'])
>>> data["nodes"]["upscale"]["blocked_by"], data["nodes"]["upscale"]["blocked_message"]
(['approve'], "waits for a gate parked for a person: 'approve'")
>>> "error" in data["nodes"]["upscale"], data["nodes"]["upscale"]["inputs"][1]
(False, {'name': 'scale', 'value': 2, 'ref': None, 'resolved': None})
>>> data["views"]["collapsed"]["boxes"]["n0"]
{'node': 'approve', 'members': ['approve'], 'loop': None}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resume import call_lines
from .._timetext import time_line
from ..blocked import blocked
from ..critical import critical_path
from ..describe import describe_many
from ..errors import FlowgraphError
from ..render._quoting import is_safe_url
from ..render.scene import Scene
from ..screen import show_data
from ..timeline import accounting

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["report_data", "view_of"]


def report_data(
    g: GraphData, expanded: Scene | None = None, collapsed: Scene | None = None
) -> dict[str, Any]:
    """The report's data (see the module doc); ``collapsed`` and ``expanded`` are the scenes
    the page draws (built here when not given; ``expanded`` None: no expanded picture)."""
    from ..render.scene import build_scene

    show = show_data(g)
    job = dict(show["job"])
    job["statuses"] = show["statuses"]
    job["time"] = time_line(accounting(g))
    items = blocked(g)
    ids = [n for n in g.graph if g.graph.nodes[n].get("node") is not None]
    infos = describe_many(g, ids)
    why = {b.node: b for b in items}
    nodes: dict[str, Any] = {}
    for info in infos:
        d = info.as_dict()
        node = g.node(info.id)
        d["assets"] = [_asset(a.asset_id, a.url) for a in node.assets]
        b = why.get(info.id)
        d["blocked_message"] = b.message if b is not None else None
        nodes[info.id] = _sparse(d)
    try:
        cp = critical_path(g)
        critical = {"nodes": cp.nodes, "weight": cp.weight, "total": cp.total}
    except FlowgraphError as e:  # a cycle: no critical path
        critical = {"nodes": [], "weight": None, "total": None, "note": str(e)}
    gates = [
        {"node": gate["node"], "reason": gate["reason"], "call": "\n".join(call_lines(gate))}
        for gate in show["gates"]
    ]
    views = {"collapsed": view_of(collapsed or build_scene(g))}
    if expanded is not None:
        views["expanded"] = view_of(expanded)
    return {
        "job": job,
        "verdict": {
            "next": show["next"],
            "gates": gates,
            "blocked": [
                {"node": b.node, "reason": b.reason, "causes": b.causes, "message": b.message}
                for b in items
            ],
            "errors": show["errors"],
        },
        "nodes": dict(sorted(nodes.items())),
        "critical": critical,
        "views": views,
    }


def view_of(scene: Scene) -> dict[str, Any]:
    """Which box stands for which flow nodes, and which cluster draws which loop."""
    boxes: dict[str, Any] = {}
    for b in scene.boxes:
        if not b.members:
            continue
        loop = b.cluster[1] if b.cluster is not None and b.cluster[0] == "loop" else None
        boxes[b.id] = {"node": b.node, "members": sorted(b.members), "loop": loop}
    return {"boxes": boxes, "loops": {c.id: c.key[1] for c in scene.clusters if c.kind == "loop"}}


def _sparse(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` without its empty fields (None, [], {}): the page reads a missing one as empty,
    and a 10k-node run's data is 40% smaller."""
    out = {k: v for k, v in d.items() if v is not None and v != [] and v != {}}
    timing = {k: v for k, v in d["timing"].items() if v is not None}
    if timing:
        out["timing"] = timing
    else:
        out.pop("timing", None)
    return out


def _asset(asset_id: str | None, url: str | None) -> dict[str, str | None]:
    label = asset_id or url or ""
    return {"label": label, "url": url.strip() if is_safe_url(url) and url else None}
