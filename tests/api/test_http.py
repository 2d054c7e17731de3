"""flowgraph.api.Client against a real local server: reliability.md Transport, HTTP statuses,
Payloads 19, 20, 25 and Secrets 43-45."""

from __future__ import annotations

import base64
import email.utils
import logging
import shutil
import ssl
import subprocess
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from apiserver import (
    BASIC,
    JWT,
    KEY,
    SECRET,
    ApiServer,
    Reply,
    Sleeps,
    closed_port_url,
    exception_texts,
    iter_chain,
    job_reply,
    secret_leaks,
)

from flowgraph.api import Client
from flowgraph.errors import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ResponseTooLargeError,
    ServerError,
    UnprocessableEntityError,
)

ENV_NAMES = ("SCENARIO_SDK_API_KEY", "SCENARIO_SDK_API_SECRET", "SCENARIO_SDK_JWT")
JOB_PATH = "/v1/jobs/job_1"
FIRST_BACKOFF = (0.375, 0.5)  # 0.5 s minus up to 25 % jitter
SECOND_BACKOFF = (0.75, 1.0)


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_client(base: str, sleeps: Sleeps | None = None, **kw: Any) -> Client:
    kw.setdefault("timeout", (1.0, 2.0))
    return Client(
        KEY, SECRET, base_url=base, env={}, sleep=sleeps if sleeps is not None else Sleeps(), **kw
    )


def fetch(client: Client) -> dict[str, Any]:
    return client.get_json("/jobs/job_1", what="job 'job_1'")


def in_range(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def assert_clean(exc: BaseException) -> None:
    for text in exception_texts(exc) + traceback.format_exception(exc):
        assert not secret_leaks(text), text


# -- Transport ----------------------------------------------------------------------------------


def test_closed_port_is_retried_then_a_connection_error_naming_the_host(sleeps: Sleeps) -> None:
    base = closed_port_url()
    client = make_client(base, sleeps)
    with pytest.raises(ApiConnectionError) as info:
        fetch(client)
    err = info.value
    assert type(err) is ApiConnectionError
    assert err.attempts == 3 and err.status is None
    port = base.split(":")[2].split("/")[0]
    assert f"127.0.0.1:{port}" in str(err) and "Connection refused" in str(err)
    assert "3 attempts" in str(err)
    assert (
        len(sleeps) == 2
        and in_range(sleeps[0], FIRST_BACKOFF)
        and in_range(sleeps[1], SECOND_BACKOFF)
    )
    assert err.__cause__ is None and err.__context__ is None
    assert_clean(err)


def test_server_that_never_answers_times_out_in_time_and_is_retried_once(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.script(Reply(hang=True))
    client = make_client(server.base, sleeps, timeout=(0.3, 0.3), max_retries=1)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as info:
        fetch(client)
    elapsed = time.monotonic() - started
    assert 0.55 < elapsed < 2.0
    assert info.value.attempts == 2 and len(server.requests) == 2 and len(sleeps) == 1
    assert "timed out waiting for the answer" in str(info.value)
    assert_clean(info.value)


def test_headers_then_a_stalled_body_is_a_timeout_retried_then_success(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(
        JOB_PATH,
        Reply(body={"job": {"jobId": "job_1", "pad": "x" * 100}}, send=10, stall=3),
        job_reply("job_1"),
    )
    client = make_client(server.base, sleeps, timeout=(0.3, 0.3))
    started = time.monotonic()
    assert fetch(client)["job"]["jobId"] == "job_1"
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_a_stalled_body_every_time_ends_as_timeout_error(server: ApiServer, sleeps: Sleeps) -> None:
    server.route(JOB_PATH, Reply(body={"job": {"jobId": "job_1"}}, send=5, stall=3))
    client = make_client(server.base, sleeps, timeout=(0.3, 0.3))
    with pytest.raises(ApiTimeoutError) as info:
        fetch(client)
    assert info.value.attempts == 3 and "stalled" in str(info.value)
    assert_clean(info.value)


def test_a_server_dripping_bytes_cannot_outlast_the_read_timeout(server: ApiServer) -> None:
    # requests' read timeout is per socket read: one byte every 50 ms would never trip it.
    server.route(JOB_PATH, Reply(body={"job": {"jobId": "job_1", "pad": "x" * 500}}, drip=0.05))
    client = make_client(server.base, timeout=(0.3, 0.3), max_retries=0)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as info:
        fetch(client)
    assert time.monotonic() - started < 1.0
    assert "took longer than 0.3 s" in str(info.value) and info.value.attempts == 1


def test_the_overall_deadline_bounds_a_dripping_body(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(body={"job": {"jobId": "job_1", "pad": "x" * 500}}, drip=0.05))
    client = make_client(server.base, timeout=(5.0, 5.0), deadline=0.4, max_retries=2)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError):
        fetch(client)
    assert time.monotonic() - started < 1.2


def test_the_deadline_stops_retries_whose_wait_would_pass_it(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(503, {"message": "busy"}, headers={"Retry-After": "1"}))
    client = make_client(server.base, sleeps, deadline=0.5)
    with pytest.raises(ServerError) as info:
        fetch(client)
    assert info.value.attempts == 1 and sleeps == []
    assert "0.5 s deadline" in str(info.value)


@pytest.mark.parametrize(
    "bad",
    [Reply(body=b'{"job": {"jobId": "job_1"}}', content_length=100, close=True), Reply(drop=True)],
    ids=["content-length-100-then-close", "close-before-answering"],
)
def test_truncated_body_or_hang_up_is_retried_then_success(
    server: ApiServer, sleeps: Sleeps, bad: Reply
) -> None:
    server.route(JOB_PATH, bad, job_reply("job_1"))
    assert fetch(make_client(server.base, sleeps))["job"]["jobId"] == "job_1"
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_truncated_body_every_time_names_the_byte_counts(server: ApiServer, sleeps: Sleeps) -> None:
    server.route(JOB_PATH, Reply(body=b"x" * 8, content_length=100, close=True))
    with pytest.raises(ApiConnectionError) as info:
        fetch(make_client(server.base, sleeps))
    assert info.value.attempts == 3
    assert "8 bytes read, 92 more expected" in str(info.value)


def _self_signed(tmp: Path) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_self_signed_https_fails_once_with_certificate_verify_failed(
    tmp_path: Path, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with ApiServer(tls=_self_signed(tmp_path)) as tls_server:
        tls_server.script(job_reply("job_1"))
        client = make_client(tls_server.base, sleeps)
        with pytest.raises(ApiConnectionError) as info:
            fetch(client)
    assert info.value.attempts == 1 and sleeps == []
    assert "certificate verify failed" in str(info.value)
    assert tls_server.requests == []  # the handshake failed: nothing was sent in clear or at all
    assert_clean(info.value)


def test_every_request_carries_a_connect_and_read_timeout(
    server: ApiServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    original = requests.adapters.HTTPAdapter.send

    def spy(self: Any, request: Any, **kw: Any) -> Any:
        seen.append(kw.get("timeout"))
        return original(self, request, **kw)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    server.route(JOB_PATH, Reply(500), Reply(302, headers={"Location": "/v1/jobs/moved"}))
    server.route("/v1/jobs/moved", job_reply("job_1"))
    fetch(make_client(server.base, sleeps, timeout=(1.5, 2.5)))
    assert seen == [(1.5, 2.5)] * 3
    seen.clear()
    fetch(make_client(server.base, sleeps, deadline=30))
    assert len(seen) == 2 and all(c <= 1.0 and r <= 2.0 for c, r in seen)


def test_the_connection_pool_is_sized_for_the_workers(server: ApiServer) -> None:
    client = make_client(server.base, pool_size=24)
    adapter = client._session.get_adapter(server.base)
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    assert adapter._pool_maxsize == 24


def test_a_100mb_content_length_is_refused_before_reading(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(body=b"{" * 1000, content_length=100 * 1024 * 1024, stall=5))
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError) as info:
        fetch(make_client(server.base, sleeps, timeout=(1.0, 3.0)))
    assert time.monotonic() - started < 1.0
    assert info.value.attempts == 1 and info.value.status == 200 and sleeps == []
    assert "104857600 bytes" in str(info.value) and "max_bytes" in str(info.value)


def test_a_body_without_length_is_cut_off_at_max_bytes(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(body=b'{"pad": "' + b"x" * 50_000 + b'"}', content_length=-1))
    with pytest.raises(ResponseTooLargeError) as info:
        fetch(make_client(server.base, max_bytes=10_000))
    assert "10000 byte limit" in str(info.value)


def test_connections_are_kept_alive_between_calls(server: ApiServer) -> None:
    server.script(job_reply("job_1"))
    client = make_client(server.base)
    for _ in range(3):
        fetch(client)
    assert len(server.requests) == 3 and server.connections == 1


# -- HTTP statuses ------------------------------------------------------------------------------


def test_429_with_retry_after_twice_then_200(server: ApiServer, sleeps: Sleeps) -> None:
    limited = Reply(429, {"message": "slow down"}, headers={"Retry-After": "1"})
    server.route(JOB_PATH, limited, limited, job_reply("job_1"))
    assert fetch(make_client(server.base, sleeps))["job"]["jobId"] == "job_1"
    assert len(server.requests) == 3 and sleeps == [1.0, 1.0]


def test_429_with_retries_off_is_a_rate_limit_error_after_one_attempt(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(429, {"message": "slow down"}, headers={"Retry-After": "1"}))
    with pytest.raises(RateLimitError) as info:
        fetch(make_client(server.base, sleeps, max_retries=0))
    assert info.value.status == 429 and info.value.attempts == 1 and sleeps == []
    assert "slow down" in str(info.value) and len(server.requests) == 1


def test_retry_after_ms_and_http_date(server: ApiServer, sleeps: Sleeps) -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server.route(
        JOB_PATH,
        Reply(503, headers={"retry-after-ms": "200"}),
        Reply(503, headers={"Retry-After": when}),
        job_reply("job_1"),
    )
    fetch(make_client(server.base, sleeps))
    assert sleeps[0] == pytest.approx(0.2)
    assert 0.9 < sleeps[1] <= 2.05


@pytest.mark.parametrize("value", ["120", "0", "-5", "soon"])
def test_unreasonable_retry_after_falls_back_to_backoff(
    server: ApiServer, sleeps: Sleeps, value: str
) -> None:
    server.route(JOB_PATH, Reply(503, headers={"Retry-After": value}), job_reply("job_1"))
    fetch(make_client(server.base, sleeps))
    assert len(sleeps) == 1 and in_range(sleeps[0], FIRST_BACKOFF)


def test_500_three_times_is_a_server_error_with_status_and_attempts(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(500, {"message": "boom"}, headers={"x-request-id": "req_500"}))
    with pytest.raises(ServerError) as info:
        fetch(make_client(server.base, sleeps))
    err = info.value
    assert (err.status, err.attempts, err.request_id) == (500, 3, "req_500")
    assert "HTTP 500" in str(err) and "boom" in str(err) and "3 attempts" in str(err)
    assert (
        len(sleeps) == 2
        and in_range(sleeps[0], FIRST_BACKOFF)
        and in_range(sleeps[1], SECOND_BACKOFF)
    )


def test_502_503_then_200_gives_the_job_after_three_attempts(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(502), Reply(503), job_reply("job_1"))
    assert fetch(make_client(server.base, sleeps))["job"]["jobId"] == "job_1"
    assert len(server.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("status", [408, 409])
def test_408_and_409_are_retried(server: ApiServer, sleeps: Sleeps, status: int) -> None:
    server.route(JOB_PATH, Reply(status), job_reply("job_1"))
    assert fetch(make_client(server.base, sleeps))["job"]["jobId"] == "job_1"
    assert len(server.requests) == 2


def test_409_every_time_is_a_conflict_error(server: ApiServer, sleeps: Sleeps) -> None:
    server.route(JOB_PATH, Reply(409, {"error": "locked"}))
    with pytest.raises(ConflictError) as info:
        fetch(make_client(server.base, sleeps))
    assert info.value.attempts == 3 and "locked" in str(info.value)


def test_x_should_retry_overrides_the_status_rule(server: ApiServer, sleeps: Sleeps) -> None:
    server.route(JOB_PATH, Reply(400, headers={"x-should-retry": "true"}), job_reply("job_1"))
    fetch(make_client(server.base, sleeps))
    assert len(server.requests) == 2
    server.route(JOB_PATH, Reply(503, {"message": "no"}, headers={"x-should-retry": "false"}))
    with pytest.raises(ServerError) as info:
        fetch(make_client(server.base, sleeps))
    assert info.value.attempts == 1


def test_401_names_status_message_request_id_and_variables_without_secrets(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(
        JOB_PATH, Reply(401, {"message": "bad creds"}, headers={"x-request-id": "req_abc"})
    )
    with pytest.raises(AuthenticationError) as info:
        fetch(make_client(server.base, sleeps))
    err = info.value
    text = str(err)
    assert err.attempts == 1 and err.status == 401 and err.request_id == "req_abc" and sleeps == []
    for part in ("401", "bad creds", "req_abc", *ENV_NAMES):
        assert part in text
    assert_clean(err)


@pytest.mark.parametrize(
    ("status", "kind", "hint"),
    [
        (403, PermissionDeniedError, "permission denied"),
        (404, NotFoundError, "job 'job_1' was not found"),
        (422, UnprocessableEntityError, "HTTP 422"),
    ],
)
def test_403_404_422_are_not_retried(
    server: ApiServer, sleeps: Sleeps, status: int, kind: type[ApiError], hint: str
) -> None:
    server.route(JOB_PATH, Reply(status, {"message": "nope"}))
    with pytest.raises(kind) as info:
        fetch(make_client(server.base, sleeps))
    assert info.value.attempts == 1 and info.value.status == status and sleeps == []
    assert hint in str(info.value) and "nope" in str(info.value) and len(server.requests) == 1


def test_403_hint_names_the_variables(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(403, {"message": "nope"}))
    with pytest.raises(PermissionDeniedError) as info:
        fetch(make_client(server.base))
    assert all(name in str(info.value) for name in ENV_NAMES)


def test_502_html_page_is_stripped_and_cut(server: ApiServer, sleeps: Sleeps) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>h1{color:red}</style>"
        "<script>var x = 1;</script></head><body><h1>Bad&nbsp;Gateway</h1><p>"
        + "The upstream server is unwell. " * 40
        + "</p></body></html>"
    )
    server.route(JOB_PATH, Reply(502, page, headers={"Content-Type": "text/html"}))
    with pytest.raises(ServerError) as info:
        fetch(make_client(server.base, sleeps))
    err = info.value
    text = str(err)
    assert err.attempts == 3 and err.status == 502
    assert "502 Bad Gateway Bad Gateway The upstream server is unwell." in text
    assert "<" not in text and "color:red" not in text and "var x" not in text
    detail = text.split("HTTP 502: ", 1)[1].rsplit(" [", 1)[0]
    assert 250 <= len(detail) <= 300 and detail.endswith("...")
    assert err.__context__ is None and "Expecting value" not in text


def test_redirect_on_the_same_origin_is_followed_with_credentials(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(307, headers={"Location": "/v1/jobs/moved"}))
    server.route("/v1/jobs/moved", job_reply("job_1"))
    assert fetch(make_client(server.base))["job"]["jobId"] == "job_1"
    assert [r.headers["authorization"] for r in server.requests] == [f"Basic {BASIC}"] * 2


def test_too_many_same_origin_redirects_is_an_error(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(302, headers={"Location": JOB_PATH}))
    with pytest.raises(ApiStatusError) as info:
        fetch(make_client(server.base))
    assert "more than 3 redirects" in str(info.value) and len(server.requests) == 4


# -- Payloads -----------------------------------------------------------------------------------


def test_truncated_json_is_a_decode_error_with_status_type_and_snippet(
    server: ApiServer, sleeps: Sleeps
) -> None:
    server.route(JOB_PATH, Reply(body=b'{"job": ', headers={"Content-Type": "application/json"}))
    with pytest.raises(ResponseDecodeError) as info:
        fetch(make_client(server.base, sleeps))
    text = str(info.value)
    assert info.value.status == 200 and "HTTP 200" in text
    assert "'application/json'" in text and """'{"job":'""" in text
    assert sleeps == [] and info.value.__context__ is None


@pytest.mark.parametrize(
    "reply",
    [Reply(200, b"", headers={"Content-Type": "application/json"}), Reply(204)],
    ids=["200-empty", "204"],
)
def test_an_empty_answer_is_a_decode_error(server: ApiServer, reply: Reply) -> None:
    server.route(JOB_PATH, reply)
    with pytest.raises(ResponseDecodeError) as info:
        fetch(make_client(server.base))
    assert "empty body" in str(info.value) and info.value.status == reply.status


def test_an_html_200_is_a_decode_error_naming_the_content_type(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(200, "<html>login</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(ResponseDecodeError) as info:
        fetch(make_client(server.base))
    assert "'text/html'" in str(info.value) and "<html>login</html>" in str(info.value)


def test_a_json_array_is_a_decode_error(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(body=[1, 2]))
    with pytest.raises(ResponseDecodeError, match="expected a JSON object, got list"):
        fetch(make_client(server.base))


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_decode_error(server: ApiServer, depth: int) -> None:
    server.route(JOB_PATH, Reply(body=(b'{"a":' * depth + b"1" + b"}" * depth)))
    with pytest.raises(ResponseDecodeError, match="nested too deeply") as info:
        fetch(make_client(server.base))
    assert info.value.__context__ is None
    assert fetch_ok(server)  # the process (and the client) carry on


def fetch_ok(server: ApiServer) -> bool:
    server.route(JOB_PATH, job_reply("job_1"))
    return bool(fetch(make_client(server.base))["job"]["jobId"] == "job_1")


# -- Secrets ------------------------------------------------------------------------------------


def _failing_calls(server: ApiServer, sleeps: Sleeps) -> list[ApiError]:
    """401, not-JSON, connection refused and timeout, each for a Basic and a Bearer client; the
    server echoes the client's own credentials back in bodies and headers."""
    errors: list[ApiError] = []
    server.route("/v1/jobs/slow", Reply(hang=True))
    for client, echo in (
        (make_client(server.base, sleeps, jwt=JWT), f"{KEY} {SECRET} {BASIC} {JWT}"),
        (Client(KEY, None, JWT, base_url=server.base, env={}, sleep=sleeps), f"{KEY} {JWT}"),
    ):
        server.route(
            JOB_PATH, Reply(401, {"message": f"bad creds {echo}"}, headers={"x-request-id": echo})
        )
        server.route("/v1/jobs/echo", Reply(200, f"not json: {echo}"))
        for call in (
            lambda client=client: fetch(client),
            lambda client=client: client.get_json("/jobs/echo"),
            lambda: make_client(closed_port_url(), sleeps, max_retries=1).get_json("/jobs/x"),
            lambda: make_client(server.base, sleeps, timeout=(0.2, 0.2), max_retries=0).get_json(
                "/jobs/slow"
            ),
        ):
            with pytest.raises(ApiError) as info:
                call()
            errors.append(info.value)
    return errors


def test_no_secret_in_messages_reprs_logs_or_exception_chains(
    server: ApiServer, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = _failing_calls(server, sleeps)
    kinds = [type(e) for e in errors]
    assert kinds.count(AuthenticationError) == 2 and kinds.count(ApiTimeoutError) == 2
    assert kinds.count(ResponseDecodeError) == 2 and kinds.count(ApiConnectionError) == 2
    for err in errors:
        assert_clean(err)
        assert list(iter_chain(err)) == [err]  # nothing chained that could carry headers
    logs = [r.getMessage() for r in caplog.records]
    assert any("GET" in line and "401" in line for line in logs)
    for line in logs:
        assert not secret_leaks(line), line
    assert not secret_leaks(caplog.text)
    client = make_client(server.base)
    assert not secret_leaks(repr(client)) and "***" in repr(client)
    assert not secret_leaks(repr(Client(jwt=JWT, base_url=server.base, env={})))


def test_server_echo_of_credentials_is_masked(server: ApiServer) -> None:
    server.route(JOB_PATH, Reply(401, {"message": f"key {SECRET} rejected"}))
    with pytest.raises(AuthenticationError) as info:
        fetch(make_client(server.base))
    assert "key *** rejected" in str(info.value)


@pytest.mark.parametrize("status", [302, 307])
def test_redirect_to_another_port_never_carries_authorization(
    server: ApiServer, sleeps: Sleeps, status: int
) -> None:
    with ApiServer() as other:
        other.script(job_reply("job_1"))
        server.route(JOB_PATH, Reply(status, headers={"Location": f"{other.base}/jobs/job_1"}))
        with pytest.raises(ApiStatusError) as info:
            fetch(make_client(server.base, sleeps, jwt=JWT))
    assert other.requests == []
    assert info.value.status == status and info.value.attempts == 1
    assert "another origin" in str(info.value) and f"127.0.0.1:{other.port}" in str(info.value)
    assert server.requests[0].headers["authorization"] == f"Basic {BASIC}"
    assert_clean(info.value)


def test_netrc_cannot_replace_the_credentials(
    server: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login intruder password fromnetrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server.script(job_reply("job_1"))
    fetch(make_client(server.base))
    assert server.requests[0].headers["authorization"] == f"Basic {BASIC}"


def test_key_secret_and_jwt_all_set_sends_basic(server: ApiServer) -> None:
    server.script(job_reply("job_1"))
    env = {
        "SCENARIO_SDK_API_KEY": KEY,
        "SCENARIO_SDK_API_SECRET": SECRET,
        "SCENARIO_SDK_JWT": JWT,
        "SCENARIO_BASE_URL": server.base,
    }
    Client(env=env).get_json("/jobs/job_1")
    assert (
        server.requests[0].headers["authorization"]
        == "Basic " + base64.b64encode(b"KEY:SUPERSECRET").decode()
    )


def test_key_and_jwt_without_secret_sends_bearer(server: ApiServer) -> None:
    server.script(job_reply("job_1"))
    env = {"SCENARIO_SDK_API_KEY": KEY, "SCENARIO_SDK_JWT": JWT, "SCENARIO_BASE_URL": server.base}
    Client(env=env).get_json("/jobs/job_1")
    assert server.requests[0].headers["authorization"] == f"Bearer {JWT}"


def test_arguments_win_over_environment(server: ApiServer) -> None:
    server.script(job_reply("job_1"))
    env = {"SCENARIO_SDK_JWT": "envjwt", "SCENARIO_BASE_URL": "http://127.0.0.1:9/v1"}
    Client(jwt=JWT, base_url=server.base + "/", env=env, project_id="proj_7").get_json(
        "/jobs/job_1", {"view": "full"}
    )
    received = server.requests[0]
    assert received.headers["authorization"] == f"Bearer {JWT}"
    assert received.path == JOB_PATH and received.query == {
        "view": ["full"],
        "projectId": ["proj_7"],
    }
    assert received.headers["accept"] == "application/json"


def test_nothing_set_is_a_configuration_error_before_any_request(server: ApiServer) -> None:
    with pytest.raises(ConfigurationError) as info:
        Client(env={"SCENARIO_BASE_URL": server.base})
    assert all(name in str(info.value) for name in ENV_NAMES)
    assert server.requests == [] and server.connections == 0


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"SCENARIO_SDK_API_KEY": KEY}, "SCENARIO_SDK_API_SECRET is not set"),
        ({"SCENARIO_SDK_API_SECRET": SECRET}, "SCENARIO_SDK_API_KEY is not set"),
        ({"SCENARIO_SDK_JWT": "", "SCENARIO_SDK_API_KEY": ""}, "no Scenario API credentials"),
    ],
    ids=["key-only", "secret-only", "empty-strings"],
)
def test_incomplete_credentials_name_the_missing_variable(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Client(env=env)
    assert needle in str(info.value) and not secret_leaks(str(info.value))


@pytest.mark.parametrize(
    "url",
    [
        f"https://{KEY}:{SECRET}@api.example.com/v1",
        "ftp://example.com",
        "not a url",
        "http://[::1/v1",
        "http://127.0.0.1:99999/v1",
        "http://127.0.0.1:0/v1",
    ],
)
def test_bad_base_urls_are_configuration_errors_without_secrets(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Client(KEY, SECRET, base_url=url, env={})
    assert "SCENARIO_BASE_URL" in str(info.value) and not secret_leaks(str(info.value))
