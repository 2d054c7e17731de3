"""``flowgraph show --history``: one run against its workflow's latest runs, from the local
server of ``historyserver.py``: a slow node, an unusual failure, a live run's time left."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from historyserver import HistoryServer, make_runs

from apiserver import point_env_at, secret_leaks
from flowgraph.cli import main

RUNS = make_runs(220)


@pytest.fixture(scope="module")
def server() -> Iterator[HistoryServer]:
    with HistoryServer(RUNS, slow=0.0) as srv:
        yield srv


@pytest.fixture
def env(server: HistoryServer, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> HistoryServer:
    point_env_at(server, monkeypatch, tmp_path_factory.getbasetemp() / "show-cache")  # type: ignore[arg-type]
    monkeypatch.setenv("FLOWGRAPH_RATE_LIMIT", "5000/1")
    return server


def show(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["show", *argv, "--node-jobs", "--history"])
    out, err = capsys.readouterr()
    assert secret_leaks(out + err) == [] and "Traceback" not in err
    return code, out


def test_a_node_over_twice_its_p50_is_marked(env: HistoryServer, capsys: pytest.CaptureFixture[str]) -> None:
    # the latest 100 runs (120..219): gen ran 20..24 s, 2x as long from run 200 on: p50 23 s;
    # run 209's gen took (20 + 4) * 2 = 48 s
    code, out = show(capsys, "job_run0209")
    assert code == 0
    assert "history: 100 runs of wflow_history" in out
    assert "  slower than usual: gen 48.0s (2.1x its p50 23.0s)" in out
    assert "failed where" not in out and "remaining" not in out  # it succeeded, it is over


def test_a_failure_where_the_node_usually_succeeds(env: HistoryServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = show(capsys, "job_run0207", "--json")
    data = json.loads(out)["history"]
    # upscale failed in 9 of the 100 runs (127 ... 207; 217 is parked before it)
    assert {"node": "upscale", "template": "upscale", "kind": "failed", "failure_rate": 0.09,
            "runs": 100} in data["unusual"]
    assert data["remaining"] is None


def test_a_live_run_gets_the_time_it_has_left(env: HistoryServer, capsys: pytest.CaptureFixture[str]) -> None:
    # run 219 is parked at approve; left: upscale (p50 2 + 13 = 15 s: 10 + i % 7, queued 2 s)
    # then remove-bg (1 + 3 s): 19 s, the gate not counted
    code, out = show(capsys, "job_run0219")
    assert "  remaining: about 19.0s (upscale, remove-bg, each at its p50); approve waits for a person: not counted" in out


def test_history_needs_the_workflow_id(env: HistoryServer, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = dict(RUNS[5].job, metadata={"flow": RUNS[5].job["metadata"]["flow"]})
    path = tmp_path / "run.json"
    path.write_text(json.dumps(run))
    code = main(["show", str(path), "--history"])
    _, err = capsys.readouterr()
    assert code == 2 and err == "flowgraph show: error: --history needs the run's workflow id (metadata.workflowId)\n"
