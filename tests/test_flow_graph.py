"""The facade: lookups and relatives."""

from __future__ import annotations

import flowgraph
from tests.conftest import example


def test_upstream_and_downstream() -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    assert fg.upstream("upscale") == ["approve", "gen", "input:idea", "input:style", "prompt"]
    assert fg.downstream("approve") == ["remove-bg", "upscale"]
