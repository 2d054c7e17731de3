"""The facade: lookups and relatives, node errors and the run's cost."""

from __future__ import annotations

import pytest

import flowgraph
from flowgraph import _graph
from tests.conftest import example, fixture


def test_upstream_and_downstream() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert fg.upstream("upscale") == ["approve", "gen", "input:idea", "input:style", "prompt"]
    assert fg.downstream("approve") == ["remove-bg", "upscale"]


def test_node_of_a_workflow_input_or_a_placeholder_says_what_it_is() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    with pytest.raises(flowgraph.NodeNotFoundError) as info:
        fg.node("input:idea")
    assert str(info.value) == (
        "'input:idea' is a workflow input (named 'idea'), not a flow node; "
        ".attrs('input:idea') has its attributes"
    )
    assert isinstance(info.value, _graph.NotAFlowNodeError) and info.value.role == "input"
    assert fg.attrs("input:idea")["role"] == "input"
    broken = flowgraph.graph(fixture("broken.json"))
    with pytest.raises(
        _graph.NotAFlowNodeError, match="^'ghost' is a placeholder for a ref to a node"
    ):
        broken.node("ghost")
    with pytest.raises(flowgraph.NodeNotFoundError, match="^no node 'nope' in this graph$"):
        fg.node("nope")


def test_error_gives_a_nodes_own_error_and_hint() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    e = fg.error("upscale")
    assert isinstance(e, _graph.NodeError)
    assert (e.node, e.job_id, e.status) == ("upscale", "job_fu", "failure")
    assert e.error is not None and e.error.startswith("Upscale failed: the input image is 6144")
    assert e.hint == (
        "Resize the image below 4096 px per side, or pick an upscaler that takes larger images."
    )
    assert fg.error("gen") is None  # its job says nothing went wrong
    assert fg.error("thumb") is None  # its job did not load
    assert fg.error("input:idea") is None
    assert fg.errors() == [e]
    with pytest.raises(flowgraph.NodeNotFoundError):
        fg.error("nope")
    assert flowgraph.graph(example("foreach-failed.json")).errors() == []


def test_cost_sums_the_node_jobs() -> None:
    cost = flowgraph.graph(fixture("show-failed-bundle.json")).cost()
    assert (cost.value, cost.source, cost.node_jobs, cost.not_loaded, cost.job) == (
        21.0,
        "node-jobs",
        3,
        1,
        0.0,
    )
    timed = flowgraph.graph(example("timed-bundle.json")).cost()
    assert (timed.value, timed.source, timed.node_jobs) == (32.5, "node-jobs", 5)
    # without node jobs: the job's own figure, unless it is the 0 a real workflow job bills
    assert flowgraph.graph(example("foreach-failed.json")).cost().value == 42.5
    unknown = flowgraph.graph(fixture("show-canceled-gate.json")).cost()
    assert (unknown.value, unknown.source, unknown.job) == (None, "unknown", 0.0)
