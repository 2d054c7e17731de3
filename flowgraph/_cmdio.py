"""What every CLI command shares: printing text and JSON, notes on stderr, opening a source.

Commands live in :mod:`flowgraph.cli` (and modules beside it); they call these helpers so that
output, progress and the API client's options are handled one way.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from ._output import json_text

if TYPE_CHECKING:
    import argparse

    from .flow_graph import FlowGraph
    from .model import Job

__all__ = [
    "client_options",
    "keep",
    "note",
    "open_graph",
    "open_job",
    "print_json",
    "print_text",
    "target",
]


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
    job = open_source(
        source,
        node_jobs=args.node_jobs,
        cache=not args.no_cache,
        progress=progress,
        **client_options(args),
    )
    return keep(job)


def client_options(args: argparse.Namespace) -> dict[str, Any]:
    """The API client's options from the command line (None: the client's default)."""
    return {"project_id": args.project_id, "base_url": args.base_url, "deadline": args.timeout}


def open_graph(args: argparse.Namespace, source: str | None = None) -> FlowGraph:
    """The graph of ``args.source`` (or ``source``)."""
    from .flow_graph import build

    return keep(build(open_job(args, args.source if source is None else source)))


#: What the commands opened, kept to the end of a ``flowgraph`` process (:func:`keep`).
KEPT: list[Any] | None = None

T = TypeVar("T")


def keep(value: T) -> T:
    """``value``, kept alive until the process ends when the console script runs (it sets
    :data:`KEPT`; :func:`flowgraph.cli.run` ends with ``os._exit``): freeing a large run's
    objects one by one when a command returns is ~10% of a 10k-node ``flowgraph blocked``,
    spent on memory the process gives back at once. In-process callers keep nothing."""
    if KEPT is not None:
        KEPT.append(value)
    return value
