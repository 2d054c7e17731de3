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
    assert call["curl_lines"][0] == (
        f'curl -X PUT "{base}/workflows/wflow_1/user-approval?projectId=YOUR_PROJECT_ID"'
    )
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


def test_the_gates_of_an_ended_job_are_never_parked() -> None:
    out = data(fixture("show-canceled-gate.json"))
    assert out["gates"] == []
    assert [(r["id"], r["state"]) for r in out["rows"]] == [
        ("gen", "success"),
        ("approve", "pending"),
        ("upscale", "pending"),
    ]
    assert [(r["id"], (r["blocked_by"] or {}).get("reason")) for r in out["rows"]] == [
        ("gen", None),
        ("approve", "job-ended"),
        ("upscale", "job-ended"),
    ]


def test_the_screen_takes_blocked_s_word_for_what_is_parked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One place decides whether a gate is parked: blocked() (it says job-ended for an ended
    job's gate itself); the screen rewrites nothing."""
    import flowgraph.screen as screen
    from flowgraph.blocked import Blocked

    def said(_g: GraphData) -> list[Blocked]:
        return [Blocked("approve", "awaiting-approval", ["approve"])]

    monkeypatch.setattr(screen, "blocked", said)
    out = data(fixture("show-canceled-gate.json"))
    assert [(gate["node"], gate["reason"]) for gate in out["gates"]] == [
        ("approve", "awaiting-approval")
    ]
    assert not hasattr(screen, "_ended_gates")


def test_a_rejection_in_a_loop_of_a_running_job_says_what_it_cut_off() -> None:
    """The loop rejected because of an iteration is not the gate; the job runs on."""
    step = data(fixture("real-foreach-reject-running.json"))["next"]
    assert (step["action"], step["nodes"]) == ("re-run", ["review-Qz8m"])
    assert step["text"] == (
        "the gate review-Qz8m (each-shot iteration 1) was rejected; the job runs on without "
        "6 nodes it cut off (upscale-Qz8m, review-Wd2r, upscale-Wd2r +3 more): "
        "start a new run if that was a mistake"
    )


def test_a_rejection_in_a_loop_of_a_canceled_job_says_the_job_ended() -> None:
    step = data(fixture("ended-foreach-reject-canceled.json"))["next"]
    assert (step["action"], step["nodes"]) == ("re-run", ["review-Qz8m"])
    assert step["text"] == (
        "the gate review-Qz8m (each-shot iteration 1) was rejected and the job was canceled at "
        "2026-11-20 09:06:41 UTC: start a new run if that was a mistake"
    )


def test_a_rejected_gate_nothing_waited_on_leaves_the_job_running() -> None:
    g = build_graph(
        load(
            {
                "jobId": "j",
                "status": "in-progress",
                "metadata": {
                    "flow": [
                        {"id": "ok", "type": "user-approval", "status": "rejected"},
                        {"id": "gen", "type": "model", "status": "processing"},
                    ]
                },
            }
        )
    )
    assert show_data(g)["next"]["text"] == (
        "the gate ok was rejected (nothing waited on it); the job runs on: "
        "start a new run if that was a mistake"
    )


def test_the_header_says_where_the_cost_comes_from_and_names_what_did_not_load() -> None:
    job = data(fixture("show-failed-bundle.json"))["job"]
    assert (job["cost"], job["cost_detail"]["source"], job["cost_detail"]["job"]) == (
        21.0,
        "node-jobs",
        0.0,
    )
    assert job["not_loaded"] == 1
    assert [(m["job_id"], m["node"]) for m in job["not_loaded_nodes"]] == [("job_ft", "thumb")]
    assert (job["error"], job["ended_at"]) == ("Node upscale failed", "2026-11-22T10:03:10.000Z")


def test_a_resume_call_without_a_project_says_so() -> None:
    call = resume_call("user-approval", "ok", "job_1", "wflow_1")
    assert (call["project_id_known"], call["path"]) == (False, "/workflows/wflow_1/user-approval")
    assert "?projectId=YOUR_PROJECT_ID" in call["curl"]
    known = resume_call("user-approval", "ok", "job_1", "wflow_1", project_id="proj_7")
    assert known["project_id_known"] and known["path"].endswith("?projectId=proj_7")


def test_a_lone_surrogate_in_a_workflow_id_does_not_break_the_call() -> None:
    call = resume_call("user-approval", "ok\ud800", "job_1", "wflow_\udfff")
    assert call["path"] == "/workflows/wflow_%3F/user-approval"
    assert "\\ud800" in call["curl"]  # the JSON body escapes it
