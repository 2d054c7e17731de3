"""No quadratic step: the work of every stage grows with the run, counted, not timed.

Timings on a shared machine are noisy and a 10x larger run also falls out of the CPU caches
(``make bench`` measures time). Here the unit of work is a line of flowgraph's own code run by
the interpreter (``sys.settrace``): deterministic, and a loop over loops shows at once. What it
cannot see is a costly call on one line (``x in a_list``, work inside networkx or C code): the
growth column of ``make bench`` is the check for those. The runs
come from the benchmark generator, which scales every shape with the run: a for-each with many
iterations, nested loops, a node with many inputs from one source, an ``inputs_array`` input
with one item per segment, branches and gates.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.render import mermaid, scene
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import encode, make_run  # noqa: E402

PACKAGE = str(Path(flowgraph.__file__).resolve().parent)


def lines_run(fn: Callable[[], Any]) -> tuple[int, Any]:
    """How many lines of flowgraph's code ``fn()`` runs, and what it returns."""
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = fn()
    finally:
        sys.settrace(previous)
    return count, result


def work(size: int) -> tuple[int, dict[str, int]]:
    """(graph nodes, lines run per stage) for a generated run of about ``size`` nodes."""
    data = encode(make_run(size))
    out: dict[str, int] = {}
    out["load"], job = lines_run(lambda: flowgraph.load(data))
    out["build"], fg = lines_run(lambda: flowgraph.build(job))
    out["critical_path"], _ = lines_run(fg.critical_path)
    out["blocked"], _ = lines_run(fg.blocked)
    out["lint"], _ = lines_run(fg.lint)
    out["summary"], _ = lines_run(fg.summary)
    out["snapshot"], _ = lines_run(fg.snapshot)
    out["node_link"], _ = lines_run(fg.to_node_link)
    out["scene"], _ = lines_run(lambda: scene.build_scene(
        fg, highlight_critical=True, highlight_blocked=True))
    out["mermaid"], _ = lines_run(lambda: mermaid.to_mermaid(fg))
    return fg.graph.number_of_nodes(), out


@pytest.fixture(scope="module")
def small_and_large() -> tuple[tuple[int, dict[str, int]], tuple[int, dict[str, int]]]:
    return work(400), work(4000)


@pytest.mark.parametrize("stage", ["load", "build", "critical_path", "blocked", "lint",
                                   "summary", "snapshot", "node_link", "scene", "mermaid"])
def test_every_stage_does_linear_work(small_and_large: Any, stage: str) -> None:
    (small_nodes, small), (large_nodes, large) = small_and_large
    assert large_nodes > 8 * small_nodes
    assert small[stage] > 0
    # per node, the large run may cost at most 10% more than the small one
    assert large[stage] / large_nodes <= 1.10 * small[stage] / small_nodes, (
        f"{stage}: {small[stage]} lines for {small_nodes} nodes, "
        f"{large[stage]} for {large_nodes}"
    )


def test_the_counter_sees_a_quadratic_step() -> None:
    # a nested loop, compiled as if it were a module of flowgraph
    code = compile("def q(n):\n    hits = 0\n    for i in range(n):\n        for j in range(n):\n"
                   "            hits += i == j\n    return hits\n",
                   str(Path(PACKAGE) / "fake.py"), "exec")
    scope: dict[str, Any] = {}
    exec(code, scope)
    small, _ = lines_run(lambda: scope["q"](20))
    large, _ = lines_run(lambda: scope["q"](200))
    assert scope["q"](7) == 7
    assert large / 200 > 5 * small / 20  # 10x the input: ~100x the lines
