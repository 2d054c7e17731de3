"""The one-screen view of a run (``flowgraph show``) from Python, plus its JSON for scripts.

    python examples/show_run.py [SOURCE]         # default: examples/foreach-failed.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import flowgraph
from flowgraph.show import show_data, show_text

source = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("foreach-failed.json")
fg = flowgraph.graph(source)
print(show_text(fg, color=sys.stdout.isatty()))
data = show_data(fg)
print(f"\nas data: next action {data['next']['action']!r}, "
      f"{len(data['rows'])} row(s), {len(data['gates'])} parked gate(s)")
