"""Many runs of one workflow, generated, and a local HTTP server that serves them as the
Scenario API would: ``GET /jobs?workflowId=`` in pages (some empty while a token is still
given, one slow), ``GET /jobs/{id}`` for runs and node jobs, a rate limit answered with 429 and
``Retry-After``, and a count of every request with its arrival time.

:func:`make_runs` is deterministic: run ``i`` is created ``i`` hours after the first, and its
structure, statuses, timings and costs follow from ``i`` alone (see :func:`make_run`).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORKFLOW = "wflow_history"
BEGIN = datetime(2026, 11, 1, tzinfo=timezone.utc)
#: Structure versions by run index: v1 [0, 80), v2 [80, 160) adds remove-bg, v3 adds a loop.
V2, V3 = 80, 160
COST = {"thumb": 0.25, "prompt": 0.5, "gen": 5.0, "upscale": 3.0, "remove-bg": 1.0, "render": 2.0}


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@dataclass
class Run:
    """One generated run: its workflow ``job`` and its ``node_jobs`` (id -> job)."""

    job: dict[str, Any]
    node_jobs: dict[str, dict[str, Any]] = field(default_factory=dict)


def _node_job(run_id: str, job_id: str, status: str, created: datetime, queue: float,
              run: float, cost: float, error: str | None = None) -> dict[str, Any]:
    start, end = created + timedelta(seconds=queue), created + timedelta(seconds=queue + run)
    history = [{"status": "pending", "date": iso(created)}, {"status": "queued", "date": iso(created)}]
    if status != "pending":
        history.append({"status": "in-progress", "date": iso(start)})
    if status in ("success", "failure"):
        history.append({"status": status, "date": iso(end)})
    metadata: dict[str, Any] = {"workflowJobId": run_id, "workflowId": WORKFLOW}
    if error:
        metadata["error"] = error
    return {"jobId": job_id, "jobType": "flux", "status": status, "createdAt": iso(created),
            "updatedAt": iso(end), "statusHistory": history, "metadata": metadata,
            "billing": {"cuCost": cost}}


def make_run(i: int, total: int) -> Run:
    """Run ``i`` of ``total``: prompt -> gen -> approve (a gate) -> upscale [-> remove-bg], thumb
    beside gen (1 + (12 + i % 13) s: sometimes the longer, so on the critical path), from
    v3 on gen feeds a for-each ``each`` whose body ``render`` runs twice, and upscale reads the
    loop. Every 10th run (i % 10 == 7) fails at upscale (``GPU out of memory`` when i % 20 == 7,
    else ``NSFW content detected``); from v3 on, i % 25 == 3 fails at render's 2nd copy
    (``Model timeout``); remove-bg is skipped when i % 4 == 0; the last 3 runs are parked at the
    gate (in-progress). Times: prompt 0.5 s queued + 2 s; gen (1 + i % 3) + (20 + i % 5), and 2x
    as long from run 200 on; the gate waits 30 s; upscale 2 + (10 + i % 7); render 1 + 6;
    remove-bg 1 + 3."""
    run_id = f"job_run{i:04d}"
    t0 = BEGIN + timedelta(hours=i)
    version = 1 if i < V2 else 2 if i < V3 else 3
    parked = i >= total - 3
    flow: list[dict[str, Any]] = []
    nodes: dict[str, dict[str, Any]] = {}
    clock = t0 + timedelta(seconds=1)
    status = "success"

    def add(node_id: str, typ: str, state: str, queue: float, run: float, *, deps: list[str],
            refs: list[str], job: bool = True, error: str | None = None, cost_of: str = "",
            at: datetime | None = None, **extra: Any) -> None:
        nonlocal clock
        node: dict[str, Any] = {"id": node_id, "type": typ, "status": state, **extra}
        if deps:
            node["dependsOn"] = deps
        node["inputs"] = [{"name": f"in{k}", "type": "file", "ref": {"node": r, "name": "image"}}
                          for k, r in enumerate(refs)]
        if job and state not in ("skipped",):
            job_id = f"job_{i:04d}_{node_id}"
            node["jobId"] = job_id
            start = clock if at is None else at
            nodes[job_id] = _node_job(run_id, job_id, state, start, queue, run,
                                      COST[cost_of or node_id], error)
            clock = max(clock, start + timedelta(seconds=queue + run))
        flow.append(node)

    add("prompt", "generate-prompt", "success", 0.5, 2.0, deps=[], refs=["workflow"])
    gen_run = (20 + i % 5) * (2 if i >= 200 else 1)
    fork = clock
    add("gen", "model", "success", 1 + i % 3, gen_run, deps=[], refs=["prompt"], modelId="model_flux")
    add("thumb", "model", "success", 1, 12 + i % 13, deps=[], refs=["prompt"], at=fork,
        modelId="model_thumb")
    last = "gen"
    if version == 3:
        flow.append({"id": "each", "type": "for-each", "status": "success", "loopBodyNodeIds": ["render"],
                     "inputs": [{"name": "array", "type": "string_array", "ref": {"node": "gen", "name": "all"}}]})
        flow.append({"id": "render", "type": "custom-model", "modelId": "model_render", "status": "skipped",
                     "inputs": [{"name": "image", "type": "file", "ref": {"node": "each", "name": "item"}}]})
        for k in range(2):
            bad = k == 1 and i % 25 == 3
            add(f"render-{k}", "custom-model", "failure" if bad else "success", 1, 6, deps=[],
                refs=["each"], modelId="model_render", loopNodeId="each", iterationIndex=k,
                error="Model timeout" if bad else None, cost_of="render")
            if bad:
                status = "failure"
        flow[flow.index(next(n for n in flow if n["id"] == "each"))]["status"] = (
            "failure" if status == "failure" else "success")
        last = "each"
    gate = "pending" if parked else "rejected" if i % 50 == 11 else "success"
    if status == "failure":
        gate = "pending"
    flow.append({"id": "approve", "type": "user-approval", "status": gate, "dependsOn": [last, "thumb"]})
    if gate == "success":
        clock += timedelta(seconds=30)
    fails = i % 10 == 7 and gate == "success"
    up = "failure" if fails else "success" if gate == "success" else "pending"
    error = ("GPU out of memory" if i % 20 == 7 else "NSFW content detected") if fails else None
    add("upscale", "model", up, 2, 10 + i % 7, deps=["approve"], refs=[last], job=up != "pending",
        error=error, modelId="model_upscale")
    if version >= 2:
        bg = "skipped" if i % 4 == 0 and up == "success" else "success" if up == "success" else "pending"
        add("remove-bg", "remove-background", bg, 1, 3, deps=[], refs=["upscale"], job=bg == "success")
    if fails:
        status = "failure"
    elif gate == "rejected":
        status = "canceled"
    elif parked:
        status = "in-progress"
    end = clock + timedelta(seconds=0.5)
    history = [{"status": "pending", "date": iso(t0)}, {"status": "in-progress", "date": iso(t0 + timedelta(seconds=0.2))}]
    if status != "in-progress":
        history.append({"status": status, "date": iso(end)})
    job = {"jobId": run_id, "jobType": "workflow", "status": status, "createdAt": iso(t0),
           "updatedAt": iso(end), "statusHistory": history, "billing": {"cuCost": 0},
           "metadata": {"workflowId": WORKFLOW, "flow": flow}}
    return Run(job, nodes)


def make_runs(n: int = 220) -> list[Run]:
    return [make_run(i, n) for i in range(n)]


@dataclass
class Seen:
    """One request as it arrived: monotonic ``time``, ``path`` (no query), ``query``, answer."""

    time: float
    path: str
    query: dict[str, str]
    status: int = 0


class HistoryServer:
    """Serves ``runs`` (newest first in the listing, node jobs listed too on every 3rd page) in
    pages of at most ``page_size``; ``empty_after`` page numbers are followed by an empty page
    that still carries a token; page ``slow_page`` answers after ``slow`` seconds. ``budget``
    requests per ``window`` seconds (by arrival), else 429 with ``Retry-After: retry_after``;
    ``force_429`` lists request numbers (1-based) answered 429 whatever the budget. Use as a
    context manager; ``base`` is the API root."""

    def __init__(self, runs: list[Run], *, page_size: int = 40, budget: int = 10_000,
                 window: float = 1.0, retry_after: str = "0.2", empty_after: tuple[int, ...] = (1, 3),
                 slow_page: int = 2, slow: float = 0.3, force_429: tuple[int, ...] = ()) -> None:
        self.runs = runs
        self.jobs = {r.job["jobId"]: r.job for r in runs}
        self.node_jobs = {k: v for r in runs for k, v in r.node_jobs.items()}
        self.page_size, self.budget, self.window = page_size, budget, window
        self.retry_after, self.empty_after = retry_after, set(empty_after)
        self.slow_page, self.slow, self.force_429 = slow_page, slow, set(force_429)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
        self.http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}/v1"

    def __enter__(self) -> HistoryServer:
        threading.Thread(target=self.http.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()

    # -- what the tests read -------------------------------------------------------------------
    def job_fetches(self) -> list[str]:
        """Ids of ``GET /jobs/{id}`` requests answered 200, in order."""
        return [s.path.rsplit("/", 1)[1] for s in self.seen if s.path.startswith("/v1/jobs/") and s.status == 200]

    def pages(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/v1/jobs"]

    def most_in_window(self) -> int:
        """The most requests that arrived within any ``window`` seconds."""
        times = sorted(s.time for s in self.seen)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - self.window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def rejected(self) -> int:
        return sum(s.status == 429 for s in self.seen)

    # -- answers ------------------------------------------------------------------------------
    def listing(self) -> list[dict[str, Any]]:
        """What the listing holds, newest first: every run (summary fields only)."""
        out = []
        for run in reversed(self.runs):
            j = run.job
            out.append({k: j[k] for k in ("jobId", "jobType", "status", "createdAt", "updatedAt")}
                       | {"metadata": {"workflowId": WORKFLOW}})
        return out

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        token = query.get("paginationToken", "p0")
        number = int(token[1:].split("e")[0])
        if "e" in token:  # the empty page after page ``number``
            return {"jobs": [], "nextPaginationToken": f"p{number}"}
        size = min(int(query.get("pageSize", "100")), self.page_size)
        items = [j for j in self.listing() if j["updatedAt"] >= query.get("updatedAfter", "")]
        chunk = items[number * size:(number + 1) * size]
        if number % 3 == 1 and chunk:  # node jobs listed among the runs
            child = next(iter(self.node_jobs.values()))
            chunk = [*chunk[:2], child, *chunk[2:]]
        more = (number + 1) * size < len(items)
        body: dict[str, Any] = {"jobs": chunk}
        if more:
            body["nextPaginationToken"] = f"p{number + 1}e" if number + 1 in self.empty_after else f"p{number + 1}"
        return body


def _handler(server: HistoryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path, _, raw = self.path.partition("?")
            query = {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}
            seen = Seen(time.monotonic(), path, query)
            with server.lock:
                server.seen.append(seen)
                number = len(server.seen)
                recent = sum(1 for s in server.seen if s.time > seen.time - server.window)
            if number in server.force_429 or recent > server.budget:
                self._send(seen, 429, {"message": "rate limited"}, {"Retry-After": server.retry_after})
                return
            if path == "/v1/jobs":
                if query.get("workflowId") != WORKFLOW:
                    self._send(seen, 200, {"jobs": []})
                    return
                if query.get("paginationToken") == f"p{server.slow_page}":
                    time.sleep(server.slow)
                self._send(seen, 200, server.page(query))
                return
            job_id = path.rsplit("/", 1)[-1]
            job = server.jobs.get(job_id) or server.node_jobs.get(job_id)
            if job is None:
                self._send(seen, 404, {"message": "not found"})
            else:
                self._send(seen, 200, {"job": job})

        def _send(self, seen: Seen, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            seen.status = status
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def finished(runs: list[Run]) -> set[str]:
    return {r.job["jobId"] for r in runs if r.job["status"] in ("success", "failure", "canceled")}
