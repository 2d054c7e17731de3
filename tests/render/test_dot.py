"""The Graphviz picture (flowgraph.render.dot): the DOT structure, real SVGs of every example and
fixture, loops, highlights, determinism, the reliability cases 30-36 (hostile text never changes
the graph, nothing executable reaches the SVG) and a 10,000-node run."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import example, fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from picture_checks import (
    ALL_ON,
    EVIL,
    GOOD_URL,
    RUNS,
    SVG,
    assert_dot_structure,
    assert_safe_svg,
    box_of,
    by_id,
    evil_bundle,
    fills,
    groups,
    run,
    shuffled,
    strokes,
    texts,
    title,
)

import flowgraph
from flowgraph.render import render
from flowgraph.render.dot import to_dot
from flowgraph.render.mermaid import to_mermaid
from flowgraph.render.scene import build_scene
from flowgraph.render.styles import STATES


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
    assert sorted(t for t in edge_text if t) == [
        "idea",
        "image",
        "image",
        "images",
        "prompt",
        "style",
    ]


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
    assert ("render", "upscale", "data") in pairs and (
        "upscale",
        "contact-sheet",
        "loop_result",
    ) in pairs
    assert len(pairs) == len(set(pairs))


@pytest.mark.dot
def test_expand_loops_draws_every_copy_by_iteration() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    root = assert_safe_svg(render(fg, "svg", expand_loops=True))
    words = [t for g in groups(root, "node") for t in texts(g)]
    for copy in (
        "render-x8Fq",
        "upscale-x8Fq",
        "render-Lm2p",
        "upscale-Lm2p",
        "render-c9Zt",
        "upscale-c9Zt",
    ):
        assert copy in words
    assert "render" not in words  # the templates the copies stand for are not drawn
    labels = sorted(t for c in groups(root, "cluster") for t in texts(c)[:1])
    assert labels == [
        "for-each each-style",
        "iteration 0: ok",
        "iteration 1: failed",
        "iteration 2: ok",
        "legend",
    ]
    scene = build_scene(fg, expand_loops=True)
    failed = box_of(scene, "render-Lm2p")
    cluster = next(c for c in scene.clusters if c.key == failed.cluster)
    assert cluster.lines == ["iteration 1: failed"] and cluster.state == "failure"


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


WEIRD_LOOPS = {
    "body-holds-itself": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["L", "a"]},
        {"id": "a", "type": "model", "status": "skipped"},
        {"id": "a-1", "type": "model", "status": "success", "loopNodeId": "L", "iterationIndex": 0},
        {
            "id": "L-1",
            "type": "for-each",
            "status": "success",
            "loopNodeId": "L",
            "iterationIndex": 0,
        },
    ],
    "loops-hold-each-other": [
        {"id": "A", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["B"]},
        {"id": "B", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["A"]},
        {
            "id": "b1",
            "type": "for-each",
            "status": "success",
            "loopNodeId": "A",
            "iterationIndex": 0,
        },
        {
            "id": "a1",
            "type": "for-each",
            "status": "success",
            "loopNodeId": "B",
            "iterationIndex": 0,
        },
    ],
    "copy-of-itself": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "c", "iterationIndex": 0},
    ],
    "copy-of-a-plain-node": [
        {"id": "p", "type": "model", "status": "success"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "p", "iterationIndex": 0},
    ],
    "odd-indexes-and-unmatched-copies": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c0", "type": "model", "status": "success", "loopNodeId": "L"},
        {"id": "c1", "type": "model", "status": "failure", "loopNodeId": "L", "iterationIndex": -3},
        {
            "id": "c2",
            "type": "model",
            "status": "success",
            "loopNodeId": "L",
            "iterationIndex": 10**12,
        },
        {"id": "c3", "type": "logic", "status": "success", "loopNodeId": "L", "iterationIndex": 1},
        {"id": "c4", "type": "logic", "status": "success", "loopNodeId": "L", "iterationIndex": 2},
    ],
    "copy-names-a-template-loop": [
        {"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["M"]},
        {"id": "M", "type": "for-each", "status": "skipped", "loopBodyNodeIds": ["x"]},
        {"id": "x", "type": "model", "status": "skipped"},
        {"id": "c", "type": "model", "status": "success", "loopNodeId": "M", "iterationIndex": 0},
    ],
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
        assert_dot_structure(
            to_dot(fg, expand_loops=expand).source, len(scene.boxes), len(scene.links)
        )
        assert to_mermaid(fg, expand_loops=expand).startswith("flowchart LR\n")
    if name == "odd-indexes-and-unmatched-copies":
        other = next(b for b in build_scene(fg).boxes if b.kind == "group")
        assert other.lines == ["2 other copies", "logic", "2 ok"]


# -- determinism ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "foreach-failed.json",
        "nested-loops.json",
        "timed-bundle.json",
        "broken.json",
        "hostile-ids.json",
        "new-enums.json",
    ],
)
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


# -- reliability cases 30-36 ------------------------------------------------------------------
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
    with caplog.at_level(logging.WARNING, logger="flowgraph.render._dot_exec"):
        data = render(fg, "svg")
    assert caplog.records == []
    root = assert_safe_svg(data)
    assert len(groups(root, "node")) == 16 and len(groups(root, "edge")) == 14
    words = [t for g in groups(root, "node") for t in texts(g)]
    for text in (
        "node",
        "strict",
        "a:b",
        "x y",
        'q"uote',
        "back\\slash",
        "ends\\",
        "\\N",
        "a\\lb",
        "<b>html</b>",
        "node [shape=box]",
        "}; digraph x {",
        "line",
        "break",
    ):
        assert text in words, text
    assert "L" * 45 + "..." in words


@pytest.mark.dot
def test_control_characters_are_removed() -> None:
    """Case 34: NUL, BEL, ESC and CR/LF in ids, errors and the job: the SVG parses as XML."""
    texts_ = [
        "nul\x00x",
        "bell\x07x",
        "esc\x1b[31mx",
        "cr\rlf\nx",
        "tab\tx",
        "del\x7fx",
        "c1\x85x",
        "lone\ud800x",
    ]
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
    rename = {
        "each-style": '}; digraph x { "',
        "render": "node [shape=box]",
        "render-Lm2p": "<x> ]; y [label=<z>",
        "upscale-Lm2p": "a\\",
    }

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
@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
        | st.lists(st.sampled_from(list("\\\"<>{}[];:=-#/*\n\r\x00&'N l")), max_size=12).map(
            "".join
        ),
        min_size=2,
        max_size=8,
        unique=True,
    ).filter(lambda labels: not {"route", "branch"} & set(labels))
)
def test_any_text_keeps_the_graph(labels: list[str]) -> None:
    fg = flowgraph.graph(evil_bundle(labels))
    root = assert_safe_svg(render(fg, "svg"))
    assert len(groups(root, "node")) == len(labels) + 3
    assert len(groups(root, "edge")) == len(labels) + 1


def test_only_render_dot_imports_graphviz_and_only_dot_exec_runs_processes() -> None:
    package = Path(flowgraph.__file__).parent
    for path in package.rglob("*.py"):
        name = path.relative_to(package).as_posix()
        text = path.read_text()
        if name != "render/dot.py":
            assert "import graphviz" not in text, name
        if name != "render/_dot_exec.py":
            assert "subprocess" not in text, name


# -- a 10,000-node run ------------------------------------------------------------------------
def big_run(iterations: int = 3000) -> dict[str, Any]:
    """One for-each over ``iterations`` items with 3 body nodes: ~9,000 copies; one failed
    iteration, two still running."""
    body = [
        ("a", "generate-prompt", None),
        ("b", "custom-model", "model_x"),
        ("c", "remove-background", None),
    ]
    flow: list[dict[str, Any]] = [
        {"id": "items", "type": "list", "status": "success"},
        {
            "id": "loop",
            "type": "for-each",
            "status": "processing",
            "loopBodyNodeIds": ["a", "b", "c"],
            "inputs": [{"name": "array", "ref": {"node": "items", "name": "all"}}],
        },
        {
            "id": "sheet",
            "type": "transform",
            "status": "pending",
            "inputs": [{"name": "all", "ref": {"node": "loop", "name": "all"}}],
        },
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
            node: dict[str, Any] = {
                "id": tid if i is None else f"{tid}-{i}",
                "type": kind,
                "status": status,
                "inputs": [{"name": "in", "ref": {"node": prev}}],
            }
            if model:
                node["modelId"] = model
            if i is not None:
                node.update(loopNodeId="loop", iterationIndex=i)
            flow.append(node)
            prev = tid
    return {
        "jobId": "job_big",
        "jobType": "workflow",
        "status": "in-progress",
        "metadata": {"flow": flow},
    }


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


def _chain(prefix: str, length: int, digits: int) -> list[dict[str, Any]]:
    """``length`` successful model steps, each depending on the one before."""
    return [
        {
            "id": f"{prefix}{i:0{digits}d}",
            "type": "model",
            "status": "success",
            **({"dependsOn": [f"{prefix}{i - 1:0{digits}d}"]} if i else {}),
        }
        for i in range(length)
    ]


def test_a_big_picture_asks_dot_for_a_quicker_layout() -> None:
    chain = _chain("s", 160, 3)
    assert "nslimit=2" in to_dot(run(chain)).source
    assert "nslimit" not in to_dot(run(chain[:100])).source


@pytest.mark.dot
def test_a_very_big_picture_has_straight_edges_and_still_renders() -> None:
    # 6 lanes of 70 steps: 420 boxes, above the straight-edge threshold
    flow = [step for lane in range(6) for step in _chain(f"l{lane}s", 70, 2)]
    source = to_dot(run(flow), legend=False).source
    assert "splines=line" in source
    assert "splines" not in to_dot(run(flow[:300]), legend=False).source
    root = assert_safe_svg(render(run(flow), "svg", legend=False))
    assert len(groups(root, "node")) == 420
    assert len(groups(root, "edge")) == 6 * 69
