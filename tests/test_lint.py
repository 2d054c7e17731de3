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


# -- issue 13: the editor's if/else numbering and definitions that carry statuses lint clean ----
def test_editor_numbered_if_else_and_definitions_with_statuses_lint_clean() -> None:
    for name in ("real-ifelse-editor.json", "real-docs-definition.json",
                 "real-definition-foreach.json", "real-foreach-count.json",
                 "real-foreach-reject-running.json", "ended-foreach-reject-canceled.json",
                 "ended-gate-parked.json", "ended-gate-rejected.json"):
        assert flowgraph.graph(fixture(name)).lint() == [], name


def test_an_if_else_without_default_whatever_its_case_values() -> None:
    fg = flowgraph.graph({"jobId": "j", "metadata": {"flow": [
        {"id": "ifElse1", "type": "logic", "logicType": "if-else", "status": "pending",
         "logic": {"cases": [{"condition": "trim(x) == 'a'", "value": "2"},
                             {"condition": "x.matches('.*night.*')", "value": "3"}]}}]}})
    assert [(f.code, f.node) for f in fg.lint()] == [("if-else-without-default", "ifElse1")]
