"""lint(): structural and data findings."""

from __future__ import annotations

import flowgraph
from tests.conftest import example, fixture


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
