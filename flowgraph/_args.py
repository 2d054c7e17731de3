"""The command line's grammar: one argparse parser, built without importing the library.

Every command's ``--help`` ends with examples that work from any folder: a placeholder in
capitals (``JOB_ID``, ``WORKFLOW_ID``, ``NODE_ID``) is the user's to fill in, a job or workflow
id means the command talks to the API, and a file an example reads was written by an example
above it in the same list (``tests/test_cli_habits.py`` runs them all from an empty folder).
"""

from __future__ import annotations

import argparse

from .config import ENV_BASE_URL, ENV_CACHE_DIR
from .vocab import RENDER_FORMATS, WEIGHTS

__all__ = [
    "CACHE_COMMANDS",
    "COMMANDS",
    "EXAMPLES",
    "SHELLS",
    "SOURCE_COMMANDS",
    "build_parser",
]

#: The variable the library reads for the overall bound of an API request (``--timeout``).
ENV_TIMEOUT = "FLOWGRAPH_TIMEOUT"

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

#: ``flowgraph --help``'s examples; lines starting with ``#`` say what the next ones do.
EXAMPLES = (
    "# one screen on a run from the API (credentials: SCENARIO_SDK_* variables)",
    "flowgraph show JOB_ID",
    "# saved once with every node's own job, then asked questions offline",
    "flowgraph fetch JOB_ID --node-jobs -o run.json",
    "flowgraph blocked run.json",
    "flowgraph critical-path run.json",
)

#: command -> (one-line help, examples), in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "show": (
        "one screen: what happened, what failed and why, what is blocked, what to do next",
        (
            "# a run straight from the API (credentials: SCENARIO_SDK_* variables)",
            "flowgraph show JOB_ID",
            "# saved with every node's own job (timings, cost, errors), then read offline",
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "flowgraph show run.json --expand-loops",
        ),
    ),
    "summary": (
        "counts per status and type, loops, outputs, cost (summed over node jobs), errors",
        (
            "flowgraph summary JOB_ID --node-jobs",
            "# from a saved run, as JSON",
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "flowgraph summary run.json --json",
        ),
    ),
    "blocked": (
        (
            "what cannot progress without someone acting, why, and the failed nodes' errors "
            "(exit 1 if any)"
        ),
        (
            "flowgraph blocked JOB_ID",
            "# from a pipe, as JSON",
            "flowgraph fetch JOB_ID -o - | flowgraph blocked - --json",
        ),
    ),
    "critical-path": (
        "the chain of nodes that decided the run's duration",
        (
            "# where the time went: every node's own job gives the real timings",
            "flowgraph critical-path JOB_ID --node-jobs",
            "# by hops (no timings needed), from a saved run, as JSON",
            "flowgraph fetch JOB_ID -o run.json",
            "flowgraph critical-path run.json --weight hops --json",
        ),
    ),
    "lint": (
        "structural and data findings (exit 1 on any error)",
        (
            "# a workflow definition (wflow_...), before it runs",
            "flowgraph lint WORKFLOW_ID",
            "# a run, as JSON",
            "flowgraph lint JOB_ID --json",
        ),
    ),
    "render": (
        "a picture of the run: svg, png, pdf, dot, mermaid or node-link json",
        (
            "flowgraph fetch JOB_ID -o run.json",
            "# an SVG, critical path and blocked nodes marked (needs Graphviz's dot)",
            "flowgraph render run.json --highlight critical,blocked -o run.svg",
            "# Mermaid text on stdout (for Markdown), no Graphviz needed",
            "flowgraph render run.json --format mermaid -o -",
        ),
    ),
    "snapshot": (
        "the canonical structure text (for snapshot tests and reviews)",
        (
            "flowgraph fetch JOB_ID -o run.json",
            "# the structure text, for a review or a snapshot file",
            "flowgraph snapshot run.json > run.snapshot",
            "# with the statuses, as JSON",
            "flowgraph snapshot run.json --statuses --json",
        ),
    ),
    "fetch": (
        "save a job (with --node-jobs: every node's own job) as a bundle for offline use",
        (
            "# a run with every node's own job, as a bundle that loads back offline",
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "# to stdout, into another command",
            "flowgraph fetch JOB_ID -o - | flowgraph show -",
            "# what was saved, as JSON",
            "flowgraph fetch JOB_ID --node-jobs -o run.json --json",
        ),
    ),
    "watch": (
        "follow a running job until it ends, then print what is blocked and the critical path",
        (
            "# poll every 5 s until the job ends (Ctrl-C to stop)",
            "flowgraph watch JOB_ID --interval 5",
            "# a JSON object a line per poll, then one with the blocked nodes and critical path",
            "flowgraph watch JOB_ID --json > watch.jsonl",
        ),
    ),
    "diff": (
        "what changed between two runs or definitions (exit 1 if they differ)",
        (
            "# two runs: structure, then critical path, durations and statuses",
            "flowgraph diff JOB_ID OTHER_JOB_ID --runs",
            "# saved runs, as JSON",
            "flowgraph fetch JOB_ID -o before.json",
            "flowgraph fetch OTHER_JOB_ID -o after.json",
            "flowgraph diff before.json after.json --json",
        ),
    ),
    "upstream": (
        "every node a node depends on",
        (
            "flowgraph upstream JOB_ID NODE_ID",
            "# from a saved run, as JSON",
            "flowgraph fetch JOB_ID -o run.json",
            "flowgraph upstream run.json NODE_ID --json",
        ),
    ),
    "downstream": (
        "every node that depends on a node",
        (
            "flowgraph downstream JOB_ID NODE_ID",
            "# from a saved run, as JSON",
            "flowgraph fetch JOB_ID -o run.json",
            "flowgraph downstream run.json NODE_ID --json",
        ),
    ),
    "cache": (
        f"the cache of finished jobs (${ENV_CACHE_DIR}, else the platform's cache folder)",
        (
            "flowgraph cache info",
            "# entries not used for 30 days",
            "flowgraph cache clear --older-than 30d",
        ),
    ),
    "completion": (
        "print a shell completion script: bash, zsh or fish",
        (
            "# bash: put this line in ~/.bashrc",
            'eval "$(flowgraph completion bash)"',
            "# zsh: and fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc",
            "mkdir -p ~/.zfunc",
            "flowgraph completion zsh > ~/.zfunc/_flowgraph",
            "# fish",
            "mkdir -p ~/.config/fish/completions",
            "flowgraph completion fish > ~/.config/fish/completions/flowgraph.fish",
        ),
    ),
}

#: ``flowgraph cache`` action -> (one-line help, examples).
CACHE_COMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "info": (
        "the cache's folder, entries, size and cap, oldest and newest use",
        ("flowgraph cache info", "flowgraph cache info --json"),
    ),
    "clear": (
        "remove the cached jobs: all, or those not used for a while (--older-than)",
        (
            "# entries neither written nor read for 30 days (units: s, m, h, d, w)",
            "flowgraph cache clear --older-than 30d",
            "# every entry",
            "flowgraph cache clear",
        ),
    ),
}

#: The commands whose first argument is a SOURCE (a file, '-' or a job id).
SOURCE_COMMANDS = tuple(name for name in COMMANDS if name not in ("cache", "completion"))


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
        f"(default: ${ENV_TIMEOUT}, else 300; inf: no limit)",
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _globals(p, top=False)
    return p


def build_parser() -> argparse.ArgumentParser:
    """The ``flowgraph`` parser with one subcommand per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="flowgraph",
        description="Understand Scenario workflow runs: what is blocked and why, where the\n"
        "time went, what the run looks like, and whether its structure changed.",
        epilog=_epilog(EXAMPLES) + "\n\nexit codes: 0 fine, 1 findings (blocked nodes, lint "
        "errors, differences), 2 bad input or usage",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    _globals(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = {name: _command(sub, name, *COMMANDS[name]) for name in COMMANDS}
    for name in SOURCE_COMMANDS:
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
        help="colour (auto: on a terminal or with FORCE_COLOR set, not with NO_COLOR set or "
        "TERM=dumb)",
    )
    for name in ("show", "summary", "blocked", "critical-path", "lint", "snapshot", "fetch"):
        _json(p[name])
    p["critical-path"].add_argument(
        "--weight",
        default="auto",
        choices=WEIGHTS,
        help="node weight: seconds from node jobs, or hops (auto: duration when known)",
    )
    _files(
        p["render"].add_argument(
            "-o", "--output", required=True, metavar="FILE", help="where to write ('-' for stdout)"
        )
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
    _files(p["diff"].add_argument("other", metavar="OTHER", help=SOURCE_HELP))
    p["diff"].add_argument(
        "--runs", action="store_true", help="also critical path, durations and statuses"
    )
    _json(p["diff"])
    p["snapshot"].add_argument("--statuses", action="store_true", help="include node statuses")
    p["snapshot"].add_argument(
        "--copies", action="store_true", help="list every loop copy instead of folding them"
    )
    _files(
        p["fetch"].add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE",
            help="where to write the bundle ('-' for stdout; not with --json)",
        )
    )
    p["watch"].add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="seconds between polls (default 2)",
    )
    p["watch"].add_argument("--max-polls", type=int, metavar="N", help="stop after N polls")
    p["watch"].add_argument(
        "--json",
        action="store_true",
        help="one JSON object a line per poll, then one with what is blocked and the critical path",
    )
    for name in ("upstream", "downstream"):
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
    p["completion"].add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    return parser
