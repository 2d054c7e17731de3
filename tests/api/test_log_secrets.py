"""No credential in any log record (issue 13, item 15), flowgraph's or urllib3's, with DEBUG
logging turned on for everything: same-origin redirects whose Location carries the key, the
secret or the JWT (query, path, userinfo, percent-encoded), on success and on errors. And ids or
settings that cannot be encoded fail before any request with one clean line."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from apiserver import (
    BASIC,
    JWT,
    KEY,
    SECRET,
    ApiServer,
    Reply,
    Sleeps,
    exception_texts,
    iter_chain,
    job,
    job_reply,
    secret_leaks,
)

import flowgraph.api
from flowgraph.api import Client
from flowgraph.api.endpoints import get_bundle, get_workflow
from flowgraph.errors import (
    ApiError,
    ApiTimeoutError,
    ConfigurationError,
    FlowgraphError,
    ServerError,
    SourceError,
)

JOB_PATH = "/v1/jobs/job_1"


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer() as srv:
        yield srv


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """DEBUG for every logger, the way an application turns it on globally."""
    caplog.set_level(logging.DEBUG)
    return caplog


def make_client(base: str, **kw: Any) -> Client:
    kw.setdefault("timeout", (1.0, 1.0))
    return Client(KEY, SECRET, jwt=JWT, base_url=base, env={}, sleep=Sleeps(), **kw)


def fetch(client: Client) -> dict[str, Any]:
    return client.get_json("/jobs/job_1", what="job 'job_1'")


def record_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), str(record.args), record.exc_text or ""]
    return texts


def assert_clean_logs(caplog: pytest.LogCaptureFixture, *extra: str) -> None:
    for text in record_texts(caplog):
        assert not secret_leaks(text, *extra), text


def assert_clean_error(err: BaseException, *extra: str) -> None:
    assert list(iter_chain(err)) == [err]
    for text in exception_texts(err) + traceback.format_exception(err):
        assert not secret_leaks(text, *extra), text


def moved(server: ApiServer, where: str) -> tuple[str, str]:
    """A Location carrying the credentials, and the path the server will see for it."""
    if where == "query":
        return f"/v1/jobs/moved?api_key={KEY}&api_secret={SECRET}&jwt={JWT}", "/v1/jobs/moved"
    if where == "encoded-query":
        return f"/v1/jobs/moved?auth={KEY}%3A{SECRET}&basic={BASIC}", "/v1/jobs/moved"
    if where == "path":
        return f"/v1/jobs/{SECRET}/{JWT}", f"/v1/jobs/{SECRET}/{JWT}"
    return f"http://{KEY}:{SECRET}@127.0.0.1:{server.port}/v1/jobs/moved", "/v1/jobs/moved"


WHERE = ["query", "encoded-query", "path", "userinfo"]


@pytest.mark.parametrize("where", WHERE)
def test_a_redirect_carrying_credentials_is_followed_and_logged_redacted(
    server: ApiServer, debug_logs: pytest.LogCaptureFixture, where: str
) -> None:
    location, path = moved(server, where)
    server.route(JOB_PATH, Reply(302, headers={"Location": location}))
    server.route(path, job_reply("job_1"))
    assert fetch(make_client(server.base))["job"]["jobId"] == "job_1"
    assert [r.path for r in server.requests] == [JOB_PATH, path]
    assert server.requests[1].headers["authorization"] == f"Basic {BASIC}"
    # urllib3 did log both request lines (the filter masks, it does not drop)
    lines = [r.getMessage() for r in debug_logs.records if r.name == "urllib3.connectionpool"]
    assert sum('"GET /v1/jobs/' in line for line in lines) == 2, lines
    assert any("following to" in r.getMessage() for r in debug_logs.records)
    assert_clean_logs(debug_logs)


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize(
    "failure",
    [Reply(500, {"message": "down"}), Reply(drop=True), Reply(hang=True)],
    ids=["500", "dropped", "timeout"],
)
def test_a_redirect_carrying_credentials_to_a_failing_target_leaks_nowhere(
    server: ApiServer, debug_logs: pytest.LogCaptureFixture, where: str, failure: Reply
) -> None:
    location, path = moved(server, where)
    server.route(JOB_PATH, Reply(307, headers={"Location": location}))
    server.route(path, failure)
    client = make_client(server.base, timeout=(0.3, 0.3), max_retries=1)
    with pytest.raises(ApiError) as info:
        fetch(client)
    if failure.hang:
        assert isinstance(info.value, ApiTimeoutError)
    assert info.value.attempts == 2
    assert_clean_error(info.value)
    assert any("retrying" in r.getMessage() for r in debug_logs.records)
    assert_clean_logs(debug_logs)


def test_a_secret_that_needs_percent_encoding_is_masked_in_every_form(
    server: ApiServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    secret = "s3/cr+t=&?x y"
    encoded = "s3%2Fcr%2Bt%3D%26%3Fx%20y"
    server.route(JOB_PATH, Reply(302, headers={"Location": f"/v1/jobs/{encoded}?s={encoded}"}))
    server.route(f"/v1/jobs/{encoded}", Reply(500, {"message": "no"}))
    client = Client("APIKEY0001", secret, base_url=server.base, env={}, sleep=Sleeps())
    with pytest.raises(ServerError) as info:
        client.get_json("/jobs/job_1")
    assert_clean_error(info.value, secret, "APIKEY0001")
    lines = [r.getMessage() for r in debug_logs.records if r.name == "urllib3.connectionpool"]
    assert any('"GET /v1/jobs/***?s=*** ' in line for line in lines), lines
    assert_clean_logs(debug_logs, secret, "APIKEY0001")


def test_handlers_on_urllib3s_own_logger_get_masked_records(server: ApiServer) -> None:
    seen: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger("urllib3")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        location, path = moved(server, "query")
        server.route(JOB_PATH, Reply(302, headers={"Location": location}))
        server.route(path, job_reply("job_1"))
        fetch(make_client(server.base))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert len(seen) >= 2
    for record in seen:
        assert not secret_leaks(record.getMessage()), record.getMessage()


def test_a_dropped_filter_comes_back_with_the_next_client(
    server: ApiServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logging.getLogger(name).filters.clear()  # as a logging reconfiguration might
    location, path = moved(server, "query")
    server.route(JOB_PATH, Reply(302, headers={"Location": location}))
    server.route(path, job_reply("job_1"))
    fetch(make_client(server.base))
    assert_clean_logs(debug_logs)


# -- ids and settings that cannot be encoded ----------------------------------------------------


def _calls(client: Client) -> dict[str, Any]:
    return {
        "fetch": lambda: flowgraph.api.fetch("job_\ud800", client=client),
        "fetch-node-jobs": lambda: flowgraph.api.fetch("job_\udcff", client=client, node_jobs=True),
        "get_bundle": lambda: get_bundle(client, "job_\ud800x"),
        "get_workflow": lambda: get_workflow(client, "wflow_\udfff"),
        "watch": lambda: next(flowgraph.api.watch("job_\ud800", client=client)),
        "fetch_workflow": lambda: flowgraph.api.fetch_workflow("wflow_\ud800", client=client),
        "get_json": lambda: client.get_json("/jobs/x", {"view": "\ud800"}),
    }


@pytest.mark.parametrize(
    "name",
    [
        "fetch",
        "fetch-node-jobs",
        "get_bundle",
        "get_workflow",
        "watch",
        "fetch_workflow",
        "get_json",
    ],
)
def test_ids_with_lone_surrogates_fail_in_one_line_before_any_request(
    server: ApiServer, name: str
) -> None:
    with pytest.raises(FlowgraphError) as info:
        _calls(make_client(server.base))[name]()
    err = info.value
    text = str(err)
    assert isinstance(err, ConfigurationError), repr(err)
    assert "lone surrogate" in text and "\n" not in text and "UnicodeEncodeError" not in text
    assert "\\u" in text  # the id is shown escaped, printable
    assert err.__context__ is None and err.__cause__ is None
    text.encode("utf-8")  # the message itself prints anywhere
    assert server.connections == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"project_id": "proj_\ud800"},
        {"api_key": "K\ud800"},
        {"jwt": "J\u20ac", "api_key": None, "api_secret": None},
        {"base_url": "http://127.0.0.1:9/v\ud800"},
    ],
    ids=["project-id", "key", "non-ascii-jwt", "base-url"],
)
def test_settings_that_cannot_be_sent_are_configuration_errors(kwargs: dict[str, Any]) -> None:
    settings: dict[str, Any] = {"api_key": KEY, "api_secret": SECRET, "env": {}, **kwargs}
    with pytest.raises(ConfigurationError) as info:
        Client(**settings)
    assert "\n" not in str(info.value) and info.value.__context__ is None
    assert not secret_leaks(str(info.value), "K\ud800", "J\u20ac")


def test_a_child_id_with_a_lone_surrogate_is_not_loaded(server: ApiServer) -> None:
    flow = [{"id": "n1", "type": "model", "jobId": "child_\ud800"}]
    server.route(JOB_PATH, Reply(body={"job": job("job_1", flow=flow)}))
    bundle = get_bundle(make_client(server.base), "job_1")
    assert "lone surrogate" in bundle["notLoaded"]["child_\ud800"]
    assert server.paths() == [JOB_PATH]


def test_open_source_with_a_lone_surrogate_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        flowgraph.api.open_source("job_\ud800")
    assert "lone surrogate" in str(info.value) and info.value.__context__ is None
    str(info.value).encode("utf-8")
