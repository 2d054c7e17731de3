"""``flowgraph show``: the header, node rows, BLOCKED-BY, loops, gates, next step, colour, scale."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest

import flowgraph
from flowgraph.show import resume_call, show_data, show_text
from tests.conftest import ROOT, example, fixture

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def text(name: str, **options: Any) -> str:
    return show_text(flowgraph.graph(example(name)), **options)


def row(out: str, node: str) -> str:
    """The table line whose NODE cell is ``node`` (indented or behind a ``↳``)."""
    found = [
        line for line in out.splitlines() if re.match(rf"^\S\s+(↳ )?{re.escape(node)}(\s|$)", line)
    ]
    assert len(found) == 1, (node, found)
    return found[0]


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def table_ids(data: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(r["depth"], r["kind"], r["id"]) for r in data["rows"]]


# -- approval parked ------------------------------------------------------------------------------
def test_approval_parked_header_rows_and_blocked_by() -> None:
    out = text("approval-parked.json")
    lines = out.splitlines()
    assert lines[0] == "job job_r3Vq8ApprovalParked  workflow wflow_product_shots"
    assert lines[1] == "status ● in-progress  progress 40%  nodes 5: 2 ok / 1 parked / 2 pending"
    assert lines[2] == (
        "created 2026-11-20 09:00:00 UTC  updated 2026-11-20 09:04:00 UTC  "
        "elapsed 4m00s  cost 18 CU"
    )
    assert lines[3] == "inputs: idea, style"
    assert "error:" not in out and "hint:" not in out
    header = next(line for line in lines if "NODE" in line)
    assert cells(header) == ["NODE", "TYPE", "MODEL", "TIME", "BLOCKED-BY / NOTE"]
    table = lines[lines.index(header) + 1 : lines.index(header) + 6]
    assert [cells(line)[1] for line in table] == [
        "prompt",
        "gen",
        "approve",
        "upscale",
        "remove-bg",
    ]
    assert cells(row(out, "gen")) == ["✓", "gen", "custom-model", "model_flux-dev-product", "-"]
    assert cells(row(out, "approve")) == [
        "⏸",
        "approve",
        "user-approval",
        "-",
        "-",
        "a person (awaiting-approval)",
    ]
    assert cells(row(out, "upscale"))[-1] == "approve (waiting-on-gate)"
    assert cells(row(out, "remove-bg"))[-1] == "approve (waiting-on-gate)"
    assert row(out, "upscale").startswith("○")
    assert (
        lines[-1]
        == "next: approve or reject the gate approve with the call above; 2 nodes wait for it"
    )


def test_approval_parked_prints_the_exact_resume_call() -> None:
    out = text("approval-parked.json")
    assert "gate approve (user-approval) waits for a person; resume it with:" in out
    start = out.index("  curl -X PUT")
    command = out[start : out.index("\n  (to reject it")].replace("\\\n", " ")
    argv = shlex.split(command)
    assert argv[:3] == ["curl", "-X", "PUT"]
    assert argv[3] == (
        "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}"
        "/workflows/wflow_product_shots/user-approval?projectId=YOUR_PROJECT_ID"
    )
    assert argv[argv.index("-u") + 1] == "$SCENARIO_SDK_API_KEY:$SCENARIO_SDK_API_SECRET"
    assert json.loads(argv[argv.index("-d") + 1]) == {
        "nodeId": "approve",
        "workflowJobId": "job_r3Vq8ApprovalParked",
        "action": "approve",
    }
    assert (
        "  python: from scenario_sdk import Scenario; Scenario().workflows.user_approval("
        "'wflow_product_shots', project_id='YOUR_PROJECT_ID', node_id='approve', "
        "workflow_job_id='job_r3Vq8ApprovalParked', action='approve')"
    ) in out.splitlines()


def test_the_sdk_call_matches_the_installed_sdk() -> None:
    inspect = pytest.importorskip("inspect")
    workflows = pytest.importorskip("scenario_sdk.resources.workflows")
    params = inspect.signature(workflows.WorkflowsResource.user_approval).parameters
    assert {"project_id", "node_id", "workflow_job_id", "action"} <= set(params)
    params = inspect.signature(workflows.WorkflowsResource.user_selection).parameters
    assert {"project_id", "node_id", "workflow_job_id", "action", "selected_indices"} <= set(params)


def test_no_credentials_are_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENARIO_SDK_API_KEY", "key-sekrit-123")
    monkeypatch.setenv("SCENARIO_SDK_API_SECRET", "secret-sekrit-456")
    monkeypatch.setenv("SCENARIO_SDK_JWT", "jwt-sekrit-789")
    fg = flowgraph.graph(example("approval-parked.json"))
    blob = show_text(fg) + json.dumps(show_data(fg))
    assert "sekrit" not in blob


def test_project_id_goes_into_the_calls() -> None:
    data = show_data(flowgraph.graph(example("approval-parked.json")), project_id="proj_7")
    (gate,) = data["gates"]
    assert gate["path"] == "/workflows/wflow_product_shots/user-approval?projectId=proj_7"
    assert 'user-approval?projectId=proj_7"' in gate["curl"]
    assert "project_id='proj_7'" in gate["python"]
    assert (gate["node"], gate["reason"], gate["method"]) == ("approve", "awaiting-approval", "PUT")


# -- ForEach with a failed iteration ----------------------------------------------------------
def test_foreach_failed_collapsed_loop() -> None:
    out = text("foreach-failed.json")
    lines = out.splitlines()
    assert (
        lines[1] == "status ✗ failure  progress 80%  nodes 9: 5 ok / 2 failed / 2 pending  loops 1"
    )
    assert "duration 4m00s  cost 42.5 CU" in lines[2]
    assert "error: Node render-Lm2p failed: NSFW content detected" in lines
    assert "hint: Change the prompt of iteration 1 (isometric) and run the workflow again." in lines
    assert cells(row(out, "each-style")) == [
        "✗",
        "each-style",
        "for-each",
        "-",
        "-",
        "3 iterations: 2 ok / 1 failed",
    ]
    render = lines.index(row(out, "render"))
    assert cells(lines[render]) == [
        "✗",
        "↳ render",
        "custom-model",
        "model_sdxl-styles",
        "-",
        "2 ok / 1 failed",
    ]
    assert lines[render + 1].strip() == "failed: iteration 1 (render-Lm2p)"
    upscale = lines.index(row(out, "upscale"))
    assert cells(lines[upscale])[-1] == "2 ok / 1 pending"
    assert lines[upscale + 1].strip() == "1 blocked by render-Lm2p (failed-upstream)"
    assert cells(row(out, "contact-sheet"))[-1] == "render-Lm2p (failed-upstream)"
    assert "render-x8Fq" not in out  # copies are collapsed
    assert lines[-1] == (
        "next: fix the failed node render-Lm2p (each-style iteration 1) and re-run the workflow"
    )


def test_foreach_failed_data() -> None:
    data = show_data(flowgraph.graph(example("foreach-failed.json")))
    assert table_ids(data) == [
        (0, "node", "style-list"),
        (0, "loop", "each-style"),
        (1, "body", "render"),
        (1, "body", "upscale"),
        (0, "node", "contact-sheet"),
    ]
    loop, render, upscale = data["rows"][1:4]
    assert (loop["iterations"], loop["iteration_states"], loop["failed_iterations"]) == (
        3,
        {"success": 2, "failure": 1},
        [1],
    )
    assert render["states"] == {"success": 2, "failure": 1}
    assert render["failed"] == [{"loop": "each-style", "iteration": 1, "node": "render-Lm2p"}]
    assert render["nodes"] == ["render-x8Fq", "render-Lm2p", "render-c9Zt"]
    assert upscale["blocked"] == [
        {"reason": "failed-upstream", "count": 1, "causes": ["render-Lm2p"]}
    ]
    assert data["rows"][4]["blocked_by"]["causes"] == ["render-Lm2p"]
    assert data["next"] == {
        "action": "fix-failed",
        "nodes": ["render-Lm2p"],
        "text": (
            "fix the failed node render-Lm2p (each-style iteration 1) and re-run the workflow"
        ),
    }
    assert data["job"]["error"] == "Node render-Lm2p failed: NSFW content detected"
    assert data["order"] == "topological"
    json.dumps(data)


def test_foreach_failed_expanded() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    data = show_data(fg, expand_loops=True)
    assert table_ids(data) == [
        (0, "node", "style-list"),
        (0, "loop", "each-style"),
        (1, "iteration", "iteration 0"),
        (2, "copy", "render-x8Fq"),
        (2, "copy", "upscale-x8Fq"),
        (1, "iteration", "iteration 1"),
        (2, "copy", "render-Lm2p"),
        (2, "copy", "upscale-Lm2p"),
        (1, "iteration", "iteration 2"),
        (2, "copy", "render-c9Zt"),
        (2, "copy", "upscale-c9Zt"),
        (0, "node", "contact-sheet"),
    ]
    out = show_text(fg, expand_loops=True)
    assert cells(row(out, "iteration 1")) == ["✗", "iteration 1", "-", "1 failed / 1 pending"]
    assert cells(row(out, "upscale-Lm2p"))[-1] == "render-Lm2p (failed-upstream)"
    assert row(out, "render-Lm2p").startswith("✗      render-Lm2p")
    assert "loops collapsed" not in out


# -- if/else, nested loops, a timed bundle ---------------------------------------------------
def test_ifelse_branch_not_taken_is_skipped_not_blocked() -> None:
    out = text("ifelse-skipped.json")
    assert cells(row(out, "landscape")) == [
        "⊘",
        "landscape",
        "custom-model",
        "model_landscape-enhance",
        "-",
    ]
    assert row(out, "remove-bg").startswith("●")
    assert "BLOCKED-BY" in out and "(" not in "".join(cells(row(out, "remove-bg"))[4:])
    assert out.splitlines()[-1] == "next: wait: 1 node running (remove-bg)"


def test_nested_loops_collapse_level_by_level() -> None:
    fg = flowgraph.graph(example("nested-loops.json"))
    data = show_data(fg)
    assert table_ids(data) == [
        (0, "node", "products"),
        (0, "loop", "each-product"),
        (1, "body", "each-angle"),
        (2, "body", "shot"),
        (1, "body", "caption"),
        (0, "node", "catalog"),
    ]
    out = show_text(fg)
    assert cells(row(out, "each-product"))[-1] == "2 iterations: 1 ok / 1 running"
    assert cells(row(out, "each-angle"))[-1] == "1 ok / 1 running"
    assert cells(row(out, "shot"))[-1] == "3 ok / 1 running"
    assert row(out, "shot").startswith("●      ↳ shot")
    assert out.splitlines()[-1] == "next: wait: 1 node running (shot-w21)"
    expanded = show_data(fg, expand_loops=True)
    assert table_ids(expanded)[9:13] == [
        (1, "iteration", "iteration 1"),
        (2, "loop", "each-angle-w2"),
        (3, "iteration", "iteration 0"),
        (4, "copy", "shot-w20"),
    ]


def test_timed_bundle_durations_and_success() -> None:
    out = text("timed-bundle.json")
    assert "duration 2m40s  cost 32.5 CU" in out.splitlines()[2]
    assert cells(row(out, "gen")) == ["✓", "gen", "custom-model", "model_flux-dev-product", "1m30s"]
    assert cells(row(out, "remove-bg"))[-1] == "6.5s"
    assert cells(row(out, "approve"))[-1] == "-"
    assert [cells(line)[1] for line in out.splitlines() if line[:1] == "✓"] == [
        "prompt",
        "gen",
        "thumb",
        "approve",
        "upscale",
        "remove-bg",
    ]
    assert out.splitlines()[-1] == "next: nothing to do: run succeeded"
    assert show_data(flowgraph.graph(example("timed-bundle.json")))["rows"][1]["duration"] == 90.0


# -- colour, untrusted ids, broken graphs ---------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "approval-parked.json",
        "foreach-failed.json",
        "ifelse-skipped.json",
        "nested-loops.json",
        "timed-bundle.json",
    ],
)
def test_colour_only_when_asked(name: str) -> None:
    plain = text(name)
    coloured = text(name, color=True)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain


def test_colours_mean_something() -> None:
    out = text("foreach-failed.json", color=True)
    assert "\x1b[31m✗\x1b[0m  each-style" in out
    assert "\x1b[32m✓\x1b[0m  style-list" in out
    assert "\x1b[31mrender-Lm2p (failed-upstream)\x1b[0m" in out
    assert "\x1b[33;1m⏸\x1b[0m  approve" in text("approval-parked.json", color=True)


def test_hostile_ids_never_reach_the_terminal_raw() -> None:
    fg = flowgraph.graph(fixture("hostile-ids.json"))
    out = show_text(fg)
    assert all(ch.isprintable() or ch == "\n" for ch in out)
    assert "line\ufffdbreak" in out
    assert '""' in out  # the empty id is visible
    assert all(len(line) <= 100 for line in out.splitlines())


def test_resume_call_quotes_untrusted_ids_for_a_shell() -> None:
    node = "it's\n$(rm -rf ~)`x`\u202e"
    call = resume_call("user-approval", node, "job_'1", "wflow_a b/c")
    assert call["curl"].isprintable()
    argv = shlex.split(call["curl"])
    assert argv[3].endswith("/workflows/wflow_a%20b%2Fc/user-approval?projectId=YOUR_PROJECT_ID")
    assert json.loads(argv[argv.index("-d") + 1])["nodeId"] == node
    assert call["python"].isprintable()
    assert f"node_id={node!r}" in call["python"]


def test_a_cycle_falls_back_to_sorted_order_and_says_so() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    data = show_data(fg)
    assert data["order"] == "sorted"
    ids = [r["id"] for r in data["rows"]]
    assert ids == sorted(ids)
    out = show_text(fg)
    assert "note: the graph has a cycle, so rows are sorted by id" in out
    assert cells(row(out, "needs-ghost"))[-1] == "ghost (missing-dependency)"
    assert cells(row(out, "ghost"))[:3] == ["?", "ghost", "(not in the flow)"]
    assert cells(row(out, "self"))[-1] == "self (cycle)"
    assert out.splitlines()[-1].startswith("next: fix the workflow: missing node or cycle at")


def test_selection_gate_without_a_workflow_id() -> None:
    fg = flowgraph.graph(fixture("new-enums.json"))
    data = show_data(fg)
    (gate,) = data["gates"]
    assert gate["body"] == {
        "action": "select",
        "nodeId": "gate",
        "workflowJobId": "job_N3wEnums",
        "selectedIndices": [0],
    }
    assert gate["path"] == "/workflows/WORKFLOW_ID/user-selection"
    out = show_text(fg)
    assert "(the job does not name its workflow: replace WORKFLOW_ID)" in out
    assert (
        "workflows.user_selection('WORKFLOW_ID', project_id='YOUR_PROJECT_ID', action='select'"
        in out
    )
    assert row(out, "warp").startswith("?")
    assert out.splitlines()[-1] == "next: select items or reject the gate gate with the call above"


def test_definition_and_ended_jobs() -> None:
    definition = flowgraph.graph(
        {
            "workflow": {
                "id": "wflow_d",
                "flow": [
                    {"id": "a", "type": "model"},
                    {"id": "b", "type": "model", "dependsOn": ["a"]},
                ],
            }
        }
    )
    out = show_text(definition)
    assert out.splitlines()[0] == "workflow wflow_d  (a definition: nothing has run)"
    assert row(out, "b").startswith("·")
    assert out.splitlines()[-1].startswith("next: nothing ran: this is a workflow definition")
    canceled = flowgraph.graph(
        {
            "jobId": "j",
            "status": "canceled",
            "metadata": {
                "flow": [
                    {"id": "a", "type": "model", "status": "success"},
                    {"id": "b", "type": "model", "status": "pending", "dependsOn": ["a"]},
                ]
            },
        }
    )
    out = show_text(canceled)
    assert cells(row(out, "b"))[-1] == "the job ended (job-ended)"
    assert (
        out.splitlines()[-1]
        == "next: the job ended (canceled) before 1 node(s) ran: re-run the workflow"
    )
    rejected = flowgraph.graph(
        {
            "jobId": "j",
            "status": "canceled",
            "metadata": {
                "flow": [
                    {"id": "ok", "type": "user-approval", "status": "rejected"},
                    {"id": "b", "type": "model", "status": "pending", "dependsOn": ["ok"]},
                ]
            },
        }
    )
    out = show_text(rejected)
    assert cells(row(out, "b"))[-1] == "ok (rejected-upstream)"
    assert out.splitlines()[-1].startswith("next: the gate ok was rejected")


def test_narrow_width_keeps_table_lines_short() -> None:
    out = text("foreach-failed.json", width=72)
    table = [
        line for line in out.splitlines() if not line.startswith(("  curl", "    -", "  python"))
    ]
    assert max(len(line) for line in table) <= 80
    assert row(out, "contact-sheet")


# -- 10,000-node runs ------------------------------------------------------------------------
def big_run(iterations: int = 3000) -> dict[str, Any]:
    """One loop of ``iterations`` x 3 body nodes; every 500th iteration fails."""
    flow: list[dict[str, Any]] = [
        {"id": "items", "type": "list", "status": "success"},
        {
            "id": "each",
            "type": "for-each",
            "status": "failure",
            "loopBodyNodeIds": ["render", "caption", "upscale"],
            "inputs": [{"name": "array", "ref": {"node": "items", "name": "all"}}],
        },
        {
            "id": "render",
            "type": "custom-model",
            "modelId": "m_r",
            "status": "skipped",
            "inputs": [{"name": "x", "ref": {"node": "each", "name": "item"}}],
        },
        {"id": "caption", "type": "generate-prompt", "status": "skipped", "dependsOn": ["render"]},
        {
            "id": "upscale",
            "type": "model",
            "modelId": "m_u",
            "status": "skipped",
            "inputs": [{"name": "image", "ref": {"node": "caption", "name": "image"}}],
        },
        {
            "id": "sheet",
            "type": "transform",
            "status": "pending",
            "inputs": [{"name": "all", "ref": {"node": "each", "name": "all"}}],
        },
    ]
    for i in range(iterations):
        failed = i % 500 == 7
        done = "pending" if failed else "success"
        common = {"loopNodeId": "each", "iterationIndex": i}
        flow += [
            {
                "id": f"render-{i}",
                "type": "custom-model",
                "modelId": "m_r",
                "status": "failure" if failed else "success",
                **common,
            },
            {
                "id": f"caption-{i}",
                "type": "generate-prompt",
                "status": done,
                "dependsOn": ["render"],
                **common,
            },
            {
                "id": f"upscale-{i}",
                "type": "model",
                "modelId": "m_u",
                "status": done,
                "inputs": [{"name": "image", "ref": {"node": "caption", "name": "image"}}],
                **common,
            },
        ]
    return {
        "jobId": "job_big",
        "status": "failure",
        "metadata": {"workflowId": "wflow_big", "flow": flow},
    }


def test_ten_thousand_nodes_stay_readable() -> None:
    fg = flowgraph.graph(big_run())
    assert fg.nx.number_of_nodes() > 9000
    out = show_text(fg)
    lines = out.splitlines()
    assert len(lines) < 60
    assert all(len(line) <= 100 for line in lines)
    assert cells(row(out, "each"))[-1] == "3000 iterations: 2994 ok / 6 failed"
    render = lines.index(row(out, "render"))
    assert cells(lines[render])[-1] == "2994 ok / 6 failed"
    assert lines[render + 1].strip().startswith("failed: iteration 7 (render-7)")
    assert lines[render + 1].strip().endswith("more")
    assert cells(row(out, "sheet"))[-1] == "render-7, render-507 +4 more (failed-upstream)"
    assert lines[-1] == (
        "next: fix the 6 failed nodes render-7, render-507, render-1007 +3 more "
        "and re-run the workflow"
    )
    expanded = show_text(fg, expand_loops=True).splitlines()
    assert len(expanded) > 12000
    assert sum(1 for line in expanded if line.lstrip("✓✗●○⊘⏸? ").startswith("iteration ")) == 3000


def test_a_gate_parked_inside_a_loop() -> None:
    fg = flowgraph.graph(
        {
            "jobId": "job_s",
            "status": "in-progress",
            "metadata": {
                "workflowId": "wflow_s",
                "flow": [
                    {
                        "id": "each",
                        "type": "for-each",
                        "status": "processing",
                        "loopBodyNodeIds": ["gen", "pick"],
                    },
                    {"id": "gen", "type": "model", "status": "skipped"},
                    {
                        "id": "pick",
                        "type": "user-selection",
                        "status": "skipped",
                        "dependsOn": ["gen"],
                    },
                    {
                        "id": "gen-0",
                        "type": "model",
                        "status": "success",
                        "loopNodeId": "each",
                        "iterationIndex": 0,
                    },
                    {
                        "id": "pick-0",
                        "type": "user-selection",
                        "status": "processing",
                        "items": ["a", "b", "c"],
                        "loopNodeId": "each",
                        "iterationIndex": 0,
                        "dependsOn": ["gen"],
                    },
                    {
                        "id": "gen-1",
                        "type": "model",
                        "status": "processing",
                        "loopNodeId": "each",
                        "iterationIndex": 1,
                    },
                ],
            },
        }
    )
    out = show_text(fg)
    assert cells(row(out, "each"))[-1] == "2 iterations: 1 parked / 1 running"
    assert cells(row(out, "pick")) == [
        "⏸",
        "↳ pick",
        "user-selection",
        "-",
        "-",
        "1 parked; parked: iteration 0 (pick-0)",
    ]
    assert "gate pick-0 (user-selection, each iteration 0) waits for a person" in out
    assert "(selectedIndices: indices into the node's 3 item(s)" in out
    assert '"nodeId": "pick-0", "workflowJobId": "job_s"' in out
    assert out.splitlines()[-1] == (
        "next: select items or reject the gate pick-0 (each iteration 0) with the call above"
    )


@pytest.mark.parametrize(
    "flow",
    [
        [{"id": "L", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["L"]}],
        [
            {
                "id": "L",
                "type": "for-each",
                "status": "failure",
                "loopBodyNodeIds": ["b"],
                "loopNodeId": "L",
                "iterationIndex": 0,
            },
            {"id": "b", "type": "model", "status": "skipped"},
        ],
        [
            {"id": "A", "type": "for-each", "status": "failure", "loopBodyNodeIds": ["B"]},
            {"id": "B", "type": "for-each", "status": "failure", "loopBodyNodeIds": ["A"]},
        ],
        [
            {
                "id": "A",
                "type": "for-each",
                "status": "failure",
                "loopNodeId": "B",
                "iterationIndex": 0,
                "loopBodyNodeIds": ["x"],
            },
            {
                "id": "B",
                "type": "for-each",
                "status": "failure",
                "loopNodeId": "A",
                "iterationIndex": 0,
                "loopBodyNodeIds": ["x"],
            },
            {"id": "x", "type": "for-each", "status": "failure"},
        ],
    ],
    ids=["own-body", "own-copy", "bodies-of-each-other", "copies-of-each-other"],
)
def test_loops_nested_in_themselves_end_and_show_every_node(flow: list[dict[str, Any]]) -> None:
    fg = flowgraph.graph({"jobId": "j", "status": "failure", "metadata": {"flow": flow}})
    rows = show_data(fg)["rows"]
    # every node is a row, or a copy counted in a body row
    counted = {c for r in rows for c in r.get("nodes", [])}
    assert {node["id"] for node in flow} <= {r["id"] for r in rows} | counted
    for expand in (False, True):  # ends (no endless recursion) with a next step
        assert show_text(fg, expand_loops=expand).splitlines()[-1].startswith("next: ")


# -- issue 13: a job that has ended, node errors, cost, smaller fixes ----------------------------
def canceled_gate(**change: Any) -> dict[str, Any]:
    """tests/fixtures/show-canceled-gate.json, with the gate's fields changed."""
    data: dict[str, Any] = json.loads(fixture("show-canceled-gate.json").read_text())
    data["job"]["metadata"]["flow"][1].update(change)
    return data


def test_a_gate_of_an_ended_job_gets_no_resume_call() -> None:
    fg = flowgraph.graph(fixture("show-canceled-gate.json"))
    out = show_text(fg, width=200)
    assert "curl" not in out and "python:" not in out and "approve or reject" not in out
    assert "waits for a person" not in out
    assert cells(row(out, "approve")) == [
        "○",
        "approve",
        "user-approval",
        "-",
        "-",
        "job canceled 2026-11-21 16:00:05 UTC; too late to act (job-ended)",
    ]
    assert cells(row(out, "upscale"))[-1] == "the job ended (job-ended)"
    assert out.splitlines()[1] == "status ✗ canceled  progress 0%  nodes 3: 1 ok / 2 pending"
    assert out.splitlines()[-1] == (
        "next: the job was canceled at 2026-11-21 16:00:05 UTC while the gate approve waited "
        "for a person; nothing will run: start a new run of the workflow"
    )
    data = show_data(fg)
    assert data["gates"] == [] and "parked" not in data["statuses"]
    assert data["next"]["action"] == "re-run" and data["next"]["nodes"] == ["approve", "upscale"]
    assert data["rows"][1]["blocked_by"]["reason"] == "job-ended"
    assert data["job"]["ended_at"] == "2026-11-21T16:00:05.000Z"


def test_a_selection_gate_of_an_ended_job_gets_no_resume_call() -> None:
    data = canceled_gate(id="pick", type="user-selection", status="processing", items=["a", "b"])
    data["job"]["status"] = "failure"
    data["job"]["statusHistory"][-1]["status"] = "failure"
    data["job"]["metadata"]["flow"][2]["dependsOn"] = ["pick"]
    out = show_text(flowgraph.graph(data), width=200)
    assert "curl" not in out and "select items" not in out and "user_selection" not in out
    assert cells(row(out, "pick"))[-1] == (
        "job failed 2026-11-21 16:00:05 UTC; too late to act (job-ended)"
    )
    assert out.splitlines()[-1] == (
        "next: the job failed at 2026-11-21 16:00:05 UTC while the gate pick waited for a "
        "person; nothing will run: start a new run of the workflow"
    )


def test_a_rejected_gate_in_a_canceled_job_leaves_no_call_for_the_other_gates() -> None:
    data = canceled_gate(status="rejected")
    flow = data["job"]["metadata"]["flow"]
    # a second gate on another branch, still pending when the rejection canceled the job
    flow += [
        {"id": "thumb", "type": "model", "status": "success", "dependsOn": ["gen"]},
        {"id": "ok-thumb", "type": "user-approval", "status": "pending", "dependsOn": ["thumb"]},
    ]
    out = show_text(flowgraph.graph(data), width=200)
    assert "curl" not in out and "python:" not in out
    assert cells(row(out, "approve"))[0] == "✗"
    assert cells(row(out, "ok-thumb"))[-1] == (
        "job canceled 2026-11-21 16:00:05 UTC; too late to act (job-ended)"
    )
    assert out.splitlines()[-1] == (
        "next: the gate approve was rejected and the job was canceled at 2026-11-21 16:00:05 UTC: "
        "start a new run if that was a mistake"
    )


def test_a_failed_nodes_own_error_and_hint_are_printed() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    out = show_text(fg, width=100)
    lines = out.splitlines()
    start = lines.index("upscale failed, its job job_fu says:")
    assert lines[start + 1 : start + 3] == [
        "  error: Upscale failed: the input image is 6144x6144, above the 4096x4096 limit of "
        "model_upscale-v…",
        "  hint: Resize the image below 4096 px per side, or pick an upscaler that takes "
        "larger images.",
    ]
    assert max(len(line) for line in lines[start : start + 3]) <= 100
    # the workflow job's own error and hint stay in the header
    assert "error: Node upscale failed" in lines[:8]
    assert "hint: Open the node's job for details, then run the workflow again." in lines[:8]
    (error,) = show_data(fg)["errors"]
    assert error == {
        "node": "upscale",
        "job_id": "job_fu",
        "status": "failure",
        "error": (
            "Upscale failed: the input image is 6144x6144, above the 4096x4096 limit of "
            "model_upscale-v3 (request req_7Hc2; the model's worker returned HTTP 422 after "
            "3 attempts)"
        ),
        "hint": "Resize the image below 4096 px per side, or pick an upscaler that takes larger "
        "images.",
        "loop": None,
        "iteration": None,
    }
    assert show_data(flowgraph.graph(example("foreach-failed.json")))["errors"] == []


def test_the_cost_is_the_sum_over_the_node_jobs_and_says_so() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    out = show_text(fg, width=200)
    assert out.splitlines()[2] == (
        "created 2026-11-22 10:00:00 UTC  updated 2026-11-22 10:03:10 UTC  duration 3m10s  "
        "cost at least 21 CU (sum of 3 node jobs, 1 not loaded; the job itself says 0)"
    )
    job = show_data(fg)["job"]
    assert job["cost"] == 21.0
    assert job["cost_detail"] == {
        "value": 21.0,
        "source": "node-jobs",
        "node_jobs": 3,
        "loaded": 3,
        "not_loaded": 1,
        "job": 0.0,
    }
    narrow = show_text(fg, width=100).splitlines()
    assert narrow[3] == "cost at least 21 CU (sum of 3 node jobs, 1 not loaded; the job itself says 0)"


def test_without_node_jobs_a_cost_of_0_is_unknown() -> None:
    out = show_text(flowgraph.graph(fixture("show-canceled-gate.json")), width=200)
    assert "cost 0 CU" not in out
    assert out.splitlines()[2] == (
        "created 2026-11-21 14:00:00 UTC  updated 2026-11-21 16:00:05 UTC  duration 2h00m  "
        "cost unknown (the job itself says 0 CU; its node jobs carry the cost: load them, "
        "--node-jobs)"
    )
    assert show_data(flowgraph.graph(fixture("show-canceled-gate.json")))["job"]["cost"] is None


def test_node_jobs_not_loaded_are_named() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    assert (
        "node jobs not loaded: 1: thumb (job_ft: GET /jobs/job_ft: HTTP 404 Not Found: job not "
        "found (request id req_9x2)) (their times and cost are unknown)"
    ) in show_text(fg, width=200).splitlines()
    assert show_data(fg)["job"]["not_loaded_nodes"] == [
        {
            "job_id": "job_ft",
            "node": "thumb",
            "reason": "GET /jobs/job_ft: HTTP 404 Not Found: job not found (request id req_9x2)",
        }
    ]


def test_the_curl_call_carries_the_project_id_as_the_python_call_does() -> None:
    out = text("approval-parked.json")
    start = out.index("  curl -X PUT")
    argv = shlex.split(out[start : out.index("\n  (to reject it")].replace("\\\n", " "))
    assert argv[3].endswith("/user-approval?projectId=YOUR_PROJECT_ID")
    assert "project_id='YOUR_PROJECT_ID'" in out
    assert (
        "  (replace YOUR_PROJECT_ID with the job's project id, or pass --project-id / project_id=)"
        in out.splitlines()
    )
    given = text("approval-parked.json", project_id="proj_7")
    assert "YOUR_PROJECT_ID" not in given and "?projectId=proj_7" in given


def test_without_a_width_nothing_is_cut() -> None:
    cause = "render-" + "x" * 90
    fg = flowgraph.graph(
        {
            "jobId": "j",
            "status": "failure",
            "metadata": {
                "flow": [
                    {"id": cause, "type": "model", "status": "failure", "modelId": "m" * 50},
                    {"id": "sheet", "type": "transform", "status": "pending", "dependsOn": [cause]},
                ]
            },
        }
    )
    assert "…" in show_text(fg)  # 100 columns: cut
    out = show_text(fg, width=None)
    assert "…" not in out
    assert cells(row(out, "sheet"))[-1] == f"{cause} (failed-upstream)"
    assert cells(row(out, cause))[3] == "m" * 50


@pytest.mark.parametrize("value", ["1e999", "-1e999"])
def test_never_nan_or_inf_percent(value: str) -> None:
    raw = (
        '{"jobId": "job_1", "jobType": "workflow", "status": "in-progress", "progress": %s, '
        '"billing": {"cuCost": %s}, "metadata": {"flow": [{"id": "a", "type": "model", '
        '"status": "processing"}]}}' % (value, value)
    )
    fg = flowgraph.graph(raw)
    out = show_text(fg)
    assert "inf" not in out and "nan" not in out
    assert out.splitlines()[1] == "status ● in-progress  nodes 1: 1 running"
    data = show_data(fg)
    assert data["job"]["progress"] is None and data["job"]["cost"] is None
    nan = flowgraph.graph(
        {"jobId": "j", "status": "in-progress", "progress": float("nan"), "metadata": {"flow": []}}
    )
    assert "nan" not in show_text(nan) and show_data(nan)["job"]["progress"] is None


def test_a_gate_an_ended_job_never_reached_is_not_said_to_have_waited() -> None:
    data = canceled_gate()
    data["job"]["metadata"]["flow"][0]["status"] = "processing"  # canceled while gen ran
    out = show_text(flowgraph.graph(data), width=200)
    assert "curl" not in out and "waited" not in out
    assert cells(row(out, "approve"))[-1] == "the job ended (job-ended)"
    assert out.splitlines()[-1].startswith("next: the job ended (canceled) before ")


# -- follow-up: counted loops, tangled loops, opaque if/else values ------------------------------
def test_a_counted_loop_row_says_how_many_iterations_started() -> None:
    fg = flowgraph.graph(fixture("real-foreach-count.json"))
    assert cells(row(show_text(fg), "variations"))[-1] == "2 of 5 started: 1 ok / 1 running"
    (loop,) = [r for r in show_data(fg)["rows"] if r["kind"] == "loop"]
    assert (loop["iterations"], loop["declared"]) == (2, 5)
    # a loop over its array input: as before
    out = text("foreach-failed.json")
    assert cells(row(out, "each-style"))[-1].startswith("3 iterations: 2 ok / 1 failed")


def test_loops_listing_each_other_show_each_body_template_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """200 for-each nodes listing each other: every loop copy's body was expanded again
    (159,400 calls, seconds); now each template has one row."""
    import time

    from flowgraph import _rows
    from tests.test_blocked import _tangled

    calls = 0
    collapsed = _rows.Rows.collapsed

    def counting(self: _rows.Rows, loop_id: str, depth: int) -> None:
        nonlocal calls
        calls += 1
        collapsed(self, loop_id, depth)

    monkeypatch.setattr(_rows.Rows, "collapsed", counting)
    for k in (9, 200):
        calls = 0
        fg = flowgraph.graph(_tangled(k))
        start = time.perf_counter()
        rows = show_data(fg)["rows"]
        elapsed = time.perf_counter() - start
        assert calls <= 5 * k, calls  # linear: about one per loop and per template
        assert elapsed < 1.0, elapsed
        bodies = [r["id"] for r in rows if r["kind"] == "body" and r["type"] is not None]
        assert len(bodies) == len(set(bodies))  # each template once
        counted = {c for r in rows for c in r.get("nodes", [])}
        assert set(fg.nx) - {r["id"] for r in rows} - counted == set()  # every node shown


@pytest.mark.parametrize("module", ["show.py", "screen.py", "_rows.py", "summary.py", "report.py"])
def test_no_text_module_assumes_if_else_case_values(module: str) -> None:
    """if/else values are opaque (the editor's '2', '3', default '1'): never 'if1'/'else'."""
    source = (ROOT / "flowgraph" / module).read_text()
    assert not re.search(r"""["']if\d*["']|["']else["']|\bif1\b""", source)
