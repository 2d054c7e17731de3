"""blocked(): reasons and root causes on the example runs and small hand-made flows."""

from __future__ import annotations

import json

import flowgraph
from tests.conftest import example, fixture, run, reasons


# -- blocked ----------------------------------------------------------------------------------
def test_approval_gate_parks_the_run() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert reasons(fg) == [
        ("approve", "awaiting-approval", ["approve"]),
        ("upscale", "waiting-on-gate", ["approve"]),
        ("remove-bg", "waiting-on-gate", ["approve"]),
    ]
    assert fg.blocked()[2].chain == ["approve", "upscale", "remove-bg"]


def test_gate_waiting_for_running_work_is_not_parked() -> None:
    fg = run([{"id": "gen", "status": "processing"},
              {"id": "gate", "type": "user-approval", "status": "pending", "dependsOn": ["gen"]},
              {"id": "after", "status": "pending", "dependsOn": ["gate"]}])
    assert reasons(fg) == []


def test_failed_copy_blocks_its_iteration_and_the_loop_consumer() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    assert reasons(fg) == [
        ("upscale-Lm2p", "failed-upstream", ["render-Lm2p"]),
        ("contact-sheet", "failed-upstream", ["render-Lm2p"]),
    ]
    assert fg.blocked()[1].chain == ["render-Lm2p", "upscale-Lm2p", "contact-sheet"]


def test_branch_not_taken_is_not_blocked() -> None:
    fg = flowgraph.graph(example("ifelse-skipped.json"))
    assert reasons(fg) == []
    # the same run before the engine marked the other branch skipped
    data = fg.job.to_wire()
    for node in data["metadata"]["flow"]:
        if node["id"] == "landscape":
            node["status"] = "pending"
    fg2 = flowgraph.graph(data)
    assert reasons(fg2) == []
    # and after the run failed: the branch not taken is still not blocked
    data["status"] = "failure"
    for node in data["metadata"]["flow"]:
        if node["id"] == "remove-bg":
            node["status"] = "failure"
    assert reasons(flowgraph.graph(data)) == []


def test_merge_after_all_skipped_conditionals_is_skipped_not_blocked() -> None:
    fg = run([{"id": "a", "status": "skipped"}, {"id": "b", "status": "skipped"},
              {"id": "m", "status": "pending",
               "inputs": [{"name": "x", "ref": {"conditional": ["a", "b"]}}]}], status="failure")
    assert reasons(fg) == []


def test_ended_job_blocks_what_never_ran() -> None:
    fg = run([{"id": "a", "status": "success"}, {"id": "b", "status": "pending", "dependsOn": ["a"]}],
             status="canceled")
    assert reasons(fg) == [("b", "job-ended", [])]
    assert "canceled" in fg.blocked()[0].message


def test_rejected_gate_and_missing_node() -> None:
    fg = run([{"id": "g", "type": "user-approval", "status": "rejected"},
              {"id": "a", "status": "pending", "dependsOn": ["g"]},
              {"id": "b", "status": "pending", "dependsOn": ["ghost", "a"]}], status="canceled")
    assert reasons(fg) == [("a", "rejected-upstream", ["g"]),
                           ("b", "rejected-upstream", ["g", "ghost"])]


def test_selection_gate_processing_is_parked() -> None:
    fg = run([{"id": "s", "type": "user-selection", "status": "processing", "items": ["a"]},
              {"id": "n", "status": "pending", "dependsOn": ["s"]}])
    assert reasons(fg) == [("s", "awaiting-selection", ["s"]), ("n", "waiting-on-gate", ["s"])]


def test_running_work_is_not_blocked() -> None:
    fg = run([{"id": "a", "status": "processing"}, {"id": "b", "status": "pending", "dependsOn": ["a"]}])
    assert reasons(fg) == []


def test_cycles_are_blocked_with_their_members() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    got = {b.node: (b.reason, b.causes) for b in fg.blocked()}
    assert got["c1"] == ("cycle", ["c1", "c2"])
    assert got["self"] == ("cycle", ["self"])
    assert got["after-cycle"] == ("cycle", ["c2"])
    assert got["needs-ghost"] == ("missing-dependency", ["ghost"])


def test_definition_has_nothing_blocked() -> None:
    fg = flowgraph.graph({"workflow": {"id": "wflow_1", "flow": [
        {"id": "g", "type": "user-approval"}, {"id": "n", "dependsOn": ["g"]}]}})
    assert fg.blocked() == []


def test_nested_body_reading_the_outer_item_is_no_cycle() -> None:
    data = json.loads(example("nested-loops.json").read_text())
    for node in data["job"]["metadata"]["flow"]:
        if node["id"].startswith("shot"):
            node["inputs"].append({"name": "product2", "ref": {"node": "each-product", "name": "item"}})
    fg = flowgraph.graph(data)
    assert fg.critical_path("hops").nodes[-1] == "catalog"
    assert not any(f.code == "cycle" for f in fg.lint())


def test_gate_copy_inside_a_running_loop_is_parked() -> None:
    fg = run([{"id": "loop", "type": "for-each", "status": "processing", "loopBodyNodeIds": ["gate"]},
              {"id": "gate", "type": "user-approval", "status": "skipped"},
              {"id": "gate-0", "type": "user-approval", "status": "pending", "loopNodeId": "loop",
               "iterationIndex": 0}])
    assert reasons(fg) == [("gate-0", "awaiting-approval", ["gate-0"])]


def test_blocked_lists_what_depends_on_a_cycle_after_it() -> None:
    # down -> c2 <-> c1 -> up -> f (failed): down depends on up through the cycle
    fg = run([{"id": "down", "status": "pending", "dependsOn": ["c2"]},
              {"id": "c2", "status": "pending", "dependsOn": ["c1"]},
              {"id": "c1", "status": "pending", "dependsOn": ["up", "c2"]},
              {"id": "up", "status": "pending", "dependsOn": ["f"]},
              {"id": "f", "status": "failure"}])
    assert reasons(fg) == [
        ("up", "failed-upstream", ["f"]),
        ("c1", "cycle", ["c1", "c2"]),
        ("c2", "cycle", ["c1", "c2"]),
        ("down", "cycle", ["c2"]),
    ]
