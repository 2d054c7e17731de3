"""``flowgraph.history(workflow_id)``: fetch a workflow's runs and compute their statistics;
:class:`History` holds the runs' rows, the statistics and what the fetch did.

>>> import flowgraph
>>> h = from_jobs("wflow_product_shots", [flowgraph.load("examples/timed-bundle.json")])
>>> s = h.stats.nodes["gen"]
>>> s.runs, s.p50_run, s.cost, s.critical_share
(1, 80.0, 20.0, 1.0)
>>> print(h.text().splitlines()[0])
workflow wflow_product_shots: 1 run, 2026-11-20 to 2026-11-20: 1 success
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._collector import gc_paused
from .._text import one_line, seconds
from ..config import DEFAULT_HISTORY_RETRIES, DEFAULT_HISTORY_SINCE
from ..errors import ConfigurationError, FlowgraphError
from ..flow_graph import build
from ..sources import job_from_data
from .rows import Row, RunRows, run_rows
from .stats import Stats, statistics

if TYPE_CHECKING:
    from ..api import Client, JobCache
    from ..api.runs import RunsFetch
    from ..model import Job

__all__ = ["History", "from_jobs", "history"]


@dataclass
class History:
    """The runs of one workflow: ``runs`` (their rows, oldest first), ``stats``, what the fetch
    did (``fetch``: None when built from jobs at hand) and ``dropped`` (run id -> why it was
    left out: not readable, or another structure than the one asked for)."""

    stats: Stats
    runs: list[RunRows]
    fetch: RunsFetch | None = None
    dropped: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[Row]:
        """One row per node per run (:mod:`flowgraph.runs.rows`)."""
        return [row for run in self.runs for row in run.rows]

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``flowgraph history --json``."""
        out = self.stats.as_dict()
        if self.fetch is not None:
            out["fetch"] = self.fetch.as_dict()
        if self.dropped:
            out["dropped"] = dict(self.dropped)
        return out

    def text(self) -> str:
        """The table ``flowgraph history`` prints."""
        return history_text(self)

    def chart(self) -> str:
        """The SVG of ``flowgraph history --format svg`` (:mod:`flowgraph.runs.chart`)."""
        from .chart import chart

        return chart(self.stats, self.runs)


def _pick(runs: list[RunRows], structure: str | None, dropped: dict[str, str]) -> list[RunRows]:
    if structure is None:
        return runs
    wanted = runs[-1].structure if structure == "latest" and runs else structure
    kept = [r for r in runs if r.structure.startswith(wanted)]
    if runs and not kept:
        known = ", ".join(sorted({r.structure for r in runs}))
        raise ConfigurationError(f"no run has structure {structure!r} (these do: {known})")
    for r in runs:
        if not r.structure.startswith(wanted):
            dropped[r.run_id] = f"structure {r.structure}, not {wanted}"
    return kept


def from_jobs(
    workflow_id: str,
    jobs: Iterable[Job],
    *,
    structure: str | None = None,
    dropped: dict[str, str] | None = None,
) -> History:
    """The history of runs already loaded (:func:`flowgraph.load`), oldest first by creation.
    ``structure``: only the runs of that structure version (a hash or its start; ``latest``:
    the newest run's)."""
    dropped = {} if dropped is None else dropped
    runs = []
    for job in jobs:
        try:
            runs.append(run_rows(build(job)))
        except FlowgraphError as exc:
            dropped[job.job_id] = one_line(exc)
    runs.sort(key=lambda r: (r.created or "", r.run_id))
    runs = _pick(runs, structure, dropped)
    return History(statistics(workflow_id, runs), runs, None, dropped)


def history(
    workflow_id: str,
    *,
    since: str | float | None = DEFAULT_HISTORY_SINCE,
    limit: int | None = None,
    statuses: Collection[str] | None = None,
    node_jobs: bool = False,
    structure: str | None = None,
    cache: JobCache | bool | None = True,
    client: Client | None = None,
    progress: Callable[[int, int], object] | None = None,
    **client_options: Any,
) -> History:
    """The runs of ``workflow_id`` from the API and their statistics.

    ``since``: an age (``30d``, ``12h``; seconds as a number; None: whatever the API lists),
    ``limit``: the latest N runs, ``statuses``: only runs in these job statuses, ``node_jobs``:
    every node's own job too (timings, cost, errors: most statistics need them), ``structure``:
    as for :func:`from_jobs`. Finished runs and node jobs come from ``cache`` (True: the default
    :class:`~flowgraph.api.JobCache`); requests go through a client-side rate limiter
    (``$FLOWGRAPH_RATE_LIMIT``, else the API's 100 a minute). Without ``client``,
    ``client_options`` go to :class:`~flowgraph.api.Client` (credentials from the SDK's
    variables). Ctrl-C stops it; what was fetched stays cached for the next call.
    """
    from ..api import Client, JobCache, parse_age
    from ..api._ratelimit import RateLimiter
    from ..api.runs import fetch_runs

    age = parse_age(since) if isinstance(since, str) else since
    store = JobCache() if cache is True else cache if isinstance(cache, JobCache) else None
    own = client is None
    if client is None:
        options = {k: v for k, v in client_options.items() if v is not None}
        options.setdefault("max_retries", DEFAULT_HISTORY_RETRIES)
        options.setdefault("rate_limit", RateLimiter.from_env())
        client = Client(**options)
    try:
        fetched = fetch_runs(
            client,
            workflow_id,
            since=age,
            limit=limit,
            statuses=statuses,
            node_jobs=node_jobs,
            cache=store,
            progress=progress,
        )
    finally:
        if own:
            client.close()
    dropped = dict(fetched.failed)
    jobs = []
    with gc_paused():  # thousands of runs held at once: the collector's passes cost most
        for bundle in fetched.bundles:
            try:
                jobs.append(job_from_data(bundle))
            except FlowgraphError as exc:
                dropped[str(bundle["job"].get("jobId"))] = one_line(exc)
        out = from_jobs(workflow_id, jobs, structure=structure, dropped=dropped)
    out.fetch = fetched
    return out


# -- the table --------------------------------------------------------------------------------
_HEAD = ["NODE", "RUNS", "FAILED", "SKIPPED", "P50 RUN", "P95 RUN", "P50 QUEUE", "COST MED/TOTAL"]
_HEAD += ["CRITICAL", "TOP ERROR"]


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _cu(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _day(stamp: str | None) -> str:
    return (stamp or "?")[:10]


def history_text(h: History) -> str:
    """The header (runs, statuses, elapsed, structure versions), the per-node table and the
    failure causes."""
    s = h.stats
    if not s.runs:
        return f"workflow {one_line(s.workflow)}: no runs found\n"
    first, last = _day(h.runs[0].created), _day(h.runs[-1].created)
    states = ", ".join(f"{n} {k}" for k, n in sorted(s.statuses.items(), key=lambda i: -i[1]))
    plural = "" if s.runs == 1 else "s"
    lines = [f"workflow {one_line(s.workflow)}: {s.runs} run{plural}, {first} to {last}: {states}"]
    e = s.elapsed
    lines.append(
        f"elapsed p50 {seconds(e['p50'])}  p95 {seconds(e['p95'])}  max {seconds(e['max'])}"
    )
    if s.mixed:
        lines.append(
            f"structure versions: {len(s.versions)} (the statistics mix them; "
            "--structure HASH or latest keeps one)"
        )
        for v in s.versions:
            lines.append(f"  {v.structure}  {v.runs:>5} runs  {_day(v.first)} to {_day(v.last)}")
    rows = [_HEAD]
    for n in s.nodes.values():
        d = n.as_dict()
        top = f"{one_line(n.errors[0][0])[:40]} ({n.errors[0][1]})" if n.errors else "-"
        rows.append(
            [
                one_line(n.node),
                str(n.runs),
                _pct(d["failure_rate"]),
                _pct(d["skipped_rate"]),
                seconds(n.p50_run),
                seconds(n.p95_run),
                seconds(n.p50_queue),
                f"{_cu(n.cost_median)} / {_cu(n.cost)}",
                _pct(n.critical_share),
                top,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD))]
    lines.append("")
    for r in rows:
        pairs = enumerate(zip(r, widths, strict=True))
        cells = [c.ljust(w) if i in (0, 9) else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(cells).rstrip())
    if s.failure_causes:
        lines.append("")
        lines.append("failure causes (runs):")
        for node, error, count in s.failure_causes[:10]:
            said = one_line(error) if error else "(no error known: --node-jobs loads them)"
            lines.append(f"  {count:>4}  {one_line(node)}: {said}")
    if not any(r.run_s is not None for run in h.runs for r in run.rows):
        lines.append("")
        lines.append("no node jobs: times, cost, errors and the critical path need --node-jobs")
    if h.dropped:
        lines.append(f"left out: {len(h.dropped)} run(s) (--json lists them and why)")
    return "\n".join(lines) + "\n"
