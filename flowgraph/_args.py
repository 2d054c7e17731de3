"""The command line's grammar: one argparse parser, built without importing the library."""

from __future__ import annotations

import argparse

from .config import ENV_BASE_URL, ENV_CACHE_DIR
from .vocab import RENDER_FORMATS, WEIGHTS

__all__ = ["COMMANDS", "build_parser"]

#: The variable the library reads for the overall bound of an API request (``--timeout``).
ENV_TIMEOUT = "FLOWGRAPH_TIMEOUT"

SOURCE_HELP = (
    "a job file (.json, a saved bundle or a workflow definition), '-' for stdin, or a job id"
)

#: command -> (one-line help, example), in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "show": (
        "one screen: what happened, what failed and why, what is blocked, what to do next",
        "flowgraph show examples/foreach-failed.json --expand-loops",
    ),
    "summary": (
        "counts per status and type, loops, outputs, cost (summed over node jobs), errors",
        "flowgraph summary examples/foreach-failed.json",
    ),
    "blocked": (
        (
            "what cannot progress without someone acting, why, and the failed nodes' errors "
            "(exit 1 if any)"
        ),
        "flowgraph blocked examples/approval-parked.json --json",
    ),
    "critical-path": (
        "the chain of nodes that decided the run's duration",
        "flowgraph critical-path examples/timed-bundle.json --weight duration",
    ),
    "lint": (
        "structural and data findings (exit 1 on any error)",
        "flowgraph lint tests/fixtures/broken.json --json",
    ),
    "render": (
        "a picture of the run: svg, png, pdf, dot, mermaid or node-link json",
        "flowgraph render examples/approval-parked.json -o run.svg",
    ),
    "snapshot": (
        "the canonical structure text (for snapshot tests and reviews)",
        "flowgraph snapshot examples/nested-loops.json",
    ),
    "fetch": (
        "save a job (with --node-jobs: every node's own job) as a bundle for offline use",
        "flowgraph fetch job_abc123 --node-jobs -o run.json",
    ),
    "watch": (
        "follow a running job until it ends, then print what is blocked and the critical path",
        "flowgraph watch job_abc123 --interval 5",
    ),
    "diff": (
        "what changed between two runs or definitions (exit 1 if they differ)",
        "flowgraph diff examples/approval-parked.json examples/timed-bundle.json",
    ),
    "upstream": (
        "every node a node depends on",
        "flowgraph upstream examples/foreach-failed.json contact-sheet",
    ),
    "downstream": (
        "every node that depends on a node",
        "flowgraph downstream examples/approval-parked.json approve",
    ),
}


def _source(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    api = p.add_argument_group(
        "when SOURCE is a job id (credentials from SCENARIO_SDK_* variables)"
    )
    _api(api)


def _seconds(text: str) -> float:
    """A positive number of seconds (``--timeout``); ``inf`` for no limit."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:  # NaN too
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _api(api: argparse._ActionsContainer) -> None:
    api.add_argument(
        "--node-jobs",
        action="store_true",
        help="also fetch every node's own job (timings, cost, the failed nodes' errors)",
    )
    api.add_argument("--project-id", metavar="ID", help="the projectId query parameter")
    api.add_argument("--base-url", metavar="URL", help=f"API base URL (default: ${ENV_BASE_URL})")
    api.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the cache of finished jobs "
        f"(${ENV_CACHE_DIR}, default ~/.cache/flowgraph)",
    )
    api.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="give up on an API call after SECONDS in all, retries included "
        f"(default: ${ENV_TIMEOUT}, else 300; inf: no limit)",
    )


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def build_parser() -> argparse.ArgumentParser:
    """The ``flowgraph`` parser with one subcommand per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="flowgraph",
        description="Understand Scenario workflow runs: what is blocked and why, where the "
        "time went, what the run looks like, and whether its structure changed.",
        epilog="exit codes: 0 fine, 1 findings (blocked nodes, lint errors, differences), "
        "2 bad input or usage",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = {}
    for name, (text, example) in COMMANDS.items():
        p[name] = sub.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _source(p[name])
    p["show"].add_argument(
        "--expand-loops",
        action="store_true",
        help="list every loop copy instead of one row per body template",
    )
    p["show"].add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour (auto: on a terminal, unless NO_COLOR is set)",
    )
    for name in ("show", "summary", "blocked", "critical-path", "lint"):
        _json(p[name])
    p["critical-path"].add_argument(
        "--weight",
        default="auto",
        choices=WEIGHTS,
        help="node weight: seconds from node jobs, or hops (auto: duration when known)",
    )
    p["render"].add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write ('-' for stdout)"
    )
    p["render"].add_argument(
        "--format",
        choices=RENDER_FORMATS,
        help="output format (default: from FILE's extension)",
    )
    p["render"].add_argument(
        "--expand-loops", action="store_true", help="draw every loop copy, grouped by iteration"
    )
    p["render"].add_argument(
        "--highlight",
        metavar="WHAT",
        default="",
        help="comma-separated: critical (the critical path), blocked "
        "(blocked nodes and their root causes)",
    )
    p["diff"].add_argument("other", metavar="OTHER", help=SOURCE_HELP)
    p["diff"].add_argument(
        "--runs", action="store_true", help="also critical path, durations and statuses"
    )
    _json(p["diff"])
    p["snapshot"].add_argument("--statuses", action="store_true", help="include node statuses")
    p["snapshot"].add_argument(
        "--copies", action="store_true", help="list every loop copy instead of folding them"
    )
    p["fetch"].add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="where to write the bundle ('-' for stdout)",
    )
    p["watch"].add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="seconds between polls (default 2)",
    )
    p["watch"].add_argument("--max-polls", type=int, metavar="N", help="stop after N polls")
    for name in ("upstream", "downstream"):
        p[name].add_argument("node", metavar="NODE", help="a node id")
        _json(p[name])
    return parser
