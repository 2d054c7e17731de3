"""critical_path(): nodes, totals and slack, by every weight."""

from __future__ import annotations

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
        fg.nx.nodes["a"]["timing"] = Timing(float("nan"), float("nan"), float("nan"))
        fg.nx.nodes["b"]["timing"] = Timing(1.0, 4.0, 5.0)
        cp = fg.critical_path("duration")
        assert (cp.nodes, cp.total, cp.slack["a"]) == (["b"], 5.0, 5.0)
