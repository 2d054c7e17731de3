"""Where did the time go? The critical path of a run with its node jobs' timings (a bundle from
``flowgraph fetch JOB_ID --node-jobs``), and how much slack the other nodes had.

    python examples/where_time_went.py [SOURCE]  # default: examples/timed-bundle.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import flowgraph
from flowgraph.report import seconds
from flowgraph.timing import job_timing

source = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("timed-bundle.json")
fg = flowgraph.graph(source)
cp = fg.critical_path()
print(f"critical path ({cp.weight}): {' -> '.join(cp.nodes)}")
print(f"total: {seconds(cp.total) if cp.weight != 'hops' else f'{cp.total:g} hops'}")
for e in sorted(cp.entries, key=lambda e: -e["weight"]):
    if cp.weight == "hops":
        print(f"  {e['node']}")
        continue
    print(f"  {e['node']:<12} {seconds(e['weight']):>7} {e['share'] * 100:3.0f}%"
          f"  (queue {seconds(e['queue'])}, run {seconds(e['run'])})")
queued = sum(e["queue"] or 0 for e in cp.entries)
if cp.weight != "hops" and cp.total:
    print(f"waiting in queues: {seconds(queued)} of {seconds(cp.total)} on the critical path")
off = sorted((slack, n) for n, slack in cp.slack.items() if n not in cp.nodes)
for slack, n in off:
    print(f"off the path: {n} could have taken {seconds(slack)} longer without delaying the run")
wall = job_timing(fg.job).total
if wall is not None and cp.weight == "duration":
    print(f"wall clock: {seconds(wall)}; {seconds(max(0.0, wall - cp.total))} is on no node's clock "
          "(engine steps, gates waiting for a person, scheduling)")
