"""flowgraph.build: exact edges, loops, nested loops, placeholders, duplicates, hostile ids."""

from __future__ import annotations

import json
import random

import pytest

import flowgraph
from tests.conftest import example, fixture


def edges(fg: flowgraph.FlowGraph, kind: str | None = None) -> list[tuple[str, str, str]]:
    return sorted(
        (u, v, d["kind"]) for u, v, d in fg.nx.edges(data=True) if kind is None or d["kind"] == kind
    )


def test_approval_run_edges_exactly() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert edges(fg) == [
        ("approve", "upscale", "depends_on"),
        ("gen", "approve", "data"),
        ("gen", "upscale", "data"),
        ("input:idea", "prompt", "data"),
        ("input:style", "gen", "data"),
        ("prompt", "gen", "data"),
        ("upscale", "remove-bg", "data"),
    ]
    assert fg.nx.edges["gen", "approve"]["kinds"] == ("data", "depends_on")
    assert fg.nx.edges["gen", "upscale"]["inputs"] == ("image",)
    assert fg.nx.nodes["input:idea"]["role"] == "input"
    assert fg.inputs == {"idea": "input:idea", "style": "input:style"}
    assert [n for n, d in fg.nx.nodes(data=True) if d.get("output")] == ["remove-bg"]


def test_if_else_branch_and_conditional_edges() -> None:
    fg = flowgraph.graph(example("ifelse-skipped.json"))
    assert fg.nx.edges["classify", "portrait"]["kind"] == "branch"
    assert fg.nx.edges["classify", "portrait"]["equal"] == "if1"
    assert fg.nx.edges["classify", "landscape"]["equal"] == "else"
    assert fg.nx.edges["portrait", "remove-bg"]["kinds"] == ("data", "conditional")
    assert fg.nx.edges["landscape", "remove-bg"]["kinds"] == ("conditional",)


def test_foreach_copies_grouped_by_loop_and_iteration_not_by_id() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    loop = fg.loops["each-style"]
    assert loop.body == ["render", "upscale"]
    assert loop.iterations == {
        0: ["render-x8Fq", "upscale-x8Fq"],
        1: ["render-Lm2p", "upscale-Lm2p"],
        2: ["render-c9Zt", "upscale-c9Zt"],
    }
    assert fg.nx.nodes["upscale-Lm2p"]["template"] == "upscale"
    # a ref from a copy to a template means the copy of the same iteration
    assert fg.nx.has_edge("render-Lm2p", "upscale-Lm2p")
    assert not fg.nx.has_edge("render", "upscale-Lm2p")
    # a ref to the for-each from the body: the current item
    assert fg.nx.edges["each-style", "render-Lm2p"]["kinds"] == ("data", "iteration")
    # the consumer of the loop depends on every iteration's last copy
    assert edges(fg, "loop_result") == [
        ("upscale-Lm2p", "contact-sheet", "loop_result"),
        ("upscale-c9Zt", "contact-sheet", "loop_result"),
        ("upscale-x8Fq", "contact-sheet", "loop_result"),
    ]
    assert fg.templates == {"render", "upscale"}


def test_copy_ids_carry_no_meaning(job_data) -> None:  # type: ignore[no-untyped-def]
    data = job_data("foreach-failed.json")
    renames = {}
    for i, node in enumerate(data["job"]["metadata"]["flow"]):
        if "loopNodeId" in node:
            renames[node["id"]] = f"zz{i:02d}"
    text = json.dumps(data)
    for old, new in renames.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    fg = flowgraph.graph(text)
    assert {fg.nx.nodes[n]["template"] for n in renames.values()} == {"render", "upscale"}
    assert [b.reason for b in fg.blocked()] == ["failed-upstream", "failed-upstream"]


def test_nested_loops() -> None:
    fg = flowgraph.graph(example("nested-loops.json"))
    assert fg.loops["each-product"].iterations == {0: ["caption-q1", "each-angle-q1"],
                                                   1: ["caption-w2", "each-angle-w2"]}
    assert fg.loops["each-angle-q1"].iterations == {0: ["shot-q10"], 1: ["shot-q11"]}
    assert fg.loops["each-angle-w2"].body == ["shot"]
    # the caption of an outer iteration reads its own inner loop, i.e. every inner iteration
    assert fg.nx.has_edge("each-angle-q1", "caption-q1")
    assert fg.nx.edges["shot-q10", "caption-q1"]["kind"] == "loop_result"
    assert not fg.nx.has_edge("shot-q10", "caption-w2")
    # the consumer of the outer loop waits for the last copies of every outer iteration
    assert sorted(u for u, v, d in fg.nx.in_edges("catalog", data=True) if d["kind"] == "loop_result") == [
        "caption-q1", "caption-w2"]


def test_same_graph_whatever_the_flow_order(job_data) -> None:  # type: ignore[no-untyped-def]
    for name in ["foreach-failed.json", "nested-loops.json", "broken.json", "hostile-ids.json"]:
        data = job_data(name)
        expected = flowgraph.graph(data).snapshot(statuses=True, copies=True)
        rng = random.Random(7)
        for _ in range(10):
            rng.shuffle(data["job"]["metadata"]["flow"])
            assert flowgraph.graph(data).snapshot(statuses=True, copies=True) == expected


def test_dangling_ref_becomes_a_missing_placeholder() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "a", "dependsOn": ["ghost"], "inputs": [{"name": "x", "ref": {"node": "phantom"}}]}]}})
    assert fg.nx.nodes["ghost"]["role"] == "missing"
    assert fg.nx.nodes["phantom"]["role"] == "missing"
    assert sorted(f.message for f in fg.lint() if f.code == "dangling-ref") == [
        "dependsOn refers to 'ghost', which is not in the flow",
        "input 'x' refers to 'phantom', which is not in the flow",
    ]
    assert fg.upstream("a") == ["ghost", "phantom"]
    with pytest.raises(flowgraph.NodeNotFoundError, match="no node 'nope'"):
        fg.upstream("nope")


def test_duplicate_ids_are_renamed_deterministically_and_reported() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    assert fg.nx.nodes["dup"]["type"] == "remove-background"
    assert fg.nx.nodes["dup#2"]["type"] == "model"
    assert fg.nx.nodes["dup#2"]["duplicate_of"] == "dup"
    assert [f.code for f in fg.lint()].count("duplicate-id") == 1


def test_hostile_ids_keep_node_and_edge_counts() -> None:
    data = json.loads(fixture("hostile-ids.json").read_text())
    ids = [n["id"] for n in data["job"]["metadata"]["flow"]]
    fg = flowgraph.graph(data)
    assert sorted(fg.nx.nodes) == sorted(ids)
    assert fg.nx.number_of_edges() == len(ids) - 1
    assert fg.critical_path("hops").nodes == ids


def test_workflow_input_key_never_collides_with_a_node() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "input:idea"},
        {"id": "b", "inputs": [{"name": "x", "ref": {"node": "workflow", "name": "idea"}}]}]}})
    assert fg.inputs["idea"] != "input:idea"
    assert fg.nx.nodes[fg.inputs["idea"]]["role"] == "input"
    assert fg.nx.nodes["input:idea"]["role"] == "node"


def test_inputs_array_items_make_item_edges() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "a"}, {"id": "b"},
        {"id": "c", "inputs": [{"name": "refs", "type": "inputs_array", "items": [
            [{"name": "image", "ref": {"node": "a"}}], [{"name": "image", "ref": {"node": "b"}}]]}]}]}})
    assert edges(fg) == [("a", "c", "item"), ("b", "c", "item")]


def test_gate_depends_on_either_encoding() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "p", "status": "success"},
        {"id": "g", "type": "user-approval", "status": "pending", "dependsOn": ["p"]},
        {"id": "n", "status": "pending", "dependsOn": ["g"]}]}})
    assert edges(fg) == [("g", "n", "depends_on"), ("p", "g", "depends_on")]


def test_large_chain_builds_without_recursion() -> None:
    flow = [{"id": "n0", "status": "failure"}] + [
        {"id": f"n{i}", "status": "pending", "dependsOn": [f"n{i - 1}"]} for i in range(1, 5000)]
    fg = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": flow}})
    assert len(fg.critical_path().nodes) == 5000
    blocked = fg.blocked()
    assert len(blocked) == 4999 and blocked[-1].causes == ["n0"]
    assert len(fg.upstream("n4999")) == 4999
