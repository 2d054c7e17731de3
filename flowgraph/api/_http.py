"""The one module that imports ``requests``: a small, careful client for the Scenario API.

It owns the session, the attempts and their timeouts, redirects, body size limits, and the
mapping of each failure to one :class:`~flowgraph.errors.ApiError` subclass. The retry policy
is in :mod:`._retry`, message wording in :mod:`._messages`, credentials and the deadline's
setting in :mod:`._settings`, the deadline's watchdog in :mod:`._deadline`, and the filter that
keeps credentials out of log records in :mod:`._logs`.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import requests

from .._version import __version__
from ..config import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_POOL_SIZE,
    DEFAULT_TIMEOUT,
    ENV_BASE_URL,
    ENV_TIMEOUT,
    ERROR_BODY_LIMIT,
    MAX_REDIRECTS,
)
from ..decode import JsonError, decode_object
from ..errors import (
    ApiConnectionError,
    ApiStatusError,
    ApiTimeoutError,
    ConfigurationError,
    ResponseDecodeError,
)
from ._attempt import Answer, Failure, read_body, request_id, status_failure
from ._deadline import Guard, watch_pools
from ._logs import protect
from ._messages import (
    SNIPPET_CHARS,
    clean,
    cut,
    find_cause,
    origin,
    printable,
    reason,
    safe_url,
    without_userinfo,
)
from ._ratelimit import RateLimiter, pause, rate_slot
from ._retry import header, retry_delay
from ._settings import resolve_deadline, resolve_settings

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Client"]

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: requests' own exceptions carry the request and its headers: never quoted in a message.
_WRAPPERS = (requests.RequestException,)


class _Adapter(requests.adapters.HTTPAdapter):
    """An adapter whose pools (proxies' too) make connections the deadline's watchdog can shut
    down (:mod:`._deadline`)."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        return watch_pools(super().proxy_manager_for(proxy, **proxy_kwargs))


class Client:
    """A Scenario API client: credentials, timeouts, retries, size limits, careful errors.

    Configuration comes from the arguments, else ``SCENARIO_SDK_API_KEY`` +
    ``SCENARIO_SDK_API_SECRET`` (HTTP Basic, preferred) or ``SCENARIO_SDK_JWT`` (Bearer),
    ``SCENARIO_BASE_URL`` and ``FLOWGRAPH_TIMEOUT``. Nothing is sent until :meth:`get_json` is
    called.

    ``timeout`` is (connect, read) seconds for each socket operation of an attempt; the body of
    an answer must also arrive within the read timeout in all. ``deadline`` (else
    ``FLOWGRAPH_TIMEOUT``, else 300 s; ``inf``: none) bounds one :meth:`get_json` call in all:
    connecting, the status line and headers however slowly they come, the body, redirects,
    retries and the waits between them. When it passes the socket is shut down and the call
    raises :class:`~flowgraph.errors.ApiTimeoutError` naming the deadline.

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
        deadline: float | str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Callable[[float], object] = time.sleep,
        pool_size: int = DEFAULT_POOL_SIZE,
        rate_limit: RateLimiter | None = None,
        env: Mapping[str, str] = os.environ,
    ) -> None:
        self._settings = resolve_settings(api_key, api_secret, jwt, base_url, project_id, env)
        connect, read = (timeout, timeout) if isinstance(timeout, (int, float)) else timeout
        if not (connect > 0 and read > 0):
            raise ConfigurationError(f"timeouts must be positive, got {timeout!r}")
        self.deadline = resolve_deadline(deadline, env)
        if max_retries < 0 or max_bytes <= 0 or pool_size < 1:
            raise ConfigurationError("max_retries >= 0, max_bytes > 0 and pool_size >= 1 please")
        self.timeout = (float(connect), float(read))
        self.max_retries = max_retries
        self.max_bytes = max_bytes
        self.pool_size = pool_size
        self.rate_limit = rate_limit  # :mod:`._ratelimit`: a slot per attempt; a 429 pauses all
        self._sleep = sleep
        self._session = requests.Session()
        # trust_env stays on for proxies and CA bundles; ~/.netrc never applies because every
        # request passes ``auth=`` explicitly and redirects are followed by hand, not by requests.
        self._session.trust_env = True
        self._session.headers.update(
            {"Accept": "application/json", "User-Agent": f"flowgraph/{__version__}"}
        )
        adapter = _Adapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        protect(self._settings.auth)  # no credential in urllib3's log records, nor in ours

    @property
    def base_url(self) -> str:
        """The API root every path is appended to."""
        return self._settings.base_url

    @property
    def project_id(self) -> str | None:
        """The ``projectId`` sent with every call, if any."""
        return self._settings.project_id

    def __repr__(self) -> str:
        return (
            f"Client(base_url={self.base_url!r}, auth={self._settings.auth!r}, "
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
        label = what or f"GET {path}"
        for part in (path, *(str(p) for item in query.items() for p in item)):
            if printable(part) != part:
                raise ConfigurationError(
                    f"{cut(printable(label), 200)}: {cut(repr(part), 80)} is not valid Unicode "
                    "text (a lone surrogate), so it cannot be sent"
                )
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        answer = self._request_with_retries(url, label)
        return self._decode(answer, label)

    # -- retries ------------------------------------------------------------------------------

    def _request_with_retries(self, url: str, label: str) -> Answer:
        started = time.monotonic()
        deadline_at = None if self.deadline is None else started + self.deadline
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(url, label, attempt, deadline_at)
            if isinstance(outcome, Answer):
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
                self._shown(url),
                outcome.status or outcome.kind.__name__,
                delay,
                attempt,
                self.max_retries + 1,
            )
            pause(self.rate_limit, outcome.status, self._sleep)(delay)
        plural = "" if attempt == 1 else "s"
        message = f"{outcome.message} [{attempt} attempt{plural}]"
        request_id = self._request_id(outcome.headers)
        raise outcome.kind(
            message,
            status=outcome.status,
            request_id=request_id,
            attempts=attempt,
            url=self._shown(url),
        )

    def _remaining(self, deadline_at: float | None) -> float | None:
        return None if deadline_at is None else deadline_at - time.monotonic()

    def _attempt(
        self, url: str, label: str, attempt: int, deadline_at: float | None
    ) -> Answer | Failure:
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = self._remaining(deadline_at)
            if remaining is not None and remaining <= 0:
                return self._deadline_failure(label, url, "before the next request")
            outcome = self._send(url, label, attempt, deadline_at)
            if isinstance(outcome, Failure) or outcome.status not in _REDIRECTS:
                return outcome
            location = header(outcome.headers, "location")
            if not location:
                return status_failure(outcome, label, self._redact)
            target = without_userinfo(urllib.parse.urljoin(url, location))
            if origin(target) != origin(url):
                return Failure(
                    ApiStatusError,
                    f"{label}: HTTP {outcome.status} redirect to another origin "
                    f"({self._shown(target)}) was not followed, so the credentials for "
                    f"{self._shown(url)} are not sent elsewhere; set {ENV_BASE_URL} to the "
                    "final address if the move is expected",
                    False,
                    status=outcome.status,
                    headers=outcome.headers,
                )
            log.debug(
                "GET %s -> %s, following to %s",
                self._shown(url),
                outcome.status,
                self._shown(target),
            )
            url = target
        return Failure(ApiStatusError, f"{label}: more than {MAX_REDIRECTS} redirects", False)

    def _send(
        self, url: str, label: str, attempt: int, deadline_at: float | None
    ) -> Answer | Failure:
        """One request and its body, under the deadline's watchdog (:class:`._deadline.Guard`),
        which shuts the socket down when the deadline passes, at whatever phase."""
        connect, read = self.timeout
        remaining = self._remaining(deadline_at)
        if remaining is not None:
            connect, read = min(connect, remaining), min(read, remaining)
        log.debug("GET %s (attempt %d)", self._shown(url), attempt)
        with rate_slot(self.rate_limit, deadline_at, label), Guard(deadline_at) as guard:
            outcome = self._exchange(url, label, attempt, (connect, read), guard)
        late = deadline_at is not None and time.monotonic() >= deadline_at
        transport = isinstance(outcome, Failure) and outcome.status is None
        if guard.struck or (late and transport):
            # whatever the attempt saw once the socket was shut down (a reset, a short body) is
            # the deadline's doing; a socket timeout that fired with it is the deadline too
            outcome = self._deadline_failure(label, url, f"while {guard.struck or guard.phase}")
        if isinstance(outcome, Failure):
            log.debug("GET %s failed: %s (attempt %d)", self._shown(url), outcome.message, attempt)
        return outcome

    def _exchange(
        self, url: str, label: str, attempt: int, timeout: tuple[float, float], guard: Guard
    ) -> Answer | Failure:
        guard.phase = "connecting or waiting for the status line and headers"
        try:
            response = self._session.get(
                url,
                auth=self._settings.auth,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.Timeout as exc:
            return self._connection_failure(exc, url, label, timeout=True)
        except requests.exceptions.RequestException as exc:
            return self._connection_failure(exc, url, label, timeout=False)
        with response:
            status = response.status_code
            headers = response.headers
            log.debug("GET %s -> %d (attempt %d)", self._shown(url), status, attempt)
            guard.phase = "reading the body"
            ok = 200 <= status < 300
            limit = self.max_bytes if ok else ERROR_BODY_LIMIT
            body = read_body(response, label, limit, timeout[1], ok, self.timeout[1])
        if isinstance(body, Failure):
            body.headers = headers
            return body
        answer = Answer(status, headers, body, url)
        if ok or status in _REDIRECTS:
            return answer
        return status_failure(answer, label, self._redact)

    def _deadline_failure(self, label: str, url: str, when: str) -> Failure:
        parts = urllib.parse.urlsplit(url)
        return Failure(
            ApiTimeoutError,
            f"{label}: timed out: the {self.deadline:g} s deadline passed {when} "
            f"({parts.hostname}:{origin(url)[2]}); raise it with deadline= or {ENV_TIMEOUT}",
            False,
        )

    def _connection_failure(
        self, exc: BaseException, url: str, label: str, *, timeout: bool
    ) -> Failure:
        parts = urllib.parse.urlsplit(url)
        where = f"{parts.hostname}:{origin(url)[2]}"
        why = reason(exc, _WRAPPERS)
        if timeout:
            phase = (
                "connecting"
                if isinstance(exc, requests.exceptions.ConnectTimeout)
                else "waiting for the answer"
            )
            return Failure(ApiTimeoutError, f"{label}: timed out {phase} ({where}): {why}", True)
        certificate = find_cause(exc, ssl.SSLCertVerificationError, _WRAPPERS)
        if certificate is not None:
            return Failure(
                ApiConnectionError,
                f"{label}: TLS certificate verify failed for {where}: {why}; fix the "
                f"server certificate or point REQUESTS_CA_BUNDLE at its CA",
                False,
            )
        return Failure(ApiConnectionError, f"{label}: could not reach {where}: {why}", True)

    def _decode(self, answer: Answer, label: str) -> dict[str, Any]:
        if answer.status == 204:
            failure = "empty body"
        else:
            try:
                return decode_object(answer.body)
            except JsonError as exc:
                failure = str(exc)
        content_type = answer.headers.get("content-type", "") or "no content type"
        head = answer.body[: SNIPPET_CHARS * 4].decode("utf-8", "replace")
        snippet = self._redact(clean(head))[:SNIPPET_CHARS]
        more = "..." if len(answer.body) > len(snippet) else ""
        message = (
            f"{label}: HTTP {answer.status} answer is not the JSON the API sends: {failure}; "
            f"content type {content_type!r}, body {snippet!r}{more}"
        )
        raise ResponseDecodeError(
            message,
            status=answer.status,
            request_id=self._request_id(answer.headers),
            url=self._shown(answer.url),
        )

    def _request_id(self, headers: Mapping[str, str] | None) -> str | None:
        return request_id(headers, self._redact)

    def _redact(self, text: str) -> str:
        """Mask our credentials in text the server sent (it may echo them back)."""
        return self._settings.auth.redact(text)

    def _shown(self, url: str) -> str:
        """``url`` as logs and messages may show it: no userinfo, no query, no credentials
        (a redirect's ``Location`` can put them in the path)."""
        return self._redact(safe_url(url))
