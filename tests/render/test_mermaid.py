"""Mermaid text (flowgraph.render.mermaid): every line one statement of a known form with synthetic
ids, escaped labels that decode back to the payload's text, loops as subgraphs, the same
colours and counts as the Graphviz picture, deterministic."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, FIXTURES, example
from picture_checks import EVIL, evil_bundle, shuffled

import flowgraph
from flowgraph.render.mermaid import escape_mermaid, to_mermaid
from flowgraph.render.scene import build_scene
from flowgraph.render.styles import STATES

RUNS = sorted(EXAMPLES.glob("*.json")) + sorted(FIXTURES.glob("*.json"))
LABEL = r'(?:[^"<>`;#|\[\]{}\\\n\r]|<br/>|#(?:\d+|quot|lt|gt|amp);)*'
NODE = re.compile(
    rf' +n\d+(?:\(|\{{|\[/|\[\\|\{{\{{|\[\[|>|\(\[|\[)"({LABEL})"'
    r"(?:\)|\}|/\]|\\\]|\}\}|\]\]|\]\)|\])"
)
SUBGRAPH = re.compile(rf' +subgraph c\d+\["({LABEL})"\]')
EDGE = re.compile(rf' +n\d+ (?:-->|-\.->|==>)(?:\|"({LABEL})"\|)? n\d+')
OTHER = re.compile(
    r"flowchart LR| +end| +linkStyle \d+(?:,\d+)* stroke:#[0-9a-f]{6}"
    r"| +classDef st_[a-z]+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}"
    r"(?:,stroke-dasharray:4 3)?| +class n\d+(?:,n\d+)* st_[a-z]+"
)


def parse(text: str) -> dict[str, list[str]]:
    """Check every line's form; return the labels of nodes, subgraphs and edges."""
    assert text.startswith("flowchart LR\n") and text.endswith("\n")
    found: dict[str, list[str]] = {"node": [], "subgraph": [], "edge": []}
    depth = 0
    for line in text.rstrip("\n").split("\n"):
        for kind, pattern in (("node", NODE), ("subgraph", SUBGRAPH), ("edge", EDGE)):
            m = pattern.fullmatch(line)
            if m:
                found[kind].append(m.group(1) or "")
                break
        else:
            assert OTHER.fullmatch(line), line
        depth += line.lstrip().startswith("subgraph ") - (line.strip() == "end")
        assert depth >= 0
    assert depth == 0
    return found


def decode(label: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return named[code] if code in named else chr(int(code))

    return re.sub(r"#(\d+|quot|lt|gt|amp);", one, label.replace("<br/>", "\n"))


@pytest.mark.parametrize("expand", [False, True], ids=["collapsed", "expanded"])
@pytest.mark.parametrize("path", RUNS, ids=[p.name for p in RUNS])
def test_every_run_is_well_formed_and_matches_the_scene(path: Path, expand: bool) -> None:
    fg = flowgraph.graph(path)
    scene = build_scene(fg, expand_loops=expand)
    found = parse(to_mermaid(fg, expand_loops=expand))
    assert len(found["node"]) == len(scene.boxes)
    assert len(found["edge"]) == len(scene.links)
    assert len(found["subgraph"]) == len(scene.clusters)
    assert sorted(decode(label) for label in found["node"]) == sorted(
        "\n".join(box.lines + ([box.note] if box.note else [])) for box in scene.boxes
    )


def test_approval_parked() -> None:
    text = to_mermaid(flowgraph.graph(example("approval-parked.json")))
    assert text.splitlines()[1:4] == [
        '  n0{{"approve<br/>user-approval<br/>pending: waiting for a person"}}',
        '  n1("gen<br/>custom-model: model_flux-dev-product<br/>success")',
        '  n2>"idea<br/>workflow input"]',
    ]
    assert "  n0 -.-> n6\n" in text and '  n1 -->|"images"| n0\n' in text
    gate = STATES["gate"]
    assert f"  classDef st_gate fill:{gate.fill},stroke:{gate.stroke},color:{gate.font}\n" in text
    assert "  class n0 st_gate\n" in text and "  class n5,n6 st_blocked\n" in text


def test_collapsed_and_expanded_loops() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    text = to_mermaid(fg)
    assert "2 ok / 1 failed<br/>failed: iteration 1" in text
    assert "3 iterations: 2 ok / 1 failed" in text and "render-Lm2p" not in text
    assert re.search(r"  n\d+ ==> n\d+\n", text)  # loop results
    assert re.search(r"  linkStyle [\d,]+ stroke:#b0bec5\n", text) is None  # body edge hidden
    expanded = to_mermaid(fg, expand_loops=True)
    for copy in ("render-x8Fq", "render-Lm2p", "render-c9Zt", "upscale-Lm2p"):
        assert f'("{copy}<br/>' in expanded
    assert '    subgraph c1["iteration 1: failed"]' in expanded


def test_nested_loops_nest() -> None:
    text = to_mermaid(flowgraph.graph(example("nested-loops.json")))
    lines = text.splitlines()
    outer = lines.index('  subgraph c1["for-each each-product<br/>collapsed: 8 copies"]')
    inner = lines.index('    subgraph c0["for-each each-angle"]')
    assert outer < inner
    assert lines[inner + 1].startswith("      n") and "3 ok / 1 running" in text


def test_hostile_text_is_escaped_and_reads_back() -> None:
    fg = flowgraph.graph(evil_bundle(EVIL))
    text = to_mermaid(fg)
    found = parse(text)
    assert len(found["node"]) == len(EVIL) + 2 and len(found["edge"]) == len(EVIL) + 1
    firsts = [decode(label).split("\n")[0] for label in found["node"]]
    for evil in EVIL:
        assert evil in firsts
    edge_labels = {decode(label) for label in found["edge"]}
    assert set(EVIL[1:]) <= edge_labels | {EVIL[3]}
    for bad in ("<script", "<IMG", "javascript:alert(1)>", "`", "click ", "%%"):
        assert bad not in text


def test_control_characters_and_newlines_never_break_a_statement() -> None:
    labels = ["a\nb", "c\r\nd", "e\x00f", "g\x1b[1mh", "end", "subgraph x", "i\u2028j"]
    fg = flowgraph.graph(evil_bundle(labels))
    found = parse(to_mermaid(fg))
    assert len(found["node"]) == len(labels) + 2
    decoded = [decode(label) for label in found["node"]]
    for want in ("a\nb\n", "c\nd\n", "ef\n", "g[1mh\n", "end\n", "subgraph x\n", "i\nj\n"):
        assert any(label.startswith(want) for label in decoded), want


@pytest.mark.parametrize(
    "text, want",
    [
        ('say "hi"', "say #quot;hi#quot;"),
        ("<b>", "#lt;b#gt;"),
        ("`md`", "#96;md#96;"),
        ("a;b", "a#59;b"),
        ("#quot;", "#35;quot#59;"),
        ("x|y", "x#124;y"),
        ("a\nb", "a<br/>b"),
        ("café ok", "café ok"),
        ("a\x00b", "ab"),
        ("%% comment", "#37;#37; comment"),
    ],
    ids=[
        "quote",
        "angle",
        "backtick",
        "semicolon",
        "entity",
        "pipe",
        "newline",
        "unicode",
        "nul",
        "comment",
    ],
)
def test_escape_mermaid(text: str, want: str) -> None:
    assert escape_mermaid(text) == want


def test_shuffled_runs_give_identical_text(job_data: Any) -> None:
    for name in ("foreach-failed.json", "nested-loops.json", "broken.json"):
        data = job_data(name)
        want = to_mermaid(flowgraph.graph(data))
        rng = random.Random(name)
        for _ in range(10):
            assert to_mermaid(flowgraph.graph(shuffled(data, rng))) == want


def test_a_workflow_definition() -> None:
    fg = flowgraph.graph(
        {
            "workflow": {
                "id": "wflow_x",
                "flow": [
                    {"id": "a", "type": "model"},
                    {"id": "b", "type": "logic", "dependsOn": ["a"]},
                ],
            }
        }
    )
    text = to_mermaid(fg)
    assert parse(text)["node"] == ["a<br/>model<br/>no status", "b<br/>logic<br/>no status"]
    assert "  class n0,n1 st_none\n" in text
