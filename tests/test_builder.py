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
    assert fg.graph.edges["gen", "approve"]["kinds"] == ("data", "depends_on")
    assert fg.graph.edges["gen", "upscale"]["inputs"] == ("image",)
    assert fg.nx.nodes["input:idea"]["role"] == "input"
    assert fg.inputs == {"idea": "input:idea", "style": "input:style"}
    assert [n for n, d in fg.nx.nodes(data=True) if d.get("output")] == ["remove-bg"]


def test_if_else_branch_and_conditional_edges() -> None:
    fg = flowgraph.graph(example("ifelse-skipped.json"))
    assert fg.nx.edges["classify", "portrait"]["kind"] == "branch"
    assert fg.nx.edges["classify", "portrait"]["equal"] == "if1"
    assert fg.nx.edges["classify", "landscape"]["equal"] == "else"
    assert fg.graph.edges["portrait", "remove-bg"]["kinds"] == ("data", "conditional")
    assert fg.graph.edges["landscape", "remove-bg"]["kinds"] == ("conditional",)


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
    assert fg.graph.edges["each-style", "render-Lm2p"]["kinds"] == ("data", "iteration")
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


def test_match_tables_of_an_empty_body_and_a_body_of_the_empty_id_do_not_collide() -> None:
    # "\x00".join([]) == "\x00".join([""]): the table of one body was served for the other
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "", "type": "model", "status": "skipped"},
        {"id": "loop-a", "type": "for-each", "status": "success"},
        {"id": "loop-b", "type": "for-each", "status": "success", "loopBodyNodeIds": [""]},
        {"id": "a-copy", "type": "model", "status": "success", "loopNodeId": "loop-a",
         "iterationIndex": 0},
        {"id": "b-copy", "type": "model", "status": "success", "loopNodeId": "loop-b",
         "iterationIndex": 0},
    ]}})
    assert fg.nx.nodes["b-copy"]["template"] == ""
    assert "template" not in fg.nx.nodes["a-copy"]
    assert [(f.code, f.node) for f in fg.lint() if f.code == "unmatched-copy"] == [
        ("unmatched-copy", "a-copy")]


def test_copies_map_to_the_template_of_their_type_then_of_their_model_then_the_closest() -> None:
    # the one template of a type takes every copy of that type, whatever its model; of two of
    # one type the copy's model picks, else the id closest to the copy's
    def node(i, t, **kw):
        return {"id": i, "type": t, "status": "success", **kw}

    def copy(i, t, it, **kw):
        return node(i, t, loopNodeId="each", iterationIndex=it, **kw)

    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        node("each", "for-each", loopBodyNodeIds=["gen-a", "gen-b", "bg"]),
        node("gen-a", "custom-model", modelId="m-a"), node("gen-b", "custom-model", modelId="m-b"),
        node("bg", "remove-background", modelId="m-bg"),
        copy("c1", "custom-model", 0, modelId="m-b"), copy("c2", "remove-background", 0,
                                                           modelId="other"),
        copy("gen-a-0", "custom-model", 1, modelId="m-z"), copy("c3", "remove-background", 1),
        copy("c4", "model", 1),
    ]}})
    templates = {n: d.get("template") for n, d in fg.nx.nodes(data=True) if n.startswith(("c", "gen-a-"))}
    assert templates == {"c1": "gen-b", "c2": "bg", "gen-a-0": "gen-a", "c3": "bg", "c4": None}
    assert fg.copy_templates == {"c1": "gen-b", "c2": "bg", "gen-a-0": "gen-a", "c3": "bg"}
    assert [(f.code, f.node) for f in fg.lint() if f.code == "unmatched-copy"] == [
        ("unmatched-copy", "c4")]


MUTUAL = [{"id": f"each-{i}", "type": "for-each", "status": "processing",
           "loopBodyNodeIds": [f"each-{j}" for j in range(9) if j != i]} for i in range(9)]


def test_for_each_nodes_listing_each_other_nest_once_and_are_reported() -> None:
    from flowgraph.screen import show_data
    from flowgraph.show import show_text

    fg = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": MUTUAL}})
    # handed out from the smallest id: each-0 holds the others, which hold nothing
    assert {k: loop.body for k, loop in fg.loops.items()} == {
        "each-0": [f"each-{j}" for j in range(1, 9)], **{f"each-{i}": [] for i in range(1, 9)}}
    assert edges(fg) == [("each-0", f"each-{j}", "loop_body") for j in range(1, 9)]
    found = [f for f in fg.lint() if f.code == "loop-body-conflict"]
    assert [f.node for f in found] == [f"each-{i}" for i in range(1, 9)]
    assert found[0].message == (
        "for-each 'each-1': loopBodyNodeIds entries ignored: 'each-0' (which contains it), "
        + ", ".join(f"'each-{j}' (already in the body of 'each-0')" for j in range(2, 9)))
    # one row per node: no walk over every order of the bodies (that took 24 s before)
    assert [(r["depth"], r["id"]) for r in show_data(fg)["rows"]] == [
        (0, "each-0"), *((1, f"each-{j}") for j in range(1, 9))]
    assert len(show_text(fg, expand_loops=True).splitlines()) < 30
    shuffled = list(reversed(MUTUAL))
    again = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": shuffled}})
    assert again.snapshot() == fg.snapshot()


def test_a_for_each_in_its_own_body_and_a_copy_of_a_node_that_is_no_loop() -> None:
    fg = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": [
        {"id": "loop", "type": "for-each", "status": "processing",
         "loopBodyNodeIds": ["loop", "gen", "gen", "gen-copy"]},
        {"id": "gen", "type": "model", "status": "skipped"},
        {"id": "gen-copy", "type": "model", "status": "success", "loopNodeId": "loop",
         "iterationIndex": 0, "loopBodyNodeIds": ["gen-copy"]},
        {"id": "stray", "type": "model", "status": "pending", "loopNodeId": "gen",
         "iterationIndex": 0, "dependsOn": ["gen-copy"]},
    ]}})
    assert fg.loops["loop"].body == ["gen"]
    assert fg.loops["gen-copy"].body == []
    assert fg.nx.nodes["gen-copy"]["template"] == "gen"
    assert sorted((f.code, f.node, f.message) for f in fg.lint()
                  if f.code in ("loop-body-conflict", "orphan-copy")) == [
        ("loop-body-conflict", "gen-copy",
         "for-each 'gen-copy': loopBodyNodeIds entries ignored: 'gen-copy' (itself)"),
        ("loop-body-conflict", "loop", "for-each 'loop': loopBodyNodeIds entries ignored: "
         "'loop' (itself), 'gen-copy' (a loop copy)"),
        ("orphan-copy", "stray", "loop copy names loopNodeId 'gen', which is not a for-each node"),
    ]
    assert edges(fg) == [("gen-copy", "stray", "depends_on"), ("loop", "gen", "loop_body"),
                         ("loop", "gen-copy", "iteration")]
    fg.blocked(), fg.snapshot(statuses=True, copies=True), fg.critical_path()


def _deep(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("levels", [600, 100_000])
def test_deep_values_and_duplicate_ids_build_and_write_back(levels: int) -> None:
    data = json.loads(example("approval-parked.json").read_text())
    flow = data["job"]["metadata"]["flow"]
    flow[1]["inputs"].append({"name": "deep", "value": _deep(levels)})
    flow[1]["output"] = {"nested": _deep(levels)}
    flow.append(dict(flow[1], status="failure"))  # a duplicate id, told apart by its value
    sources: list[object] = [data]
    if levels < 900:  # JSON text this deep still decodes
        sources.append(json.dumps(data))
    for source in sources:
        fg = flowgraph.graph(source)
        assert fg.nx.nodes["gen#2"]["duplicate_of"] == "gen"
        # duplicates sorted by their whole content (status "failure" < "success"), any depth
        assert (fg.nx.nodes["gen"]["status"], fg.nx.nodes["gen#2"]["status"]) == ("failure", "success")
        fg.snapshot(statuses=True, copies=True), fg.blocked(), fg.lint(), fg.summary()
        wire = fg.job.to_bundle()["job"]["metadata"]["flow"][1]
        depth, value = 0, wire["inputs"][-1]["value"]
        while value:
            value, depth = value[0], depth + 1
        assert depth == levels
    from flowgraph.model import canonical_json

    assert canonical_json(_deep(levels)) == "[" * (levels + 1) + "]" * (levels + 1)


def test_branch_values_and_items_nested_too_deeply_are_payload_errors() -> None:
    deep_equal = {"jobId": "j", "metadata": {"flow": [{"id": "if", "type": "logic"}, {
        "id": "b", "inputs": [{"name": "x", "ref": {"node": "if", "equal": _deep(40)}}]}]}}
    with pytest.raises(flowgraph.PayloadError,
                       match=r"^job.metadata.flow\[1\].inputs\[0\].ref.equal: nested more than 32 levels deep$"):
        flowgraph.load(deep_equal)
    inp: dict[str, object] = {"name": "leaf", "ref": {"node": "a"}}
    for _ in range(1000):
        inp = {"name": "x", "type": "inputs_array", "items": [[inp]]}
    with pytest.raises(flowgraph.PayloadError, match=r"items: inputs nested more than 32 levels deep$"):
        flowgraph.load({"jobId": "j", "metadata": {"flow": [{"id": "a"}, {"id": "b", "inputs": [inp]}]}})
    ok = {"jobId": "j", "metadata": {"flow": [{"id": "if", "type": "logic", "logic": {
        "cases": [{"condition": "x", "value": ["a", {"b": 1}]}], "default": {"k": [1]}}}]}}
    assert flowgraph.graph(ok).snapshot().count("case") == 1


def test_loops_nest_at_most_64_deep_so_every_reader_stays_shallow() -> None:
    from flowgraph.builder import MAX_LOOP_NESTING
    from flowgraph.render import render
    from flowgraph.show import show_text

    # 2000 for-each nodes, each the body of the one before: show overflowed the stack
    flow = [{"id": f"t{i:04d}", "type": "for-each", "loopBodyNodeIds": [f"t{i + 1:04d}"]}
            for i in range(2000)] + [{"id": "t2000", "type": "model"}]
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": flow}})
    assert MAX_LOOP_NESTING == 64
    assert fg.loops["t0063"].body == [] and fg.loops["t0064"].body == ["t0065"]
    cut = [f for f in fg.lint() if f.code == "loop-body-conflict"]
    assert cut[0].message == ("for-each 't0063': loopBodyNodeIds entries ignored: 't0064' "
                              "(a for-each nested more than 64 deep)")
    assert len(cut) == 31
    assert len(show_text(fg, width=None, view="all").splitlines()) > 2000
    render(fg, "dot"), render(fg, "mermaid")
    # 5000 loop copies, each spawned by the one before
    flow = [{"id": "c0", "type": "for-each", "loopBodyNodeIds": ["t"]},
            {"id": "t", "type": "for-each", "loopBodyNodeIds": ["t"]}]
    flow += [{"id": f"c{i}", "type": "for-each", "loopNodeId": f"c{i - 1}", "iterationIndex": 0}
             for i in range(1, 5000)]
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": flow}})
    assert fg.loops["c1"].iterations == {0: ["c2"]} and fg.loops["c63"].iterations == {0: ["c64"]}
    assert fg.loops["c64"].iterations == {}
    assert [f.message for f in fg.lint() if f.node == "c65"] == [
        "loop copy nested more than 64 loops deep (loopNodeId 'c64'); left out of its loop"]
    assert fg.nx.nodes["c1"]["template"] == "t"
    show_text(fg, expand_loops=True), render(fg, "dot", expand_loops=True)
