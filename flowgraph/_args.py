"""The command line's grammar: one argparse parser, built without importing the library.

Every command's ``--help`` ends with examples that work from any folder: a placeholder in
capitals (``JOB_ID``, ``WORKFLOW_ID``, ``NODE_ID``) is the user's to fill in, a job or workflow
id means the command talks to the API, and a file an example reads was written by an example
above it in the same list (``tests/test_cli_habits.py`` runs them all from an empty folder).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, cast

from ._helptext import CACHE_COMMANDS, COMMANDS, EXAMPLES, TIME_RULE
from ._output import HelpFormatter
from .config import (
    DEFAULT_DEADLINE,
    DEFAULT_HISTORY_SINCE,
    DEFAULT_SHOW_HISTORY_RUNS,
    DEFAULT_WATCH_INTERVAL,
    ENV_BASE_URL,
    ENV_CACHE_DIR,
    ENV_RATE_LIMIT,
    ENV_TIMEOUT,
)
from .vocab import RENDER_FORMATS, WEIGHTS

__all__ = [
    "CACHE_COMMANDS",
    "COMMANDS",
    "EXAMPLES",
    "SHELLS",
    "SOURCE_COMMANDS",
    "build_parser",
]

SOURCE_HELP = (
    "a job file (.json, a saved bundle or a workflow definition), '-' for stdin, or a job id"
)
#: The shells ``flowgraph completion`` writes a script for.
SHELLS = ("bash", "zsh", "fish")
#: How shtab completes a file name (its ``shtab.FILE``, written out: no import at parse time).
_FILE = {
    "bash": "_shtab_compgen_files",
    "zsh": "_files",
    "fish": "(__fish_complete_path (commandline -ct))",
    "tcsh": "f",
}

#: The commands whose first argument is a SOURCE (a file, '-' or a job id).
SOURCE_COMMANDS = tuple(name for name in COMMANDS if name not in ("cache", "completion", "history"))


def _epilog(examples: tuple[str, ...]) -> str:
    return "examples:\n" + "\n".join("  " + line for line in examples)


def _files(action: argparse.Action) -> argparse.Action:
    """Mark ``action`` as taking a file name, for ``flowgraph completion``."""
    action.complete = _FILE  # type: ignore[attr-defined]
    return action


def _source(p: argparse.ArgumentParser) -> None:
    _files(p.add_argument("source", metavar="SOURCE", help=SOURCE_HELP))
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
        f"(${ENV_CACHE_DIR}, else the platform's cache folder: see flowgraph cache info)",
    )
    api.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="give up on an API call after SECONDS in all, retries included "
        f"(default: ${ENV_TIMEOUT}, else {DEFAULT_DEADLINE:g}; inf: no limit)",
    )


def _globals(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``-v`` and ``-q``, before the command (``top``) or after it: a subcommand's copy has no
    default, so it only overrides what was given before the command when it is given itself."""
    unset = argparse.SUPPRESS
    g = p.add_argument_group("global options") if not top else p
    g.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top else unset,
        help="log retries, cache hits and requests on stderr (-vv: urllib3's too)",
    )
    g.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top else unset,
        help="no progress bar, notes or warnings on stderr (errors still)",
    )


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def _output(p: argparse.ArgumentParser, text: str) -> None:
    """The required ``-o/--output FILE`` of ``render``, ``report`` and ``fetch``."""
    _files(p.add_argument("-o", "--output", required=True, metavar="FILE", help=text))


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    text: str,
    examples: tuple[str, ...],
) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=text,
        description=text[0].upper() + text[1:] + ".",
        epilog=_epilog(examples),
        formatter_class=HelpFormatter,
    )
    _globals(p, top=False)
    return p


def _history(p: argparse.ArgumentParser) -> None:
    p.add_argument("workflow", metavar="WORKFLOW_ID", help="the workflow (wflow_...)")
    p.add_argument(
        "--since",
        default=DEFAULT_HISTORY_SINCE,
        metavar="AGE",
        help=f"runs created in the last AGE: a number and s, m, h, d or w "
        f"(default {DEFAULT_HISTORY_SINCE}, what the API searches without a date)",
    )
    p.add_argument("--limit", type=int, metavar="N", help="only the latest N runs")
    p.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="STATUS",
        help="only runs in this job status (success, failure, canceled, in-progress...); "
        "repeat or comma-separate for several",
    )
    p.add_argument(
        "--structure",
        metavar="HASH",
        help="only the runs of one structure version (a hash the output names, or latest)",
    )
    _files(
        p.add_argument(
            "--rows",
            metavar="FILE",
            help="also write one row per node per run: .parquet (pip install "
            "'flowgraph[history]'), .csv or .jsonl",
        )
    )
    p.add_argument(
        "--format",
        choices=("table", "svg"),
        default="table",
        help="table (default) or svg: duration per run over time, failures marked",
    )
    _files(
        p.add_argument(
            "-o", "--output", default="-", metavar="FILE", help="where --format svg goes"
        )
    )
    _json(p)
    api = p.add_argument_group(
        "the API (credentials from SCENARIO_SDK_* variables; at most "
        f"${ENV_RATE_LIMIT} requests (REQUESTS/SECONDS, else 100/60); waiting for one counts "
        "in --timeout)"
    )
    _api(api)


class _Unbuilt:
    """Stands for the parser of a command the ``argv`` given to :func:`build_parser` does not
    name: what is added to it goes nowhere (the other commands' options are ~10 ms of a run)."""

    epilog: str | None = None

    def _drop(self, *_args: Any, **_kwargs: Any) -> _Unbuilt:
        return self

    add_argument = add_argument_group = add_mutually_exclusive_group = _drop
    add_subparsers = add_parser = _drop


def command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the options before a
    command take no value), None without one.

    >>> command_word(["-v", "show", "run.json"]), command_word(["--help"])
    ('show', None)
    """
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``flowgraph`` parser with one subcommand per entry of :data:`COMMANDS`.

    Given the ``argv`` it is to parse, only the command ``argv`` names is built (its first word
    that is not an option: the options before a command take no value); ``argv`` parses the
    same, errors and ``--help`` included, in a tenth of the time. Without a command word
    (``flowgraph --help``) or with one that is no command, every command is built.

    >>> build_parser(["blocked", "run.json"]).parse_args(["blocked", "run.json"]).source
    'run.json'
    """
    parser = argparse.ArgumentParser(
        prog="flowgraph",
        description="Understand Scenario workflow runs: what is blocked and why, where the\n"
        "time went, what the run looks like, and whether its structure changed.",
        epilog=_epilog(EXAMPLES) + "\n\nexit codes: 0 fine, 1 findings (blocked nodes, lint "
        "errors, differences), 2 bad input or usage",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    _globals(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    word = command_word(argv or ())
    if word not in COMMANDS:  # no command (or a typo): all of them, for the list and choices
        word = None
    unbuilt = cast(argparse.ArgumentParser, _Unbuilt())
    p = {
        name: _command(sub, name, *COMMANDS[name]) if word in (name, None) else unbuilt
        for name in COMMANDS
    }
    for name in SOURCE_COMMANDS:
        _source(p[name])
    p["show"].add_argument(
        "--expand-loops",
        action="store_true",
        help="list every loop copy instead of one row per body template",
    )
    view = p["show"].add_mutually_exclusive_group()
    view.add_argument(
        "--all",
        action="store_const",
        const="all",
        dest="view",
        default="auto",
        help="every row, however many (default: a big run fits one screen, problems first)",
    )
    view.add_argument(
        "--problems",
        action="store_const",
        const="problems",
        dest="view",
        help="only the problems: failed, parked, blocked, running",
    )
    p["show"].add_argument(
        "--history",
        action="store_true",
        help=f"also measure the run against its workflow's latest {DEFAULT_SHOW_HISTORY_RUNS} "
        "runs: nodes over 2x their p50 or failing where they usually succeed, and for a live "
        "run the time left (fetched with their node jobs, cached)",
    )
    p["show"].add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour (auto: on a terminal or with FORCE_COLOR set, not with NO_COLOR set or "
        "TERM=dumb)",
    )
    for name in ("show", "critical-path", "render"):
        p[name].add_argument(
            "--focus",
            metavar="NODE",
            help="only NODE, what it depends on and what depends on it (critical-path: the "
            "longest chain through NODE; render: the boxes they are drawn in)",
        )
        p[name].add_argument(
            "--depth", type=int, metavar="N", help="with --focus: at most N steps out"
        )
    for name in ("show", "render"):
        p[name].add_argument(
            "--iteration",
            metavar="LOOP:K",
            help="list (render: draw) every copy of iteration K of the for-each LOOP",
        )
    p["time"].epilog = TIME_RULE + "\n\n" + (p["time"].epilog or "")
    p["what-if"].add_argument(
        "--faster",
        action="append",
        default=[],
        metavar="NODE=SPEED",
        help="NODE (or a loop template: all its copies) 2x (twice as fast) or 30s (30 s less)",
    )
    p["what-if"].add_argument(
        "--queue",
        choices=("keep", "scale"),
        default="keep",
        help="keep the queue time (default: only run time changes) or scale it too",
    )
    p["what-if"].add_argument(
        "--top", type=int, metavar="N", help="rank the N nodes whose 2x speed-up gains most"
    )
    for name in ("show", "summary", "blocked", "critical-path", "lint", "snapshot", "fetch"):
        _json(p[name])
    for name in ("time", "what-if"):
        _json(p[name])
    p["critical-path"].add_argument(
        "--weight",
        default="auto",
        choices=WEIGHTS,
        help="node weight: seconds from node jobs, or hops (auto: duration when known)",
    )
    _output(p["render"], "where to write ('-' for stdout)")
    p["render"].add_argument(
        "--format",
        choices=RENDER_FORMATS,
        help="output format (default: from FILE's extension)",
    )
    p["render"].add_argument(
        "--expand-loops", action="store_true", help="draw every loop copy, grouped by iteration"
    )
    p["render"].add_argument(
        "--max-copies",
        type=int,
        metavar="N",
        help="with --expand-loops: a loop with more than N copies stays collapsed (default 300)",
    )
    p["render"].add_argument(
        "--highlight",
        metavar="WHAT",
        default="",
        help="comma-separated: critical (the critical path), blocked "
        "(blocked nodes and their root causes)",
    )
    _output(p["report"], "where to write the HTML ('-' for stdout)")
    p["report"].add_argument(
        "--max-copies",
        type=int,
        metavar="N",
        help="the expanded picture draws every copy of loops of at most N copies (default 300)",
    )
    p["report"].add_argument(
        "--json", action="store_true", help="with -o FILE: print what was written, as JSON"
    )
    _files(p["diff"].add_argument("other", metavar="OTHER", help=SOURCE_HELP))
    p["diff"].add_argument(
        "--runs", action="store_true", help="also critical path, durations and statuses"
    )
    _json(p["diff"])
    p["snapshot"].add_argument("--statuses", action="store_true", help="include node statuses")
    p["snapshot"].add_argument(
        "--copies", action="store_true", help="list every loop copy instead of folding them"
    )
    _output(p["fetch"], "where to write the bundle ('-' for stdout; not with --json)")
    p["watch"].add_argument(
        "--interval",
        type=float,
        default=DEFAULT_WATCH_INTERVAL,
        metavar="SECONDS",
        help=f"seconds between polls (default {DEFAULT_WATCH_INTERVAL:g})",
    )
    p["watch"].add_argument("--max-polls", type=int, metavar="N", help="stop after N polls")
    p["watch"].add_argument(
        "--exit-status",
        action="store_true",
        help="exit 1 when the job fails, is canceled or stops at a gate (0 on success)",
    )
    p["watch"].add_argument(
        "--json",
        action="store_true",
        help="one JSON object a line per poll, then one with what is blocked and the critical path",
    )
    for name in ("node", "upstream", "downstream"):
        p[name].add_argument("node", metavar="NODE", help="a node id")
        _json(p[name])
    actions = p["cache"].add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cache = {name: _command(actions, name, *CACHE_COMMANDS[name]) for name in CACHE_COMMANDS}
    cache["clear"].add_argument(
        "--older-than",
        metavar="AGE",
        help="only entries neither written nor read for AGE: a number and s, m, h, d or w",
    )
    for name in CACHE_COMMANDS:
        _json(cache[name])
    _history(p["history"])
    p["completion"].add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    return parser
