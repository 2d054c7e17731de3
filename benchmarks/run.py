"""Benchmark flowgraph on large generated runs against the floor and the alternatives.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeat N]     (or: make bench)

Everything is measured in this one process with ``time.perf_counter``, best of N (fewer on
the largest size), after a ``gc.collect()`` and with the cyclic garbage collector paused (as
flowgraph's load and build run; the floor is then at its fastest), on the same encoded bytes
(``benchmarks/generate.py``: ~1.2 KB per node, loops with many iterations, branches, gates).
Rows:

* ``json.loads``: decoding the bytes, the floor;
* flowgraph's ``load`` (from the bytes: decode + parse), ``build``, ``critical_path``,
  ``blocked`` (each on the result of the previous step, as a user runs them), ``snapshot`` and
  the collapsed DOT of ``flowgraph.render.to_dot``;
* the bundle variant (node jobs with ``statusHistory``): load + build + duration critical path;
* the official SDK's ``JobRetrieveResponse.model_validate`` on the decoded payload (the peer);
* ``load`` of the decoded dicts (msgspec's ``convert`` into the model), and the path-tracking
  parser alone on them (``job_from_data(..., typed=False)``): what a payload the typed decoder
  refuses costs (unknown fields, snake_case keys);
* the collector's share, apart: ``json.loads`` with the collector on, and one full collection
  with the run loaded and built (what the collector costs once per run, wherever it lands);
* a reference for reading the growth column: one dict lookup per node id in sorted order (how
  much a linear pass over a 10x larger hash table slows down on this machine's memory).

Then the ratio of the pipeline (load + build + critical_path + blocked) to ``json.loads``, the
growth of every row from 10k to 100k nodes, whole ``flowgraph`` processes against a process
that only ``json.load``s the file (``benchmarks/process.py``: wall time and peak memory), and
PASS/FAIL per target of the README. Not part of
``make test``: timings depend on the machine; exit status is 0 whatever the verdicts.
"""

from __future__ import annotations

import argparse
import gc
import http.server
import importlib.util
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import encode, make_bundle, make_run

import flowgraph
from flowgraph.model import decode_run
from flowgraph.sources import job_from_data

# Targets (README, "Performance").
PIPELINE_VS_JSON = 2.0  # load + build + critical path + blocked <= 2x json.loads (10k, 100k)
ON_VS_JSON_10K, ON_VS_JSON_100K = 1.8, 1.0  # the same, both with the collector on
SDK_SPEEDUP = 5.0  # ... >= 5x faster than the SDK's model_validate, both collector on (10k)
GROWTH_VS_JSON = 1.1  # 10k -> 100k: a step grows at most 1.1x json.loads' own growth
SVG_SECONDS = 3.0  # collapsed SVG of a 10k-node run
HTML_SECONDS = 5.0  # the HTML report of a 10k-node run (fg.to_html; opening it: report_open.py)
WHAT_IF_VS_CP = 2.0  # what-if top 10 <= 2x the duration critical path (10k bundle)
HELP_SECONDS = 0.3  # flowgraph --help
FETCH_SECONDS = 1.0  # 200 node jobs, 50 ms latency per request (16 workers, the default)
HISTORY_RUNS = 1000  # flowgraph history over this many cached runs (with node jobs) ...
HISTORY_SECONDS = 2.0  # ... computes its statistics in less than this
RATE_BUDGET, RATE_WINDOW = 50, 1.0  # the fetch-rate row: a server that allows 50 requests a second


@contextmanager
def collector_paused() -> Iterator[None]:
    """Rows run with the cyclic collector paused (those marked "collector on" excepted): what
    flowgraph's load and build do themselves, and the floor is then at its fastest. The
    collector's own cost is the ``collector`` row, one full pass over the loaded run.

    Not :func:`flowgraph.parse.gc_paused`: that one also moves what the block made to the
    oldest generation when it ends, which would change what the ``collector`` row measures."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def best_of(repeat: int, fn: Callable[[], Any], paused: bool = True) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        with collector_paused() if paused else nullcontext():
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
    return best


def fmt(seconds: float | None, approx: bool = False) -> str:
    if seconds is None:
        return "n/a"
    mark = "~" if approx else ""
    if seconds < 1:
        return f"{mark}{seconds * 1000:.1f} ms"
    return f"{mark}{seconds:.2f} s"


def draw_module() -> Any:
    """The rendering package (``to_dot``, ``render``)."""
    from flowgraph import render

    return render


def check_typed_decoder(data: bytes) -> None:
    """The typed decoder must give exactly what the path-tracking parser builds."""
    typed = decode_run(data)
    if typed is None:
        raise SystemExit("the typed decoder refused a generated run: fix flowgraph/model.py")
    parsed = job_from_data(json.loads(data), typed=False)
    if typed != parsed or typed.to_bundle() != parsed.to_bundle():
        raise SystemExit("typed decoder differs from the path-tracking parser: fix the model")


def measure_size(n: int, repeat: int, draw: Any) -> dict[str, Any]:
    payload = make_run(n)
    nodes = len(payload["job"]["metadata"]["flow"])
    data = encode(payload)
    del payload
    rows: dict[str, Any] = {"nodes": nodes, "mb": len(data) / 1e6}
    samples: dict[str, list[float]] = {k: [] for k in (
        "json.loads", "json.loads gc on", "load", "build", "critical_path", "blocked",
        "snapshot", "dot", "gc pass", "lookup", "pipeline gc on")}
    # the reference row's ids, made after the decode they come from is freed: kept alive as its
    # survivors, they would pin a few objects in most of the heap's pools and slow every row
    # after them (the build by ~20% at 10k, measured) with a fragmentation no user's run has
    joined = "\n".join(sorted(node["id"] for node in json.loads(data)["job"]["metadata"]["flow"]))
    gc.collect()
    ids = joined.split("\n")
    del joined
    table = {key: i for i, key in enumerate(reversed(ids))}
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        decoded = json.loads(data)
        samples["json.loads gc on"].append(time.perf_counter() - t0)
        del decoded
        gc.collect()
        t0 = time.perf_counter()  # the pipeline as a user's program runs it: collector on
        on = flowgraph.build(flowgraph.load(data))
        on.critical_path()
        on.blocked()
        samples["pipeline gc on"].append(time.perf_counter() - t0)
        del on
        gc.collect()
        with collector_paused():
            t0 = time.perf_counter()
            decoded = json.loads(data)
            samples["json.loads"].append(time.perf_counter() - t0)
            del decoded
            t0 = time.perf_counter()
            for key in ids:
                table[key]
            samples["lookup"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            job = flowgraph.load(data)
            t1 = time.perf_counter()
            fg = flowgraph.build(job)
            t2 = time.perf_counter()
            fg.critical_path()
            t3 = time.perf_counter()
            fg.blocked()
            t4 = time.perf_counter()
            fg.snapshot()
            t5 = time.perf_counter()
            samples["load"].append(t1 - t0)
            samples["build"].append(t2 - t1)
            samples["critical_path"].append(t3 - t2)
            samples["blocked"].append(t4 - t3)
            samples["snapshot"].append(t5 - t4)
            if draw is not None:
                try:
                    t5 = time.perf_counter()
                    _ = draw.to_dot(fg).source
                    samples["dot"].append(time.perf_counter() - t5)
                except Exception as exc:  # noqa: BLE001 - reported in the table, not fatal
                    rows["dot_error"] = f"{type(exc).__name__}: {exc}"
            # what the collector costs once per loaded run: one full pass over it, alive
            t0 = time.perf_counter()
            gc.collect()
            samples["gc pass"].append(time.perf_counter() - t0)
            del job, fg
        gc.collect()
    del ids, table
    for key, values in samples.items():
        rows[key] = min(values) if values else None
    rows["pipeline"] = sum(rows[k] for k in ("load", "build", "critical_path", "blocked"))

    # the bundle variant: node jobs give durations
    bundle = encode(make_bundle(n))

    def bundle_pipeline() -> None:
        fg = flowgraph.build(flowgraph.load(bundle))
        fg.critical_path("duration")

    rows["bundle"] = best_of(repeat, bundle_pipeline)
    rows["bundle_mb"] = len(bundle) / 1e6

    # the timeline of the bundle: the trace document, what-if's top 10, against its critical path
    from flowgraph.render.trace import trace_events
    from flowgraph.whatif import top

    timed = flowgraph.build(flowgraph.load(bundle))
    rows["bundle cp"] = best_of(repeat, lambda: timed.critical_path("duration"))
    rows["trace"] = best_of(repeat, lambda: trace_events(timed))
    rows["what-if top"] = best_of(min(repeat, 3), lambda: top(timed, 10))
    del timed

    # the peer: the official SDK's pydantic models
    try:
        from scenario_sdk.types.job_retrieve_response import JobRetrieveResponse
    except ImportError:
        rows["sdk"] = rows["sdk gc on"] = None
    else:
        decoded = json.loads(data)
        rows["sdk"] = best_of(min(repeat, 3), lambda: JobRetrieveResponse.model_validate(decoded))
        rows["sdk gc on"] = best_of(min(repeat, 3),
                                    lambda: JobRetrieveResponse.model_validate(decoded), False)
        del decoded

    # a dict handed to load, and the path-tracking parser on it (where refused payloads go)
    decoded = json.loads(data)
    rows["dict"] = best_of(min(repeat, 3), lambda: flowgraph.load(decoded))
    rows["parser"] = best_of(min(repeat, 3), lambda: job_from_data(decoded, typed=False))
    del decoded

    # the collapsed SVG (through Graphviz's dot) at 10k
    rows["svg"] = None
    if draw is not None and n == 10_000 and hasattr(draw, "render"):
        fg = flowgraph.build(flowgraph.load(data))
        try:
            gc.collect()
            t0 = time.perf_counter()
            draw.render(fg, "svg")
            rows["svg"] = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - reported in the table, not fatal
            rows["svg_error"] = f"{type(exc).__name__}: {exc}"
        if hasattr(fg, "to_html"):  # the one-file HTML report (benchmarks/report_open.py opens it)
            try:
                gc.collect()
                t0 = time.perf_counter()
                rows["html_bytes"] = len(fg.to_html().encode("utf-8"))
                rows["html"] = time.perf_counter() - t0
            except Exception as exc:  # noqa: BLE001 - reported in the table, not fatal
                rows["svg_error"] = f"html: {type(exc).__name__}: {exc}"
        del fg
    gc.collect()
    return rows


def help_seconds() -> float:
    script = Path(sys.executable).parent / "flowgraph"
    cmd = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "flowgraph",
                                                           "--help"]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


# -- fetching node jobs from a slow local server ---------------------------------------------------
FETCH_NODES = 200
LATENCY = 0.050


def _fetch_jobs() -> dict[str, dict[str, Any]]:
    flow = [{"id": f"n{i}", "type": "model", "status": "success", "jobId": f"job_child{i}",
             "inputs": [{"name": "image", "type": "file",
                         "ref": {"node": f"n{i - 1}" if i else "workflow", "name": "image"}}]}
            for i in range(FETCH_NODES)]
    jobs = {"job_root": {"jobId": "job_root", "jobType": "workflow", "status": "success",
                         "metadata": {"flow": flow}}}
    for i in range(FETCH_NODES):
        jobs[f"job_child{i}"] = {
            "jobId": f"job_child{i}", "jobType": "flux", "status": "success",
            "createdAt": "2026-11-20T09:00:00.000Z",
            "statusHistory": [{"status": "pending", "date": "2026-11-20T09:00:00.000Z"},
                              {"status": "success", "date": "2026-11-20T09:00:04.000Z"}],
            "metadata": {"workflowJobId": "job_root"}}
    return jobs


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms
    disable_nagle_algorithm = True
    jobs: ClassVar[dict[str, dict[str, Any]]] = {}

    def do_GET(self) -> None:
        time.sleep(LATENCY)
        job_id = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        job = self.jobs.get(job_id)
        body = json.dumps({"job": job} if job else {"message": "not found"}).encode()
        self.send_response(200 if job else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def fetch_seconds() -> tuple[float | None, str]:
    """get_bundle of a job with 200 node jobs from a local server with 50 ms per request."""
    from flowgraph.api import Client
    from flowgraph.api.endpoints import get_bundle

    _Handler.jobs = _fetch_jobs()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.request_queue_size = 64
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/v1"
        best = float("inf")
        for _ in range(2):
            with Client("bench-key", "bench-secret", base_url=base, env={}) as client:
                start = time.perf_counter()
                bundle = get_bundle(client, "job_root", node_jobs=True)  # the default workers
                best = min(best, time.perf_counter() - start)
            if len(bundle["nodeJobs"]) != FETCH_NODES:
                return None, f"fetched {len(bundle['nodeJobs'])} node jobs, not {FETCH_NODES}"
        return best, f"{FETCH_NODES} node jobs, {LATENCY * 1000:.0f} ms each, default workers"
    finally:
        server.shutdown()
        server.server_close()


# -- many runs of one workflow (flowgraph history) -------------------------------------------------
def history_rows() -> list[tuple[str, bool | None, str]]:
    """Statistics over HISTORY_RUNS cached runs (each with its node jobs), the whole cached
    ``flowgraph.history`` call, and the fetch rate the limiter reaches against a server that
    enforces RATE_BUDGET requests per RATE_WINDOW (its own count)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests" / "history"))
    from historyserver import WORKFLOW, HistoryServer, make_runs

    from flowgraph.api import Client, JobCache
    from flowgraph.api._ratelimit import RateLimiter
    from flowgraph.api.runs import fetch_runs
    from flowgraph.runs import from_jobs, history
    from flowgraph.sources import job_from_data

    runs = make_runs(HISTORY_RUNS)
    rows: list[tuple[str, bool | None, str]] = []
    with HistoryServer(runs, page_size=100, slow=0.0) as srv, tempfile.TemporaryDirectory() as d:
        cache = JobCache(d)
        opts: dict[str, Any] = {"api_key": "bench", "api_secret": "bench", "base_url": srv.base,
                                "env": {}}
        with Client(**opts) as client:  # fill the cache: no limit on a local server
            fill = time.perf_counter()
            fetch_runs(client, WORKFLOW, node_jobs=True, cache=cache, workers=8)
            fill = time.perf_counter() - fill
        requests = len(srv.seen)
        jobs = [job_from_data({"job": r.job, "nodeJobs": r.node_jobs}) for r in runs]
        stats = best_of(3, lambda: from_jobs(WORKFLOW, jobs), paused=False)
        rows.append((f"history: statistics over {HISTORY_RUNS} fetched runs < "
                     f"{HISTORY_SECONDS:g} s", stats < HISTORY_SECONDS,
                     f"{fmt(stats)} (rows, critical path, structure hash per run; best of 3)"))
        start = time.perf_counter()
        h = history(WORKFLOW, since=None, node_jobs=True, cache=cache, rate_limit=None, **opts)
        whole = time.perf_counter() - start
        again = len(srv.seen) - requests
        rows.append((f"history: {HISTORY_RUNS} cached runs, whole call < {HISTORY_SECONDS:g} s",
                     whole < HISTORY_SECONDS,
                     f"{fmt(whole)} ({again} requests: {h.fetch.pages if h.fetch else '?'} pages "
                     f"+ the runs still going; the cache filled in {fmt(fill)}, "
                     f"{requests} requests)"))
    with HistoryServer(runs, page_size=100, slow=0.0, budget=RATE_BUDGET,
                       window=RATE_WINDOW) as srv:
        limiter = RateLimiter(RATE_BUDGET, RATE_WINDOW)
        with Client("bench", "bench", base_url=srv.base, env={}, rate_limit=limiter) as client:
            start = time.perf_counter()
            fetch_runs(client, WORKFLOW, limit=3 * RATE_BUDGET, workers=8)
            took = time.perf_counter() - start
        rate, limit = len(srv.seen) / took, RATE_BUDGET / RATE_WINDOW
        ok = srv.rejected() == 0 and srv.most_in_window() <= RATE_BUDGET
        rows.append((f"history: fetch rate within the server's {RATE_BUDGET}/{RATE_WINDOW:g} s",
                     ok, f"{len(srv.seen)} requests in {took:.2f} s ({rate:.1f}/s against "
                     f"{limit:g}/s: the first window's budget goes at once); the server "
                     f"saw at most {srv.most_in_window()} in any {RATE_WINDOW:g} s, "
                     f"{srv.rejected()} answered 429 (at the API's 100/min: "
                     f"{HISTORY_RUNS} runs with ~8 jobs each take ~{HISTORY_RUNS * 8 / 100:.0f} "
                     "min the first time)"))
    return rows


# -- report ---------------------------------------------------------------------------------------
ROWS = [
    ("json.loads (floor)", "json.loads"),
    ("json.loads, collector on", "json.loads gc on"),
    ("pipeline, collector on", "pipeline gc on"),
    ("flowgraph load", "load"),
    ("build", "build"),
    ("critical_path", "critical_path"),
    ("blocked", "blocked"),
    ("snapshot", "snapshot"),
    ("collapsed DOT (render.to_dot)", "dot"),
    ("pipeline: load+build+cp+blocked", "pipeline"),
    ("collector: one full pass, run loaded", "gc pass"),
    ("bundle: load+build+cp(duration)", "bundle"),
    ("bundle: critical_path(duration)", "bundle cp"),
    ("bundle: trace document", "trace"),
    ("bundle: what-if top 10", "what-if top"),
    ("SDK model_validate (peer)", "sdk"),
    ("SDK model_validate, collector on", "sdk gc on"),
    ("load of the decoded dicts", "dict"),
    ("path-tracking parser (dicts)", "parser"),
    ("ref: one dict lookup per node", "lookup"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="flow sizes in nodes, comma-separated (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="best of N (halved above 20k nodes, at least 2; default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    draw = draw_module()

    import networkx

    print(f"flowgraph {flowgraph.__version__} | Python {platform.python_version()} | "
          f"networkx {networkx.__version__} | {platform.machine()} {os.cpu_count()} CPUs | "
          f"{_cpu_name()}")
    check_typed_decoder(encode(make_run(1000, seed=1)))
    print("typed decoder == path-tracking parser on a 1k run: ok")
    results: dict[int, dict[str, Any]] = {}
    for n in sizes:
        repeat = args.repeat if n <= 20_000 else max(2, args.repeat // 2)
        sys.stderr.write(f"measuring {n} nodes (best of {repeat}) ...\n")
        results[n] = measure_size(n, repeat, draw)

    grow = 10_000 in results and 100_000 in results
    header = ["step"] + [f"{results[n]['nodes']} nodes ({results[n]['mb']:.0f} MB)"
                         for n in sizes]
    if grow:
        header.append("10k->100k")
    table = [header]
    for label, key in ROWS:
        line = [label]
        for n in sizes:
            r = results[n]
            if key == "dot" and draw is None:
                line.append("n/a")
            else:
                line.append(fmt(r.get(key)))
        if grow:
            a, b = results[10_000].get(key), results[100_000].get(key)
            line.append(f"{b / a:.1f}x" if a and b else "n/a")
        table.append(line)
    ratio_line = ["pipeline / json.loads"]
    sdk_line = ["SDK model_validate / pipeline"]
    sdk_on_line = ["... both with the collector on"]
    for n in sizes:
        r = results[n]
        ratio_line.append(f"{r['pipeline'] / r['json.loads']:.2f}x")
        sdk_line.append(f"{r['sdk'] / r['pipeline']:.1f}x" if r.get("sdk") else "n/a")
        sdk_on_line.append(f"{r['sdk gc on'] / r['pipeline gc on']:.1f}x" if r.get("sdk")
                           else "n/a")
    if grow:
        ratio_line.append("")
        sdk_line.append("")
        sdk_on_line.append("")
    table += [ratio_line, sdk_line, sdk_on_line]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w)
                        for j, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for n in sizes:
        for key in ("dot_error", "svg_error"):
            if key in results[n]:
                print(f"note: {n} nodes: {key[:3]} failed: {results[n][key]}")
    print("the two dict rows start from json.loads' dicts (the decoding not counted)")
    print("rows marked 'collector on' run as a program does by default; every other row with "
          "the cyclic garbage\ncollector paused (flowgraph pauses it itself while it loads and "
          "builds). 'collector' is what it costs\nonce per loaded run: a full pass over "
          "everything alive, wherever it happens to land")
    if 10_000 in results and 100_000 in results:
        a, b = results[10_000]["lookup"], results[100_000]["lookup"]
        print(f"memory: one dict lookup per node id costs {b / a:.1f}x for "
              f"{results[100_000]['nodes'] / results[10_000]['nodes']:.1f}x the nodes here "
              "(a 10k run stays in the CPU caches, a 100k run does not);\n"
              "tests/test_scaling.py checks the work itself is linear (lines of flowgraph run "
              "per node, counted)")
    print("\ntargets")
    verdicts: list[tuple[str, bool | None, str]] = []
    if 10_000 in results:
        r = results[10_000]
        ratio = r["pipeline"] / r["json.loads"]
        name = f"10k: load+build+critical_path+blocked <= {PIPELINE_VS_JSON:g}x json.loads"
        verdicts.append((name, ratio <= PIPELINE_VS_JSON,
                         f"{fmt(r['pipeline'])} = {ratio:.2f}x {fmt(r['json.loads'])}"))
    for n, limit in ((10_000, ON_VS_JSON_10K), (100_000, ON_VS_JSON_100K)):
        if n in results:  # both with the collector on, as a user's program runs
            r = results[n]
            ratio = r["pipeline gc on"] / r["json.loads gc on"]
            verdicts.append((f"{n // 1000}k, collector on: pipeline <= {limit:g}x json.loads",
                             ratio <= limit, f"{fmt(r['pipeline gc on'])} = {ratio:.2f}x "
                             f"{fmt(r['json.loads gc on'])}"))
    if 10_000 in results:
        r = results[10_000]
        ratio = r["what-if top"] / r["bundle cp"]
        verdicts.append((f"10k bundle: what-if top 10 <= {WHAT_IF_VS_CP:g}x critical_path",
                         ratio <= WHAT_IF_VS_CP,
                         f"{fmt(r['what-if top'])} = {ratio:.2f}x {fmt(r['bundle cp'])}"))
        if r.get("sdk"):
            # the issue's target: the SDK "with the collector on", as users run it; flowgraph's
            # pipeline the same way (it pauses the collector itself while it loads and builds)
            on = r["sdk gc on"] / r["pipeline gc on"]
            paused = r["sdk"] / r["pipeline"]
            verdicts.append((f"10k, collector on: pipeline >= {SDK_SPEEDUP:g}x faster than SDK "
                             "model_validate", on >= SDK_SPEEDUP,
                             f"{on:.1f}x ({fmt(r['sdk gc on'])} vs {fmt(r['pipeline gc on'])}; "
                             f"{paused:.1f}x with the collector paused for both, "
                             f"{fmt(r['sdk'])} vs {fmt(r['pipeline'])})"))
        else:
            verdicts.append(("10k: pipeline >= 5x faster than SDK model_validate", None,
                             "scenario-sdk not installed"))
    else:
        verdicts.append(("10k targets", None, "10000 not among --sizes"))
    if grow:
        grown = ("load", "build", "critical_path", "blocked", "snapshot", "dot", "pipeline")
        worst = max(((results[100_000][k] / results[10_000][k], label)
                     for label, k in ROWS if k in grown
                     if results[10_000].get(k) and results[100_000].get(k)))
        nodes = results[100_000]["nodes"] / results[10_000]["nodes"]
        floor = results[100_000]["json.loads"] / results[10_000]["json.loads"]
        pipe = results[100_000]["pipeline"] / results[100_000]["json.loads"]
        verdicts.append((f"100k: load+build+critical_path+blocked <= {PIPELINE_VS_JSON:g}x "
                         "json.loads", pipe <= PIPELINE_VS_JSON, f"{pipe:.2f}x"))
        # the issue's fair form: a step may grow at most 1.1x as much as json.loads itself does
        verdicts.append((f"10k->100k: every step grows <= {GROWTH_VS_JSON:g}x json.loads' growth",
                         worst[0] <= GROWTH_VS_JSON * floor,
                         f"worst {worst[0]:.1f}x ({worst[1]}) = {worst[0] / floor:.2f}x "
                         f"json.loads' {floor:.1f}x; {nodes:.2f}x nodes"))
    else:
        verdicts.append(("10k->100k growth", None, "needs sizes 10000 and 100000"))
    svg = results.get(10_000, {}).get("svg")
    verdicts.append((f"10k: collapsed SVG < {SVG_SECONDS:g} s",
                     None if svg is None else svg < SVG_SECONDS,
                     fmt(svg) if svg is not None else
                     results.get(10_000, {}).get("svg_error", "no 10k run")))
    html = results.get(10_000, {}).get("html")
    verdicts.append((f"10k: HTML report (fg.to_html) < {HTML_SECONDS:g} s",
                     None if html is None else html < HTML_SECONDS,
                     "no 10k run" if html is None else
                     f"{fmt(html)}, {results[10_000]['html_bytes'] / 1e6:.1f} MB"))
    helps = help_seconds()
    verdicts.append((f"flowgraph --help < {HELP_SECONDS:g} s", helps < HELP_SECONDS,
                     f"{fmt(helps)} (best of 5, subprocess)"))
    try:
        fetched, how = fetch_seconds()
    except Exception as exc:  # noqa: BLE001 - another engineer's client: report, do not crash
        fetched, how = None, f"failed: {type(exc).__name__}: {exc}"
    verdicts.append((f"fetch 200 node jobs, 50 ms latency < {FETCH_SECONDS:g} s",
                     None if fetched is None else fetched < FETCH_SECONDS,
                     f"{fmt(fetched)} ({how})" if fetched is not None else how))
    try:
        verdicts += history_rows()
    except Exception as exc:  # noqa: BLE001 - report, do not crash the other rows
        verdicts.append(("history", None, f"failed: {type(exc).__name__}: {exc}"))
    whole = [n for n in sizes if n in (10_000, 100_000)]  # whole processes (process.py)
    if whole:
        import process

        verdicts += process.verdicts(process.measure(whole, min(3, args.repeat)))
    width = max(len(v[0]) for v in verdicts)
    for name, ok, detail in verdicts:
        word = "n/a " if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {word}  {name.ljust(width)}  {detail}")
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


if __name__ == "__main__":
    sys.exit(main())
