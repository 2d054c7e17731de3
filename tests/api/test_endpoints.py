"""flowgraph.api.endpoints against a real local server: jobs, bundles, sub-workflows, watching
(reliability.md 7, 16, 17, 21 and the bundle contract)."""

from __future__ import annotations

import collections
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from apiserver import JWT, KEY, SECRET, ApiServer, Reply, Sleeps, job, job_reply, secret_leaks

from flowgraph import vocab
from flowgraph.api import Client
from flowgraph.api.cache import is_finished
from flowgraph.api.endpoints import (
    get_bundle,
    get_job,
    get_workflow,
    iter_job_updates,
)
from flowgraph.errors import (
    ApiTimeoutError,
    ConfigurationError,
    NotFoundError,
    PayloadError,
    ServerError,
)


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer() as srv:
        yield srv


def make_client(server: ApiServer, sleeps: Sleeps | None = None, **kw: Any) -> Client:
    kw.setdefault("timeout", (1.0, 2.0))
    return Client(
        KEY,
        SECRET,
        JWT,
        base_url=server.base,
        env={},
        sleep=sleeps if sleeps is not None else Sleeps(),
        **kw,
    )


def node(
    node_id: str, job_id: str | None = None, type_: str = "model", **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": node_id, "type": type_, "status": "success", **extra}
    if job_id is not None:
        data["jobId"] = job_id
    return data


def serve_jobs(server: ApiServer, *jobs: dict[str, Any], delay: float = 0.0) -> None:
    for item in jobs:
        server.route(f"/v1/jobs/{item['jobId']}", Reply(body={"job": item}, delay=delay))


# -- get_job / get_workflow ---------------------------------------------------------------------


def test_get_job_returns_the_job_object_with_project_id(server: ApiServer) -> None:
    serve_jobs(server, job("job_1"))
    client = Client(KEY, SECRET, base_url=server.base, project_id="proj_1", env={})
    assert get_job(client, "job_1") == job("job_1")
    assert server.requests[0].query == {"projectId": ["proj_1"]}


@pytest.mark.parametrize(
    ("job_id", "path"),
    [
        ("a/b", "/v1/jobs/a%2Fb"),
        ("../../x", "/v1/jobs/..%2F..%2Fx"),
        ("a b?c#d", "/v1/jobs/a%20b%3Fc%23d"),
    ],
)
def test_job_ids_are_quoted_into_one_path_segment(
    server: ApiServer, job_id: str, path: str
) -> None:
    server.script(job_reply(job_id))
    assert get_job(make_client(server), job_id)["jobId"] == job_id
    assert server.paths() == [path]


@pytest.mark.parametrize("job_id", ["", "   ", None, 12, ".", ".."])
def test_bad_job_ids_are_refused_before_any_request(server: ApiServer, job_id: Any) -> None:
    with pytest.raises(ConfigurationError, match="job id"):
        get_job(make_client(server), job_id)
    assert server.requests == []


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"jobs": []}, "job"),
        ({"job": None}, "job"),
        ({"job": []}, "job"),
        ({"job": {"status": "success"}}, "job.jobId"),
        ({"job": {"jobId": ""}}, "job.jobId"),
    ],
)
def test_missing_envelope_or_job_id_names_the_path(
    server: ApiServer, body: dict[str, Any], path: str
) -> None:
    server.script(Reply(body=body))
    with pytest.raises(PayloadError) as info:
        get_job(make_client(server), "job_1")
    assert info.value.path == path and str(info.value).startswith(f"{path}: ")
    assert "'job_1'" in str(info.value)


def test_404_names_the_job_id_after_one_attempt(server: ApiServer) -> None:
    server.route("/v1/jobs/job_missing", Reply(404, {"message": "Job not found"}))
    with pytest.raises(NotFoundError) as info:
        get_job(make_client(server), "job_missing")
    assert "job 'job_missing' was not found" in str(info.value) and info.value.attempts == 1


def test_get_workflow_returns_the_envelope_as_received(server: ApiServer) -> None:
    body = {"workflow": {"id": "wflow_1", "flow": [{"id": "a"}], "extra": True}, "other": 1}
    server.route("/v1/workflows/wflow_1", Reply(body=body))
    assert get_workflow(make_client(server), "wflow_1") == body
    server.route("/v1/workflows/wflow_2", Reply(body={"workflow": "nope"}))
    with pytest.raises(PayloadError) as info:
        get_workflow(make_client(server), "wflow_2")
    assert info.value.path == "workflow"


# -- get_bundle ---------------------------------------------------------------------------------


def test_bundle_loads_each_child_once_and_skips_odd_nodes(server: ApiServer) -> None:
    flow = [
        node("a", "job_a"),
        7,
        None,
        "x",
        node("b"),
        {"jobId": None},
        node("c", "job_c"),
        node("a2", "job_a"),
    ]
    serve_jobs(server, job("root", flow=flow), job("job_a", jobType="image"), job("job_c"))
    bundle = get_bundle(make_client(server), "root")
    assert bundle == {
        "job": job("root", flow=flow),
        "nodeJobs": {"job_a": job("job_a", jobType="image"), "job_c": job("job_c")},
        "notLoaded": {},
    }
    assert sorted(server.paths()) == ["/v1/jobs/job_a", "/v1/jobs/job_c", "/v1/jobs/root"]


@pytest.mark.parametrize(
    "root",
    [
        {"jobId": "root"},
        {"jobId": "root", "metadata": None},
        {"jobId": "root", "metadata": {"flow": None}},
        {"jobId": "root", "metadata": {"flow": {}}},
        {"jobId": "root", "metadata": []},
    ],
    ids=["no-metadata", "null-metadata", "null-flow", "flow-object", "metadata-list"],
)
def test_bundle_tolerates_missing_or_null_flow(server: ApiServer, root: dict[str, Any]) -> None:
    serve_jobs(server, root)
    assert get_bundle(make_client(server), "root") == {"job": root, "nodeJobs": {}, "notLoaded": {}}
    assert len(server.requests) == 1


def test_node_jobs_false_fetches_only_the_root(server: ApiServer) -> None:
    serve_jobs(server, job("root", flow=[node("a", "job_a")]))
    bundle = get_bundle(make_client(server), "root", node_jobs=False)
    assert bundle["nodeJobs"] == {} and server.paths() == ["/v1/jobs/root"]


def test_a_failing_child_is_not_loaded_and_the_rest_go_on(server: ApiServer) -> None:
    sleeps = Sleeps()
    flow = [node("a", "job_a"), node("b", "job_gone"), node("c", "job_broken"), node("d", "job_d")]
    serve_jobs(server, job("root", flow=flow), job("job_a"), job("job_d"))
    server.route("/v1/jobs/job_gone", Reply(404, {"message": "Job not found"}))
    server.route("/v1/jobs/job_broken", Reply(500, {"message": "kaput"}))
    bundle = get_bundle(make_client(server, sleeps), "root")
    assert set(bundle["nodeJobs"]) == {"job_a", "job_d"}
    gone, broken = bundle["notLoaded"]["job_gone"], bundle["notLoaded"]["job_broken"]
    assert "job 'job_gone' was not found (HTTP 404" in gone and "\n" not in gone
    assert "HTTP 500" in broken and "kaput" in broken and "3 attempts" in broken
    assert collections.Counter(server.paths())["/v1/jobs/job_broken"] == 3 and len(sleeps) == 2
    assert not any(secret_leaks(text) for text in bundle["notLoaded"].values())


def test_child_payload_errors_are_not_loaded(server: ApiServer) -> None:
    serve_jobs(server, job("root", flow=[node("a", "job_a")]))
    server.route("/v1/jobs/job_a", Reply(body={"nope": 1}))
    bundle = get_bundle(make_client(server), "root")
    assert bundle["notLoaded"] == {
        "job_a": "job: the answer for job 'job_a' has no job object (missing)"
    }


def test_root_errors_are_raised(server: ApiServer) -> None:
    server.route("/v1/jobs/root", Reply(404))
    with pytest.raises(NotFoundError, match="job 'root'"):
        get_bundle(make_client(server), "root")


def test_twenty_children_with_twenty_workers_stay_within_pool_and_workers(
    server: ApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    children = [job(f"job_{i:02d}") for i in range(20)]
    root = job("root", flow=[node(f"n{i}", c["jobId"]) for i, c in enumerate(children)])
    serve_jobs(server, root, *children, delay=0.05)
    progress: list[tuple[int, int]] = []
    client = make_client(server, pool_size=32)
    bundle = get_bundle(
        client, "root", max_workers=20, progress=lambda d, t: progress.append((d, t))
    )
    assert len(bundle["nodeJobs"]) == 20 and bundle["notLoaded"] == {}
    assert 2 <= server.max_in_flight <= 20 + 1  # +1: the root answer may still be closing
    assert not [r for r in caplog.records if "pool" in r.getMessage().lower()]
    assert [d for d, _ in progress] == list(range(1, 21)) and {t for _, t in progress} == {20}
    assert collections.Counter(server.paths()).most_common(1)[0][1] == 1
    assert server.connections <= 21


@pytest.mark.parametrize(("workers", "pool"), [(4, 16), (20, 6)])
def test_in_flight_never_exceeds_workers_nor_the_pool(
    server: ApiServer, caplog: pytest.LogCaptureFixture, workers: int, pool: int
) -> None:
    caplog.set_level(logging.WARNING)
    children = [job(f"job_{i:02d}") for i in range(20)]
    serve_jobs(
        server, job("root", flow=[node(f"n{i}", c["jobId"]) for i, c in enumerate(children)])
    )
    serve_jobs(server, *children, delay=0.03)
    get_bundle(make_client(server, pool_size=pool), "root", max_workers=workers)
    assert 2 <= server.max_in_flight <= min(workers, pool)
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


def _nested_server(server: ApiServer) -> None:
    # root -> w1 (sub-workflow) -> w2 (sub-workflow) -> leaf; w2 also points back at w1 and root
    serve_jobs(
        server,
        job("root", flow=[node("sub", "w1", "workflow"), node("m", "job_m")]),
        job("w1", flow=[node("inner", "w2", "workflow"), node("x", "job_x")]),
        job(
            "w2",
            flow=[
                node("leaf", "job_leaf"),
                node("back", "w1", "workflow"),
                node("top", "root", "workflow"),
            ],
        ),
        job("job_m"),
        job("job_x"),
        job("job_leaf"),
    )


def test_sub_workflows_load_as_nested_bundles_with_a_loop_guard(server: ApiServer) -> None:
    _nested_server(server)
    progress: list[tuple[int, int]] = []
    bundle = get_bundle(make_client(server), "root", progress=lambda d, t: progress.append((d, t)))
    w1 = bundle["nodeJobs"]["w1"]
    assert set(bundle["nodeJobs"]) == {"w1", "job_m"} and bundle["nodeJobs"]["job_m"] == job(
        "job_m"
    )
    assert set(w1) == {"job", "nodeJobs", "notLoaded"} and w1["job"]["jobId"] == "w1"
    w2 = w1["nodeJobs"]["w2"]
    assert set(w1["nodeJobs"]) == {"w2", "job_x"} and w2["nodeJobs"] == {
        "job_leaf": job("job_leaf")
    }
    assert set(w2["notLoaded"]) == {"w1", "root"}
    assert "already on this chain (root -> w1 -> w2)" in w2["notLoaded"]["w1"]
    assert collections.Counter(server.paths()).most_common(1)[0][1] == 1
    assert progress[-1] == (5, 5)


def test_the_depth_limit_stops_nesting_and_says_why(server: ApiServer) -> None:
    _nested_server(server)
    bundle = get_bundle(make_client(server), "root", depth=1)
    w1 = bundle["nodeJobs"]["w1"]
    w2 = w1["nodeJobs"]["w2"]
    assert w2["nodeJobs"] == {} and set(w2["notLoaded"]) == {"job_leaf", "w1", "root"}
    assert "depth limit (1)" in w2["notLoaded"]["job_leaf"]
    assert "/v1/jobs/job_leaf" not in server.paths()
    flat = get_bundle(make_client(server), "root", depth=0)
    assert flat["nodeJobs"]["w1"]["nodeJobs"] == {}
    assert set(flat["nodeJobs"]["w1"]["notLoaded"]) == {"w2", "job_x"}


def test_a_job_listing_itself_is_not_loaded_again(server: ApiServer) -> None:
    serve_jobs(server, job("root", flow=[node("self", "root", "workflow")]))
    bundle = get_bundle(make_client(server), "root")
    assert bundle["nodeJobs"] == {} and "a loop" in bundle["notLoaded"]["root"]
    assert server.paths() == ["/v1/jobs/root"]


def test_a_workflow_child_from_a_non_workflow_node_stays_a_plain_job(server: ApiServer) -> None:
    serve_jobs(
        server, job("root", flow=[node("m", "w1", "model")]), job("w1", flow=[node("x", "job_x")])
    )
    bundle = get_bundle(make_client(server), "root")
    assert bundle["nodeJobs"] == {"w1": job("w1", flow=[node("x", "job_x")])}


def test_a_progress_callback_error_propagates(server: ApiServer) -> None:
    serve_jobs(server, job("root", flow=[node("a", "job_a")]), job("job_a"))

    def progress(_done: int, _total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        get_bundle(make_client(server), "root", progress=progress)


# -- iter_job_updates ---------------------------------------------------------------------------


def _polls(*states: tuple[str, dict[str, str]]) -> list[Reply]:
    return [
        job_reply("job_1", status, [{"id": k, "status": v} for k, v in nodes.items()])
        for status, nodes in states
    ]


def test_watch_yields_changes_until_a_terminal_status(server: ApiServer) -> None:
    server.route(
        "/v1/jobs/job_1",
        *_polls(
            ("queued", {"b": "pending", "a": "pending"}),
            ("in-progress", {"a": "processing", "b": "pending"}),
            ("paused", {"a": "processing", "b": "pending"}),
            ("in-progress", {"a": "success", "b": "processing", "c": "pending"}),
            ("success", {"a": "success", "b": "success"}),
        ),
    )
    sleeps = Sleeps()
    seen = list(iter_job_updates(make_client(server), "job_1", interval=1.5, sleep=sleeps))
    assert [j["status"] for j, _ in seen] == [
        "queued",
        "in-progress",
        "paused",
        "in-progress",
        "success",
    ]
    assert [changes for _, changes in seen] == [
        [("a", None, "pending"), ("b", None, "pending")],
        [("a", "pending", "processing")],
        [],
        [("a", "processing", "success"), ("b", "pending", "processing"), ("c", None, "pending")],
        [("b", "processing", "success"), ("c", "pending", None)],
    ]
    assert sleeps == [1.5] * 4 and len(server.requests) == 5


def test_watch_stops_after_max_polls_and_lets_keyboard_interrupt_through(server: ApiServer) -> None:
    server.script(job_reply("job_1", "paused"))
    assert (
        len(list(iter_job_updates(make_client(server), "job_1", sleep=Sleeps(), max_polls=3))) == 3
    )

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    updates = iter_job_updates(make_client(server), "job_1", sleep=interrupted)
    next(updates)
    with pytest.raises(KeyboardInterrupt):
        next(updates)


def test_watch_raises_api_errors(server: ApiServer) -> None:
    server.route("/v1/jobs/job_1", job_reply("job_1", "in-progress"), Reply(hang=True))
    client = make_client(server, timeout=(0.2, 0.2), max_retries=0)
    with pytest.raises(ApiTimeoutError):
        list(iter_job_updates(client, "job_1", sleep=Sleeps()))
    server.route("/v1/jobs/job_2", Reply(503))
    with pytest.raises(ServerError):
        next(iter_job_updates(make_client(server), "job_2", sleep=Sleeps()))


def test_terminal_statuses() -> None:
    assert {"success", "failure", "canceled"} == vocab.TERMINAL_JOB_STATUSES
    assert not is_finished({"status": "paused"}) and is_finished({"status": "canceled"})
    assert all(is_finished({"status": s}) for s in vocab.TERMINAL_JOB_STATUSES)
    assert not any(is_finished({"status": s}) for s in (None, 3, ["success"], {"a": 1}))
