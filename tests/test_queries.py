"""Queries: blocked (reasons and root causes), critical path (nodes, totals, slack), lint,
summary, upstream/downstream, on the example runs and small hand-made flows."""

from __future__ import annotations

import json
from typing import Any

import pytest

import flowgraph
from tests.conftest import example, fixture


def run(flow: list[dict[str, Any]], status: str = "in-progress") -> flowgraph.FlowGraph:
    return flowgraph.graph({"jobId": "j", "status": status, "metadata": {"flow": flow}})


def reasons(fg: flowgraph.FlowGraph) -> list[tuple[str, str, list[str]]]:
    return [(b.node, b.reason, b.causes) for b in fg.blocked()]


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


# -- critical path ----------------------------------------------------------------------------
def test_timed_bundle_critical_path_totals() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    cp = fg.critical_path()
    assert cp.weight == "duration"
    assert cp.nodes == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    assert cp.total == pytest.approx(5.0 + 90.0 + 0 + 32.0 + 6.5)
    assert cp.slack["thumb"] == pytest.approx(133.5 - (5.0 + 6.0))
    assert cp.entries[1]["queue"] == pytest.approx(10.0) and cp.entries[1]["run"] == pytest.approx(80.0)
    run_only = fg.critical_path("run")
    assert run_only.total == pytest.approx(4.0 + 80.0 + 30.0 + 6.0)
    hops = fg.critical_path("hops")
    assert hops.total == 5 and hops.weight == "hops"


def test_auto_weight_is_hops_without_timings() -> None:
    cp = flowgraph.graph(example("approval-parked.json")).critical_path()
    assert (cp.weight, cp.nodes, cp.total) == ("hops", ["prompt", "gen", "approve", "upscale", "remove-bg"], 5)


def test_skipped_branch_is_not_on_the_critical_path() -> None:
    cp = flowgraph.graph(example("ifelse-skipped.json")).critical_path()
    assert cp.nodes == ["describe", "classify", "portrait", "remove-bg"]


def test_critical_path_through_loop_iterations() -> None:
    cp = flowgraph.graph(example("foreach-failed.json")).critical_path("hops")
    assert cp.nodes == ["style-list", "each-style", "render-Lm2p", "upscale-Lm2p", "contact-sheet"]


def test_cycle_raises_a_clear_error() -> None:
    with pytest.raises(flowgraph.CycleError, match="the graph has a cycle"):
        flowgraph.graph(fixture("broken.json")).critical_path()


def test_unknown_weight() -> None:
    with pytest.raises(flowgraph.FlowgraphError, match="unknown weight 'cost'"):
        flowgraph.graph(example("approval-parked.json")).critical_path("cost")


# -- lint -------------------------------------------------------------------------------------
def test_lint_broken_structure() -> None:
    findings = flowgraph.graph(fixture("broken.json")).lint()
    assert [(f.severity, f.code, f.node) for f in findings] == [
        ("error", "cycle", "c1"),
        ("error", "cycle", "self"),
        ("error", "dangling-ref", "needs-ghost"),
        ("error", "duplicate-id", "dup"),
        ("error", "orphan-copy", "lost-copy"),
        ("warning", "if-else-without-default", "route"),
        ("warning", "required-input-unset", "needs-value"),
    ]


def test_lint_new_enum_values_reported_once() -> None:
    codes = [(f.code, f.node) for f in flowgraph.graph(fixture("new-enums.json")).lint()]
    assert ("unknown-type", "warp") in codes and ("unknown-status", "warp") in codes
    assert ("unknown-job-status", None) in codes
    assert codes.count(("unknown-field", None)) == 6


def test_lint_clean_example() -> None:
    assert flowgraph.graph(example("timed-bundle.json")).lint() == []


# -- summary and neighbours -------------------------------------------------------------------
def test_summary_of_foreach_run() -> None:
    s = flowgraph.graph(example("foreach-failed.json")).summary()
    assert s.statuses == {"failure": 2, "pending": 2, "success": 5}
    assert [(lp.id, lp.iterations, lp.states, lp.failed_iterations) for lp in s.loops] == [
        ("each-style", 3, {"failure": 1, "success": 2}, [1])]
    assert s.outputs == ["contact-sheet"] and s.cost == 42.5


def test_summary_node_cost_from_bundle() -> None:
    s = flowgraph.graph(example("timed-bundle.json")).summary()
    assert s.node_cost == pytest.approx(32.5) and s.cost == 32.5


def test_upstream_and_downstream() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert fg.upstream("upscale") == ["approve", "gen", "input:idea", "input:style", "prompt"]
    assert fg.downstream("approve") == ["remove-bg", "upscale"]


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


def test_the_execution_order_is_cached_and_recomputed_when_the_graph_changes() -> None:
    from flowgraph.order import execution_order

    fg = run([{"id": "b"}, {"id": "a"}, {"id": "c", "dependsOn": ["a", "b"]}])
    g = fg.execution
    first = execution_order(g)
    assert first is not None and first.nodes == ["b", "a", "c"]
    assert first.depth == {"a": 0, "b": 0, "c": 1}
    assert execution_order(g) is first
    g.add_edge("c", "a")  # networkx empties its cache: the cycle is seen
    assert execution_order(g) is None
    g.remove_edge("c", "a")
    g.add_edge("c", "d")
    again = execution_order(g)
    assert again is not None and again.nodes == ["b", "a", "c", "d"] and again.depth["d"] == 2


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


def test_a_nan_timing_weighs_nothing_whatever_the_flow_order() -> None:
    from flowgraph.timing import Timing

    flow = [{"id": "a", "jobId": "job_a"}, {"id": "b", "jobId": "job_b"},
            {"id": "c", "dependsOn": ["a"]}]
    for ordered in (flow, flow[::-1]):
        fg = run(ordered)
        fg.nx.nodes["a"]["timing"] = Timing(float("nan"), float("nan"), float("nan"))
        fg.nx.nodes["b"]["timing"] = Timing(1.0, 4.0, 5.0)
        cp = fg.critical_path("duration")
        assert (cp.nodes, cp.total, cp.slack["a"]) == (["b"], 5.0, 5.0)


def test_the_execution_order_of_a_view_follows_the_graph_under_it() -> None:
    import networkx as nx

    from flowgraph.order import execution_order

    g = nx.DiGraph([("a", "b"), ("b", "c")])
    view = g.subgraph(["a", "b", "c"])
    first = execution_order(view)
    assert first is not None and first.nodes == ["a", "b", "c"]
    g.add_edge("c", "a")
    assert execution_order(view) is None
