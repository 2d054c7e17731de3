"""Mermaid ``flowchart`` text of a run: the scene of the Graphviz picture, for Markdown pages.

Ids are synthetic (``n0``... and ``c0``... for loop subgraphs); every label is a ``"..."``
string in which anything but letters, digits and plain punctuation is an entity code
(``#quot;``, ``#35;``...), so payload text can neither end a statement nor inject markup.
States are ``classDef`` colours (the same as :data:`flowgraph.render.styles.STATES`); loops are
``subgraph`` blocks, collapsed to one box per body template unless ``expand_loops``.

>>> import flowgraph
>>> text = to_mermaid(flowgraph.graph("examples/approval-parked.json"))
>>> print("\\n".join(text.splitlines()[:3]))
flowchart LR
  n0{{"approve<br/>user-approval<br/>pending: waiting for a person"}}
  n1("gen<br/>custom-model: model_flux-dev-product<br/>success")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._text import clean
from .scene import Box, Cluster, Scene, build_scene
from .styles import STATES

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["escape_mermaid", "to_mermaid"]

_PLAIN = frozenset(" _.,:/=+@!?*'()-")
_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}
#: Scene shape -> Mermaid node brackets (open, close); labels go between in quotes.
_SHAPES = {
    "box": ("(", ")"),
    "diamond": ("{", "}"),
    "parallelogram": ("[/", "/]"),
    "note": ("[\\", "\\]"),
    "octagon": ("{{", "}}"),
    "hexagon": ("{{", "}}"),
    "box3d": ("[[", "]]"),
    "folder": ("[/", "\\]"),
    "cds": (">", "]"),
    "ellipse": ("([", "])"),
}
_DOTTED = frozenset({"conditional", "depends_on", "iteration", "loop_body"})
_LIGHT = frozenset({"iteration", "loop_body"})


def escape_mermaid(text: object, max_length: int = 1000) -> str:
    """Text for the inside of a Mermaid ``"..."`` label: line breaks as ``<br/>``.

    >>> escape_mermaid('a"b <script> `x` #quot; end; click A call x()')
    'a#quot;b #lt;script#gt; #96;x#96; #35;quot#59; end#59; click A call x()'
    >>> escape_mermaid("line\\nbreak]) --> n9[x|y]")
    'line<br/>break#93;) --#gt; n9#91;x#124;y#93;'
    >>> escape_mermaid("a\\x00b\\x1b[31m %% c")
    'ab#91;31m #37;#37; c'
    """
    lines = clean(text, max_length, 5).split("\n")
    return "<br/>".join("".join(_char(ch) for ch in line) for line in lines)


def _char(ch: str) -> str:
    if ch.isalnum() or ch in _PLAIN:
        return ch
    return _ENTITIES.get(ch) or f"#{ord(ch)};"


def _node(box: Box) -> str:
    opening, closing = _SHAPES.get(box.shape, ("[", "]"))
    if box.kind == "missing":
        opening, closing = "[", "]"
    lines = box.lines + ([box.note] if box.note else [])
    label = "<br/>".join(escape_mermaid(line) for line in lines)
    return f'{box.id}{opening}"{label}"{closing}'


def to_mermaid(
    g: GraphData,
    *,
    expand_loops: bool = False,
    highlight_critical: bool = False,
    highlight_blocked: bool = False,
    focus: str | None = None,
    depth: int | None = None,
    iteration: tuple[str, int] | None = None,
) -> str:
    """The run as Mermaid ``flowchart LR`` text (deterministic, ends with a newline);
    ``focus`` and ``depth`` draw one node's neighbourhood (as in
    :func:`~flowgraph.render.scene.build_scene`).

    >>> import flowgraph
    >>> text = to_mermaid(flowgraph.graph("examples/foreach-failed.json"))
    >>> 'subgraph c0["for-each each-style<br/>collapsed: 6 copies"]' in text
    True
    >>> '2 ok / 1 failed<br/>failed: iteration 1' in text
    True
    """
    scene = build_scene(
        g,
        expand_loops=expand_loops,
        highlight_critical=highlight_critical,
        highlight_blocked=highlight_blocked,
        focus=focus,
        depth=depth,
        iteration=iteration,
    )
    out = ["flowchart LR"]
    by_cluster: dict[object, list[Box]] = {}
    for box in scene.boxes:
        by_cluster.setdefault(box.cluster, []).append(box)
    children: dict[object, list[Cluster]] = {}
    known = {cl.key for cl in scene.clusters}
    for cl in scene.clusters:
        children.setdefault(cl.parent if cl.parent in known else None, []).append(cl)
    ids = {cl.key: f"c{i}" for i, cl in enumerate(scene.clusters)}
    out += [f"  {_node(box)}" for box in by_cluster.get(None, [])]
    stack: list[tuple[Cluster | None, int]] = [(cl, 1) for cl in reversed(children.get(None, []))]
    while stack:
        item, depth = stack.pop()
        pad = "  " * depth
        if item is None:
            out.append(pad + "end")
            continue
        cl = item
        title = "<br/>".join(escape_mermaid(line) for line in cl.lines)
        out.append(f'{pad}subgraph {ids[cl.key]}["{title}"]')
        out += [f"{pad}  {_node(box)}" for box in by_cluster.get(cl.key, [])]
        stack.append((None, depth))
        stack += [(child, depth + 1) for child in reversed(children.get(cl.key, []))]
    light: list[str] = []
    for i, link in enumerate(scene.links):
        kind = link.kind
        arrow = "==>" if kind == "loop_result" else "-.->" if kind in _DOTTED else "-->"
        label = link.label
        text = f'|"{escape_mermaid(label, 200)}"|' if label else ""
        out.append(f"  {link.source.id} {arrow}{text} {link.target.id}")
        if kind in _LIGHT:
            light.append(str(i))
    if light:
        out.append(f"  linkStyle {','.join(light)} stroke:#b0bec5")
    for name in scene.states:
        s = STATES[name]
        dash = ",stroke-dasharray:4 3" if s.dashed else ""
        out.append(f"  classDef st_{name} fill:{s.fill},stroke:{s.stroke},color:{s.font}{dash}")
        members = [b.id for b in scene.boxes if b.state == name]
        out.append(f"  class {','.join(members)} st_{name}")
    return "\n".join(out + _highlights(scene)) + "\n"


#: ``--highlight``'s marks as Mermaid classes: the critical path, blocked nodes, root causes.
_MARKS = {
    "critical": "stroke:#d32f2f,stroke-width:4px",
    "blocked": "stroke:#ef6c00,stroke-width:3px,stroke-dasharray:6 3",
    "root": "stroke:#b71c1c,stroke-width:4px",
}


def _highlights(scene: Scene) -> list[str]:
    """The ``classDef``/``class``/``linkStyle`` lines of the scene's highlights."""
    out = []
    groups = {
        "critical": [b.id for b in scene.boxes if b.critical],
        "blocked": [b.id for b in scene.boxes if b.mark == "blocked"],
        "root": [b.id for b in scene.boxes if b.mark == "root"],
    }
    for name, members in groups.items():
        if members:
            out += [
                f"  classDef hl_{name} {_MARKS[name]}",
                f"  class {','.join(members)} hl_{name}",
            ]
    links = [str(i) for i, link in enumerate(scene.links) if link.critical]
    if links:
        out.append(f"  linkStyle {','.join(links)} stroke:#d32f2f,stroke-width:3px")
    return out
