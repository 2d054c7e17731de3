"""Many runs of one workflow (``flowgraph history``): fetch them (:mod:`flowgraph.api.runs`),
one row per node per run (:mod:`.rows`), per-node statistics (:mod:`.stats`), the table and
JSON (:mod:`.history`), the rows as CSV, JSON lines or Parquet (:mod:`.write`), and a chart of
duration per run (:mod:`.chart`).

>>> import flowgraph
>>> h = from_jobs("wflow_product_shots", [flowgraph.load("examples/timed-bundle.json")])
>>> h.stats.nodes["upscale"].as_dict()["p50_run"]
30.0
"""

from __future__ import annotations

from .history import History, from_jobs, history
from .rows import COLUMNS, Row, RunRows, run_rows
from .stats import NodeStats, Stats, statistics
from .write import write_rows

__all__ = [
    "COLUMNS",
    "History",
    "NodeStats",
    "Row",
    "RunRows",
    "Stats",
    "from_jobs",
    "history",
    "run_rows",
    "statistics",
    "write_rows",
]
