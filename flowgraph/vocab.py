"""The values the Scenario API is known to use. Every enum is open: other values are kept.

>>> "rejected" in NODE_STATUSES and "user-selection" in NODE_TYPES
True
>>> is_terminal_job_status("paused")
False
"""

from __future__ import annotations

__all__ = [
    "NODE_STATUSES",
    "NODE_TYPES",
    "JOB_STATUSES",
    "TERMINAL_JOB_STATUSES",
    "GATE_TYPES",
    "ENGINE_TYPES",
    "is_terminal_job_status",
]

NODE_STATUSES = frozenset({"failure", "pending", "processing", "rejected", "skipped", "success"})
NODE_TYPES = frozenset(
    {
        "custom-model",
        "for-each",
        "generate-prompt",
        "list",
        "logic",
        "model",
        "remove-background",
        "transform",
        "user-approval",
        "user-selection",
        "workflow",
    }
)
JOB_STATUSES = frozenset(
    {
        "pending",
        "queued",
        "warming-up",
        "in-progress",
        "finalizing",
        "success",
        "failure",
        "canceled",
    }
)
TERMINAL_JOB_STATUSES = frozenset({"success", "failure", "canceled"})
GATE_TYPES = frozenset({"user-approval", "user-selection"})
#: Node types that run inside the workflow engine, without a child job of their own.
ENGINE_TYPES = frozenset({"transform", "list", "logic", "for-each"})


def is_terminal_job_status(status: str | None) -> bool:
    """True for a job status after which nothing changes; unknown statuses are not terminal."""
    return status in TERMINAL_JOB_STATUSES
