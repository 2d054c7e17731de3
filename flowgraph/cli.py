"""The ``flowgraph`` command: parse, call the library, print, return an exit code.

Every error flowgraph raises becomes one line on stderr and exit code 2; findings give 1.
Output never fails on its encoding: stdout and stderr replace what they cannot encode (a
legacy console, ``PYTHONIOENCODING=ascii``, lone surrogates in ids), and JSON is strict (no
``NaN``: a non-finite number is ``null``) and falls back to ``\\u`` escapes when the text would
not encode.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ._args import build_parser, command_word
from ._cmdio import client_options, note, open_graph, open_job, print_json, print_text, target
from ._historycmd import against_history, cmd_history
from ._output import color_enabled, json_text, safe_streams, terminal_columns
from .errors import FlowgraphError

if TYPE_CHECKING:
    import argparse

    from .blocked import Blocked
    from .flow_graph import FlowGraph
    from .model import Job

__all__ = ["color_enabled", "main"]


def cmd_fetch(args: argparse.Namespace) -> int:
    from .api import require_job_id
    from .files import write_output
    from .report import not_loaded_text
    from .screen import not_loaded_nodes

    if args.json and args.output == "-":
        raise FlowgraphError("--json needs -o FILE: with -o - the bundle itself is the output")
    require_job_id(args.source, "fetch")
    job = open_job(args, args.source)
    write_output(args.output, json_text(job.to_bundle(), stream=target(args.output)) + "\n")
    missing = not_loaded_nodes(job)
    if missing:
        note(
            args,
            f"{len(missing)} node job(s) could not be loaded ({not_loaded_text(missing)}); "
            "the graph is usable without their timings and cost",
        )
    if args.json:
        kind = "definition" if job.definition else "run"
        saved = {"job_id": job.job_id, "kind": kind, "status": job.status, "output": args.output}
        print_json({**saved, "node_jobs": {"loaded": len(job.node_jobs), "not_loaded": missing}})
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """A one-screen summary, then the changes of each poll, until the job ends or parks at a
    gate (:mod:`flowgraph._watch`); ``--exit-status``: 1 unless it succeeded."""
    from ._watch import EXIT, end_lines, outcome, poll_text
    from .api import require_job_id, watch
    from .flow_graph import build
    from .report import watch_header

    require_job_id(args.source, "watch")
    if args.json:  # stdout carries JSON lines only: the header is a note
        note(args, watch_header(args.source))
    elif not args.quiet:
        print_text(watch_header(args.source))
    tty, job, state, fg = sys.stdout.isatty() and not args.json, None, None, None
    options = client_options(args)
    for job, changes in watch(
        args.source, interval=args.interval, max_polls=args.max_polls, **options
    ):
        fg = build(job)
        state, clock = outcome(fg), time.strftime("%H:%M:%S")
        if args.json:
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            moves = [{"node": node, "old": old, "new": new} for node, old, new in changes]
            print_json(_event("poll", job, time=now, progress=job.progress, changes=moves), None)
        else:
            sys.stdout.write(poll_text(fg, changes, clock, tty=tty, project_id=args.project_id))
        sys.stdout.flush()
        if state is not None:
            break  # leaving the loop closes the watch and its client
    if job is None or fg is None:
        return 0
    fg = build(open_job(args, args.source)) if args.node_jobs else fg
    code = EXIT.get(state or "", 0) if args.exit_status else 0
    if not args.json:
        print_text(("\n" if tty else "") + "\n".join(end_lines(fg, state, args.project_id)))
        return code
    try:
        cp, why = fg.critical_path(), None
    except FlowgraphError as exc:
        cp, why = None, str(exc)
    path = {"critical_path": cp.as_dict() if cp else None, "critical_path_error": why}
    blocked = _blocked_data(fg, fg.blocked())
    print_json(_event("end", job, outcome=state, blocked=blocked, **path), None)
    return code


def _event(name: str, job: Job, **data: Any) -> dict[str, Any]:
    return {"event": name, "job_id": job.job_id, "status": job.status, **data}  # watch --json


def cmd_show(args: argparse.Namespace) -> int:
    from ._compact import exit_code
    from .focus import parse_iteration
    from .show import show_data, show_text

    fg = open_graph(args)
    one = None if args.iteration is None else parse_iteration(args.iteration)
    view = against_history(args, fg) if args.history else None
    if args.json:
        data = show_data(
            fg, expand_loops=args.expand_loops, project_id=args.project_id, iteration=one
        )
        print_json({**data, "history": view.as_dict()} if view is not None else data)
    else:
        # a terminal's width; piped, nothing is cut (a script or a file gets all of it)
        width = terminal_columns(100) if sys.stdout.isatty() else None
        color = color_enabled(args.color, isatty=sys.stdout.isatty())
        loops, project = args.expand_loops, args.project_id
        keep = None if args.focus is None else fg.around(args.focus, args.depth)
        text = show_text(
            fg,
            color=color,
            expand_loops=loops,
            width=width,
            project_id=project,
            view=args.view,
            focus=keep,
            iteration=one,
        )
        if view is not None:
            text = text.rstrip("\n") + "\n\n" + "\n".join(view.lines())
        print_text(text)
    return exit_code(fg)  # 1 when something failed or is blocked, as `blocked`


def cmd_summary(args: argparse.Namespace) -> int:
    from .report import summary_text

    fg = open_graph(args)
    summary = fg.summary()
    if args.json:
        print_json(summary.as_dict())
    else:
        print_text(summary_text(summary, fg))
    return 0


def cmd_blocked(args: argparse.Namespace) -> int:
    from .report import blocked_text

    fg = open_graph(args)
    items = fg.blocked()
    print_json(_blocked_data(fg, items)) if args.json else print_text(blocked_text(items, fg))
    return 1 if items else 0


def _blocked_data(fg: FlowGraph, items: list[Blocked]) -> list[dict[str, Any]]:
    """Each blocked item with its root causes' own errors (node, job_id, status, error, hint)."""
    errors = {c: fg.error(c) if c in fg.graph else None for b in items for c in b.causes}
    return [
        {**b.as_dict(), "errors": [e.as_dict() for c in b.causes if (e := errors[c]) is not None]}
        for b in items
    ]


def cmd_critical_path(args: argparse.Namespace) -> int:
    from ._timetext import chain_answer
    from .report import critical_path_text

    fg = open_graph(args)
    if args.focus is not None:  # the longest chain through one node
        data, text = chain_answer(fg.path_through(args.focus, args.weight))
    else:
        cp = fg.critical_path(args.weight)
        data, text = cp.as_dict(), critical_path_text(cp)
    print_json(data) if args.json else print_text(text)
    return 0


def cmd_time(args: argparse.Namespace) -> int:
    """``time`` and ``what-if``: their answers as JSON or text (:mod:`flowgraph._timetext`)."""
    from ._timetext import time_answer, what_if_answer

    fg = open_graph(args)
    if args.command == "time":
        data, text = time_answer(fg)
    else:
        data, text = what_if_answer(fg, args.faster, args.top, args.queue)
    print_json(data) if args.json else print_text(text)
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from .report import lint_text

    findings = open_graph(args).lint()
    print_json([f.as_dict() for f in findings]) if args.json else print_text(lint_text(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0


def cmd_render(args: argparse.Namespace) -> int:
    from .files import write_output
    from .focus import parse_iteration
    from .render import format_for, highlight_options, too_big_to_expand
    from .render.scene import MAX_COPIES

    fmt = format_for(args.output, args.format)
    highlight = highlight_options(args.highlight)
    fg = open_graph(args)
    data: str | bytes
    if fmt == "json":  # the node-link JSON, strict and encodable wherever it goes
        data = json_text(fg.to_node_link(), stream=target(args.output)) + "\n"
    else:
        limit = {} if args.max_copies is None else {"max_copies": args.max_copies}
        view = {"focus": args.focus, "depth": args.depth} if args.focus is not None else {}
        if args.iteration is not None:
            view["iteration"] = parse_iteration(args.iteration)
        data = fg.render(fmt, expand_loops=args.expand_loops, **limit, **highlight, **view)
        big = too_big_to_expand(fg, args.max_copies) if args.expand_loops else {}
        if big:
            loops = ", ".join(f"{n} ({c} copies)" for n, c in big.items())
            cap, most = limit.get("max_copies", MAX_COPIES), max(big.values())
            said = f"--expand-loops: drew collapsed {loops}: over the limit of {cap}; "
            note(args, said + f"raise it with --max-copies {most}")
    write_output(args.output, data)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .files import write_output

    if args.json and args.output == "-":
        raise FlowgraphError("--json needs -o FILE: with -o - the page itself is the output")
    if args.max_copies is not None and args.max_copies < 0:
        raise FlowgraphError(f"--max-copies must be 0 or more, got {args.max_copies}")
    limit = {} if args.max_copies is None else {"max_copies": args.max_copies}
    fg = open_graph(args)
    page = fg.to_html(**limit)
    write_output(args.output, page)
    if args.json:
        size = len(page.encode("utf-8"))
        print_json({"job_id": fg.job.job_id, "output": args.output, "bytes": size})
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .flow_graph import diff

    result = diff(open_graph(args), open_graph(args, args.other), runs=args.runs)
    print_json(result.as_dict()) if args.json else print_text(result.text())
    return 0 if result.empty else 1


def cmd_snapshot(args: argparse.Namespace) -> int:
    fg = open_graph(args)
    if not args.json:
        print_text(fg.snapshot(statuses=args.statuses, copies=args.copies))
        return 0
    from .snapshot import structure

    print_json(structure(fg, copies=args.copies).as_dict(statuses=args.statuses))
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from .api import JobCache, parse_age

    cache = JobCache()
    if args.cache_command == "info":
        info = cache.info()
        data: dict[str, Any] = {**vars(info), "folder": str(info.folder)}
        text = info.text()
    else:
        age = None if args.older_than is None else parse_age(args.older_than)
        removed = cache.clear(age)
        data = {"folder": str(cache.directory), "removed": removed, "older_than": age}
        text = f"removed {removed} cached job(s) from {cache.directory}"
    print_json(data) if args.json else print_text(text)
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab  # only here: --help and every other command never load it

    print_text(shtab.complete(build_parser(), args.shell))
    return 0


def _relatives(args: argparse.Namespace, down: bool) -> int:
    fg = open_graph(args)
    nodes = fg.downstream(args.node) if down else fg.upstream(args.node)
    print_json(nodes) if args.json else print_text("\n".join(nodes) or "(none)")
    return 0


def cmd_node(args: argparse.Namespace) -> int:
    info = open_graph(args).describe(args.node)
    print_json(info.as_dict()) if args.json else print_text(info.text())
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "show": cmd_show,
    "summary": cmd_summary,
    "blocked": cmd_blocked,
    "critical-path": cmd_critical_path,
    "time": cmd_time,
    "what-if": cmd_time,
    "lint": cmd_lint,
    "render": cmd_render,
    "report": cmd_report,
    "snapshot": cmd_snapshot,
    "fetch": cmd_fetch,
    "diff": cmd_diff,
    "watch": cmd_watch,
    "node": cmd_node,
    "upstream": lambda a: _relatives(a, down=False),
    "downstream": lambda a: _relatives(a, down=True),
    "history": cmd_history,
    "cache": cmd_cache,
    "completion": cmd_completion,
}


@contextlib.contextmanager
def _logging(verbose: int, quiet: bool) -> Iterator[None]:
    """``-v``: flowgraph's log records (retries, cache hits, each request) on stderr; ``-vv``:
    urllib3's too (the API's filter masks credentials in both); ``-q``: no warnings. Undone on
    exit (``main`` may run many times in one process)."""
    if not verbose and not quiet:
        yield
        return
    import logging  # only here: 6 ms that --help does not need

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in ("flowgraph", "urllib3")[: 1 + (verbose > 1)]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR if quiet else logging.DEBUG)
        if verbose:
            logger.addHandler(handler)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
            logger.removeHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 fine, 1 findings, 2 bad input or usage)."""
    safe_streams()
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.version:
        from ._version import __version__

        print_text(f"flowgraph {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    if args.verbose and args.quiet:
        parser.error("-v/--verbose and -q/--quiet do not go together")
    command = " ".join(filter(None, (args.command, getattr(args, "cache_command", None))))
    try:
        with _logging(args.verbose, args.quiet):
            return COMMANDS[args.command](args)
    except FlowgraphError as exc:
        sys.stderr.write(f"flowgraph {command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> None:
    """Console-script entry point (and ``python -m flowgraph``).

    Once the answer is written and flushed the process ends with ``os._exit``: what the command
    opened is kept (:func:`flowgraph._cmdio.keep`) rather than freed object by object, and the
    interpreter's teardown is skipped (~20 ms of a 10k-node ``flowgraph blocked``). Files are
    written and closed before a command returns; an error that escapes ``main``, or a thread
    still running (a fetch an error cut short, writing the cache), ends the usual way.

    The cyclic collector is off for a command that ends (not ``watch``, ``history``, ``show
    --history``: they loop over runs, whose graphs hold cycles): its passes were ~5 ms of the
    imports, ~3 ms of a 10k ``show``. Reference counting frees the rest.
    """
    from . import _cmdio

    if command_word(sys.argv[1:]) not in ("watch", "history") and "--history" not in sys.argv:
        gc.disable()

    _cmdio.KEPT = []
    code = main()
    with contextlib.suppress(BrokenPipeError):  # the reader left (``| head``): not wanted
        sys.stdout.flush()
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)  # a fetch still running (an error cut the run short): wait for it
    os._exit(code)
