"""The pytest plugin end to end: pytest itself runs a user's snapshot tests (``pytester``)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.pytest_plugin import structure_diff_lines, structure_text
from tests.conftest import EXAMPLES

USER_TESTS = '''
import flowgraph
import pytest
from flowgraph.pytest_plugin import FlowgraphSnapshotExtension


@pytest.mark.parametrize("name", ["approval-parked", "foreach-failed"])
def test_structure(flowgraph_snapshot, name):
    assert flowgraph_snapshot == flowgraph.load(f"{name}.json")


def test_statuses(flowgraph_snapshot):
    with_statuses = FlowgraphSnapshotExtension.with_options(statuses=True)
    assert flowgraph_snapshot.use_extension(with_statuses) == "ifelse-skipped.json"


def test_picture(flowgraph_dot_snapshot):
    assert flowgraph_dot_snapshot == flowgraph.graph("approval-parked.json")
'''
#: Options of every inner run: plugins these tests do not need make each run 10x slower.
RUN = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:anyio")

# pytester runs pytest in this process and then forgets the modules the run imported, while the
# flowgraph package keeps the lazy names it resolved then (flowgraph.load -> a forgotten module
# with its own Job class): resolve them all now, before any run, so every run and every later
# test sees the same modules and classes.
for _name in flowgraph._LAZY:
    getattr(flowgraph, _name)
flowgraph.graph(EXAMPLES / "approval-parked.json").to_dot()


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user's project: the example runs and a test file, snapshots written once."""
    for path in EXAMPLES.glob("*.json"):
        shutil.copy(path, pytester.path / path.name)
    pytester.makepyfile(test_shots=USER_TESTS)
    result = pytester.runpytest(*RUN, "--snapshot-update")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*4 snapshots generated*"])
    return pytester


def shots(pytester: pytest.Pytester) -> Path:
    return pytester.path / "__snapshots__" / "test_shots"


def edit(pytester: pytest.Pytester, name: str, change: Any) -> None:
    path = pytester.path / name
    data = json.loads(path.read_text())
    data = change(data) or data
    path.write_text(json.dumps(data))


def flow_node(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    node: dict[str, Any] = next(n for n in data["job"]["metadata"]["flow"] if n["id"] == node_id)
    return node


def test_update_writes_one_text_file_per_snapshot_then_passes(project: pytest.Pytester) -> None:
    assert sorted(p.name for p in shots(project).iterdir()) == [
        "test_picture.dot",
        "test_statuses.txt",
        "test_structure[approval-parked].txt",
        "test_structure[foreach-failed].txt",
    ]
    text = (shots(project) / "test_structure[foreach-failed].txt").read_text()
    assert text == flowgraph.graph(EXAMPLES / "foreach-failed.json").snapshot()
    statuses = (shots(project) / "test_statuses.txt").read_text()
    assert "  landscape: custom-model model=model_landscape-enhance status=skipped\n" in statuses
    result = project.runpytest(*RUN)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*4 snapshots passed*"])


def test_changed_structure_fails_showing_the_changed_lines(project: pytest.Pytester) -> None:
    def change(data: dict[str, Any]) -> None:
        flow_node(data, "upscale")["modelId"] = "model_upscale-v4"
        flow_node(data, "upscale")["dependsOn"] = []

    edit(project, "approval-parked.json", change)
    result = project.runpytest(*RUN)
    result.assert_outcomes(passed=2, failed=2)  # the structure and the picture
    result.stdout.fnmatch_lines([
        "*test_structure?approval-parked?*",
        "E       assert [[]- snapshot[]] == [[]+ received[]]",
        "E           nodes:",
        "E         -   upscale: model model=model_upscale-v3",
        "E         +   upscale: model model=model_upscale-v4",
        "E           edges:",
        "E         -   approve -> upscale: depends_on",
        "E           outputs:",
        "E         +   approve",
    ])
    result.stdout.fnmatch_lines(["*2 snapshots failed*"])
    # accepting the change: --snapshot-update rewrites the file, and the run passes again
    project.runpytest(*RUN, "--snapshot-update").assert_outcomes(passed=4)
    project.runpytest(*RUN).assert_outcomes(passed=4)


def test_new_iteration_fails_on_the_counts(project: pytest.Pytester) -> None:
    def add_iteration(data: dict[str, Any]) -> None:
        flow = data["job"]["metadata"]["flow"]
        for template in ("render", "upscale"):
            copy = dict(flow_node(data, f"{template}-c9Zt"), id=f"{template}-d4Qw", iterationIndex=3)
            flow.append(copy)

    edit(project, "foreach-failed.json", add_iteration)
    result = project.runpytest(*RUN, "-k", "foreach")
    result.assert_outcomes(failed=1, deselected=3)
    result.stdout.fnmatch_lines([
        "E         -   each-style: for-each iterations=3 body=[[]render,upscale[]]",
        "E         +   each-style: for-each iterations=4 body=[[]render,upscale[]]",
    ])


def snake(value: Any) -> Any:
    """What the official SDK's ``model_dump()`` gives for the run: its real snake_case names."""
    from scenario_sdk.types import JobRetrieveResponse

    return JobRetrieveResponse.model_validate(value).model_dump()


def test_shuffled_flow_and_snake_case_keys_still_pass(project: pytest.Pytester) -> None:
    for name in ("approval-parked.json", "foreach-failed.json", "ifelse-skipped.json"):
        edit(project, name, lambda d: random.Random(3).shuffle(d["job"]["metadata"]["flow"]))
    project.runpytest(*RUN).assert_outcomes(passed=4)
    for name in ("approval-parked.json", "foreach-failed.json", "ifelse-skipped.json"):
        edit(project, name, snake)
    assert "job_id" in (project.path / "foreach-failed.json").read_text()
    result = project.runpytest(*RUN, "-k", "structure or statuses")
    result.assert_outcomes(passed=3, deselected=1)


def test_dot_extension_writes_the_dot_source(project: pytest.Pytester) -> None:
    dot = (shots(project) / "test_picture.dot").read_text()
    fg = flowgraph.graph(EXAMPLES / "approval-parked.json")
    assert dot == fg.to_dot(job_ids=False).source
    assert dot.startswith("digraph")
    ids = [fg.job.job_id, *(n.job_id for n in fg.job.flow if n.job_id)]
    assert len(ids) > 1 and not [i for i in ids if i in dot]  # job ids stay out, as in the text
    project.runpytest(*RUN, "-k", "picture").assert_outcomes(passed=1, deselected=3)


def test_another_run_of_the_workflow_matches_the_picture(project: pytest.Pytester) -> None:
    def new_ids(data: dict[str, Any]) -> None:
        data["job"]["jobId"] = "job_SecondRun"
        for node in data["job"]["metadata"]["flow"]:
            if node.get("jobId"):
                node["jobId"] = node["jobId"] + "-again"

    edit(project, "approval-parked.json", new_ids)
    project.runpytest(*RUN, "-k", "picture").assert_outcomes(passed=1, deselected=3)


def test_without_syrupy_the_plugin_stays_out_of_the_way(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = pytester.mkdir("no_syrupy") / "syrupy"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('syrupy is not installed')\n")
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    shutil.copy(EXAMPLES / "approval-parked.json", pytester.path)
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n",
                        test_shot="def test_shot(flowgraph_snapshot):\n"
                                  "    assert flowgraph_snapshot == 'approval-parked.json'\n")
    result = pytester.runpytest_subprocess(*RUN, "-p", "no:syrupy")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*flowgraph's snapshot fixtures need syrupy: pip install*"])


def test_structure_text_accepts_every_source_and_made_text() -> None:
    path = EXAMPLES / "approval-parked.json"
    fg = flowgraph.graph(path)
    expected = fg.snapshot()
    for source in (fg, fg.job, path, str(path), path.read_text(), json.loads(path.read_text())):
        assert structure_text(source) == expected, type(source)
    assert structure_text(fg.snapshot(statuses=True)) == fg.snapshot(statuses=True)
    assert structure_text(path, copies=True) == fg.snapshot(copies=True)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("nodes:\n  a: model\n", "nodes:\n  a: model\n", []),
        ("kind: run\nnodes:\n", "kind: definition\nnodes:\n", ["- kind: run", "+ kind: definition"]),
        ("nodes:\n  c: logic\n    case 1: x\n  d: model\n",
         "nodes:\n  c: logic\n    case 1: y\n  d: model\n",
         ["  nodes:", "    c: logic", "-     case 1: x", "+     case 1: y"]),
    ],
    ids=["same", "header-line", "case-line-with-its-node"],
)
def test_structure_diff_lines(before: str, after: str, expected: list[str]) -> None:
    assert list(structure_diff_lines(before, after)) == expected
