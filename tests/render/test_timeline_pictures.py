"""The timeline pictures: Chrome Trace Event JSON (render/trace.py), Gantt SVG (render/gantt.py)."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.errors import FlowgraphError
from flowgraph.render import format_for
from flowgraph.timeline import timeline

ROOT = Path(__file__).resolve().parent.parent.parent
TIMED = [
    ROOT / "examples" / "timed-bundle.json",
    ROOT / "tests" / "fixtures" / "timed-diamond.json",
    ROOT / "tests" / "fixtures" / "timed-loop.json",
]
SVG = "{http://www.w3.org/2000/svg}"


def _hostile() -> dict[str, Any]:
    """hostile-ids.json with a node job for every node, one after the other."""
    bundle = json.loads((ROOT / "tests" / "fixtures" / "hostile-ids.json").read_text())
    bundle = copy.deepcopy(bundle)
    jobs = {}
    for i, node in enumerate(bundle["job"]["metadata"]["flow"]):
        node["jobId"] = f"job_{i}"
        node["status"] = "success"
        history = [("pending", 2 * i), ("in-progress", 2 * i + 1), ("success", 2 * i + 2)]
        jobs[f"job_{i}"] = {
            "job": {
                "jobId": f"job_{i}",
                "status": "success",
                "statusHistory": [
                    {"status": s, "date": f"2026-11-20T09:00:{t:02d}.000Z"} for s, t in history
                ],
            }
        }
    bundle["nodeJobs"] = jobs
    return bundle


@pytest.mark.parametrize("path", TIMED, ids=lambda p: p.stem)
def test_the_trace_has_its_keys_and_one_slice_per_running_span(path: Path) -> None:
    fg = flowgraph.graph(path)
    doc = json.loads(fg.render("trace"))
    assert set(doc) == {"traceEvents", "displayTimeUnit", "otherData"}
    events = doc["traceEvents"]
    for e in events:
        assert {"ph", "name", "pid", "args"} <= set(e)
        assert e["ph"] in ("M", "X")
        if e["ph"] == "X":
            assert {"ts", "dur", "tid", "cat"} <= set(e)
            assert isinstance(e["ts"], int) and isinstance(e["dur"], int) and e["dur"] > 0
            assert {"node", "type", "model", "cost", "error", "kind"} <= set(e["args"])
    slices = [e for e in events if e["ph"] == "X"]
    assert [e["ts"] for e in slices] == sorted(e["ts"] for e in slices)  # monotonic
    first_slice = events.index(slices[0])
    assert all(e["ph"] == "M" for e in events[:first_slice])
    spans = timeline(fg).spans
    running = sorted(s.node for s in spans if s.kind == "running")
    assert sorted(e["name"] for e in slices if e["cat"] == "running") == running
    assert [e["name"] for e in slices if e["pid"] == 0] == [
        n for n in fg.critical_path().nodes if any(s.node == n for s in spans)
    ]
    assert fg.render("trace") == fg.render("trace")  # deterministic


def test_loop_copies_are_a_process_per_loop_and_a_thread_per_iteration() -> None:
    doc = json.loads(flowgraph.graph(TIMED[2]).render("trace"))
    names = {
        (e["pid"], e.get("tid")): e["args"]["name"] for e in doc["traceEvents"] if e["ph"] == "M"
    }
    gen = {e["name"]: (e["pid"], e["tid"]) for e in doc["traceEvents"] if e.get("cat") == "running"}
    assert names[(gen["gen-0"][0], None)] == "loop loop"
    assert names[gen["gen-0"]] == "iteration 0" and names[gen["gen-1"]] == "iteration 1"
    gate = [e for e in doc["traceEvents"] if e.get("cat") == "gate"]
    assert [(e["name"], e["dur"]) for e in gate] == [("approve", 14_000_000)]


@pytest.mark.parametrize("path", TIMED, ids=lambda p: p.stem)
def test_the_gantt_has_a_bar_per_span_and_marks_the_critical_path(path: Path) -> None:
    fg = flowgraph.graph(path)
    svg = fg.render("gantt")
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(SVG + "rect") if "bar" in r.get("class", "").split()]
    spans = timeline(fg).spans
    assert len(bars) == len(spans)
    assert {b.get("data-node") for b in bars} == {s.node for s in spans}
    critical = {b.get("data-node") for b in bars if "critical" in b.get("class", "").split()}
    assert critical == set(fg.critical_path().nodes) & {s.node for s in spans}
    kinds = {b.get("data-node"): set() for b in bars}
    for b in bars:
        kinds[b.get("data-node")].add(b.get("class", "").split()[1])
    assert all(k <= {"queued", "running", "gate"} for k in kinds.values())
    assert any(t.get("class") == "axis" for t in root.iter(SVG + "text"))  # a time axis
    assert fg.render("gantt") == svg


def test_hostile_ids_are_safe_in_both() -> None:
    fg = flowgraph.graph(_hostile())
    ids = {n.id for n in fg.job.flow}
    doc = json.loads(fg.render("trace"))
    assert {e["name"] for e in doc["traceEvents"] if e.get("cat") == "running"} == ids
    root = ET.fromstring(fg.render("gantt"))  # parses: every text is escaped
    nodes = {r.get("data-node") for r in root.iter(SVG + "rect") if r.get("data-node") is not None}
    assert nodes == ids


def test_without_node_jobs_there_is_no_timeline() -> None:
    fg = flowgraph.graph(ROOT / "examples" / "approval-parked.json")
    for fmt in ("trace", "gantt"):
        with pytest.raises(FlowgraphError, match="no node jobs"):
            fg.render(fmt)


def test_the_cli_picks_them_by_format_or_name(tmp_path: Path) -> None:
    assert format_for("run.trace.json") == "trace" and format_for("run.json") == "json"
    assert format_for("run.gantt.svg") == "gantt" and format_for("x.json", "trace") == "trace"
    out = tmp_path / "run.trace.json"
    assert main(["render", str(TIMED[0]), "-o", str(out)]) == 0
    assert "traceEvents" in json.loads(out.read_text())
    out = tmp_path / "chart.svg"
    assert main(["render", str(TIMED[0]), "--format", "gantt", "-o", str(out)]) == 0
    ET.fromstring(out.read_text())


def test_the_readme_picture_is_the_clis() -> None:
    picture = ROOT / "docs" / "timed-bundle-gantt.svg"
    assert picture.read_text() == flowgraph.graph(TIMED[0]).render("gantt").decode()


def test_many_loop_copies_share_a_row_per_iteration(monkeypatch: pytest.MonkeyPatch) -> None:
    from flowgraph.render import gantt

    fg = flowgraph.graph(TIMED[2])
    rows = ET.fromstring(gantt.to_gantt(fg)).iter(SVG + "g")
    assert [r.get("data-row") for r in rows if r.get("class") == "row"] == [
        "prep",
        "gen-0",
        "gen-1",
        "collect",
        "approve",
        "final",
    ]
    monkeypatch.setattr(gantt, "COLLAPSE_ABOVE", 1)
    root = ET.fromstring(gantt.to_gantt(fg))
    labels = [r.get("data-row") for r in root.iter(SVG + "g") if r.get("class") == "row"]
    assert labels == ["prep", "loop [0] gen-0", "loop [1] gen-1", "collect", "approve", "final"]
