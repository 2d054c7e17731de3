"""Sub-workflows: every view goes inside a ``workflow`` node's child job (``flowgraph.subflows``)."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.subflows import child_graph, resolve
from tests.test_describe import SUB

SVG = "{http://www.w3.org/2000/svg}"


def test_blocked_names_the_gate_inside_the_sub_workflow() -> None:
    items = [(b.node, b.reason, b.causes, b.inside) for b in flowgraph.graph(SUB).blocked()]
    assert items == [
        ("brand/artDirectorOK", "awaiting-approval", ["brand/artDirectorOK"], "brand"),
        ("brand/kit", "waiting-on-gate", ["brand/artDirectorOK"], "brand"),
        ("brand", "waiting-on-gate", ["brand/artDirectorOK"], None),
    ]
    brand = flowgraph.graph(SUB).blocked()[-1]
    assert brand.message == (
        "waits for a gate parked for a person: 'artDirectorOK' inside sub-workflow brand")
    assert brand.as_dict()["chain"] == ["brand/artDirectorOK", "brand"]
    assert "inside" not in brand.as_dict()  # only set inside a sub-workflow


def test_what_waits_on_the_sub_workflow_is_blocked_by_the_inner_gate() -> None:
    data = copy.deepcopy(SUB)
    data["job"]["metadata"]["flow"].append(
        {"id": "publish", "type": "transform", "status": "pending", "dependsOn": ["brand"]})
    last = flowgraph.graph(data).blocked()[-1]
    assert (last.node, last.reason, last.causes, last.chain) == (
        "publish", "waiting-on-gate", ["brand/artDirectorOK"],
        ["brand/artDirectorOK", "brand", "publish"])


def test_blocked_cli_text_and_exit_code(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    path.write_text(json.dumps(SUB))
    assert main(["blocked", str(path)]) == 1
    assert capsys.readouterr().out == (
        "3 blocked node(s), 1 root cause(s)\n\n"
        "brand/artDirectorOK: parked until a person acts: approve or reject it (inside "
        "sub-workflow brand)\n"
        "  blocks (waiting-on-gate): brand/kit, brand\n"
        "  brand/artDirectorOK -> brand/kit\n")


def test_show_indents_the_child_and_resumes_the_gate_on_the_child_job(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "sub.json"
    path.write_text(json.dumps(SUB))
    assert main(["show", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["depth"], r.get("inside")) for r in data["rows"]] == [
        ("idea", 0, None), ("brand", 0, None), ("brand/logo", 1, "brand"),
        ("brand/artDirectorOK", 1, "brand"), ("brand/kit", 1, "brand")]
    gate = data["gates"][0]
    assert (gate["node"], gate["body"]) == (
        "brand/artDirectorOK",
        {"nodeId": "artDirectorOK", "workflowJobId": "c2", "action": "approve"})
    assert gate["path"] == "/workflows/wf_brand/user-approval"
    assert data["next"]["text"] == (
        "approve or reject the gate artDirectorOK inside sub-workflow brand with the call "
        "above; 2 nodes wait for it")
    assert main(["show", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith(("✓ ", "● ", "⏸ ", "○ "))] == [
        "idea", "brand", "brand/logo", "brand/artDirectorOK", "brand/kit"]
    assert any(line.startswith("⏸    brand/artDirectorOK") for line in lines)  # indented


def test_critical_path_goes_inside(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cp = flowgraph.graph(SUB).critical_path()
    assert (cp.nodes, cp.inside) == (
        ["idea", "brand"], {"brand": ["brand/logo", "brand/artDirectorOK", "brand/kit"]})
    assert [(e["node"], e.get("inside")) for e in cp.entries] == [
        ("idea", None), ("brand", None), ("brand/logo", "brand"),
        ("brand/artDirectorOK", "brand"), ("brand/kit", "brand")]
    path = tmp_path / "sub.json"
    path.write_text(json.dumps(SUB))
    assert main(["critical-path", str(path)]) == 0
    rows = capsys.readouterr().out.splitlines()[3:8]
    assert [r.split()[:2] for r in rows] == [
        ["1", "idea"], ["2", "brand"], ["↳", "brand/logo"], ["↳", "brand/artDirectorOK"],
        ["↳", "brand/kit"]]


def test_render_draws_the_child_in_a_cluster_with_its_node(tmp_path: Path) -> None:
    path, out = tmp_path / "sub.json", tmp_path / "sub.svg"
    path.write_text(json.dumps(SUB))
    assert main(["render", str(path), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    clusters = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") == "cluster":
            texts = [t.text for t in g.iter(SVG + "text")]
            clusters[texts[0]] = texts
    assert clusters["sub-workflow brand"][:2] == ["sub-workflow brand", "job c2: in-progress"]
    boxes = sorted(next(g.iter(SVG + "text")).text or "" for g in root.iter(SVG + "g")
                   if g.get("class") == "node" and g.findtext(SVG + "title") != "legend")
    assert boxes == ["artDirectorOK", "brand", "idea", "kit", "logo"]  # real dot's layout
    dot = flowgraph.graph(SUB).to_dot(job_ids=False).source
    assert "c2" not in dot and "sub-workflow brand" in dot


def nested(levels: int) -> dict[str, Any]:
    """A run whose sub-workflow has a sub-workflow ... ``levels`` deep, a gate at the bottom."""
    jobs: dict[str, Any] = {}
    for i in reversed(range(1, levels + 1)):
        flow: list[dict[str, Any]] = [{"id": "gate", "type": "user-approval", "status": "pending"}]
        if i < levels:
            flow = [{"id": f"sub{i + 1}", "type": "workflow", "status": "processing",
                     "jobId": f"c{i + 1}"}]
        jobs[f"c{i}"] = {"jobId": f"c{i}", "status": "in-progress", "metadata": {"flow": flow}}
    return {"job": {"jobId": "root", "status": "in-progress", "metadata": {"flow": [
        {"id": "sub1", "type": "workflow", "status": "processing", "jobId": "c1"}]}},
        "nodeJobs": jobs}


def test_nested_sub_workflows_and_their_depth_bound() -> None:
    fg = flowgraph.graph(nested(2))  # flat: every child job beside the run's
    assert [b.node for b in fg.blocked()] == ["sub1/sub2/gate", "sub1/sub2", "sub1"]
    assert fg.describe("sub1/sub2/gate").parent == "sub1/sub2"
    found = resolve(fg, "sub1/sub2/gate")
    assert found is not None and (found[0].job.job_id, found[1]) == ("c2", "gate")
    deep = flowgraph.graph(nested(6))  # deeper than DEFAULT_BUNDLE_DEPTH: the views stop there
    assert [b.node for b in deep.blocked()] == []
    assert flowgraph.graph(nested(6)).render("dot")


def test_a_job_that_contains_itself_has_no_child_graph(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    data = {"job": {"jobId": "j", "status": "in-progress", "metadata": {"flow": [
        {"id": "me", "type": "workflow", "status": "processing", "jobId": "c"}]}},
        "nodeJobs": {"c": {"jobId": "c", "status": "in-progress", "metadata": {"flow": [
            {"id": "again", "type": "workflow", "status": "processing", "jobId": "c"}]}}}}
    fg = flowgraph.graph(data)
    inner = child_graph(fg, "me")
    assert inner is not None and child_graph(inner, "again") is None
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(data))
    for command in (["show"], ["blocked"], ["critical-path"], ["render", "-o", "-", "--format",
                                                                "dot"]):
        assert main([command[0], str(path), *command[1:]]) in (0, 1)
    assert "me/again" in capsys.readouterr().out


def test_a_failed_node_inside_is_marked_as_the_root_cause_in_the_picture() -> None:
    data = copy.deepcopy(SUB)
    data["nodeJobs"]["c2"]["metadata"]["flow"][0]["status"] = "failure"  # logo failed
    fg = flowgraph.graph(data)
    assert [(b.node, b.reason, b.causes) for b in fg.blocked()][-1] == (
        "brand", "failed-upstream", ["brand/logo"])
    from flowgraph.render.scene import build_scene

    scene = build_scene(fg, highlight_blocked=True)
    logo = next(b for b in scene.boxes if b.node == "brand/logo")
    assert (logo.mark, logo.note) == ("root", "root cause: failed, blocks 3")
    assert flowgraph.graph(data).render("svg", highlight_blocked=True).startswith(b"<?xml")
