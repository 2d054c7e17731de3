"""Why is this run stuck? Blocked nodes grouped by root cause, and how to unblock each cause.

    python examples/why_blocked.py [SOURCE]      # default: examples/approval-parked.json
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import flowgraph
from flowgraph.show import resume_call

source = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("approval-parked.json")
fg = flowgraph.graph(source)
job = fg.job
blocked = fg.blocked()
print(f"job {job.job_id}: {job.status}, {len(blocked)} blocked node(s)")

victims: dict[str, list[str]] = defaultdict(list)  # root cause -> nodes it blocks
for b in blocked:
    for cause in b.causes:
        if cause != b.node:
            victims[cause].append(b.node)
roots = {cause for b in blocked for cause in b.causes}
for root in sorted(roots, key=lambda n: (n not in fg.gates, n)):
    attrs = fg.nx.nodes[root]
    print(f"\nroot cause {root} ({attrs.get('type')}, {attrs.get('status')})")
    print("  blocks: " + (", ".join(victims[root]) or "nothing else"))
    if root in fg.gates and attrs.get("status") in ("pending", "processing"):
        call = resume_call(attrs["type"], root, job.job_id, job.metadata.workflow_id)
        print("  fix: a person resumes the gate:")
        print("    " + call["curl"])
    elif attrs.get("status") == "failure":
        print(f"  fix: see why {root} failed ({job.metadata.error or 'no error message'}), re-run")
    else:
        print("  fix: repair the workflow (`flowgraph lint` explains)")
if not blocked:
    print("nothing is blocked")
