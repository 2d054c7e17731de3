"""``flowgraph.screen``: show's data without its layout, built from GraphData, and its layering."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from flowgraph import config
from flowgraph._graph import GraphData
from flowgraph.builder import build_graph
from flowgraph.screen import resume_call, show_data, shown_id, shown_ids
from flowgraph.show import SYMBOLS
from flowgraph.sources import load
from tests.conftest import ROOT, example, fixture


def data(path: Any, **options: Any) -> dict[str, Any]:
    g: GraphData = build_graph(load(path))
    assert type(g) is GraphData  # the data needs no FlowGraph
    return show_data(g, **options)


def test_show_data_reads_plain_graph_data() -> None:
    out = data(example("approval-parked.json"))
    assert [r["id"] for r in out["rows"]] == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    assert [r["state"] for r in out["rows"]] == [
        "success",
        "success",
        "parked",
        "pending",
        "pending",
    ]
    assert out["statuses"] == {"success": 2, "parked": 1, "pending": 2}
    assert out["next"]["action"] == "resolve-gate" and out["next"]["nodes"] == ["approve"]


@pytest.mark.parametrize(
    "name",
    ["approval-parked.json", "foreach-failed.json", "nested-loops.json", "timed-bundle.json"],
)
@pytest.mark.parametrize("expand", [False, True])
def test_the_data_carries_no_layout(name: str, expand: bool) -> None:
    blob = json.dumps(data(example(name), expand_loops=expand), ensure_ascii=False)
    assert "\x1b" not in blob
    assert not set(SYMBOLS.values()) & set(blob)


def test_expanded_rows_list_iterations_and_copies() -> None:
    rows = data(example("foreach-failed.json"), expand_loops=True)["rows"]
    iteration = next(r for r in rows if r["id"] == "iteration 1")
    assert (iteration["state"], iteration["states"]) == ("failure", {"failure": 1, "pending": 1})
    copy = next(r for r in rows if r["id"] == "upscale-Lm2p")
    assert (copy["kind"], copy["loop"], copy["iteration"]) == ("copy", "each-style", 1)
    assert copy["blocked_by"]["causes"] == ["render-Lm2p"]


def test_the_resume_call_is_built_from_the_config() -> None:
    call = resume_call("user-approval", "ok", "job_1", "wflow_1")
    base = f"${{{config.ENV_BASE_URL}:-{config.DEFAULT_BASE_URL}}}"
    assert call["curl_lines"][0] == f'curl -X PUT "{base}/workflows/wflow_1/user-approval"'
    assert call["curl_lines"][1].startswith(f'-u "${config.ENV_API_KEY}:${config.ENV_API_SECRET}" ')
    assert call["curl"] == " ".join(call["curl_lines"])


def test_a_cycle_orders_rows_by_id() -> None:
    out = data(fixture("broken.json"))
    assert out["order"] == "sorted"
    assert out["next"]["action"] == "fix-workflow"


def test_shown_ids_keep_empty_ids_visible_and_count_the_rest() -> None:
    assert shown_id("") == '""' and shown_id("a\nb") == "a\ufffdb"
    assert shown_ids(["a", "", "c", "d"]) == 'a, "" +2 more'
    assert shown_ids(["a"], 3) == "a"


@pytest.mark.parametrize("module", ["flowgraph.screen", "flowgraph.show", "flowgraph.report"])
def test_the_text_modules_stay_below_the_package_face(module: str) -> None:
    code = (
        f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('flowgraph')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    for face in (
        "flowgraph.flow_graph",
        "flowgraph.cli",
        "flowgraph._args",
        "flowgraph.api",
        "flowgraph.render",
    ):
        assert f"'{face}'" not in loaded and f"'{face}." not in loaded, (module, face)
