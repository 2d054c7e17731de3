"""flowgraph.api.is_job_id and open_source against a real local server: a command line's SOURCE
is a job id, a ``wflow_`` workflow id, or something flowgraph.sources.load reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver import ApiServer, Reply, job, job_reply, point_env_at

from flowgraph.api import Client, JobCache, fetch, is_job_id, open_source, watch
from flowgraph.errors import ConfigurationError, NotFoundError, SourceError

FLOW = [
    {"id": "gen", "type": "model", "status": "success", "jobId": "job_gen"},
    {"id": "up", "type": "model", "status": "success", "jobId": "job_up"},
]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ApiServer]:
    """The server, with credentials, base URL and cache folder in the SDK's variables."""
    with ApiServer() as server:
        point_env_at(server, monkeypatch, tmp_path / "cache")
        server.route("/v1/jobs/job_1", job_reply("job_1", flow=FLOW))
        server.route("/v1/jobs/job_gen", job_reply("job_gen", flow=None))
        server.route("/v1/jobs/job_up", job_reply("job_up", flow=None))
        yield server


def cached(tmp_path: Path) -> list[str]:
    folder = tmp_path / "cache"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- is_job_id ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("job_1", True),
        ("wflow_7", True),
        ("a-b_C9", True),
        ("7", True),
        ("_job", False),
        ("-", False),
        ("", False),
        ("a/b", False),
        ("job 1", False),
        ("job_1\n", False),
        ("run.json", False),
        ("job_1.json", False),
        ('{"job": {}}', False),
    ],
)
def test_is_job_id(source: str, expected: bool) -> None:
    assert is_job_id(source) is expected


def test_an_existing_path_is_not_a_job_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert is_job_id("job_1")
    (tmp_path / "job_1").write_text("{}")
    assert not is_job_id("job_1")


# -- open_source: files and text ----------------------------------------------------------------


def test_a_file_or_json_text_is_loaded_without_the_network(
    api: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"job": job("job_file", flow=FLOW)}))
    assert open_source(str(path)).job_id == "job_file"
    assert open_source(json.dumps(job("job_text"))).job_id == "job_text"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "job_1").write_text(json.dumps(job("job_local")))
    assert open_source("job_1").job_id == "job_local"  # a file named like an id wins
    assert api.requests == [] and cached(tmp_path) == []


def test_a_missing_file_is_a_source_error(api: ApiServer) -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_source("missing/run.json")
    assert api.requests == []


# -- open_source: job ids -----------------------------------------------------------------------


def test_a_job_id_is_fetched_and_cached_in_the_default_folder(
    api: ApiServer, tmp_path: Path
) -> None:
    first = open_source("job_1")
    assert (first.job_id, [n.id for n in first.flow], first.node_jobs) == (
        "job_1",
        ["gen", "up"],
        {},
    )
    assert api.paths() == ["/v1/jobs/job_1"] and len(cached(tmp_path)) == 1
    assert open_source("job_1").job_id == "job_1"
    assert api.paths() == ["/v1/jobs/job_1"]  # the second time from the cache


@pytest.mark.parametrize("cache", [None, False])
def test_cache_none_or_false_always_fetches_and_writes_nothing(
    api: ApiServer, tmp_path: Path, cache: bool | None
) -> None:
    open_source("job_1", cache=cache)
    open_source("job_1", cache=cache)
    assert api.paths() == ["/v1/jobs/job_1"] * 2 and cached(tmp_path) == []


@pytest.mark.usefixtures("api")
def test_a_given_cache_is_used(tmp_path: Path) -> None:
    mine = JobCache(tmp_path / "mine")
    open_source("job_1", cache=mine)
    assert mine.get("job_1") is not None and cached(tmp_path) == []


def test_node_jobs_are_fetched_with_progress(api: ApiServer) -> None:
    progress: list[tuple[int, int]] = []
    got = open_source(
        "job_1", node_jobs=True, cache=None, progress=lambda d, t: progress.append((d, t))
    )
    assert sorted(got.node_jobs) == ["job_gen", "job_up"] and got.not_loaded == {}
    assert progress == [(1, 2), (2, 2)]
    assert sorted(api.paths()) == ["/v1/jobs/job_1", "/v1/jobs/job_gen", "/v1/jobs/job_up"]


def test_a_workflow_id_is_fetched_as_a_definition_never_cached(
    api: ApiServer, tmp_path: Path
) -> None:
    api.route("/v1/workflows/wflow_1", Reply(body={"workflow": {"id": "wflow_1", "flow": FLOW}}))
    got = open_source("wflow_1", node_jobs=True)
    assert got.definition and got.job_id == "wflow_1" and [n.id for n in got.flow] == ["gen", "up"]
    assert api.paths() == ["/v1/workflows/wflow_1"] and cached(tmp_path) == []


def test_client_options_reach_the_client_and_none_means_the_default(api: ApiServer) -> None:
    open_source("job_1", cache=None, project_id="proj_42", base_url=None)
    open_source("job_1", cache=None, project_id=None, base_url=api.base)
    assert [r.query for r in api.requests] == [{"projectId": ["proj_42"]}, {}]


def test_api_errors_and_missing_credentials_are_raised(
    api: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.route("/v1/jobs/job_missing", Reply(404, {"message": "not found"}))
    with pytest.raises(NotFoundError, match="job 'job_missing'"):
        open_source("job_missing", cache=None)
    count = len(api.requests)
    monkeypatch.delenv("SCENARIO_SDK_API_KEY")
    with pytest.raises(ConfigurationError, match="SCENARIO_SDK_API_KEY"):
        open_source("job_1")
    assert len(api.requests) == count


# -- a caller's client is theirs ---------------------------------------------------------------


def test_a_given_client_stays_open_and_keeps_its_connection(api: ApiServer) -> None:
    with Client(env={"SCENARIO_SDK_JWT": "t", "SCENARIO_BASE_URL": api.base}) as client:
        fetch("job_1", client=client)
        assert [j.status for j, _ in watch("job_1", client=client, interval=0)] == ["success"]
        assert open_source("job_1", client=client, cache=None).job_id == "job_1"
    assert len(api.requests) == 3 and api.connections == 1
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer t"}
