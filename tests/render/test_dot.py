"""Pictures (flowgraph.draw, flowgraph.dot_exec, flowgraph.quoting): the DOT structure, real SVGs
of every example and fixture, loops, highlights, determinism, the reliability cases 30-37
(hostile text never changes the graph, nothing executable reaches the SVG, no or a hanging
``dot``) and a 10,000-node run."""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowgraph
from flowgraph.dot_exec import INSTALL_HINT, dot_command, run_dot
from flowgraph.draw import EDGE_STYLES, STATES, build_scene, render, to_dot
from flowgraph.errors import ExecutableNotFoundError, RenderError
from flowgraph.mermaid import to_mermaid
from tests.conftest import EXAMPLES, FIXTURES, example, fixture

SVG = "{http://www.w3.org/2000/svg}"
RUNS = sorted(EXAMPLES.glob("*.json")) + sorted(FIXTURES.glob("*.json"))
ALL_ON = {"highlight_critical": True, "highlight_blocked": True}


# -- helpers ----------------------------------------------------------------------------------
def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def title(g: ET.Element) -> str:
    el = g.find(f"{SVG}title")
    return "" if el is None else "".join(el.itertext())


def texts(g: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    """Node groups by their DOT id (the SVG ``<title>``)."""
    return {title(g): g for g in groups(root, "node")}


_SHAPES = (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")


def fills(g: ET.Element) -> set[str]:
    return {el.get("fill", "") for el in g.iter() if el.tag in _SHAPES}


def strokes(g: ET.Element) -> set[str]:
    return {el.get("stroke", "") for el in g.iter() if el.tag in _SHAPES}


def box_of(scene: Any, node: str) -> Any:
    return next(b for b in scene.boxes if b.node == node)


def assert_safe_svg(data: bytes) -> ET.Element:
    """Well-formed XML with nothing executable: no script, image, on* or non-http link.

    Hostile text may show as text (a label that reads ``javascript:``), never as a link."""
    root = ET.fromstring(data)
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        assert tag not in {"script", "image", "foreignobject", "iframe", "object", "embed"}
        for name, value in el.attrib.items():
            local = name.split("}")[-1].lower()
            assert not local.startswith("on"), (name, value)
            if local == "href":
                assert re.match(r"https?://", value), value
            if local != "title":
                assert "javascript:" not in value.lower() and "data:" not in value.lower()
    return root


_LINE = re.compile(
    r"digraph flowgraph \{|\t+(graph|node|edge) \[.*\]|\t+subgraph cluster_\w+ \{|\t*\}"
    r"|\t+(n\d+|legend) \[.*\]|\t+n\d+ -> n\d+( \[.*\])?|\t+\w+=.*"
)


def assert_dot_structure(source: str, nodes: int, edges: int) -> None:
    """Every line of the DOT text is one statement of a known form: synthetic ids, no ports,
    no comments; the numbers of node and edge statements are as expected."""
    lines = source.rstrip("\n").split("\n")  # DOT's own line ends, not str.splitlines()
    for line in lines:
        assert _LINE.fullmatch(line), line
        assert not line.lstrip().startswith(("//", "#", "/*")), line
    assert sum(bool(re.match(r"\t+n\d+ \[", line)) for line in lines) == nodes
    assert sum(bool(re.match(r"\t+n\d+ -> n\d+", line)) for line in lines) == edges
    assert "image=" not in source and "shapefile" not in source.lower()


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same payload with every dict's keys and the flow list in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        out = {}
        for key, item in items:
            item = shuffled(item, rng)
            if key == "flow" and isinstance(item, list):
                item = list(item)
                rng.shuffle(item)
            out[key] = item
        return out
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def run(flow: list[dict[str, Any]], **job: Any) -> flowgraph.FlowGraph:
    data = {"jobId": "job_t", "jobType": "workflow", "status": "in-progress", **job,
            "metadata": {"flow": flow, **job.pop("metadata", {})}}
    return flowgraph.graph(data)


# -- every example and fixture, drawn for real ------------------------------------------------
@pytest.mark.dot
@pytest.mark.parametrize("expand", [False, True], ids=["collapsed", "expanded"])
@pytest.mark.parametrize("path", RUNS, ids=[p.name for p in RUNS])
def test_every_run_renders_a_safe_svg_with_the_scene(path: Path, expand: bool) -> None:
    fg = flowgraph.graph(path)
    scene = build_scene(fg, expand_loops=expand, **ALL_ON)
    dot = to_dot(fg, expand_loops=expand, **ALL_ON)
    assert_dot_structure(dot.source, len(scene.boxes), len(scene.links))
    root = assert_safe_svg(render(fg, "svg", expand_loops=expand, **ALL_ON))
    assert len(groups(root, "node")) == len(scene.boxes) + 1  # + the legend
    assert len(groups(root, "edge")) == len(scene.links)
    assert len(groups(root, "cluster")) == len(scene.clusters) + 1
    nodes = by_id(root)
    for box in scene.boxes:
        first = box.lines[0].split("\n")[0]
        assert first in texts(nodes[box.id]), (box.id, first)
        assert STATES[box.state].fill in fills(nodes[box.id])


EXPECTED = {  # (file, expand_loops): (drawn nodes, drawn edges, clusters)
    ("approval-parked.json", False): (7, 7, 0),
    ("foreach-failed.json", False): (6, 6, 1),
    ("foreach-failed.json", True): (10, 14, 4),
    ("ifelse-skipped.json", False): (6, 6, 0),
    ("nested-loops.json", False): (6, 7, 2),
    ("nested-loops.json", True): (11, 16, 9),
    ("hostile-ids.json", False): (15, 14, 0),
    ("broken.json", False): (12, 7, 0),
    ("new-enums.json", False): (5, 2, 0),
}


@pytest.mark.parametrize(("name", "expand"), sorted(EXPECTED), ids=lambda v: str(v))
def test_drawn_counts(name: str, expand: bool) -> None:
    path = EXAMPLES / name if (EXAMPLES / name).exists() else FIXTURES / name
    scene = build_scene(flowgraph.graph(path), expand_loops=expand)
    assert (len(scene.boxes), len(scene.links), len(scene.clusters)) == EXPECTED[name, expand]


# -- what the picture shows -------------------------------------------------------------------
@pytest.mark.dot
def test_approval_parked_colours_shapes_legend_and_links() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    scene = build_scene(fg)
    root = assert_safe_svg(render(fg, "svg"))
    nodes = by_id(root)
    approve = nodes[box_of(scene, "approve").id]
    assert "waiting for a person" in " ".join(texts(approve))
    assert STATES["gate"].fill in fills(approve)
    assert STATES["success"].fill in fills(nodes[box_of(scene, "gen").id])
    assert STATES["blocked"].fill in fills(nodes[box_of(scene, "upscale").id])
    assert STATES["input"].fill in fills(nodes[box_of(scene, "input:idea").id])
    # the gen node links to its first asset; nothing else links anywhere
    hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href")]
    assert hrefs == ["https://cdn.cloud.scenario.com/assets/asset_a1.png"]
    # outputs have a double border: two outlines
    remove_bg = nodes[box_of(scene, "remove-bg").id]
    assert len([el for el in remove_bg.iter(f"{SVG}path")]) >= 2
    legend = [c for c in groups(root, "cluster") if title(c) == "cluster_legend"]
    assert len(legend) == 1
    words = " ".join(texts(nodes["legend"]))
    for name in ("success", "waiting for a person", "blocked", "workflow input"):
        assert name in words
    # edge labels are the input names
    edge_text = [" ".join(texts(e)) for e in groups(root, "edge")]
    assert sorted(t for t in edge_text if t) == ["idea", "image", "image", "images", "prompt",
                                                 "style"]


def test_shapes_by_type_and_edge_styles_by_kind() -> None:
    fg = run([
        {"id": "p", "type": "generate-prompt", "status": "success"},
        {"id": "route", "type": "logic", "logicType": "if-else", "status": "success",
         "output": "if1", "logic": {"cases": [{"condition": "x", "value": "if1"}]},
         "inputs": [{"name": "text", "ref": {"node": "p"}}]},
        {"id": "t", "type": "transform", "status": "success",
         "inputs": [{"name": "v", "ref": {"node": "route", "equal": "if1"}}]},
        {"id": "l", "type": "list", "status": "success",
         "inputs": [{"name": "c", "ref": {"conditional": ["t"]}}]},
        {"id": "ok", "type": "user-approval", "status": "success", "dependsOn": ["l"]},
        {"id": "pick", "type": "user-selection", "status": "success", "dependsOn": ["ok"]},
        {"id": "sub", "type": "workflow", "workflowId": "wflow_sub", "status": "success",
         "dependsOn": ["pick"]},
        {"id": "odd", "type": "quantum-node", "status": "teleporting", "dependsOn": ["sub"]},
    ])
    source = to_dot(fg, legend=False).source
    scene = build_scene(fg)
    shapes = {b.node: b.shape for b in scene.boxes}
    assert shapes == {"p": "box", "route": "diamond", "t": "parallelogram", "l": "note",
                      "ok": "octagon", "pick": "hexagon", "sub": "box3d", "odd": "ellipse"}
    kinds = {(lk.source.node, lk.target.node): (lk.kind, lk.label) for lk in scene.links}
    assert kinds[("route", "t")] == ("branch", "if1")
    assert kinds[("t", "l")] == ("conditional", "c")
    assert kinds[("l", "ok")] == ("depends_on", "")
    assert kinds[("p", "route")] == ("data", "text")
    assert box_of(scene, "odd").state == "unknown"
    assert 'label=if1 color="#6a1b9a"' in source and "style=dashed" in source
    assert "style=dotted" in source


@pytest.mark.dot
def test_collapsed_loop_box_counts_and_failed_iteration() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    scene = build_scene(fg)
    render_box = box_of(scene, "render")
    assert render_box.kind == "fold" and len(render_box.members) == 3
    root = assert_safe_svg(render(fg, "svg"))
    nodes = by_id(root)
    words = texts(nodes[render_box.id])
    assert "2 ok / 1 failed" in words and "failed: iteration 1" in words
    assert STATES["failure"].fill in fills(nodes[render_box.id])
    loop_words = texts(nodes[box_of(scene, "each-style").id])
    assert "3 iterations: 2 ok / 1 failed" in loop_words
    assert "2 ok / 1 pending" in texts(nodes[box_of(scene, "upscale").id])
    # no copy is drawn: copies' ids appear nowhere
    svg_text = " ".join(t for g in groups(root, "node") for t in texts(g))
    assert "render-Lm2p" not in svg_text and "upscale-x8Fq" not in svg_text
    cluster = [c for c in groups(root, "cluster") if title(c) != "cluster_legend"]
    assert len(cluster) == 1
    assert "for-each each-style" in texts(cluster[0])
    # edges between copies folded onto the templates, once
    pairs = [(lk.source.node, lk.target.node, lk.kind) for lk in scene.links]
    assert ("render", "upscale", "data") in pairs and ("upscale", "contact-sheet",
                                                       "loop_result") in pairs
    assert len(pairs) == len(set(pairs))


@pytest.mark.dot
def test_expand_loops_draws_every_copy_by_iteration() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    root = assert_safe_svg(render(fg, "svg", expand_loops=True))
    words = [t for g in groups(root, "node") for t in texts(g)]
    for copy in ("render-x8Fq", "upscale-x8Fq", "render-Lm2p", "upscale-Lm2p", "render-c9Zt",
                 "upscale-c9Zt"):
        assert copy in words
    assert "render" not in words  # the templates the copies stand for are not drawn
    labels = sorted(t for c in groups(root, "cluster") for t in texts(c)[:1])
    assert labels == ["for-each each-style", "iteration 0: ok", "iteration 1: failed",
                      "iteration 2: ok", "legend"]
    scene = build_scene(fg, expand_loops=True)
    failed = box_of(scene, "render-Lm2p")
    cluster = next(c for c in scene.clusters if c.key == failed.cluster)
    assert cluster.lines == ["iteration 1: failed"] and cluster.state == "failure"


def test_expand_loops_keeps_big_loops_collapsed() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    small = build_scene(fg, expand_loops=True, max_copies=5)
    assert small.boxes == build_scene(fg).boxes
    assert len(build_scene(fg, expand_loops=True, max_copies=6).boxes) == 10


def test_nested_loops_nest_collapsed_and_expanded() -> None:
    fg = flowgraph.graph(example("nested-loops.json"))
    scene = build_scene(fg)
    outer = next(c for c in scene.clusters if c.key == ("loop", "each-product"))
    inner = next(c for c in scene.clusters if c.key == ("loop", "each-angle"))
    assert inner.parent == outer.key and outer.parent is None
    shot = box_of(scene, "shot")
    assert shot.cluster == inner.key and shot.lines[2] == "3 ok / 1 running"
    assert box_of(scene, "each-angle").lines[-1] == "4 iterations: 3 ok / 1 running"
    assert (inner.id, outer.id) == ("cluster_0", "cluster_1")
    source = to_dot(fg).source
    assert "\n\tsubgraph cluster_1 {" in source and "\n\t\tsubgraph cluster_0 {" in source
    expanded = build_scene(fg, expand_loops=True)
    shot_w21 = box_of(expanded, "shot-w21")
    chain = []
    key = shot_w21.cluster
    parents = {c.key: c.parent for c in expanded.clusters}
    while key is not None:
        chain.append(key)
        key = parents[key]
    assert chain == [("iteration", "each-angle-w2", "000000000001"), ("loop", "each-angle-w2"),
                     ("iteration", "each-product", "000000000001"), ("loop", "each-product")]


def test_failed_nested_copy_names_its_iteration_path() -> None:
    data = json.loads(example("nested-loops.json").read_text())
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] == "shot-w21":
            node["status"] = "failure"
    scene = build_scene(flowgraph.graph(data))
    assert "failed: iteration 1.1" in box_of(scene, "shot").lines


@pytest.mark.dot
def test_highlight_blocked_marks_root_causes_and_blocked_nodes() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    scene = build_scene(fg, highlight_blocked=True)
    root = assert_safe_svg(render(fg, "svg", highlight_blocked=True))
    nodes = by_id(root)
    approve = nodes[box_of(scene, "approve").id]
    assert "#d50000" in strokes(approve)
    assert "root cause: awaiting-approval, blocks 2" in texts(approve)
    for name in ("upscale", "remove-bg"):
        g = nodes[box_of(scene, name).id]
        assert "#ff6d00" in strokes(g) and "blocked: waiting-on-gate" in texts(g)
    assert "#d50000" not in strokes(nodes[box_of(scene, "gen").id])
    assert "thick red border: root cause of blocked nodes" in texts(nodes["legend"])


def test_highlight_blocked_on_loops_broken_runs_and_without_blocked_nodes() -> None:
    scene = build_scene(flowgraph.graph(example("foreach-failed.json")), highlight_blocked=True)
    assert box_of(scene, "render").note == "root cause: failed, blocks 2"
    assert box_of(scene, "upscale").note == "blocked (1): failed-upstream"
    assert box_of(scene, "contact-sheet").note == "blocked: failed-upstream"
    broken = build_scene(flowgraph.graph(fixture("broken.json")), highlight_blocked=True)
    assert box_of(broken, "ghost").note == "root cause: missing, blocks 1"
    assert box_of(broken, "self").note == "root cause: cycle"
    done = build_scene(flowgraph.graph(example("timed-bundle.json")), highlight_blocked=True)
    assert done.highlights == [] and all(b.mark is None for b in done.boxes)


@pytest.mark.dot
def test_highlight_critical_draws_the_path() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    path = fg.critical_path().nodes
    assert path == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    scene = build_scene(fg, highlight_critical=True)
    root = assert_safe_svg(render(fg, "svg", highlight_critical=True))
    nodes = by_id(root)
    for name in path:
        assert "#0d47a1" in strokes(nodes[box_of(scene, name).id]), name
    assert "#0d47a1" not in strokes(nodes[box_of(scene, "thumb").id])
    thick = [e for e in groups(root, "edge") if "#0d47a1" in strokes(e)]
    assert len(thick) == len(path) - 1
    assert "1m30s" in " ".join(texts(nodes[box_of(scene, "gen").id]))


def test_highlight_critical_skips_a_cycle_and_collapses_loops() -> None:
    broken = flowgraph.graph(fixture("broken.json"))
    scene = build_scene(broken, highlight_critical=True)
    assert "critical" not in scene.highlights and not any(b.critical for b in scene.boxes)
    loops = build_scene(flowgraph.graph(example("foreach-failed.json")), highlight_critical=True)
    assert [b.node for b in loops.boxes if b.critical] == ["contact-sheet", "each-style", "render",
                                                            "style-list", "upscale"]


def test_tooltips_carry_model_timings_error_hint_and_cost() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    gen = box_of(build_scene(fg), "gen")
    tip = "\n".join(gen.tooltip)
    assert "model: model_flux-dev-product" in tip
    assert re.search(r"queue [\d.]+s, run [\dm.s]+, total 1m30s", tip)
    assert "cost: " in tip and " CU" in tip
    data = json.loads(example("timed-bundle.json").read_text())
    job_id = next(n["jobId"] for n in data["job"]["metadata"]["flow"] if n["id"] == "gen")
    data["nodeJobs"][job_id]["job"]["metadata"].update(error="GPU fell over", hint="retry")
    tip = "\n".join(box_of(build_scene(flowgraph.graph(data)), "gen").tooltip)
    assert "error: GPU fell over" in tip and "hint: retry" in tip
    folded = box_of(build_scene(flowgraph.graph(example("foreach-failed.json"))), "render")
    assert "failed copies: render-Lm2p" in folded.tooltip


def test_title_has_job_status_error_and_hint() -> None:
    scene = build_scene(flowgraph.graph(example("foreach-failed.json")))
    assert scene.title == [
        "job_F0rEachFailedCopy: failure",
        "error: Node render-Lm2p failed: NSFW content detected",
        "hint: Change the prompt of iteration 1 (isometric) and run the workflow again.",
    ]


def test_a_workflow_definition_draws_without_statuses() -> None:
    fg = flowgraph.graph({"workflow": {"id": "wflow_x", "flow": [
        {"id": "loop", "type": "for-each", "loopBodyNodeIds": ["b"]},
        {"id": "b", "type": "model", "inputs": [{"name": "x", "ref": {"node": "loop"}}]}]}})
    scene = build_scene(fg, **ALL_ON)
    assert scene.states == ["none"] and scene.title == ["workflow wflow_x (definition)"]
    assert box_of(scene, "b").cluster == ("loop", "loop")


def test_missing_placeholder_is_dashed_red_and_self_loop_is_drawn() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    scene = build_scene(fg)
    ghost = box_of(scene, "ghost")
    assert ghost.kind == "missing" and ghost.state == "missing" and STATES["missing"].dashed
    assert ("self", "self") in {(lk.source.node, lk.target.node) for lk in scene.links}
    source = to_dot(fg).source
    assert f'{ghost.id} [label="ghost\\nmissing" color="#d32f2f"' in source


WEIRD_LOOPS = {
    "body-holds-itself": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["L", "a"]},
        {"id": "a", "type": "model", "status": "skipped"},
        {"id": "a-1", "type": "model", "status": "success", "loopNodeId": "L", "iterationIndex": 0},
        {"id": "L-1", "type": "for-each", "status": "success", "loopNodeId": "L",
         "iterationIndex": 0}],
    "loops-hold-each-other": [
        {"id": "A", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["B"]},
        {"id": "B", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["A"]},
        {"id": "b1", "type": "for-each", "status": "success", "loopNodeId": "A", "iterationIndex": 0},
        {"id": "a1", "type": "for-each", "status": "success", "loopNodeId": "B", "iterationIndex": 0}],
    "copy-of-itself": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "c", "iterationIndex": 0}],
    "copy-of-a-plain-node": [
        {"id": "p", "type": "model", "status": "success"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "p", "iterationIndex": 0}],
    "odd-indexes-and-unmatched-copies": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c0", "type": "model", "status": "success", "loopNodeId": "L"},
        {"id": "c1", "type": "model", "status": "failure", "loopNodeId": "L", "iterationIndex": -3},
        {"id": "c2", "type": "model", "status": "success", "loopNodeId": "L",
         "iterationIndex": 10**12},
        {"id": "c3", "type": "logic", "status": "success", "loopNodeId": "L", "iterationIndex": 1},
        {"id": "c4", "type": "logic", "status": "success", "loopNodeId": "L", "iterationIndex": 2}],
    "copy-names-a-template-loop": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["M"]},
        {"id": "M", "type": "for-each", "status": "skipped", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "M", "iterationIndex": 0}],
    "empty-flow": [],
}


@pytest.mark.dot
@pytest.mark.parametrize("name", sorted(WEIRD_LOOPS))
def test_broken_loop_structures_still_draw(name: str) -> None:
    fg = run(WEIRD_LOOPS[name])
    for expand in (False, True):
        scene = build_scene(fg, expand_loops=expand, **ALL_ON)
        root = assert_safe_svg(render(fg, "svg", expand_loops=expand, **ALL_ON))
        legend = 1 if scene.boxes else 0
        assert len(groups(root, "node")) == len(scene.boxes) + legend
        assert len(groups(root, "edge")) == len(scene.links)
        assert_dot_structure(to_dot(fg, expand_loops=expand).source, len(scene.boxes),
                             len(scene.links))
        assert to_mermaid(fg, expand_loops=expand).startswith("flowchart LR\n")
    if name == "odd-indexes-and-unmatched-copies":
        other = next(b for b in build_scene(fg).boxes if b.kind == "group")
        assert other.lines == ["2 other copies", "logic", "2 ok"]


# -- determinism ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["foreach-failed.json", "nested-loops.json", "timed-bundle.json",
                                  "broken.json", "hostile-ids.json", "new-enums.json"])
def test_shuffled_runs_give_byte_identical_dot(name: str, job_data: Any) -> None:
    data = job_data(name)
    options = [{}, {"expand_loops": True, **ALL_ON}]
    want = [to_dot(flowgraph.graph(data), **o).source for o in options]
    want_mermaid = to_mermaid(flowgraph.graph(data), expand_loops=True)
    rng = random.Random(name)
    for _ in range(10):
        fg = flowgraph.graph(shuffled(data, rng))
        assert [to_dot(fg, **o).source for o in options] == want
        assert to_mermaid(fg, expand_loops=True) == want_mermaid


def test_synthetic_ids_follow_sorted_node_ids() -> None:
    scene = build_scene(flowgraph.graph(fixture("hostile-ids.json")))
    assert [b.id for b in scene.boxes] == [f"n{i}" for i in range(15)]
    assert [b.node for b in scene.boxes] == sorted(b.node for b in scene.boxes)


# -- reliability cases 30-37 ------------------------------------------------------------------
EVIL = [
    "<x> ]; injected [shape=box]; y [label=<z>",
    "node [shape=box]",
    'a"b',
    "}; digraph x {",
    "ends\\",
    "\\N",
    "\\G",
    "a\\lb",
    "<IMG SRC=javascript:alert(1)>",
    '" onmouseover="alert(1)',
    "/* c */ // d # e",
    "&quot;&#60;&amp;",
    "<script>alert(1)</script>",
    "x -> y:z",
    "strict",
]
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'x" onmouseover="alert(1)',
    "/etc/hostname",
    "file:///etc/hostname",
    'https://ok.example/a" onmouseover="alert(1)',
]
GOOD_URL = "https://cdn.example.com/a.png?x=1&y=2"


def evil_bundle(texts: list[str]) -> dict[str, Any]:
    """A run whose every untrusted field carries hostile text: ids, model ids, input names,
    branch values, node job errors and hints, asset URLs, the job id and the job's error."""
    flow: list[dict[str, Any]] = []
    node_jobs = {}
    for i, text in enumerate(texts):
        node: dict[str, Any] = {
            "id": text, "type": "model", "status": ["success", "failure", "pending"][i % 3],
            "modelId": text, "jobId": f"job_{i}",
            "assets": [{"assetId": f"a{i}", "url": BAD_URLS[i % len(BAD_URLS)]}],
        }
        if i:
            node["inputs"] = [{"name": text, "ref": {"node": texts[i - 1], "name": "out"}}]
        flow.append(node)
        node_jobs[f"job_{i}"] = {"job": {"jobId": f"job_{i}", "status": "failure",
                                         "metadata": {"error": text, "hint": text}}}
    flow[0]["assets"].append({"assetId": "good", "url": GOOD_URL})
    t = [texts[i % len(texts)] for i in range(4)]
    flow.append({"id": "route", "type": "logic", "status": "success", "output": t[0],
                 "inputs": [{"name": t[1], "ref": {"node": t[0]}}]})
    flow.append({"id": "branch", "type": "model", "status": "pending",
                 "inputs": [{"name": t[2], "ref": {"node": "route", "equal": t[3]}}]})
    job = {"jobId": "job " + t[0], "jobType": "workflow", "status": t[1],
           "metadata": {"flow": flow, "error": t[2], "hint": t[3]}}
    return {"job": job, "nodeJobs": node_jobs}


@pytest.mark.dot
@pytest.mark.parametrize("expand", [False, True], ids=["collapsed", "expanded"])
def test_hostile_text_never_changes_the_structure(expand: bool) -> None:
    """Cases 30, 32, 33, 35, 36: exactly the expected nodes and edges; the text reads literally;
    only the one http(s) link survives; no image, no script, no on* attribute."""
    fg = flowgraph.graph(evil_bundle(EVIL))
    nodes, edges = len(EVIL) + 2, len(EVIL) - 1 + 2
    source = to_dot(fg, expand_loops=expand, **ALL_ON).source
    assert_dot_structure(source, nodes, edges)
    data = render(fg, "svg", expand_loops=expand, **ALL_ON)
    root = assert_safe_svg(data)
    assert len(groups(root, "node")) == nodes + 1 and len(groups(root, "edge")) == edges
    assert b"<image" not in data.lower() and b"<script" not in data.lower()
    words = [t for g in groups(root, "node") for t in texts(g)]
    for text in EVIL:
        assert text in words, text  # the id line, literally
    edge_words = {t for g in groups(root, "edge") for t in texts(g)}
    assert set(EVIL[1:]) <= edge_words | {EVIL[3]}
    hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href")]
    assert hrefs == [GOOD_URL]
    tips = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("title")]
    assert any("error: " + EVIL[8] in tip for tip in tips)
    graph_title = texts(root.find(f"{SVG}g"))  # the graph label carries job id and error
    assert f"error: {EVIL[2]}" in graph_title


@pytest.mark.dot
def test_hostile_ids_fixture(caplog: pytest.LogCaptureFixture) -> None:
    """Cases 30 and 33: ids ``node``, ``strict``, ``a:b``, ``""``, ``x y``, 300 characters,
    backslashes: 15 nodes, 14 edges, ``dot`` exits 0 without a warning, text reads literally."""
    fg = flowgraph.graph(fixture("hostile-ids.json"))
    with caplog.at_level(logging.WARNING, logger="flowgraph.dot_exec"):
        data = render(fg, "svg")
    assert caplog.records == []
    root = assert_safe_svg(data)
    assert len(groups(root, "node")) == 16 and len(groups(root, "edge")) == 14
    words = [t for g in groups(root, "node") for t in texts(g)]
    for text in ("node", "strict", "a:b", "x y", 'q"uote', "back\\slash", "ends\\", "\\N",
                 "a\\lb", "<b>html</b>", "node [shape=box]", "}; digraph x {", "line", "break"):
        assert text in words, text
    assert "L" * 45 + "..." in words


@pytest.mark.dot
def test_control_characters_are_removed() -> None:
    """Case 34: NUL, BEL, ESC and CR/LF in ids, errors and the job: the SVG parses as XML."""
    texts_ = ["nul\x00x", "bell\x07x", "esc\x1b[31mx", "cr\rlf\nx", "tab\tx", "del\x7fx",
              "c1\x85x", "lone\ud800x"]
    fg = flowgraph.graph(evil_bundle(texts_))
    data = render(fg, "svg", **ALL_ON)
    root = assert_safe_svg(data)
    assert len(groups(root, "node")) == len(texts_) + 3
    assert b"\x00" not in data and b"\x1b" not in data and "\x85".encode() not in data
    words = [t for g in groups(root, "node") for t in texts(g)]
    assert "nulx" in words and "bellx" in words and "esc[31mx" in words
    assert "cr" in words and "lf" in words and "x" in words


@pytest.mark.dot
def test_loops_with_hostile_ids_stay_grouped() -> None:
    """Case 31: copies with hostile ids are grouped under their loop, the same output 10 times."""
    data = json.loads(example("foreach-failed.json").read_text())
    rename = {"each-style": '}; digraph x { "', "render": "node [shape=box]",
              "render-Lm2p": "<x> ]; y [label=<z>", "upscale-Lm2p": "a\\"}

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return rename.get(value, value) if isinstance(value, str) else value

    data = fix(data)
    outputs = {render(flowgraph.graph(shuffled(data, random.Random(i))), "dot") for i in range(10)}
    assert len(outputs) == 1
    fg = flowgraph.graph(data)
    for expand, nodes in ((False, 6), (True, 10)):
        root = assert_safe_svg(render(fg, "svg", expand_loops=expand))
        assert len(groups(root, "node")) == nodes + 1
    box = box_of(build_scene(fg), "node [shape=box]")
    assert box.lines[2:] == ["2 ok / 1 failed", "failed: iteration 1"]


@pytest.mark.dot
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
                | st.lists(st.sampled_from(list("\\\"<>{}[];:=-#/*\n\r\x00&'N l")), max_size=12)
                .map("".join), min_size=2, max_size=8, unique=True)
       .filter(lambda labels: not {"route", "branch"} & set(labels)))
def test_any_text_keeps_the_graph(labels: list[str]) -> None:
    fg = flowgraph.graph(evil_bundle(labels))
    root = assert_safe_svg(render(fg, "svg"))
    assert len(groups(root, "node")) == len(labels) + 3
    assert len(groups(root, "edge")) == len(labels) + 1


# -- case 37: no dot, a hanging dot -----------------------------------------------------------
def test_no_dot_on_path_names_the_fix_and_text_formats_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    monkeypatch.setenv("PATH", str(tmp_path))
    for fmt in ("svg", "png", "pdf"):
        with pytest.raises(ExecutableNotFoundError) as err:
            render(fg, fmt)
        assert "apt-get install graphviz" in str(err.value) and "make demo" in str(err.value)
        assert isinstance(err.value, RenderError)
    assert render(fg, "dot").startswith(b"digraph flowgraph {")
    assert render(fg, "mermaid").startswith(b"flowchart LR\n")
    assert json.loads(render(fg, "json")) == fg.to_node_link()


def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, mode: int = 0o755) -> None:
    script = tmp_path / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(mode)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_a_hanging_dot_is_stopped_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleep = shutil.which("sleep")
    assert sleep is not None
    fake_dot(tmp_path, monkeypatch, f"exec {sleep} 30")
    fg = flowgraph.graph(example("approval-parked.json"))
    start = time.monotonic()
    with pytest.raises(RenderError, match=r"took longer than 0.5s"):
        render(fg, "svg", timeout=0.5)
    assert time.monotonic() - start < 10
    with pytest.raises(RenderError, match="took longer"):
        fg.render("png", timeout=0.3)


def test_a_failing_dot_reports_its_first_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path, monkeypatch, 'echo "" >&2; echo "Error: boom \x1b[31m" >&2; '
                                    'echo second >&2; exit 3')
    with pytest.raises(RenderError) as err:
        run_dot("digraph {}", "svg")
    assert str(err.value) == "`dot -Tsvg` failed (exit 3): Error: boom [31m"
    assert not isinstance(err.value, ExecutableNotFoundError)


def test_a_dot_that_cannot_run_is_not_found(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, monkeypatch, "exit 0", mode=0o644)
    with pytest.raises(ExecutableNotFoundError, match="install Graphviz"):
        run_dot("digraph {}", "svg")


@pytest.mark.dot
def test_run_dot_syntax_error_and_formats() -> None:
    with pytest.raises(RenderError, match=r"failed \(exit 1\): Error: .*syntax error"):
        run_dot("digraph { a -> }", "svg")
    fg = flowgraph.graph(example("approval-parked.json"))
    assert render(fg, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render(fg, "PDF").startswith(b"%PDF")
    assert fg.render().startswith(b"<?xml") and fg._repr_svg_().startswith("<?xml")


def test_dot_command_is_built_without_the_binary() -> None:
    assert dot_command("svg") == ["dot", "-Tsvg"]
    assert dot_command("pdf", executable="/opt/dot") == ["/opt/dot", "-Tpdf"]
    for bad in ("svg -o/etc/passwd", "exe", "", "dot"):
        with pytest.raises(RenderError, match="expected one of svg, png, pdf"):
            dot_command(bad)
    assert "apt-get install graphviz" in INSTALL_HINT


# -- render's formats and options -------------------------------------------------------------
def test_render_text_formats_and_option_checks() -> None:
    fg = flowgraph.graph(example("nested-loops.json"))
    assert render(fg, "dot", expand_loops=True).decode() == to_dot(fg, expand_loops=True).source
    assert render(fg, "mermaid", expand_loops=True).decode() == to_mermaid(fg, expand_loops=True)
    assert render(fg, "mermaid", **ALL_ON) == render(fg, "mermaid")
    doc = render(fg, "json")
    assert json.loads(doc) == fg.to_node_link() and doc.endswith(b"}\n")
    assert fg.render("dot", legend=False) == render(fg, "dot", legend=False)
    assert b"cluster_legend" not in render(fg, "dot", legend=False)
    with pytest.raises(RenderError, match="unknown format 'gif'"):
        render(fg, "gif")
    with pytest.raises(TypeError, match="highlight"):
        render(fg, "json", highlight=True)
    assert fg.to_dot().source == to_dot(fg).source and fg.to_mermaid() == to_mermaid(fg)


def test_legend_lists_only_what_the_picture_uses() -> None:
    scene = build_scene(flowgraph.graph(example("ifelse-skipped.json")))
    assert scene.states == ["success", "processing", "skipped", "input"]
    assert scene.kinds == ["branch", "data", "conditional"]
    legend = to_dot(flowgraph.graph(example("ifelse-skipped.json"))).source
    assert EDGE_STYLES["branch"][1] in legend and EDGE_STYLES["depends_on"][1] not in legend


def test_only_draw_imports_graphviz_and_only_dot_exec_runs_processes() -> None:
    package = Path(flowgraph.__file__).parent
    for path in package.glob("*.py"):
        text = path.read_text()
        if path.name != "draw.py":
            assert "import graphviz" not in text, path.name
        if path.name != "dot_exec.py":
            assert "subprocess" not in text, path.name


# -- a 10,000-node run ------------------------------------------------------------------------
def big_run(iterations: int = 3000) -> dict[str, Any]:
    """One for-each over ``iterations`` items with 3 body nodes: ~9,000 copies; one failed
    iteration, two still running."""
    body = [("a", "generate-prompt", None), ("b", "custom-model", "model_x"),
            ("c", "remove-background", None)]
    flow: list[dict[str, Any]] = [
        {"id": "items", "type": "list", "status": "success"},
        {"id": "loop", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["a", "b", "c"],
         "inputs": [{"name": "array", "ref": {"node": "items", "name": "all"}}]},
        {"id": "sheet", "type": "transform", "status": "pending",
         "inputs": [{"name": "all", "ref": {"node": "loop", "name": "all"}}]},
    ]
    for i in [None, *range(iterations)]:
        prev = "loop"
        for tid, kind, model in body:
            status = "skipped"
            if i is not None:
                status = "success"
                if i == 7 and tid != "a":
                    status = "failure" if tid == "b" else "pending"
                elif i >= iterations - 2:
                    status = "processing" if tid == "a" else "pending"
            node: dict[str, Any] = {"id": tid if i is None else f"{tid}-{i}", "type": kind,
                                    "status": status,
                                    "inputs": [{"name": "in", "ref": {"node": prev}}]}
            if model:
                node["modelId"] = model
            if i is not None:
                node.update(loopNodeId="loop", iterationIndex=i)
            flow.append(node)
            prev = tid
    return {"jobId": "job_big", "jobType": "workflow", "status": "in-progress",
            "metadata": {"flow": flow}}


@pytest.mark.dot
def test_a_10k_node_run_renders_collapsed_and_readable() -> None:
    fg = flowgraph.graph(big_run())
    assert fg.nx.number_of_nodes() > 9000
    for expand in (False, True):  # expanding a loop this big keeps it collapsed
        scene = build_scene(fg, expand_loops=expand, **ALL_ON)
        assert len(scene.boxes) < 20
        root = assert_safe_svg(render(fg, "svg", expand_loops=expand, **ALL_ON))
        assert len(groups(root, "node")) < 200
    b = box_of(build_scene(fg), "b")
    assert b.lines[2:] == ["2997 ok / 1 failed / 2 pending", "failed: iteration 7"]
    loop = box_of(build_scene(fg), "loop")
    assert "3000 iterations: 2997 ok / 1 failed / 2 running" in loop.lines
    assert len(to_mermaid(fg).splitlines()) < 40


def test_a_big_picture_asks_dot_for_a_quicker_layout() -> None:
    chain = [{"id": f"s{i:03d}", "type": "model", "status": "success",
              **({"dependsOn": [f"s{i - 1:03d}"]} if i else {})} for i in range(160)]
    assert "nslimit=2" in to_dot(run(chain)).source
    assert "nslimit" not in to_dot(run(chain[:100])).source


@pytest.mark.dot
def test_a_very_big_picture_has_straight_edges_and_still_renders() -> None:
    # 6 lanes of 70 steps: 420 boxes, above the straight-edge threshold
    flow = [{"id": f"l{lane}s{i:02d}", "type": "model", "status": "success",
             **({"dependsOn": [f"l{lane}s{i - 1:02d}"]} if i else {})}
            for lane in range(6) for i in range(70)]
    source = to_dot(run(flow), legend=False).source
    assert "splines=line" in source
    assert "splines" not in to_dot(run(flow[:300]), legend=False).source
    root = assert_safe_svg(render(run(flow), "svg", legend=False))
    assert len(groups(root, "node")) == 420
    assert len(groups(root, "edge")) == 6 * 69
