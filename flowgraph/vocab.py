"""The values the Scenario API is known to use. Every enum is open: other values are kept.

>>> "rejected" in NODE_STATUSES and "user-selection" in NODE_TYPES
True
>>> is_terminal_job_status("paused")
False
"""

from __future__ import annotations

__all__ = [
    "DEPENDENCY_KINDS",
    "EDGE_KINDS",
    "EDGE_RANK",
    "EXTENSION_FORMATS",
    "GATE_REASONS",
    "GATE_TYPES",
    "JOB_STATUSES",
    "NODE_STATUSES",
    "NODE_TYPES",
    "PICTURE_FORMATS",
    "RENDER_FORMATS",
    "RUNNING_JOB_STATUSES",
    "SUFFIX_FORMATS",
    "TERMINAL_JOB_STATUSES",
    "WAITING_JOB_STATUSES",
    "WEIGHTS",
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
#: Job statuses before a job starts, and while it runs (in the order a job goes through them).
WAITING_JOB_STATUSES = ("pending", "queued")
RUNNING_JOB_STATUSES = ("in-progress", "warming-up", "finalizing")
GATE_TYPES = frozenset({"user-approval", "user-selection"})
#: The blocked reasons of a gate parked for a person (see :mod:`flowgraph.blocked`).
GATE_REASONS = ("awaiting-approval", "awaiting-selection")

#: Edge kinds of the built graph, strongest first (the order that picks an edge's ``kind``);
#: :mod:`flowgraph.builder` says what each means.
EDGE_KINDS = (
    "branch",
    "data",
    "item",
    "conditional",
    "depends_on",
    "loop_result",
    "iteration",
    "loop_body",
)
#: An edge kind's place in :data:`EDGE_KINDS` (smaller is stronger).
EDGE_RANK = {kind: i for i, kind in enumerate(EDGE_KINDS)}
#: Kinds through which a node reads or waits for another (what makes a loop consumer).
DEPENDENCY_KINDS = frozenset({"branch", "data", "item", "conditional", "depends_on"})

#: Node weights of the critical path (:mod:`flowgraph.critical`); ``auto`` picks one.
WEIGHTS = ("auto", "duration", "queue", "run", "hops")

#: What ``flowgraph render`` writes; the first three run Graphviz's ``dot``; trace (Chrome
#: Trace Event JSON) and gantt (an SVG) are the run's timeline, from its node jobs.
RENDER_FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "json", "trace", "gantt")
#: The formats that need Graphviz's ``dot`` binary.
PICTURE_FORMATS = ("svg", "png", "pdf")
#: File extensions whose format is not their own name.
EXTENSION_FORMATS = {"gv": "dot", "mmd": "mermaid"}
#: File name endings that pick a format before the extension does (``run.trace.json``).
SUFFIX_FORMATS = {".trace.json": "trace", ".gantt.svg": "gantt"}


def is_terminal_job_status(status: str | None) -> bool:
    """True for a job status after which nothing changes; unknown statuses are not terminal."""
    return status in TERMINAL_JOB_STATUSES
