"""A job id on the command line, against a real HTTP server on 127.0.0.1 standing in for the
API: analysis, a saved bundle that loads back offline, a watch that ends by itself, and the
official SDK's response object giving the same snapshot as flowgraph's own fetch."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import flowgraph
from flowgraph.cli import main
from tests.apiserver import KEY, SECRET, ApiServer, Reply, point_env_at, secret_leaks
from tests.conftest import example

BUNDLE = json.loads(example("timed-bundle.json").read_text())
PARKED = json.loads(example("approval-parked.json").read_text())
JOB_ID = BUNDLE["job"]["jobId"]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ApiServer]:
    with ApiServer() as server:
        point_env_at(server, monkeypatch, tmp_path / "cache")
        server.route(f"/v1/jobs/{JOB_ID}", Reply(body={"job": BUNDLE["job"]}))
        for child_id, child in BUNDLE["nodeJobs"].items():
            server.route(f"/v1/jobs/{child_id}", Reply(body=child))
        yield server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    for text in (out, err):
        assert secret_leaks(text) == []
    return code, out, err


def test_job_id_gives_the_analysis(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "critical-path", JOB_ID, "--node-jobs", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["weight"], data["nodes"], data["total"]) == (
        "duration", ["prompt", "gen", "approve", "upscale", "remove-bg"], 133.5)
    assert sorted(api.paths()) == sorted(
        [f"/v1/jobs/{JOB_ID}"] + [f"/v1/jobs/{c}" for c in BUNDLE["nodeJobs"]])


def test_project_id_is_sent(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "summary", JOB_ID, "--project-id", "proj_42", "--no-cache")
    assert api.requests[0].query == {"projectId": ["proj_42"]}


def test_bundle_saved_and_loaded_back_offline(api: ApiServer, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    code, _, _ = run(capsys, "fetch", JOB_ID, "--node-jobs", "-o", str(target))
    assert code == 0
    saved = json.loads(target.read_text())
    assert sorted(saved["nodeJobs"]) == sorted(BUNDLE["nodeJobs"])
    offline = flowgraph.graph(target)
    online = flowgraph.graph(BUNDLE)
    assert offline.snapshot(statuses=True) == online.snapshot(statuses=True)
    assert offline.critical_path().total == online.critical_path().total == 133.5


def test_node_job_that_fails_to_load_leaves_the_graph_usable(
        api: ApiServer, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    api.route("/v1/jobs/job_tg", Reply(404, {"message": "gone"}))
    target = tmp_path / "bundle.json"
    code, _, err = run(capsys, "fetch", JOB_ID, "--node-jobs", "-o", str(target))
    assert code == 0 and "1 node job(s) could not be loaded" in err
    fg = flowgraph.graph(target)
    assert list(fg.job.not_loaded) == ["job_tg"]
    cp = fg.critical_path()
    assert "gen" in cp.unknown and fg.summary().not_loaded == 1


def _states(status: str, **nodes: str) -> dict[str, Any]:
    """The parked example's job with ``status`` and some node statuses changed."""
    job = json.loads(json.dumps(PARKED["job"]))
    job["status"] = status
    for node in job["metadata"]["flow"]:
        node["status"] = nodes.get(node["id"], node["status"])
    return job


RUNNING = _states("in-progress", gen="processing")


def test_watch_ends_by_itself_on_success(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    done = _states("success", gen="success", approve="success", upscale="success",
                   **{"remove-bg": "success"})
    job_id = RUNNING["jobId"]
    api.route(f"/v1/jobs/{job_id}", Reply(body={"job": RUNNING}), Reply(body={"job": RUNNING}),
              Reply(body={"job": done}))
    code, out, _ = run(capsys, "watch", job_id, "--interval", "0", "--exit-status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"watching {job_id} (Ctrl-C to stop)"
    assert lines[1] == f"job {job_id}  workflow wflow_product_shots"  # the one screen first
    assert out.count("change(s)") == 1  # then only changes: the second poll changed nothing
    assert [x[9:] for x in lines if x.endswith("change(s)")] == ["success 40%, 4 change(s)"]
    assert "  approve: pending -> success" in out
    assert "job success" in lines and "nothing is blocked" in lines
    assert "critical path (hops)" in out
    assert len(api.requests) == 3


def test_watch_ends_on_failure_with_exit_status_1(
        api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    failed = _states("failure", gen="failure")
    job_id = RUNNING["jobId"]
    api.route(f"/v1/jobs/{job_id}", Reply(body={"job": RUNNING}), Reply(body={"job": failed}))
    code, out, _ = run(capsys, "watch", job_id, "--interval", "0", "--exit-status")
    assert code == 1
    assert "  gen: processing -> failure" in out and "job failure" in out
    code, _, _ = run(capsys, "watch", job_id, "--interval", "0", "--no-cache")
    assert code == 0  # without --exit-status a watch that ends is a success


def test_watch_stops_at_a_parked_gate_with_the_resume_call(
        api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    job_id = RUNNING["jobId"]
    parked = _states("in-progress")
    api.route(f"/v1/jobs/{job_id}", Reply(body={"job": RUNNING}), Reply(body={"job": parked}),
              Reply(body={"job": RUNNING}))
    code, out, _ = run(capsys, "watch", job_id, "--interval", "0", "--exit-status")
    assert code == 1
    assert len(api.requests) == 2  # it ended by itself: no third poll
    assert "  gen: processing -> success" in out
    assert "job in-progress: stopped at a gate that waits for a person" in out
    assert "gate approve: resume it with:" in out
    assert '"nodeId": "approve", "workflowJobId": "job_r3Vq8ApprovalParked"' in out


def test_watch_and_fetch_refuse_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("approval-parked.json"))
    for argv in (["watch", path], ["fetch", path, "-o", "-"]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err == (f"flowgraph {argv[0]}: error: flowgraph {argv[0]} needs a job id, not a "
                       f"file: {path!r} is already saved (flowgraph show {path!r} reads it)\n")


def test_api_errors_are_one_line(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    api.route("/v1/jobs/job_missing", Reply(404, {"message": "not found"}))
    code, out, err = run(capsys, "blocked", "job_missing", "--no-cache")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "job_missing" in err and "404" in err


def test_missing_credentials_name_the_variables(
        api: ApiServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SCENARIO_SDK_API_KEY")
    monkeypatch.delenv("SCENARIO_SDK_API_SECRET")
    code, _, err = run(capsys, "blocked", JOB_ID)
    assert code == 2 and "SCENARIO_SDK_API_KEY" in err and "SCENARIO_SDK_JWT" in err
    assert api.requests == []


def test_sdk_response_matches_flowgraph_fetch(api: ApiServer) -> None:
    from scenario_sdk import Scenario

    sdk = Scenario(api_key=KEY, api_secret=SECRET, base_url=api.base, max_retries=0)
    response: Any = sdk.jobs.retrieve(JOB_ID)
    ours = flowgraph.fetch(JOB_ID, base_url=api.base)
    assert flowgraph.graph(response).snapshot(statuses=True) == flowgraph.graph(ours).snapshot(statuses=True)


def test_fetch_names_the_node_jobs_that_did_not_load(
        api: ApiServer, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    api.route("/v1/jobs/job_tg", Reply(404, {"message": "gone"}))
    code, _, err = run(capsys, "fetch", JOB_ID, "--node-jobs", "-o", str(tmp_path / "b.json"))
    assert code == 0
    assert err.startswith("1 node job(s) could not be loaded (gen (job_tg: ")
    assert err.endswith("); the graph is usable without their timings and cost\n")


def test_timeout_bounds_the_whole_request(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    api.route(f"/v1/jobs/{JOB_ID}", Reply(body={"job": BUNDLE["job"]}, delay=4))
    started = time.monotonic()
    code, out, err = run(capsys, "blocked", JOB_ID, "--no-cache", "--timeout", "0.5")
    assert time.monotonic() - started < 3
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "0.5 s deadline" in err
    started = time.monotonic()
    code, _, err = run(capsys, "watch", JOB_ID, "--timeout", "0.5", "--interval", "0")
    assert time.monotonic() - started < 3 and code == 2 and "0.5 s deadline" in err


def test_watch_on_a_terminal_redraws_a_progress_line(
        api: ApiServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    failed = _states("failure", gen="failure")
    job_id = RUNNING["jobId"]
    api.route(f"/v1/jobs/{job_id}", Reply(body={"job": RUNNING}), Reply(body={"job": failed}))
    code, out, _ = run(capsys, "watch", job_id, "--interval", "0", "--exit-status")
    assert code == 1
    assert out.count("\r\x1b[K") == 4  # before and after each poll's text
    assert "in-progress [########------------] 40%  1 ok / 1 running / 3 pending" in out
    assert "failure [########------------] 40%  1 ok / 1 failed / 3 pending" in out
