"""Which ForEach iterations failed, what they were doing, and what their failure blocks.

    python examples/loop_failures.py [SOURCE]    # default: examples/foreach-failed.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import flowgraph

source = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("foreach-failed.json")
fg = flowgraph.graph(source)
summary = fg.summary()
for loop in summary.loops:
    states = ", ".join(f"{n} {state}" for state, n in loop.states.items()) or "not started"
    print(f"loop {loop.id}: {loop.iterations} iteration(s): {states}")
    for index in loop.failed_iterations:
        copies = fg.loops[loop.id].iterations[index]
        for copy in copies:
            status = fg.nx.nodes[copy]["status"]
            template = fg.nx.nodes[copy].get("template")
            print(f"  iteration {index}: {copy} (copy of {template}) {status}")
            if status == "failure":
                print(f"    upstream: {', '.join(fg.upstream(copy)) or '-'}")
                blocked = [b.node for b in fg.blocked() if copy in b.causes]
                print(f"    blocks: {', '.join(blocked) or '-'}")
if not summary.loops:
    print("no loops in this run")
if fg.job.metadata.error:
    print(f"error: {fg.job.metadata.error}")
