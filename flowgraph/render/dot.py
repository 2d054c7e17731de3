"""The DOT writer: a scene as a ``graphviz.Digraph``; the only module that imports ``graphviz``.

It does so lazily, inside its functions, so that importing :mod:`flowgraph.render` stays cheap.
Untrusted text never becomes DOT syntax: ids are the scene's synthetic ones, every label,
tooltip and link goes through :mod:`flowgraph.render._quoting`, no DOT comment carries payload
text, and edges never use ports. Colours, shapes and edge styles are :mod:`.styles`'s.

>>> import flowgraph
>>> dot = to_dot(flowgraph.graph("examples/approval-parked.json"), highlight_blocked=True)
>>> print(dot.source.splitlines()[0])
digraph flowgraph {
>>> 'n0 [label="approve\\\\nuser-approval\\\\npending: waiting for a person' in dot.source
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._text import clean
from ._fold import SFDP_ABOVE
from ._quoting import dot_url, escape_dot
from .scene import MAX_COPIES, Box, Key, Scene, build_scene
from .styles import BLOCKED, CRITICAL, EDGE_STYLES, FONT, ROOT_CAUSE, STATES

if TYPE_CHECKING:
    import graphviz  # type: ignore[import-untyped]

    from .._graph import GraphData

__all__ = ["to_dot"]

_TIP = 300  # characters of one tooltip line
_BIG = 150  # boxes above which dot is asked for a quicker layout
#: Boxes above which edges are drawn straight: dot's spline router is quadratic-ish in the edges
#: of a rank and takes 3 of the 3.5 s of a collapsed 10k-node run (~1000 boxes); straight lines
#: take 0.4 s and stay readable left to right.
_STRAIGHT = 400


def _text(lines: Iterable[str], limit: int = 1000, left: bool = False) -> Any:
    """Label text: each line escaped; ``left`` ends every line with ``\\l`` (left-justified)."""
    import graphviz

    brk = "\\l" if left else "\\n"
    text = brk.join(escape_dot(line, limit, 3, brk) for line in lines)
    return graphviz.nohtml(text + brk if left and text else text)


def _node_attrs(box: Box) -> dict[str, Any]:
    style = STATES.get(box.state, STATES["unknown"])
    styles = ["filled"]
    if box.shape == "box":
        styles.append("rounded")
    if style.dashed:
        styles.append("dashed")
    lines = box.lines + ([box.note] if box.note else [])
    tooltip = [clean(line, _TIP, 1) for line in box.tooltip]
    attrs: dict[str, Any] = {
        "label": _text(lines),
        "shape": box.shape,
        "style": ",".join(styles),
        "fillcolor": style.fill,
        "color": style.stroke,
        "fontcolor": style.font,
        "tooltip": _text(tooltip[:20], 1500),
    }
    if box.output:
        attrs["peripheries"] = "2"
    if box.critical:
        attrs["color"], attrs["penwidth"] = CRITICAL, "3"
    if box.mark == "blocked":
        attrs["color"], attrs["penwidth"] = BLOCKED, "3"
    elif box.mark == "root":
        attrs["color"], attrs["penwidth"] = ROOT_CAUSE, "4"
    url = dot_url(box.url) if box.url else None
    if url is not None:
        attrs["URL"] = url
    return attrs


def _legend(scene: Scene) -> str | None:
    rows = []
    for name in scene.states:
        s = STATES[name]
        rows.append(
            f'<TR><TD BGCOLOR="{s.fill}" COLOR="{s.stroke}" BORDER="1" WIDTH="18">'
            f'</TD><TD ALIGN="LEFT">{s.label}</TD></TR>'
        )
    notes = []
    if scene.outputs:
        notes.append("double border: output of the run")
    seen = set()
    for kind in scene.kinds:
        words = EDGE_STYLES.get(kind, ({}, ""))[1]
        if words and words not in seen:
            seen.add(words)
            notes.append(words)
    if "critical" in scene.highlights:
        notes.append("thick blue: critical path")
    marks = {b.mark for b in scene.boxes}
    if "root" in marks:
        notes.append("thick red border: root cause of blocked nodes")
    if "blocked" in marks:
        notes.append("thick orange border: blocked")
    rows += [f'<TR><TD COLSPAN="2" ALIGN="LEFT">{note}</TD></TR>' for note in notes]
    if not rows:
        return None  # an empty flow: nothing to explain (and an empty TABLE is not valid)
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>>"
    )


def to_dot(
    g: GraphData,
    *,
    expand_loops: bool = False,
    highlight_critical: bool = False,
    highlight_blocked: bool = False,
    legend: bool = True,
    max_copies: int = MAX_COPIES,
    focus: str | None = None,
    depth: int | None = None,
    iteration: tuple[str, int] | None = None,
    job_ids: bool = True,
) -> graphviz.Digraph:
    """The picture of ``g`` as a ``graphviz.Digraph`` (``.source`` is the DOT text).

    ``expand_loops`` draws every loop copy (loops with more than ``max_copies`` copies stay
    collapsed); ``highlight_critical`` draws the critical path thick blue (nothing when the
    graph has a cycle); ``highlight_blocked`` outlines root causes thick red and blocked nodes
    orange, with a line saying why; ``legend`` adds the legend cluster; ``focus``, ``depth``,
    ``iteration`` and ``job_ids`` are :func:`~flowgraph.render.scene.build_scene`'s. A big
    picture (more than 150 boxes) asks ``dot`` for fewer layout passes, and above 400 boxes
    for straight edges, so that a collapsed 10k-node run renders in well under 3 s.

    >>> import flowgraph
    >>> dot = to_dot(flowgraph.graph("examples/foreach-failed.json"), legend=False)
    >>> "subgraph cluster_0" in dot.source and "2 ok / 1 failed" in dot.source
    True
    """
    import graphviz

    scene = build_scene(
        g,
        expand_loops=expand_loops,
        highlight_critical=highlight_critical,
        highlight_blocked=highlight_blocked,
        max_copies=max_copies,
        focus=focus,
        depth=depth,
        iteration=iteration,
        job_ids=job_ids,
    )
    dot = graphviz.Digraph(
        "flowgraph",
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "fontsize": "12",
            "label": _text(scene.title, left=True),
            "labelloc": "t",
            "labeljust": "l",
            "tooltip": _text(scene.title),
            "nodesep": "0.25",
            "ranksep": "0.45",
            "bgcolor": "white",
        },
        node_attr={"fontname": FONT, "fontsize": "10", "margin": "0.12,0.05"},
        edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7", "color": "#424242"},
    )
    if len(scene.boxes) > _BIG:  # fewer layout passes: a big picture in seconds, not minutes
        dot.graph_attr.update(nslimit="2", nslimit1="2", mclimit="0.3")
    if len(scene.boxes) > _STRAIGHT:
        dot.graph_attr.update(splines="line")
    if len(scene.boxes) > SFDP_ABOVE:  # dot would take minutes: sfdp, without clusters
        dot.graph_attr.update(layout="sfdp", overlap="prism", outputorder="edgesfirst")
    subs: dict[Key, Any] = {}
    for cl in scene.clusters:
        sub = graphviz.Digraph(cl.id)
        label, tooltip = _text(cl.lines, left=True), _text(cl.lines)
        if cl.kind == "subflow":  # a sub-workflow's own job: a double-lined box around it
            sub.attr(
                label=label,
                style="rounded,filled",
                fillcolor="#fffdf5",
                color="#8d6e63",
                penwidth="2",
                fontsize="11",
                tooltip=tooltip,
            )
        elif cl.kind == "loop":
            sub.attr(
                label=label,
                style="rounded,filled",
                fillcolor="#f5f7fa",
                color="#90a4ae",
                fontsize="11",
                tooltip=tooltip,
            )
        else:
            style = STATES.get(cl.state or "unknown", STATES["unknown"])
            sub.attr(
                label=label,
                style="rounded,dashed",
                color=style.stroke,
                fontsize="10",
                tooltip=tooltip,
            )
        subs[cl.key] = sub
    for box in scene.boxes:
        target = subs.get(box.cluster, dot) if box.cluster is not None else dot
        target.node(box.id, **_node_attrs(box))
    for cl in sorted(scene.clusters, key=lambda c: -c.depth):
        parent = subs.get(cl.parent, dot) if cl.parent is not None else dot
        parent.subgraph(subs[cl.key])
    table = _legend(scene) if legend else None
    if table is not None:
        with dot.subgraph(name="cluster_legend") as leg:
            leg.attr(label="legend", style="rounded", color="#b0bec5", fontsize="10")
            leg.node("legend", label=table, shape="plaintext", margin="0")
    for link in scene.links:
        attrs = dict(EDGE_STYLES.get(link.kind, ({}, ""))[0])
        label = link.label
        if label:
            attrs["label"] = _text([label], 200)
        if link.critical:
            attrs["color"], attrs["penwidth"] = CRITICAL, "3"
        dot.edge(link.source.id, link.target.id, **attrs)
    return dot
