"""What a picture shows: boxes, loop clusters, folded links, states and highlights; no Graphviz.

:func:`build_scene` decides; :func:`flowgraph.render.dot.to_dot` and
:func:`flowgraph.render.mermaid.to_mermaid` draw the result. Boxes get synthetic ids (``n0``,
``n1``... in sorted order of node ids) and clusters ``cluster_0``...: no payload text is ever an
id. Each for-each is a cluster; collapsed (default) to one box per body template with per-state
counts (``2 ok / 1 failed``) and the failed iterations named; ``expand_loops=True`` draws every
copy inside one cluster per iteration (loops with more than ``max_copies`` copies stay
collapsed); nested loops nest. Outputs of the run have a double border.

>>> import flowgraph
>>> scene = build_scene(flowgraph.graph("examples/foreach-failed.json"))
>>> for box in scene.boxes[:3]:
...     print(box.id, box.node, box.state)
n0 contact-sheet blocked
n1 each-style failure
n2 input:subject input
>>> [line for b in scene.boxes if b.node == "render" for line in b.lines]
['render', 'custom-model: model_sdxl-styles', '2 ok / 1 failed', 'failed: iteration 1']
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .._graph import adjacency
from .._text import clean
from ..critical import critical_path
from ..errors import FlowgraphError
from ..focus import around, iteration_nodes
from ..subflows import children
from ..vocab import EDGE_KINDS
from ._fold import fold_finished
from ._labels import LINE, Labels, id_line, title
from ._loops import Families, Key, has_body_pred
from ._parts import Box, Cluster, Link
from .styles import STATES, shape_of

if TYPE_CHECKING:
    from .._graph import GraphData, Nodes

__all__ = ["MAX_COPIES", "Box", "Cluster", "Key", "Link", "Scene", "build_scene"]

#: Loops with more copies than this stay collapsed even with ``expand_loops=True``.
MAX_COPIES = 300


@dataclass
class Scene:
    """What a picture shows, sorted: boxes (ids ``n0``...), clusters, links, legend entries."""

    title: list[str]
    boxes: list[Box]
    clusters: list[Cluster]
    links: list[Link]
    states: list[str]
    kinds: list[str]
    outputs: bool
    highlights: list[str]


def build_scene(
    g: GraphData,
    *,
    expand_loops: bool = False,
    highlight_critical: bool = False,
    highlight_blocked: bool = False,
    max_copies: int = MAX_COPIES,
    focus: str | None = None,
    depth: int | None = None,
    job_ids: bool = True,
    iteration: tuple[str, int] | None = None,
) -> Scene:
    """Decide what the picture of ``g`` shows (see the module's text for the options).

    A sub-workflow node whose child job the bundle holds is drawn in a cluster with the child's
    own picture (its boxes' nodes are paths, ``brand/logo``); how deep that goes is
    :func:`~flowgraph.subflows.child_graph`'s bound. ``iteration`` (``(loop, K)``) draws the copies
    of that one iteration (:func:`flowgraph.focus.iteration_nodes`) in its own cluster inside
    the collapsed loop.

    ``focus`` draws only the boxes of that node, what it depends on and what depends on it
    (at most ``depth`` steps out; :func:`flowgraph.focus.around`), and says so in the title;
    ``job_ids=False`` leaves job ids out of the title and tooltips (a snapshot of the picture
    that two runs of one workflow share).
    """
    fam = Families(g, expand_loops, max_copies)
    labels = Labels(g, fam.path, highlight_blocked, job_ids=job_ids)
    rep, boxes = _boxes(g, fam, labels)
    heading = title(g.job, job_ids=job_ids)
    opened: list[Key] = []
    if iteration is not None:
        for m in iteration_nodes(g, *iteration):
            if rep.get(m) != ("0", m) or ("0", m) not in boxes:
                rep[m] = ("0", m)
                boxes[("0", m)] = _single(labels, m)
                opened.append(("0", m))
    if focus is not None:
        keep = around(g, focus, depth)
        for key in [k for k, b in boxes.items() if not keep.intersection(b.members)]:
            del boxes[key]
        rep = {n: (k if k in boxes else None) for n, k in rep.items()}
        steps = "" if depth is None else f", at most {depth} step(s) out"
        heading.append(clean(f"focus: {focus} and what it depends on or feeds{steps}", 120, 1))
    clusters: dict[Key, Cluster] = {}
    for bkey in sorted(boxes):
        box = boxes[bkey]
        if box.kind == "group":
            box.cluster = _ensure(fam, clusters, ("loop", bkey[1]))
        elif box.node is not None:
            box.cluster = _ensure(fam, clusters, fam.container(box.node))
    if iteration is not None:
        home = _ensure(fam, clusters, fam.iteration_key(*iteration))
        for key in opened:
            boxes[key].cluster = home
    links = _links(g, rep, boxes)
    same = {  # sub-workflows: each child job drawn with these, in a cluster with its node
        "expand_loops": expand_loops,
        "highlight_critical": highlight_critical,
        "highlight_blocked": highlight_blocked,
        "max_copies": max_copies,
        "job_ids": job_ids,
    }
    for n, child in children(g).items():
        if rep.get(n) == ("0", n) and ("0", n) in boxes:
            _nest(n, child, (boxes, clusters, links), same)

    folded = fold_finished(boxes, links)
    if folded is not None:
        heading.append(folded[0])
        rep = {n: folded[1].get(k, k) if k is not None else None for n, k in rep.items()}

    ordered = [boxes[k] for k in sorted(boxes)]
    for i, box in enumerate(ordered):
        box.id = f"n{i}"
    ordered_clusters = sorted(clusters.values(), key=lambda c: c.key)
    for i, cl in enumerate(ordered_clusters):
        cl.id = f"cluster_{i}"
        cl.depth = _depth(cl, clusters)
    index = {b.key: i for i, b in enumerate(ordered)}
    ordered_links = sorted(
        links.values(), key=lambda lk: (index[lk.source.key], index[lk.target.key])
    )

    highlights = []
    if highlight_blocked and labels.blocked:
        highlights.append("blocked")
        for box in ordered:
            box.mark, box.note = labels.mark(box.members) or (None, None)
    if highlight_critical and _critical(g, rep, boxes, links):
        highlights.append("critical")

    states = {b.state for b in ordered}
    kinds = {lk.kind for lk in ordered_links}
    return Scene(
        title=heading,
        boxes=ordered,
        clusters=ordered_clusters,
        links=ordered_links,
        states=[s for s in STATES if s in states],
        kinds=[k for k in EDGE_KINDS if k in kinds],
        outputs=any(b.output for b in ordered),
        highlights=highlights,
    )


def _boxes(
    g: GraphData, fam: Families, labels: Labels
) -> tuple[dict[str, Key | None], dict[Key, Box]]:
    """Which box stands for each node (``None``: not drawn), and the boxes."""
    nodes = labels.nodes
    rep: dict[str, Key | None] = {}
    folds: dict[str, list[str]] = defaultdict(list)
    groups: dict[Key, list[str]] = defaultdict(list)
    for n in sorted(g.graph):
        r = fam.root.get(n)
        d = nodes[n]
        if r is None or not fam.copies_in[r]:
            rep[n] = ("0", n)
        elif fam.expanded[r]:  # every copy drawn; the templates they stand for are not
            rep[n] = None if d.get("loop_node_id") is None and n != r else ("0", n)
        elif d.get("loop_node_id") is None:
            rep[n] = ("0", n)
        elif d.get("template") in g.graph and fam.root.get(d["template"]) == r:
            rep[n] = ("0", d["template"])
            folds[d["template"]].append(n)
        else:
            group: Key = ("1", r, str(d.get("type") or ""))
            rep[n] = group
            groups[group].append(n)

    boxes: dict[Key, Box] = {}
    for n in sorted(g.graph):
        own = rep[n]
        if own is None or own != ("0", n) or own in boxes:
            continue
        r = fam.root.get(n)
        if (
            r is not None
            and fam.copies_in[r]
            and not fam.expanded[r]
            and n != r
            and nodes[n].get("loop_node_id") is None
        ):
            running = nodes[r].get("status") in ("pending", "processing") if r else False
            lines, tooltip, state = labels.fold(n, folds.get(n, []), running)
            members = list(folds.get(n, []))
            boxes[own] = Box(own, "fold", n, members, lines, state, _shape(nodes, n), tooltip)
        else:
            boxes[own] = _single(labels, n)
    for key, members in sorted(groups.items()):
        kind = key[2] or None
        lines, tooltip, state = labels.group(key[1], kind, members)
        boxes[key] = Box(key, "group", None, list(members), lines, state, shape_of(kind), tooltip)
    return rep, boxes


def _nest(
    n: str,
    child: GraphData,
    into: tuple[dict[Key, Box], dict[Key, Cluster], dict[tuple[Key, Key], Link]],
    options: dict[str, Any],
) -> None:
    """Put the picture of ``n``'s child job (drawn with the same ``options``), and ``n``'s own
    box, in a cluster of their own."""
    boxes, clusters, links = into
    job_ids = options["job_ids"]
    inner = build_scene(child, **options)
    home: Key = ("subflow", n)
    box = boxes[("0", n)]
    workflow = box.node and child.job.metadata.workflow_id
    lines = [clean(f"sub-workflow {n}", LINE, 2)]
    if job_ids:
        lines.append(clean(f"job {child.job.job_id}: {child.job.status or 'no status'}", LINE, 1))
    elif workflow:
        lines.append(clean(f"workflow {workflow}", LINE, 1))
    clusters[home] = Cluster(home, "subflow", lines, None, box.cluster)
    box.cluster = home

    def key(k: Key) -> Key:
        return ("sub", n, *k)

    for cl in inner.clusters:
        parent = key(cl.parent) if cl.parent is not None else home
        clusters[key(cl.key)] = Cluster(key(cl.key), cl.kind, cl.lines, cl.state, parent)
    for b in inner.boxes:
        b.key, b.cluster = key(b.key), key(b.cluster) if b.cluster is not None else home
        b.node = None if b.node is None else f"{n}/{b.node}"
        b.members = [f"{n}/{m}" for m in b.members]
        boxes[b.key] = b
    for lk in inner.links:
        links[(lk.source.key, lk.target.key)] = lk


def _shape(nodes: Nodes, n: str) -> str:
    return shape_of(nodes[n].get("type"))


def _single(labels: Labels, n: str) -> Box:
    """The box of a node drawn as itself: a flow node, a workflow input or a missing node."""
    d = labels.nodes[n]
    key = ("0", n)
    if d.get("role") == "input":
        lines = [id_line(str(d.get("name", n))), "workflow input"]
        return Box(key, "input", n, [n], lines, "input", "cds", labels.notes(n))
    if d.get("role") == "missing":
        lines = [id_line(n), "missing"]
        return Box(key, "missing", n, [n], lines, "missing", "box", labels.notes(n))
    lines, state = labels.node(n)
    tooltip, url, output = labels.notes(n), labels.url(n), bool(d.get("output"))
    return Box(key, "node", n, [n], lines, state, _shape(labels.nodes, n), tooltip, url, output)


def _ensure(fam: Families, clusters: dict[Key, Cluster], key: Key | None) -> Key | None:
    """``key``, after making its cluster and the clusters it sits in."""
    chain: list[Key] = []
    cur = key
    while cur is not None and cur not in clusters and cur not in chain:
        chain.append(cur)
        cur = fam.cluster_parent(cur)
    for k in reversed(chain):
        parent = fam.cluster_parent(k)
        kind, lines, state = fam.describe(k)
        clusters[k] = Cluster(k, kind, lines, state, parent if parent in clusters else None)
    return key


def _links(
    g: GraphData, rep: dict[str, Key | None], boxes: dict[Key, Box]
) -> dict[tuple[Key, Key], Link]:
    """The graph's edges folded onto the boxes (a real self-loop stays). Input names are
    gathered raw and cleaned once per link: thousands of copies' edges fold onto one link."""
    nodes, pred, succ = adjacency(g.graph)
    links: dict[tuple[Key, Key], Link] = {}
    raw: dict[tuple[Key, Key], set[str]] = {}
    light = {"iteration", "loop_body"}
    for u, out in succ.items():
        ru = rep[u]
        if ru is None:
            continue
        for v, d in out.items():
            rv = rep[v]
            if rv is None or (ru == rv and u != v):
                continue  # folded inside one box
            kinds = d.get("kinds") or (d.get("kind"),)
            if light.issuperset(kinds) and has_body_pred(nodes, pred, v):
                continue
            link = links.get((ru, rv))
            if link is None:
                link = links[(ru, rv)] = Link(boxes[ru], boxes[rv])
                raw[(ru, rv)] = set()
            link.kinds.update(k for k in kinds if k)
            raw[(ru, rv)].update(d.get("inputs", ()))
            if "equal" in d:
                equal = d["equal"]
                text = equal if isinstance(equal, str) else json.dumps(equal, sort_keys=True)
                link.equals.add(clean(text, LINE, 1))
    for key, link in links.items():
        link.inputs.update(clean(i, LINE, 1) for i in raw[key] if i)
    return links


def _depth(cl: Cluster, clusters: dict[Key, Cluster]) -> int:
    depth, cur, seen = 0, cl.parent, {cl.key}
    while cur is not None and cur in clusters and cur not in seen:
        seen.add(cur)
        depth += 1
        cur = clusters[cur].parent
    if cur is not None and cur in seen:
        cl.parent = None  # a loop that contains itself: hang it at the top
        return 0
    return depth


def _critical(
    g: GraphData,
    rep: dict[str, Key | None],
    boxes: dict[Key, Box],
    links: dict[tuple[Key, Key], Link],
) -> bool:
    """Mark the boxes and links of the critical path; False when there is none to show."""
    try:
        cp = critical_path(g)
    except FlowgraphError:
        return False  # a cycle: no critical path to show
    path: list[Key] = []
    for n in cp.nodes:
        key = rep.get(n)
        if key is not None and (not path or path[-1] != key):
            path.append(key)
    if len(path) < 2:
        return False
    for key in path:
        boxes[key].critical = True
        boxes[key].tooltip.append("on the critical path")
    for a, b in pairwise(path):
        if (a, b) in links:
            links[(a, b)].critical = True
    return True
