"""The one module that talks HTTP: a small, careful ``requests`` client for the Scenario API."""

from __future__ import annotations

import base64
import email.utils
import html
import json
import logging
import math
import os
import random
import re
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
import urllib3.exceptions

if TYPE_CHECKING:
    from typing_extensions import Self

from . import __version__
from .errors import (
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

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_BASE_URL",
    "ENV_JWT",
    "Client",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

log = logging.getLogger(__name__)

# Every default in one place (mirrors scenario_sdk/_constants.py).
DEFAULT_BASE_URL = "https://api.cloud.scenario.com/v1"
DEFAULT_TIMEOUT = (5.0, 60.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_POOL_SIZE = 16
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 3
ERROR_BODY_LIMIT = 64 * 1024
CHUNK_SIZE = 64 * 1024
DETAIL_CHARS = 300
SNIPPET_CHARS = 120
MAX_JSON_DEPTH = 500

ENV_API_KEY = "SCENARIO_SDK_API_KEY"
ENV_API_SECRET = "SCENARIO_SDK_API_SECRET"
ENV_JWT = "SCENARIO_SDK_JWT"
ENV_BASE_URL = "SCENARIO_BASE_URL"

CREDENTIALS_HINT = (
    f"set {ENV_API_KEY} and {ENV_API_SECRET} (HTTP Basic) or {ENV_JWT} (Bearer) "
    "to valid credentials"
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_STATUS_ERRORS: dict[int, type[ApiStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SPACES = re.compile(r"\s+")
_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


# ---------------------------------------------------------------------------------------------
# Retry policy: three small pure functions.


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an answer with this status is worth another attempt (the SDK's rule).

    ``x-should-retry: true|false`` wins; else 408, 409, 429 and 5xx are retried.

    >>> should_retry(429, {}), should_retry(404, {}), should_retry(503, {"x-should-retry": "false"})
    (True, False, False)
    """
    flag = _header(headers, "x-should-retry")
    if flag == "true":
        return True
    if flag == "false":
        return False
    return status in (408, 409, 429) or status >= 500


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait (``retry-after-ms``, then ``Retry-After``), or None.

    >>> parse_retry_after({"retry-after-ms": "200"}), parse_retry_after({"Retry-After": "3"})
    (0.2, 3.0)
    >>> parse_retry_after({"Retry-After": "Thu, 01 Jan 1970 00:00:10 GMT"}, now=4.0)
    6.0
    >>> parse_retry_after({"Retry-After": "soon"}) is None
    True
    """
    millis = _header(headers, "retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
        except ValueError:
            pass
        else:
            return value if math.isfinite(value) else None
    retry_after = _header(headers, "retry-after")
    if retry_after is None:
        return None
    try:
        value = float(retry_after)
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) else None
    parsed = email.utils.parsedate_tz(retry_after)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - (time.time() if now is None else now)


def retry_delay(
    retries_done: int,
    headers: Mapping[str, str] | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``retries_done + 1``.

    The server's ``Retry-After`` when ``0 < v <= 60``, else ``min(0.5 * 2**n, 8)`` minus up to
    25 % jitter.

    >>> retry_delay(0, {"Retry-After": "1"}), retry_delay(0, {"Retry-After": "120"}, lambda: 0.0)
    (1.0, 0.5)
    >>> retry_delay(1, None, lambda: 1.0), retry_delay(10, None, lambda: 0.0)
    (0.75, 8.0)
    """
    wanted = parse_retry_after(headers) if headers is not None else None
    if wanted is not None and 0 < wanted <= MAX_RETRY_AFTER:
        return wanted
    base = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_done, 1000), MAX_RETRY_DELAY)
    return max(base * (1 - 0.25 * rand()), 0.0)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None and not isinstance(headers, requests.structures.CaseInsensitiveDict):
        lowered = name.lower()
        for key, item in headers.items():
            if key.lower() == lowered:
                return item
    return value


# ---------------------------------------------------------------------------------------------
# Configuration: argument, else environment variable, else default; resolved in one place.


class _Auth(requests.auth.AuthBase):
    """Sets ``Authorization`` on every request; its repr never shows the credentials."""

    def __init__(self, scheme: str, token: str, secrets: tuple[str, ...]) -> None:
        self.scheme = scheme
        self._value = f"{scheme} {token}"
        self._secrets = secrets

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._value
        return request

    def __repr__(self) -> str:
        return f"<{self.scheme} credentials ***>"


@dataclass(frozen=True, repr=False)
class _Config:
    base_url: str
    auth: _Auth
    project_id: str | None

    def __repr__(self) -> str:
        return f"_Config(base_url={self.base_url!r}, auth={self.auth!r})"


def _setting(value: str | None, env: Mapping[str, str], name: str) -> str | None:
    if value is None:
        value = env.get(name)
    return value if value else None


def _resolve_config(
    api_key: str | None,
    api_secret: str | None,
    jwt: str | None,
    base_url: str | None,
    project_id: str | None,
    env: Mapping[str, str],
) -> _Config:
    key = _setting(api_key, env, ENV_API_KEY)
    secret = _setting(api_secret, env, ENV_API_SECRET)
    bearer = _setting(jwt, env, ENV_JWT)
    url = _setting(base_url, env, ENV_BASE_URL) or DEFAULT_BASE_URL
    if key and secret:
        token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        auth = _Auth("Basic", token, (key, secret, token, bearer or ""))
    elif bearer:
        auth = _Auth("Bearer", bearer, (bearer, key or "", secret or ""))
    elif key or secret:
        missing = ENV_API_SECRET if key else ENV_API_KEY
        raise ConfigurationError(
            f"incomplete credentials: {missing} is not set; {CREDENTIALS_HINT}"
        )
    else:
        raise ConfigurationError(f"no Scenario API credentials: {CREDENTIALS_HINT}")
    for part in (key, secret, bearer):
        if part and any(ch in part for ch in "\r\n\x00"):
            raise ConfigurationError("credentials contain a line break or NUL character")
    return _Config(_check_base_url(url), auth, project_id or None)


def _check_base_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{ENV_BASE_URL} / base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, "
            f"got {_safe_url(url)!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            f"{ENV_BASE_URL} / base_url must not contain credentials (user:password@); "
            f"{CREDENTIALS_HINT}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{ENV_BASE_URL} / base_url must not have a query or fragment")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _safe_url(url: str) -> str:
    """The URL without userinfo and query: what may appear in messages and logs."""
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "<unparsable URL>"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


# ---------------------------------------------------------------------------------------------
# One attempt's outcome.


@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


@dataclass
class _Failure:
    """Why an attempt failed; turned into an exception outside any ``except`` block."""

    kind: type[ApiError]
    message: str
    retryable: bool
    status: int | None = None
    headers: Mapping[str, str] | None = None


class Client:
    """A Scenario API client: credentials, timeouts, retries, size limits, careful errors.

    Configuration comes from the arguments, else ``SCENARIO_SDK_API_KEY`` +
    ``SCENARIO_SDK_API_SECRET`` (HTTP Basic, preferred) or ``SCENARIO_SDK_JWT`` (Bearer), and
    ``SCENARIO_BASE_URL``. Nothing is sent until :meth:`get_json` is called.

    >>> client = Client("KEY", "SECRET", base_url="http://127.0.0.1:9/v1", env={})
    >>> client
    Client(base_url='http://127.0.0.1:9/v1', auth=<Basic credentials ***>, project_id=None)
    >>> Client(env={})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    flowgraph.errors.ConfigurationError: no Scenario API credentials: set SCENARIO_SDK_API_KEY ...
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        jwt: str | None = None,
        base_url: str | None = None,
        project_id: str | None = None,
        *,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Callable[[float], object] = time.sleep,
        pool_size: int = DEFAULT_POOL_SIZE,
        env: Mapping[str, str] = os.environ,
    ) -> None:
        self._config = _resolve_config(api_key, api_secret, jwt, base_url, project_id, env)
        connect, read = (timeout, timeout) if isinstance(timeout, (int, float)) else timeout
        if not (connect > 0 and read > 0):
            raise ConfigurationError(f"timeouts must be positive, got {timeout!r}")
        if deadline is not None and not deadline > 0:
            raise ConfigurationError(f"deadline must be positive seconds, got {deadline!r}")
        if max_retries < 0 or max_bytes <= 0 or pool_size < 1:
            raise ConfigurationError("max_retries >= 0, max_bytes > 0 and pool_size >= 1 please")
        self.timeout = (float(connect), float(read))
        self.deadline = deadline
        self.max_retries = max_retries
        self.max_bytes = max_bytes
        self.pool_size = pool_size
        self._sleep = sleep
        self._session = requests.Session()
        # trust_env stays on for proxies and CA bundles; ~/.netrc never applies because every
        # request passes ``auth=`` explicitly and redirects are followed by hand, not by requests.
        self._session.trust_env = True
        self._session.max_redirects = MAX_REDIRECTS
        self._session.headers.update(
            {"Accept": "application/json", "User-Agent": f"flowgraph/{__version__}"}
        )
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=pool_size, max_retries=0
        )
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    @property
    def base_url(self) -> str:
        """The API root every path is appended to."""
        return self._config.base_url

    @property
    def project_id(self) -> str | None:
        """The ``projectId`` sent with every call, if any."""
        return self._config.project_id

    def __repr__(self) -> str:
        return (
            f"Client(base_url={self.base_url!r}, auth={self._config.auth!r}, "
            f"project_id={self.project_id!r})"
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one public call ------------------------------------------------------------------

    def get_json(
        self, path: str, params: Mapping[str, str] | None = None, *, what: str | None = None
    ) -> dict[str, Any]:
        """``GET base_url + path`` (``projectId`` added when set) and return the JSON object.

        ``what`` names the resource in error messages (``"job 'job_1'"``). Retries 408, 409,
        429, 5xx, connection errors, timeouts and truncated bodies; raises one
        :class:`~flowgraph.errors.ApiError` subclass per failure.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        query = dict(params or {})
        if self.project_id and "projectId" not in query:
            query["projectId"] = self.project_id
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        label = what or f"GET {path}"
        answer = self._request_with_retries(url, label)
        return self._decode(answer, label)

    # -- retries ------------------------------------------------------------------------------

    def _request_with_retries(self, url: str, label: str) -> _Answer:
        started = time.monotonic()
        deadline_at = None if self.deadline is None else started + self.deadline
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(url, label, attempt, deadline_at)
            if isinstance(outcome, _Answer):
                return outcome
            retries_done = attempt - 1
            if not outcome.retryable or retries_done >= self.max_retries:
                break
            delay = retry_delay(retries_done, outcome.headers)
            if deadline_at is not None and time.monotonic() + delay >= deadline_at:
                outcome.message += f"; gave up: the {self.deadline:g} s deadline would pass"
                break
            log.info(
                "GET %s failed (%s), retrying in %.2f s (attempt %d of %d)",
                _safe_url(url),
                outcome.status or outcome.kind.__name__,
                delay,
                attempt,
                self.max_retries + 1,
            )
            self._sleep(delay)
        plural = "" if attempt == 1 else "s"
        message = f"{outcome.message} [{attempt} attempt{plural}]"
        request_id = self._request_id(outcome.headers)
        raise outcome.kind(
            message,
            status=outcome.status,
            request_id=request_id,
            attempts=attempt,
            url=_safe_url(url),
        )

    def _remaining(self, deadline_at: float | None) -> float | None:
        return None if deadline_at is None else deadline_at - time.monotonic()

    def _attempt(
        self, url: str, label: str, attempt: int, deadline_at: float | None
    ) -> _Answer | _Failure:
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = self._remaining(deadline_at)
            if remaining is not None and remaining <= 0:
                return _Failure(
                    ApiTimeoutError, f"{label}: the {self.deadline:g} s deadline passed", False
                )
            outcome = self._send(url, label, attempt, remaining)
            if isinstance(outcome, _Failure) or outcome.status not in _REDIRECTS:
                return outcome
            location = _header(outcome.headers, "location")
            if not location:
                return self._status_failure(outcome, label)
            target = urllib.parse.urljoin(url, location)
            if _origin(target) != _origin(url):
                return _Failure(
                    ApiStatusError,
                    f"{label}: HTTP {outcome.status} redirect to another origin "
                    f"({self._redact(_safe_url(target))}) was not followed, so the credentials for "
                    f"{_safe_url(url)} are not sent elsewhere; set {ENV_BASE_URL} to the "
                    "final address if the move is expected",
                    False,
                    status=outcome.status,
                    headers=outcome.headers,
                )
            log.debug(
                "GET %s -> %s, following to %s", _safe_url(url), outcome.status, _safe_url(target)
            )
            url = target
        return _Failure(ApiStatusError, f"{label}: more than {MAX_REDIRECTS} redirects", False)

    def _send(
        self, url: str, label: str, attempt: int, remaining: float | None
    ) -> _Answer | _Failure:
        connect, read = self.timeout
        if remaining is not None:
            connect, read = min(connect, remaining), min(read, remaining)
        log.debug("GET %s (attempt %d)", _safe_url(url), attempt)
        failure: _Failure | None = None
        try:
            response = self._session.get(
                url,
                auth=self._config.auth,
                timeout=(connect, read),
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.Timeout as exc:
            failure = self._connection_failure(exc, url, label, timeout=True)
        except requests.exceptions.RequestException as exc:
            failure = self._connection_failure(exc, url, label, timeout=False)
        if failure is not None:
            log.debug("GET %s failed: %s (attempt %d)", _safe_url(url), failure.message, attempt)
            return failure
        with response:
            status = response.status_code
            headers = response.headers
            log.debug("GET %s -> %d (attempt %d)", _safe_url(url), status, attempt)
            limit = self.max_bytes if 200 <= status < 300 else ERROR_BODY_LIMIT
            body = self._read_body(response, label, limit, read, 200 <= status < 300)
        if isinstance(body, _Failure):
            body.headers = headers
            return body
        answer = _Answer(status, headers, body, url)
        if 200 <= status < 300 or status in _REDIRECTS:
            return answer
        return self._status_failure(answer, label)

    def _read_body(
        self,
        response: requests.Response,
        label: str,
        limit: int,
        budget: float,
        strict: bool,
    ) -> bytes | _Failure:
        """Read the body in chunks within ``budget`` seconds and ``limit`` bytes.

        For error answers (``strict`` false) a long body is cut rather than refused.
        """
        status = response.status_code
        declared = response.headers.get("content-length")
        length = int(declared) if declared and declared.strip().isdigit() else None
        if strict and length is not None and length > limit:
            return _Failure(
                ResponseTooLargeError,
                f"{label}: the answer declares {length} bytes, more than the "
                f"{limit} byte limit (max_bytes); not read",
                False,
                status=status,
            )
        raw = response.raw
        # read1 returns whatever one socket read gives, so a server dripping bytes cannot keep
        # a read going past the budget (urllib3 >= 2; older versions fall back to read()).
        read1 = getattr(raw, "read1", None)
        method = read1 if callable(read1) else raw.read

        def reader(amount: int) -> bytes:
            return method(amount, decode_content=True)  # type: ignore[no-any-return]

        chunks: list[bytes] = []
        size = 0
        ends_at = time.monotonic() + budget
        failure: _Failure | None = None
        try:
            while True:
                chunk = reader(CHUNK_SIZE)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    if not strict:
                        break
                    failure = _Failure(
                        ResponseTooLargeError,
                        f"{label}: the answer is larger than the {limit} byte limit (max_bytes)",
                        False,
                        status=status,
                    )
                    break
                if time.monotonic() > ends_at:
                    failure = _Failure(
                        ApiTimeoutError,
                        f"{label}: the body took longer than {budget:g} s to arrive "
                        f"({size} bytes so far)",
                        True,
                    )
                    break
        except urllib3.exceptions.ReadTimeoutError:
            failure = _Failure(
                ApiTimeoutError,
                f"{label}: the body stalled for more than {self.timeout[1]:g} s "
                f"({size} bytes so far)",
                True,
            )
        except urllib3.exceptions.DecodeError:
            failure = _Failure(
                ResponseDecodeError,
                f"{label}: HTTP {status} body could not be decompressed "
                f"(Content-Encoding {response.headers.get('content-encoding')!r})",
                False,
                status=status,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            failure = _Failure(
                ApiConnectionError,
                f"{label}: the connection broke while reading the body ({size} bytes"
                f"{' of ' + declared if declared else ''}): {_reason(exc)}",
                True,
            )
        if failure is not None:
            response.close()
            return failure
        return b"".join(chunks)[: limit if not strict else None]

    def _connection_failure(
        self, exc: BaseException, url: str, label: str, *, timeout: bool
    ) -> _Failure:
        parts = urllib.parse.urlsplit(url)
        where = f"{parts.hostname}:{_origin(url)[2]}"
        reason = _reason(exc)
        if timeout:
            phase = (
                "connecting"
                if isinstance(exc, requests.exceptions.ConnectTimeout)
                else "waiting for the answer"
            )
            return _Failure(
                ApiTimeoutError, f"{label}: timed out {phase} ({where}): {reason}", True
            )
        certificate = _find(exc, ssl.SSLCertVerificationError)
        if certificate is not None:
            return _Failure(
                ApiConnectionError,
                f"{label}: TLS certificate verify failed for {where}: {reason}; fix the "
                f"server certificate or point REQUESTS_CA_BUNDLE at its CA",
                False,
            )
        return _Failure(ApiConnectionError, f"{label}: could not reach {where}: {reason}", True)

    def _status_failure(self, answer: _Answer, label: str) -> _Failure:
        status = answer.status
        kind = _STATUS_ERRORS.get(status) or (ServerError if status >= 500 else ApiStatusError)
        detail = _detail(answer.body, answer.headers.get("content-type", ""), self._redact)
        request_id = self._request_id(answer.headers)
        rid = f", request id {request_id}" if request_id else ""
        if status == 401:
            text = f"{label}: authentication failed (HTTP 401{rid}): {detail}; {CREDENTIALS_HINT}"
        elif status == 403:
            text = (
                f"{label}: permission denied (HTTP 403{rid}): {detail}; check the project id and "
                f"that the credentials in {ENV_API_KEY}/{ENV_API_SECRET} or {ENV_JWT} may read it"
            )
        elif status == 404:
            text = f"{label} was not found (HTTP 404{rid}): {detail}"
        else:
            text = f"{label}: HTTP {status}{rid}: {detail}"
        return _Failure(kind, text, should_retry(status, answer.headers), status, answer.headers)

    def _decode(self, answer: _Answer, label: str) -> dict[str, Any]:
        content_type = answer.headers.get("content-type", "") or "no content type"
        failure: str | None = None
        data: Any = None
        if answer.status == 204 or not answer.body.strip():
            failure = "empty body"
        else:
            try:
                data = json.loads(answer.body)
            except RecursionError:
                failure = "JSON nested too deeply"
            except ValueError as exc:
                failure = f"not valid JSON ({exc})"
            else:
                if not isinstance(data, dict):
                    failure = f"expected a JSON object, got {type(data).__name__}"
                elif _nested_deeper(data, MAX_JSON_DEPTH):
                    failure = f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)"
        if failure is None:
            return data  # type: ignore[no-any-return]
        head = answer.body[: SNIPPET_CHARS * 4].decode("utf-8", "replace")
        snippet = self._redact(_clean(head))[:SNIPPET_CHARS]
        more = "..." if len(answer.body) > len(snippet) else ""
        message = (
            f"{label}: HTTP {answer.status} answer is not the JSON the API sends: {failure}; "
            f"content type {content_type!r}, body {snippet!r}{more}"
        )
        raise ResponseDecodeError(
            message,
            status=answer.status,
            request_id=self._request_id(answer.headers),
            url=_safe_url(answer.url),
        )

    def _request_id(self, headers: Mapping[str, str] | None) -> str | None:
        value = headers.get("x-request-id") if headers else None
        return _cut(self._redact(_clean(value)), 100) or None if value else None

    def _redact(self, text: str) -> str:
        """Mask our credentials in text the server sent (it may echo them back)."""
        for secret in sorted(self._config.auth._secrets, key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return text


# ---------------------------------------------------------------------------------------------
# Small helpers for messages.


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def _cut(text: str, limit: int = DETAIL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _detail(body: bytes, content_type: str, redact: Callable[[str], str] = str) -> str:
    """A short human message from an error body: JSON ``message``/``error``, or stripped HTML.

    >>> _detail(b'{"message": "bad creds"}', "application/json")
    'bad creds'
    >>> _detail(b"<html><title>Bad</title><body><h1>502</h1> Gateway</body></html>", "text/html")
    'Bad 502 Gateway'
    """
    text = body.decode("utf-8", "replace")
    message: Any = None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        message = data.get("message") or data.get("error") or data.get("detail")
        if isinstance(message, dict):
            message = message.get("message") or json.dumps(message)[:DETAIL_CHARS]
    if message is not None:
        return _cut(redact(_clean(str(message)))) or "no details"
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        text = _COMMENT.sub(" ", _HIDDEN_HTML.sub(" ", text))
        text = html.unescape(_TAG.sub(" ", text))
    return _cut(redact(_clean(text))) or "no details"


def _nested_deeper(data: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels (iterative, no recursion).

    >>> _nested_deeper({"a": [[1]]}, 3), _nested_deeper({"a": [[1]]}, 2)
    (False, True)
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, (dict, list)))
    return False


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s chain, args and ``reason``; never requests'
    own wrappers (they carry the request and its headers)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind) and not isinstance(item, requests.RequestException):
            return item
        stack.extend(x for x in (item.__cause__, item.__context__) if x is not None)
        stack.extend(x for x in item.args if isinstance(x, BaseException))
        reason = getattr(item, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return None


def _reason(exc: BaseException) -> str:
    """A short cause (``Connection refused``) without URLs, headers or object reprs."""
    cert = _find(exc, ssl.SSLCertVerificationError)
    if isinstance(cert, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {cert.verify_message or cert.reason}"
    incomplete = _find(exc, urllib3.exceptions.IncompleteRead)
    if isinstance(incomplete, urllib3.exceptions.IncompleteRead):
        return (
            f"connection closed early ({incomplete.partial} bytes read, "
            f"{incomplete.expected} more expected)"
        )
    os_error = _find(exc, OSError)
    if isinstance(os_error, ssl.SSLError):
        return f"TLS error: {os_error.reason or type(os_error).__name__}"
    if isinstance(os_error, OSError) and os_error.strerror:
        return os_error.strerror
    if isinstance(os_error, OSError) and os_error.args:
        return _cut(_clean(str(os_error)), 120)
    for kind, text in (
        (urllib3.exceptions.ReadTimeoutError, "read timed out"),
        (urllib3.exceptions.ConnectTimeoutError, "connect timed out"),
        (urllib3.exceptions.NameResolutionError, "name not resolved"),
        (urllib3.exceptions.ProtocolError, "connection aborted"),
    ):
        if _find(exc, kind) is not None:
            return text
    return type(os_error or exc).__name__
