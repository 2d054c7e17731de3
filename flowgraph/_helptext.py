"""The command line's words: each command's one-line help and the examples its ``--help``
ends with (the grammar itself is :mod:`flowgraph._args`).

A placeholder in capitals (``JOB_ID``, ``WORKFLOW_ID``, ``NODE_ID``) is the user's to fill in, a
job or workflow id means the command talks to the API, and a file an example reads was written
by an example above it in the same list (``tests/test_cli_habits.py`` runs them all from an
empty folder).
"""

from __future__ import annotations

from .config import ENV_CACHE_DIR

__all__ = ["CACHE_COMMANDS", "COMMANDS", "EXAMPLES", "TIME_RULE"]

#: ``flowgraph --help``'s examples; lines starting with ``#`` say what the next ones do.
EXAMPLES = (
    "# one screen on a run from the API (credentials: SCENARIO_SDK_* variables)",
    "flowgraph show JOB_ID",
    "# saved once with every node's own job, then asked questions offline",
    "flowgraph fetch JOB_ID --node-jobs -o run.json",
    "flowgraph blocked run.json",
    "flowgraph critical-path run.json",
)

#: How ``flowgraph time`` counts (its ``--help``).
TIME_RULE = (
    "Each instant from the run's start to its end counts once, under the first that holds:\n"
    "a node is running; a node is queued; a gate waits for a person (the gate parked first,\n"
    "if several); else idle. A gate waits from when all it depends on finished until what it\n"
    "guards is created (else the run's end). Times come from the node jobs' statusHistory."
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
    "time": (
        "where the run's time went: running, queued only, waiting at gates, idle",
        (
            "# every node's own job gives the times",
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "flowgraph time run.json",
            "flowgraph time run.json --json",
        ),
    ),
    "what-if": (
        "the run's new end if some nodes were faster, and which nodes to speed up",
        (
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "# NODE_ID (a node, or a loop template: all its copies) twice as fast",
            "flowgraph what-if run.json --faster NODE_ID=2x",
            "# 30 s less, queue time scaled too",
            "flowgraph what-if run.json --faster NODE_ID=30s --queue scale",
            "# the 5 nodes whose 2x speed-up gains most, as JSON",
            "flowgraph what-if run.json --top 5 --json",
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
    "report": (
        "one self-contained HTML file of the run to share: verdict, graph, node panel, timeline",
        (
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "# open run.html in any browser, offline; run.html#node=NODE_ID selects a node",
            "flowgraph report run.json -o run.html",
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
    "node": (
        "everything about one node: its inputs and refs, loop, job, timings, cost, error, slack",
        (
            "flowgraph node JOB_ID NODE_ID",
            "# from a saved run with its node jobs, as JSON (parent/child: inside a sub-workflow)",
            "flowgraph fetch JOB_ID --node-jobs -o run.json",
            "flowgraph node run.json NODE_ID --json",
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
    "history": (
        "many runs of one workflow: per-node failure rates, times, cost, critical-path share",
        (
            "# the last 30 days of runs, each with its node jobs (times, cost, errors)",
            "flowgraph history WORKFLOW_ID --node-jobs",
            "# the latest 200 runs as JSON, and one row per node per run for DuckDB or Spark",
            "flowgraph history WORKFLOW_ID --node-jobs --limit 200 --json --rows runs.csv",
            "# duration per run over time, failures marked",
            "flowgraph history WORKFLOW_ID --node-jobs --format svg -o history.svg",
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
