"""How pictures look (flowgraph.render.styles): shapes by node type, edge styles by kind, the
legend, and tables that cover the vocabulary."""

from __future__ import annotations

from conftest import example
from picture_checks import box_of, run

import flowgraph
from flowgraph.render.dot import to_dot
from flowgraph.render.mermaid import _SHAPES as MERMAID_SHAPES
from flowgraph.render.scene import build_scene
from flowgraph.render.styles import EDGE_STYLES, PRIORITY, SHAPES, STATES, WORDS, shape_of
from flowgraph.vocab import EDGE_KINDS, NODE_STATUSES, NODE_TYPES


def test_shapes_by_type_and_edge_styles_by_kind() -> None:
    fg = run(
        [
            {"id": "p", "type": "generate-prompt", "status": "success"},
            {
                "id": "route",
                "type": "logic",
                "logicType": "if-else",
                "status": "success",
                "output": "if1",
                "logic": {"cases": [{"condition": "x", "value": "if1"}]},
                "inputs": [{"name": "text", "ref": {"node": "p"}}],
            },
            {
                "id": "t",
                "type": "transform",
                "status": "success",
                "inputs": [{"name": "v", "ref": {"node": "route", "equal": "if1"}}],
            },
            {
                "id": "l",
                "type": "list",
                "status": "success",
                "inputs": [{"name": "c", "ref": {"conditional": ["t"]}}],
            },
            {"id": "ok", "type": "user-approval", "status": "success", "dependsOn": ["l"]},
            {"id": "pick", "type": "user-selection", "status": "success", "dependsOn": ["ok"]},
            {
                "id": "sub",
                "type": "workflow",
                "workflowId": "wflow_sub",
                "status": "success",
                "dependsOn": ["pick"],
            },
            {"id": "odd", "type": "quantum-node", "status": "teleporting", "dependsOn": ["sub"]},
        ]
    )
    source = to_dot(fg, legend=False).source
    scene = build_scene(fg)
    shapes = {b.node: b.shape for b in scene.boxes}
    assert shapes == {
        "p": "box",
        "route": "diamond",
        "t": "parallelogram",
        "l": "note",
        "ok": "octagon",
        "pick": "hexagon",
        "sub": "box3d",
        "odd": "ellipse",
    }
    kinds = {(lk.source.node, lk.target.node): (lk.kind, lk.label) for lk in scene.links}
    assert kinds[("route", "t")] == ("branch", "if1")
    assert kinds[("t", "l")] == ("conditional", "c")
    assert kinds[("l", "ok")] == ("depends_on", "")
    assert kinds[("p", "route")] == ("data", "text")
    assert box_of(scene, "odd").state == "unknown"
    assert 'label=if1 color="#6a1b9a"' in source and "style=dashed" in source
    assert "style=dotted" in source


def test_legend_lists_only_what_the_picture_uses() -> None:
    scene = build_scene(flowgraph.graph(example("ifelse-skipped.json")))
    assert scene.states == ["success", "processing", "skipped", "input"]
    assert scene.kinds == ["branch", "data", "conditional"]
    legend = to_dot(flowgraph.graph(example("ifelse-skipped.json"))).source
    assert EDGE_STYLES["branch"][1] in legend and EDGE_STYLES["depends_on"][1] not in legend


def test_the_tables_cover_the_vocabulary() -> None:
    assert set(SHAPES) == NODE_TYPES  # every known type has its shape; others are ellipses
    assert set(EDGE_STYLES) == set(EDGE_KINDS)
    assert set(WORDS) == NODE_STATUSES and set(STATES) >= NODE_STATUSES
    assert set(PRIORITY) == set(STATES)
    drawn = {*SHAPES.values(), "cds", "ellipse"}  # + workflow inputs and unknown types
    assert drawn <= set(MERMAID_SHAPES)
    assert [shape_of(t) for t in ("logic", None, "quantum-node")] == ["diamond", "box", "ellipse"]
