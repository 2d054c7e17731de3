"""``fg.describe(node)`` and ``flowgraph node``: everything about one node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.errors import NodeNotFoundError
from tests.conftest import example

#: a run whose sub-workflow node ``brand`` has its child workflow job in the bundle
SUB = {
    "job": {
        "jobId": "j", "status": "in-progress",
        "metadata": {"flow": [
            {"id": "idea", "type": "generate-prompt", "status": "success", "jobId": "c1"},
            {"id": "brand", "type": "workflow", "workflowId": "wf_brand", "status": "processing",
             "jobId": "c2", "inputs": [{"name": "prompt", "ref": {"node": "idea", "name": "text"}}]},
        ]},
    },
    "nodeJobs": {
        "c1": {"jobId": "c1", "status": "success", "billing": {"cuCost": 3}, "statusHistory": [
            {"status": "queued", "date": "2026-01-01T00:00:00Z"},
            {"status": "in-progress", "date": "2026-01-01T00:00:02Z"},
            {"status": "success", "date": "2026-01-01T00:00:12Z"}]},
        "c2": {"jobId": "c2", "status": "in-progress", "metadata": {"flow": [
            {"id": "logo", "type": "model", "modelId": "model_logo", "status": "success"},
            {"id": "artDirectorOK", "type": "user-approval", "status": "pending",
             "dependsOn": ["logo"]},
            {"id": "kit", "type": "transform", "status": "pending", "dependsOn": ["artDirectorOK"]},
        ]}},
    },
}


def test_a_copy_inside_a_nested_loop() -> None:
    info = flowgraph.graph(example("nested-loops.json")).describe("shot-w20")
    assert info.as_dict() == {
        "id": "shot-w20", "type": "custom-model", "status": "success",
        "model_id": "model_product-shot", "workflow_id": None,
        "loop": "each-angle-w2", "iteration": 0, "template": "shot", "job_id": "job_shot10",
        "inputs": [{"name": "product", "value": None, "ref": {"node": "each-angle", "name": "item"},
                    "resolved": {"node": "each-angle-w2", "iteration": 0}}],
        "depends_on": [], "timing": {"queued": None, "run": None, "total": None},
        "cost": None, "error": None, "hint": None, "assets": [], "blocks": [], "blocked_by": [],
        "blocked_reason": None, "slack": 0.0, "parent": None,
    }


def test_a_failed_copy_names_its_item_and_what_it_blocks() -> None:
    info = flowgraph.graph(example("foreach-failed.json")).describe("render-Lm2p")
    assert info.text() == (
        "node: render-Lm2p\ntype: custom-model\nstatus: failure\nmodel: model_sdxl-styles\n"
        "loop: each-style iteration 1 (copy of render)\njob: job_render1\ninputs:\n"
        "  prompt <- workflow.subject -> input:subject\n"
        "  style <- each-style.item item 1 = 'isometric'\n"
        "blocks: contact-sheet, upscale-Lm2p\nslack: 0"
    )
    blocked = flowgraph.graph(example("foreach-failed.json")).describe("upscale-Lm2p")
    assert (blocked.blocked_by, blocked.blocked_reason) == (["render-Lm2p"], "failed-upstream")
    assert blocked.inputs[0]["resolved"] == {"node": "render-Lm2p"}


def test_timing_and_cost_from_the_node_job() -> None:
    info = flowgraph.graph(SUB).describe("idea")
    assert (info.timing, info.cost, info.job_id) == (
        {"queued": 2.0, "run": 10.0, "total": 12.0}, 3.0, "c1")


def test_a_parent_child_path_goes_inside_the_sub_workflow() -> None:
    fg = flowgraph.graph(SUB)
    info = fg.describe("brand/artDirectorOK")
    assert (info.id, info.parent, info.type, info.status) == (
        "brand/artDirectorOK", "brand", "user-approval", "pending")
    assert (info.blocked_by, info.blocked_reason, info.blocks) == (
        ["artDirectorOK"], "awaiting-approval", ["kit"])
    assert fg.describe("brand").inputs[0]["resolved"] == {"node": "idea"}
    with pytest.raises(NodeNotFoundError):
        fg.describe("brand/nope")
    with pytest.raises(NodeNotFoundError):
        fg.describe("idea/logo")  # not a sub-workflow


def test_cli_node(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    path.write_text(json.dumps(SUB))
    assert main(["node", str(path), "brand/logo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("id", "type", "status", "model_id", "parent")} == {
        "id": "brand/logo", "type": "model", "status": "success", "model_id": "model_logo",
        "parent": "brand"}
    keys = {"id", "type", "status", "loop", "iteration", "template", "job_id", "inputs",
            "depends_on", "timing", "cost", "error", "hint", "blocks", "blocked_by"}
    assert keys <= set(data)
    assert main(["node", str(path), "brand/kit"]) == 0
    assert capsys.readouterr().out == (
        "node: brand/kit\ntype: transform\nstatus: pending\ninside: brand\n"
        "depends on: artDirectorOK\nblocked by: artDirectorOK (waiting-on-gate)\nslack: 0\n"
    )
    assert main(["node", str(path), "nope"]) == 2
    assert "nope" in capsys.readouterr().err
