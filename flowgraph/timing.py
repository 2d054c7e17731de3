"""Per-node timings from the node jobs' ``statusHistory``: queue, run and total seconds.

>>> from flowgraph.model import Job, StatusChange
>>> job = Job(job_id="j", status_history=[
...     StatusChange("pending", "2026-01-01T07:37:09.434Z"),
...     StatusChange("queued", "2026-01-01T07:37:09.568Z"),
...     StatusChange("in-progress", "2026-01-01T07:37:10.202Z"),
...     StatusChange("success", "2026-01-01T07:38:37.989Z")])
>>> t = job_timing(job)
>>> round(t.queue, 3), round(t.run, 3), round(t.total, 3)
(0.768, 87.787, 88.555)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .model import Job
from .vocab import RUNNING_JOB_STATUSES, TERMINAL_JOB_STATUSES

__all__ = ["Timing", "ended_at_of", "first_time", "job_times", "job_timing", "parse_time"]


@dataclass(frozen=True)
class Timing:
    """Seconds a job waited (``queue``), ran (``run``) and took in all (``total``).

    ``run`` and ``total`` are ``None`` while the job has not ended.
    """

    queue: float | None
    run: float | None
    total: float | None


def parse_time(text: str | None) -> datetime | None:
    """An ISO time from the API as an aware UTC datetime, or None when absent or unreadable.

    >>> parse_time("2023-02-03T11:19:41.579Z").isoformat()
    '2023-02-03T11:19:41.579000+00:00'
    >>> parse_time("soon") is None
    True
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def first_time(fields: Mapping[str, Any], keys: tuple[str, ...]) -> datetime | None:
    """The first of ``keys`` in ``fields`` (a flow node's ``extra``) holding a readable time.

    >>> first_time({"startedAt": "soon", "createdAt": "2026-01-01T00:00:00Z"},
    ...            ("startedAt", "createdAt")).isoformat()
    '2026-01-01T00:00:00+00:00'
    """
    for key in keys:
        value = fields.get(key)
        when = parse_time(value) if isinstance(value, str) else None
        if when is not None:
            return when
    return None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


def job_times(job: Job) -> tuple[datetime | None, datetime | None, datetime | None]:
    """When a job was created, started running and ended (each None when unknown), from its
    ``statusHistory`` (and ``createdAt``); a job that ended without running started then."""
    created = parse_time(job.created_at)
    start = end = None
    for change in job.status_history:
        when = parse_time(change.date)
        if when is None:
            continue
        if created is None or when < created:
            created = when
        if start is None and change.status in RUNNING_JOB_STATUSES:
            start = when
        if end is None and change.status in TERMINAL_JOB_STATUSES:
            end = when
    if end is not None and start is None:
        start = end
    return created, start, end


def job_timing(job: Job) -> Timing:
    """The :class:`Timing` of one job, from its ``statusHistory`` (and ``createdAt``)."""
    created, start, end = job_times(job)
    return Timing(
        queue=_seconds(created, start), run=_seconds(start, end), total=_seconds(created, end)
    )


def ended_at_of(job: Job) -> str | None:
    """When a job ended, as the API wrote it: its ``statusHistory``'s first terminal entry with
    a readable time (the end :func:`job_times` uses), else ``updatedAt``."""
    for change in job.status_history:
        if change.status in TERMINAL_JOB_STATUSES and parse_time(change.date) is not None:
            return change.date
    return job.updated_at
