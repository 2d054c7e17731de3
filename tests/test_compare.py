"""flowgraph.diff: exact node and edge changes, folded loop counts, run deltas, determinism."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

import flowgraph
from flowgraph.changes import CountChange, CriticalPathChange, DurationChange, StatusChange, Wire
from tests.conftest import example


def job(*nodes: dict[str, Any], status: str = "success") -> dict[str, Any]:
    return {"jobId": "j", "status": status, "metadata": {"flow": list(nodes)}}


def ref(name: str, node: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "ref": {"node": node, "name": "out", **extra}}


def node_of(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    flow = data["job"]["metadata"]["flow"] if "job" in data else data["metadata"]["flow"]
    found: dict[str, Any] = next(n for n in flow if n["id"] == node_id)
    return found


BEFORE = job(
    {"id": "prompt", "type": "generate-prompt"},
    {"id": "gen", "type": "model", "modelId": "flux", "inputs": [ref("prompt", "prompt")]},
    {"id": "up", "type": "model", "modelId": "up-v3", "inputs": [ref("image", "gen")]},
    {"id": "old", "type": "remove-background", "inputs": [ref("image", "up")]},
)
AFTER = job(
    {"id": "prompt", "type": "generate-prompt"},
    {"id": "gen", "type": "custom-model", "modelId": "sdxl", "inputs": [ref("prompt", "prompt")]},
    {"id": "up", "type": "model", "modelId": "up-v3", "inputs": [ref("image", "prompt")],
     "dependsOn": ["gen"]},
    {"id": "new", "type": "transform", "logic": {"transform": "x"}, "inputs": [ref("i", "up")]},
)


def test_hand_made_pair_exact_nodes_and_edges() -> None:
    d = flowgraph.diff(BEFORE, AFTER)
    assert [n.id for n in d.nodes_added] == ["new"]
    assert [n.id for n in d.nodes_removed] == ["old"]
    assert [(c.id, c.fields) for c in d.nodes_changed] == [
        ("gen", {"type": ("model", "custom-model"), "model": ("flux", "sdxl")}),
        ("up", {}),
    ]
    up = d.nodes_changed[1]
    assert up.wires_removed == [Wire("image", "gen", "data")]
    assert up.wires_added == [Wire("image", "prompt", "data"), Wire(None, "gen", "depends_on")]
    assert [e.line() for e in d.edges_removed] == [
        "gen -> up: data (image)", "up -> old: data (image)"]
    assert [e.line() for e in d.edges_added] == [
        "gen -> up: depends_on", "prompt -> up: data (image)", "up -> new: data (i)"]
    assert (d.outputs_removed, d.outputs_added) == (["old"], ["new"])
    assert d.structural and not d.empty and d.counts == []
    assert d.text() == """\
- node old: remove-background
+ node new: transform transform="x"
~ node gen: type model -> custom-model
~ node gen: model flux -> sdxl
~ node up: - input image <- gen (data)
~ node up: + input image <- prompt (data)
~ node up: + input <- gen (depends_on)
- edge gen -> up: data (image)
+ edge gen -> up: depends_on
+ edge prompt -> up: data (image)
+ edge up -> new: data (i)
- edge up -> old: data (image)
- output old
+ output new
"""


def test_same_structure_is_empty_whatever_order_keys_and_statuses() -> None:
    shuffled = copy.deepcopy(BEFORE)
    random.Random(1).shuffle(shuffled["metadata"]["flow"])
    shuffled["metadata"]["flow"] = [dict(reversed(n.items())) for n in shuffled["metadata"]["flow"]]
    node_of(shuffled, "gen")["status"] = "failure"
    d = flowgraph.diff(BEFORE, shuffled)
    assert d.empty and not d.structural
    assert d.text() == "no differences\n"
    # statuses are compared with runs=True only
    assert flowgraph.diff(BEFORE, shuffled, runs=True).statuses == [
        StatusChange("gen", None, "failure")]


def test_branch_value_and_input_name_changes_replace_the_edge() -> None:
    before = job({"id": "pick", "type": "logic", "logicType": "if-else",
                  "logic": {"cases": [{"condition": "c", "value": "if1"}], "default": "else"}},
                 {"id": "a", "type": "model", "inputs": [ref("image", "pick", equal="if1")]})
    after = copy.deepcopy(before)
    after["metadata"]["flow"][0]["logic"]["cases"][0]["condition"] = "d"
    after["metadata"]["flow"][1]["inputs"][0] = ref("mask", "pick", equal="else")
    d = flowgraph.diff(before, after)
    assert [c.id for c in d.nodes_changed] == ["a", "pick"]  # nodes in id order
    assert d.nodes_changed[1].fields == {"cases": (('"if1": c',), ('"if1": d',))}
    assert d.text().splitlines() == [
        "~ node a: - input image <- pick (branch)",
        "~ node a: + input mask <- pick (branch)",
        '~ node pick: cases ["if1": c] -> ["if1": d]',
        '- edge pick -> a: branch ="if1" (image)',
        '+ edge pick -> a: branch ="else" (mask)',
    ]
    assert list(d.as_dict()["nodes"]["changed"][0]["inputs"]["added"]) == [
        {"input": "mask", "source": "pick", "kind": "branch"}]


def test_examples_approval_parked_vs_timed_bundle() -> None:
    d = flowgraph.diff(example("approval-parked.json"), example("timed-bundle.json"))
    assert [n.id for n in d.nodes_added] == ["thumb"]
    assert [n.id for n in d.nodes_removed] == ["input:style"]
    assert [(c.id, c.fields, c.wires_removed, c.wires_added) for c in d.nodes_changed] == [
        ("approve", {}, [Wire("images", "gen", "data")], []),
        ("gen", {}, [Wire("style", "input:style", "data")], []),
    ]
    assert [e.line() for e in d.edges_removed] == [
        "gen -> approve: data+depends_on (images)", "input:style -> gen: data (style)"]
    assert [e.line() for e in d.edges_added] == [
        "gen -> approve: depends_on", "prompt -> thumb: data (prompt)"]
    assert d.outputs_added == ["thumb"] and d.outputs_removed == []
    data = d.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["edges"]["added"][1] == {
        "source": "prompt", "target": "thumb", "kinds": ["data"], "inputs": ["prompt"],
        "equal": []}
    assert data["nodes"]["added"][0]["attrs"] == {"model": "model_thumbnailer"}
    reverse = flowgraph.diff(example("timed-bundle.json"), example("approval-parked.json"))
    assert [n.id for n in reverse.nodes_added] == ["input:style"]


def add_iteration(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    flow = data["job"]["metadata"]["flow"]
    for template in ("render", "upscale"):
        flow.append(dict(node_of(data, f"{template}-c9Zt"), id=f"{template}-d4Qw",
                         iterationIndex=3, jobId=f"job_{template}3"))
    return data


def test_extra_iteration_is_no_structural_change_only_counts(job_data: Any) -> None:
    before = job_data("foreach-failed.json")
    d = flowgraph.diff(before, add_iteration(before))
    assert not d.structural and not d.empty
    assert d.counts == [
        CountChange("each-style", "iterations", 3, 4),
        CountChange("render", "copies", 3, 4),
        CountChange("upscale", "copies", 3, 4),
    ]
    assert d.text() == (
        "~ count each-style: iterations 3 -> 4\n"
        "~ count render: copies 3 -> 4\n"
        "~ count upscale: copies 3 -> 4\n"
    )
    runs = flowgraph.diff(before, add_iteration(before), runs=True)
    assert runs.statuses == [StatusChange("render", "failure:1,success:2", "failure:1,success:3"),
                             StatusChange("upscale", "pending:1,success:2", "pending:1,success:3")]


def test_nested_loops_fold_to_the_same_structure_as_the_definition_shape(job_data: Any) -> None:
    data = job_data("nested-loops.json")
    fewer = copy.deepcopy(data)
    flow = fewer["job"]["metadata"]["flow"]
    fewer["job"]["metadata"]["flow"] = [n for n in flow if n["id"] not in ("shot-w21",)]
    d = flowgraph.diff(data, fewer)
    assert not d.structural
    assert d.counts == [CountChange("each-angle", "iterations", 4, 3),
                        CountChange("shot", "copies", 4, 3)]


def slower(data: dict[str, Any], job_id: str, end: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["nodeJobs"][job_id]["job"]["statusHistory"][-1]["date"] = end
    return data


def test_runs_slower_node_changes_the_critical_path_total_reported_first(job_data: Any) -> None:
    before = job_data("timed-bundle.json")
    after = slower(before, "job_tu", "2026-11-20T09:03:32.000Z")  # upscale: 32s -> 92s
    d = flowgraph.diff(before, after, runs=True)
    path = ["prompt", "gen", "approve", "upscale", "remove-bg"]
    assert d.critical_path == CriticalPathChange("duration", path, path, 133.5, 193.5)
    assert d.durations == [DurationChange("upscale", 32.0, 92.0, 60.0)]
    assert not d.structural and d.statuses == [] and d.job_status is None
    assert d.text() == (
        "~ critical path (duration): 2m13s -> 3m13s (+1m00s)\n"
        "    path: prompt > gen > approve > upscale > remove-bg\n"
        "~ duration upscale: 32.0s -> 1m32s (+1m00s)\n"
    )
    assert d.as_dict()["critical_path"] == {
        "weight": "duration", "changed": True,
        "before": {"nodes": path, "total": 133.5}, "after": {"nodes": path, "total": 193.5}}
    assert flowgraph.diff(before, after).critical_path is None  # only with runs=True


def test_runs_new_bottleneck_changes_the_path_nodes(job_data: Any) -> None:
    before = job_data("timed-bundle.json")
    after = slower(before, "job_tt", "2026-11-20T09:03:27.100Z")  # thumb: 6s -> 201s
    after["job"]["status"] = "failure"
    node_of(after, "remove-bg")["status"] = "failure"
    d = flowgraph.diff(before, after, runs=True)
    assert d.critical_path is not None
    assert (d.critical_path.after, d.critical_path.total_after) == (["prompt", "thumb"], 206.0)
    lines = d.text().splitlines()
    assert lines == [
        "~ critical path (duration): 2m13s -> 3m26s (+1m12s)",
        "    before: prompt > gen > approve > upscale > remove-bg",
        "    after:  prompt > thumb",
        "~ duration thumb: 6.0s -> 3m21s (+3m15s)",
        "~ job status: success -> failure",
        "~ status remove-bg: success -> failure",
    ]


def test_runs_without_timings_compare_hops_and_statuses() -> None:
    parked = example("approval-parked.json")
    data = json.loads(parked.read_text())
    node_of(data, "approve")["status"] = "success"
    node_of(data, "upscale")["status"] = "processing"
    d = flowgraph.diff(parked, data, runs=True)
    assert d.critical_path is not None and d.critical_path.weight == "hops"
    assert not d.critical_path.changed and d.durations == []
    assert d.text() == ("~ status approve: pending -> success\n"
                        "~ status upscale: pending -> processing\n")


def test_definition_vs_run_reports_the_kind() -> None:
    flow = json.loads(example("approval-parked.json").read_text())["job"]["metadata"]["flow"]
    d = flowgraph.diff({"workflow": {"id": "wflow_1", "flow": flow}}, example("approval-parked.json"))
    assert d.kind == ("definition", "run") and d.structural
    assert d.text() == "~ kind: definition -> run\n"


@pytest.mark.parametrize("name", ["foreach-failed.json", "nested-loops.json", "timed-bundle.json"])
def test_text_is_deterministic_under_shuffles(job_data: Any, name: str) -> None:
    data = job_data(name)
    other = job_data("approval-parked.json")
    expected = flowgraph.diff(other, data, runs=True).text()
    rng = random.Random(5)
    for _ in range(5):
        rng.shuffle(data["job"]["metadata"]["flow"])
        assert flowgraph.diff(other, data, runs=True).text() == expected
