"""How a picture looks: state colours, node shapes, edge styles and the words of counts.

One table per question, shared by the Graphviz picture (:mod:`flowgraph.render.dot`) and the
Mermaid text (:mod:`flowgraph.render.mermaid`):

* fill colour by state (:data:`STATES`): success green, failure red, processing blue, pending
  blue-grey, skipped pale and dashed, rejected purple, a gate waiting for a person amber, a node
  blocked by something upstream salmon, an unknown status neutral grey and dashed;
* shape by node type (:data:`SHAPES`): models are boxes, if/else a diamond, transform a
  parallelogram, list a note, approval an octagon, selection a hexagon, a sub-workflow a 3-D box,
  a for-each a folder; workflow inputs are arrows (``cds``), missing nodes dashed red boxes;
* edges by kind (:data:`EDGE_STYLES`): data solid with the input name, branch labelled with the
  case value, conditional dashed, ``dependsOn`` dotted, loop results bold grey, loop body and
  iterations light.

>>> STATES["failure"].fill, shape_of("logic"), shape_of("quantum-node"), shape_of(None)
('#ffcdd2', 'diamond', 'ellipse', 'box')
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "BLOCKED",
    "CRITICAL",
    "EDGE_STYLES",
    "FONT",
    "PRIORITY",
    "ROOT_CAUSE",
    "SHAPES",
    "STATES",
    "WORDS",
    "Style",
    "shape_of",
]

FONT = "Helvetica,Arial,sans-serif"
#: Border (and edge) colour of the critical path.
CRITICAL = "#0d47a1"
#: Border colour of a root cause of blocked nodes.
ROOT_CAUSE = "#d50000"
#: Border colour of a blocked node.
BLOCKED = "#ff6d00"


class Style(NamedTuple):
    """How one state is drawn: legend text, fill, border and font colours, dashed border."""

    label: str
    fill: str
    stroke: str
    font: str = "#212121"
    dashed: bool = False


#: Display states in legend order. ``gate`` is a gate parked for a person, ``blocked`` a node
#: that cannot progress (see :mod:`flowgraph.blocked`), ``unknown`` a status flowgraph does not
#: know, ``none`` no status at all (a workflow definition).
STATES: dict[str, Style] = {
    "success": Style("success", "#c8e6c9", "#2e7d32"),
    "failure": Style("failure", "#ffcdd2", "#c62828"),
    "processing": Style("processing", "#bbdefb", "#1565c0"),
    "pending": Style("pending", "#eceff1", "#78909c"),
    "skipped": Style("skipped", "#fafafa", "#bdbdbd", "#9e9e9e", True),
    "rejected": Style("rejected", "#e1bee7", "#6a1b9a"),
    "gate": Style("waiting for a person", "#ffe082", "#ff8f00"),
    "blocked": Style("blocked", "#ffccbc", "#d84315"),
    "unknown": Style("unknown status", "#d9d9d9", "#616161", "#212121", True),
    "none": Style("no status (definition)", "#ffffff", "#424242"),
    "input": Style("workflow input", "#e8eaf6", "#3949ab"),
    "missing": Style("missing node", "#ffffff", "#d32f2f", "#d32f2f", True),
}
#: Which state a box of many nodes shows: the first one present.
PRIORITY = (
    "failure",
    "rejected",
    "gate",
    "blocked",
    "processing",
    "pending",
    "unknown",
    "missing",
    "none",
    "input",
    "success",
    "skipped",
)
#: Status -> the word used in counts (``2 ok / 1 failed``).
WORDS = {
    "success": "ok",
    "failure": "failed",
    "rejected": "rejected",
    "processing": "running",
    "pending": "pending",
    "skipped": "skipped",
}

#: Node type -> Graphviz shape; other types are ellipses.
SHAPES = {
    "model": "box",
    "custom-model": "box",
    "generate-prompt": "box",
    "remove-background": "box",
    "logic": "diamond",
    "transform": "parallelogram",
    "list": "note",
    "user-approval": "octagon",
    "user-selection": "hexagon",
    "workflow": "box3d",
    "for-each": "folder",
}

_LIGHT = {"style": "dashed", "color": "#b0bec5", "arrowsize": "0.5"}
#: Edge kind -> Graphviz edge attributes, and the legend's words for it.
EDGE_STYLES: dict[str, tuple[dict[str, str], str]] = {
    "branch": (
        {"style": "solid", "color": "#6a1b9a", "fontcolor": "#6a1b9a"},
        "purple: if/else branch (label: case value)",
    ),
    "data": ({"style": "solid"}, "solid: reads an output (label: input)"),
    "item": ({"style": "solid"}, "solid: list item input (label: input)"),
    "conditional": ({"style": "dashed"}, "dashed: conditional (merge after a branch)"),
    "depends_on": ({"style": "dotted"}, "dotted: depends on"),
    "loop_result": ({"style": "bold", "color": "#9e9e9e"}, "bold grey: loop results"),
    "iteration": (dict(_LIGHT), "light: loop body and iterations"),
    "loop_body": (dict(_LIGHT), "light: loop body and iterations"),
}


def shape_of(node_type: object) -> str:
    """The shape of a box showing nodes of ``node_type``: a box when there is no type."""
    return "box" if node_type is None else SHAPES.get(str(node_type), "ellipse")
