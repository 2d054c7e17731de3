"""What a picture shows (flowgraph.render.scene): boxes, folded loops, clusters, highlights,
tooltips, titles and synthetic ids, without Graphviz's ``dot``."""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLES, FIXTURES, example, fixture
from picture_checks import ALL_ON, box_of

import flowgraph
from flowgraph.render.dot import to_dot
from flowgraph.render.scene import build_scene
from flowgraph.render.styles import STATES

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


# -- loops ------------------------------------------------------------------------------------
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
    # a nested loop's box counts its copies and their iterations, each with its noun
    assert box_of(scene, "each-angle").lines[2:] == [
        "2 copies: 1 ok / 1 running", "4 iterations in 2 copies: 3 ok / 1 running"]
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
    assert chain == [
        ("iteration", "each-angle-w2", "000000000001"),
        ("loop", "each-angle-w2"),
        ("iteration", "each-product", "000000000001"),
        ("loop", "each-product"),
    ]


def test_failed_nested_copy_names_its_iteration_path() -> None:
    data = json.loads(example("nested-loops.json").read_text())
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] == "shot-w21":
            node["status"] = "failure"
    scene = build_scene(flowgraph.graph(data))
    assert "failed: iteration 1.1" in box_of(scene, "shot").lines


# -- highlights, tooltips, title --------------------------------------------------------------
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


def test_highlight_critical_skips_a_cycle_and_collapses_loops() -> None:
    broken = flowgraph.graph(fixture("broken.json"))
    scene = build_scene(broken, highlight_critical=True)
    assert "critical" not in scene.highlights and not any(b.critical for b in scene.boxes)
    loops = build_scene(flowgraph.graph(example("foreach-failed.json")), highlight_critical=True)
    assert [b.node for b in loops.boxes if b.critical] == [
        "contact-sheet",
        "each-style",
        "render",
        "style-list",
        "upscale",
    ]


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
    fg = flowgraph.graph(
        {
            "workflow": {
                "id": "wflow_x",
                "flow": [
                    {"id": "loop", "type": "for-each", "loopBodyNodeIds": ["b"]},
                    {
                        "id": "b",
                        "type": "model",
                        "inputs": [{"name": "x", "ref": {"node": "loop"}}],
                    },
                ],
            }
        }
    )
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


# -- determinism ------------------------------------------------------------------------------
def test_synthetic_ids_follow_sorted_node_ids() -> None:
    scene = build_scene(flowgraph.graph(fixture("hostile-ids.json")))
    assert [b.id for b in scene.boxes] == [f"n{i}" for i in range(15)]
    assert [b.node for b in scene.boxes] == sorted(b.node for b in scene.boxes)


def test_focus_draws_one_node_its_neighbours_and_says_so() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    scene = build_scene(fg, focus="approve", depth=1)
    assert sorted(b.node for b in scene.boxes if b.node) == ["approve", "gen", "upscale"]
    assert [(lk.source.node, lk.target.node) for lk in scene.links] == [
        ("approve", "upscale"), ("gen", "approve"), ("gen", "upscale")]
    assert scene.title[-1] == "focus: approve and what it depends on or feeds, at most 1 step(s) out"
    # a copy in a collapsed loop keeps the boxes that stand for its neighbours
    copy = build_scene(flowgraph.graph(example("foreach-failed.json")), focus="upscale-Lm2p",
                       depth=1)
    assert sorted(b.node for b in copy.boxes if b.node) == [
        "contact-sheet", "each-style", "render", "upscale"]


def test_job_ids_can_stay_out_of_the_picture() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    scene = build_scene(fg, job_ids=False)
    assert scene.title == ["run: in-progress"]
    assert not [line for b in scene.boxes for line in b.tooltip if line.startswith("job:")]
    assert [line for b in build_scene(fg).boxes for line in b.tooltip if line.startswith("job:")]
