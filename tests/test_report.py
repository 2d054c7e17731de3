"""``flowgraph.report``: the watch lines (the other texts are checked through the CLI)."""

from __future__ import annotations

from flowgraph.model import Job
from flowgraph.report import seconds, watch_header, watch_lines


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
