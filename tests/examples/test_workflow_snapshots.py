"""Snapshot tests of workflow structure: a template to copy into your own project.

``pytest --snapshot-update`` writes one text file per snapshot under
``__snapshots__/test_workflow_snapshots/``; commit them. From then on a run whose structure
changed (a node added, a model swapped, an input rewired, a loop body edited) fails and pytest
prints the changed lines of the structure text; a reordered flow, camelCase or snake_case keys,
new job ids, asset URLs, timings and costs do not. The files are what ``flowgraph snapshot``
prints, so a reviewer reads the change in the pull request.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import flowgraph
from flowgraph.pytest_plugin import FlowgraphSnapshotExtension

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    "name",
    ["approval-parked", "foreach-failed", "ifelse-skipped", "nested-loops", "timed-bundle"],
)
def test_workflow_structure(flowgraph_snapshot: SnapshotAssertion, name: str) -> None:
    """The structure only: same snapshot for every run of the same workflow shape."""
    assert flowgraph_snapshot == flowgraph.load(EXAMPLES / f"{name}.json")


def test_run_with_statuses(flowgraph_snapshot: SnapshotAssertion) -> None:
    """A run you keep as a fixture: its statuses too (a made structure text is kept as is)."""
    fg = flowgraph.graph(EXAMPLES / "foreach-failed.json")
    assert flowgraph_snapshot == fg.snapshot(statuses=True)


def test_loop_copies_with_statuses(flowgraph_snapshot: SnapshotAssertion) -> None:
    """The same with the extension's options: every loop copy listed, with its status."""
    every_copy = FlowgraphSnapshotExtension.with_options(statuses=True, copies=True)
    assert flowgraph_snapshot.use_extension(every_copy) == EXAMPLES / "nested-loops.json"
