"""Per-node statistics over runs, checked against numbers computed by hand on three runs, the
structure versions, the rows files (CSV, JSON lines, Parquet read back by DuckDB with the
README's query) and the chart."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.runs import COLUMNS, from_jobs, write_rows

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def bundle(n: int, elapsed: float, nodes: list[tuple[Any, ...]], extra: bool = False,
           status: str = "success") -> dict[str, Any]:
    """Run ``n``: a -> b, a -> loop L (body t, copies t-0 and t-1); ``nodes`` are
    (id, status, queue, run, cost, error). ``extra`` adds a node c (another structure)."""
    start = T0 + timedelta(days=n)
    flow: list[dict[str, Any]] = []
    jobs: dict[str, Any] = {}
    shape = {
        "a": {"type": "model", "inputs": []},
        "b": {"type": "model", "inputs": [{"name": "image", "ref": {"node": "a", "name": "image"}}]},
        "L": {"type": "for-each", "loopBodyNodeIds": ["t"],
              "inputs": [{"name": "array", "ref": {"node": "a", "name": "all"}}]},
        "t": {"type": "model", "inputs": [{"name": "image", "ref": {"node": "L", "name": "item"}}]},
        "c": {"type": "model", "inputs": [{"name": "image", "ref": {"node": "b", "name": "image"}}]},
    }
    flow.append({"id": "L", "status": status, **shape["L"]})
    flow.append({"id": "t", "status": "skipped", **shape["t"]})
    for node_id, state, queue, run, cost, error in nodes:
        base = node_id.split("-")[0]
        node = {"id": node_id, "status": state, **shape[base]}
        if "-" in node_id:
            node.update(loopNodeId="L", iterationIndex=int(node_id.split("-")[1]))
        if queue is not None:
            job_id = f"job_{n}_{node_id}"
            node["jobId"] = job_id
            created = start + timedelta(seconds=1)
            history = [{"status": "queued", "date": iso(created)},
                       {"status": "in-progress", "date": iso(created + timedelta(seconds=queue))},
                       {"status": state, "date": iso(created + timedelta(seconds=queue + run))}]
            jobs[job_id] = {"jobId": job_id, "status": state, "createdAt": iso(created),
                            "statusHistory": history, "billing": {"cuCost": cost},
                            "metadata": {"error": error} if error else {}}
        flow.append(node)
    if extra:
        flow.append({"id": "c", "status": "success", **shape["c"]})
    end = start + timedelta(seconds=elapsed)
    job = {"jobId": f"job_run{n}", "jobType": "workflow", "status": status, "createdAt": iso(start),
           "statusHistory": [{"status": "pending", "date": iso(start)},
                             {"status": status, "date": iso(end)}],
           "metadata": {"workflowId": "wflow_hand", "flow": flow}}
    return {"job": job, "nodeJobs": jobs}


RUN1 = bundle(1, 40, [("a", "success", 1, 10, 2, None), ("b", "success", 2, 20, 3, None),
                      ("t-0", "success", 1, 5, 1, None), ("t-1", "success", 1, 7, 1, None)])
RUN2 = bundle(2, 50, [("a", "success", 3, 30, 2, None), ("b", "failure", 2, 4, 3, "OOM"),
                      ("t-0", "success", 1, 6, 1, None), ("t-1", "failure", 1, 2, 1, "Timeout")],
              status="failure")
RUN3 = bundle(3, 45, [("a", "success", 1, 20, 2, None), ("b", "skipped", None, None, None, None),
                      ("t-0", "success", 1, 5, 1, None), ("t-1", "success", 1, 9, 1, None)])
HAND = [RUN1, RUN2, RUN3]


def hand_history(*extra: dict[str, Any], **kw: Any) -> flowgraph.runs.History:
    # given newest first: the history sorts its runs by creation
    return from_jobs("wflow_hand", [flowgraph.load(b) for b in reversed([*HAND, *extra])], **kw)


def test_per_node_numbers_match_the_hand_computed_ones() -> None:
    data = hand_history().as_dict()
    assert data["workflow"] == "wflow_hand" and data["runs"] == 3
    nodes = data["nodes"]
    assert set(nodes) == {"L", "a", "b", "t"}
    # a: run 10, 30, 20 s; queue 1, 3, 1; 2 CU a run; always on the path (it starts everything)
    assert nodes["a"] == {
        "runs": 3, "failed": 0, "skipped": 0, "succeeded": 3, "failure_rate": 0.0,
        "skipped_rate": 0.0, "success_rate": 1.0, "p50_run": 20.0, "p95_run": 29.0,
        "p50_queue": 1.0, "p95_queue": 2.8, "cost": 6.0, "cost_median": 2.0,
        "critical_share": 1.0, "errors": []}
    # b: failed in run 2 (OOM), skipped in run 3; run 20, 4 s: p50 12, p95 4 + 16 * 0.95;
    # on the path in run 1 only (22 s against the loop's 8 s; run 2: 6 s against t-0's 7 s)
    b = nodes["b"]
    assert (b["runs"], b["failed"], b["skipped"], b["succeeded"]) == (3, 1, 1, 1)
    assert (b["failure_rate"], b["skipped_rate"]) == (0.3333, 0.3333)
    assert (b["p50_run"], b["p95_run"], b["p50_queue"]) == (12.0, 19.2, 2.0)
    assert (b["cost"], b["cost_median"], b["critical_share"]) == (6.0, 3.0, 0.3333)
    assert b["errors"] == [{"error": "OOM", "count": 1}]
    # t: the loop's copies under their template: run 5, 7, 6, 2, 5, 9 -> p50 5.5, p95 8.5;
    # a run's cost sums its two copies (2 CU); on the path in runs 2 and 3
    t = nodes["t"]
    assert (t["runs"], t["failed"], t["skipped"], t["succeeded"]) == (3, 1, 0, 2)
    assert (t["p50_run"], t["p95_run"], t["p50_queue"]) == (5.5, 8.5, 1.0)
    assert (t["cost"], t["cost_median"], t["critical_share"]) == (6.0, 2.0, 0.6667)
    assert t["errors"] == [{"error": "Timeout", "count": 1}]
    # per run: elapsed 40, 50, 45 s; run 2's causes ranked
    assert data["elapsed"] == {"p50": 45.0, "p95": 49.5, "max": 50.0}
    assert data["statuses"] == {"failure": 1, "success": 2}
    assert data["failure_causes"] == [{"node": "b", "error": "OOM", "runs": 1},
                                      {"node": "t", "error": "Timeout", "runs": 1}]
    assert not data["mixed_versions"] and data["versions"][0]["runs"] == 3


def test_structure_versions_are_told_apart_and_can_be_kept_one_at_a_time() -> None:
    run4 = bundle(4, 60, [("a", "success", 1, 10, 2, None), ("b", "success", 2, 20, 3, None),
                          ("t-0", "success", 1, 5, 1, None)], extra=True)
    h = hand_history(run4)
    versions = h.stats.as_dict()["versions"]
    assert h.stats.mixed and [v["runs"] for v in versions] == [3, 1]
    assert versions[0]["first"] == "2026-11-02T00:00:00.000Z"
    assert "structure versions: 2 (the statistics mix them" in h.text()
    latest = hand_history(run4, structure="latest")
    assert latest.stats.runs == 1 and "c" in latest.stats.nodes and not latest.stats.mixed
    assert sorted(latest.dropped) == ["job_run1", "job_run2", "job_run3"]
    older = hand_history(run4, structure=versions[0]["structure"][:6])
    assert older.stats.runs == 3 and "c" not in older.stats.nodes
    with pytest.raises(flowgraph.ConfigurationError, match="no run has structure 'ffff'"):
        hand_history(run4, structure="ffff")


def test_iteration_counts_do_not_make_a_new_version() -> None:
    one_copy = bundle(5, 30, [("a", "success", 1, 10, 2, None), ("b", "success", 2, 20, 3, None),
                              ("t-0", "success", 1, 5, 1, None)])
    assert not hand_history(one_copy).stats.mixed


def test_table_names_every_node_and_the_causes() -> None:
    text = hand_history().text()
    assert text.splitlines()[0] == "workflow wflow_hand: 3 runs, 2026-11-02 to 2026-11-04: 2 success, 1 failure"
    row = next(line for line in text.splitlines() if line.startswith("b "))
    assert row.split() == ["b", "3", "33%", "33%", "12.0s", "19.2s", "2.0s", "3", "/", "6", "33%", "OOM", "(1)"]
    assert "   1  t: Timeout" in text


def test_without_node_jobs_the_table_says_what_is_missing() -> None:
    bare = [flowgraph.load({"job": b["job"]}) for b in HAND]
    h = from_jobs("wflow_hand", bare)
    assert h.stats.nodes["a"].p50_run is None and h.stats.nodes["a"].critical_share is None
    assert "need --node-jobs" in h.text()


def _rows_by_node(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["node"], []).append(r)
    return out


def test_rows_files_csv_and_jsonl(tmp_path: Path) -> None:
    h = hand_history()
    write_rows(str(tmp_path / "rows.csv"), h.rows())
    write_rows(str(tmp_path / "rows.jsonl"), h.rows())
    with open(tmp_path / "rows.csv", newline="") as handle:
        table = list(csv.DictReader(handle))
    lines = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert list(table[0]) == list(COLUMNS) and list(lines[0]) == list(COLUMNS)
    assert len(table) == len(lines) == 15  # L, a, b, t-0, t-1 (not the template t) x 3 runs
    t1 = next(r for r in lines if r["run_id"] == "job_run2" and r["node"] == "t-1")
    assert t1 == {"run_id": "job_run2", "created": "2026-11-03T00:00:00.000Z", "run_status": "failure",
                  "structure": h.runs[0].structure, "workflow_version": None, "node": "t-1",
                  "template": "t", "iteration": 1, "status": "failure", "queued_s": 1.0, "run_s": 2.0,
                  "cost": 1.0, "on_critical_path": False, "error": "Timeout"}
    c1 = next(r for r in table if r["run_id"] == "job_run2" and r["node"] == "t-1")
    assert (c1["iteration"], c1["on_critical_path"], c1["workflow_version"], c1["run_s"]) == ("1", "false", "", "2.0")


def readme_query() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## History"):]
    return re.search(r"```sql\n(.*?)```", section, re.S)[1]


def duckdb_stats(path: Path) -> dict[str, dict[str, Any]]:
    duckdb = pytest.importorskip("duckdb")
    query = readme_query().replace("'rows.parquet'", f"'{path}'")
    result = duckdb.sql(query)
    names = [d[0] for d in result.description]
    return {row[0]: dict(zip(names, row)) for row in result.fetchall()}


def assert_same_numbers(stats: dict[str, Any], sql: dict[str, dict[str, Any]]) -> None:
    assert set(sql) == set(stats["nodes"])
    for node, mine in stats["nodes"].items():
        theirs = sql[node]
        for key in ("runs", "failed", "skipped"):
            assert theirs[key] == mine[key], (node, key)
        for key in ("failure_rate", "p50_run", "p95_run", "p50_queue", "cost", "cost_median",
                    "critical_share"):
            if mine[key] is None:
                assert theirs[key] is None, (node, key)
            else:
                assert theirs[key] == pytest.approx(mine[key], abs=1e-3), (node, key)


def test_parquet_read_back_by_duckdb_with_the_readme_query(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    h = hand_history()
    path = tmp_path / "rows.parquet"
    write_rows(str(path), h.rows())
    assert_same_numbers(h.as_dict(), duckdb_stats(path))


def test_parquet_without_pyarrow_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(flowgraph.ConfigurationError, match=r"pip install 'flowgraph\[history\]'"):
        write_rows(str(tmp_path / "rows.parquet"), hand_history().rows())
    assert not (tmp_path / "rows.parquet").exists()


def test_chart_marks_failures_and_escapes_ids() -> None:
    evil = bundle(9, 20, [("a", "success", 1, 10, 2, None), ("b", "success", 2, 5, 3, None),
                          ("t-0", "success", 1, 5, 1, None), ("t-1", "success", 1, 7, 1, None)])
    evil["job"]["jobId"] = "job_<script>alert(1)</script>"
    svg = hand_history(evil).chart()
    assert svg.count("stroke=\"#c62828\"") == 1  # run 2 failed: one red cross
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<circle") == 3 and "p50 42.5s" in svg
