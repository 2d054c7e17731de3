"""``flowgraph history`` and ``show --history``: the command line's side of :mod:`flowgraph.runs`
(kept apart from :mod:`flowgraph.cli`, which stays one screen of dispatch)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ._cmdio import client_options, note, print_json, print_text
from .errors import FlowgraphError

if TYPE_CHECKING:
    import argparse

    from .flow_graph import FlowGraph

__all__ = ["against_history", "cmd_history"]


def cmd_history(args: argparse.Namespace) -> int:
    """Fetch a workflow's runs and print their statistics (:mod:`flowgraph.runs`)."""
    from .files import write_output
    from .runs import history, write_rows
    from .runs.write import rows_format

    if args.rows:
        rows_format(args.rows)  # a wrong extension fails before any request
    statuses = [s.strip() for item in args.status for s in item.split(",") if s.strip()]
    if args.limit is not None and args.limit < 1:
        raise FlowgraphError("--limit must be at least 1")
    tty = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rfetching runs {done}/{total}" + ("\n" if done >= total else ""))
        sys.stderr.flush()

    try:
        h = history(
            args.workflow,
            since=args.since,
            limit=args.limit,
            statuses=statuses or None,
            node_jobs=args.node_jobs,
            structure=args.structure,
            cache=not args.no_cache,
            progress=progress if tty else None,
            **client_options(args),
        )
    except KeyboardInterrupt:
        cached = "" if args.no_cache else "; the runs fetched are cached: run it again to go on"
        note(args, f"\ninterrupted{cached}")
        raise
    if h.stats.mixed and args.json:  # the table says so itself
        n = len(h.stats.versions)
        note(args, f"note: the statistics mix {n} structure versions (--structure keeps one)")
    if args.rows:
        rows = list(h.rows())
        write_rows(args.rows, rows)
        note(args, f"wrote {len(rows)} rows ({len(h.runs)} runs) to {args.rows}")
    if args.format == "svg":
        write_output(args.output, h.chart())
    if args.json:
        print_json(h.as_dict())
    elif args.format != "svg" or args.output != "-":
        print_text(h.text())
    return 0


def against_history(args: argparse.Namespace, fg: FlowGraph) -> Any:
    """``show --history``: the run against its workflow's latest runs (:mod:`flowgraph.runs`)."""
    from .config import DEFAULT_SHOW_HISTORY_RUNS
    from .runs import history
    from .runs.compare import against

    workflow = fg.job.metadata.workflow_id or fg.job.extra.get("workflowId")
    if not isinstance(workflow, str) or not workflow:
        raise FlowgraphError("--history needs the run's workflow id (metadata.workflowId)")
    past = history(
        workflow,
        since=None,
        limit=DEFAULT_SHOW_HISTORY_RUNS,
        node_jobs=True,
        cache=not args.no_cache,
        **client_options(args),
    )
    return against(fg, past.stats)
