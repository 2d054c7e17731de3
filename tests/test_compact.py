"""One screen by default: ``show`` and ``summary`` on a big run (``flowgraph._compact``)."""

from __future__ import annotations

import sys

import pytest

import flowgraph
from flowgraph._compact import SCREEN_LINES, fold, pick
from flowgraph.cli import main
from flowgraph.report import summary_text
from flowgraph.show import show_text
from tests.conftest import ROOT, example

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import make_bundle  # noqa: E402


@pytest.fixture(scope="module")
def big() -> flowgraph.FlowGraph:
    return flowgraph.graph(make_bundle(10000))


def test_show_fits_one_screen_problems_first(big: flowgraph.FlowGraph) -> None:
    lines = show_text(big, width=100).splitlines()
    assert len(lines) <= SCREEN_LINES
    table = [x for x in lines if x[:1] in "⏸○●✗✓⊘" and x[1:3] == "  "]
    first = [x.split()[1] for x in table[:7]]
    assert first == ["approve-48", "publish-48", "upscale-49", "report", "each-style",
                     "contact-sheet", "each-product"]
    assert "running 2m56s" in table[2]
    at = lines.index(table[4])
    each = "\n".join(lines[at : at + 3])
    assert "1333 iterations: 1332 ok / 1 f" in each and "failed: iteration 979 (render-" in each
    assert any(x.startswith("... 490 more nodes not shown: 433 ok / 3 pending / 54 skipped")
               for x in lines)
    assert "gate approve-48 (user-approval) waits for a person; resume it with:" in lines
    assert lines[-1] == (
        "next: fix the failed node render-v1oR (each-style iteration 979) and re-run the workflow")


def test_problems_only_and_all(big: flowgraph.FlowGraph) -> None:
    problems = show_text(big, width=None, view="problems").splitlines()
    rows = [x.split()[1] for x in problems if x[:1] in "⏸○●✗✓⊘" and x[1:3] == "  "]
    assert rows == ["approve-48", "publish-48", "upscale-49", "report", "each-style",
                    "contact-sheet", "each-product"]
    assert ("... 497 more nodes and 1 loop not shown: 439 ok / 3 pending / 55 skipped "
            "(--all lists them)") in problems
    assert len(show_text(big, width=None, view="all").splitlines()) > 500


def test_a_small_run_is_shown_whole() -> None:
    fg = flowgraph.graph(example("foreach-failed.json"))
    assert show_text(fg) == show_text(fg, view="all")


def test_fold_names_the_failed_iterations_on_the_loop_row() -> None:
    rows = [
        {"id": "each", "depth": 0, "kind": "loop", "state": "failure"},
        {"id": "render", "depth": 1, "kind": "body", "state": "failure",
         "failed": [{"loop": "each", "iteration": 979, "node": "render-x"}],
         "blocked": [{"reason": "failed-upstream", "count": 1, "causes": ["render-x"]}]},
        {"id": "refine", "depth": 1, "kind": "body", "state": "pending",
         "blocked": [{"reason": "failed-upstream", "count": 2, "causes": ["render-x"]}]},
        {"id": "after", "depth": 0, "kind": "node", "state": "success"},
    ]
    folded = fold(rows)
    assert [r["id"] for r in folded] == ["each", "after"]
    assert folded[0]["failed"] == [{"loop": "each", "iteration": 979, "node": "render-x"}]
    assert folded[0]["blocked"] == [{"reason": "failed-upstream", "count": 3, "causes": ["render-x"]}]
    assert pick(rows, 1) == ([folded[0]], "... 1 more node not shown: 1 ok (--all lists them)")


def test_summary_folds_inner_loop_copies_and_names_the_gate(big: flowgraph.FlowGraph) -> None:
    lines = summary_text(big.summary(), big).splitlines()
    assert len(lines) <= SCREEN_LINES
    assert [x for x in lines if x.startswith(("loop ", "parked"))] == [
        "loop each-angle: 483 copies (one per each-product iteration), 1548 of 1932 iteration(s) "
        "started: 2 processing / 1546 success",
        "loop each-product: 483 iteration(s): 96 pending / 1 processing / 386 success",
        "loop each-style: 1333 iteration(s): 1 failure / 1332 success; failed iterations: #979",
        "loop variations: 1250 of 1250 iteration(s) started: 1250 success",
        "parked: approve-48 (`flowgraph show` has the call that resumes it)",
    ]


def test_cli_show_all_and_problems(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    assert main(["show", path, "--problems"]) == 1  # a node failed
    out = capsys.readouterr().out
    assert "✗  each-style" in out and "✓  style-list" not in out
    assert "... 1 more node not shown: 1 ok (--all lists them)" in out
    assert main(["show", path, "--all"]) == 1
    assert "✓  style-list" in capsys.readouterr().out
