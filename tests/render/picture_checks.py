"""Helpers of the picture tests (tests/render/): read an SVG, check DOT and SVG are safe, and
build runs whose every untrusted field is hostile text."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from typing import Any

from conftest import EXAMPLES, FIXTURES

import flowgraph

SVG = "{http://www.w3.org/2000/svg}"


RUNS = sorted(EXAMPLES.glob("*.json")) + sorted(FIXTURES.glob("*.json"))


ALL_ON = {"highlight_critical": True, "highlight_blocked": True}


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def title(g: ET.Element) -> str:
    el = g.find(f"{SVG}title")
    return "" if el is None else "".join(el.itertext())


def texts(g: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    """Node groups by their DOT id (the SVG ``<title>``)."""
    return {title(g): g for g in groups(root, "node")}


_SHAPES = (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")


def fills(g: ET.Element) -> set[str]:
    return {el.get("fill", "") for el in g.iter() if el.tag in _SHAPES}


def strokes(g: ET.Element) -> set[str]:
    return {el.get("stroke", "") for el in g.iter() if el.tag in _SHAPES}


def box_of(scene: Any, node: str) -> Any:
    return next(b for b in scene.boxes if b.node == node)


def assert_safe_svg(data: bytes) -> ET.Element:
    """Well-formed XML with nothing executable: no script, image, on* or non-http link.

    Hostile text may show as text (a label that reads ``javascript:``), never as a link."""
    root = ET.fromstring(data)
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        assert tag not in {"script", "image", "foreignobject", "iframe", "object", "embed"}
        for name, value in el.attrib.items():
            local = name.split("}")[-1].lower()
            assert not local.startswith("on"), (name, value)
            if local == "href":
                assert re.match(r"https?://", value), value
            if local != "title":
                assert "javascript:" not in value.lower() and "data:" not in value.lower()
    return root


_LINE = re.compile(
    r"digraph flowgraph \{|\t+(graph|node|edge) \[.*\]|\t+subgraph cluster_\w+ \{|\t*\}"
    r"|\t+(n\d+|legend) \[.*\]|\t+n\d+ -> n\d+( \[.*\])?|\t+\w+=.*"
)


def assert_dot_structure(source: str, nodes: int, edges: int) -> None:
    """Every line of the DOT text is one statement of a known form: synthetic ids, no ports,
    no comments; the numbers of node and edge statements are as expected."""
    lines = source.rstrip("\n").split("\n")  # DOT's own line ends, not str.splitlines()
    for line in lines:
        assert _LINE.fullmatch(line), line
        assert not line.lstrip().startswith(("//", "#", "/*")), line
    assert sum(bool(re.match(r"\t+n\d+ \[", line)) for line in lines) == nodes
    assert sum(bool(re.match(r"\t+n\d+ -> n\d+", line)) for line in lines) == edges
    assert "image=" not in source and "shapefile" not in source.lower()


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same payload with every dict's keys and the flow list in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        out = {}
        for key, item in items:
            item = shuffled(item, rng)
            if key == "flow" and isinstance(item, list):
                item = list(item)
                rng.shuffle(item)
            out[key] = item
        return out
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def run(flow: list[dict[str, Any]], **job: Any) -> flowgraph.FlowGraph:
    data = {
        "jobId": "job_t",
        "jobType": "workflow",
        "status": "in-progress",
        **job,
        "metadata": {"flow": flow, **job.pop("metadata", {})},
    }
    return flowgraph.graph(data)


# -- hostile text (reliability cases 30-37) ---------------------------------------------------
EVIL = [
    "<x> ]; injected [shape=box]; y [label=<z>",
    "node [shape=box]",
    'a"b',
    "}; digraph x {",
    "ends\\",
    "\\N",
    "\\G",
    "a\\lb",
    "<IMG SRC=javascript:alert(1)>",
    '" onmouseover="alert(1)',
    "/* c */ // d # e",
    "&quot;&#60;&amp;",
    "<script>alert(1)</script>",
    "x -> y:z",
    "strict",
]


BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'x" onmouseover="alert(1)',
    "/etc/hostname",
    "file:///etc/hostname",
    'https://ok.example/a" onmouseover="alert(1)',
]


GOOD_URL = "https://cdn.example.com/a.png?x=1&y=2"


def evil_bundle(texts: list[str]) -> dict[str, Any]:
    """A run whose every untrusted field carries hostile text: ids, model ids, input names,
    branch values, node job errors and hints, asset URLs, the job id and the job's error."""
    flow: list[dict[str, Any]] = []
    node_jobs = {}
    for i, text in enumerate(texts):
        node: dict[str, Any] = {
            "id": text,
            "type": "model",
            "status": ["success", "failure", "pending"][i % 3],
            "modelId": text,
            "jobId": f"job_{i}",
            "assets": [{"assetId": f"a{i}", "url": BAD_URLS[i % len(BAD_URLS)]}],
        }
        if i:
            node["inputs"] = [{"name": text, "ref": {"node": texts[i - 1], "name": "out"}}]
        flow.append(node)
        node_jobs[f"job_{i}"] = {
            "job": {
                "jobId": f"job_{i}",
                "status": "failure",
                "metadata": {"error": text, "hint": text},
            }
        }
    flow[0]["assets"].append({"assetId": "good", "url": GOOD_URL})
    t = [texts[i % len(texts)] for i in range(4)]
    flow.append(
        {
            "id": "route",
            "type": "logic",
            "status": "success",
            "output": t[0],
            "inputs": [{"name": t[1], "ref": {"node": t[0]}}],
        }
    )
    flow.append(
        {
            "id": "branch",
            "type": "model",
            "status": "pending",
            "inputs": [{"name": t[2], "ref": {"node": "route", "equal": t[3]}}],
        }
    )
    job = {
        "jobId": "job " + t[0],
        "jobType": "workflow",
        "status": t[1],
        "metadata": {"flow": flow, "error": t[2], "hint": t[3]},
    }
    return {"job": job, "nodeJobs": node_jobs}
