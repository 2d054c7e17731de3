"""A picture over the box budget: finished stretches folded (``flowgraph.render._fold``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import flowgraph
from flowgraph.render import render
from flowgraph.render._fold import BOX_BUDGET, SFDP_ABOVE
from flowgraph.render.dot import to_dot
from flowgraph.render.scene import build_scene

SVG = "{http://www.w3.org/2000/svg}"


def lanes(n_lanes: int, length: int, *, stuck: bool = True) -> dict[str, Any]:
    """``n_lanes`` chains of ``length`` finished nodes, each ending in a pending node (``stuck``)."""
    flow: list[dict[str, Any]] = []
    for i in range(n_lanes):
        for j in range(length):
            flow.append({"id": f"l{i}-{j}", "type": "model", "status": "success",
                         "dependsOn": [f"l{i}-{j - 1}"] if j else []})
        if stuck:
            flow.append({"id": f"l{i}-end", "type": "model", "status": "pending",
                         "dependsOn": [f"l{i}-{length - 1}"]})
    return {"jobId": "big", "status": "in-progress", "metadata": {"flow": flow}}


def test_under_the_budget_nothing_is_folded() -> None:
    scene = build_scene(flowgraph.graph(lanes(10, 5)))
    assert len(scene.boxes) == 60 and not [b for b in scene.boxes if b.kind == "stretch"]


def test_finished_stretches_fold_into_one_box_each() -> None:
    fg = flowgraph.graph(lanes(4, 200))  # 804 boxes: over the budget of 700
    assert 4 * 201 > BOX_BUDGET
    scene = build_scene(fg)
    stretches = [b for b in scene.boxes if b.kind == "stretch"]
    assert [b.lines[0] for b in stretches] == ["200 finished nodes"] * 4
    assert stretches[0].lines[1:] == ["l0-0, l0-1, l0-10 ...", "all ok"]
    assert sorted(b.node for b in scene.boxes if b.kind == "node") == [
        "l0-end", "l1-end", "l2-end", "l3-end"]
    assert [(lk.source.lines[1][:4], lk.target.node) for lk in scene.links] == [
        ("l0-0", "l0-end"), ("l1-0", "l1-end"), ("l2-0", "l2-end"), ("l3-0", "l3-end")]
    assert scene.title[-1] == "folded: 800 finished nodes into 4 boxes (over 700 boxes)"
    svg = ET.fromstring(render(fg, "svg"))  # the real dot, in well under a second
    drawn = [g for g in svg.iter(SVG + "g") if g.get("class") == "node"]
    assert len(drawn) == 9  # 4 stretches, 4 pending nodes, the legend


def test_the_critical_path_runs_through_a_folded_stretch() -> None:
    scene = build_scene(flowgraph.graph(lanes(4, 200)), highlight_critical=True)
    marked = sorted(b.lines[0] if b.kind == "stretch" else b.node for b in scene.boxes
                    if b.critical)
    assert marked == ["200 finished nodes", "l0-end"]


def test_still_too_many_boxes_for_dot_switches_to_sfdp() -> None:
    wide = {"jobId": "w", "status": "in-progress", "metadata": {"flow": [  # chains of 3, pending
        {"id": f"n{i}", "type": "model", "status": "pending",
         "dependsOn": [f"n{i - 1}"] if i % 3 else []} for i in range(SFDP_ABOVE + 1)]}}
    source = to_dot(flowgraph.graph(wide), legend=False).source
    assert "layout=sfdp" in source
    svg = ET.fromstring(render(flowgraph.graph(wide), "svg", legend=False))  # real sfdp
    assert len([g for g in svg.iter(SVG + "g") if g.get("class") == "node"]) == SFDP_ABOVE + 1
    assert "layout=sfdp" not in to_dot(flowgraph.graph(lanes(4, 200))).source
