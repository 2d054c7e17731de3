"""summarize(): counts, loops, cost."""

from __future__ import annotations

import json
from typing import Any

import pytest

import flowgraph
from tests.conftest import example, fixture


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


# -- issue 13 ------------------------------------------------------------------------------------
def test_a_counted_loop_says_how_many_iterations_started_of_how_many() -> None:
    s = flowgraph.graph(fixture("real-foreach-count.json")).summary()
    (loop,) = s.loops
    assert (loop.id, loop.started, loop.declared, loop.iterations) == ("variations", 2, 5, 2)
    assert loop.states == {"processing": 1, "success": 1}
    assert s.as_dict()["loops"][0] == {
        "id": "variations", "iterations": 2, "states": {"processing": 1, "success": 1},
        "failed_iterations": [], "declared": 5, "started": 2}


def test_a_loop_over_its_array_declares_no_count() -> None:
    (loop,) = flowgraph.graph(example("foreach-failed.json")).summary().loops
    assert (loop.started, loop.declared) == (3, None)


def test_a_nested_loop_copy_declares_its_templates_count(job_data: Any) -> None:
    data = job_data("nested-loops.json")
    for node in data["job"]["metadata"]["flow"]:
        node.pop("count", None)
        if node["id"] == "each-angle":  # the inner loop's template; its copies carry none
            node["count"] = 4
    loops = {lp.id: lp for lp in flowgraph.graph(data).summary().loops}
    assert {k: (lp.started, lp.declared) for k, lp in loops.items()} == {
        "each-angle-q1": (2, 4), "each-angle-w2": (2, 4), "each-product": (2, None)}


def test_a_definition_ran_nothing_whatever_status_its_nodes_carry() -> None:
    s = flowgraph.graph(fixture("real-docs-definition.json")).summary()
    assert (s.nodes, s.statuses) == (1, {"not-run": 1})
    s = flowgraph.graph(fixture("real-definition-foreach.json")).summary()
    assert s.statuses == {"not-run": 5}


# -- follow-up: the run's cost, unknown keys ----------------------------------------------------
def test_the_cost_is_the_runs_figure_and_says_where_it_comes_from() -> None:
    s = flowgraph.graph(fixture("show-failed-bundle.json")).summary()
    assert (s.cost, s.node_cost) == (21.0, 21.0)  # the job itself bills 0
    detail = s.as_dict()["cost_detail"]
    assert (detail["source"], detail["node_jobs"], detail["not_loaded"], detail["job"]) == (
        "node-jobs", 3, 1, 0.0)
    # node jobs not loaded and the job says 0: unknown, not 0
    s = flowgraph.graph(fixture("real-foreach-count.json")).summary()
    assert (s.cost, s.cost_detail["source"], s.cost_detail["job"]) == (None, "unknown", 0.0)
    # no node job ids at all: the job's own figure
    s = flowgraph.graph(example("foreach-failed.json")).summary()
    assert (s.cost, s.cost_detail["source"]) == (42.5, "job")


def test_a_missing_status_or_type_counts_as_unknown() -> None:
    s = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": [
        {"id": "a"}, {"id": "b", "type": "model", "status": "success"}]}}).summary()
    assert (s.statuses, s.types) == ({"success": 1, "unknown": 1}, {"model": 1, "unknown": 1})
    assert "None" not in json.dumps(s.as_dict()["statuses"]) + json.dumps(s.as_dict()["types"])
