"""``flowgraph.report``: the watch lines, blocked and summary texts with the graph's errors and
cost, and texts that never print ``None`` (the rest is checked through the CLI)."""

from __future__ import annotations

import json

import pytest

import flowgraph
from flowgraph.blocked import Blocked
from flowgraph.model import Job
from flowgraph.report import (
    blocked_text,
    critical_path_text,
    seconds,
    summary_text,
    watch_header,
    watch_lines,
)
from tests.conftest import fixture


def test_watch_lines_say_the_time_status_progress_and_changes() -> None:
    job = Job(job_id="job_1", status="in-progress", progress=0.425)
    lines = watch_lines(job, [("gen", "processing", "success"), ("up", None, None)], "12:00:01")
    assert lines == [
        "12:00:01 in-progress 42%, 2 change(s)",
        "  gen: processing -> success",
        "  up: - -> -",
    ]
    assert watch_lines(Job(job_id="j"), [], "12:00:02") == ["12:00:02 None, 0 change(s)"]
    assert watch_header("job_1") == "watching job_1 (Ctrl-C to stop)"


def test_watch_lines_list_twenty_changes_then_count_the_rest() -> None:
    job = Job(job_id="j", status="in-progress")
    changes = [(f"n{i}", "pending", "success") for i in range(45)]
    lines = watch_lines(job, changes, "00:00:00")
    assert len(lines) == 22
    assert lines[20] == "  n19: pending -> success" and lines[21] == "  ... and 25 more"
    assert len(watch_lines(job, changes[:20], "00:00:00")) == 21


def test_watch_lines_never_print_control_characters() -> None:
    job = Job(job_id="j", status="in-\x1b[31mprogress")
    lines = watch_lines(job, [("a\nb\x1b[2J", "pen\rding", "ok")], "00:00:00")
    assert all(line.isprintable() for line in lines)


def test_seconds_stays_importable_from_report() -> None:
    assert seconds(125) == "2m05s"


# -- issue 13 ------------------------------------------------------------------------------------
def test_blocked_text_counts_the_job_itself_as_a_root_cause() -> None:
    items = [
        Blocked("b", "job-ended", [], "the workflow job ended (canceled) before this node ran"),
        Blocked("c", "job-ended", [], "the workflow job ended (canceled) before this node ran"),
    ]
    assert blocked_text(items).splitlines()[:3] == [
        "2 blocked node(s), 1 root cause(s)",
        "",
        "(the job itself): job-ended: the workflow job ended (canceled) before this node ran",
    ]
    items.append(Blocked("d", "failed-upstream", ["a"], "upstream node failed: 'a'", ["a", "d"]))
    assert blocked_text(items).splitlines()[0] == "3 blocked node(s), 2 root cause(s)"


def test_blocked_text_prints_the_failed_root_causes_own_error_and_hint() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    assert blocked_text(fg.blocked(), fg) == (
        "1 blocked node(s), 1 root cause(s)\n"
        "\n"
        "upscale: failed-upstream: upstream node failed: 'upscale'\n"
        "  error: Upscale failed: the input image is 6144x6144, above the 4096x4096 limit of "
        "model_upscale-v3 (request req_7Hc2; the model's worker returned HTTP 422 af…\n"
        "  hint: Resize the image below 4096 px per side, or pick an upscaler that takes larger "
        "images.\n"
        "  blocks: remove-bg\n"
        "  upscale -> remove-bg\n"
    )
    # without the graph (or node jobs): as before
    assert "error:" not in blocked_text(fg.blocked())


def test_blocked_text_of_an_ended_job_says_what_the_job_said() -> None:
    data = json.loads(fixture("show-failed-bundle.json").read_text())
    data["job"]["status"] = "canceled"
    data["job"]["metadata"]["flow"][3]["status"] = "success"
    data["job"]["metadata"]["error"] = "Canceled by the user"
    fg = flowgraph.graph(data)
    items = [Blocked("remove-bg", "job-ended", [], "the workflow job ended (canceled)")]
    assert blocked_text(items, fg).splitlines()[2:4] == [
        "(the job itself): job-ended: the workflow job ended (canceled)",
        "  error: Canceled by the user",
    ]


def test_summary_text_with_the_graph_sums_node_job_costs_and_prints_errors() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    assert summary_text(fg.summary(), fg).splitlines()[4:] == [
        "cost: at least 21 CU (sum of 3 node jobs, 1 not loaded; the job itself says 0)",
        "node jobs not loaded: 1: thumb (job_ft: GET /jobs/job_ft: HTTP 404 Not Found: job not "
        "found (request id req_9x2))",
        "error: Node upscale failed",
        "hint: Open the node's job for details, then run the workflow again.",
        "error (upscale): Upscale failed: the input image is 6144x6144, above the 4096x4096 limit "
        "of model_upscale-v3 (request req_7Hc2; the model's worker returned HTT…",
        "hint (upscale): Resize the image below 4096 px per side, or pick an upscaler that takes "
        "larger images.",
    ]
    canceled = flowgraph.graph(fixture("show-canceled-gate.json"))
    assert summary_text(canceled.summary(), canceled).splitlines()[-1] == (
        "cost: unknown (the job itself says 0 CU; its node jobs carry the cost: load them, "
        "--node-jobs)"
    )


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("show-docs-get-workflow.json", "workflow workflow_abc123"),
        ("show-skills-prompt-to-image.json", "workflow wflow_prompt-to-image"),
    ],
)
def test_definitions_never_print_none(name: str, first: str) -> None:
    fg = flowgraph.graph(fixture(name))
    text = summary_text(fg.summary(), fg)
    assert text.splitlines()[:2] == [
        f"{first} (a definition: nothing has run), 1 node(s)",
        "statuses: - (nothing has run)",
    ]
    assert "None" not in text
    assert "None" not in critical_path_text(fg.critical_path())
    assert "None" not in summary_text(fg.summary())


def test_critical_path_text_shows_a_missing_type_or_status_as_a_dash() -> None:
    fg = flowgraph.graph(fixture("show-skills-prompt-to-image.json"))
    assert critical_path_text(fg.critical_path()).splitlines()[2:] == [
        "#  node    type   status",
        "1  model1  model  -",
    ]


def test_watch_lines_never_print_nan_percent() -> None:
    job = Job(job_id="j", status="in-progress", progress=float("nan"))
    assert watch_lines(job, [], "00:00:00") == ["00:00:00 in-progress, 0 change(s)"]


def test_summary_text_never_prints_an_infinite_cost() -> None:
    fg = flowgraph.graph(
        '{"jobId": "job_1", "status": "success", "billing": {"cuCost": 1e999}, '
        '"metadata": {"flow": [{"id": "a", "type": "model", "status": "success"}]}}'
    )
    for text in (summary_text(fg.summary()), summary_text(fg.summary(), fg)):
        assert "inf" not in text and "nan" not in text
