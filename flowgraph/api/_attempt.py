"""One attempt's outcome: reading an answer's body within a byte limit and a time budget, and
the failure an error status stands for."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import urllib3.exceptions

from ..config import CREDENTIALS_HINT, ENV_API_KEY, ENV_API_SECRET, ENV_JWT
from ..errors import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ResponseTooLargeError,
    ServerError,
    UnprocessableEntityError,
)
from ._messages import clean, cut, detail, reason
from ._retry import should_retry

if TYPE_CHECKING:
    from requests import Response

__all__ = ["CHUNK_SIZE", "Answer", "Failure", "read_body", "request_id", "status_failure"]

#: Bytes asked of the socket per read of a body.
CHUNK_SIZE = 64 * 1024

_STATUS_ERRORS: dict[int, type[ApiStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


@dataclass
class Answer:
    """An HTTP answer read whole: what :meth:`Client.get_json` decodes."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


@dataclass
class Failure:
    """Why an attempt failed; turned into an exception outside any ``except`` block."""

    kind: type[ApiError]
    message: str
    retryable: bool
    status: int | None = None
    headers: Mapping[str, str] | None = None


def read_body(
    response: Response, label: str, limit: int, budget: float, strict: bool, stall: float
) -> bytes | Failure:
    """Read ``response``'s body in chunks within ``budget`` seconds and ``limit`` bytes.

    For error answers (``strict`` false) a long body is cut rather than refused. ``stall`` is
    the read timeout named when the socket goes quiet. The body is read from urllib3 directly,
    so no ``requests`` exception (which would carry the request's headers) is in any chain.
    """
    status = response.status_code
    declared = response.headers.get("content-length")
    length = int(declared) if declared and declared.strip().isdigit() else None
    if strict and length is not None and length > limit:
        return Failure(
            ResponseTooLargeError,
            f"{label}: the answer declares {length} bytes, more than the "
            f"{limit} byte limit (max_bytes); not read",
            False,
            status=status,
        )
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    ends_at = time.monotonic() + budget
    failure: Failure | None = None
    try:
        while True:
            # read1 returns whatever one socket read gives, so a server dripping bytes cannot
            # keep a read going past the budget (urllib3 >= 2.2, the floor in pyproject.toml)
            chunk: bytes = raw.read1(CHUNK_SIZE, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if not strict:
                    break
                failure = Failure(
                    ResponseTooLargeError,
                    f"{label}: the answer is larger than the {limit} byte limit (max_bytes)",
                    False,
                    status=status,
                )
                break
            if time.monotonic() > ends_at:
                failure = Failure(
                    ApiTimeoutError,
                    f"{label}: the body took longer than {budget:g} s to arrive "
                    f"({size} bytes so far)",
                    True,
                )
                break
    except urllib3.exceptions.ReadTimeoutError:
        failure = Failure(
            ApiTimeoutError,
            f"{label}: the body stalled for more than {stall:g} s ({size} bytes so far)",
            True,
        )
    except urllib3.exceptions.DecodeError:
        failure = Failure(
            ResponseDecodeError,
            f"{label}: HTTP {status} body could not be decompressed "
            f"(Content-Encoding {response.headers.get('content-encoding')!r})",
            False,
            status=status,
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        failure = Failure(
            ApiConnectionError,
            f"{label}: the connection broke while reading the body ({size} bytes"
            f"{' of ' + declared if declared else ''}): {reason(exc)}",
            True,
        )
    if failure is not None:
        response.close()
        return failure
    return b"".join(chunks)[: limit if not strict else None]


def request_id(headers: Mapping[str, str] | None, mask: Callable[[str], str]) -> str | None:
    """The answer's ``x-request-id``, one line, cut, credentials masked by ``mask``."""
    value = headers.get("x-request-id") if headers else None
    return cut(mask(clean(value)), 100) or None if value else None


def status_failure(answer: Answer, label: str, mask: Callable[[str], str]) -> Failure:
    """The failure an error status stands for, its message built from the body's detail
    (credentials the server echoed masked by ``mask``) and naming the fix where there is one."""
    status = answer.status
    kind = _STATUS_ERRORS.get(status) or (ServerError if status >= 500 else ApiStatusError)
    said = detail(answer.body, answer.headers.get("content-type", ""), mask)
    rid = request_id(answer.headers, mask)
    rid = f", request id {rid}" if rid else ""
    if status == 401:
        text = f"{label}: authentication failed (HTTP 401{rid}): {said}; {CREDENTIALS_HINT}"
    elif status == 403:
        text = (
            f"{label}: permission denied (HTTP 403{rid}): {said}; check the project id and "
            f"that the credentials in {ENV_API_KEY}/{ENV_API_SECRET} or {ENV_JWT} may read it"
        )
    elif status == 404:
        text = f"{label} was not found (HTTP 404{rid}): {said}"
    else:
        text = f"{label}: HTTP {status}{rid}: {said}"
    return Failure(kind, text, should_retry(status, answer.headers), status, answer.headers)
