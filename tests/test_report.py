"""``flowgraph.report``: the watch lines, blocked and summary texts with the graph's errors and
cost, and texts that never print ``None`` (the rest is checked through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flowgraph
from flowgraph.blocked import Blocked, root_causes
from flowgraph.model import Job
from flowgraph.report import (
    blocked_text,
    critical_path_text,
    seconds,
    summary_text,
    watch_header,
    watch_lines,
)
from tests.conftest import example, fixture


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
    assert blocked_text(items).splitlines() == [
        "2 blocked node(s), 1 root cause(s)",
        "",
        "(the job itself): the workflow job ended (canceled)",
        "  blocks (job-ended): b, c",
    ]
    items.append(Blocked("d", "failed-upstream", ["a"], "upstream node failed: 'a'", ["a", "d"]))
    assert blocked_text(items).splitlines()[0] == "3 blocked node(s), 2 root cause(s)"


def test_blocked_text_prints_the_failed_root_causes_own_error_and_hint() -> None:
    fg = flowgraph.graph(fixture("show-failed-bundle.json"))
    assert blocked_text(fg.blocked(), fg) == (
        "1 blocked node(s), 1 root cause(s)\n"
        "\n"
        "upscale: failed\n"
        "  error: Upscale failed: the input image is 6144x6144, above the 4096x4096 limit of "
        "model_upscale-v3 (request req_7Hc2; the model's worker returned HTTP 422 af…\n"
        "  hint: Resize the image below 4096 px per side, or pick an upscaler that takes larger "
        "images.\n"
        "  blocks (failed-upstream): remove-bg\n"
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
    assert blocked_text(items, fg).splitlines()[2:] == [
        "(the job itself): the workflow job was canceled at 2026-11-22 10:03:10 UTC",
        "  error: Canceled by the user",
        "  hint: Open the node's job for details, then run the workflow again.",
        "  blocks (job-ended): remove-bg",
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


# -- follow-up: what a root cause is, fallbacks, counted loops ------------------------------------
def test_a_failed_root_cause_says_it_failed_not_its_victims_reason() -> None:
    fg = flowgraph.graph(
        {"jobId": "j", "status": "in-progress", "metadata": {"flow": [
            {"id": "a", "status": "success"},
            {"id": "b", "status": "failure", "dependsOn": ["a"]},
            {"id": "c", "status": "pending", "dependsOn": ["b"]}]}}
    )
    expected = [
        "1 blocked node(s), 1 root cause(s)",
        "",
        "b: failed",
        "  blocks (failed-upstream): c",
        "  b -> c",
    ]
    assert blocked_text(fg.blocked(), fg).splitlines() == expected
    assert blocked_text(fg.blocked()).splitlines() == expected  # the reason tells, alone


def test_each_kind_of_root_cause_says_what_it_is() -> None:
    fg = flowgraph.graph(fixture("followup-mixed-causes.json"))
    assert blocked_text(fg.blocked(), fg).splitlines() == [
        "4 blocked node(s), 4 root cause(s)",
        "",
        "ok: parked until a person acts: approve or reject it",
        "",
        "gen, ghost, no: failed (gen); rejected (no); missing from the flow (ghost)",
        "  blocks (failed-upstream): thumb",
        "  gen -> thumb",
        "",
        "gen, ok: failed (gen); a gate parked for a person (ok)",
        "  blocks (failed-upstream): upscale, remove-bg",
        "  gen -> upscale -> remove-bg",
    ]


def test_a_cycle_is_a_root_cause_that_names_its_members() -> None:
    fg = flowgraph.graph(fixture("broken.json"))
    assert blocked_text(fg.blocked(), fg).splitlines() == [
        "5 blocked node(s), 4 root cause(s)",
        "",
        "c1, c2: on a cycle",
        "",
        "c2: on a cycle",
        "  blocks (cycle): after-cycle",
        "  c2 -> after-cycle",
        "",
        "ghost: missing from the flow",
        "  blocks (missing-dependency): needs-ghost",
        "  ghost -> needs-ghost",
        "",
        "self: on a cycle",
    ]


RUNS = sorted(fixture("x").parent.glob("*.json")) + sorted(example("x").parent.glob("*.json"))


@pytest.mark.parametrize("path", RUNS, ids=lambda p: p.name)
def test_the_count_of_root_causes_is_root_causes_and_each_is_named(path: Path) -> None:
    fg = flowgraph.graph(path)
    items = fg.blocked()
    text = blocked_text(items, fg)
    causes = root_causes(items)
    if not items:
        assert text == "nothing is blocked\n"
        return
    assert text.splitlines()[0] == f"{len(items)} blocked node(s), {len(causes)} root cause(s)"
    heads = [line.split(": ", 1)[0] for line in text.splitlines() if line and line[0] != " "]
    named = {c for head in heads[1:] for c in head.split(", ")}
    assert {"(the job itself)" if c is None else c for c in causes} <= named
    assert "failed-upstream:" not in text and "None" not in text


def test_critical_path_text_says_when_it_fell_back_to_hops() -> None:
    fg = flowgraph.graph(fixture("real-foreach-count.json"))
    cp = fg.critical_path("duration")
    assert cp.fallback == "duration"
    assert critical_path_text(cp).splitlines()[:3] == [
        "critical path (hops): 4 node(s), total 4 hop(s)",
        (
            "note: no node has a known duration time (they come from the node jobs: "
            "`flowgraph fetch --node-jobs` saves them): counted hops instead"
        ),
        "",
    ]
    # asked for hops, or duration known: no note
    assert "note:" not in critical_path_text(fg.critical_path("hops"))
    timed = flowgraph.graph(example("timed-bundle.json")).critical_path("duration")
    assert "note:" not in critical_path_text(timed)


def test_summary_text_says_how_many_iterations_of_a_counted_loop_started() -> None:
    fg = flowgraph.graph(fixture("real-foreach-count.json"))
    lines = summary_text(fg.summary(), fg).splitlines()
    loops = [line for line in lines if line.startswith("loop")]
    assert loops == ["loop variations: 2 of 5 iteration(s) started: 1 processing / 1 success"]
    # a loop over its array input: as before
    fg = flowgraph.graph(example("foreach-failed.json"))
    assert "loop each-style: 3 iteration(s): 1 failure / 2 success; failed iterations: #1" in (
        summary_text(fg.summary()).splitlines())


def test_summary_text_keys_a_missing_status_or_type_as_unknown() -> None:
    fg = flowgraph.graph({"jobId": "j", "status": "in-progress", "metadata": {"flow": [
        {"id": "a"}, {"id": "b", "type": "model", "status": "success"}]}})
    assert summary_text(fg.summary(), fg).splitlines()[1:3] == [
        "statuses: success 1, unknown 1", "types: model 1, unknown 1"]
