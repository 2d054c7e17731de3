"""summarize(): counts, loops, cost."""

from __future__ import annotations

import pytest

import flowgraph
from tests.conftest import example


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
