"""What every CLI command shares: printing text and JSON, notes on stderr, opening a source.

Commands live in :mod:`flowgraph.cli` (and modules beside it); they call these helpers so that
output, progress and the API client's options are handled one way.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from ._output import json_text

if TYPE_CHECKING:
    import argparse

    from .flow_graph import FlowGraph
    from .model import Job

__all__ = ["client_options", "note", "open_graph", "open_job", "print_json", "print_text", "target"]


def print_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def print_json(data: Any, indent: int | None = 2) -> None:
    print_text(json_text(data, indent=indent, stream=sys.stdout))


def note(args: argparse.Namespace, text: str) -> None:
    """A note on stderr, unless ``-q``."""
    if not args.quiet:
        sys.stderr.write(text + "\n")


def target(path: str) -> TextIO | None:
    """The stream ``files.write_output`` writes ``path`` to: stdout for ``-``, else a file."""
    return sys.stdout if path == "-" else None


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rfetching node jobs {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def open_job(args: argparse.Namespace, source: str) -> Job:
    """The job ``source`` names (a file, '-', JSON text, or an id fetched with the API options)."""
    from .api import open_source

    progress = _progress if args.node_jobs and sys.stderr.isatty() and not args.quiet else None
    return open_source(
        source,
        node_jobs=args.node_jobs,
        cache=not args.no_cache,
        progress=progress,
        **client_options(args),
    )


def client_options(args: argparse.Namespace) -> dict[str, Any]:
    """The API client's options from the command line (None: the client's default)."""
    return {"project_id": args.project_id, "base_url": args.base_url, "deadline": args.timeout}


def open_graph(args: argparse.Namespace, source: str | None = None) -> FlowGraph:
    """The graph of ``args.source`` (or ``source``)."""
    from .flow_graph import build

    return build(open_job(args, args.source if source is None else source))
