"""blocked(): reasons and root causes on the example runs and small hand-made flows."""

from __future__ import annotations

import json
from typing import Any

import pytest

import flowgraph
from flowgraph.subflows import resolve
from flowgraph.blocked import REASONS, failed_by_iteration, is_parked, root_causes
from tests.conftest import EXAMPLES, FIXTURES, example, fixture, reasons, run


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


# -- issue 13: an ended job, rejections in loops, root causes, if/else values, definitions ------
def _ended(data: dict[str, Any], status: str) -> dict[str, Any]:
    """The same run ended with ``status`` (its last statusHistory entry too)."""
    data["job"]["status"] = status
    data["job"]["statusHistory"][-1]["status"] = status
    return data


@pytest.mark.parametrize("status", ["canceled", "failure", "success"])
def test_a_gate_of_an_ended_job_is_job_ended_not_parked(job_data: Any, status: str) -> None:
    fg = flowgraph.graph(_ended(job_data("ended-gate-parked.json"), status))
    assert reasons(fg) == [
        ("approve", "job-ended", []),
        ("pick-thumb", "job-ended", []),
        ("thumb", "job-ended", []),
        ("upscale", "job-ended", []),
        ("remove-bg", "job-ended", []),
    ]
    found = {b.node: b for b in fg.blocked()}
    ended = f"the workflow job ended ({status} at 2026-11-20 10:15:30 UTC)"
    assert found["approve"].message == (
        f"{ended} while this gate waited for a person: it can no longer be approved or rejected"
    )
    assert found["pick-thumb"].message == (
        f"{ended} while this gate waited for a person: it can no longer be selected or rejected"
    )
    assert found["upscale"].message == f"{ended} before this node ran"
    assert not any(is_parked(b) for b in fg.blocked())
    assert root_causes(fg.blocked()) == [None]  # the job itself, once


def test_the_end_time_comes_from_updated_at_without_a_history(job_data: Any) -> None:
    data = job_data("ended-gate-parked.json")
    data["job"]["statusHistory"] = data["job"]["statusHistory"][:-1]
    data["job"]["updatedAt"] = "2026-11-20T10:16:00Z"
    message = flowgraph.graph(data).blocked()[2].message
    assert message == (
        "the workflow job ended (canceled at 2026-11-20 10:16:00 UTC) before this node ran"
    )
    data["job"]["updatedAt"] = None
    assert flowgraph.graph(data).blocked()[2].message == (
        "the workflow job ended (canceled) before this node ran"
    )


def test_a_rejected_gate_cancels_the_job_sdk_24() -> None:
    # SDK 2.4: rejecting cancels the workflow; the rejected gate is the root cause of what it
    # guards, the rest never ran because the job ended (a gate parked then, a node running then)
    fg = flowgraph.graph(fixture("ended-gate-rejected.json"))
    assert reasons(fg) == [
        ("caption", "job-ended", []),
        ("approve-banner", "job-ended", []),
        ("banner", "job-ended", []),
        ("upscale", "rejected-upstream", ["approve"]),
        ("remove-bg", "rejected-upstream", ["approve"]),
    ]
    found = {b.node: b for b in fg.blocked()}
    assert found["caption"].message == (
        "the workflow job ended (canceled at 2026-11-20 09:07:12 UTC) "
        "while this node was processing"
    )
    assert found["remove-bg"].chain == ["approve", "upscale", "remove-bg"]
    assert found["remove-bg"].message == "upstream gate was rejected: 'approve'"
    assert root_causes(fg.blocked()) == ["approve", None]


def test_a_rejection_in_a_loop_of_a_running_job_before_sdk_24(job_data: Any) -> None:
    # the rejection cascaded to the loop (rejected): what it cut off is rejected-upstream, the
    # copy still running is not blocked, and the gate of another iteration is no longer parked
    fg = flowgraph.graph(fixture("real-foreach-reject-running.json"))
    assert reasons(fg) == [
        ("review-Hy6c", "rejected-upstream", ["review-Qz8m"]),
        ("review-Wd2r", "rejected-upstream", ["review-Qz8m"]),
        ("upscale-Hy6c", "rejected-upstream", ["review-Qz8m"]),
        ("upscale-Qz8m", "rejected-upstream", ["review-Qz8m"]),
        ("upscale-Wd2r", "rejected-upstream", ["review-Qz8m"]),
        ("contact-sheet", "rejected-upstream", ["review-Qz8m"]),
    ]
    found = {b.node: b for b in fg.blocked()}
    assert found["contact-sheet"].chain == ["review-Qz8m", "upscale-Qz8m", "contact-sheet"]
    assert found["review-Wd2r"].chain == ["review-Qz8m", "each-shot", "review-Wd2r"]
    # the rejection cascaded to its iteration only (the loop runs on): the other iterations go
    # on, the gate of iteration 2 is parked, the loop's consumer is cut off by the rejection
    data = job_data("real-foreach-reject-running.json")
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] == "each-shot":
            node["status"] = "processing"
    fg = flowgraph.graph(data)
    assert reasons(fg) == [
        ("review-Wd2r", "awaiting-approval", ["review-Wd2r"]),
        ("upscale-Qz8m", "rejected-upstream", ["review-Qz8m"]),
        ("upscale-Wd2r", "waiting-on-gate", ["review-Wd2r"]),
        ("contact-sheet", "rejected-upstream", ["review-Qz8m", "review-Wd2r"]),
    ]
    assert fg.blocked()[-1].message == (
        "upstream gate was rejected: 'review-Qz8m'; "
        "waits for a gate parked for a person: 'review-Wd2r'"
    )


def test_a_rejection_in_a_loop_cancels_the_job_sdk_24() -> None:
    # SDK 2.4: the job is canceled, other iterations are left as they are (the loop too)
    fg = flowgraph.graph(fixture("ended-foreach-reject-canceled.json"))
    assert reasons(fg) == [
        ("each-shot", "job-ended", []),
        ("render-Hy6c", "job-ended", []),
        ("review-Hy6c", "job-ended", []),
        ("review-Wd2r", "job-ended", []),
        ("upscale-Hy6c", "job-ended", []),
        ("upscale-Qz8m", "rejected-upstream", ["review-Qz8m"]),
        ("upscale-Wd2r", "job-ended", []),
        ("contact-sheet", "rejected-upstream", ["review-Qz8m"]),
    ]
    assert not any(is_parked(b) for b in fg.blocked())
    assert fg.blocked()[-1].chain == ["review-Qz8m", "upscale-Qz8m", "contact-sheet"]


def test_a_loop_failed_by_an_iteration_passes_its_failed_copy_on(job_data: Any) -> None:
    # iteration 2 never ran: the loop failed in iteration 1, that failed copy is the cause
    data = job_data("foreach-failed.json")
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] in ("render-c9Zt", "upscale-c9Zt"):
            node["status"] = "pending"
            node.pop("jobId")
    fg = flowgraph.graph(data)
    assert reasons(fg) == [
        ("render-c9Zt", "failed-upstream", ["render-Lm2p"]),
        ("upscale-Lm2p", "failed-upstream", ["render-Lm2p"]),
        ("upscale-c9Zt", "failed-upstream", ["render-Lm2p"]),
        ("contact-sheet", "failed-upstream", ["render-Lm2p"]),
    ]
    found = {b.node: b for b in fg.blocked()}
    assert found["render-c9Zt"].chain == ["render-Lm2p", "each-style", "render-c9Zt"]
    assert found["contact-sheet"].chain == ["render-Lm2p", "upscale-Lm2p", "contact-sheet"]


def test_a_node_that_failed_is_a_root_cause_on_a_cycle_too() -> None:
    # a (failed) and b depend on each other; c reads a: a is c's root cause as a failure
    fg = run([{"id": "a", "status": "failure", "dependsOn": ["b"]},
              {"id": "b", "status": "pending", "dependsOn": ["a"]},
              {"id": "c", "status": "pending", "dependsOn": ["a"]},
              {"id": "ok1", "status": "success", "dependsOn": ["ok2"]},
              {"id": "ok2", "status": "success", "dependsOn": ["ok1"]},
              {"id": "d", "status": "pending", "dependsOn": ["ok2"]}])
    assert reasons(fg) == [("b", "cycle", ["a", "b"]), ("c", "failed-upstream", ["a"])]


def test_only_gates_and_cycles_name_themselves_and_failed_nodes_are_never_blocked() -> None:
    paths = sorted(EXAMPLES.glob("*.json")) + sorted(FIXTURES.glob("*.json"))
    for path in paths:
        try:
            fg = flowgraph.graph(path)
        except flowgraph.FlowgraphError:
            continue
        for b in fg.blocked():  # a node inside a sub-workflow is looked up in its child graph
            found = resolve(fg, b.node)
            assert found is not None, (path.name, b)
            status = found[0].nx.nodes[found[1]].get("status")
            assert status not in ("failure", "rejected", "success", "skipped"), (path.name, b)
            if b.node in b.causes:
                assert b.reason in ("awaiting-approval", "awaiting-selection", "cycle"), (
                    path.name, b)
            assert b.reason in REASONS


def test_root_causes_counts_nodes_and_the_job() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    assert root_causes(fg.blocked()) == ["c1", "c2", "ghost", "self"]
    assert root_causes([]) == []


# -- if/else values are opaque: the editor numbers cases "2", "3", ... with default "1" --------
def test_editor_numbered_branches_not_taken_are_not_blocked_and_the_taken_one_runs(
    job_data: Any,
) -> None:
    # ifElse1 chose "3": m2's branch runs (its gate is parked), m1 ("2", with a gate guarding
    # it) and m3 (the default "1") are not taken: nothing on them is blocked
    fg = flowgraph.graph(fixture("real-ifelse-editor.json"))
    assert reasons(fg) == [
        ("approval2", "awaiting-approval", ["approval2"]),
        ("upscale2", "waiting-on-gate", ["approval2"]),
    ]
    # the run failed before m2 ran, with an output written as a number: m2 is the one cut off
    data = _ended(job_data("real-ifelse-editor.json"), "failure")
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] == "ifElse1":
            node["output"] = 3
        if node["id"] == "m2":
            node["status"] = "pending"
    assert reasons(flowgraph.graph(data)) == [
        ("m2", "job-ended", []),
        ("approval2", "job-ended", []),
        ("upscale2", "job-ended", []),
    ]


def test_a_node_on_two_branches_of_one_if_else_runs_when_either_is_taken() -> None:
    def flow(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": "ifElse1", "type": "logic", "logicType": "if-else", "status": "success",
                 "output": "1",
                 "logic": {"cases": [{"condition": "x", "value": "2"}], "default": "1"}},
                {"id": "m", "type": "model", "status": "pending", "inputs": inputs}]

    two = [{"name": "prompt", "ref": {"node": "ifElse1", "equal": "2"}},
           {"name": "style", "ref": {"node": "ifElse1", "equal": "1"}}]
    for inputs in (two, two[::-1]):  # the answer must not depend on the order of the inputs
        assert reasons(run(flow(inputs), status="canceled")) == [("m", "job-ended", [])]
    assert reasons(run(flow(two[:1]), status="canceled")) == []


# -- definitions may carry statuses: still nothing ran ------------------------------------------
def test_definitions_with_statuses_have_nothing_blocked() -> None:
    for name in ("real-docs-definition.json", "real-definition-foreach.json"):
        fg = flowgraph.graph(fixture(name))
        assert fg.job.definition and fg.blocked() == []
    data = json.loads(fixture("real-definition-foreach.json").read_text())
    for node in data["workflow"]["flow"]:
        node["status"] = "failure" if node["id"] == "render" else "pending"
    assert flowgraph.graph(data).blocked() == []


# -- no blow-up on loops that list each other ---------------------------------------------------
def _tangled(k: int) -> dict[str, Any]:
    """``k`` for-each nodes that all list each other as body, each with copies (of the others)
    for two iterations, every one failed, and a node reading the first loop."""
    ids = [f"L{i}" for i in range(k)]
    flow: list[dict[str, Any]] = [
        {"id": i, "type": "for-each", "status": "failure", "loopBodyNodeIds": ids} for i in ids
    ]
    for n, a in enumerate(ids):
        for it in (0, 1):
            b = ids[(n + 1 + it) % k]
            flow.append({"id": f"{b}@{a}#{it}", "type": "for-each", "status": "failure",
                         "loopNodeId": a, "iterationIndex": it, "loopBodyNodeIds": ids})
            flow.append({"id": f"x@{b}@{a}#{it}", "type": "model", "status": "failure",
                         "loopNodeId": f"{b}@{a}#{it}", "iterationIndex": 0})
    flow.append({"id": "after", "type": "model", "status": "pending",
                 "inputs": [{"name": "x", "ref": {"node": "L0"}}]})
    return {"jobId": "j", "status": "failure", "metadata": {"flow": flow}}


def test_loops_listing_each_other_stay_linear() -> None:
    import time

    for k in (9, 200):
        fg = flowgraph.graph(_tangled(k))
        start = time.perf_counter()
        got = fg.blocked()
        fg.summary()
        fg.lint()
        fg.critical_path("hops")
        assert time.perf_counter() - start < 5.0  # generous: it takes milliseconds
        assert [(b.node, b.reason) for b in got] == [("after", "failed-upstream")]
        # the causes are failed model copies, never the loops that failed because of them
        assert got[0].causes and all(c.startswith("x@") for c in got[0].causes)


def test_deeply_nested_failed_loops_need_no_recursion() -> None:
    def nested(depth: int) -> flowgraph.FlowGraph:
        flow: list[dict[str, Any]] = [
            {"id": "L0", "type": "for-each", "status": "failure", "loopBodyNodeIds": ["T"]},
            {"id": "T", "type": "for-each", "status": "skipped"}]
        for i in range(1, depth):
            flow.append({"id": f"L{i}", "type": "for-each", "status": "failure",
                         "loopNodeId": f"L{i - 1}", "iterationIndex": 0})
        flow.append({"id": "leaf", "type": "model", "status": "failure",
                     "loopNodeId": f"L{depth - 1}", "iterationIndex": 0})
        flow.append({"id": "after", "status": "pending",
                     "inputs": [{"name": "x", "ref": {"node": "L0"}}]})
        return flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": flow}})

    fg = nested(40)
    assert reasons(fg) == [("after", "failed-upstream", ["leaf"])]
    assert failed_by_iteration(fg, "L0") and not failed_by_iteration(fg, "leaf")
    # deeper than the builder follows (it leaves such copies out of their loop): no recursion
    assert [(b.node, b.reason) for b in nested(3000).blocked()] == [("after", "failed-upstream")]
