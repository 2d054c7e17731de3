"""Listing and fetching many runs against a local HTTP server serving 220 generated runs
(``historyserver.py``): pagination with empty pages, node jobs in the listing, a slow page,
the cache making a second call nearly free, an interrupted fetch resuming without refetching,
the rate limiter never over its budget by the server's own count, 429 + Retry-After."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from historyserver import V3, WORKFLOW, HistoryServer, finished, make_runs

from apiserver import KEY, SECRET, ApiServer, Reply, point_env_at, secret_leaks
from flowgraph.api import Client, JobCache
from flowgraph.api._ratelimit import RateLimiter
from flowgraph.api.runs import fetch_runs
from flowgraph.cli import main
from flowgraph.errors import PayloadError

RUNS = make_runs(220)
DONE = finished(RUNS)  # 217: the last 3 are parked at their gate
NOW = 1.9e9  # 2030: every generated run is within --since 5000d


@pytest.fixture
def server() -> Iterator[HistoryServer]:
    with HistoryServer(RUNS) as srv:
        yield srv


def client(srv: HistoryServer | ApiServer, limiter: RateLimiter | None = None, **kw: Any) -> Client:
    return Client(KEY, SECRET, base_url=srv.base, env={}, rate_limit=limiter, **kw)


def test_every_run_listed_once_through_empty_pages_and_node_jobs(server: HistoryServer,
                                                                 tmp_path: Path) -> None:
    started = time.monotonic()
    got = fetch_runs(client(server), WORKFLOW, cache=JobCache(tmp_path), now=lambda: NOW)
    # 220 runs in pages of 40: 6 pages, and an empty page (with a token) after pages 1 and 3
    assert (got.pages, got.empty_pages, got.listed, got.fetched, got.from_cache) == (8, 2, 220, 220, 0)
    assert [p.query.get("paginationToken") for p in server.pages()] == [
        None, "p1e", "p1", "p2", "p3e", "p3", "p4", "p5"]
    assert all(p.query["workflowId"] == WORKFLOW and p.query["pageSize"] == "100" for p in server.pages())
    assert time.monotonic() - started >= 0.3  # page 2 is slow and waited for
    ids = [b["job"]["jobId"] for b in got.bundles]
    assert ids == [r.job["jobId"] for r in RUNS]  # oldest first; the listed node jobs dropped
    assert sorted(server.job_fetches()) == sorted(ids)


def test_second_call_fetches_only_the_runs_still_going(server: HistoryServer, tmp_path: Path) -> None:
    cache = JobCache(tmp_path)
    fetch_runs(client(server), WORKFLOW, cache=cache, node_jobs=True, limit=30, now=lambda: NOW)
    first = len(server.seen)
    again = fetch_runs(client(server), WORKFLOW, cache=cache, node_jobs=True, limit=30, now=lambda: NOW)
    second = server.seen[first:]
    parked = [r for r in RUNS[-3:]]
    # the listing's first page, then the 3 parked runs and their node jobs (finished ones cached)
    assert [s.path for s in second if s.path == "/v1/jobs"] == ["/v1/jobs"]
    fetched = sorted(s.path.rsplit("/", 1)[1] for s in second if s.path != "/v1/jobs")
    assert fetched == sorted(r.job["jobId"] for r in parked)
    assert (again.listed, again.from_cache, again.fetched) == (30, 27, 3)
    assert all(len(b["nodeJobs"]) >= 4 for b in again.bundles)


def test_interrupted_fetch_resumes_without_refetching(server: HistoryServer, tmp_path: Path) -> None:
    cache = JobCache(tmp_path)

    def stop_at_50(done: int, total: int) -> None:
        if done >= 50:
            raise KeyboardInterrupt

    limiter = RateLimiter(10_000, 1.0)
    with pytest.raises(KeyboardInterrupt):
        fetch_runs(client(server, limiter), WORKFLOW, cache=cache, progress=stop_at_50, now=lambda: NOW)
    assert limiter.closed
    first = server.job_fetches()
    assert 50 <= len(first) < 220
    time.sleep(0.05)
    assert server.job_fetches() == first  # nothing went out after the interrupt returned
    count = len(server.seen)
    got = fetch_runs(client(server), WORKFLOW, cache=cache, now=lambda: NOW)
    second = [s.path.rsplit("/", 1)[1] for s in server.seen[count:] if s.path.startswith("/v1/jobs/")]
    assert not set(second) & (set(first) & DONE)  # no finished run fetched twice
    assert len(second) == 220 - len(set(first) & DONE)
    assert got.listed == 220 and len(got.bundles) == 220


def test_rate_limiter_never_exceeds_the_budget_the_server_counts() -> None:
    budget, window = 15, 0.5
    with HistoryServer(RUNS, budget=budget, window=window, slow=0.0) as srv:
        started = time.monotonic()
        got = fetch_runs(client(srv, RateLimiter(budget, window)), WORKFLOW, limit=40,
                         workers=8, now=lambda: NOW)
        took = time.monotonic() - started
    assert got.listed == 40 and not got.failed
    assert len(srv.seen) == 41  # one page, 40 runs
    assert srv.rejected() == 0 and srv.most_in_window() <= budget
    assert took >= 2 * window  # 41 requests at 15 per 0.5 s need at least two more windows


class Recording(RateLimiter):
    """A limiter that notes when each 429 made it hold every thread."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.holds: list[float] = []

    def hold(self, seconds: float) -> None:
        self.holds.append(time.monotonic())
        super().hold(seconds)


def test_429_with_retry_after_is_waited_for_by_every_thread() -> None:
    with HistoryServer(RUNS, force_429=(3,), retry_after="0.3", slow=0.0) as srv:
        limiter = Recording(10_000, 1.0)
        got = fetch_runs(client(srv, limiter), WORKFLOW, limit=40, workers=4, now=lambda: NOW)
    assert got.listed == 40 and not got.failed and len(limiter.holds) == 1
    held = limiter.holds[0]
    during = [s for s in srv.seen if held < s.time < held + 0.29]
    assert len(during) <= 3  # only what the 3 other workers had on the wire already
    retried = [s for s in srv.seen if s.path == srv.seen[2].path]
    assert [s.status for s in retried] == [429, 200] and retried[1].time - held >= 0.29


def test_without_a_limiter_the_servers_429s_are_retried() -> None:
    with HistoryServer(RUNS, budget=10, window=0.3, retry_after="0.3", slow=0.0) as srv:
        got = fetch_runs(client(srv, max_retries=8), WORKFLOW, limit=30, now=lambda: NOW)
    assert srv.rejected() > 0 and got.listed == 30 and not got.failed and len(got.bundles) == 30


def test_a_repeated_token_ends_the_listing_with_one_line() -> None:
    with ApiServer() as srv:
        srv.route("/v1/jobs", Reply(body={"jobs": [], "nextPaginationToken": "again"}))
        with pytest.raises(PayloadError, match="repeats a pagination token"):
            fetch_runs(client(srv), WORKFLOW)
        assert len(srv.requests) == 2


def test_since_limit_and_status_filters(server: HistoryServer) -> None:
    # runs are an hour apart from 2026-11-01; 'now' is 2026-11-10 04:00, so 24 h back holds
    # runs 196..219 (by creation); only the failed ones among them
    now = 1_794_283_200.0  # 2026-11-10T04:00:00Z
    got = fetch_runs(client(server), WORKFLOW, since=24 * 3600, statuses={"failure"}, now=lambda: now)
    want = [r.job["jobId"] for r in RUNS[196:] if r.job["status"] == "failure"]
    assert [b["job"]["jobId"] for b in got.bundles] == want
    assert server.pages()[0].query == {"workflowId": WORKFLOW, "pageSize": "100",
                                       "updatedAfter": "2026-11-09T04:00:00.000Z", "status": "failure"}


@pytest.fixture
def env(server: HistoryServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> HistoryServer:
    point_env_at(server, monkeypatch, tmp_path / "cache")  # type: ignore[arg-type]
    monkeypatch.setenv("FLOWGRAPH_RATE_LIMIT", "2000/1")
    return server


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert secret_leaks(out + err) == []
    return code, out, err


def test_cli_prints_the_table_and_writes_parquet_duckdb_reads_back(
        env: HistoryServer, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from test_history_stats import assert_same_numbers, duckdb_stats

    rows = tmp_path / "rows.parquet"
    code, out, err = cli(capsys, "history", WORKFLOW, "--node-jobs", "--since", "5000d",
                         "--limit", "70", "--rows", str(rows))
    assert code == 0
    written = duckdb.sql(f"select count(*) from '{rows}'").fetchall()[0][0]
    assert err.splitlines()[-1] == f"wrote {written} rows (70 runs) to {rows}"
    lines = out.splitlines()
    assert lines[0].startswith(f"workflow {WORKFLOW}: 70 runs, ")  # the latest: 150..219
    assert "structure versions: 2 (the statistics mix them" in out
    # upscale fails when i % 10 == 7: 157, 167 ... 207 (217 is parked at its gate): 6 of 70
    assert any(line.split()[:3] == ["upscale", "70", "9%"] for line in lines)
    code, out, _ = cli(capsys, "history", WORKFLOW, "--node-jobs", "--since", "5000d",
                       "--limit", "70", "--json")
    data = json.loads(out)
    assert data["fetch"]["fetched"] == 3 and data["fetch"]["from_cache"] == 67
    assert data["runs"] == 70 and data["mixed_versions"]
    assert data["nodes"]["upscale"]["failed"] == 6
    assert_same_numbers(data, duckdb_stats(rows))
    render = data["nodes"]["render"]  # v3's loop: 2 copies a run, runs 160..219 of these 70
    assert render["runs"] == 220 - V3 and render["cost_median"] == 4.0
    assert data["nodes"]["remove-bg"]["runs"] == 70  # v2 and v3 have it
    assert [v["runs"] for v in data["versions"]] == [V3 - 150, 220 - V3]
    chart = tmp_path / "history.svg"
    code, out, _ = cli(capsys, "history", WORKFLOW, "--node-jobs", "--since", "5000d",
                       "--limit", "70", "--format", "svg", "-o", str(chart))
    assert code == 0 and out.startswith(f"workflow {WORKFLOW}: 70 runs")
    svg = chart.read_text()
    assert svg.startswith("<svg") and svg.count('stroke="#c62828"') == data["statuses"]["failure"]


def test_cli_bad_input_is_one_line_exit_2(env: HistoryServer, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, said in [(["--since", "3x"], "is not an age"), (["--rows", "out.txt"], "--rows writes"),
                       (["--limit", "0"], "--limit must be at least 1"),
                       (["--structure", "ffff", "--since", "5000d", "--limit", "3"], "no run has structure")]:
        code, out, err = cli(capsys, "history", WORKFLOW, *argv)
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err, argv
        assert "Traceback" not in err


def test_a_slot_that_would_come_after_the_deadline_is_a_one_line_timeout(server: HistoryServer) -> None:
    from flowgraph.api.endpoints import get_job
    from flowgraph.errors import ApiTimeoutError

    api = client(server, RateLimiter(1, 30.0), deadline=0.5)
    assert get_job(api, "job_run0001")["jobId"] == "job_run0001"
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as caught:
        get_job(api, "job_run0002")
    assert time.monotonic() - started < 0.1  # refused at once, not after waiting
    assert str(caught.value) == ("job 'job_run0002': timed out: the deadline would pass before the rate "
                                 "limit (1 requests per 30 s) lets the request go; raise it with "
                                 "deadline= or FLOWGRAPH_TIMEOUT")
    assert server.job_fetches() == ["job_run0001"]


def test_a_run_that_cannot_be_fetched_is_named_and_the_rest_go_on(server: HistoryServer) -> None:
    del server.jobs["job_run0210"]  # listed, but GET /jobs/job_run0210 answers 404
    got = fetch_runs(client(server), WORKFLOW, limit=20, now=lambda: NOW)
    assert list(got.failed) == ["job_run0210"] and "404" in got.failed["job_run0210"]
    assert len(got.bundles) == 19 and got.listed == 20
