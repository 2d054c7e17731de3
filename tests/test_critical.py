"""critical_path(): nodes, totals and slack, by every weight."""

from __future__ import annotations

import random
from typing import Any

import pytest

import flowgraph
from tests.conftest import example, fixture, run


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


def test_a_nan_timing_weighs_nothing_whatever_the_flow_order() -> None:
    from flowgraph.timing import Timing

    flow = [{"id": "a", "jobId": "job_a"}, {"id": "b", "jobId": "job_b"},
            {"id": "c", "dependsOn": ["a"]}]
    for ordered in (flow, flow[::-1]):
        fg = run(ordered)
        # set by hand where the critical path reads timings: the core's heads, by node number
        core = fg.graph.core
        core.timing[core.index["a"]] = Timing(float("nan"), float("nan"), float("nan"))
        core.timing[core.index["b"]] = Timing(1.0, 4.0, 5.0)
        cp = fg.critical_path("duration")
        assert (cp.nodes, cp.total, cp.slack["a"]) == (["b"], 5.0, 5.0)


# -- issue 13 ------------------------------------------------------------------------------------
def _running_bundle(job_data: Any, last: str) -> dict[str, Any]:
    """timed-bundle.json while it runs: remove-bg (renamed ``last``) has not started."""
    data = job_data("timed-bundle.json")
    data["job"]["status"] = "in-progress"
    for node in data["job"]["metadata"]["flow"]:
        if node["id"] == "remove-bg":
            node.update(id=last, status="pending")
            del node["jobId"]
    del data["nodeJobs"]["job_tr"]
    return data


@pytest.mark.parametrize("last", ["remove-bg", "a-remove-bg", "zz-remove-bg"])
def test_a_trailing_pending_node_is_on_the_path_whatever_its_id(job_data: Any, last: str) -> None:
    data = _running_bundle(job_data, last)
    flow = data["job"]["metadata"]["flow"]
    for seed in range(4):
        random.Random(seed).shuffle(flow)
        cp = flowgraph.graph(data).critical_path()
        assert (cp.weight, cp.nodes, cp.total) == (
            "duration", ["prompt", "gen", "approve", "upscale", last], 127.0)
        assert cp.slack[last] == 0 and cp.slack["thumb"] == pytest.approx(127.0 - 11.0)


def test_ties_of_equal_chains_break_by_id_whatever_the_flow_order() -> None:
    flow = [{"id": "a", "status": "success"},
            {"id": "p", "status": "pending", "dependsOn": ["a"]},
            {"id": "q", "status": "pending", "dependsOn": ["a"]},
            {"id": "s", "status": "skipped", "dependsOn": ["p"]}]
    for ordered in (flow, flow[::-1]):
        assert run(ordered).critical_path("hops").nodes == ["a", "p"]  # s (skipped) adds nothing


@pytest.mark.parametrize("weight", ["duration", "queue", "run"])
def test_a_time_nobody_has_falls_back_to_hops_and_says_so(weight: str) -> None:
    cp = flowgraph.graph(example("approval-parked.json")).critical_path(weight)
    assert (cp.weight, cp.fallback, cp.nodes, cp.total) == (
        "hops", weight, ["prompt", "gen", "approve", "upscale", "remove-bg"], 5.0)
    assert cp.note == (
        f"no node has a known {weight} time (they come from the node jobs: "
        "`flowgraph fetch --node-jobs` saves them): counted hops instead"
    )
    data = cp.as_dict()
    assert (data["weight"], data["fallback"], data["note"]) == ("hops", weight, cp.note)
    # asked for what is known, or auto: no fallback
    timed = flowgraph.graph(example("timed-bundle.json")).critical_path(weight)
    assert (timed.weight, timed.fallback, timed.note) == (weight, None, "")
    auto = flowgraph.graph(example("approval-parked.json")).critical_path()
    assert (auto.weight, auto.fallback, auto.as_dict()["fallback"]) == ("hops", None, None)


def test_a_definition_counts_the_loop_body_before_what_reads_the_loop(job_data: Any) -> None:
    fg = flowgraph.graph(fixture("real-definition-foreach.json"))
    cp = fg.critical_path()
    assert (cp.weight, cp.nodes, cp.total) == (
        "hops", ["shots", "each-shot", "render", "upscale", "contact-sheet"], 5.0)
    # statuses in a definition mean nothing: a "skipped" one still counts
    data = job_data("real-definition-foreach.json")
    for node in data["workflow"]["flow"]:
        if node["id"] == "upscale":
            node["status"] = "skipped"
    assert flowgraph.graph(data).critical_path().total == 5.0


def test_a_definition_with_nested_loops() -> None:
    fg = flowgraph.graph({"workflow": {"id": "wflow_n", "flow": [
        {"id": "O", "type": "for-each", "loopBodyNodeIds": ["I", "post"]},
        {"id": "I", "type": "for-each", "loopBodyNodeIds": ["t1", "t2"],
         "inputs": [{"name": "text1", "ref": {"node": "O", "name": "text1"}}]},
        {"id": "t1", "type": "model",
         "inputs": [{"name": "p", "ref": {"node": "I", "name": "text1"}}]},
        {"id": "t2", "type": "model", "inputs": [{"name": "p", "ref": {"node": "t1"}}]},
        {"id": "post", "type": "transform", "inputs": [{"name": "x", "ref": {"node": "I"}}]},
        {"id": "sheet", "type": "transform", "inputs": [{"name": "x", "ref": {"node": "O"}}]}]}})
    assert fg.critical_path().nodes == ["O", "I", "t1", "t2", "post", "sheet"]
    assert not any(d["kind"] == "loop_result" for _, _, d in fg.graph.edges(data=True))  # a view


def test_a_branch_not_taken_weighs_nothing() -> None:
    cp = flowgraph.graph(fixture("real-ifelse-editor.json")).critical_path()
    assert cp.nodes == ["text1", "ifElse1", "m2", "approval2", "upscale2"]
    assert cp.slack["m1"] == 3.0


def test_a_definition_of_loops_listing_each_other_stays_quick() -> None:
    import time

    ids = [f"L{i}" for i in range(200)]
    flow: list[dict[str, Any]] = [
        {"id": i, "type": "for-each", "loopBodyNodeIds": ids} for i in ids]
    flow.append({"id": "after", "inputs": [{"name": "x", "ref": {"node": "L0"}}]})
    fg = flowgraph.graph({"workflow": {"id": "wflow_tangled", "flow": flow}})
    start = time.perf_counter()
    cp = fg.critical_path()
    assert time.perf_counter() - start < 5.0  # generous: it takes milliseconds
    assert cp.nodes[0] == "L0" and cp.nodes[-1] == "after"


def test_slack_is_made_when_first_read_and_a_given_one_is_kept() -> None:
    import dataclasses

    from flowgraph.critical import CriticalPath

    cp = flowgraph.graph(example("timed-bundle.json")).critical_path()
    assert cp.__dict__.get("_slack") is None  # not made by the pass: the path alone is read
    slack = cp.slack
    assert slack["prompt"] == 0 and slack["gen"] == 0 and cp.slack is slack  # made once
    assert cp.__dict__["_slack"] is slack
    assert dataclasses.replace(cp, note="x").slack == slack
    given = CriticalPath("hops", ["a"], 1.0, {"a": 0.0})
    assert given.slack == {"a": 0.0} and CriticalPath("hops", [], 0.0).slack == {}
    assert given != CriticalPath("hops", ["a"], 1.0, {"a": 1.0})  # compared as before
