"""``--focus NODE [--depth N]``: one node and its neighbourhood (``flowgraph.focus``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.errors import NodeNotFoundError
from flowgraph.focus import around, path_through
from tests.conftest import example


def test_around_goes_depth_steps_each_way() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert around(fg, "approve", 1) == {"gen", "approve", "upscale"}
    assert around(fg, "approve", 0) == {"approve"}
    assert around(fg, "approve") == {"input:idea", "input:style", "prompt", "gen", "approve", "upscale", "remove-bg"}
    with pytest.raises(NodeNotFoundError):
        around(fg, "nope")


def test_path_through_a_node_off_the_critical_path() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    chain = path_through(fg, "thumb")
    assert (chain.nodes, chain.total, chain.weight, chain.slack) == (
        ["prompt", "thumb"], 11.0, "duration", 122.5)
    assert path_through(fg, "approve").nodes == fg.critical_path().nodes


def test_show_focus(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    assert main(["show", path, "--focus", "upscale-Lm2p", "--depth", "1"]) == 1
    rows = [line.split()[1] for line in capsys.readouterr().out.splitlines()
            if line[:1] in "✓✗○" and line[1:3] == "  "]
    assert rows == ["each-style", "↳", "↳", "contact-sheet"]
    assert main(["show", path, "--focus", "style-list", "--depth", "1"]) == 1
    rows = [line.split()[1] for line in capsys.readouterr().out.splitlines()
            if line[:1] in "✓✗○" and line[1:3] == "  "]
    assert rows == ["style-list", "each-style"]


def test_critical_path_focus(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("timed-bundle.json"))
    assert main(["critical-path", path, "--focus", "thumb"]) == 0
    assert capsys.readouterr().out == (
        "longest chain through thumb (duration): 11.0s; slack 2m02s\n  1. prompt\n  2. thumb\n")
    assert main(["critical-path", path, "--focus", "thumb", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "node": "thumb", "weight": "duration", "nodes": ["prompt", "thumb"], "total": 11.0,
        "slack": 122.5}


def test_expand_loops_over_the_limit_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    assert main(["render", path, "-o", "-", "--format", "dot", "--expand-loops",
                 "--max-copies", "2"]) == 0
    assert capsys.readouterr().err == (
        "--expand-loops: drew collapsed each-style (6 copies): over the limit of 2; raise it "
        "with --max-copies 6\n")
    assert main(["render", path, "-o", "-", "--format", "dot", "--expand-loops"]) == 0
    assert capsys.readouterr().err == ""


def test_mermaid_honours_highlight(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    assert main(["render", path, "-o", "-", "--format", "mermaid", "--highlight",
                 "critical,blocked"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-7:] == [
        "  classDef hl_critical stroke:#d32f2f,stroke-width:4px",
        "  class n0,n1,n3,n4,n5 hl_critical",
        "  classDef hl_blocked stroke:#ef6c00,stroke-width:3px,stroke-dasharray:6 3",
        "  class n0,n5 hl_blocked",
        "  classDef hl_root stroke:#b71c1c,stroke-width:4px",
        "  class n3 hl_root",
        "  linkStyle 1,3,4,5 stroke:#d32f2f,stroke-width:3px",
    ]
    assert main(["render", path, "-o", "-", "--format", "mermaid"]) == 0
    assert "hl_" not in capsys.readouterr().out


def test_no_dot_says_to_use_format_dot_or_mermaid() -> None:
    from flowgraph.render._dot_exec import INSTALL_HINT

    assert "flowgraph render --format dot|mermaid" in INSTALL_HINT


def test_render_focus_draws_the_neighbourhood(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    out = tmp_path / "focus.svg"
    path = str(example("approval-parked.json"))
    assert main(["render", path, "--focus", "approve", "--depth", "1", "-o", str(out)]) == 0
    svg = "{http://www.w3.org/2000/svg}"
    boxes = [next(g.iter(svg + "text")).text for g in ET.parse(out).getroot().iter(svg + "g")
             if g.get("class") == "node" and g.findtext(svg + "title") != "legend"]
    assert sorted(boxes) == ["approve", "gen", "upscale"]  # the real dot's picture
    assert main(["render", path, "--focus", "nope", "-o", str(out)]) == 2
    assert capsys.readouterr().err == "flowgraph render: error: no node 'nope' in this graph\n"
    assert main(["render", path, "--focus", "upscale", "--format", "mermaid", "-o", "-"]) == 0
    boxes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  n")
             and "-" not in line.split('"')[0]]
    assert [line.split('"')[1].split("<br/>")[0] for line in boxes] == [
        "approve", "gen", "idea", "style", "prompt", "remove-bg", "upscale"]
    assert main(["render", path, "--focus", "upscale", "--depth", "1", "--format", "mermaid",
                 "-o", "-"]) == 0
    assert "idea" not in capsys.readouterr().out


def test_show_iteration_lists_one_iteration(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    assert main(["show", path, "--iteration", "each-style:1", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["id"], r["kind"], r["depth"]) for r in rows] == [
        ("style-list", "node", 0), ("each-style", "loop", 0), ("render", "body", 1),
        ("upscale", "body", 1), ("iteration 1", "iteration", 1), ("render-Lm2p", "copy", 2),
        ("upscale-Lm2p", "copy", 2), ("contact-sheet", "node", 0)]
    assert rows[4]["states"] == {"failure": 1, "pending": 1}
    assert main(["show", path, "--iteration", "each-style:9"]) == 2
    assert capsys.readouterr().err == (
        "flowgraph show: error: --iteration: each-style has no iteration 9 (iterations 0-2)\n")
    assert main(["show", path, "--iteration", "render"]) == 2
    assert "expected LOOP:K" in capsys.readouterr().err


def test_render_iteration_draws_its_copies_in_a_cluster(tmp_path: Path) -> None:
    out = tmp_path / "one.svg"
    path = str(example("nested-loops.json"))
    assert main(["render", path, "--iteration", "each-product:0", "-o", str(out)]) == 0
    svg = "{http://www.w3.org/2000/svg}"
    inside = {}
    for g in ET.parse(out).getroot().iter(svg + "g"):
        if g.get("class") == "cluster" and (g.findtext(svg + "title") or "").startswith("cluster"):
            texts = [t.text for t in g.iter(svg + "text")]
            inside[texts[0]] = texts
    assert "iteration 0: ok" in inside  # the cluster of the one iteration, drawn by real dot
    boxes = sorted(next(g.iter(svg + "text")).text or "" for g in ET.parse(out).getroot().iter(
        svg + "g") if g.get("class") == "node" and g.findtext(svg + "title") != "legend")
    assert boxes == ["caption", "caption-q1", "catalog", "each-angle", "each-angle-q1",
                     "each-product", "products", "shot", "shot-q10", "shot-q11"]
