"""The ``flowgraph`` command: parse, call the library, print, return an exit code.

Every error flowgraph raises becomes one line on stderr and exit code 2; findings give 1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from typing import TYPE_CHECKING, Any, Callable

from ._args import build_parser
from .errors import FlowgraphError

if TYPE_CHECKING:
    import argparse

    from .flow_graph import FlowGraph
    from .model import Job

__all__ = ["main"]

_JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _print_json(data: Any) -> None:
    _print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _is_job_id(source: str) -> bool:
    return bool(_JOB_ID.match(source)) and not os.path.exists(source) and not source.endswith(
        ".json"
    )


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rfetching node jobs {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def fetch_source(args: argparse.Namespace, source: str) -> Job:
    """Fetch a job id (or a ``wflow_`` workflow id) with the CLI's API options."""
    from .remote import JobCache, fetch, fetch_workflow

    options = {"project_id": args.project_id, "base_url": args.base_url}
    if source.startswith("wflow_"):
        return fetch_workflow(source, **options)
    cache = None if args.no_cache else JobCache()
    progress = _progress if args.node_jobs and sys.stderr.isatty() else None
    return fetch(source, node_jobs=args.node_jobs, cache=cache, progress=progress, **options)


def open_graph(args: argparse.Namespace) -> FlowGraph:
    """The graph of ``args.source``: a file, '-', JSON text, or a job id fetched from the API."""
    import flowgraph

    source = args.source
    if _is_job_id(source):
        return flowgraph.build(fetch_source(args, source))
    return flowgraph.graph(source)


def cmd_fetch(args: argparse.Namespace) -> int:
    from .files import write_output

    job = fetch_source(args, args.source)
    write_output(args.output, json.dumps(job.to_bundle(), indent=2, ensure_ascii=False) + "\n")
    if job.not_loaded:
        sys.stderr.write(f"{len(job.not_loaded)} node job(s) could not be loaded; "
                         "the graph is usable without their timings\n")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    import flowgraph

    from .remote import watch
    from .report import blocked_text, critical_path_text, one_line

    _print(f"watching {args.source} (Ctrl-C to stop)")
    job = None
    for job, changes in watch(args.source, interval=args.interval, max_polls=args.max_polls,
                              project_id=args.project_id, base_url=args.base_url):
        progress = f" {job.progress * 100:.0f}%" if job.progress is not None else ""
        _print(f"{time.strftime('%H:%M:%S')} {job.status}{progress}, {len(changes)} change(s)")
        for node, old, new in changes[:20]:
            _print(f"  {one_line(node)}: {old or '-'} -> {new or '-'}")
        if len(changes) > 20:
            _print(f"  ... and {len(changes) - 20} more")
        sys.stdout.flush()
    if job is None:
        return 0
    if args.node_jobs:
        job = fetch_source(args, args.source)
    fg = flowgraph.build(job)
    _print(f"job {job.status}")
    _print(blocked_text(fg.blocked()))
    try:
        _print(critical_path_text(fg.critical_path()))
    except FlowgraphError as exc:
        _print(f"no critical path: {exc}")
    return 0


def _color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def cmd_show(args: argparse.Namespace) -> int:
    from .show import show_data, show_text

    fg = open_graph(args)
    if args.json:
        _print_json(show_data(fg, expand_loops=args.expand_loops, project_id=args.project_id))
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        _print(show_text(fg, color=_color(args.color), expand_loops=args.expand_loops,
                         width=width, project_id=args.project_id))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from .report import summary_text

    summary = open_graph(args).summary()
    _print_json(summary.as_dict()) if args.json else _print(summary_text(summary))
    return 0


def cmd_blocked(args: argparse.Namespace) -> int:
    from .report import blocked_text

    items = open_graph(args).blocked()
    if args.json:
        _print_json([{k: v for k, v in b.as_dict().items()} for b in items])
    else:
        _print(blocked_text(items))
    return 1 if items else 0


def cmd_critical_path(args: argparse.Namespace) -> int:
    from .report import critical_path_text

    cp = open_graph(args).critical_path(args.weight)
    _print_json(cp.as_dict()) if args.json else _print(critical_path_text(cp))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from .report import lint_text

    findings = open_graph(args).lint()
    if args.json:
        _print_json([f.as_dict() for f in findings])
    else:
        _print(lint_text(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0


_EXTENSIONS = {"gv": "dot", "mmd": "mermaid"}


def cmd_render(args: argparse.Namespace) -> int:
    from .files import write_output

    ext = os.path.splitext(args.output)[1].lstrip(".").lower()
    fmt = args.format or _EXTENSIONS.get(ext, ext)
    if fmt not in ("svg", "png", "pdf", "dot", "mermaid", "json"):
        raise FlowgraphError(f"cannot tell the format of {args.output!r}: use --format "
                             "svg|png|pdf|dot|mermaid|json")
    wanted = {h.strip() for h in args.highlight.split(",") if h.strip()}
    if wanted - {"critical", "blocked"}:
        raise FlowgraphError(f"unknown --highlight {sorted(wanted)}: use critical, blocked")
    fg = open_graph(args)
    data = fg.render(fmt, expand_loops=args.expand_loops,
                     highlight_critical="critical" in wanted,
                     highlight_blocked="blocked" in wanted)
    write_output(args.output, data)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    import flowgraph

    from .compare import diff

    other = args.other
    after = flowgraph.build(fetch_source(args, other)) if _is_job_id(other) else flowgraph.graph(other)
    result = diff(open_graph(args), after, runs=args.runs)
    _print_json(result.as_dict()) if args.json else _print(result.text())
    return 0 if result.empty else 1


def cmd_snapshot(args: argparse.Namespace) -> int:
    _print(open_graph(args).snapshot(statuses=args.statuses, copies=args.copies))
    return 0


def _relatives(args: argparse.Namespace, down: bool) -> int:
    fg = open_graph(args)
    nodes = fg.downstream(args.node) if down else fg.upstream(args.node)
    _print_json(nodes) if args.json else _print("\n".join(nodes) or "(none)")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "show": cmd_show,
    "summary": cmd_summary,
    "blocked": cmd_blocked,
    "critical-path": cmd_critical_path,
    "lint": cmd_lint,
    "render": cmd_render,
    "snapshot": cmd_snapshot,
    "fetch": cmd_fetch,
    "diff": cmd_diff,
    "watch": cmd_watch,
    "upstream": lambda a: _relatives(a, down=False),
    "downstream": lambda a: _relatives(a, down=True),
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 fine, 1 findings, 2 bad input or usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        _print(f"flowgraph {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except FlowgraphError as exc:
        sys.stderr.write(f"flowgraph {args.command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
